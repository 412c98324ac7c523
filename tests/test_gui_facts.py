"""The facts view in the window, by keys: F9 shows it (computed off the GUI thread) and
goes to it, conflicts marked and filtered, series beside, Enter opens the article at the
figure, Esc goes back to the text, the source switches to a curator's work; and on the
bundled seeds, from the real model's suggestions, the 2022 Kazakhstan–South Korea trade
conflict (slow)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core import curation
from annotator.core.kb.figure_links import accept_links
from annotator.core.store import Store
from annotator.gui.facts_task import FactsTask
from annotator.gui.facts_view import FACT_ROLE, VALUE
from annotator.gui.main_window import MainWindow
from tests._dialog_answers import DialogAnswers
from tests.test_kb_facts import _trade_project

NO = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "facts.db"
    with Store(path) as store:
        _trade_project(store)
    return path


def open_window(qtbot, path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(path, annotator="alice")
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    return w


@pytest.fixture
def answers(qtbot) -> Iterator[DialogAnswers]:  # type: ignore[no-untyped-def]
    a = DialogAnswers(qtbot)
    yield a
    a.stop()


def shown_facts(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """F9, then wait for the facts to be computed (in a worker thread)."""
    w.facts.pane.result = None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: w.facts.pane.result is not None and not w.facts.busy(), timeout=10000)


def tops(w: MainWindow) -> list[str]:
    tree = w.facts.pane.tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_f9_shows_the_conflict_and_enter_opens_the_article_at_it(  # type: ignore[no-untyped-def]
    qtbot, project: Path, answers: DialogAnswers
) -> None:
    w, a = open_window(qtbot, project), answers
    assert not w.facts.dock.isVisible()
    shown_facts(qtbot, w)
    pane = w.facts.pane
    assert w.facts.dock.isVisible() and QApplication.focusWidget() is pane.tree
    groups = tops(w)
    assert groups[0] == (
        "⚠ CONFLICT   Bilateral trade · Kazakhstan, South Korea · 2022   (4 figures)"
    )
    assert groups[-1].startswith("Not grouped") is False  # every figure here has links
    conflict = pane.tree.topLevelItem(0)
    values = [conflict.child(i).text(VALUE) for i in range(conflict.childCount())]
    assert values == ["⚠ 6.1 bn", "⚠ 6.1 bn", "⚠ 6.53 bn", "5.9 bn"]  # euros: not compared
    assert "[not compared: in EUR" in conflict.child(3).text(5)
    assert pane.summary.text() == ("6 figures from suggestions, 3 groups, 1 conflict, 1 series")
    series = pane.series.topLevelItem(0)
    assert series.text(0) == "Bilateral trade · Kazakhstan, South Korea"
    assert series.text(1) == ("2021 3.2 bn USD → 2022 6.1 bn USD / 6.1 bn USD / 6.53 bn USD")
    # Alt+C: conflicts only (a button's Alt+letter clicks it a moment later)
    a.key("c", ALT)
    qtbot.waitUntil(pane.conflicts_only.isChecked)
    assert len(tops(w)) == 1
    # ↓ to the 6.53 bn figure, Enter opens its article with the figure current (and
    # accepts nothing: Enter in the view is not the window's accept)
    a.key(Qt.Key.Key_Tab)  # from the tick box to the list
    assert QApplication.focusWidget() is pane.tree
    assert pane.tree.currentItem() is pane.tree.topLevelItem(0)
    for _ in range(3):
        a.key(Qt.Key.Key_Down)
    fact = pane.tree.currentItem().data(0, FACT_ROLE)
    assert fact.text == "$6.53 billion"
    a.key(Qt.Key.Key_Return)
    assert w.session.doc_id == fact.doc_id
    current = w.session.current_item()
    assert current is not None and current.text == "$6.53 billion"
    with Store(project) as s:
        assert s.annotations(fact.doc_id, "alice") == []
    assert QApplication.focusWidget() is pane.tree  # the view keeps the keys
    # Esc: back to the text, the view stays; F9 goes to it again, and from it hides it
    a.key(Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.article and w.facts.dock.isVisible()
    a.key(Qt.Key.Key_F9)
    assert QApplication.focusWidget() is pane.tree
    a.key(Qt.Key.Key_F9)
    assert not w.facts.dock.isVisible() and QApplication.focusWidget() is w.article
    w.close()


def test_a_curators_facts_and_a_refresh_after_their_work(  # type: ignore[no-untyped-def]
    qtbot, project: Path, answers: DialogAnswers, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(project) as store:
        for doc in store.document_ids()[:2]:
            state = curation.load(store, doc, "alice")
            (fig,) = [it for it in state.items if it.layer == "figures"]
            accept_links(store, state, fig)
    monkeypatch.setattr("annotator.gui.facts_controller.REFRESH_AFTER_MS", 50)
    w, a = open_window(qtbot, project), answers
    shown_facts(qtbot, w)
    pane = w.facts.pane
    sources = [pane.source.itemText(i) for i in range(pane.source.count())]
    assert sources == ["Suggestions", "Gold (adjudicated)", "Curator: alice"]
    # Alt+S goes to the source; ↓ ↓ chooses the curator and computes again
    a.key("s", ALT)
    assert QApplication.focusWidget() is pane.source
    pane.result = None
    a.key(Qt.Key.Key_Down)
    a.key(Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: pane.result is not None and not w.facts.busy(), timeout=10000)
    assert pane.result.source == "alice" and len(pane.result.facts) == 2
    assert pane.summary.text().startswith("2 figures from curator: alice")
    # her next figure's links, set in the window, show a moment later
    w.session.open(3)
    pane.result = None
    item = next(it for it in w.session.state.items if it.layer == "figures")  # type: ignore[union-attr]
    w.session.set_current(item.id)
    w.article.setFocus()
    a.key("l", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: pane.result is not None and not w.facts.busy(), timeout=10000)
    assert len(pane.result.facts) == 3 and tops(w)[0].startswith("⚠ CONFLICT")
    w.close()


def test_a_cancelled_computation_reports_nothing(qtbot, project: Path) -> None:  # type: ignore[no-untyped-def]
    task = FactsTask(project, "suggested")
    finished: list[object] = []
    task.signals.finished.connect(finished.append)
    task.cancel()
    with qtbot.waitSignal(task.signals.cancelled, timeout=5000):
        task.run()  # on this thread: the first document's progress stops it
    assert finished == []


@pytest.mark.slow
def test_the_seeds_conflict_in_the_facts_view(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, seeds_dir: Path
) -> None:
    import subprocess

    db = tmp_path / "seeds.db"
    for args in (["import", str(seeds_dir)], ["suggest", "--progress", "none"]):
        subprocess.run(
            [sys.executable, "-m", "annotator", *args, "--db", str(db)],
            check=True,
            capture_output=True,
        )
    w = open_window(qtbot, db)
    shown_facts(qtbot, w)
    pane = w.facts.pane
    pane.conflicts_only.setChecked(True)
    assert tops(w) == [
        "⚠ CONFLICT   Bilateral trade · Kazakhstan, South Korea · 2022   (2 figures)"
    ]
    conflict = pane.tree.topLevelItem(0)
    facts = [conflict.child(i).data(0, FACT_ROLE) for i in range(2)]
    assert [(f.source[:3], f.text) for f in facts] == [
        ("000", "$6.1 billion"),
        ("002", "$6.53 billion"),
    ]
    w.close()
