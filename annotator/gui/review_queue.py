"""The left-hand pane in review mode: the review queue (documents at least two curators
finished, those with the most open disagreements first), its filters (a label, a pair of
curators, only documents with something open) and its counts.

The queue is read in the background (`review_queue_model.QueueTask`); the pane shows the
rows when it is done. After an action only the reviewed document's row changes
(`walk.updated_entry`): rows keep their places until the queue is read again (entering
review mode, changing a filter), so the list does not jump while the reviewer works down
it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.review.queue import QueueEntry
from annotator.gui.curator_marks import pair_data, pair_of
from annotator.gui.review_queue_model import QueueFilter, QueueModel, QueueResult, QueueTask
from annotator.gui.tables import select_row, setup_table


class ReviewQueuePane(QWidget):
    """The queue; opening a row asks `openRequested`. Enter in the list goes back to
    the text (`homeRequested`), never to the window's Enter (which settles)."""

    openRequested = Signal(int)
    homeRequested = Signal()
    loaded = Signal()  # the rows were read (again)
    busy = Signal(bool)  # reading the queue in the background

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="side")
        self.db_path = db_path
        self.filter = QueueFilter()
        self._task: QueueTask | None = None
        self._pending = False
        self.current_doc: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 6, 10)
        layout.setSpacing(6)
        self.title = QLabel("REVIEW QUEUE", objectName="paneTitle")
        self.label_filter = QComboBox()
        self.label_filter.setToolTip("Count only disagreements with a version of this label")
        self.pair_filter = QComboBox()
        self.pair_filter.setToolTip(
            "Only documents both curators finished, counting where those two differ"
        )
        self.only_open = QCheckBox("Only documents with open disagreements")
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.label_filter, 1)
        row.addWidget(self.pair_filter, 1)
        self.model = QueueModel()
        self.view = QTableView()
        self.view.setObjectName("reviewQueue")
        self.view.setModel(self.model)
        setup_table(self.view)
        self.view.keyboardSearch = lambda _s: None  # type: ignore[method-assign]
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 54), (2, 50), (3, 82)):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            h.resizeSection(col, width)
        self.counts = QLabel(objectName="hint")
        self.counts.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.only_open)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.counts)
        self._set_choices([], [])
        self.label_filter.currentIndexChanged.connect(self._filters_changed)
        self.pair_filter.currentIndexChanged.connect(self._filters_changed)
        self.only_open.toggled.connect(self._filters_changed)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.installEventFilter(self)
        for w in (self.label_filter, self.pair_filter, self.only_open):
            w.installEventFilter(self)
        for w in (self.label_filter, self.pair_filter, self.only_open, self.view):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # F6, Ctrl+F or a click; not Tab
        self.view.setTabKeyNavigation(False)

    # -- reading -----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the queue again in the background (a read already running is dropped)."""
        if self._task is not None:
            self._task.cancelled.set()
        task = QueueTask(self.db_path, self.filter)
        self._task = task
        self.counts.setText("Reading the review queue…")
        self.busy.emit(True)
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        task.start()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancelled.set()
            self._task = None
            self.busy.emit(False)
            self._show_counts()

    def reading(self) -> bool:
        return self._task is not None

    def _finished(self, result: QueueResult, flt: QueueFilter) -> None:
        if self._task is None or flt != self.filter:
            return  # cancelled, or an older filter's answer
        self._task = None
        self._set_choices(result.labels, result.curators)
        self.model.set_entries(result.entries)
        self.select(self.current_doc)
        self._show_counts()
        self.busy.emit(False)
        self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        self._task = None
        self.busy.emit(False)
        self.counts.setText(f"The review queue could not be read: {exc}")

    def _set_choices(self, labels: list[str], curators: list[str]) -> None:
        pairs = [(f"{a} / {b}", pair_data(a, b)) for a, b in itertools.combinations(curators, 2)]
        for box, items in (
            (self.label_filter, [("All labels", None)] + [(lab, lab) for lab in labels]),
            (self.pair_filter, [("All curators", None), *pairs]),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            for text, data in items:
                box.addItem(text, data)
            i = box.findData(current) if current is not None else 0
            box.setCurrentIndex(max(0, i))
            box.blockSignals(False)

    def pair_index(self, a: str, b: str) -> int:
        """The pair filter's entry for curators `a` and `b` (-1: none)."""
        box = self.pair_filter
        return max(box.findData(pair_data(a, b)), box.findData(pair_data(b, a)))

    def _filters_changed(self) -> None:
        self.filter = QueueFilter(
            self.label_filter.currentData(),
            pair_of(self.pair_filter.currentData()),
            self.only_open.isChecked(),
        )
        self.reload()

    def _show_counts(self) -> None:
        entries = self.model.entries
        if not entries:
            self.counts.setText(
                "No document to review: the queue lists documents at least two curators "
                "marked done (annotator merge brings in other curators' project files)."
                if self.filter == QueueFilter()
                else "No document matches these filters."
            )
            return
        open_ = sum(e.open for e in entries)
        total = sum(e.disputes for e in entries)
        done = sum(e.status == "done" for e in entries)
        n = len(entries)
        self.counts.setText(
            f"{n} document{'s' if n != 1 else ''} · {open_} of {total} disagreements open · "
            f"gold done in {done}"
        )

    # -- rows --------------------------------------------------------------------------

    def update_entry(self, entry: QueueEntry) -> None:
        self.model.update(entry)
        self._show_counts()

    def entry(self, doc_id: int | None) -> QueueEntry | None:
        row = self.model.row_of(doc_id)
        return self.model.entries[row] if row is not None else None

    def select(self, doc_id: int | None) -> None:
        self.current_doc = doc_id
        select_row(self.view, self.model.row_of(doc_id))

    def neighbour(self, doc_id: int | None, step: int) -> int | None:
        row = self.model.row_of(doc_id)
        if row is None:
            return self.model.doc_id(0)
        return self.model.doc_id(max(0, min(self.model.rowCount() - 1, row + step)))

    def next_open(self, doc_id: int | None) -> int | None:
        """The next document (in queue order, wrapping) with open disagreements."""
        entries = self.model.entries
        row = self.model.row_of(doc_id)
        start = -1 if row is None else row
        for k in range(1, len(entries) + 1):
            e = entries[(start + k) % len(entries)]
            if e.open and e.doc_id != doc_id:
                return e.doc_id
        return None

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = self.model.doc_id(current.row()) if current.isValid() else None
        if doc_id is not None and doc_id != self.current_doc:
            self.openRequested.emit(doc_id)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj in (self.label_filter, self.pair_filter, self.only_open)
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.ShortcutOverride
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            and event.key() not in (Qt.Key.Key_Escape, Qt.Key.Key_F6, Qt.Key.Key_Tab)
        ):
            # a filter gets its own keys (Space ticks, Enter and letters choose), never
            # the window's (which would settle a disagreement unseen)
            event.accept()
            return True
        if (
            obj is self.view
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.homeRequested.emit()
                return True
        return False
