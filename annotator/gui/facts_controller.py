"""The facts view's controller: the dock at the bottom of the window (F9 shows it and
goes to it; F9 from the view hides it again), the computation off the GUI thread with
its progress and Cancel in the status bar, a refresh a moment after the curator's
work changes while the view is shown, and opening the article at a fact (Enter or a
double-click; the figure becomes the current span)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QProgressBar,
    QToolButton,
    QWidget,
)

from annotator.gui.errors import show_error
from annotator.gui.facts_task import FactsResult, FactsTask
from annotator.gui.facts_view import FactsPane
from annotator.gui.session import CurationSession

if TYPE_CHECKING:
    from annotator.core.kb.facts import Fact
    from annotator.gui.focus import FocusModel

REFRESH_AFTER_MS = 1200  # after the last change, while the view is shown


class FactsController(QObject):
    def __init__(
        self,
        db_path: Path,
        session: CurationSession,
        focus: FocusModel,
        window: QMainWindow,
    ) -> None:
        super().__init__(window)
        self.db_path = db_path
        self.session = session
        self.focus = focus
        self.window = window
        self.pane = FactsPane()
        self.dock = QDockWidget("Facts", window)
        self.dock.setObjectName("factsDock")
        self.dock.setWidget(self.pane)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.TopDockWidgetArea
        )
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self._task: FactsTask | None = None
        self._stale = True
        self._source = "suggested"
        self.task_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(140)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop computing the facts")
        self.cancel_button.clicked.connect(self.cancel)
        for w in self.widgets():
            w.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_AFTER_MS)
        self._timer.timeout.connect(self.refresh)
        self.pane.factActivated.connect(self.open_fact)
        self.pane.sourceChanged.connect(self._source_changed)
        self.dock.visibilityChanged.connect(self._visibility)
        session.stateChanged.connect(self._changed)
        for view in (self.pane.tree, self.pane.series):
            view.installEventFilter(self)

    def widgets(self) -> list[QWidget]:
        return [self.task_label, self.progress, self.cancel_button]

    # -- showing -------------------------------------------------------------------------

    def has_focus(self) -> bool:
        w = QApplication.focusWidget()
        while w is not None:
            if w is self.dock:
                return True
            w = w.parentWidget()
        return False

    def do_toggle_facts(self) -> None:
        if self.dock.isVisible() and self.has_focus():
            self.dock.hide()
            self.focus.go_home()
            return
        first = not self.dock.isVisible() and self.pane.result is None
        self.dock.show()
        self.dock.raise_()
        if first:
            self.window.resizeDocks([self.dock], [330], Qt.Orientation.Vertical)
        self.pane.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _visibility(self, visible: bool) -> None:
        if visible and (self._stale or self.pane.result is None):
            self.refresh()

    def _changed(self, _state: object) -> None:
        self._stale = True
        if self.dock.isVisible():
            self._timer.start()

    def _source_changed(self, source: str) -> None:
        self._source = source
        self.refresh()

    # -- computing -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the facts again in the background (a running computation is
        cancelled first)."""
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()
        self.pane.set_sources(self.session.store.annotators(), self._source)
        task = FactsTask(self.db_path, self.pane.current_source())
        self._task = task
        self._stale = False
        self.task_label.setText("Computing facts…")
        self.progress.setRange(0, 0)  # busy until the first document is done
        for w in self.widgets():
            w.show()
        self.pane.set_busy("Computing…")
        task.signals.progress.connect(lambda n, total, t=task: self._progress(t, n, total))
        task.signals.finished.connect(lambda result, t=task: self._finished(t, result))
        task.signals.failed.connect(lambda exc, t=task: self._failed(t, exc))
        task.signals.cancelled.connect(lambda t=task: self._cancelled(t))
        task.start()

    def busy(self) -> bool:
        return self._task is not None

    def _progress(self, task: FactsTask, done: int, total: int) -> None:
        if task is self._task:
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)
            self.task_label.setText(f"Computing facts: {done:,} of {total:,} documents")

    def _ended(self, task: FactsTask) -> bool:
        """True when `task` is the one shown (not one replaced by a newer run)."""
        if task is not self._task:
            return False
        self._task = None
        for w in self.widgets():
            w.hide()
        self.pane.set_busy("")
        return True

    def _finished(self, task: FactsTask, result: FactsResult) -> None:
        if self._ended(task):
            self.pane.show_result(result)

    def _failed(self, task: FactsTask, exc: BaseException) -> None:
        if self._ended(task):
            show_error(self.window, exc, "Computing the facts")

    def _cancelled(self, task: FactsTask) -> None:
        if self._ended(task):
            self._stale = True
            self.session.message.emit("Facts not computed: cancelled", 5000)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    # -- opening a fact ------------------------------------------------------------------

    def open_fact(self, fact: Fact) -> None:
        """Open the fact's article with its figure as the current span."""
        session = self.session
        if session.doc_id != fact.doc_id and not session.open(fact.doc_id):
            return
        state = session.state
        if state is None:
            return
        item = next(
            (
                it
                for it in state.items
                if it.layer == "figures" and (it.start, it.end) == (fact.start, fact.end)
            ),
            None,
        )
        if item is None:
            session.message.emit(f"“{fact.text}” is not among your spans of this article now", 6000)
            return
        session.set_current(item.id)
        session.message.emit(f"{fact.text}: {fact.sentence[:120]}", 6000)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # Enter opens the fact (not the window's Enter, which accepts a span); Esc goes
        # back to the text, leaving the view open.
        if not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if key not in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if event.type() == QEvent.Type.KeyPress:
            if key == Qt.Key.Key_Escape:
                self.focus.go_home()
            else:
                view = obj if obj in (self.pane.tree, self.pane.series) else self.pane.tree
                it = view.currentItem()  # type: ignore[attr-defined]
                if it is not None:
                    self.pane.activate(it)
            return True
        return False

    def stop(self) -> None:
        """On close: stop a computation and wait a moment for it."""
        self.cancel()
