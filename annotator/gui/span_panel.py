"""The side panel: the document's spans in text order (label, text, state), invalid ones
included and marked. A figure's normalised value, an entity's linked entity (● linked,
○ pre-linked, ⊘ NIL, ? an alias of several) is shown at the right of its text
(`VALUE_ROLE`); the tooltip has the whole text and the links (a figure's metric, period
and subjects)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from annotator.core.curation import DocState, SpanItem, format_figure
from annotator.core.kb.describe import link_value
from annotator.gui.article_view import readable, tint
from annotator.gui.labels import LabelScheme
from annotator.gui.plain import tooltip

COLUMNS = ("Label", "Text", "State")
TEXT_COLUMN = 1
# The figure's normalised value, or the entity's knowledge-base link: drawn at the right
# of the text cell by the span pane's delegate.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
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
# A figure's attributes that hold its links (the finder's phrases and the stored links'
# mirror), said in the tooltip as resolved links instead.
LINK_ATTRS = (
    "metric",
    "period",
    "period_norm",
    "subjects",
    "metric_key",
    "subject_keys",
    "period_link",
    "links_set",
)


class _Row:
    """What the table shows for one item, computed once per change of the document (the
    view asks for every role of every visible cell on each repaint)."""

    __slots__ = ("background", "display", "fonts", "foregrounds", "item", "value")

    def __init__(
        self,
        it: SpanItem,
        scheme: LabelScheme,
        fonts: dict[str, QFont],
        names: Mapping[str, str],
    ) -> None:
        self.item = it
        self.display = (
            it.label,
            it.text.replace("\n", " ") if it.drawable else f"({it.start}–{it.end})",
            STATE_TEXT.get(it.state, it.state),
        )
        self.value = value_text(it, names)
        self.background, self.foregrounds, self.fonts = _style(
            it.layer, it.label, it.state, scheme, fonts
        )


_STYLES: dict[tuple[str, str, str, int], tuple[Any, Any, Any]] = {}


def _style(
    layer: str, label: str, state: str, scheme: LabelScheme, fonts: dict[str, QFont]
) -> tuple[Any, Any, Any]:
    key = (layer, label, state, id(scheme))
    found = _STYLES.get(key)
    if found is not None:
        return found
    color = scheme.color(layer, label)
    muted = state in ("rejected", "invalid")
    background = None if muted else tint(color, 0.14 if state == "suggested" else 0.30)
    grey = QColor("#9AA0A8")
    foregrounds = (
        grey if muted or background is None else readable(color, background),
        grey if muted else None,
        QColor(STATE_COLOR.get(state, "#6B7480")),
    )
    strike = fonts["strike"] if state == "rejected" else None
    font_row = (strike, strike, fonts["italic"] if state == "suggested" else None)
    _STYLES[key] = (background, foregrounds, font_row)
    return _STYLES[key]


class SpanListModel(QAbstractTableModel):
    def __init__(self, scheme: LabelScheme) -> None:
        super().__init__()
        self.scheme = scheme
        self.items: tuple[SpanItem, ...] = ()
        self._rows: list[_Row] = []
        italic = QFont()
        italic.setItalic(True)
        strike = QFont()
        strike.setStrikeOut(True)
        self._fonts = {"italic": italic, "strike": strike}
        self._ids: dict[str, int] = {}
        # Knowledge-base names of the linked entities (key -> name), and the tooltip's
        # lines about a span's links: given by the pane, which has the project.
        self.names: Mapping[str, str] = {}
        self.link_lines: Callable[[SpanItem], list[str]] | None = None

    def set_state(self, state: DocState | None, names: Mapping[str, str] | None = None) -> None:
        new = state.items if state is not None else ()
        renamed = names is not None and names != self.names
        if names is not None:
            self.names = names
        same_rows = len(new) == len(self.items)
        if not same_rows:
            self.beginResetModel()
        self.items = new
        # after an action most items are as they were: keep their rows
        before = {row.item.id: row for row in self._rows}
        self._rows = [
            row
            if (row := before.get(it.id)) is not None and row.item == it and not renamed
            else _Row(it, self.scheme, self._fonts, self.names)
            for it in new
        ]
        self._ids = {it.id: i for i, it in enumerate(new)}
        if not same_rows:
            self.endResetModel()
        elif new:
            # Same rows (an accept or relabel): repaint instead of resetting, so the view
            # keeps its scroll position and the selection does not flicker.
            self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(COLUMNS) - 1))

    def row_of(self, item_id: str | None) -> int | None:
        return self._ids.get(item_id) if item_id is not None else None

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
        row = index.row()
        if row < 0 or row >= len(self._rows):
            return None
        r = self._rows[row]
        col = index.column()
        if role == _DISPLAY:
            return r.display[col]
        if role == _FOREGROUND:
            return r.foregrounds[col]
        if role == _BACKGROUND:
            return r.background if col == 0 else None
        if role == _FONT:
            return r.fonts[col]
        if role == _TOOLTIP:
            return self._tooltip(r.item)
        if role == VALUE_ROLE:
            return r.value if col == TEXT_COLUMN else None
        return None

    def multiData(self, index: QModelIndex, span: QModelRoleDataSpan) -> None:
        # The delegate asks for all roles of a cell at once: one Python call per cell
        # instead of one per role keeps repainting the panel cheap.
        row = index.row()
        if row < 0 or row >= len(self._rows):
            return
        r = self._rows[row]
        col = index.column()
        for rd in span:
            # Every role is written, None included: the delegate reuses the span.
            role = rd.role()
            if role == _DISPLAY:
                value: Any = r.display[col]
            elif role == _FOREGROUND:
                value = r.foregrounds[col]
            elif role == _BACKGROUND:
                value = r.background if col == 0 else None
            elif role == _FONT:
                value = r.fonts[col]
            elif role == _TOOLTIP:
                value = self._tooltip(r.item)
            elif role == VALUE_ROLE:
                value = r.value if col == TEXT_COLUMN else None
            else:
                value = None
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)

    def _tooltip(self, it: SpanItem) -> str:
        return tooltip(self.tooltip_text(it))

    def tooltip_text(self, it: SpanItem) -> str:
        """What the span's tooltip says, as plain text (the article shows it too)."""
        layer = "figure" if it.layer == "figures" else "entity"
        desc = self.scheme.get(it.layer, it.label).description
        tip = f"{it.text}\n\n" if it.drawable else ""
        tip += f"{it.label} {layer}" + (f" — {desc}" if desc else "")
        if it.layer == "figures" and value_text(it):
            tip += f"\nvalue: {value_text(it)}"
        if self.link_lines is not None:
            for line in self.link_lines(it):
                tip += f"\n{line}"
        tip += f"\n{STATE_TEXT.get(it.state, it.state)} · characters {it.start}–{it.end}"
        if it.problem:
            tip += f"\n{it.problem}: listed, not drawn"
        if it.layer == "figures":
            # the links are said above, resolved: their raw strings and mirrors are not
            hidden = LINK_ATTRS if self.link_lines is not None else ()
            extra = ", ".join(
                f"{k}: {v}"
                for k, v in sorted(it.attrs.items())
                if v not in (None, "", [], False) and k not in ("value", "unit", *hidden)
            )
            if extra:
                tip += f"\n{extra}"
        return tip


def value_text(it: SpanItem, names: Mapping[str, str] | None = None) -> str:
    """What the panel shows beside a span's text: a figure's normalised value; an
    entity's linked entity by its canonical name (`names`: key -> name)."""
    if it.layer == "figures":
        return format_figure(it.attrs)
    return link_value(it, names or {})


_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FONT = Qt.ItemDataRole.FontRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
