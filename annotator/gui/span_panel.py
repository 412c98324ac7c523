"""The side panel: the document's spans in text order (label, text, normalised value,
state), invalid ones included and marked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from annotator.core.curation import DocState, SpanItem, format_figure
from annotator.gui.article_view import darker, tint
from annotator.gui.labels import LabelScheme

COLUMNS = ("Label", "Text", "Value", "State")
STATE_TEXT = {
    "suggested": "suggested",
    "accepted": "accepted",
    "corrected": "corrected",
    "manual": "added",
    "rejected": "rejected",
    "invalid": "invalid",
}
STATE_COLOR = {
    "suggested": "#6B7480",
    "accepted": "#1B7F4C",
    "corrected": "#1F5FBF",
    "manual": "#1F5FBF",
    "rejected": "#9AA0A8",
    "invalid": "#B42318",
}
Index = QModelIndex | QPersistentModelIndex


class SpanListModel(QAbstractTableModel):
    def __init__(self, scheme: LabelScheme) -> None:
        super().__init__()
        self.scheme = scheme
        self.items: tuple[SpanItem, ...] = ()
        self._italic = QFont()
        self._italic.setItalic(True)
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    def set_state(self, state: DocState | None) -> None:
        new = state.items if state is not None else ()
        if len(new) == len(self.items):
            # Same rows (an accept or relabel): repaint instead of resetting, so the view
            # keeps its scroll position and the selection does not flicker.
            self.items = new
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, 3))
            return
        self.beginResetModel()
        self.items = new
        self.endResetModel()

    def row_of(self, item_id: str | None) -> int | None:
        for i, it in enumerate(self.items):
            if it.id == item_id:
                return i
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        it = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return it.label
            if col == 1:
                return it.text.replace("\n", " ") if it.drawable else f"({it.start}–{it.end})"
            if col == 2:
                return format_figure(it.attrs) if it.layer == "figures" else ""
            return STATE_TEXT.get(it.state, it.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            layer = "figure" if it.layer == "figures" else "entity"
            desc = self.scheme.get(it.layer, it.label).description
            tip = f"{it.label} {layer}" + (f" — {desc}" if desc else "")
            tip += f"\n{STATE_TEXT.get(it.state, it.state)} · characters {it.start}–{it.end}"
            if it.problem:
                tip += f"\n{it.problem}: listed, not drawn"
            if it.layer == "figures":
                extra = ", ".join(
                    f"{k}: {v}"
                    for k, v in sorted(it.attrs.items())
                    if v not in (None, "", [], False) and k not in ("value", "unit")
                )
                if extra:
                    tip += f"\n{extra}"
            return tip
        color = self.scheme.color(it.layer, it.label)
        if role == Qt.ItemDataRole.BackgroundRole and col == 0:
            if it.state in ("rejected", "invalid"):
                return None
            return tint(color, 0.14 if it.state == "suggested" else 0.30)
        if role == Qt.ItemDataRole.ForegroundRole:
            if it.state in ("rejected", "invalid") and col != 3:
                return QColor("#9AA0A8")
            if col == 0:
                return darker(color, 0.62)
            if col == 3:
                return QColor(STATE_COLOR.get(it.state, "#6B7480"))
            if col == 2:
                return QColor("#3A4350")
            return None
        if role == Qt.ItemDataRole.FontRole:
            if it.state == "rejected" and col in (0, 1):
                return self._strike
            if it.state == "suggested" and col == 3:
                return self._italic
        return None
