"""Showing the open document: the article, its span table, its row in the list and the
status bar, kept in step after every open, write and selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QLabel, QMainWindow, QTableView

from annotator.core import curation
from annotator.core.curation import DocState, SpanItem
from annotator.core.store import Store
from annotator.gui.article_view import ArticleView
from annotator.gui.doc_list import DocumentListModel
from annotator.gui.labels import LabelScheme
from annotator.gui.span_panel import SpanListModel

# The mixins below are only ever mixed into MainWindow (a QMainWindow); type checkers
# see that base, at run time the mixins stay plain classes in front of it.
WindowBase = QMainWindow if TYPE_CHECKING else object


class DocumentDisplayMixin(WindowBase):
    """MainWindow's part that shows a document; the window builds the widgets named here."""

    store: Store
    annotator: str
    scheme: LabelScheme
    state: DocState | None
    current: str | None
    article: ArticleView
    span_model: SpanListModel
    span_view: QTableView
    doc_model: DocumentListModel
    doc_view: QTableView
    title_label: QLabel
    meta_label: QLabel
    position_label: QLabel
    counts_label: QLabel
    spans_title: QLabel

    def _show_empty(self) -> None:
        self.state = None
        self.title_label.setText("No documents yet")
        self.meta_label.setText(
            "Import articles with Document → Import files… (Ctrl+O) or start with "
            "annotator gui --db FILE PATH…"
        )
        self.article.set_state(None, self.scheme, None)
        self.span_model.set_state(None)
        self._update_status()

    def open_document(self, doc_id: int, focus: str | None = None) -> None:
        """Show a document; `focus` names the span to select (else the first open one)."""
        try:
            state = curation.load(self.store, doc_id, self.annotator)
        except KeyError:
            self.statusBar().showMessage(f"Document {doc_id} is no longer in the project", 5000)
            return
        self.article.clear_selection()
        self.state = state
        doc = state.document
        title = doc.title or f"Document {doc.id}"
        self.title_label.setText(title if len(title) <= 140 else title[:139] + "…")
        self.title_label.setToolTip(title if len(title) > 140 else "")
        meta = [m for m in (doc.date, doc.source) if m]
        self.meta_label.setText("  ·  ".join(meta))
        self.article.set_state(state, self.scheme, None, draw=False)
        self.span_model.set_state(state)
        item = state.resolve(focus) if focus else None
        if item is None:
            item = state.next_open(None) or next((i for i in state.items if i.drawable), None)
        self.set_current(item.id if item else None)
        self._select_doc_row(doc.id)
        # the list row may be stale (undo in another document, a background run)
        self.doc_model.update_document(doc.id, state.status, state.open_count)
        self._update_status()

    def refresh(self, focus: str | None, *, advance: bool = False) -> None:
        """Re-read the current document after a write and show it; with `advance`, move on
        to the next open suggestion after `focus`."""
        if self.state is None:
            return
        state = curation.load(
            self.store, self.state.document.id, self.annotator, self.state.suggestions
        )
        self.state = state
        item = state.resolve(focus)
        if advance:
            item = state.next_open(item.id if item else None) or item
        self.article.set_state(state, self.scheme, None, draw=False)
        self.span_model.set_state(state)
        self.set_current(item.id if item else None)
        self.doc_model.update_document(state.document.id, state.status, state.open_count)
        self._update_status()

    def _select_doc_row(self, doc_id: int) -> None:
        row = self.doc_model.row_of(doc_id)
        sm = self.doc_view.selectionModel()
        sm.blockSignals(True)
        try:
            if row is None:
                sm.clearSelection()
            else:
                idx = self.doc_model.index(row, 0)
                sm.setCurrentIndex(
                    idx,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.doc_view.scrollTo(idx)
        finally:
            sm.blockSignals(False)
        self.doc_view.viewport().update()

    def set_current(self, item_id: str | None, *, scroll: bool = True) -> None:
        self.current = item_id
        self.article.draw(item_id)
        row = self.span_model.row_of(item_id)
        sm = self.span_view.selectionModel()
        sm.blockSignals(True)
        try:
            if row is None:
                sm.clearSelection()
            else:
                idx = self.span_model.index(row, 0)
                sm.setCurrentIndex(
                    idx,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                if scroll:
                    self.span_view.scrollTo(idx)
        finally:
            sm.blockSignals(False)
        self.span_view.viewport().update()
        item = self.current_item()
        if item is not None and scroll and item.drawable:
            self.article.scroll_to(item)

    def current_item(self) -> SpanItem | None:
        return None if self.state is None else self.state.item(self.current)

    def _update_status(self) -> None:
        total = self.doc_model.rowCount()
        if self.state is None:
            self.position_label.setText(f"{total} documents")
            self.counts_label.setText("")
            self.spans_title.setText("SPANS")
            return
        row = self.doc_model.row_of(self.state.document.id)
        where = f"Document {row + 1} of {total}" if row is not None else f"{total} in list"
        self.position_label.setText(where)
        c = self.state.counts()
        decided = c["accepted"] + c["corrected"] + c["manual"]
        parts = [f"<b>{c['suggested']}</b> open", f"{decided} decided", f"{c['rejected']} rejected"]
        if c["invalid"]:
            parts.append(f"<span style='color:#B42318'>{c['invalid']} invalid</span>")
        status = self.state.status.replace("_", " ")
        self.counts_label.setText(" · ".join(parts) + f" · {status}")
        self.spans_title.setText(f"SPANS  ({len(self.state.items)})")
