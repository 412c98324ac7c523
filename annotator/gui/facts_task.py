"""Computing the facts of the project off the GUI thread: a thread-pool task with its
own project connection (`collect_facts` reads every document), reporting progress per
document; Cancel stops it between two documents."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotator.core.store import Store

if TYPE_CHECKING:
    from annotator.core.kb.facts import Fact, Group, Series


@dataclass
class FactsResult:
    source: str
    facts: list[Fact] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)  # doc id -> title


class Cancelled(Exception):
    pass


class FactsSignals(QObject):
    progress = Signal(int, int)  # documents done, total
    finished = Signal(object)  # FactsResult
    failed = Signal(object)  # exception
    cancelled = Signal()


class FactsTask(QRunnable):
    def __init__(self, db_path: Path, source: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.source = source
        self.signals = FactsSignals()
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def _progress(self, done: int, total: int) -> None:
        if self._stop.is_set():
            raise Cancelled
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        from annotator.core.kb.facts import collect_facts, find_series, group_facts

        try:
            with Store(self.db_path, create=False) as store:
                facts = collect_facts(store, self.source, on_progress=self._progress)
                titles = dict(store.conn.execute("SELECT id, title FROM documents").fetchall())
            groups = group_facts(facts)
            series = find_series(facts)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(FactsResult(self.source, facts, groups, series, titles))

    def start(self) -> None:
        self.setAutoDelete(False)
        QThreadPool.globalInstance().start(self)
