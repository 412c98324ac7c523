"""Curation by keyboard alone (issue 13): the focus model, find in text, word and
character steps, advance after a fix, a key for every label, D with open suggestions,
focus after dialogs, and what the window shows while text is selected.

Driven by key presses on whatever widget has the focus, as a curator's keyboard would.
No spaCy: suggestions are written with Store.replace_suggestions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QApplication

from annotator.core.store import NewDocument, Store, SuggestionDraft
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import VALUE_ROLE

TEXT = (
    "ASTANA – Kazakh President Kassym-Jomart Tokayev met South Korea's Park Jin in "
    "Almaty. They praised Kazakh-South Korean ties and the Korean “System of Labor "
    "Permits”. Trade reached $6.1 billion in 2022, the U.S. embassy said."
)
SECOND = "Seoul and Busan signed a memorandum."

NO = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _span(text: str, part: str, layer: str, label: str, **attrs: object) -> SuggestionDraft:
    start = text.index(part)
    return SuggestionDraft(layer, start, start + len(part), label, dict(attrs))


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return build_project(tmp_path / "keys.db")


def build_project(path: Path) -> Path:
    """Two documents: one where every kind of fix is needed, one nearly right."""
    with Store(path) as store:
        first, second = store.add_documents(
            [
                NewDocument(TEXT, "Tokayev meets Park", "2023-06-01", "a.txt", {}),
                NewDocument(SECOND, "Seoul and Busan", "2023-06-02", "b.txt", {}),
            ]
        )
        store.replace_suggestions(
            first,
            "test",
            "1",
            [
                _span(TEXT, "Kassym-Jomart Tokayev", "ents", "ORG"),
                _span(TEXT, "South Korea's", "ents", "GPE"),
                _span(TEXT, "Park Jin", "ents", "PERSON"),
                _span(TEXT, "Almaty", "ents", "GPE"),
                _span(TEXT, "Kazakh-South Korean", "ents", "ORG"),
                _span(TEXT, "the Korean “System of Labor Permits", "ents", "ORG"),
                _span(TEXT, "$6.1 billion", "figures", "money", value=6.1e9, unit="USD"),
                _span(TEXT, "2022", "ents", "DATE"),
            ],
        )
        store.replace_suggestions(second, "test", "1", [_span(SECOND, "Seoul", "ents", "GPE")])
    return path


@pytest.fixture
def window(qtbot, project: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator="alice")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    yield w


def key(qtbot, key: Qt.Key | str, mods: Qt.KeyboardModifier = NO) -> None:  # type: ignore[no-untyped-def]
    """A key press on whatever has the keyboard focus, as a keyboard would send it."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, mods)


def typed(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        key(qtbot, ch)


def current_text(w: MainWindow) -> str:
    item = w.session.current_item()
    return item.text if item is not None else ""


def anns(project: Path, doc_id: int = 1) -> list[tuple[str, str, str]]:
    with Store(project) as s:
        t = s.document(doc_id).text
        return [(t[a.start : a.end], a.label, a.origin) for a in s.annotations(doc_id, "alice")]


def answer_dialog(qtbot, *keys: tuple[Qt.Key, Qt.KeyboardModifier], seen: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Press `keys` in the next modal dialog once it shows (its exec() blocks the test)."""

    def press() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or QApplication.activeWindow() is not modal:
            QTimer.singleShot(10, press)  # keys go to the active window: wait for it
            return
        seen.append(type(modal).__name__)
        for k, mods in keys:
            qtbot.keyClick(modal.focusWidget() or modal, k, mods)

    QTimer.singleShot(0, press)


# -- the focus model -------------------------------------------------------------------


def test_window_opens_in_the_text_with_the_caret_on_the_current_span(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    w = window
    assert QApplication.focusWidget() is w.article
    assert current_text(w) == "Kassym-Jomart Tokayev"
    assert w.article.caret() == TEXT.index("Kassym")
    # the caret follows J and K
    key(qtbot, Qt.Key.Key_J)
    assert current_text(w) == "South Korea's" and w.article.caret() == TEXT.index("South")
    key(qtbot, Qt.Key.Key_K)
    assert w.article.caret() == TEXT.index("Kassym")
    # a J typed first goes to the spans, never into the search field
    assert w.doc_list.search_box.text() == ""


def test_tab_goes_between_text_and_spans_and_never_opens_documents(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    w = window
    seen = []
    for _ in range(9):
        key(qtbot, Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert set(seen) == {w.article, w.spans.view}
    assert seen[0] is w.spans.view and seen[1] is w.article
    key(qtbot, Qt.Key.Key_Backtab, SHIFT)
    assert QApplication.focusWidget() is w.article or QApplication.focusWidget() is w.spans.view
    assert w.session.doc_id == 1  # no document was opened on the way
    # In the span list, ↓ moves the current span and the caret with it; letters are the
    # window's keys there too (no type-to-search in the list)
    w.spans.view.setFocus()
    key(qtbot, Qt.Key.Key_Down)
    assert current_text(w) == "South Korea's" and w.article.caret() == TEXT.index("South")
    key(qtbot, Qt.Key.Key_A)
    assert anns(w.db_path) == [("South Korea's", "GPE", "accepted")]
    assert QApplication.focusWidget() is w.spans.view


def test_f6_visits_the_panes_and_esc_comes_back_home(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    w = window
    key(qtbot, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is w.spans.view
    key(qtbot, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is w.doc_list.view
    key(qtbot, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is w.article
    key(qtbot, Qt.Key.Key_F6, SHIFT)
    assert QApplication.focusWidget() is w.doc_list.view
    # Enter in the document list goes back to work (the span is not accepted unseen)
    key(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is w.article and anns(w.db_path) == []
    # Ctrl+F: the search; ↓ into the list; Esc back to where the curator was
    w.spans.view.setFocus()
    key(qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is w.doc_list.search_box
    key(qtbot, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is w.doc_list.view
    key(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.spans.view
    key(qtbot, Qt.Key.Key_F, CTRL)
    key(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.spans.view


# -- find in text ----------------------------------------------------------------------


def test_find_selects_the_match_and_a_label_key_adds_it(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    w = window
    key(qtbot, Qt.Key.Key_Slash)
    bar = w.article_pane.find_bar
    assert bar.isVisible() and QApplication.focusWidget() is bar.field
    typed(qtbot, "kaz")
    # the first match after the caret (on Kassym-Jomart) starts a word: "Kazakh-South",
    # where a span starts: Enter would go to that span
    k2 = TEXT.index("Kazakh-South")
    assert w.article.selected_span() == (k2, k2 + 3)
    assert bar.count.text() == "2 of 2"
    assert "go to ORG “Kazakh-South" in bar.hint.text()
    key(qtbot, Qt.Key.Key_Up)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Down)  # wraps to "Kazakh President", where no span starts
    k = TEXT.index("Kazakh")
    assert w.article.selected_span() == (k, k + 3)
    assert "select" in bar.hint.text()
    key(qtbot, Qt.Key.Key_Return)
    assert not bar.isVisible() and QApplication.focusWidget() is w.article
    # the selection snaps to "Kazakh": the preview says so, and 5 adds it as NORP
    assert w.article.preview == (k, k + 6) and w.session.pending == (k, k + 6)
    key(qtbot, Qt.Key.Key_5)
    assert ("Kazakh", "NORP", "manual") in anns(project)
    assert w.statusBar().currentMessage() == "Add NORP “Kazakh”"
    # the caret stays at the end of the new span, for the next selection
    assert w.article.caret() == k + 6 and w.article.selected_span() is None
    # Esc in the find bar puts the caret back; nothing matched shows as such
    before = w.article.caret()
    key(qtbot, Qt.Key.Key_Slash)
    typed(qtbot, "zzz")
    assert bar.count.text() == "no match" and bar.field.property("invalid") is True
    key(qtbot, Qt.Key.Key_Escape)
    assert not bar.isVisible() and w.article.caret() == before
    assert QApplication.focusWidget() is w.article


def test_find_enter_on_a_span_makes_it_current_and_f3_repeats(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    w = window
    key(qtbot, Qt.Key.Key_Slash)
    typed(qtbot, "alm")
    assert "go to GPE “Almaty”" in w.article_pane.find_bar.hint.text()
    key(qtbot, Qt.Key.Key_Return)
    assert current_text(w) == "Almaty" and w.article.selected_span() is None
    key(qtbot, Qt.Key.Key_X)
    with Store(project) as s:
        assert len(s.rejected_keys(1, "alice")) == 1
    # F3 goes on with the last query; Shift+F3 goes back
    key(qtbot, Qt.Key.Key_Slash)
    typed(qtbot, "kor")
    key(qtbot, Qt.Key.Key_Return)
    first = w.article.selected_span()
    assert first is not None and TEXT[first[0] : first[0] + 6] == "Korean"
    key(qtbot, Qt.Key.Key_F3)
    second = w.article.selected_span()
    assert second is not None and second[0] > first[0]
    key(qtbot, Qt.Key.Key_F3, SHIFT)
    assert w.article.selected_span() == first


def test_the_find_bar_shows_a_spans_label_and_text_as_text(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A span whose text and label look like HTML: the hint says them as they are."""
    text = "Before <h1>BIG</h1> after."
    path = tmp_path / "markup.db"
    with Store(path) as store:
        (doc,) = store.add_documents([NewDocument(text, "Markup", None, "m.txt", {})])
        store.replace_suggestions(
            doc, "t", "1", [_span(text, "<h1>BIG</h1>", "ents", "<i>ORG</i>")]
        )
    w = MainWindow(path, annotator="alice")
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    w.article.setFocus()
    key(qtbot, Qt.Key.Key_Slash)
    typed(qtbot, "<h1")
    hint = w.article_pane.find_bar.hint
    assert hint.textFormat() == Qt.TextFormat.PlainText
    assert hint.text() == "Enter: go to <i>ORG</i> “<h1>BIG</h1>” · ↓↑ · Esc"
    w.close()


# -- boundary steps, labels, advance after a fix -----------------------------------------


def test_word_and_character_steps_and_advance_after_each_fix(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    w = window
    key(qtbot, Qt.Key.Key_1)  # Kassym-Jomart Tokayev: ORG -> PERSON, and move on
    assert ("Kassym-Jomart Tokayev", "PERSON", "corrected") in anns(project)
    assert current_text(w) == "South Korea's"
    key(qtbot, Qt.Key.Key_BracketRight, SHIFT)  # the possessive is a word of its own
    assert ("South Korea", "GPE", "corrected") in anns(project)
    assert current_text(w) == "Park Jin"  # moved on
    key(qtbot, Qt.Key.Key_A)
    key(qtbot, Qt.Key.Key_A)  # Almaty
    assert current_text(w) == "Kazakh-South Korean"
    key(qtbot, Qt.Key.Key_BracketLeft, SHIFT)  # "Kazakh-" goes at once
    assert ("South Korean", "ORG", "corrected") in anns(project)
    key(qtbot, Qt.Key.Key_K)  # back to it, and a second fix: its label
    assert current_text(w) == "South Korean"
    key(qtbot, Qt.Key.Key_5)
    assert ("South Korean", "NORP", "corrected") in anns(project)
    assert current_text(w) == "the Korean “System of Labor Permits"
    # character steps: Ctrl+] widens by one character, Ctrl+Shift+[ narrows the start
    key(qtbot, Qt.Key.Key_BracketRight, CTRL)
    assert ("the Korean “System of Labor Permits”", "ORG", "corrected") in anns(project)
    key(qtbot, Qt.Key.Key_K)
    key(qtbot, Qt.Key.Key_BracketLeft, CTRL | SHIFT)
    assert ("he Korean “System of Labor Permits”", "ORG", "corrected") in anns(project)
    # with the preference off, a fix stays on its span
    w.actions_by_name["pref_advance_after_fix"].setChecked(False)
    key(qtbot, Qt.Key.Key_K)
    key(qtbot, Qt.Key.Key_BracketLeft)  # widen by a word
    assert current_text(w) == "the Korean “System of Labor Permits”"
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert current_text(w) == "he Korean “System of Labor Permits”"


def test_second_bank_keys_and_every_label_has_a_key(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.labels import LABEL_KEYS

    w = window
    for layer in ("ents", "figures"):
        keys = [d.key for d in w.scheme.labels(layer)]
        assert all(keys) and len(set(keys)) == len(keys) and set(keys) <= set(LABEL_KEYS)
    key(qtbot, Qt.Key.Key_4, ALT)  # LAW, on the current span
    assert ("Kassym-Jomart Tokayev", "LAW", "corrected") in anns(project)
    # on selected text, Alt+1 adds a FAC entity
    s = TEXT.index("embassy")
    w.article.place_caret(s)
    key(qtbot, Qt.Key.Key_Right, CTRL | SHIFT)
    key(qtbot, Qt.Key.Key_1, ALT)
    assert ("embassy", "FAC", "manual") in anns(project)
    # the label picker takes the second bank too
    w.article.place_caret(TEXT.index("Trade"))
    key(qtbot, Qt.Key.Key_Right, CTRL | SHIFT)
    seen: list[str] = []
    answer_dialog(qtbot, (Qt.Key.Key_7, ALT), seen=seen)
    key(qtbot, Qt.Key.Key_N)
    assert seen == ["LabelPicker"] and ("Trade", "TIME", "manual") in anns(project)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)


def test_span_keys_wait_while_text_is_selected(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    w = window
    assert w.spans.view.selectionModel().hasSelection()
    key(qtbot, Qt.Key.Key_Right, CTRL | SHIFT)  # selects "Kassym" from the caret
    # no span shows as current: the panel highlights none, the text frames the preview
    assert not w.spans.view.selectionModel().hasSelection()
    k = TEXT.index("Kassym")
    assert w.article.preview == (k, k + len("Kassym"))
    assert "Adds “Kassym”" in w.statusBar().currentMessage()
    for k_ in (Qt.Key.Key_X, Qt.Key.Key_Delete, Qt.Key.Key_BracketLeft, Qt.Key.Key_E):
        key(qtbot, k_)
    assert anns(project) == [] and "Text is selected" in w.statusBar().currentMessage()
    with Store(project) as s:
        assert s.rejected_keys(1, "alice") == set()
    key(qtbot, Qt.Key.Key_Escape)
    assert w.article.preview is None and w.session.pending is None
    assert w.spans.view.selectionModel().hasSelection()


# -- D with open suggestions ---------------------------------------------------------------


def test_done_with_open_suggestions_asks_once(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    w = window
    key(qtbot, Qt.Key.Key_X)  # one rejected, seven open
    seen: list[str] = []
    answer_dialog(qtbot, (Qt.Key.Key_Escape, NO), seen=seen)
    key(qtbot, Qt.Key.Key_D)
    assert seen == ["DoneWithOpenBox"] and w.session.doc_id == 1
    with Store(project) as s:
        assert s.status(1, "alice") == "in_progress"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)
    answer_dialog(qtbot, (Qt.Key.Key_Return, NO), seen=seen)
    key(qtbot, Qt.Key.Key_D)
    assert len(anns(project)) == 7  # the rest accepted, the rejected one not
    with Store(project) as s:
        assert s.status(1, "alice") == "done"
    assert w.session.doc_id == 2  # the next open document
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)
    # one undo takes back both the accepts and the status
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert anns(project) == [] and w.session.doc_id == 1


def test_done_leave_open_and_remember_the_choice(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.settings import done_with_open

    w = window
    seen: list[str] = []

    def leave_and_remember() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or QApplication.activeWindow() is not modal:
            QTimer.singleShot(10, leave_and_remember)
            return
        seen.append(type(modal).__name__)
        modal.always.setChecked(True)  # type: ignore[attr-defined]
        qtbot.keyClick(modal, Qt.Key.Key_L)

    QTimer.singleShot(0, leave_and_remember)
    key(qtbot, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: w.session.doc_id == 2)
    assert seen == ["DoneWithOpenBox"] and anns(project) == []
    assert done_with_open(w.settings) == "leave"
    # next time D does what was chosen, without asking
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)
    key(qtbot, Qt.Key.Key_D)
    with Store(project) as s:
        assert s.status(2, "alice") == "done" and s.annotations(2, "alice") == []
    assert seen == ["DoneWithOpenBox"]


# -- focus after dialogs -----------------------------------------------------------------


@pytest.mark.parametrize("home", ["article", "spans"])
@pytest.mark.parametrize(
    ("open_keys", "answer"),
    [
        ([(Qt.Key.Key_L, NO)], (Qt.Key.Key_Escape, NO)),  # label picker
        ([(Qt.Key.Key_F1, NO)], (Qt.Key.Key_Escape, NO)),  # shortcuts
        ([(Qt.Key.Key_D, NO)], (Qt.Key.Key_Escape, NO)),  # done with open suggestions
    ],
)
def test_focus_returns_where_it_was_after_a_dialog(  # type: ignore[no-untyped-def]
    qtbot, window, home: str, open_keys: list, answer: tuple
) -> None:
    w = window
    widget = w.article if home == "article" else w.spans.view
    widget.setFocus()
    seen: list[str] = []
    answer_dialog(qtbot, answer, seen=seen)
    for k, mods in open_keys:
        key(qtbot, k, mods)
    assert len(seen) == 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_focus_returns_after_the_figure_editor_and_exact_add(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    w = window
    fig = next(it for it in w.session.state.items if it.layer == "figures")  # type: ignore[union-attr]
    w.session.set_current(fig.id)
    seen: list[str] = []
    answer_dialog(qtbot, (Qt.Key.Key_Escape, NO), seen=seen)
    key(qtbot, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)
    key(qtbot, Qt.Key.Key_Right, CTRL | SHIFT)
    answer_dialog(qtbot, (Qt.Key.Key_Escape, NO), seen=seen)
    key(qtbot, Qt.Key.Key_N, SHIFT)
    assert seen == ["FigureDialog", "LabelPicker"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)


# -- what the window shows -----------------------------------------------------------------


def _format_of(w: MainWindow, text: str) -> QTextCharFormat:
    for sel in w.article.extraSelections():
        if sel.cursor.selectedText() == text:
            return QTextCharFormat(sel.format)
    raise AssertionError(f"{text!r} is not drawn")


def test_accepted_corrected_and_suggested_look_different(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    w = window
    w.actions_by_name["pref_advance_after_fix"].setChecked(False)
    key(qtbot, Qt.Key.Key_J)
    key(qtbot, Qt.Key.Key_J)
    key(qtbot, Qt.Key.Key_A)  # Park Jin accepted, moved on to Almaty
    key(qtbot, Qt.Key.Key_4)  # Almaty corrected to LOC (stays)
    key(qtbot, Qt.Key.Key_J)
    accepted = _format_of(w, "Park Jin")
    corrected = _format_of(w, "Almaty")
    suggested = _format_of(w, "2022")
    styles = {f.underlineStyle() for f in (accepted, corrected, suggested)}
    assert len(styles) == 3
    assert corrected.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline


def test_span_panel_shows_whole_texts_and_no_empty_value_column(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.span_panel import COLUMNS

    w = window
    assert "Value" not in COLUMNS
    m = w.spans.model
    long_row = m.row_of(next(it.id for it in m.items if it.text.startswith("the Korean")))
    tip = m.data(m.index(long_row, 1), Qt.ItemDataRole.ToolTipRole)
    assert "the Korean “System of Labor Permits" in tip
    assert w.spans.view.textElideMode() == Qt.TextElideMode.ElideMiddle
    fig_row = m.row_of(next(it.id for it in m.items if it.layer == "figures"))
    assert m.data(m.index(fig_row, 1), VALUE_ROLE) == "6.1 bn USD"
    assert m.data(m.index(long_row, 1), VALUE_ROLE) in (None, "")


def test_shortcuts_sheet_lists_the_new_keys(qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.dialogs import shortcuts_html
    from annotator.gui.labels import LabelScheme

    sheet = shortcuts_html(LabelScheme.load())
    for text in ("F6", "Tab", "Find in text", "F3", "Ctrl+[", "Ctrl+Shift+]", "Alt+1",
                 "Alt+9", "ORDINAL", "Preferences", "Esc"):  # fmt: skip
        assert text in sheet, text


def test_the_docs_list_every_key() -> None:
    from annotator.gui.actions import ACTIONS

    docs = (Path(__file__).resolve().parent.parent / "docs" / "curation-window.md").read_text(
        "utf-8"
    )
    for a in ACTIONS:
        first = a.keys[0].replace("Return", "Enter")
        assert f"| {first}" in docs or f" {first} |" in docs or f"/ {first}" in docs, a.name


def test_gui_with_paths_starts_the_import(qtbot, tmp_path: Path, seeds_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """`annotator gui --db new.db seeds/` (app.open_window with PATHs) imports them."""
    from annotator.gui.app import open_window

    w = open_window(tmp_path / "new.db", "alice", [str(seeds_dir / "000_71e2dbcf1fe46cab.txt")])
    assert isinstance(w, MainWindow)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.doc_list.model.rowCount() == 1, timeout=20_000)
    w.tasks.cancel_task()
    qtbot.waitUntil(lambda: not w.tasks.busy(), timeout=20_000)
    w.close()
