"""The curation window: document list, article, span panel; every action from the
keyboard, written to the project at once, undoable across documents."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core import curation
from annotator.core.curation import Change, DocState, SpanItem
from annotator.core.model import default_annotator
from annotator.core.store import ProjectError, Store
from annotator.gui.actions import ACTIONS, MENUS
from annotator.gui.article_view import ArticleView
from annotator.gui.dialogs import FigureDialog, LabelPicker, ShortcutsDialog
from annotator.gui.doc_list import DocumentListModel
from annotator.gui.errors import show_error
from annotator.gui.labels import LabelScheme, LabelSchemeError
from annotator.gui.span_panel import SpanListModel
from annotator.gui.tasks import ImportTask, SuggestProcess

SETTINGS_ENV = "ANNOTATOR_SETTINGS_DIR"
DEFAULT_FONT_PT = 12.5
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


def settings_for(settings_dir: str | Path | None) -> QSettings:
    """Window settings in an INI file: under `settings_dir`, or $ANNOTATOR_SETTINGS_DIR,
    or the platform's per-user config folder."""
    folder = settings_dir or os.environ.get(SETTINGS_ENV)
    if folder:
        return QSettings(str(Path(folder) / "annotator.ini"), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "annotator", "annotator"
    )


class SearchBox(QLineEdit):
    """The search field keeps Enter for itself (Enter elsewhere accepts a span)."""

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key()
            in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace, Qt.Key.Key_Delete)
        ):
            event.accept()
            return True
        return super().event(event)


class CurationCommand(QUndoCommand):
    """One curator action on the undo stack. The action has already been written when
    the command is pushed; undo and redo write the reverting ops (new writes)."""

    def __init__(self, window: MainWindow, change: Change) -> None:
        super().__init__(change.text)
        self.window = window
        self.change = change  # reverting it undoes the action
        self.first = True

    def redo(self) -> None:
        if self.first:
            self.first = False
            return
        self.change = self.window.replay(self.change, "Redo")

    def undo(self) -> None:
        self.change = self.window.replay(self.change, "Undo")


class MainWindow(QMainWindow):
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

    # -- settings ------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        sizes = s.value("splitter")
        if isinstance(sizes, list) and len(sizes) == 3:
            # Applied once the window has its size; before, the splitter would rescale them.
            self._pending_sizes = [int(x) for x in sizes]
            self.splitter.setSizes(self._pending_sizes)
        rejected = s.value("show_rejected", False)
        self.actions_by_name["toggle_rejected"].setChecked(rejected in (True, "true"))
        self.article.show_rejected = rejected in (True, "true")
        last = s.value(f"projects/{self._project_key}/last_document")
        doc_id = int(last) if last not in (None, "") else None
        if doc_id is None or self.doc_model.row_of(doc_id) is None:
            doc_id = self.doc_model.doc_id(0)
        if doc_id is not None:
            self.open_document(doc_id)
        else:
            self._show_empty()

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("splitter", self.splitter.sizes())
        s.setValue("font_pt", self.font_pt)
        s.setValue("show_rejected", self.article.show_rejected)
        if self.state is not None:
            s.setValue(f"projects/{self._project_key}/last_document", self.state.document.id)
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending_sizes is not None:
            self.splitter.setSizes(self._pending_sizes)
            self._pending_sizes = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.cancel_task()
        if self._import is not None:
            from PySide6.QtCore import QThreadPool

            QThreadPool.globalInstance().waitForDone(5000)
        self.store.close()
        super().closeEvent(event)

    # -- showing a document --------------------------------------------------------------

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

    # -- running actions -----------------------------------------------------------------

    def run_action(
        self, fn: Callable[..., Change | None], *args: Any, advance: bool = False, **kw: Any
    ) -> Change | None:
        """Run one curation action; on success push it on the undo stack and show the
        result. Errors go to the one error dialog."""
        if self.state is None:
            return None
        try:
            change = fn(self.store, self.state, *args, **kw)
        except Exception as exc:
            show_error(self, exc, "Saving the action")
            self._safe_refresh()
            return None
        if change is None:
            return None
        self.undo_stack.push(CurationCommand(self, change))
        self.refresh(change.focus, advance=advance)
        self.statusBar().showMessage(change.text, 4000)
        return change

    def replay(self, change: Change, verb: str) -> Change:
        """Undo or redo: write the reverting ops, showing the document they are in."""
        try:
            back = curation.revert(self.store, change)
        except Exception as exc:
            show_error(self, exc, verb)
            QTimer.singleShot(0, self.undo_stack.clear)
            self.statusBar().showMessage("Undo history cleared after an error", 8000)
            return change
        where = ""
        if self.state is None or self.state.document.id != change.doc_id:
            self.open_document(change.doc_id, change.focus)
            title = self.state.document.title if self.state else ""
            where = f" in “{title}”"
        else:
            self.refresh(change.focus)
        self.statusBar().showMessage(f"{verb}: {change.text}{where}", 6000)
        return back

    def _safe_refresh(self) -> None:
        with contextlib.suppress(Exception):  # the error has been shown already
            self.refresh(self.current)

    # -- span actions ----------------------------------------------------------------------

    def _move(self, step: int) -> None:
        if self.state is None or not self.state.items:
            return
        items = self.state.items
        i = self.state.index(self.current)
        if i is None:
            i = -1 if step > 0 else len(items)
        i = max(0, min(len(items) - 1, i + step))
        self.set_current(items[i].id)

    def do_next_span(self) -> None:
        self._move(+1)

    def do_prev_span(self) -> None:
        self._move(-1)

    def do_accept(self) -> None:
        if self.article.selected_span() is not None:
            self.do_create()
            return
        item = self.current_item()
        if item is None:
            return
        if not item.is_suggestion:
            # Already decided: Enter moves on, so a curator can keep pressing it.
            nxt = self.state.next_open(item.id) if self.state else None
            if nxt is not None:
                self.set_current(nxt.id)
            return
        self.run_action(curation.accept, item, advance=True)

    def do_reject(self) -> None:
        item = self.current_item()
        if item is not None:
            self.run_action(curation.reject, item, advance=item.state == "suggested")

    def do_accept_all(self) -> None:
        self.run_action(curation.accept_all)

    def do_delete(self) -> None:
        item = self.current_item()
        if item is not None:
            self.run_action(curation.delete, item)

    def _resize(self, side: str, delta: int) -> None:
        item = self.current_item()
        if item is not None:
            self.run_action(curation.resize, item, side, delta)

    def do_widen_left(self) -> None:
        self._resize("left", +1)

    def do_widen_right(self) -> None:
        self._resize("right", +1)

    def do_narrow_left(self) -> None:
        self._resize("left", -1)

    def do_narrow_right(self) -> None:
        self._resize("right", -1)

    def do_label_key(self, key: str) -> None:
        sel = self.article.selected_span()
        if sel is not None:
            d = self.scheme.by_key("ents", key)
            if d is not None:
                self.create_span(d.layer, d.label)
            return
        item = self.current_item()
        if item is None:
            return
        d = self.scheme.by_key(item.layer, key)
        if d is None:
            self.statusBar().showMessage(f"No {item.layer} label on key {key}", 4000)
            return
        self.run_action(curation.relabel, item, d.label)

    def pick_label(self, layers: tuple[str, ...]) -> tuple[str, str] | None:
        """Ask for a label; tests replace this."""
        picker = LabelPicker(self.scheme, layers, self)
        if picker.exec() and picker.chosen:
            return picker.chosen
        return None

    def do_pick_label_action(self) -> None:
        item = self.current_item()
        if self.article.selected_span() is not None:
            self.do_create()
            return
        if item is None:
            return
        chosen = self.pick_label((item.layer,))
        if chosen is not None:
            self.run_action(curation.relabel, item, chosen[1])

    def create_span(self, layer: str, label: str, *, exact: bool = False) -> Change | None:
        sel = self.article.selected_span()
        if sel is None:
            self.statusBar().showMessage("Select some text first", 4000)
            return None
        change = self.run_action(curation.create, sel[0], sel[1], layer, label, exact=exact)
        if change is not None:
            self.article.clear_selection()
        else:
            self.statusBar().showMessage("Nothing added: the selection is only white space "
                                         "or that span is already there", 5000)  # fmt: skip
        return change

    def _create(self, exact: bool) -> None:
        if self.article.selected_span() is None:
            self.statusBar().showMessage("Select some text first, then press N", 4000)
            return
        chosen = self.pick_label(("ents", "figures"))
        if chosen is not None:
            self.create_span(chosen[0], chosen[1], exact=exact)

    def do_create(self) -> None:
        self._create(False)

    def do_create_exact(self) -> None:
        self._create(True)

    def edit_figure_values(self, item: SpanItem) -> dict[str, Any] | None:
        """Ask for a figure's value, unit and kind; tests replace this."""
        dialog = FigureDialog(item, self)
        if dialog.exec():
            return dialog.result_values()
        return None

    def do_edit_figure(self) -> None:
        item = self.current_item()
        if item is None or item.layer != "figures" or not item.drawable:
            self.statusBar().showMessage("Select a figure to edit its value", 4000)
            return
        values = self.edit_figure_values(item)
        if values is not None:
            self.run_action(curation.edit_figure, item, **values)

    # -- document actions ---------------------------------------------------------------

    def _next_open_document(self) -> None:
        if self.state is None:
            return
        nxt = curation.next_open_document(self.store, self.annotator, self.state.document.id)
        if nxt is None:
            self.statusBar().showMessage("Every document is done or skipped", 8000)
            return
        self.open_document(nxt)

    def do_mark_done(self) -> None:
        if self.run_action(curation.mark_done) is not None or self.state is not None:
            self._next_open_document()

    def do_skip(self) -> None:
        if self.run_action(curation.skip) is not None or self.state is not None:
            self._next_open_document()

    def _step_doc(self, step: int) -> None:
        if self.state is None:
            return
        row = self.doc_model.row_of(self.state.document.id)
        row = 0 if row is None else row + step
        doc_id = self.doc_model.doc_id(max(0, min(self.doc_model.rowCount() - 1, row)))
        if doc_id is not None:
            self.open_document(doc_id)

    def do_next_doc(self) -> None:
        self._step_doc(+1)

    def do_prev_doc(self) -> None:
        self._step_doc(-1)

    def do_undo(self) -> None:
        self.undo_stack.undo()

    def do_redo(self) -> None:
        self.undo_stack.redo()

    def do_find(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # -- view ---------------------------------------------------------------------------------

    def do_toggle_rejected(self) -> None:
        self.article.show_rejected = self.actions_by_name["toggle_rejected"].isChecked()
        self.article.draw(self.current)

    def _set_font(self, pt: float) -> None:
        self.font_pt = max(8.0, min(32.0, pt))
        self.article.set_font_size(self.font_pt)
        self.statusBar().showMessage(f"Text size {self.font_pt:g} pt", 2000)

    def do_bigger(self) -> None:
        self._set_font(self.font_pt + 1)

    def do_smaller(self) -> None:
        self._set_font(self.font_pt - 1)

    def do_reset_font(self) -> None:
        self._set_font(DEFAULT_FONT_PT)

    def do_show_shortcuts(self) -> None:
        ShortcutsDialog(self.scheme, self).exec()

    # -- long work ----------------------------------------------------------------------------

    def _task_started(self, text: str, maximum: int = 0) -> None:
        self.task_label.setText(text)
        self.task_label.show()
        self.progress.setRange(0, maximum)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()

    def _task_ended(self, message: str) -> None:
        self.task_label.hide()
        self.progress.hide()
        self.cancel_button.hide()
        self.statusBar().showMessage(message, 10000)

    def busy(self) -> bool:
        return self._import is not None or (self._suggest is not None and self._suggest.running())

    def do_import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", "", "Articles (*.txt *.jsonl *.csv);;All files (*)"
        )
        if files:
            self.start_import(files)

    def start_import(self, paths: Sequence[str], *, then_suggest: bool = True) -> None:
        if self.busy():
            self.statusBar().showMessage("Wait for the running import or suggestion", 5000)
            return
        task = ImportTask(self.db_path, [str(p) for p in paths])
        self._import = task
        self._task_started("Importing…")
        task.signals.progress.connect(
            lambda n: self.task_label.setText(f"Importing… {n:,} records")
        )

        def finished(report: Any) -> None:
            self._import = None
            self._task_ended(f"Import: {report.summary()}")
            self.doc_model.reload()
            if self.state is None and self.doc_model.rowCount():
                self.open_document(self.doc_model.doc_id(0) or 0)
            else:
                self._update_status()
            if report.rejected:
                shown = "\n".join(str(r) for r in report.rejected[:20])
                more = len(report.rejected) - 20
                box = QMessageBox(
                    QMessageBox.Icon.Warning,
                    "Some records were not imported",
                    f"{report.summary()}.\n\n{shown}"
                    + (f"\n… and {more} more" if more > 0 else ""),
                    QMessageBox.StandardButton.Ok,
                    self,
                )
                box.open()
            if then_suggest and report.new_ids:
                self.start_suggest()

        def failed(exc: Any) -> None:
            self._import = None
            self._task_ended("Import failed")
            show_error(self, exc, "Importing")

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        task.start()

    def do_suggest_new(self) -> None:
        self.start_suggest()

    def start_suggest(self) -> None:
        if self.busy():
            self.statusBar().showMessage("Wait for the running import or suggestion", 5000)
            return
        proc = SuggestProcess(self.db_path, self)
        self._suggest = proc
        self._task_started("Suggesting…")

        def progress(done: int, total: int, eta: float) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            left = f", about {int(eta)} s left" if eta >= 0 else ""
            self.task_label.setText(f"Suggesting {done:,} of {total:,}{left}")
            if done and done % 50 == 0:
                self._reload_after_suggest()

        def finished(event: dict[str, Any]) -> None:
            self._task_ended(
                f"Suggested {event.get('suggestions', 0)} spans in "
                f"{event.get('documents', 0)} documents"
            )
            self._reload_after_suggest()

        def failed(message: str) -> None:
            self._task_ended(message)
            self._reload_after_suggest()

        proc.progress.connect(progress)
        proc.finished.connect(finished)
        proc.failed.connect(failed)
        proc.start()

    def _reload_after_suggest(self) -> None:
        self.doc_model.reload()
        if self.state is not None:
            self._select_doc_row(self.state.document.id)
            if not any(it.is_suggestion for it in self.state.items):
                # The open document may just have been suggested: read its suggestions
                # again (refresh() reuses the ones it has).
                self.open_document(self.state.document.id, self.current)
        self._update_status()

    def cancel_task(self) -> None:
        if self._import is not None:
            self._import.cancel()
        if self._suggest is not None:
            self._suggest.cancel()


def check_project(db_path: str | Path) -> None:
    """Raise ProjectError when the project cannot be opened (for the gui command)."""
    Store(db_path, create=False).close()


__all__ = ["MainWindow", "ProjectError", "check_project"]
