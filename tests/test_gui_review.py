"""Review mode in the window (issue 10 item 3): three curators' work on the seeds, merged
into one project, adjudicated into the gold by keyboard alone, checked in SQLite and
exported with `annotator export spacy --gold`; undo, direct gold edits, the queue's
filters, auto-accept's preference, markup shown as text, the mode switch.

Keys go to whatever widget has the focus, as a reviewer's keyboard would send them.
No spaCy model: curators' work is made by `_review_helpers.three_curators`.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from _review_helpers import three_curators
from click.testing import CliRunner
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from annotator.core import review
from annotator.core.importer import import_paths
from annotator.core.merge import merge_projects
from annotator.core.model import GOLD
from annotator.core.review import walk
from annotator.core.store import NewDocument, Store
from annotator.gui.main_window import MainWindow

NO = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CURATORS = ("alice", "bob", "carol")


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path / "settings"))


def curator_files(base: Path, folder: Path) -> list[Path]:
    """alice's, bob's and carol's work of `three_curators`, each in a project file of
    their own (as if each had curated on their own machine)."""
    scratch = folder / "scratch.db"
    shutil.copy(base, scratch)
    with Store(scratch) as s:
        three_curators(s, CURATORS)
        work = {
            name: [a for d in s.document_ids() for a in s.annotations(d, name)] for name in CURATORS
        }
        done = {name: s.doc_ids_with_status(name, "done") for name in CURATORS}
    files = []
    for name in CURATORS:
        path = folder / f"{name}.db"
        shutil.copy(base, path)
        with Store(path) as s:
            for a in work[name]:
                s.add_annotation(a.doc_id, name, a.layer, a.start, a.end, a.label, a.origin)
            for doc_id in done[name]:
                s.set_status(doc_id, name, "done")
        files.append(path)
    return files


@pytest.fixture
def merged(tmp_path: Path, seeds_dir: Path) -> Path:
    """The seeds, and alice's, bob's and carol's project files merged in."""
    base = tmp_path / "base.db"
    with Store(base) as s:
        import_paths(s, [seeds_dir])
    files = curator_files(base, tmp_path)
    project = tmp_path / "review.db"
    shutil.copy(base, project)
    with Store(project) as s:
        merge_projects(s, files)
    return project


def open_window(qtbot, project: Path, reviewer: str = "rita") -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator=reviewer)
    qtbot.addWidget(w)
    w.resize(1400, 860)
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    return w


@pytest.fixture
def window(qtbot, merged: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    yield open_window(qtbot, merged)


def key(qtbot, k: Qt.Key | str, mods: Qt.KeyboardModifier = NO) -> None:  # type: ignore[no-untyped-def]
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, k, mods)


def enter_review(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, Qt.Key.Key_R, CTRL)
    assert w.modes.mode == "review"
    qtbot.waitUntil(lambda: not w.review.queue.reading() and w.review.session.review is not None)


def rows(project: Path, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(project)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def gold_of(project: Path, doc_id: int | None) -> list[tuple]:
    return rows(
        project,
        'SELECT start, "end", label FROM annotations WHERE annotator = ? AND doc_id = ? '
        "ORDER BY 1, 2, 3",
        GOLD,
        doc_id,
    )


def curators_work(project: Path) -> list[tuple]:
    return rows(
        project,
        'SELECT doc_id, annotator, layer, start, "end", label, origin FROM annotations '
        "WHERE annotator != ? ORDER BY 1, 2, 3, 4, 5, 6",
        GOLD,
    )


def test_three_curators_adjudicated_by_keyboard_and_exported(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, merged: Path, tmp_path: Path
) -> None:
    """Done when (issue 10): merged work on the seeds, auto-accept of a majority, every
    disagreement settled by one key, D through the queue; the gold in SQLite is
    adjudicated under @gold with the reviewer in the events, the curators' work is
    untouched, and `export spacy --gold` writes that gold."""
    w = window
    before = curators_work(merged)
    w.actions_by_name["pref_review_auto_majority"].trigger()  # Edit → Preferences
    enter_review(qtbot, w)
    s = w.review.session
    assert w.review.queue.model.rowCount() == 5
    assert w.statusBar().currentMessage().startswith("Auto-accepted ")
    keys = {"A": 0, "1": 0, "X": 0, "2": 0}
    for _ in range(5):
        while s.review is not None and s.review.open_disputes:
            stop = s.current_stop()
            assert stop is not None and stop.open, "each settling key moves to the next open"
            labels = {o.sig.label for o in stop.options}
            if labels == {"TITLE"}:
                choice = "X"  # only carol's titles: no entity
            elif any(o.state == "accepted" for o in stop.options):
                choice = "A"  # the majority's version, auto-accepted: keep it
            elif any(o.sig.label == "NORP" for o in stop.options) and "GPE" in labels:
                choice = "1"  # alice's NORP over bob's GPE
            else:
                choice = "2" if keys["2"] < 2 else "1"
            keys[choice] += 1
            open_before = len(s.review.open_disputes)
            key(qtbot, Qt.Key.Key_Return if choice == "A" else choice)
            assert s.review is not None and len(s.review.open_disputes) == open_before - 1
        key(qtbot, "D")
    assert all(keys.values()), keys
    assert w.review.queue.next_open(None) is None
    assert all(e.status == "done" and e.open == 0 for e in w.review.queue.model.entries)

    # the gold in SQLite: adjudicated, the reviewer in the events, curators untouched
    assert rows(merged, "SELECT DISTINCT origin FROM annotations WHERE annotator = ?", GOLD) == [
        ("adjudicated",)
    ]
    assert rows(
        merged, "SELECT COUNT(*) FROM status WHERE annotator = ? AND status = 'done'", GOLD
    ) == [(5,)]
    steps = {
        r[0]
        for r in rows(
            merged,
            "SELECT json_extract(payload, '$.step') FROM events WHERE annotator = 'rita' "
            "AND action = 'adjudicate'",
        )
    }
    assert {"auto-accept", "settle", "take-version", "reject-all", "done"} <= steps
    assert curators_work(merged) == before
    with Store(merged) as st:
        for doc_id in st.document_ids():
            r = review.load_review(st, doc_id)
            assert not r.open_disputes
            # alice's NORP where bob said GPE
            for d in r.disputes:
                if {o.sig.label for o in d.options} >= {"NORP", "GPE"} and not d.agreed:
                    norp = next(o for o in d.options if o.sig.label == "NORP")
                    assert norp.state == "accepted" or "alice" not in norp.curators

    # export spacy --gold: the DocBin holds the gold
    from annotator.cli import main

    out = tmp_path / "gold.spacy"
    result = CliRunner().invoke(main, ["export", "spacy", "--db", str(merged), "--gold", str(out)])
    assert result.exit_code == 0, result.output
    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert len(docs) == 5
    with Store(merged) as st:
        for doc in docs:
            doc_id = st.document_id_for_text(doc.text)
            gold = {
                (a.start, a.end, a.label) for a in st.annotations(doc_id, GOLD) if a.layer == "ents"
            }
            ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
            spans = {
                (e.start_char, e.end_char, e.label_) for e in doc.spans.get("ents_overlapping", [])
            }
            assert gold and gold == ents | spans


def test_undo_and_redo_write_the_gold_back(qtbot, window: MainWindow, merged: Path) -> None:  # type: ignore[no-untyped-def]
    w = window
    enter_review(qtbot, w)
    s = w.review.session
    doc_id = s.doc_id
    stop = s.current_stop()
    assert stop is not None and stop.open
    gold_before = gold_of(merged, doc_id)
    key(qtbot, "2")  # bob's version
    assert s.current != stop.id
    after = gold_of(merged, doc_id)
    assert after != gold_before or not stop.by_curator["bob"]
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert gold_of(merged, doc_id) == gold_before
    assert s.current == stop.id and s.current_stop().open  # type: ignore[union-attr]
    assert w.statusBar().currentMessage().startswith("Undo: Take bob")
    key(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert gold_of(merged, doc_id) == after
    # undo back past the auto-accept the document opened with: no gold left
    key(qtbot, Qt.Key.Key_Z, CTRL)
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert rows(merged, "SELECT COUNT(*) FROM annotations WHERE annotator = ?", GOLD) == [(0,)]
    events = rows(
        merged,
        "SELECT json_extract(payload, '$.step') FROM events WHERE annotator = 'rita' ORDER BY id",
    )
    assert [e[0] for e in events] == [
        "auto-accept",
        "take-version",
        "take-version-undo",
        "take-version",
        "take-version-undo",
        "auto-accept-undo",
    ]


def test_undo_of_curation_goes_back_to_curating(qtbot, merged: Path) -> None:  # type: ignore[no-untyped-def]
    """The undo stack is the window's one: Ctrl+Z in review mode undoes a curation action
    taken before and shows it in curation; the other way round too."""
    with Store(merged) as s:
        s.replace_suggestions(1, "test", "1", [])
    w = open_window(qtbot, merged, reviewer="alice")
    w.session.open(1)
    key(qtbot, "S")  # skip document 1 as alice (a curation action)
    assert rows(merged, "SELECT status FROM status WHERE annotator = 'alice' AND doc_id = 1") == [
        ("skipped",)
    ]
    enter_review(qtbot, w)
    key(qtbot, "1")  # an adjudication
    key(qtbot, Qt.Key.Key_Z, CTRL)  # undoes the adjudication: stays in review
    assert w.modes.mode == "review"
    key(qtbot, Qt.Key.Key_Z, CTRL)  # the auto-accept
    key(qtbot, Qt.Key.Key_Z, CTRL)  # the skip: back to curating, status restored
    assert w.modes.mode == "curate"
    assert rows(merged, "SELECT status FROM status WHERE annotator = 'alice' AND doc_id = 1") == [
        ("done",)
    ]
    key(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)  # redo the skip: still curating
    assert w.modes.mode == "curate"
    key(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)  # redo the auto-accept: review mode again
    assert w.modes.mode == "review"


def test_keys_of_one_mode_do_nothing_in_the_other(qtbot, window: MainWindow, merged: Path) -> None:  # type: ignore[no-untyped-def]
    w = window
    enter_review(qtbot, w)
    assert not w.actions_by_name["accept"].isEnabled()
    assert not w.actions_by_name["label_1"].isEnabled()
    assert w.actions_by_name["review_take_1"].isEnabled()
    assert w.actions_by_name["undo"].isEnabled()  # auto-accept is on the stack
    key(qtbot, Qt.Key.Key_R, CTRL)
    assert w.modes.mode == "curate"
    assert w.actions_by_name["accept"].isEnabled() and w.actions_by_name["label_1"].isEnabled()
    assert not w.actions_by_name["review_take_1"].isEnabled()
    assert not w.actions_by_name["review_keep"].isEnabled()
    # the document under review is the one curated now
    assert w.session.doc_id == w.review.session.doc_id
    key(qtbot, "1")  # a label key in curation: nothing adjudicated
    assert rows(
        merged, "SELECT COUNT(*) FROM events WHERE json_extract(payload, '$.step') = 'take-version'"
    ) == [(0,)]


def test_every_mode_has_distinct_keys() -> None:
    """Two actions may share a key only when no mode has both enabled."""
    from annotator.gui.actions import ACTIONS, CURATOR_KEYS, WHOLE_DOCUMENT_KEYS
    from annotator.gui.labels import LABEL_KEYS

    for mode in ("curate", "review"):
        keys: dict[str, str] = {}
        specs = [(a.name, k) for a in ACTIONS if a.mode in (mode, "any") for k in a.keys]
        extra = LABEL_KEYS if mode == "curate" else CURATOR_KEYS + WHOLE_DOCUMENT_KEYS
        specs += [(f"key {k}", k) for k in extra]
        for name, k in specs:
            assert k not in keys, f"{mode}: {k} is {keys.get(k)} and {name}"
            keys[k] = name


def test_take_a_whole_document_and_direct_edits(
    qtbot, window: MainWindow, merged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    w = window
    enter_review(qtbot, w)
    s = w.review.session
    doc_id = s.doc_id
    key(qtbot, "3", CTRL)  # carol's whole document
    with Store(merged) as st:
        carol = {(a.start, a.end, a.label) for a in st.annotations(doc_id, "carol")}
        gold = {(a.start, a.end, a.label) for a in st.annotations(doc_id, GOLD)}
    assert gold == carol and not s.review.open_disputes  # type: ignore[union-attr]
    # relabel (L), narrow (Shift+]), then delete the current gold span
    d = next(x for x in s.stops if x.options and walk.default_row(walk.rows(s.review, x)).in_gold)  # type: ignore[arg-type,union-attr]
    s.set_current(d.id)
    row = s.current_row()
    assert row is not None and row.in_gold
    monkeypatch.setattr(w.review.actions, "pick_label", lambda layers: ("ents", "FAC"))
    key(qtbot, "L")
    edited = s.current_row()
    assert edited is not None and edited.sig.label == "FAC" and edited.key.startswith("gold:")
    assert rows(merged, "SELECT label, origin FROM annotations WHERE id = ?", edited.gold_id) == [
        ("FAC", "adjudicated")
    ]
    key(qtbot, "]")
    widened = s.current_row()
    assert (
        widened is not None
        and widened.gold_id == edited.gold_id
        and widened.sig.end > edited.sig.end
    )
    key(qtbot, Qt.Key.Key_Delete)
    assert rows(merged, "SELECT COUNT(*) FROM annotations WHERE id = ?", edited.gold_id) == [(0,)]
    # an option not in the gold is not edited: Space accepts it first (O: next version)
    for _ in range(len(s.rows())):
        if not s.current_row().in_gold:  # type: ignore[union-attr]
            break
        key(qtbot, "O")
    row = s.current_row()
    assert row is not None and not row.in_gold
    key(qtbot, "L")
    assert "Space accepts it first" in w.statusBar().currentMessage()
    key(qtbot, Qt.Key.Key_Space)
    assert s.current_row() is not None and s.current_row().in_gold  # type: ignore[union-attr]
    key(qtbot, Qt.Key.Key_Space)
    assert not s.current_row().in_gold  # type: ignore[union-attr]


def test_add_a_gold_span_no_curator_marked(
    qtbot, window: MainWindow, merged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    w = window
    enter_review(qtbot, w)
    s = w.review.session
    text = s.review.document.text  # type: ignore[union-attr]
    start = text.index("meeting")
    w.review.article.select_range(start, start + 4)  # "meet", widened to "meeting"
    monkeypatch.setattr(w.review.actions, "pick_label", lambda layers: ("ents", "EVENT"))
    key(qtbot, "N")
    assert rows(
        merged,
        "SELECT start, \"end\", label FROM annotations WHERE annotator = ? AND label = 'EVENT'",
        GOLD,
    ) == [(start, start + 7, "EVENT")]
    stop = s.current_stop()
    assert stop is not None and not stop.options and stop.start == start
    row = s.current_row()
    assert row is not None and row.curators == () and row.state == "gold"
    key(qtbot, "J")  # J goes on to a disagreement
    assert walk.is_disagreement(s.current_stop())  # type: ignore[arg-type]
    key(qtbot, "K", SHIFT)  # Shift+K comes back to it
    assert s.current == stop.id


def test_auto_accept_off_leaves_the_gold_empty(qtbot, window: MainWindow, merged: Path) -> None:  # type: ignore[no-untyped-def]
    w = window
    w.actions_by_name["pref_review_auto_off"].trigger()
    enter_review(qtbot, w)
    assert rows(merged, "SELECT COUNT(*) FROM annotations WHERE annotator = ?", GOLD) == [(0,)]
    assert "auto-accept is off" in w.statusBar().currentMessage()
    # unanimous: only what all three marked alike
    w.actions_by_name["pref_review_auto_all"].trigger()
    key(qtbot, Qt.Key.Key_PageDown, CTRL)
    doc_id = w.review.session.doc_id
    with Store(merged) as st:
        r = review.load_review(st, doc_id)
        agreed = {o.sig for d in r.disputes for o in d.options if o.votes == 3}
        assert {g.sig for g in r.gold} == agreed


def test_queue_filters_and_new_work_merged_later(
    qtbot, merged: Path, tmp_path: Path, seeds_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    w = open_window(qtbot, merged)
    enter_review(qtbot, w)
    q = w.review.queue
    everything = {e.doc_id: e.open for e in q.model.entries}
    assert [e.open for e in q.model.entries] == sorted(everything.values(), reverse=True)
    q.label_filter.setCurrentIndex(q.label_filter.findData("TITLE"))
    qtbot.waitUntil(lambda: not q.reading())
    with Store(merged) as st:
        expected = {e.doc_id: e.open for e in review.review_queue(st, label="TITLE")}
    assert {e.doc_id: e.open for e in q.model.entries} == expected
    q.label_filter.setCurrentIndex(0)
    q.pair_filter.setCurrentIndex(q.pair_index("alice", "bob"))
    qtbot.waitUntil(lambda: not q.reading())
    with Store(merged) as st:
        expected = {e.doc_id: e.open for e in review.review_queue(st, pair=("alice", "bob"))}
    assert {e.doc_id: e.open for e in q.model.entries} == expected
    # settle everything in the open document, then close
    s = w.review.session
    doc_id = s.doc_id
    while s.review.open_disputes:  # type: ignore[union-attr]
        key(qtbot, "1")
    gold = gold_of(merged, doc_id)
    w.close()
    # dave's work merged later: new disagreements, the gold as it was
    base = tmp_path / "dave-base.db"
    with Store(base) as st:
        import_paths(st, [seeds_dir])
        text = st.document(doc_id).text
        st.add_annotation(doc_id, "dave", "ents", 0, 6, "ORG", "manual")
        st.set_status(doc_id, "dave", "done")
    with Store(merged) as st:
        merge_projects(st, [base])
    w = open_window(qtbot, merged)
    w.actions_by_name["pref_review_auto_off"].trigger()
    w.session.open(doc_id)
    enter_review(qtbot, w)
    s = w.review.session
    assert s.doc_id == doc_id and s.review.curators == ("alice", "bob", "carol", "dave")  # type: ignore[union-attr]
    assert s.review.open_disputes  # type: ignore[union-attr]
    assert gold_of(merged, doc_id) == gold
    assert text[0:6] and w.review.disputes.legend_grid.count() == 4 * 4  # four curators


def test_markup_in_data_shows_as_text(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Titles, curator names, labels and words with markup are shown as they are."""
    project = tmp_path / "markup.db"
    text = "<b>Acme</b> bought <i>Widgets</i> &amp; more."
    with Store(project) as st:
        st.add_documents([NewDocument(text, "<h1>BIG</h1><img src=x>", None, "m", {})])
        for who, label in (("<b>eve</b>", "<i>ORG</i>"), ("bob", "ORG")):
            st.add_annotation(1, who, "ents", 0, 11, label, "manual")
            st.set_status(1, who, "done")
    w = open_window(qtbot, project, reviewer="<i>rita</i>")
    enter_review(qtbot, w)
    assert w.review.title_label.text() == "<h1>BIG</h1><img src=x>"
    assert w.review.title_label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>eve</b>" in w.review.meta_label.text()
    names = [
        w.review.disputes.legend_grid.itemAtPosition(r, 2).widget()
        for r in range(w.review.disputes.legend_grid.rowCount())
    ]
    assert [n.text() for n in names] == ["<b>eve</b>", "bob"]
    assert all(n.textFormat() == Qt.TextFormat.PlainText for n in names)
    assert w.review.disputes.words.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Acme</b>" in w.review.disputes.words.text()
    model = w.review.disputes.model
    labels = {model.rows[i].sig.label for i in range(model.rowCount())}
    assert labels == {"<i>ORG</i>", "ORG"}
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Acme&lt;/b&gt;" in tip and "<b>Acme" not in tip
    q = w.review.queue.model
    assert q.data(q.index(0, 0)) == "<h1>BIG</h1><img src=x>"
    assert "&lt;h1&gt;" in q.data(q.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    # the reviewer's name is bold on purpose (rich text), its own markup escaped
    assert w.review.reviewer_label.text() == "Reviewer: <b>&lt;i&gt;rita&lt;/i&gt;</b>"


def test_a_project_with_nothing_to_review(qtbot, tmp_path: Path, seeds_dir: Path) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "none.db"
    with Store(project) as st:
        import_paths(st, [seeds_dir])
    w = open_window(qtbot, project)
    key(qtbot, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: not w.review.queue.reading())
    assert w.review.session.review is None
    assert "two curators" in w.review.queue.counts.text()
    assert w.review.title_label.text() == "Nothing to review"
    for k in ("J", "1", "A", "X", "D", "L"):
        key(qtbot, k)  # nothing to act on: nothing happens, nothing breaks
    assert rows(project, "SELECT COUNT(*) FROM annotations") == [(0,)]


def test_focus_moves_by_keys_and_enter_in_the_queue_never_settles(
    qtbot, window: MainWindow, merged: Path
) -> None:  # type: ignore[no-untyped-def]
    w = window
    enter_review(qtbot, w)
    r = w.review
    assert QApplication.focusWidget() is r.article
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is r.disputes.view
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is r.article
    key(qtbot, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is r.disputes.view
    key(qtbot, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is r.queue.view
    open_before = len(r.session.review.open_disputes)  # type: ignore[union-attr]
    key(qtbot, Qt.Key.Key_Down)  # the next document of the queue opens
    second = r.queue.model.doc_id(1)
    assert r.session.doc_id == second
    key(qtbot, Qt.Key.Key_Return)  # back to the text; nothing settled
    assert QApplication.focusWidget() is r.article
    assert rows(
        merged, "SELECT COUNT(*) FROM events WHERE json_extract(payload, '$.step') = 'settle'"
    ) == [(0,)]
    key(qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is r.queue.label_filter
    key(qtbot, "A")  # a filter's own key: the window's A (settle) does nothing here
    key(qtbot, "1")
    assert rows(
        merged,
        "SELECT COUNT(*) FROM events WHERE action = 'adjudicate' "
        "AND json_extract(payload, '$.step') != 'auto-accept'",
    ) == [(0,)]
    key(qtbot, Qt.Key.Key_Tab)  # the queue's filters and list, by Tab once there
    assert QApplication.focusWidget() is r.queue.pair_filter
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is r.queue.only_open
    key(qtbot, Qt.Key.Key_Space)  # only documents with something open
    qtbot.waitUntil(lambda: not r.queue.reading())
    assert r.queue.filter.only_open
    assert all(e.open for e in r.queue.model.entries)
    key(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is r.article
    assert open_before > 0
    # reading the queue shows in the status bar only while it runs, only in review mode
    assert not r.cancel_button.isVisibleTo(w) and r.counts_label.isVisibleTo(w)
    key(qtbot, Qt.Key.Key_R, CTRL)
    assert not r.counts_label.isVisibleTo(w) and not r.cancel_button.isVisibleTo(w)
    assert w.status_info.counts_label.isVisibleTo(w)


def test_d_asks_when_disagreements_are_open(
    qtbot, window: MainWindow, merged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    w = window
    enter_review(qtbot, w)
    s = w.review.session
    doc_id = s.doc_id
    asked: list[int] = []
    answer = [False]
    monkeypatch.setattr(
        w.review.actions, "ask_done_with_open", lambda n: asked.append(n) or answer[0]
    )
    key(qtbot, "D")
    assert asked == [len(s.review.open_disputes)] and s.doc_id == doc_id  # type: ignore[union-attr]
    assert rows(
        merged, "SELECT COUNT(*) FROM status WHERE annotator = ? AND status = 'done'", GOLD
    ) == [(0,)]
    answer[0] = True
    key(qtbot, "D")
    assert rows(
        merged, "SELECT doc_id FROM status WHERE annotator = ? AND status = 'done'", GOLD
    ) == [(doc_id,)]
    assert s.doc_id != doc_id  # on to the next document with open disagreements
    assert w.review.queue.entry(doc_id).status == "done"  # type: ignore[union-attr]


def test_the_question_d_asks_answers_by_keys(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer

    w = window
    enter_review(qtbot, w)
    answers = []
    for k in ("D", Qt.Key.Key_Return):

        def press(k=k) -> None:  # type: ignore[no-untyped-def]
            box = QApplication.activeModalWidget()
            if box is None:
                QTimer.singleShot(10, press)
                return
            qtbot.keyClick(box, k)

        QTimer.singleShot(0, press)
        answers.append(w.review.actions.ask_done_with_open(3))
        qtbot.waitUntil(lambda: QApplication.focusWidget() is w.review.article)  # focus back
    assert answers == [True, False]


def test_kb_ids_figure_values_and_links_show_on_the_cards(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.version_cards import detail

    project = tmp_path / "links.db"
    text = "Kazakhstan's trade reached $6.1 billion."
    with Store(project) as st:
        st.add_documents([NewDocument(text, "t", None, "s", {})])
        e = st.add_entity("Trade", "METRIC", key="kb:trade")
        for who, value, kb in (("alice", 6.1e9, "kb:kz"), ("bob", 6.1e6, None)):
            st.add_annotation(1, who, "ents", 0, 10, "GPE", "manual", kb_id=kb)
            fig = st.add_annotation(
                1, who, "figures", 27, 39, "money", "manual", attrs={"value": value, "unit": "USD"}
            )
            if who == "alice":
                st.conn.execute(
                    "INSERT INTO links (annotation_id, role, entity_id) VALUES (?, 'metric', ?)",
                    (fig.id, e.id),
                )
            st.set_status(1, who, "done")
    w = open_window(qtbot, project)
    w.actions_by_name["pref_review_auto_off"].trigger()
    enter_review(qtbot, w)
    s = w.review.session
    found = {(r.sig.layer, r.curators): detail(r) for d in s.stops for r in walk.rows(s.review, d)}  # type: ignore[arg-type]
    assert found[("ents", ("alice",))] == "KB kb:kz"
    assert found[("ents", ("bob",))] == ""
    assert found[("figures", ("alice",))] == "6.1 bn USD · metric → kb:trade"
    assert found[("figures", ("bob",))] == "6.1 M USD"
    key(qtbot, "J")
    key(qtbot, "J")
    assert s.current_stop().layer == "figures"  # type: ignore[union-attr]
    assert w.review.article.layer == "figures"  # the lanes show figures now
    assert "figures" in w.review.disputes.legend_title.text()
    key(qtbot, "1")  # alice's figure, with its link, into the gold
    gold = rows(
        project,
        "SELECT a.label, l.role, l.entity_id FROM annotations a "
        "JOIN links l ON l.annotation_id = a.id WHERE a.annotator = ?",
        GOLD,
    )
    assert gold == [("money", "metric", e.id)]


def test_a_click_on_a_span_group_makes_it_current_and_a_drag_does_not(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    w = window
    enter_review(qtbot, w)
    view, session = w.review.article, w.review.session
    target = session.stops[-1]
    assert session.current != target.id
    c = view.textCursor()
    c.setPosition(target.start + 1)
    view.setTextCursor(c)
    view.ensureCursorVisible()
    pos = view.cursorRect(c).center()
    # a drag that selects text is not a click
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=pos + QPoint(40, 0))
    assert session.current != target.id
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert session.current == target.id
