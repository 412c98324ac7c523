"""The knowledge base's candidate index, built off the GUI thread on a large KB.

The link popup and the metric completion ask the candidate index, which is built from
the project on first use and again whenever the KB changes (a link teaches it a new
alias). On the starter KB that takes a blink; on a KB of hundreds of thousands of
aliases it takes seconds, so the window builds it in a worker thread (its own project
connection) when the project opens and after every change, and hands it to the window's
connection (`core.kb.index.adopt_index`). Until it is ready, Ctrl+L says so instead of
freezing the window; the status bar shows the work."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QWidget

from annotator.core.kb.index import adopt_index, alias_count, build_index, index_ready
from annotator.core.store import Store

if TYPE_CHECKING:
    from annotator.gui.session import CurationSession

WARM_ABOVE = 20_000  # aliases; below, the index builds in well under a second


class _Signals(QObject):
    built = Signal(object)  # CandidateIndex
    failed = Signal(object)  # exception


class _BuildTask(QRunnable):
    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.signals = _Signals()

    def run(self) -> None:
        try:
            with Store(self.db_path, create=False) as store:
                index = build_index(store)
        except Exception as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.built.emit(index)


class KBIndex(QObject):
    def __init__(self, db_path: Path, session: CurationSession, parent: QObject) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.session = session
        self._task: _BuildTask | None = None
        self._broken = False  # the worker failed: queries build the index themselves
        self.label = QLabel("Preparing the knowledge base…")
        self.label.setToolTip("The candidate index is built in the background on a large KB")
        self.label.hide()
        session.stateChanged.connect(lambda _s: self.prepare())  # after an action
        session.documentOpened.connect(lambda _s: self.prepare())

    def widgets(self) -> list[QWidget]:
        return [self.label]

    def large(self) -> bool:
        return alias_count(self.session.store) >= WARM_ABOVE

    def prepare(self) -> None:
        """Build the index in the background when the KB is large and it is stale."""
        if self._task is not None or self._broken or index_ready(self.session.store):
            return
        if not self.large():
            return
        task = _BuildTask(self.db_path)
        self._task = task
        self.label.show()
        task.signals.built.connect(self._built)
        task.signals.failed.connect(self._failed)
        task.setAutoDelete(False)
        QThreadPool.globalInstance().start(task)

    def ready(self) -> bool:
        """True when a query answers at once (a small KB always does)."""
        if self._broken or index_ready(self.session.store):
            return True
        return self._task is None and not self.large()

    def _built(self, index: object) -> None:
        self._task = None
        self.label.hide()
        if not adopt_index(self.session.store, index):  # type: ignore[arg-type]
            self.prepare()  # the KB moved while it was built: again

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._broken = True
        self.label.hide()
        self.session.message.emit(f"The knowledge base's index could not be built: {exc}", 8000)
