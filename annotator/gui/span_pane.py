"""The right-hand pane: the open document's spans in text order, the current one
selected; choosing a row makes that span current."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from annotator.core.curation import DocState
from annotator.gui.labels import LabelScheme
from annotator.gui.session import CurationSession
from annotator.gui.span_panel import SpanListModel
from annotator.gui.tables import select_row, setup_table

LEGEND = (
    "<span style='background:#E4ECFA'>&nbsp;entity&nbsp;</span> &nbsp; "
    "<span style='text-decoration:underline;color:#7A2A20'>figure</span> &nbsp; "
    "lighter, dotted: suggested"
)


class SpanPane(QWidget):
    def __init__(
        self, session: CurationSession, scheme: LabelScheme, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, objectName="side")
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 10, 10, 10)
        layout.setSpacing(6)
        self.title = QLabel("SPANS", objectName="paneTitle")
        self.legend = QLabel(LEGEND, objectName="hint")
        self.model = SpanListModel(scheme)
        self.view = QTableView()
        self.view.setModel(self.model)
        setup_table(self.view)
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(0, 116)  # room for WORK_OF_ART, LANGUAGE
        h.resizeSection(2, 104)
        h.resizeSection(3, 74)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        session.documentOpened.connect(self._show)
        session.stateChanged.connect(self._show)
        session.currentChanged.connect(self._current)

    def _show(self, state: DocState | None) -> None:
        self.model.set_state(state)
        self.title.setText("SPANS" if state is None else f"SPANS  ({len(state.items)})")

    def _current(self, item_id: str | None, scroll: bool) -> None:
        select_row(self.view, self.model.row_of(item_id), scroll=scroll)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.model.items):
            self.session.set_current(self.model.items[current.row()].id)
