"""Find in the article: a one-line bar under the text. "/" opens it; typing selects the
first match after the caret. Enter on a match where a span starts makes that span
current (so A, X, a label key or [ ] act on it); Enter anywhere else keeps the match
selected, so a label key (or N) turns it into a span, snapped to whole words. The bar
says which of the two Enter will do. ↓ and ↑ (F3 and Shift+F3 once the bar is closed)
go to the next and previous match; Esc goes back to where the caret was. The matching
rules live in `annotator.core.textfind`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from annotator.core.curation import SpanItem
from annotator.core.textfind import find_matches, match_from
from annotator.gui.article_view import ArticleView
from annotator.gui.plain import plain_label
from annotator.gui.session import CurationSession

# Keys the find field keeps for itself although the window has shortcuts on them.
_FIELD_KEYS = (
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
    Qt.Key.Key_Backspace,
    Qt.Key.Key_Delete,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
)


class FindField(QLineEdit):
    moved = Signal(int)  # +1 next match, -1 previous

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in _FIELD_KEYS
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.moved.emit(+1)
        elif event.key() == Qt.Key.Key_Up:
            self.moved.emit(-1)
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    def __init__(
        self, session: CurationSession, view: ArticleView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, objectName="findBar")
        self.session = session
        self.view = view
        self.field = FindField()
        self.field.setPlaceholderText("Find in text: type the start of a word")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(180)
        self.field.setMaximumWidth(240)
        self.count = QLabel(objectName="hint")
        self.count.setMinimumWidth(64)
        self.hint = plain_label(QLabel(objectName="hint"))  # it quotes a span's label and text
        self.hint.setMinimumWidth(200)
        hint = self.hint
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 6, 18, 6)
        layout.setSpacing(10)
        layout.addWidget(QLabel("Find", objectName="paneTitle"))
        layout.addWidget(self.field)
        layout.addWidget(self.count)
        layout.addWidget(hint, 1)
        self.field.textChanged.connect(self._search)
        self.field.returnPressed.connect(self.finish)
        self.field.moved.connect(self._step)
        self.query = ""  # the last query, for F3 once the bar is closed
        self._matches: list[tuple[int, int]] = []
        self._index = -1
        self._origin = 0
        self._before: QTextCursor | None = None
        session.documentOpened.connect(lambda _state: self.close_bar())
        self.hide()

    # -- the bar -------------------------------------------------------------------------

    def _text(self) -> str:
        state = self.session.state
        return state.text if state is not None else ""

    def do_find_in_text(self) -> None:
        if self.session.state is None:
            return
        self._before = self.view.textCursor()
        self._origin = self.view.caret()
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        if self.field.text():
            self._search(self.field.text())

    def _search(self, query: str) -> None:
        if not self.isVisible():
            return
        self._matches = find_matches(self._text(), query) if query.strip() else []
        if not self._matches:
            self._index = -1
            self._mark(found=not query.strip())
            self.count.setText("no match" if query.strip() else "")
            self.hint.setText("Esc: back")
            if self._before is not None:
                self.view.setTextCursor(self._before)
            return
        self._index = match_from(self._matches, self._origin)
        self._show_match()

    def _step(self, step: int) -> None:
        if not self._matches:
            return
        self._index = (self._index + step) % len(self._matches)
        self._show_match()

    def _show_match(self) -> None:
        start, end = self._matches[self._index]
        self.view.select_range(start, end)
        self.count.setText(f"{self._index + 1} of {len(self._matches)}")
        self._mark(found=True)
        span = self.span_at_match()
        if span is not None:
            self.hint.setText(f"Enter: go to {span.label} “{_short(span.text, 18)}” · ↓↑ · Esc")
        else:
            self.hint.setText("Enter: select the words · ↓↑ · Esc")

    def span_at_match(self) -> SpanItem | None:
        """The span Enter goes to: one that starts where the match starts (an entity
        before a figure, the shorter first); None when no span starts there."""
        state = self.session.state
        if state is None or self._index < 0 or not self._matches:
            return None
        start = self._matches[self._index][0]
        here = [
            it
            for it in state.items
            if it.start == start
            and it.drawable
            and (it.state != "rejected" or self.view.show_rejected)
        ]
        if not here:
            return None
        return min(here, key=lambda it: (it.layer != "ents", it.end - it.start))

    def _mark(self, *, found: bool) -> None:
        self.field.setProperty("invalid", not found)
        self.field.style().polish(self.field)

    def finish(self) -> None:
        """Enter: go to the span at the match, or keep the match selected; back to the
        text either way."""
        self.query = self.field.text()
        span = self.span_at_match()
        self.close_bar()
        if span is not None:
            self.session.set_current(span.id)  # the caret goes there, the selection goes
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel(self) -> None:
        """Esc: the caret and selection as they were before the search."""
        if self._before is not None:
            self.view.setTextCursor(self._before)
        self.close_bar()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_bar(self) -> None:
        self._before = None
        self.hide()

    # -- F3 / Shift+F3 ------------------------------------------------------------------

    def _again(self, backward: bool) -> None:
        if self.isVisible():
            self._step(-1 if backward else +1)
            return
        query = self.query or self.field.text()
        matches = find_matches(self._text(), query) if query.strip() else []
        if not matches:
            self.session.message.emit("Nothing to find again: press / and type", 4000)
            return
        sel = self.view.selected_span()
        origin = sel[0] if sel is not None else self.view.caret()
        self._matches = matches
        self._index = match_from(matches, origin, backward=backward)
        span = self.span_at_match()
        if span is not None:
            self.session.set_current(span.id)
        else:
            self.view.select_range(*matches[self._index])
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def do_find_next(self) -> None:
        self._again(False)

    def do_find_prev(self) -> None:
        self._again(True)


def _short(text: str, n: int = 24) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"
