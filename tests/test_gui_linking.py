"""Linking in the curation window, by keys: the candidate popup (typing asks the KB
again, Enter links), the offer of the other mentions (one undo), a new entity from a
span, NIL, unlink, the figure-links editor and its pre-fill, the keys that go to the
next span to link, and what the span list, the tooltips and the article show. Checked
in SQLite. No spaCy: suggestions are written with Store.replace_suggestions and
pre-linked by the `kb` source."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.kb.entities import add_entity
from annotator.core.kb.prelink import prelink_documents
from annotator.core.kb.starter import load_starter
from annotator.core.store import NewDocument, Store, SuggestionDraft
from annotator.gui.figure_links_dialog import FigureLinksDialog
from annotator.gui.link_dialogs import NewEntityDialog, OtherMentionsDialog
from annotator.gui.link_marks import link_marks
from annotator.gui.link_popup import CANDIDATE_ROLE, CandidatePopup
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import TEXT_COLUMN, VALUE_ROLE
from tests._dialog_answers import DialogAnswers

TEXT = (
    "Kazakh President Kassym-Jomart Tokayev met Park Jin in Astana. Tokayev said the "
    "talks went well. Samruk-Kazyna managers and Tokayev’s aides agreed. Trade between "
    "the two countries reached $6.1 billion in 2022, South Korea's embassy said."
)
TOKAYEV = "starter:kassym-jomart-tokayev"
NO = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | SHIFT


def _draft(part: str, layer: str, label: str, nth: int = 0, **attrs: Any) -> SuggestionDraft:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(part, start + 1)
    return SuggestionDraft(layer, start, start + len(part), label, dict(attrs))


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "link.db"
    with Store(path) as store:
        load_starter(store)
        (doc,) = store.add_documents(
            [NewDocument(TEXT, "Tokayev meets Park", "2023-06-01", "a", {})]
        )
        store.replace_suggestions(
            doc,
            "test",
            "1",
            [
                _draft("Kazakh", "ents", "NORP"),
                _draft("Kassym-Jomart Tokayev", "ents", "ORG"),  # the small model's mistake
                _draft("Park Jin", "ents", "PERSON"),
                _draft("Astana", "ents", "GPE"),
                _draft("Tokayev", "ents", "PERSON", nth=1),
                _draft("Samruk-Kazyna", "ents", "ORG"),
                _draft(
                    "$6.1 billion",
                    "figures",
                    "money",
                    value=6.1e9,
                    unit="USD",
                    kind="money",
                    metric="trade",
                    period="in 2022",
                ),
                _draft("2022", "ents", "DATE"),
                _draft("South Korea's", "ents", "GPE"),
            ],
        )
        prelink_documents(store, [doc])
    return path


@pytest.fixture
def window(qtbot, project: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator="alice")
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    yield w


@pytest.fixture
def answers(qtbot) -> Iterator[DialogAnswers]:  # type: ignore[no-untyped-def]
    a = DialogAnswers(qtbot)
    yield a
    a.stop()


def go_to(a: DialogAnswers, w: MainWindow, text: str, label: str | None = None) -> None:
    """J (or K) until the current span is `text` (with `label`)."""
    state = w.session.state
    assert state is not None
    target = next(
        i
        for i, it in enumerate(state.items)
        if it.text == text and (label is None or it.label == label)
    )
    for _ in range(60):
        here = state.index(w.session.current)
        if here == target:
            return
        a.key(Qt.Key.Key_J if here is None or here < target else Qt.Key.Key_K)
    raise AssertionError(f"no span {text!r} {label or ''}")


def kb_ids(path: Path) -> list[tuple[str, str, str | None]]:
    with Store(path) as s:
        return [
            (TEXT[a.start : a.end], a.label, a.kb_id)
            for a in s.annotations(1, "alice")
            if a.layer == "ents"
        ]


def links(path: Path) -> dict[str, Any]:
    with Store(path) as s:
        rows = s.conn.execute(
            "SELECT l.role, e.key, l.value FROM links l LEFT JOIN entities e "
            "ON e.id = l.entity_id ORDER BY l.id"
        ).fetchall()
    out: dict[str, Any] = {"subject": []}
    for role, key, value in rows:
        if role == "subject":
            out["subject"].append(key)
        elif role == "period":
            out["period"] = json.loads(value)["label"]
        else:
            out[role] = key
    return out


def test_the_popup_links_by_keys_and_offers_the_other_mentions(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, answers: DialogAnswers
) -> None:
    w, a = window, answers
    go_to(a, w, "Kassym-Jomart Tokayev", "ORG")
    shown: dict[str, Any] = {}

    def pick(popup: Any) -> None:
        assert isinstance(popup, CandidatePopup)
        assert popup.filter.hasFocus()
        shown["first"] = popup.current_candidate()
        a.type("tokay")  # typing asks the knowledge base again
        c = popup.current_candidate()
        assert c is not None and c.key == TOKAYEV and "type PERSON" in c.why
        shown["rows"] = popup.model.rowCount()
        a.key(Qt.Key.Key_Return)

    def offer(dialog: Any) -> None:
        assert isinstance(dialog, OtherMentionsDialog)
        rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        shown["offer"] = rows
        assert dialog.link_button.text() == "Link all (Enter)"
        a.key(Qt.Key.Key_Return)

    a.press("l", CTRL, CandidatePopup=pick, OtherMentionsDialog=offer)
    assert a.seen == ["CandidatePopup", "OtherMentionsDialog"]
    assert shown["first"].key == TOKAYEV  # best first, before anything is typed
    # the offer: the second "Tokayev" (the model's suggestion), and "Tokayev’s" (the kb
    # source's), each with the words around it
    assert [r.split("   ·   ")[0] for r in shown["offer"]] == ["Tokayev", "Tokayev"]
    assert shown["offer"][1].endswith("and [Tokayev]’s aides agreed. Trade between the t…")
    assert shown["offer"][0].split("   ·   ")[1] == "suggested PERSON (pre-linked)"
    assert kb_ids(w.db_path) == [
        ("Kassym-Jomart Tokayev", "ORG", TOKAYEV),
        ("Tokayev", "PERSON", TOKAYEV),
        ("Tokayev", "PERSON", TOKAYEV),
    ]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)  # back where it was
    # the linked span shows its canonical name in the span list
    row = w.spans.model.row_of(w.session.current)
    value = w.spans.model.index(row, TEXT_COLUMN).data(VALUE_ROLE)
    assert value == "● Kassym-Jomart Tokayev"
    # undo: the other mentions in one step, then the link
    a.key("z", CTRL)
    assert kb_ids(w.db_path) == [("Kassym-Jomart Tokayev", "ORG", TOKAYEV)]
    a.key("z", CTRL)
    assert kb_ids(w.db_path) == []
    a.key("z", CTRL | SHIFT)
    assert kb_ids(w.db_path) == [("Kassym-Jomart Tokayev", "ORG", TOKAYEV)]


def test_unticking_a_mention_and_declining_the_offer(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, answers: DialogAnswers
) -> None:
    w, a = window, answers
    go_to(a, w, "Kassym-Jomart Tokayev", "ORG")

    def untick_first(dialog: Any) -> None:
        a.key(Qt.Key.Key_Space)  # the first mention stays unlinked
        assert dialog.link_button.text() == "Link 1 of 2 (Enter)"
        a.key(Qt.Key.Key_Return)

    a.press(
        "l",
        CTRL,
        CandidatePopup=lambda _p: a.key(Qt.Key.Key_Return),
        OtherMentionsDialog=untick_first,
    )
    assert [r for r in kb_ids(w.db_path) if r[2]] == [
        ("Kassym-Jomart Tokayev", "ORG", TOKAYEV),
        ("Tokayev", "PERSON", TOKAYEV),  # the one no span covered: made and linked
    ]
    with Store(w.db_path) as s:
        starts = [a_.start for a_ in s.annotations(1, "alice")]
    assert TEXT.index("Tokayev’s") in starts
    # Esc declines the offer: only the span itself is linked
    a.key("z", CTRL)
    a.key("z", CTRL)
    go_to(a, w, "Kassym-Jomart Tokayev", "ORG")
    a.press(
        "l",
        CTRL,
        CandidatePopup=lambda _p: a.key(Qt.Key.Key_Return),
        OtherMentionsDialog=lambda _d: a.key(Qt.Key.Key_Escape),
    )
    assert kb_ids(w.db_path) == [("Kassym-Jomart Tokayev", "ORG", TOKAYEV)]


def test_new_entity_nil_and_unlink_by_keys(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, answers: DialogAnswers
) -> None:
    w, a = window, answers
    go_to(a, w, "Samruk-Kazyna")

    def form(dialog: Any) -> None:
        assert isinstance(dialog, NewEntityDialog)
        assert dialog.name.text() == "Samruk-Kazyna" and dialog.type.currentText() == "ORG"
        a.key(Qt.Key.Key_Tab)  # type
        a.key(Qt.Key.Key_Tab)  # aliases
        a.type("Samruk Kazyna, SK")
        a.key(Qt.Key.Key_Tab)  # description
        a.type("sovereign wealth fund")
        a.key(Qt.Key.Key_Return)

    a.press("n", CTRL, NewEntityDialog=form)
    with Store(w.db_path) as s:
        made = next(e for e in s.entities() if e.name == "Samruk-Kazyna")
    assert made.type == "ORG" and made.description == "sovereign wealth fund"
    assert {"Samruk Kazyna", "SK"} <= set(made.aliases)
    assert ("Samruk-Kazyna", "ORG", made.key) in kb_ids(w.db_path)
    # Ctrl+U unlinks, Ctrl+Shift+N marks NIL; undo takes each back
    a.key("u", CTRL)
    assert ("Samruk-Kazyna", "ORG", None) in kb_ids(w.db_path)
    a.key("n", CTRL_SHIFT)
    assert ("Samruk-Kazyna", "ORG", "NIL") in kb_ids(w.db_path)
    row = w.spans.model.row_of(w.session.current)
    assert w.spans.model.index(row, TEXT_COLUMN).data(VALUE_ROLE) == "⊘ no entity"
    a.key("z", CTRL)
    a.key("z", CTRL)
    assert ("Samruk-Kazyna", "ORG", made.key) in kb_ids(w.db_path)
    a.key("z", CTRL)  # the new entity goes too
    with Store(w.db_path) as s:
        assert not [e for e in s.entities() if e.name == "Samruk-Kazyna"]
    # NIL from the popup, on a suggestion: accepted as NIL
    go_to(a, w, "Astana")
    a.press("l", CTRL, CandidatePopup=lambda _p: a.key("n", CTRL_SHIFT))
    assert kb_ids(w.db_path) == [("Astana", "GPE", "NIL")]
    # keys that do not apply say why, and open nothing
    go_to(a, w, "2022")
    a.press("l", CTRL)
    assert "DATE" in w.statusBar().currentMessage()


def test_a_pre_linked_suggestion_and_an_ambiguous_one(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, answers: DialogAnswers
) -> None:
    w, a = window, answers
    # the window opens on the first span; Ctrl+Shift+L takes a pre-link
    first = w.session.current_item()
    assert first is not None and first.text == "Kazakh" and first.kb_id == "iso3166:KZ"
    a.key("l", CTRL_SHIFT)
    assert kb_ids(w.db_path) == [("Kazakh", "NORP", "iso3166:KZ")]
    # accepted with A, a pre-link is kept too
    go_to(a, w, "Astana")
    a.key(Qt.Key.Key_A)
    assert ("Astana", "GPE", "starter:astana") in kb_ids(w.db_path)
    # Ctrl+J goes to the next span still to link
    go_to(a, w, "Kazakh")
    order = []
    for _ in range(5):
        a.key("j", CTRL)
        order.append(w.session.current_item().text)  # type: ignore[union-attr]
    assert order == [
        "Kassym-Jomart Tokayev",  # ORG, unlinked (the kb source's PERSON beside it)
        "Kassym-Jomart Tokayev",
        "Park Jin",
        "Tokayev",
        "Samruk-Kazyna",
    ]
    a.key("k", CTRL)
    assert w.session.current_item().text == "Tokayev"  # type: ignore[union-attr]


def test_an_ambiguous_alias_shows_its_candidates_first(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "park.db"
    text = "Park said the talks with Kazakhstan went well."
    with Store(path) as store:
        load_starter(store)
        (doc,) = store.add_documents([NewDocument(text, "Park", None, "p", {})])
        store.replace_suggestions(doc, "test", "1", [SuggestionDraft("ents", 0, 4, "PERSON", {})])
        prelink_documents(store, [doc])
    w = MainWindow(path, annotator="alice")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    item = w.session.current_item()
    assert item is not None and item.text == "Park" and item.kb_id is None
    assert item.attrs["kb_candidates"] == ["starter:park-eun-ha", "starter:park-jin"]
    popup = CandidatePopup(w.store, w.session.state, item, w)  # type: ignore[arg-type]
    keys = [popup.model.index(i).data(CANDIDATE_ROLE).key for i in range(2)]
    assert set(keys) == {"starter:park-eun-ha", "starter:park-jin"}
    row = w.spans.model.row_of(item.id)
    assert w.spans.model.index(row, TEXT_COLUMN).data(VALUE_ROLE) == "? Park Eun-Ha, Park Jin"
    assert [m[0] for m in link_marks(w.article)] == ["ambiguous", "prelinked"]  # Kazakhstan
    w.close()


def test_the_figure_links_editor_by_keys(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, answers: DialogAnswers
) -> None:
    w, a = window, answers
    go_to(a, w, "$6.1 billion")
    seen: dict[str, Any] = {}

    def edit(d: Any) -> None:
        assert isinstance(d, FigureLinksDialog)
        seen["metric"] = d.metric_field.text()
        seen["period"] = d.period_info.text()
        a.key("a", CTRL)
        a.type("foreign direct inv")
        assert d.choices.isVisible() and d.choices.count() >= 1
        a.key(Qt.Key.Key_Return)  # picks the first choice
        assert d.metric_field.text() == "Foreign direct investment" and d.choices.isHidden()
        a.key(Qt.Key.Key_Tab)
        a.key("a", CTRL)
        a.type("in the first half of 2022")
        seen["new period"] = d.period_info.text()
        a.key(Qt.Key.Key_Tab)  # subjects: the article's linked entities
        seen["subjects"] = [d.subjects.item(i).text() for i in range(d.subjects.count())]
        a.key(Qt.Key.Key_Space)  # untick the first
        a.key(Qt.Key.Key_Return)

    a.press("l", CTRL, FigureLinksDialog=edit)
    assert seen["metric"] == "Bilateral trade"  # pre-filled from "trade"
    assert seen["period"].startswith("= 2022-01-01 – 2022-12-31 (year 2022)")
    assert seen["new period"].startswith("= 2022-01-01 – 2022-06-30 (half-year 2022-H1)")
    assert seen["subjects"][0].startswith("Kazakhstan")
    got = links(w.db_path)
    assert got["metric"] == "metric:foreign-direct-investment"
    assert got["period"] == "2022-H1"
    assert "iso3166:KZ" not in got["subject"]
    # one undo takes the three back, and the figure is a suggestion again
    a.key("z", CTRL)
    assert links(w.db_path) == {"subject": []}
    assert w.session.current_item().is_suggestion  # type: ignore[union-attr]
    # Ctrl+Shift+L takes the suggested links as they are
    a.key("l", CTRL_SHIFT)
    got = links(w.db_path)
    assert got["metric"] == "metric:bilateral-trade" and got["period"] == "2022"
    # the span list's tooltip says them
    row = w.spans.model.row_of(w.session.current)
    tip = w.spans.model.tooltip_text(w.spans.model.items[row])
    assert "metric: Bilateral trade\n" in tip and "period: 2022-01-01 – 2022-12-31" in tip

    # a period that does not read stops the save; Esc then writes nothing
    def bad(d: Any) -> None:
        a.key(Qt.Key.Key_Tab)
        a.key("a", CTRL)
        a.type("soon")
        a.key(Qt.Key.Key_Return)
        seen["error"] = d.error.text()
        assert d.isVisible()
        a.key(Qt.Key.Key_Escape)

    a.press("l", CTRL, FigureLinksDialog=bad)
    assert "“soon” does not read as a period" in seen["error"]
    assert links(w.db_path)["period"] == "2022"


def test_names_in_the_kb_show_as_text(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, answers: DialogAnswers
) -> None:
    w, a = window, answers
    with Store(w.db_path) as s:
        evil = add_entity(s, "<b>Evil</b> & <img src=x>", "ORG", description="<i>d</i>")
    go_to(a, w, "Samruk-Kazyna")

    def search(popup: Any) -> None:
        a.type("Evil")
        c = popup.current_candidate()
        assert c is not None and c.key == evil.key
        idx = popup.list.currentIndex()
        assert idx.data(Qt.ItemDataRole.DisplayRole) == "<b>Evil</b> & <img src=x>"
        assert "&lt;b&gt;Evil&lt;/b&gt;" in idx.data(Qt.ItemDataRole.ToolTipRole)
        a.key(Qt.Key.Key_Return)

    a.press("l", CTRL, CandidatePopup=search)
    item = w.session.current_item()
    assert item is not None and item.kb_id == evil.key
    row = w.spans.model.row_of(item.id)
    assert w.spans.model.index(row, TEXT_COLUMN).data(VALUE_ROLE) == "● <b>Evil</b> & <img src=x>"
    tip = w.spans.model.index(row, TEXT_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; &lt;img src=x&gt;" in tip and "<b>Evil" not in tip
    assert "linked to: <b>Evil</b>" in w.article.tooltip_for(item)  # type: ignore[misc]


def test_the_article_marks_links_by_shape(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, answers: DialogAnswers
) -> None:
    w, a = window, answers
    kinds = [k for k, _c, _r in link_marks(w.article)]
    # the kb source's pre-links: Kazakh, Kassym-Jomart Tokayev, Park Jin, Astana, the
    # two Tokayev and South Korea's; no mark on the unlinked ORG nor on Samruk-Kazyna
    assert kinds == ["prelinked"] * 7
    go_to(a, w, "Astana")
    a.key(Qt.Key.Key_A)
    go_to(a, w, "Park Jin")
    a.key("n", CTRL_SHIFT)
    kinds = [k for k, _c, _r in link_marks(w.article)]
    assert sorted(kinds) == ["linked", "nil", *["prelinked"] * 5]
    image = w.article.viewport().grab().toImage()
    linked = next(c for k, c, _r in link_marks(w.article) if k == "linked")
    assert image.pixelColor(round(linked.x()), round(linked.y())).lightness() < 80  # a dot


def test_a_large_kbs_index_is_built_off_the_gui_thread(  # type: ignore[no-untyped-def]
    qtbot, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core.kb.index import get_index, index_ready

    monkeypatch.setattr("annotator.gui.kb_index.WARM_ABOVE", 10)  # the starter KB is "large"
    w = MainWindow(project, annotator="alice")
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: index_ready(w.store), timeout=10000)
    assert w.kb_index.ready() and w.kb_index.label.isHidden()
    built = get_index(w.store)  # the worker's, adopted: not built again here
    assert get_index(w.store) is built
    # a link teaches the KB an alias: the index is built again in the background
    with Store(project) as s:
        add_entity(s, "Samruk-Kazyna", "ORG")
    assert not w.kb_index.ready()
    w.session.reload()  # (opening a document looks again)
    qtbot.waitUntil(lambda: index_ready(w.store), timeout=10000)
    assert get_index(w.store) is not built
    w.close()
