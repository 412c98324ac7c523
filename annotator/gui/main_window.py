"""The curation window: document list, article, span panel; every action from the
keyboard, written to the project at once, undoable across documents. This module builds
the window and wires it; its parts live in the mixins it inherits."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.curation import DocState
from annotator.core.model import default_annotator
from annotator.core.store import ProjectError, Store
from annotator.gui.actions import ACTIONS, MENUS
from annotator.gui.article_view import ArticleView
from annotator.gui.background import BackgroundTasksMixin
from annotator.gui.curation_actions import CurationActionsMixin
from annotator.gui.dialogs import ShortcutsDialog
from annotator.gui.doc_list import DocumentListModel
from annotator.gui.labels import LabelScheme, LabelSchemeError
from annotator.gui.search_box import SearchBox
from annotator.gui.settings import DEFAULT_FONT_PT, WindowSettingsMixin, settings_for
from annotator.gui.span_panel import SpanListModel
from annotator.gui.tasks import ImportTask, SuggestProcess

STATUS_FILTERS = (("All documents", None), ("Open", "open"), ("In progress", "in_progress"),
                  ("Done", "done"), ("Skipped", "skipped"))  # fmt: skip

STYLE = """
QMainWindow, QWidget#side { background: #F6F7F9; }
QWidget#center { background: #FFFFFF; }
QLabel#docTitle { color: #1F2328; font-size: 17px; font-weight: 600; }
QLabel#docMeta { color: #5B6675; }
QLabel#paneTitle { color: #5B6675; font-weight: 600; letter-spacing: 0.5px; }
QLabel#searchError { color: #B42318; }
QLabel#hint { color: #5B6675; }
QTableView { background: #FFFFFF; border: 1px solid #DDE1E6; gridline-color: transparent;
             selection-background-color: #DCE7F7; selection-color: #1F2328; }
QHeaderView::section { background: #F6F7F9; color: #5B6675; border: none;
                       border-bottom: 1px solid #DDE1E6; padding: 4px 6px; }
QLineEdit, QComboBox { padding: 4px 6px; border: 1px solid #C9CFD6; border-radius: 4px;
                       background: #FFFFFF; }
QLineEdit[invalid="true"] { border-color: #B42318; }
QSplitter::handle { background: #E4E7EB; }
QStatusBar { color: #3A4350; border-top: 1px solid #DDE1E6; }
QStatusBar QLabel { padding: 0 8px; }
"""


class MainWindow(CurationActionsMixin, BackgroundTasksMixin, WindowSettingsMixin, QMainWindow):
    def __init__(
        self,
        db_path: str | Path,
        annotator: str | None = None,
        *,
        settings_dir: str | Path | None = None,
        create: bool = True,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.annotator = annotator or default_annotator()
        # Raises ProjectError (corrupt, busy, newer schema): the caller shows it.
        self.store = Store(self.db_path, create=create)
        self.settings = settings_for(settings_dir)
        self._project_key = hashlib.blake2b(
            str(self.db_path.resolve()).encode(), digest_size=6
        ).hexdigest()
        try:
            self.scheme = LabelScheme.load(self.db_path)
            self._scheme_error: str | None = None
        except LabelSchemeError as exc:
            self.scheme = LabelScheme.load(None)
            self._scheme_error = str(exc)
        self.state: DocState | None = None
        self.current: str | None = None  # the selected span's item id
        self.font_pt = float(self.settings.value("font_pt", DEFAULT_FONT_PT))
        self.undo_stack = QUndoStack(self)
        self.actions_by_name: dict[str, QAction] = {}
        self._import: ImportTask | None = None
        self._suggest: SuggestProcess | None = None
        self._pending_sizes: list[int] | None = None

        self.setWindowTitle(f"{self.db_path.name} — {self.annotator} — annotator")
        self.setStyleSheet(STYLE)
        self._build()
        self._build_actions()
        self._build_status_bar()
        self._restore_settings()
        if self._scheme_error:
            self.statusBar().showMessage(
                f"Label scheme override not used: {self._scheme_error}", 15000
            )

    # -- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        # Left: search, status filter, document list.
        left = QWidget(objectName="side")
        lv = QVBoxLayout(left)
        lv.setContentsMargins(10, 10, 6, 10)
        lv.setSpacing(6)
        title = QLabel("DOCUMENTS", objectName="paneTitle")
        self.search_box = SearchBox()
        self.search_box.setPlaceholderText("Search titles and text  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip(
            'Full-text search: words, "exact phrases", OR, NOT, prefix*. Enter to search.'
        )
        self.search_box.returnPressed.connect(self._apply_filter)
        self.search_box.textChanged.connect(self._search_text_changed)
        self.search_error = QLabel(objectName="searchError")
        self.search_error.setWordWrap(True)
        self.search_error.hide()
        self.status_filter = QComboBox()
        for text, value in STATUS_FILTERS:
            self.status_filter.addItem(text, value)
        self.status_filter.setToolTip("Show only documents with this status (yours)")
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.doc_model = DocumentListModel(self.store, self.annotator)
        self.doc_view = QTableView()
        self.doc_view.setModel(self.doc_model)
        self._setup_table(self.doc_view)
        self.doc_view.keyboardSearch = lambda _s: None  # type: ignore[method-assign]
        h = self.doc_view.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(1, 84)
        h.resizeSection(2, 80)
        h.resizeSection(3, 48)
        self.doc_view.selectionModel().currentRowChanged.connect(self._doc_row_changed)
        lv.addWidget(title)
        lv.addWidget(self.search_box)
        lv.addWidget(self.search_error)
        lv.addWidget(self.status_filter)
        lv.addWidget(self.doc_view, 1)

        # Centre: title, date and source, the article.
        center = QWidget(objectName="center")
        cv = QVBoxLayout(center)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.setSpacing(0)
        header = QWidget()
        hv = QVBoxLayout(header)
        hv.setContentsMargins(18, 14, 18, 6)
        hv.setSpacing(2)
        self.title_label = QLabel(objectName="docTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label = QLabel(objectName="docMeta")
        hv.addWidget(self.title_label)
        hv.addWidget(self.meta_label)
        self.article = ArticleView()
        self.article.set_font_size(self.font_pt)
        self.article.spanClicked.connect(lambda item_id: self.set_current(item_id))
        self.article.setToolTip("")
        cv.addWidget(header)
        cv.addWidget(self.article, 1)

        # Right: the spans.
        right = QWidget(objectName="side")
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 10, 10, 10)
        rv.setSpacing(6)
        self.spans_title = QLabel("SPANS", objectName="paneTitle")
        self.legend = QLabel(objectName="hint")
        self.legend.setText(
            "<span style='background:#E4ECFA'>&nbsp;entity&nbsp;</span> &nbsp; "
            "<span style='text-decoration:underline;color:#7A2A20'>figure</span> &nbsp; "
            "lighter, dotted: suggested"
        )
        self.span_model = SpanListModel(self.scheme)
        self.span_view = QTableView()
        self.span_view.setModel(self.span_model)
        self._setup_table(self.span_view)
        sh = self.span_view.horizontalHeader()
        sh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        sh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        sh.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        sh.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        sh.resizeSection(0, 116)  # room for WORK_OF_ART, LANGUAGE
        sh.resizeSection(2, 104)
        sh.resizeSection(3, 74)
        self.span_view.selectionModel().currentRowChanged.connect(self._span_row_changed)
        rv.addWidget(self.spans_title)
        rv.addWidget(self.span_view, 1)
        rv.addWidget(self.legend)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(center)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([360, 600, 440])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _setup_table(self, view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(26)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setAlternatingRowColors(False)
        view.horizontalHeader().setHighlightSections(False)
        view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)

    def _build_actions(self) -> None:
        menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        for spec in ACTIONS:
            act = QAction(spec.text, self)
            act.setShortcuts([QKeySequence(k) for k in spec.keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setToolTip(f"{spec.tip} ({QKeySequence(spec.keys[0]).toString()})")
            act.setStatusTip(spec.tip)
            act.triggered.connect(getattr(self, f"do_{spec.name}"))
            menus[spec.menu].addAction(act)
            self.actions_by_name[spec.name] = act
            if spec.name in ("edit_figure", "skip", "redo", "toggle_rejected"):
                menus[spec.menu].addSeparator()
        self.actions_by_name["toggle_rejected"].setCheckable(True)
        label_menu = menus["Span"].addMenu("Set label")
        for n in range(1, 10):
            act = QAction(f"Label key {n}", self)
            act.setShortcut(QKeySequence(str(n)))
            act.triggered.connect(lambda _=False, n=n: self.do_label_key(str(n)))
            label_menu.addAction(act)
            self.actions_by_name[f"label_{n}"] = act
        esc = QAction("Clear selection", self)
        esc.setShortcut(QKeySequence("Esc"))
        esc.triggered.connect(self.article.clear_selection)
        self.addAction(esc)
        self.undo_stack.cleanChanged.connect(lambda _c: None)
        self.undo_stack.canUndoChanged.connect(self.actions_by_name["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.actions_by_name["redo"].setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda t: self.actions_by_name["undo"].setText(f"Undo {t}" if t else "Undo")
        )
        self.undo_stack.redoTextChanged.connect(
            lambda t: self.actions_by_name["redo"].setText(f"Redo {t}" if t else "Redo")
        )
        self.actions_by_name["undo"].setEnabled(False)
        self.actions_by_name["redo"].setEnabled(False)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.curator_label = QLabel(f"Curator: <b>{self.annotator}</b>")
        self.curator_label.setToolTip("Stored with every annotation and status (--annotator)")
        self.position_label = QLabel()
        self.counts_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the import or the suggesting; finished work is kept")
        self.cancel_button.clicked.connect(self.cancel_task)
        self.cancel_button.hide()
        self.task_label = QLabel()
        self.task_label.hide()
        bar.addPermanentWidget(self.task_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.position_label)
        bar.addPermanentWidget(self.curator_label)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.stop_tasks()
        self.store.close()
        super().closeEvent(event)

    # -- list and panel signals ---------------------------------------------------------

    def _doc_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = self.doc_model.doc_id(current.row()) if current.isValid() else None
        if doc_id is not None and (self.state is None or self.state.document.id != doc_id):
            self.open_document(doc_id)

    def _span_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.span_model.items):
            self.set_current(self.span_model.items[current.row()].id)

    def _search_text_changed(self, text: str) -> None:
        if not text:
            self._apply_filter()

    def _apply_filter(self) -> None:
        status = self.status_filter.currentData()
        search = self.search_box.text()
        try:
            self.doc_model.set_filter(status, search)
        except ValueError as exc:
            self.search_error.setText(
                f"Search not understood: {str(exc).split(': ', 1)[-1]}. "
                'Quote words with punctuation, e.g. "U.S."'
            )
            self.search_error.show()
            self.search_box.setProperty("invalid", True)
            self.search_box.style().polish(self.search_box)
            return
        self.search_error.hide()
        self.search_box.setProperty("invalid", False)
        self.search_box.style().polish(self.search_box)
        if self.state is not None:
            self._select_doc_row(self.state.document.id)
        self._update_status()

    def do_find(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # -- view ---------------------------------------------------------------------------------

    def do_toggle_rejected(self) -> None:
        self.article.show_rejected = self.actions_by_name["toggle_rejected"].isChecked()
        self.article.draw(self.current)

    def do_show_shortcuts(self) -> None:
        ShortcutsDialog(self.scheme, self).exec()


def check_project(db_path: str | Path) -> None:
    """Raise ProjectError when the project cannot be opened (for the gui command)."""
    Store(db_path, create=False).close()


__all__ = ["MainWindow", "ProjectError", "check_project"]
