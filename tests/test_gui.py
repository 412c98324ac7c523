"""The curation window, driven by key presses and clicks over a temporary project.

No spaCy: suggestions are written with Store.replace_suggestions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from annotator.core.importer import import_paths
from annotator.core.store import NewDocument, Store, SuggestionDraft
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import VALUE_ROLE

EMOJI_TEXT = (
    "🎉 Astana 🇰🇿 hosted 😀Samsung😀 executives. Trade reached $6.1 billion 📈 in 2022, "
    "said 𝐏𝐚𝐫𝐤 𝐉𝐢𝐧 of South Korea 🇰🇷."
)


def _span(text: str, part: str, layer: str, label: str, **attrs: object) -> SuggestionDraft:
    start = text.index(part)
    return SuggestionDraft(layer, start, start + len(part), label, dict(attrs))


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def project(tmp_path: Path, seeds_dir: Path) -> Path:
    """The seeds plus an emoji document, with suggestions on the first seed and the emoji doc."""
    path = tmp_path / "gui.db"
    with Store(path) as store:
        import_paths(store, [seeds_dir])
        first = store.document(1)
        t = first.text
        store.replace_suggestions(
            1,
            "test",
            "1",
            [
                _span(t, "Kassym-Jomart Tokayev", "ents", "PERSON"),
                _span(t, "South Korea", "ents", "GPE"),
                _span(t, "Park Jin", "ents", "PERSON"),
                _span(t, "Almaty", "ents", "GPE"),
                _span(t, "Akorda", "ents", "ORG"),
            ],
        )
        (emoji_id,) = store.add_documents(
            [NewDocument(EMOJI_TEXT, "Emoji 🎉 test", "2024-01-01", "emoji.txt", {})]
        )
        store.replace_suggestions(
            emoji_id,
            "test",
            "1",
            [
                _span(EMOJI_TEXT, "Astana", "ents", "GPE"),
                _span(EMOJI_TEXT, "Samsung", "ents", "ORG"),
                _span(EMOJI_TEXT, "$6.1 billion", "ents", "MONEY"),
                _span(EMOJI_TEXT, "$6.1 billion", "figures", "money", value=6.1e9, unit="USD"),
                _span(EMOJI_TEXT, "𝐏𝐚𝐫𝐤 𝐉𝐢𝐧", "ents", "PERSON"),
                _span(EMOJI_TEXT, "South Korea 🇰🇷", "ents", "GPE"),
                SuggestionDraft("ents", 500, 510, "ORG", {}),  # beyond the text
            ],
        )
    return path


@pytest.fixture
def window(qtbot, project: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    w.article.setFocus()
    yield w


def _press(qtbot, w: MainWindow, key: Qt.Key | str, mod=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(w.article, key, mod)


def _stay_on_fixed_span(w: MainWindow) -> None:
    """Edit → Preferences → Move on after a fix, unticked."""
    w.actions_by_name["pref_advance_after_fix"].setChecked(False)


def _leave_open_on_done(w: MainWindow) -> None:
    """Edit → Preferences → Marking done with open suggestions → Leave them open."""
    w.actions_by_name["pref_done_leave"].trigger()


def _db(project: Path) -> Store:
    return Store(project)


def _anns(project: Path, doc_id: int = 1) -> list[tuple[str, str, str]]:
    with Store(project) as s:
        t = s.document(doc_id).text
        return [(t[a.start : a.end], a.label, a.origin) for a in s.annotations(doc_id, "alice")]


def _emoji_id(w: MainWindow) -> int:
    return w.store.document_id_for_text(EMOJI_TEXT) or 0


def test_opens_with_list_article_and_spans(window: MainWindow) -> None:
    w = window
    assert w.doc_list.model.rowCount() == 6
    assert w.session.state is not None and w.session.state.document.id == 1
    assert w.spans.model.rowCount() == 5
    assert (
        w.session.current_item() is not None
        and w.session.current_item().text == "Kassym-Jomart Tokayev"
    )  # type: ignore[union-attr]
    assert "alice" in w.status_info.curator_label.text() and "alice" in w.windowTitle()
    assert "Document 1 of 6" in w.status_info.position_label.text()
    assert len(w.article.extraSelections()) == 5


def test_accept_reject_by_keyboard_writes_sqlite(qtbot, window: MainWindow, project: Path) -> None:  # type: ignore[no-untyped-def]
    w = window
    _press(qtbot, w, Qt.Key.Key_A)
    assert _anns(project) == [("Kassym-Jomart Tokayev", "PERSON", "accepted")]
    # Accept moves on to the next open suggestion.
    assert w.session.current_item().text == "South Korea"  # type: ignore[union-attr]
    _press(qtbot, w, Qt.Key.Key_X)
    with Store(project) as s:
        assert len(s.rejected_keys(1, "alice")) == 1
        assert s.status(1, "alice") == "in_progress"
    assert w.session.current_item().text == "Park Jin"  # type: ignore[union-attr]
    _press(qtbot, w, Qt.Key.Key_Return)
    assert len(_anns(project)) == 2
    states = [it.state for it in w.spans.model.items]
    assert states.count("accepted") == 2 and states.count("rejected") == 1
    assert w.doc_list.model.row_data(0).open_suggestions == 2  # type: ignore[union-attr]


def test_undo_redo_and_accept_all(qtbot, window: MainWindow, project: Path) -> None:  # type: ignore[no-untyped-def]
    w = window
    _press(qtbot, w, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert len(_anns(project)) == 5
    _press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _anns(project) == []
    with Store(project) as s:
        assert s.status(1, "alice") == "open"
    _press(
        qtbot,
        w,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(_anns(project)) == 5
    assert w.session.state is not None and w.session.state.open_count == 0


def test_relabel_with_number_key_and_resize(qtbot, window: MainWindow, project: Path) -> None:  # type: ignore[no-untyped-def]
    w = window
    _stay_on_fixed_span(w)
    _press(qtbot, w, Qt.Key.Key_J)  # South Korea
    _press(qtbot, w, Qt.Key.Key_4)  # LOC
    assert _anns(project) == [("South Korea", "LOC", "corrected")]
    assert w.session.current_item().label == "LOC"  # type: ignore[union-attr]
    _press(qtbot, w, Qt.Key.Key_BracketLeft)  # widen left: "of South Korea"
    assert _anns(project) == [("of South Korea", "LOC", "corrected")]
    _press(qtbot, w, Qt.Key.Key_BraceLeft, Qt.KeyboardModifier.ShiftModifier)  # narrow left
    _press(qtbot, w, Qt.Key.Key_BracketRight)  # widen right
    assert _anns(project) == [("South Korea Park", "LOC", "corrected")]
    _press(qtbot, w, Qt.Key.Key_BraceRight, Qt.KeyboardModifier.ShiftModifier)
    assert _anns(project) == [("South Korea", "LOC", "corrected")]
    for _ in range(4):
        _press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _anns(project) == [("South Korea", "LOC", "corrected")]
    _press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _anns(project) == []


def test_create_from_selection_and_delete(qtbot, window: MainWindow, project: Path) -> None:  # type: ignore[no-untyped-def]
    w = window
    _stay_on_fixed_span(w)
    text = w.session.state.text  # type: ignore[union-attr]
    i = text.index("Foreign Minister")
    cursor = w.article.cursor_for(i + 2, i + 10)  # "reign Mi": snapped to tokens
    w.article.setTextCursor(cursor)
    _press(qtbot, w, Qt.Key.Key_2)  # ORG, straight from the selection
    assert ("Foreign Minister", "ORG", "manual") in _anns(project)
    assert w.session.current_item().text == "Foreign Minister"  # type: ignore[union-attr]
    # N asks for a label; the exact variant keeps the characters as selected.
    w.curation.pick_label = lambda layers: ("ents", "NORP")  # type: ignore[method-assign]
    k = text.index("Kazakh-Korean")
    w.article.setTextCursor(w.article.cursor_for(k, k + 6))
    _press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert ("Kazakh", "NORP", "manual") in _anns(project)
    _press(qtbot, w, Qt.Key.Key_Delete)
    assert ("Kazakh", "NORP", "manual") not in _anns(project)
    _press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ("Kazakh", "NORP", "manual") in _anns(project)


def test_click_on_span_selects_it_in_panel(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w = window
    item = next(it for it in w.session.state.items if it.text == "Almaty")  # type: ignore[union-attr]
    w.article.scroll_to(item)
    c = w.article.cursor_for(item.start + 2, item.start + 2)
    pos = w.article.cursorRect(c).center()
    qtbot.mouseClick(w.article.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert w.session.current == item.id
    row = w.spans.view.selectionModel().currentIndex().row()
    assert w.spans.model.items[row].id == item.id
    # And the other way: selecting a row in the panel selects in the text.
    w.spans.view.selectRow(0)
    assert w.session.current == w.spans.model.items[0].id
    sel = w.article.extraSelections()[-1]  # the current span is drawn last
    assert sel.cursor.selectedText() == w.spans.model.items[0].text


def test_emoji_offsets_highlight_exact_text(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w = window
    w.session.open(_emoji_id(w))
    assert w.session.state is not None
    drawn = {s.cursor.selectedText() for s in w.article.extraSelections()}
    assert drawn == {"Astana", "Samsung", "$6.1 billion", "𝐏𝐚𝐫𝐤 𝐉𝐢𝐧", "South Korea 🇰🇷"}
    invalid = [it for it in w.session.state.items if it.state == "invalid"]
    assert len(invalid) == 1
    row = w.spans.model.row_of(invalid[0].id)
    assert w.spans.model.data(w.spans.model.index(row, 2)) == "invalid"
    # A selection made in the widget after emoji lands on the right code points.
    s = EMOJI_TEXT.index("executives")
    w.article.setTextCursor(w.article.cursor_for(s, s + 4))
    assert w.article.selected_span() == (s, s + 4)
    _press(qtbot, w, Qt.Key.Key_1)
    with Store(w.db_path) as st:
        texts = [EMOJI_TEXT[a.start : a.end] for a in st.annotations(_emoji_id(w), "alice")]
    assert texts == ["executives"]
    # Widening over an emoji keeps whole characters.
    _stay_on_fixed_span(w)
    sam = next(it for it in w.session.state.items if it.text == "Samsung")
    w.session.set_current(sam.id)
    _press(qtbot, w, Qt.Key.Key_BracketLeft)
    assert w.session.current_item().text == "😀Samsung"  # type: ignore[union-attr]


def test_figure_edit_and_value_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w = window
    w.session.open(_emoji_id(w))
    fig = next(it for it in w.session.state.items if it.layer == "figures")  # type: ignore[union-attr]
    row = w.spans.model.row_of(fig.id)
    assert w.spans.model.data(w.spans.model.index(row, 1), VALUE_ROLE) == "6.1 bn USD"
    w.session.set_current(fig.id)
    w.curation.edit_figure_values = lambda item: {  # type: ignore[method-assign]
        "value": 6.2e9,
        "value_max": None,
        "unit": "USD",
        "kind": "money",
    }
    _press(qtbot, w, Qt.Key.Key_E)
    with Store(w.db_path) as st:
        (a,) = st.annotations(_emoji_id(w), "alice")
    assert (a.layer, a.origin, a.attrs["value"]) == ("figures", "corrected", 6.2e9)
    assert w.session.current_item().state == "corrected"  # type: ignore[union-attr]


def test_figure_dialog_parses_amount(qtbot) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("annotator.core.figures")
    from annotator.core.curation import SpanItem
    from annotator.gui.dialogs import FigureDialog

    item = SpanItem("sx", "figures", 0, 4, "count", "suggested", "five", {"value": 5})
    d = FigureDialog(item)
    qtbot.addWidget(d)
    qtbot.keyClicks(d.amount, "$6.2bn")
    assert d.result_values() == {
        "value": 6.2e9,
        "value_max": None,
        "unit": "USD",
        "kind": "money",
    }
    assert d.preview.text() == "6.2 bn USD"
    d.value.setText("abc")
    with pytest.raises(ValueError):
        d.result_values()


def test_done_jumps_to_next_open_and_undo_across_documents(
    qtbot, window: MainWindow, project: Path
) -> None:  # type: ignore[no-untyped-def]
    w = window
    _leave_open_on_done(w)
    _press(qtbot, w, Qt.Key.Key_A)  # accept in doc 1
    _press(qtbot, w, Qt.Key.Key_D)  # done -> doc 2
    assert w.session.state is not None and w.session.state.document.id == 2
    with Store(project) as s:
        assert s.status(1, "alice") == "done"
    _press(qtbot, w, Qt.Key.Key_S)  # skip doc 2 -> doc 3
    assert w.session.state.document.id == 3
    # Undo reaches back into the earlier documents, opening each.
    _press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.session.state.document.id == 2
    with Store(project) as s:
        assert s.status(2, "alice") == "open"

    def listed_status(doc_id: int) -> str:
        row = w.doc_list.model.row_of(doc_id)
        assert row is not None
        return str(w.doc_list.model.index(row, 2).data())

    # the document list says what the project says, also for the document undone into
    _press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo done
    assert w.session.state.document.id == 1
    assert listed_status(1) == "in progress"
    _press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo accept
    assert w.session.state.document.id == 1
    assert _anns(project) == []
    assert "Undo" in w.statusBar().currentMessage()


def test_state_and_settings_persist_across_reopen(qtbot, project: Path) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.session.open(3)
    w.session.open(1)
    w.session.run(
        __import__("annotator.core.curation").core.curation.accept, w.session.state.items[0]
    )
    w.article_pane.do_bigger()
    w.resize(780, 700)  # fits the offscreen screen, so the geometry restores as it was
    w.splitter.setSizes([200, 380, 180])
    sizes = w.splitter.sizes()
    w.close()
    w2 = MainWindow(project, annotator="alice")
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    assert w2.session.state is not None and w2.session.state.document.id == 1
    assert w2.session.state.items[0].state == "accepted"
    assert w2.article_pane.font_pt == w.article_pane.font_pt
    assert w2.splitter.sizes() == sizes
    w2.close()


def test_malformed_search_shows_inline_error(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w = window
    # only FTS5 syntax (after fts:) can be malformed; plain words never fail (issue 11.10)
    w.doc_list.search_box.setText('fts:"unterminated')
    qtbot.keyClick(w.doc_list.search_box, Qt.Key.Key_Return)
    assert w.doc_list.search_error.isVisibleTo(w)
    assert "Search not understood" in w.doc_list.search_error.text()
    assert w.doc_list.model.rowCount() == 6  # the list stays as it was
    # the message quotes the query's words: as text, never as markup
    w.doc_list.search_box.setText('fts:"<h1>BIG</h1>": x')
    qtbot.keyClick(w.doc_list.search_box, Qt.Key.Key_Return)
    assert w.doc_list.search_error.textFormat() == Qt.TextFormat.PlainText
    assert "no such column: <h1>BIG</h1>" in w.doc_list.search_error.text()
    w.doc_list.search_box.setText('US-China $50 5% * OR "unterminated')
    qtbot.keyClick(w.doc_list.search_box, Qt.Key.Key_Return)
    assert not w.doc_list.search_error.isVisibleTo(w)
    w.doc_list.search_box.setText("Samsung")
    qtbot.keyClick(w.doc_list.search_box, Qt.Key.Key_Return)
    assert not w.doc_list.search_error.isVisibleTo(w)
    assert w.doc_list.model.rowCount() >= 1
    # Typing letters in the search box does not trigger the single-key shortcuts.
    before = _anns(w.db_path)
    qtbot.keyClicks(w.doc_list.search_box, "ax")
    assert _anns(w.db_path) == before
    assert w.doc_list.search_box.text() == "Samsungax"


def test_status_filter(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w = window
    _leave_open_on_done(w)
    _press(qtbot, w, Qt.Key.Key_D)
    w.doc_list.status_filter.setCurrentIndex(3)  # Done
    assert w.doc_list.model.rowCount() == 1
    w.doc_list.status_filter.setCurrentIndex(1)  # Open
    assert w.doc_list.model.rowCount() == 5


@pytest.mark.parametrize("kind", ["corrupt", "newer"])
def test_bad_project_shows_a_dialog(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.app import open_window

    path = tmp_path / "bad.db"
    if kind == "corrupt":
        path.write_bytes(b"this is not a database" * 100)
    else:
        Store(path).close()
        import sqlite3

        c = sqlite3.connect(path)
        c.execute("PRAGMA user_version = 99")
        c.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    assert open_window(path, "alice") is None
    assert len(shown) == 1
    assert "bad.db" in shown[0]
    assert ("newer" in shown[0]) if kind == "newer" else ("not an annotator project" in shown[0])


def test_busy_project_on_write_shows_dialog(
    qtbot, window: MainWindow, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    window.store.busy_timeout_ms = 50
    window.store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(project, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        _press(qtbot, window, Qt.Key.Key_A)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(shown) == 1 and "busy" in shown[0]
    assert _anns(project) == []


def test_shortcuts_dialog_lists_every_action(qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.actions import ACTIONS
    from annotator.gui.dialogs import ShortcutsDialog
    from annotator.gui.labels import LabelScheme

    d = ShortcutsDialog(LabelScheme.load())
    qtbot.addWidget(d)
    text = d.browser.toPlainText()
    for a in ACTIONS:
        assert a.text.rstrip("…") in text
    assert "PERSON" in text and "money" in text


def test_label_override_beside_project(tmp_path: Path) -> None:
    from annotator.gui.labels import LabelScheme

    project = tmp_path / "news.db"
    (tmp_path / "news.labels.json").write_text(
        '{"ents": [{"label": "ORG", "color": "#000000", "key": "2"},'
        ' {"label": "PRODUCT_LINE", "color": "#123456", "key": ""}]}'
    )
    scheme = LabelScheme.load(project)
    assert scheme.color("ents", "ORG") == "#000000"
    assert scheme.color("ents", "PERSON") != "#000000"
    assert scheme.get("ents", "PRODUCT_LINE").color == "#123456"
    assert scheme.get("ents", "UNKNOWN").color.startswith("#")


def test_a_label_the_store_would_refuse_is_left_out_of_the_override(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The override's labels pass the store's own rule (`label_problem`): a bad one is
    named with the file, the window says so when it opens, and the good ones are used."""
    from annotator.gui.labels import LabelScheme

    project = tmp_path / "news.db"
    override = tmp_path / "news.labels.json"
    override.write_text(
        '{"ents": [{"label": "ORG", "color": "#000000"}, {"label": "BAD\\tLABEL"},'
        ' {"label": " PADDED"}, {"label": "PRODUCT_LINE", "color": "#123456"}]}'
    )
    scheme = LabelScheme.load(project)
    labels = [d.label for d in scheme.labels("ents")]
    assert "BAD\tLABEL" not in labels and " PADDED" not in labels
    assert scheme.color("ents", "ORG") == "#000000" and "PRODUCT_LINE" in labels
    assert scheme.problems == [
        f"{override}: ents entry 2: label 'BAD\\tLABEL' holds a tab, line break or "
        "control character; left out",
        f"{override}: ents entry 3: label ' PADDED' has white space at an edge; left out",
    ]
    with Store(project) as store:
        store.add_documents([NewDocument("Samsung met.", "t", None, "a.txt", {})])
    w = MainWindow(project, annotator="alice")
    qtbot.addWidget(w)
    message = w.statusBar().currentMessage()
    assert message.startswith(f"Label scheme: {override}: ents entry 2: label 'BAD")
    assert message.endswith("(and 1 more)")
    w.close()


def test_document_list_is_lazy(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.doc_list import PAGE, DocumentListModel

    with Store(tmp_path / "many.db") as store:
        store.add_documents(
            [NewDocument(f"text {i}", f"title {i}", None, "x", {}) for i in range(3 * PAGE + 7)]
        )
        m = DocumentListModel(store, "alice")
        assert m.rowCount() == 3 * PAGE + 7
        assert m.row_data(3 * PAGE + 6).title == "title 606"  # type: ignore[union-attr]
        assert len(m._pages) == 1
        assert m.row_of(5) == 4


def test_accept_clicking_does_not_move_when_dragging(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w = window
    before = w.session.current
    qtbot.mouseClick(w.article.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert w.session.current == before


def test_qt_calls_returning_none_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    """PySide6 6.12.0 wheels on Python 3.11 drop a reference to None per call that returns
    None, until the interpreter aborts mid-session ("deallocating None"); pyproject.toml
    keeps that release out. This fails cleanly on such a build instead of aborting."""
    import sys

    from PySide6.QtGui import QTextCharFormat

    fmt = QTextCharFormat()
    before = sys.getrefcount(None)
    for _ in range(1000):
        fmt.setFontItalic(True)
    assert sys.getrefcount(None) - before > -100


def test_label_picker_filters_and_takes_number_keys(qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.dialogs import LabelPicker
    from annotator.gui.labels import LabelScheme

    picker = LabelPicker(LabelScheme.load(), ("ents", "figures"))
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.filter, "perc")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert picker.chosen == ("ents", "PERCENT")
    picker = LabelPicker(LabelScheme.load(), ("figures",))
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.filter, "2")
    assert picker.chosen == ("figures", "percent")


def test_spans_far_down_a_long_article_are_drawn_when_scrolled_to(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "\n\n".join(f"Paragraph {i} mentions Samsung and Almaty." for i in range(400))
    path = tmp_path / "long.db"
    with Store(path) as store:
        (doc_id,) = store.add_documents([NewDocument(text, "Long", None, "l", {})])
        spans = []
        pos = 0
        while (pos := text.find("Samsung", pos)) >= 0:
            spans.append(SuggestionDraft("ents", pos, pos + 7, "ORG", {}))
            pos += 7
        store.replace_suggestions(doc_id, "t", "1", spans)
    w = MainWindow(path, annotator="alice")
    qtbot.addWidget(w)
    w.resize(780, 600)
    w.show()
    qtbot.waitExposed(w)
    assert 0 < len(w.article.extraSelections()) < 400  # only what is near the viewport
    last = w.session.state.items[-1]  # type: ignore[union-attr]
    w.session.set_current(last.id)  # scrolls there
    drawn = [s.cursor.selectionStart() for s in w.article.extraSelections()]
    assert w.article.offsets.to_utf16(w.session.state.items[-2].start) in drawn  # type: ignore[union-attr]


@pytest.mark.slow
def test_gui_with_paths_imports_then_suggests_the_open_document(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, seeds_dir: Path
) -> None:
    """What a new user sees first: `annotator gui --db new.db seeds/` opens on the first
    article, and its spans appear when the background model run has suggested it."""
    w = MainWindow(tmp_path / "new.db", annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.tasks.start_import([str(seeds_dir / "000_71e2dbcf1fe46cab.txt")])
    qtbot.waitUntil(lambda: w.session.state is not None, timeout=20_000)
    qtbot.waitUntil(lambda: w.spans.model.rowCount() > 0, timeout=120_000)
    texts = {w.session.state.document.text[i.start : i.end] for i in w.session.state.items}  # type: ignore[union-attr]
    assert "$6.1 billion" in texts and "Tokayev" in " ".join(texts)
    row = w.doc_list.model.row_of(w.session.state.document.id)  # type: ignore[union-attr]
    assert row is not None
    qtbot.waitUntil(lambda: not w.tasks.busy(), timeout=60_000)
    w.close()


def test_data_with_markup_is_shown_as_text(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A title, source, label, curator name and label description that look like HTML
    show as the characters they are: no heading, no image loaded from disk."""
    from annotator.gui.dialogs import shortcuts_html
    from annotator.gui.labels import LabelScheme

    image = tmp_path / "file.png"
    title = f"<h1>BIG</h1><img src={image}>"
    text = "Astana & Seoul met. <b>Bold</b> claims followed."
    path = tmp_path / "markup.db"
    (tmp_path / "markup.labels.json").write_text(
        '{"ents": [{"label": "<i>ORG</i>", "color": "red\'><img src=x>", "key": "2",'
        ' "description": "<img src=/etc/passwd>"}]}'
    )
    with Store(path) as store:
        (doc_id,) = store.add_documents(
            [NewDocument(text, title, "<u>2024</u>", "<script>x</script>.txt", {})]
        )
        store.replace_suggestions(
            doc_id, "t", "1", [_span(text, "Astana & Seoul", "ents", "<i>ORG</i>")]
        )
    w = MainWindow(path, annotator="<b>eve</b>")
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    w.article.setFocus()
    pane = w.article_pane
    assert pane.title_label.textFormat() == Qt.TextFormat.PlainText
    assert pane.title_label.text() == title
    assert pane.meta_label.textFormat() == Qt.TextFormat.PlainText
    assert "<script>x</script>.txt" in pane.meta_label.text()
    assert "&lt;b&gt;eve&lt;/b&gt;" in w.status_info.curator_label.text()
    row = w.doc_list.model.index(0, 0)
    tip = w.doc_list.model.data(row, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("<qt>") and "&lt;h1&gt;BIG&lt;/h1&gt;" in tip and "<img" not in tip
    span_tip = w.spans.model.data(w.spans.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;i&gt;ORG&lt;/i&gt;" in span_tip and "<img" not in span_tip
    assert w.spans.model.data(w.spans.model.index(0, 0)) == "<i>ORG</i>"
    sheet = shortcuts_html(LabelScheme.load(path))
    assert "<img" not in sheet and "&lt;i&gt;ORG&lt;/i&gt;" in sheet
    # the undo menu entry says "&" as it is, not as a keyboard mnemonic
    qtbot.keyClick(w.article, Qt.Key.Key_A)
    assert w.actions_by_name["undo"].text() == "Undo Accept <i>ORG</i> “Astana && Seoul”"
    w.close()
