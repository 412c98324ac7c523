"""The article: read-only wrapped text with the spans drawn over it.

Spans are drawn as ExtraSelections, so the document text is never touched. Entities are a
tint of their label's colour; figures are underlined in theirs, with coloured text.
Suggestions are lighter with a dotted/dashed line until accepted; a span the curator
corrected or added has a solid line under it, one accepted as suggested none; rejected
ones are hidden unless asked for (then struck through); invalid ones are never drawn.
The current span has a frame around it. While text is selected the current span is not
framed (a label key then adds the selection as a span): a dashed frame shows the words
the selection will snap to instead. An entity span carries a small mark of how far it is
linked (link_marks.py: dot, ring, slashed ring, question mark). Every position goes
through OffsetMap: Qt counts UTF-16 code units, the project counts code points.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QFrame, QTextEdit, QToolTip, QWidget

from annotator.core.curation import DocState, SpanItem
from annotator.core.offsets import OffsetMap
from annotator.gui.labels import TINT, LabelScheme
from annotator.gui.link_marks import paint_link_marks
from annotator.gui.plain import tooltip

TEXT_COLOR = "#1F2328"
PREVIEW_COLOR = "#3A4350"
EDITED_STATES = ("corrected", "manual")


def tint(color: str, alpha: float) -> QColor:
    """`color` blended over white: tints stay opaque so overlapping spans stay readable."""
    c = QColor(color)
    return QColor(
        round(255 - (255 - c.red()) * alpha),
        round(255 - (255 - c.green()) * alpha),
        round(255 - (255 - c.blue()) * alpha),
    )


def darker(color: str, factor: float = 0.72) -> QColor:
    c = QColor(color)
    return QColor(round(c.red() * factor), round(c.green() * factor), round(c.blue() * factor))


def _luminance(c: QColor) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def readable(color: str, background: QColor, factor: float = 0.62) -> QColor:
    """The label's colour darkened by `factor`, and further until text in it reads on
    `background` (contrast 4.5, WCAG AA): light colours such as sand stay legible."""
    out = darker(color, factor)
    while contrast(out, background) < 4.5 and factor > 0.05:
        factor *= 0.85
        out = darker(color, factor)
    return out


class ArticleView(QTextEdit):
    spanClicked = Signal(str)  # item id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().setDocumentMargin(18)
        self.setObjectName("article")
        self.state: DocState | None = None
        self.offsets = OffsetMap("")
        self.scheme: LabelScheme | None = None
        self.show_rejected = False
        self._press: QPoint | None = None
        self._current: str | None = None
        self._loading = False
        self._drawn_range = (0, 0)
        self._formats: dict[tuple[str, str, str, bool], QTextCharFormat] = {}
        self._formats_scheme: LabelScheme | None = None
        self._selections: dict[tuple[int, int, str, str, str, bool], QTextEdit.ExtraSelection] = {}
        # What the frames show: the current span, or where a selection will snap.
        self._frame: tuple[int, int, QColor] | None = None
        self.preview: tuple[int, int] | None = None
        # What a span's tooltip says (the span list's text, links included); set by the
        # window that composes the two.
        self.tooltip_for: Callable[[SpanItem], str] | None = None
        self.viewport().installEventFilter(self)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    # -- content -----------------------------------------------------------------------

    def set_state(
        self,
        state: DocState | None,
        scheme: LabelScheme,
        current: str | None,
        *,
        draw: bool = True,
    ) -> None:
        """Show a document (a new one, or new spans over the same text)."""
        self.scheme = scheme
        same_text = self.state is not None and state is not None and self.state.text == state.text
        self.state = state
        if not same_text:
            text = state.text if state is not None else ""
            self.offsets = OffsetMap(text)
            # Drop every cursor into the old text first: Qt would otherwise update each
            # of them while it replaces the text.
            self.setExtraSelections([])
            self._selections.clear()
            self._loading = True
            try:
                self.setPlainText(text)
            finally:
                self._loading = False
            self.verticalScrollBar().setValue(0)
        if draw:
            self.draw(current)

    def set_font_size(self, points: float) -> None:
        f = QFont(self.font())
        f.setPointSizeF(points)
        self.setFont(f)
        self.document().setDefaultFont(f)

    def cursor_for(self, start: int, end: int) -> QTextCursor:
        """A cursor selecting code points [start, end)."""
        c = QTextCursor(self.document())
        c.setPosition(self.offsets.to_utf16(start))
        c.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        return c

    def _format(self, layer: str, label: str, state: str, current: bool) -> QTextCharFormat:
        key = (layer, label, state, current)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._make_format(layer, label, state, current)
        return fmt

    def _make_format(self, layer: str, label: str, state: str, current: bool) -> QTextCharFormat:
        assert self.scheme is not None
        color = self.scheme.color(layer, label)
        fmt = QTextCharFormat()
        provisional = state == "suggested"
        rejected = state == "rejected"
        edited = state in EDITED_STATES
        if layer == "ents":
            alpha = TINT["suggested"] if provisional else TINT["decided"]
            if rejected:
                alpha = TINT["rejected"]
            if current:
                alpha = TINT["current"]
            fmt.setBackground(tint(color, alpha))
            if provisional or edited:
                fmt.setUnderlineStyle(
                    QTextCharFormat.UnderlineStyle.DotLine
                    if provisional
                    else QTextCharFormat.UnderlineStyle.SingleUnderline
                )
                fmt.setUnderlineColor(darker(color, 0.8))
        else:
            # Figures: text in the label's colour, underlined; decided ones also overlined,
            # which reads as a frame and never as a link; edited ones underlined in a wave.
            fmt.setForeground(
                readable(color, QColor("#FFFFFF"), 0.85) if not rejected else QColor("#8A8F98")
            )
            style = QTextCharFormat.UnderlineStyle.SingleUnderline
            if provisional:
                style = QTextCharFormat.UnderlineStyle.DashUnderline
            elif edited:
                style = QTextCharFormat.UnderlineStyle.WaveUnderline
            fmt.setUnderlineStyle(style)
            fmt.setUnderlineColor(QColor(color))
            fmt.setFontOverline(not provisional and not rejected)
            if current:
                fmt.setBackground(tint(color, 0.22))
        if rejected:
            fmt.setFontStrikeOut(True)
            fmt.setForeground(QColor("#8A8F98"))
        return fmt

    def _selection(self, item: SpanItem, current: bool) -> QTextEdit.ExtraSelection:
        # Selections are kept per document: redrawing after an action rebuilds only the
        # spans that changed, which keeps an accept on an 800-span article fast.
        key = (item.start, item.end, item.layer, item.label, item.state, current)
        sel = self._selections.get(key)
        if sel is None:
            sel = QTextEdit.ExtraSelection()
            sel.cursor = self.cursor_for(item.start, item.end)  # type: ignore[attr-defined]
            sel.format = self._format(item.layer, item.label, item.state, current)  # type: ignore[attr-defined]
            self._selections[key] = sel
        return sel

    def _visible_range(self) -> tuple[int, int]:
        """Code points shown in the viewport, widened by about a screen either way."""
        vp = self.viewport().rect()
        top = self.cursorForPosition(vp.topLeft()).position()
        bottom = self.cursorForPosition(vp.bottomRight()).position()
        margin = max(2000, bottom - top)
        length = self.offsets.utf16_length
        return (
            self.offsets.to_cp(min(length, max(0, top - margin))),
            self.offsets.to_cp(min(length, bottom + margin)),
        )

    def redraw(self) -> None:
        self.draw(self._current)

    def draw(self, current: str | None) -> None:
        """Draw the spans in and near the viewport (scrolling draws the others): an
        article with thousands of spans costs what a screenful does."""
        self._current = current
        state = self.state
        if state is None or self.scheme is None:
            self.setExtraSelections([])
            return
        if self.scheme is not self._formats_scheme:
            self._formats.clear()
            self._selections.clear()
            self._formats_scheme = self.scheme
        show_rejected = self.show_rejected
        lo, hi = self._visible_range()
        self._drawn_range = (lo, hi)
        # Entities first, figures after: a figure's underline and colour then show over
        # the tint of an entity on the same words ("$6.1 billion" is often both). The
        # current span last, over everything.
        ents: list[QTextEdit.ExtraSelection] = []
        figures: list[QTextEdit.ExtraSelection] = []
        last: list[QTextEdit.ExtraSelection] = []
        for item in state.items:
            if item.end < lo or item.start > hi or not item.drawable:
                if item.id == current and item.drawable:
                    last.append(self._selection(item, True))
                continue
            is_current = item.id == current
            if item.state == "rejected" and not show_rejected and not is_current:
                continue
            sel = self._selection(item, is_current)
            if is_current:
                last.append(sel)
            elif item.layer == "ents":
                ents.append(sel)
            else:
                figures.append(sel)
        self.setExtraSelections(ents + figures + last)
        cur = state.item(current) if current is not None else None
        self._frame = (
            (cur.start, cur.end, darker(self.scheme.color(cur.layer, cur.label), 0.7))
            if cur is not None and cur.drawable
            else None
        )
        self.viewport().update()

    def _scrolled(self) -> None:
        if self._loading or self.state is None:
            return
        lo, hi = self._drawn_range
        vlo, vhi = self._visible_range()
        # Redraw only once the viewport nears the edge of what is drawn.
        if self.state is not None and (vlo < lo or vhi > hi or hi - lo > 3 * (vhi - vlo)):
            margin = (vhi - vlo) // 3
            if vlo - margin < lo or vhi + margin > hi:
                self.redraw()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.state is not None and not self._loading:
            self.redraw()

    def scroll_to(self, item: SpanItem) -> None:
        """Scroll so that `item` is in view, centred when it was out of view."""
        c = self.cursor_for(item.start, item.start)
        rect = self.cursorRect(c)
        view = self.viewport().rect()
        if rect.top() >= view.top() + 8 and rect.bottom() <= view.bottom() - 8:
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.center().y() - view.height() // 2)

    # -- selection ---------------------------------------------------------------------

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as code points, or None when nothing is selected."""
        c = self.textCursor()
        if not c.hasSelection():
            return None
        return self.offsets.to_cp(c.selectionStart()), self.offsets.to_cp(c.selectionEnd())

    def clear_selection(self) -> None:
        c = self.textCursor()
        c.clearSelection()
        self.setTextCursor(c)

    def caret(self) -> int:
        """The caret's position as a code point."""
        return self.offsets.to_cp(min(self.textCursor().position(), self.offsets.utf16_length))

    def place_caret(self, cp: int) -> None:
        """Put the caret at code point `cp`, with nothing selected."""
        c = QTextCursor(self.document())
        c.setPosition(self.offsets.to_utf16(max(0, min(cp, len(self.offsets.text)))))
        self.setTextCursor(c)

    def select_range(self, start: int, end: int) -> None:
        """Select code points [start, end), the caret at the end, and show them."""
        self.setTextCursor(self.cursor_for(start, end))
        self.ensureCursorVisible()

    def set_preview(self, span: tuple[int, int] | None) -> None:
        """Where the pending selection will snap (None: no selection)."""
        if span != self.preview:
            self.preview = span
            self.viewport().update()

    # -- frames ------------------------------------------------------------------------

    def range_rects(self, start: int, end: int) -> list[QRectF]:
        """The rectangles, one per visual line, that code points [start, end) cover, in
        viewport coordinates."""
        a16, b16 = self.offsets.to_utf16(start), self.offsets.to_utf16(end)
        doc = self.document()
        layout = doc.documentLayout()
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        rects: list[QRectF] = []
        block = doc.findBlock(a16)
        while block.isValid() and block.position() < b16:
            text_layout = block.layout()
            top_left = layout.blockBoundingRect(block).topLeft()
            bpos = block.position()
            for i in range(text_layout.lineCount()):
                line = text_layout.lineAt(i)
                ls = bpos + line.textStart()
                s, e = max(a16, ls), min(b16, ls + line.textLength())
                if s >= e:
                    continue
                x1 = line.cursorToX(s - bpos)[0]
                x2 = line.cursorToX(e - bpos)[0]
                rects.append(
                    QRectF(
                        top_left.x() + min(x1, x2) + dx,
                        top_left.y() + line.y() + dy,
                        abs(x2 - x1),
                        line.height(),
                    )
                )
            block = block.next()
        return rects

    def visible_codepoints(self) -> tuple[int, int]:
        """The code points shown in the viewport."""
        vp = self.viewport().rect()
        top = self.cursorForPosition(vp.topLeft()).position()
        bottom = self.cursorForPosition(vp.bottomRight()).position()
        return self.offsets.to_cp(top), self.offsets.to_cp(min(bottom, self.offsets.utf16_length))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.state is not None:
            marks = QPainter(self.viewport())
            paint_link_marks(self, marks)  # how far each entity is linked, by shape
            marks.end()
        if self.preview is not None:
            frame: tuple[int, int, QColor] | None = (*self.preview, QColor(PREVIEW_COLOR))
            style = Qt.PenStyle.DashLine
        else:
            frame = self._frame
            style = Qt.PenStyle.SolidLine
        if frame is None or self.state is None:
            return
        start, end, color = frame
        if not 0 <= start < end <= len(self.offsets.text):
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color, 1.6, style)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        visible = QRectF(self.viewport().rect()).adjusted(-4, -40, 4, 40)
        for r in self.range_rects(start, end):
            if r.intersects(visible):
                painter.drawRoundedRect(r.adjusted(-1.5, 0.5, 1.5, -0.5), 3, 3)
        painter.end()

    def item_at(self, pos: QPoint) -> SpanItem | None:
        if self.state is None:
            return None
        u16 = self.cursorForPosition(pos).position()
        hits = self.state.items_at(self.offsets.to_cp(min(u16, self.offsets.utf16_length)))
        if not self.show_rejected:
            hits = [h for h in hits if h.state != "rejected"] or hits[:0]
        return hits[0] if hits else None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self.viewport()
            and isinstance(event, QHelpEvent)
            and self.tooltip_for is not None
            and event.type() == QEvent.Type.ToolTip
        ):
            item = self.item_at(event.pos())
            if item is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), tooltip(self.tooltip_for(item)), self)
            return True
        # A click (not a drag that selects text) on a span selects that span.
        if (at := self.clicked_at(obj, event)) is not None:
            item = self.item_at(at.toPoint())
            if item is not None:
                self.spanClicked.emit(item.id)
        return super().eventFilter(obj, event)

    def clicked_at(self, obj: QObject, event: QEvent) -> QPointF | None:
        """Where a click on the text ended, or None: not a release of the viewport, or a
        drag that moved or selected text."""
        if obj is not self.viewport() or not isinstance(event, QMouseEvent):
            return None
        if event.type() == QEvent.Type.MouseButtonPress:
            self._press = event.position().toPoint()
        elif event.type() == QEvent.Type.MouseButtonRelease and self._press is not None:
            moved = (event.position().toPoint() - self._press).manhattanLength()
            self._press = None
            if moved < 4 and not self.textCursor().hasSelection():
                return event.position()
        return None
