"""The agreement report in the window (issue 10 item 4): View → Agreement report opens a
modeless dialog; the figures and charts come from core.agreement off the GUI thread,
with progress and Cancel in the status bar; without matplotlib the figures show in a
table with how to install the extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from _review_helpers import three_curators
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.agreement import agreement
from annotator.core.agreement.report import chart_pngs
from annotator.core.importer import import_paths
from annotator.core.store import Store
from annotator.gui.curator_marks import pair_data
from annotator.gui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def project(tmp_path: Path, seeds_dir: Path) -> Path:
    path = tmp_path / "agree.db"
    with Store(path) as s:
        import_paths(s, [seeds_dir])
        three_curators(s)
    return path


def test_chart_pngs_are_the_reports_charts(project: Path) -> None:
    with Store(project) as s:
        a = agreement(s)
    images, pair = chart_pngs(a, ("bob", "carol"))
    assert len(images) == 2 and all(i.startswith(PNG) for i in images)
    assert pair is not None and pair.raters == ("bob", "carol")
    images, pair = chart_pngs(a)
    assert pair is not None and pair.documents == 5


def open_report(qtbot, project: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(project, annotator="rita")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    with qtbot.waitActive(w):
        w.activateWindow()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, CTRL | SHIFT)
    assert w.agreement.dialog is not None and w.agreement.dialog.isVisible()
    return w


def test_the_report_shows_charts_and_every_figure(qtbot, project: Path) -> None:  # type: ignore[no-untyped-def]
    w = open_report(qtbot, project)
    d = w.agreement.dialog
    assert d is not None and not d.isModal()
    assert w.agreement.running() and w.agreement.cancel_button.isVisibleTo(w)
    qtbot.waitUntil(lambda: not w.agreement.running(), timeout=30000)
    assert not w.agreement.cancel_button.isVisibleTo(w)
    assert d.per_label.pixmap is not None and d.per_label.pixmap.width() > 300
    assert d.confusion.pixmap is not None
    assert "alice, bob, carol" in d.summary.text()
    with Store(project) as s:
        a = agreement(s)
    scopes = [*a.pairs, a.group]
    assert d.table.rowCount() == sum(1 + len(x.labels) for x in scopes if x is not None)
    kappa = {
        (d.table.item(r, 0).text(), d.table.item(r, 2).text()): d.table.item(r, 6).text()
        for r in range(d.table.rowCount())
    }
    assert kappa[("alice / bob", "(all labels)")] == f"{a.pairs[0].overall.kappa:.3f}"
    # another pair for the confusion matrix: computed again, the tab says whose
    d.pair.setCurrentIndex(d.pair.findData(pair_data("bob", "carol")))
    qtbot.waitUntil(lambda: not w.agreement.running(), timeout=30000)
    assert d.tabs.tabText(1) == "Label confusion: bob / carol"
    # Esc closes it; the keyboard is back in the window
    with qtbot.waitActive(d):
        d.activateWindow()
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.article)


def test_without_matplotlib_the_figures_show_in_a_table(
    qtbot, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    w = open_report(qtbot, project)
    qtbot.waitUntil(lambda: not w.agreement.running(), timeout=30000)
    d = w.agreement.dialog
    assert d is not None and d.per_label.pixmap is None
    assert "pip install 'annotator[report]'" in d.per_label.label.text()
    assert d.tabs.currentWidget() is d.table and d.table.rowCount() > 4


def test_cancel_in_the_status_bar(qtbot, project: Path) -> None:  # type: ignore[no-untyped-def]
    w = open_report(qtbot, project)
    d = w.agreement.dialog
    assert d is not None
    qtbot.mouseClick(w.agreement.cancel_button, Qt.MouseButton.LeftButton)
    assert not w.agreement.running() and not w.agreement.cancel_button.isVisibleTo(w)
    assert d.summary.text().startswith("Cancelled")
    assert w.statusBar().currentMessage() == "Agreement report cancelled"
    qtbot.wait(1500)  # the worker's late answer is dropped
    assert d.summary.text().startswith("Cancelled") and d.table.rowCount() == 0


def test_too_few_curators_says_why(qtbot, tmp_path: Path, seeds_dir: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "one.db"
    with Store(path) as s:
        import_paths(s, [seeds_dir])
        s.add_annotation(1, "alice", "ents", 0, 6, "GPE", "manual")
        s.set_status(1, "alice", "done")
    w = open_report(qtbot, path)
    qtbot.waitUntil(lambda: not w.agreement.running(), timeout=30000)
    d = w.agreement.dialog
    assert d is not None
    assert d.summary.text() == (
        "No agreement figures: agreement needs two curators with finished documents; found alice"
    )
