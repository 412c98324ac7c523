"""The document list: a table model over the project that opens at once with 100k
documents. It counts the rows with one query and reads them a page at a time, only the
pages the view asks for."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from annotator.core.store import DocumentRow, Store
from annotator.gui.plain import tooltip

PAGE = 200
MAX_PAGES = 40
COLUMNS = ("Title", "Date", "Status", "Open")
STATUS_TEXT = {"open": "open", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_COLOR = {
    "open": "#5B6675",
    "in_progress": "#1F5FBF",
    "done": "#1B7F4C",
    "skipped": "#8A8F98",
}
Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    def __init__(self, store: Store, annotator: str) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.status: str | None = None
        self.search: str | None = None
        self.models: frozenset[str] | None = None  # whose suggestions count as open
        self._total = store.count_listed(annotator)
        self._pages: OrderedDict[int, list[DocumentRow]] = OrderedDict()
        self._muted = QColor("#8A8F98")

    # -- filters ---------------------------------------------------------------------

    def set_filter(self, status: str | None, search: str | None) -> None:
        """Raises ValueError for a malformed search query, leaving the list as it was."""
        search = (search or "").strip() or None
        total = self.store.count_listed(self.annotator, status=status, search=search)
        self.beginResetModel()
        self.status, self.search, self._total = status, search, total
        self._pages.clear()
        self.endResetModel()

    def reload(self) -> None:
        self.set_filter(self.status, self.search)

    # -- rows --------------------------------------------------------------------------

    def _page(self, n: int) -> list[DocumentRow]:
        rows = self._pages.get(n)
        if rows is None:
            rows = self.store.list_documents(
                self.annotator,
                status=self.status,
                search=self.search,
                models=None if self.models is None else sorted(self.models),
                limit=PAGE,
                offset=n * PAGE,
            )
            self._pages[n] = rows
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(n)
        return rows

    def row_data(self, row: int) -> DocumentRow | None:
        if not 0 <= row < self._total:
            return None
        page = self._page(row // PAGE)
        i = row % PAGE
        return page[i] if i < len(page) else None

    def doc_id(self, row: int) -> int | None:
        r = self.row_data(row)
        return None if r is None else r.id

    def row_of(self, doc_id: int) -> int | None:
        """The row showing `doc_id`, or None when the filters leave it out."""
        row = self.store.count_listed(
            self.annotator, status=self.status, search=self.search, before_id=doc_id
        )
        return row if self.doc_id(row) == doc_id else None

    def update_document(self, doc_id: int, status: str, open_suggestions: int) -> None:
        """Show a document's new status and open count without re-reading the list (its
        row stays where it is even if it no longer matches the filter, until the next
        filter change)."""
        for n, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.id == doc_id:
                    rows[i] = replace(r, status=status, open_suggestions=open_suggestions)
                    row = n * PAGE + i
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                    return

    # -- Qt model ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            if section == 3:  # numbers line up on the right
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.row_data(index.row())
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.title or r.source or f"document {r.id}"
            if col == 1:
                return r.date or ""
            if col == 2:
                return STATUS_TEXT.get(r.status, r.status)
            return str(r.open_suggestions) if r.open_suggestions else "–"
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(
                f"{r.title}\n{r.source} · document {r.id}\n"
                f"{STATUS_TEXT.get(r.status, r.status)} · {r.open_suggestions} open suggestions"
            )
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 2:
                return QColor(STATUS_COLOR.get(r.status, "#5B6675"))
            if col in (1, 3) or r.status in ("done", "skipped"):
                return self._muted
            return None
        if role == Qt.ItemDataRole.FontRole and col == 0 and r.status == "in_progress":
            f = QFont()
            f.setWeight(QFont.Weight.DemiBold)
            return f
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
