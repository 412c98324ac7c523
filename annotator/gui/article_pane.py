"""The centre of the window: the open document's title, date and source over the article
with its spans drawn, and the find bar under it; the text size and whether rejected
suggestions show.

The caret follows the current span (J/K put it at the span's start), so selecting with
Shift+arrows or finding with / starts from where the curator is. A text selection is a
pending new span: while there is one, the session knows where it will snap (the panes
stop showing a current span and the article frames the snapped words instead)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.core.curation import DocState, selection_span
from annotator.gui.article_view import ArticleView
from annotator.gui.find_bar import FindBar
from annotator.gui.labels import LabelScheme
from annotator.gui.plain import plain_label, show_title
from annotator.gui.session import CurationSession

DEFAULT_FONT_PT = 12.5


class ArticlePane(QWidget):
    message = Signal(str, int)
    # What a pending selection would add ("" once there is none): the status bar shows
    # it for as long as the selection lasts, and clears only its own text.
    selectionHint = Signal(str)

    def __init__(
        self,
        session: CurationSession,
        scheme: LabelScheme,
        font_pt: float = DEFAULT_FONT_PT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, objectName="center")
        self.session = session
        self.scheme = scheme
        self.font_pt = font_pt
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        hv = QVBoxLayout(header)
        hv.setContentsMargins(18, 14, 18, 6)
        hv.setSpacing(2)
        self.title_label = plain_label(QLabel(objectName="docTitle"))
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label = plain_label(QLabel(objectName="docMeta"))
        hv.addWidget(self.title_label)
        hv.addWidget(self.meta_label)
        self.view = ArticleView()
        self.view.set_font_size(self.font_pt)
        self.view.spanClicked.connect(lambda item_id: session.set_current(item_id))
        self.view.setToolTip("")
        self.view.selectionChanged.connect(self._selection_changed)
        self.find_bar = FindBar(session, self.view)
        layout.addWidget(header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        session.documentOpened.connect(self._opened)
        session.stateChanged.connect(self._changed)
        session.currentChanged.connect(self._current)

    def _opened(self, state: DocState | None) -> None:
        self.view.clear_selection()
        if state is None:
            self.title_label.setText("No documents yet")
            self.meta_label.setText(
                "Import articles with Document → Import files… (Ctrl+O) or start with "
                "annotator gui --db FILE PATH…"
            )
            self.view.set_state(None, self.scheme, None)
            return
        doc = state.document
        title = doc.title or f"Document {doc.id}"
        show_title(self.title_label, title)
        self.meta_label.setText("  ·  ".join(m for m in (doc.date, doc.source) if m))
        self.view.set_state(state, self.scheme, None, draw=False)

    def _changed(self, state: DocState) -> None:
        self.view.set_state(state, self.scheme, None, draw=False)

    def _current(self, item_id: str | None, scroll: bool) -> None:
        item = self.session.current_item()
        if item is not None and scroll and item.drawable:
            self.view.scroll_to(item)  # centred when it was out of view
        if item is not None and item.drawable:
            self.view.place_caret(item.start)  # drops a pending selection
        self.view.draw(None if self.session.pending is not None else item_id)

    def _selection_changed(self) -> None:
        state = self.session.state
        sel = self.view.selected_span()
        span = selection_span(state, *sel) if state is not None and sel is not None else None
        was_pending = self.session.pending is not None
        self.session.set_pending(span)
        self.view.set_preview(span)
        if (self.session.pending is not None) != was_pending:
            self.view.draw(None if self.session.pending is not None else self.session.current)
        if span is not None and state is not None:
            words = state.text[span[0] : span[1]].replace("\n", " ")
            words = words if len(words) <= 50 else words[:23] + " … " + words[-23:]
            self.selectionHint.emit(
                f"Adds “{words}”: a label key (1–9, Alt+1–9), or N to choose the label "
                "(Shift+N: exactly the characters selected)"
            )
        elif was_pending:
            self.selectionHint.emit("")

    # -- view actions ------------------------------------------------------------------

    def set_show_rejected(self, shown: bool) -> None:
        self.view.show_rejected = shown
        self.view.draw(self.session.current)

    def set_font_size(self, pt: float) -> None:
        self.font_pt = max(8.0, min(32.0, pt))
        self.view.set_font_size(self.font_pt)
        self.message.emit(f"Text size {self.font_pt:g} pt", 2000)

    def do_bigger(self) -> None:
        self.set_font_size(self.font_pt + 1)

    def do_smaller(self) -> None:
        self.set_font_size(self.font_pt - 1)

    def do_reset_font(self) -> None:
        self.set_font_size(DEFAULT_FONT_PT)
