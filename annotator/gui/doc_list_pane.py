"""The left-hand pane: full-text search, the status filter and the document list. It
shows the session's document as the selected row and opens the one the curator picks."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QComboBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from annotator.core.curation import DocState
from annotator.gui.doc_list import DocumentListModel
from annotator.gui.plain import plain_label
from annotator.gui.search_box import SearchBox
from annotator.gui.session import CurationSession
from annotator.gui.tables import select_row, setup_table

STATUS_FILTERS = (("All documents", None), ("Open", "open"), ("In progress", "in_progress"),
                  ("Done", "done"), ("Skipped", "skipped"))  # fmt: skip


class DocumentListPane(QWidget):
    # The list's rows changed (filter, reload): positions shown elsewhere are stale.
    listChanged = Signal()

    def __init__(self, session: CurationSession, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="side")
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 6, 10)
        layout.setSpacing(6)
        title = QLabel("DOCUMENTS", objectName="paneTitle")
        self.search_box = SearchBox()
        self.search_box.setPlaceholderText("Search titles and text  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip(
            'Full-text search: words, "exact phrases", OR, NOT, prefix*. Enter to search.'
        )
        self.search_box.returnPressed.connect(self.apply_filter)
        self.search_box.textChanged.connect(self._search_text_changed)
        self.search_error = plain_label(QLabel(objectName="searchError"))  # quotes the query
        self.search_error.setWordWrap(True)
        self.search_error.hide()
        self.status_filter = QComboBox()
        for text, value in STATUS_FILTERS:
            self.status_filter.addItem(text, value)
        self.status_filter.setToolTip("Show only documents with this status (yours)")
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.model = DocumentListModel(session.store, session.annotator)
        self.view = QTableView()
        self.view.setModel(self.model)
        setup_table(self.view)
        self.view.keyboardSearch = lambda _s: None  # type: ignore[method-assign]
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(1, 84)
        h.resizeSection(2, 80)
        h.resizeSection(3, 48)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        layout.addWidget(title)
        layout.addWidget(self.search_box)
        layout.addWidget(self.search_error)
        layout.addWidget(self.status_filter)
        layout.addWidget(self.view, 1)
        session.documentOpened.connect(self._document_shown)
        session.stateChanged.connect(self._document_shown)
        session.modelsChanged.connect(self._models_changed)

    def _document_shown(self, state: DocState | None) -> None:
        if state is None:
            return
        self.select_document(state.document.id)
        # the row may be stale (undo in another document, a background run)
        self.model.update_document(state.document.id, state.status, state.open_count)

    def _models_changed(self, models: frozenset[str] | None) -> None:
        self.model.models = models  # the Open column counts the model in use's
        self.reload()

    def select_document(self, doc_id: int) -> None:
        select_row(self.view, self.model.row_of(doc_id))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = self.model.doc_id(current.row()) if current.isValid() else None
        if doc_id is not None and doc_id != self.session.doc_id:
            self.session.open(doc_id)

    def reload(self) -> None:
        """Read the list again (after an import or a background run)."""
        self.model.reload()
        if self.session.doc_id is not None:
            self.select_document(self.session.doc_id)
        self.listChanged.emit()

    # -- filters -------------------------------------------------------------------------

    def _search_text_changed(self, text: str) -> None:
        if not text:
            self.apply_filter()

    def apply_filter(self) -> None:
        status = self.status_filter.currentData()
        search = self.search_box.text()
        try:
            self.model.set_filter(status, search)
        except ValueError as exc:
            self.search_error.setText(
                f"Search not understood: {str(exc).split(': ', 1)[-1]}. "
                'Quote words with punctuation, e.g. "U.S."'
            )
            self.search_error.show()
            self._mark_search(invalid=True)
            return
        self.search_error.hide()
        self._mark_search(invalid=False)
        if self.session.doc_id is not None:
            self.select_document(self.session.doc_id)
        self.listChanged.emit()

    def _mark_search(self, *, invalid: bool) -> None:
        self.search_box.setProperty("invalid", invalid)
        self.search_box.style().polish(self.search_box)

    # -- actions -------------------------------------------------------------------------

    def do_find(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _step(self, step: int) -> None:
        if self.session.doc_id is None:
            return
        row = self.model.row_of(self.session.doc_id)
        row = 0 if row is None else row + step
        doc_id = self.model.doc_id(max(0, min(self.model.rowCount() - 1, row)))
        if doc_id is not None:
            self.session.open(doc_id)

    def do_next_doc(self) -> None:
        self._step(+1)

    def do_prev_doc(self) -> None:
        self._step(-1)
