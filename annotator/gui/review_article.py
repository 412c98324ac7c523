"""The article in review mode: the text with the gold as it stands and every curator's
version over it.

The gold is drawn as curation draws decided spans (entities tinted in their label's
colour, figures in coloured, overlined text). Under each line of text every curator has a
lane of their own, in their order on screen, where their spans of the shown layer (the
current span group's) are underlined with their line pattern in the label's colour
(`curator_marks`): a reviewer sees who marked what, and where, without telling colours
apart. Lanes of disagreements still open are strong, the rest muted; an open
disagreement has its lanes on an amber band. The current span group is framed with
its lanes, the current version's words framed in its label's colour. Positions go through
OffsetMap (Qt counts UTF-16 code units, the project code points), as in `ArticleView`,
whose text, caret, selection and geometry this view shares.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.core.offsets import OffsetMap
from annotator.core.review import walk
from annotator.core.review.disputes import Dispute, DocReview
from annotator.gui.article_view import PREVIEW_COLOR, ArticleView, darker, readable, tint
from annotator.gui.curator_marks import lane_pen, lane_y, lanes_height
from annotator.gui.labels import TINT, LabelScheme

OPEN_COLOR = "#FBE3B4"  # amber: the lanes of a disagreement still open
FRAME_COLOR = "#3A4350"


@dataclass(frozen=True)
class Mark:
    """One curator's span in a lane."""

    layer: str
    start: int
    end: int
    label: str
    curator: int  # index in the review's curators
    open: bool  # in an open disagreement (drawn strong, as the current group's are)
    stop: str


class ReviewArticleView(ArticleView):
    stopClicked = Signal(str)  # stop id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # objectName "article": the window's style, focus border
        self.review: DocReview | None = None
        self.stops: tuple[Dispute, ...] = ()
        self.marks: list[Mark] = []
        self.layer = "ents"
        self.current_stop: Dispute | None = None
        self.current_row: walk.Row | None = None
        self._lanes = 0
        self._text: str | None = None
        # gold spans' selections, kept while the text stays: an action redraws fast
        self._gold_cache: dict[tuple[str, int, int, str], QTextEdit.ExtraSelection] = {}

    # -- content -----------------------------------------------------------------------

    def show_review(
        self, review: DocReview | None, stops: tuple[Dispute, ...], scheme: LabelScheme
    ) -> None:
        self.scheme = scheme
        self.review = review
        self.stops = stops
        text = review.document.text if review is not None else ""
        curators = len(review.curators) if review is not None else 0
        if text != self._text or curators != self._lanes:
            self._set_text(text, curators)
        self.marks = self._marks()
        self._draw_gold()
        self.viewport().update()

    def _set_text(self, text: str, curators: int) -> None:
        self._text = text
        self._lanes = curators
        self.offsets = OffsetMap(text)
        self.setExtraSelections([])
        self._gold_cache.clear()
        self._loading = True
        try:
            self.setPlainText(text)
            # room under every line for the curators' lanes and the open bar
            fmt = QTextBlockFormat()
            fmt.setLineHeight(
                lanes_height(curators) + 2,
                QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value,
            )
            cursor = QTextCursor(self.document())
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.mergeBlockFormat(fmt)
        finally:
            self._loading = False
        self.verticalScrollBar().setValue(0)

    def _marks(self) -> list[Mark]:
        r = self.review
        if r is None:
            return []
        index = {c: i for i, c in enumerate(r.curators)}
        out = []
        for d in self.stops:
            is_open = d.open
            for o in d.options:
                for c in o.curators:
                    s = o.sig
                    out.append(Mark(s.layer, s.start, s.end, s.label, index[c], is_open, d.id))
        return out

    def _draw_gold(self) -> None:
        r = self.review
        if r is None or self.scheme is None:
            self.setExtraSelections([])
            return
        ents, figures = [], []
        for g in r.gold:
            s = g.sig
            if not 0 <= s.start < s.end <= len(self.offsets.text):
                continue
            key = (s.layer, s.start, s.end, s.label)
            sel = self._gold_cache.get(key)
            if sel is None:
                sel = self._gold_cache[key] = self._gold_selection(s.layer, s.start, s.end, s.label)
            (ents if s.layer == "ents" else figures).append(sel)
        self.setExtraSelections(ents + figures)

    def _gold_selection(
        self, layer: str, start: int, end: int, label: str
    ) -> QTextEdit.ExtraSelection:
        assert self.scheme is not None
        color = self.scheme.color(layer, label)
        fmt = QTextCharFormat()
        if layer == "ents":
            fmt.setBackground(tint(color, TINT["decided"]))
        else:
            fmt.setForeground(readable(color, QColor("#FFFFFF"), 0.85))
            fmt.setFontOverline(True)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = self.cursor_for(start, end)  # type: ignore[attr-defined]
        sel.format = fmt  # type: ignore[attr-defined]
        return sel

    def set_current(self, stop: Dispute | None, row: walk.Row | None, *, scroll: bool) -> None:
        changed_stop = (stop.id if stop else None) != (
            self.current_stop.id if self.current_stop else None
        )
        self.current_stop = stop
        self.current_row = row
        if stop is not None:
            self.layer = stop.layer
        if stop is not None:
            if scroll:
                self._scroll_to(stop.start)
            if changed_stop and self.textCursor().hasSelection() is False:
                self.place_caret(stop.start)
        self.viewport().update()

    def _scroll_to(self, cp: int) -> None:
        rect = self.cursorRect(self.cursor_for(cp, cp))
        view = self.viewport().rect()
        if rect.top() >= view.top() + 8 and rect.bottom() <= view.bottom() - 40:
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.center().y() - view.height() // 3)

    def draw(self, current: str | None) -> None:
        """(ArticleView's redraw: everything here is painted on each paint.)"""
        self.viewport().update()

    # -- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the text, and the gold's formats
        if self.review is None or self.scheme is None:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        visible = QRectF(self.viewport().rect()).adjusted(-4, -60, 4, 60)
        lo, hi = self._visible_range()
        lanes = len(self.review.curators)
        band = lanes_height(lanes)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(OPEN_COLOR))
        for d in self.stops:
            if d.open and d.layer == self.layer and d.end >= lo and d.start <= hi:
                for r in self.range_rects(d.start, d.end):
                    if r.intersects(visible):
                        painter.drawRect(QRectF(r.left(), r.bottom() + 0.5, r.width(), band))
        current = self.current_stop.id if self.current_stop is not None else None
        for m in self.marks:
            if m.layer != self.layer or m.end < lo or m.start > hi:
                continue
            color = self.scheme.color(m.layer, m.label)
            c = darker(color, 0.8) if m.open or m.stop == current else tint(color, 0.55)
            painter.setPen(lane_pen(m.curator, c))
            for r in self.range_rects(m.start, m.end):
                if r.intersects(visible):
                    y = lane_y(r.bottom(), m.curator)
                    painter.drawLine(QPointF(r.left() + 1.5, y), QPointF(r.right() - 1.5, y))
        self._paint_frames(painter, visible, lanes)
        painter.end()

    def _paint_frames(self, painter: QPainter, visible: QRectF, lanes: int) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.preview is not None:
            painter.setPen(QPen(QColor(PREVIEW_COLOR), 1.6, Qt.PenStyle.DashLine))
            for r in self.range_rects(*self.preview):
                if r.intersects(visible):
                    painter.drawRoundedRect(r.adjusted(-1.5, 0.5, 1.5, -0.5), 3, 3)
            return
        stop = self.current_stop
        if stop is None:
            return
        painter.setPen(QPen(QColor(FRAME_COLOR), 1.4))
        extra = lanes_height(lanes) + 1
        for r in self.range_rects(stop.start, stop.end):
            if r.intersects(visible):
                painter.drawRoundedRect(r.adjusted(-3, -1, 3, extra), 4, 4)
        row = self.current_row
        if row is not None and self.scheme is not None:
            color = darker(self.scheme.color(row.sig.layer, row.sig.label), 0.7)
            painter.setPen(QPen(color, 1.6))
            for r in self.range_rects(row.sig.start, row.sig.end):
                if r.intersects(visible):
                    painter.drawRoundedRect(r.adjusted(-1.5, 0.5, 1.5, -0.5), 3, 3)

    # -- mouse -------------------------------------------------------------------------

    def stop_at_point(self, pos: QPointF) -> Dispute | None:
        if self.review is None:
            return None
        u16 = self.cursorForPosition(pos.toPoint()).position()
        cp = self.offsets.to_cp(min(u16, self.offsets.utf16_length))
        hits = [d for d in self.stops if d.start <= cp < d.end]
        hits.sort(key=lambda d: (d.layer != self.layer, d.end - d.start))
        return hits[0] if hits else None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # A click (not a drag that selects text) on a span group makes it current.
        if (at := self.clicked_at(obj, event)) is not None:
            stop = self.stop_at_point(at)
            if stop is not None:
                self.stopClicked.emit(stop.id)
        return QTextEdit.eventFilter(self, obj, event)
