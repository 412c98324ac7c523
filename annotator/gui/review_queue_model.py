"""The review queue's data for the window: read in a thread-pool worker with its own
project connection (`QueueTask`: over a large project it is a corpus-wide computation),
and shown by `QueueModel` (title, open of all disagreements, agreement, the gold's
status)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor

from annotator.core.model import GOLD
from annotator.core.review import review_queue
from annotator.core.review.queue import QueueEntry
from annotator.core.store import Store
from annotator.gui.plain import tooltip

COLUMNS = ("Title", "Open", "Agree", "Gold")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class QueueFilter:
    label: str | None = None
    pair: tuple[str, str] | None = None
    only_open: bool = False


@dataclass(frozen=True)
class QueueResult:
    entries: list[QueueEntry]
    labels: list[str]  # every label the curators used
    curators: list[str]  # every curator with a finished document


class QueueSignals(QObject):
    finished = Signal(object, object)  # QueueResult, QueueFilter
    failed = Signal(object)


class QueueTask(QRunnable):
    """`review_queue` with its own connection, off the GUI thread."""

    def __init__(self, db_path: Path, flt: QueueFilter) -> None:
        super().__init__()
        self.db_path = db_path
        self.filter = flt
        self.signals = QueueSignals()
        self.cancelled = threading.Event()

    def run(self) -> None:
        try:
            with Store(self.db_path, create=False) as store:
                entries = review_queue(
                    store,
                    label=self.filter.label,
                    pair=self.filter.pair,
                    only_open=self.filter.only_open,
                )
                labels = [
                    r[0]
                    for r in store.conn.execute(
                        "SELECT DISTINCT label FROM annotations WHERE annotator != ? "
                        "ORDER BY label",
                        (GOLD,),
                    )
                ]
                curators = [
                    r[0]
                    for r in store.conn.execute(
                        "SELECT DISTINCT annotator FROM status WHERE status = 'done' AND "
                        "annotator != ? ORDER BY annotator",
                        (GOLD,),
                    )
                ]
        except Exception as exc:
            if not self.cancelled.is_set():
                self.signals.failed.emit(exc)
            return
        if not self.cancelled.is_set():
            self.signals.finished.emit(QueueResult(entries, labels, curators), self.filter)

    def start(self) -> None:
        self.setAutoDelete(False)
        QThreadPool.globalInstance().start(self)


class QueueModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.entries: list[QueueEntry] = []

    def set_entries(self, entries: list[QueueEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def update(self, entry: QueueEntry) -> None:
        row = self.row_of(entry.doc_id)
        if row is not None and self.entries[row] != entry:
            self.entries[row] = entry
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def row_of(self, doc_id: int | None) -> int | None:
        return next((i for i, e in enumerate(self.entries) if e.doc_id == doc_id), None)

    def doc_id(self, row: int) -> int | None:
        return self.entries[row].doc_id if 0 <= row < len(self.entries) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    "",
                    "Disagreements not settled yet, of all the curators disagree on",
                    "Share of span groups every curator marked alike",
                    "The gold's status: done is what export --gold exports",
                )[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            title = e.title or f"Document {e.doc_id}"
            return (
                title,
                f"{e.open}/{e.disputes}",
                f"{e.agreement:.0%}",
                e.status.replace("_", " "),
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return tooltip(
                f"{e.title or f'Document {e.doc_id}'}\n\nfinished by {', '.join(e.curators)}"
            )
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 1 and e.open:
                return QColor("#B45309")
            if col == 3 and e.status == "done":
                return QColor("#1B7F4C")
            if not e.open and col == 0:
                return QColor("#5B6675")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
