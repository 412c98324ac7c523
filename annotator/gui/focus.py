"""Where the keyboard goes: the focus model of the window.

The curator's two homes are the text (the article, where the caret follows J/K and
Shift+arrows select words for a new span) and the span list. The window opens in the
text, with the caret on the current span. Tab and Shift+Tab go between the text and the
span list and nowhere else, so they never wander into the document list (whose arrow
keys open documents). F6 and Shift+F6 visit the three panes in turn: text, spans,
documents. Ctrl+F goes to the document search, ↓ from there into the list; Enter or Esc
in the list, and Esc in the search, come back to the home last used. Esc in the text
closes find-in-text or clears a text selection.
After every dialog the focus goes back to the widget that had it (gui/modal.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from annotator.gui.article_pane import ArticlePane
from annotator.gui.doc_list_pane import DocumentListPane
from annotator.gui.span_pane import SpanPane


class FocusModel(QObject):
    def __init__(
        self,
        article_pane: ArticlePane,
        spans: SpanPane,
        doc_list: DocumentListPane,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.article_pane = article_pane
        self.article = article_pane.view
        self.span_view = spans.view
        self.doc_list = doc_list
        self.home: QWidget = self.article
        # Tab never reaches the document pane: its widgets take focus by click, Ctrl+F
        # or F6 only. The tables move focus on Tab instead of walking their cells.
        for w in (doc_list.search_box, doc_list.status_filter, doc_list.view):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        for view in (doc_list.view, spans.view):
            view.setTabKeyNavigation(False)
        self.article.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.span_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        doc_list.view.installEventFilter(self)
        doc_list.search_box.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.modifiers() not in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            return False
        key = event.key()
        if obj is self.doc_list.view and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Enter in the document list: the document is open; back to work on it
            # (and not the window's Enter, which would accept a span unseen).
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.go_home()
                return True
        if (
            obj is self.doc_list.search_box
            and key == Qt.Key.Key_Down
            and event.type() == QEvent.Type.KeyPress
        ):
            self.doc_list.view.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def panes(self) -> list[QWidget]:
        return [self.article, self.span_view, self.doc_list.view]

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is self.article or new is self.span_view:
            self.home = new

    def go_home(self) -> None:
        """Focus where the curator last worked: the text or the span list."""
        self.home.setFocus(Qt.FocusReason.OtherFocusReason)

    def _pane_of(self, w: QWidget | None) -> int:
        while w is not None:
            if w is self.article or w is self.article.viewport():
                return 0
            if w is self.span_view:
                return 1
            if w is self.doc_list:
                return 2
            w = w.parentWidget()
        return 0 if self.home is self.article else 1

    def _cycle(self, step: int) -> None:
        panes = self.panes()
        here = self._pane_of(QApplication.focusWidget())
        panes[(here + step) % len(panes)].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def do_focus_next_pane(self) -> None:
        self._cycle(+1)

    def do_focus_prev_pane(self) -> None:
        self._cycle(-1)

    def tab(self, focused: QWidget | None) -> bool:
        """Tab or Shift+Tab: between the text and the span list. False when the focus
        is elsewhere (a dialog, the search field), where Tab does what it always does."""
        if focused is self.article:
            self.span_view.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if focused is self.span_view:
            self.article.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return False

    def do_escape(self) -> None:
        """Esc: close find-in-text; from the document pane back home; in the text,
        clear the selection."""
        find = self.article_pane.find_bar
        if find.isVisible():
            find.cancel()
            return
        if self._pane_of(QApplication.focusWidget()) == 2:
            self.go_home()
            return
        self.article.clear_selection()
