"""Marks in the article that say how far each entity span is linked, by shape and not
by colour alone: a filled dot (linked by the curator), a ring (pre-linked by the
knowledge base, a suggestion still), a slashed ring (no entity: NIL) and a question mark
(an alias of several entities, to choose). Unlinked spans carry no mark. A mark sits on
the top right corner of the span's last line, over the tint, where it hides no letter's
stem; only the spans in view are measured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from annotator.core.kb.describe import link_state

if TYPE_CHECKING:
    from annotator.gui.article_view import ArticleView

INK = QColor("#1F2328")
RING = QColor("#3A4350")
LEGEND = {
    "linked": "● linked",
    "prelinked": "○ pre-linked",
    "nil": "⊘ no entity (NIL)",
    "ambiguous": "? choose",
}


def link_marks(view: ArticleView) -> list[tuple[str, QPointF, float]]:
    """The marks to draw: (link state, centre in viewport coordinates, radius), for the
    entity spans in view."""
    state = view.state
    if state is None:
        return []
    visible = QRectF(view.viewport().rect()).adjusted(-8, -8, 8, 8)
    lo, hi = view.visible_codepoints()
    r = max(3.4, view.fontMetrics().height() / 5.0)
    out: list[tuple[str, QPointF, float]] = []
    for item in state.items:
        if item.end < lo or item.start > hi or item.layer != "ents" or not item.drawable:
            continue
        if item.state == "rejected":
            continue
        kind = link_state(item)
        if kind in ("", "unlinked"):
            continue
        rects = view.range_rects(item.start, item.end)
        if not rects or not rects[-1].intersects(visible):
            continue
        last = rects[-1]
        out.append((kind, QPointF(last.right() + r * 0.1, last.top() + r * 0.9), r))
    return out


def paint_link_marks(view: ArticleView, painter: QPainter) -> None:
    marks = link_marks(view)
    if not marks:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for kind, centre, r in marks:
        _mark(painter, kind, centre, r)
    painter.restore()


def _mark(painter: QPainter, kind: str, c: QPointF, r: float) -> None:
    halo = QColor(255, 255, 255, 230)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(halo)
    painter.drawEllipse(c, r + 1.4, r + 1.4)  # keeps the mark readable over any tint
    if kind == "linked":
        painter.setBrush(INK)
        painter.drawEllipse(c, r, r)
    elif kind in ("prelinked", "nil"):
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(RING, 1.5))
        painter.drawEllipse(c, r - 0.6, r - 0.6)
        if kind == "nil":
            painter.setPen(QPen(INK, 1.9))
            d = r * 0.8
            painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
    elif kind == "ambiguous":
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(max(8, round(r * 3.2)))
        painter.setFont(font)
        painter.setPen(INK)
        box = QRectF(c.x() - r * 1.5, c.y() - r * 1.9, r * 3, r * 3.6)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), "?")
