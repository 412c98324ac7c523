"""What the window's two tables (documents, spans) share: their look, and selecting a
row from the program without echoing it back as a user's selection."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView


def setup_table(view: QTableView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setAlternatingRowColors(False)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)


def select_row(view: QTableView, row: int | None, *, scroll: bool = True) -> None:
    """Make `row` the current, selected row (None: select nothing) without emitting the
    selection model's signals, which stand for the user's own choices."""
    sm = view.selectionModel()
    sm.blockSignals(True)
    try:
        if row is None:
            sm.clearSelection()
        else:
            idx = view.model().index(row, 0)
            sm.setCurrentIndex(
                idx,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            if scroll:
                view.scrollTo(idx)
    finally:
        sm.blockSignals(False)
    view.viewport().update()
