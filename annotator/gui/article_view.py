"""The article: read-only wrapped text with the spans drawn over it.

Spans are drawn as ExtraSelections, so the document text is never touched. Entities are a
tint of their label's colour; figures are underlined in theirs, with coloured text.
Suggestions are lighter with a dotted/dashed line until accepted; rejected ones are hidden
unless asked for (then struck through); invalid ones are never drawn. Every position goes
through OffsetMap: Qt counts UTF-16 code units, the project counts code points.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QFrame, QTextEdit, QWidget

from annotator.core.curation import DocState, SpanItem
from annotator.core.offsets import OffsetMap
from annotator.gui.labels import LabelScheme

TEXT_COLOR = "#1F2328"


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
        self.viewport().installEventFilter(self)

    # -- content -----------------------------------------------------------------------

    def set_state(self, state: DocState | None, scheme: LabelScheme, current: str | None) -> None:
        """Show a document (a new one, or new spans over the same text)."""
        self.scheme = scheme
        same_text = self.state is not None and state is not None and self.state.text == state.text
        self.state = state
        if not same_text:
            text = state.text if state is not None else ""
            self.offsets = OffsetMap(text)
            self.setPlainText(text)
            self.verticalScrollBar().setValue(0)
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

    def _format(self, item: SpanItem, current: bool) -> QTextCharFormat:
        assert self.scheme is not None
        color = self.scheme.color(item.layer, item.label)
        fmt = QTextCharFormat()
        provisional = item.state == "suggested"
        rejected = item.state == "rejected"
        if item.layer == "ents":
            alpha = 0.10 if provisional else 0.26
            if rejected:
                alpha = 0.06
            if current:
                alpha = 0.45
            fmt.setBackground(tint(color, alpha))
            if provisional or current:
                fmt.setUnderlineStyle(
                    QTextCharFormat.UnderlineStyle.SingleUnderline
                    if current
                    else QTextCharFormat.UnderlineStyle.DotLine
                )
                fmt.setUnderlineColor(QColor(color))
        else:
            fmt.setForeground(darker(color) if not rejected else QColor("#8A8F98"))
            fmt.setUnderlineStyle(
                QTextCharFormat.UnderlineStyle.DashUnderline
                if provisional
                else QTextCharFormat.UnderlineStyle.SingleUnderline
            )
            fmt.setUnderlineColor(QColor(color))
            if current:
                fmt.setBackground(tint(color, 0.30))
        if rejected:
            fmt.setFontStrikeOut(True)
            fmt.setForeground(QColor("#8A8F98"))
        return fmt

    def draw(self, current: str | None) -> None:
        state = self.state
        if state is None or self.scheme is None:
            self.setExtraSelections([])
            return
        selections: list[QTextEdit.ExtraSelection] = []
        cur_sel: QTextEdit.ExtraSelection | None = None
        # Entities first, figures after: a figure's underline and colour then show over
        # the tint of an entity on the same words ("$6.1 billion" is often both).
        ordered = sorted(
            (it for it in state.items if it.drawable),
            key=lambda it: (it.layer != "ents", it.start),
        )
        for item in ordered:
            if item.state == "rejected" and not self.show_rejected and item.id != current:
                continue
            sel = QTextEdit.ExtraSelection()
            sel.cursor = self.cursor_for(item.start, item.end)  # type: ignore[attr-defined]
            sel.format = self._format(item, item.id == current)  # type: ignore[attr-defined]
            if item.id == current:
                cur_sel = sel
            else:
                selections.append(sel)
        if cur_sel is not None:
            selections.append(cur_sel)
        self.setExtraSelections(selections)

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

    def item_at(self, pos: QPoint) -> SpanItem | None:
        if self.state is None:
            return None
        u16 = self.cursorForPosition(pos).position()
        hits = self.state.items_at(self.offsets.to_cp(min(u16, self.offsets.utf16_length)))
        if not self.show_rejected:
            hits = [h for h in hits if h.state != "rejected"] or hits[:0]
        return hits[0] if hits else None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # A click (not a drag that selects text) on a span selects that span.
        if obj is self.viewport() and isinstance(event, QMouseEvent):
            if event.type() == QEvent.Type.MouseButtonPress:
                self._press = event.position().toPoint()
            elif event.type() == QEvent.Type.MouseButtonRelease and self._press is not None:
                moved = (event.position().toPoint() - self._press).manhattanLength()
                self._press = None
                if moved < 4 and not self.textCursor().hasSelection():
                    item = self.item_at(event.position().toPoint())
                    if item is not None:
                        self.spanClicked.emit(item.id)
        return super().eventFilter(obj, event)
