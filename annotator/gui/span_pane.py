"""The right-hand pane: the open document's spans in text order, the current one
selected (none while a text selection is pending); choosing a row makes that span
current. Long texts are shortened in the middle, so both ends stay readable; a figure's
value sits at the right of its text."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.curation import DocState
from annotator.core.kb.describe import link_lines, link_names, link_state
from annotator.gui.labels import LabelScheme
from annotator.gui.session import CurationSession
from annotator.gui.span_panel import VALUE_ROLE, SpanListModel
from annotator.gui.tables import select_row, setup_table

LEGEND = (
    "<table cellspacing='0' cellpadding='1'><tr>"
    "<td><span style='background:#E7E4F0'>&nbsp;suggested&nbsp;</span> dotted &nbsp;</td>"
    "<td><span style='background:#CCC8DF'>&nbsp;accepted&nbsp;</span> &nbsp;</td>"
    "<td><span style='background:#CCC8DF;text-decoration:underline'>&nbsp;corrected, added"
    "&nbsp;</span></td></tr><tr>"
    "<td><span style='color:#6A1B2E;text-decoration:underline'>figure</span></td>"
    "<td>▭ current span</td><td>┅ where a selection snaps</td>"
    "</tr><tr><td colspan='3'>● linked &nbsp;&nbsp; ○ pre-linked &nbsp;&nbsp; ⊘ no entity "
    "(NIL) &nbsp;&nbsp; ? one of several</td>"
    "</tr></table>"
)


class TextAndValueDelegate(QStyledItemDelegate):
    """The text cell: the span's text, shortened in the middle when long, and its value
    (a figure's reading) right-aligned in grey."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(VALUE_ROLE)
        if not value:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = opt.rect.adjusted(4, 0, -6, 0)
        metrics = opt.fontMetrics
        gap = 10
        text_width = metrics.horizontalAdvance(text)
        value_width = metrics.horizontalAdvance(value)
        if text_width + gap + value_width > rect.width():
            # the text first: the value gets what is left, but never under a third
            value_width = max(rect.width() - gap - text_width, rect.width() // 3)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(QColor("#5B6675"))
        painter.drawText(
            rect,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(value, Qt.TextElideMode.ElideRight, value_width),
        )
        fg = index.data(Qt.ItemDataRole.ForegroundRole)
        if not isinstance(fg, QColor):
            selected = bool(opt.state & QStyle.StateFlag.State_Selected)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            fg = opt.palette.color(role)
        painter.setPen(fg)
        text_rect = rect.adjusted(0, 0, -(value_width + gap), 0)
        painter.drawText(
            text_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, text_rect.width()),
        )
        painter.restore()


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
        self.legend.setWordWrap(True)
        self.model = SpanListModel(scheme)
        self.model.link_lines = lambda it: (
            link_lines(session.store, session.state, it) if session.state is not None else []
        )
        self.view = QTableView()
        self.view.setModel(self.model)
        setup_table(self.view)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setItemDelegateForColumn(1, TextAndValueDelegate(self.view))
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(0, 116)  # room for WORK_OF_ART, LANGUAGE
        h.resizeSection(2, 80)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        session.documentOpened.connect(self._show)
        session.stateChanged.connect(self._show)
        session.currentChanged.connect(self._current)
        session.pendingChanged.connect(self._pending)

    def _show(self, state: DocState | None) -> None:
        names = link_names(self.session.store, state.items) if state is not None else {}
        self.model.set_state(state, names)
        if state is None:
            self.title.setText("SPANS")
            return
        # one count per place in the text (two suggestions of one span are one entity)
        places: dict[tuple[int, int], bool] = {}
        for it in state.items:
            kind = link_state(it) if it.state != "rejected" else ""
            if kind:
                done = kind in ("linked", "nil")
                places[(it.start, it.end)] = places.get((it.start, it.end), False) or done
        linked, entities = sum(places.values()), len(places)
        self.title.setText(
            f"SPANS  ({len(state.items)})"
            + (f"   ·   {linked} of {entities} linked" if entities else "")
        )

    def _current(self, item_id: str | None, scroll: bool) -> None:
        if self.session.pending is None:
            select_row(self.view, self.model.row_of(item_id), scroll=scroll)

    def _pending(self, span: tuple[int, int] | None) -> None:
        # While a text selection is pending, no row is highlighted: a label key then
        # acts on the selection, not on a span of the list.
        select_row(self.view, None if span is not None else self.model.row_of(self.session.current))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.model.items):
            self.session.set_current(self.model.items[current.row()].id)
