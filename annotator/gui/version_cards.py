"""The dispute panel's cards: one version of a span group each (its label, its words,
its knowledge-base link or figure value, whether it is in the gold, and the curators who
marked it, with their number badge and line pattern); text is drawn as text, never as
markup."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from annotator.core.curation import format_figure
from annotator.core.model import NIL
from annotator.core.review import walk
from annotator.gui.article_view import darker, readable, tint
from annotator.gui.curator_marks import draw_badge, lane_pen
from annotator.gui.labels import LabelScheme
from annotator.gui.plain import tooltip

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
STATE = {
    "pending": ("undecided", "#6B7480"),
    "accepted": ("✓ in the gold", "#1B7F4C"),
    "rejected": ("✗ rejected", "#8A8F98"),
    "gold": ("✓ in the gold", "#1F5FBF"),
}
Index = QModelIndex | QPersistentModelIndex


def detail(row: walk.Row) -> str:
    """A version's knowledge-base link, figure value and links, in words."""
    parts = []
    if row.sig.layer == "figures":
        value = format_figure(row.attrs)
        if value:
            parts.append(value)
    if row.sig.kb_id:
        parts.append("no KB entity (NIL)" if row.sig.kb_id == NIL else f"KB {row.sig.kb_id}")
    if row.sig.links:
        parts.append(links_text(row.sig.links))
    return " · ".join(parts)


def links_text(signature: str) -> str:
    """A figure's links (`disputes.link_signatures`) in words: "metric → kb:trade,
    subject → GPE 10–20"."""
    try:
        links = json.loads(signature)
    except ValueError:
        return "links"
    out = []
    for role, entity, target, value in links:
        if entity:
            what = str(entity)
        elif target:
            _layer, start, end, label = target
            what = f"{label} {start}–{end}"
        else:
            what = str(value or "")
        out.append(f"{role} → {what}" if what else str(role))
    return ", ".join(out)


class RowsModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[walk.Row, ...] = ()
        self.curators: tuple[str, ...] = ()

    def set_rows(self, rows: tuple[walk.Row, ...], curators: tuple[str, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.curators = curators
        self.endResetModel()

    def row_of(self, key: str | None) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.key == key), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.sig.label} {row.text}"
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            who = ", ".join(row.curators) if row.curators else "the reviewer"
            more = detail(row)
            return tooltip(
                f"{row.text}\n\n{row.sig.label} · characters {row.sig.start}–{row.sig.end}"
                + (f"\n{more}" if more else "")
                + f"\nmarked by {who}\n{STATE[row.state][0]}"
            )
        return None


class VersionCard(QStyledItemDelegate):
    """Paints one version as a two-line card; text is drawn as text, never as markup."""

    def __init__(self, scheme: LabelScheme, model: RowsModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.scheme = scheme
        self.model = model

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(200, 2 * (fm.height() + 8) + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, walk.Row):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect).adjusted(2, 3, -2, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QColor("#5B8DEF" if selected else "#DDE1E6"))
        painter.setBrush(QColor("#EEF3FC" if selected else "#FFFFFF"))
        painter.drawRoundedRect(card, 5, 5)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#5B8DEF"))
            painter.drawRoundedRect(QRectF(card.left(), card.top(), 4, card.height()), 2, 2)
        fm = QFontMetrics(option.font)
        line_h = fm.height() + 8
        top = QRectF(card.left() + 10, card.top() + 4, card.width() - 18, line_h)
        bottom = QRectF(top.left(), top.bottom() + 2, top.width(), line_h)
        self._first_line(painter, option.font, fm, top, row)
        self._second_line(painter, option.font, fm, bottom, row)
        painter.restore()

    def _first_line(
        self, p: QPainter, font: QFont, fm: QFontMetrics, rect: QRectF, row: walk.Row
    ) -> None:
        color = self.scheme.color(row.sig.layer, row.sig.label)
        bold = QFont(font)
        bold.setBold(True)
        bfm = QFontMetrics(bold)
        chip_w = bfm.horizontalAdvance(row.sig.label) + 12
        chip = QRectF(rect.left(), rect.top() + 2, chip_w, rect.height() - 4)
        background = tint(color, 0.32)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(background)
        p.drawRoundedRect(chip, 3, 3)
        p.setFont(bold)
        p.setPen(readable(color, background))
        p.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), row.sig.label)
        state, state_color = STATE[row.state]
        if row.state == "gold" and not row.curators:
            state = "✓ yours, in the gold"
        p.setFont(font)
        state_w = fm.horizontalAdvance(state) + 4
        p.setPen(QColor(state_color))
        p.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), state)
        text_rect = QRectF(chip.right() + 8, rect.top(), 0, rect.height())
        text_rect.setRight(rect.right() - state_w - 10)
        words = "“" + row.text.replace("\n", " ") + "”"
        text_font = QFont(font)
        text_font.setStrikeOut(row.state == "rejected")
        p.setFont(text_font)
        p.setPen(QColor("#8A8F98" if row.state == "rejected" else "#1F2328"))
        p.drawText(
            text_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(words, Qt.TextElideMode.ElideMiddle, int(text_rect.width())),
        )

    def _second_line(
        self, p: QPainter, font: QFont, fm: QFontMetrics, rect: QRectF, row: walk.Row
    ) -> None:
        p.setFont(font)
        more = detail(row)
        more_w = min(fm.horizontalAdvance(more) + 6, int(rect.width() * 0.5)) if more else 0
        if more:
            p.setPen(QColor("#5B6675"))
            p.drawText(
                rect,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                fm.elidedText(more, Qt.TextElideMode.ElideRight, more_w),
            )
        x = rect.left()
        limit = rect.right() - more_w - 10
        if not row.curators:
            italic = QFont(font)
            italic.setItalic(True)
            p.setFont(italic)
            p.setPen(QColor("#5B6675"))
            p.drawText(
                QRectF(x, rect.top(), limit - x, rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                "no curator's version: added or edited in review",
            )
            return
        color = darker(self.scheme.color(row.sig.layer, row.sig.label), 0.8)
        curators = self.model.curators
        badge_h = fm.height() - 1
        for name in row.curators:
            i = curators.index(name) if name in curators else 0
            name_w = fm.horizontalAdvance(name)
            if x + badge_h + 28 + name_w > limit:
                p.setPen(QColor("#5B6675"))
                p.drawText(
                    QRectF(x, rect.top(), max(0.0, limit - x), rect.height()),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    "…",
                )
                break
            cy = rect.center().y()
            draw_badge(p, QRectF(x, cy - badge_h / 2, badge_h, badge_h), i + 1)
            x += badge_h + 4
            p.setPen(lane_pen(i, color))
            p.drawLine(QPointF(x, cy + 1), QPointF(x + 18, cy + 1))
            x += 22
            p.setPen(QColor("#1F2328"))
            p.drawText(
                QRectF(x, rect.top(), name_w + 2, rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
            x += name_w + 14


def badge_pixmap(number: int, size: int = 16) -> QPixmap:
    ratio = 2.0
    pix = QPixmap(int(size * ratio), int(size * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    draw_badge(p, QRectF(0, 0, size, size), number)
    p.end()
    return pix
