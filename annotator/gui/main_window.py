"""The curation window: document list, article, span panel; every action from the
keyboard, written to the project at once, undoable across documents.

The window only composes its parts and wires them: a `CurationSession` (the open
document, the current span, the undo stack) that the panes subscribe to, the panes
themselves, the curation actions, the focus model, the background tasks, and the
settings. Menus and shortcuts come from the one action table in actions.py; each
action's handler is the `do_<name>` method of the first part that has one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QSplitter

from annotator.core.model import default_annotator
from annotator.core.store import ProjectError, Store
from annotator.gui.actions import ACTIONS, MENUS
from annotator.gui.agreement_dialog import AgreementReport
from annotator.gui.article_pane import DEFAULT_FONT_PT, ArticlePane
from annotator.gui.background import BackgroundTasks
from annotator.gui.curation_actions import CurationActions
from annotator.gui.dialogs import ShortcutsDialog
from annotator.gui.doc_list_pane import DocumentListPane
from annotator.gui.errors import show_error
from annotator.gui.facts_controller import FactsController
from annotator.gui.focus import FocusModel
from annotator.gui.kb_index import KBIndex
from annotator.gui.labels import LABEL_KEYS, LabelScheme, LabelSchemeError
from annotator.gui.linking import LinkingActions
from annotator.gui.modal import exec_keeping_focus
from annotator.gui.model_compare import CompareControl
from annotator.gui.model_control import ModelControl
from annotator.gui.modes import WindowModes
from annotator.gui.plain import menu_text
from annotator.gui.review_mode import ReviewMode
from annotator.gui.session import CurationSession
from annotator.gui.settings import (
    advance_after_fix,
    done_with_open,
    restore_window,
    save_window,
    set_advance_after_fix,
    set_done_with_open,
    settings_for,
)
from annotator.gui.span_pane import SpanPane
from annotator.gui.status_info import DocumentStatus
from annotator.gui.training_control import TrainingControl

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
QTextEdit#article { border: 2px solid transparent; }
QTextEdit#article:focus { border: 2px solid #8FB3EA; }
QTableView:focus { border: 1px solid #5B8DEF; }
QWidget#findBar { background: #F6F7F9; border-top: 1px solid #DDE1E6; }
QSplitter::handle { background: #E4E7EB; }
QStatusBar { color: #3A4350; border-top: 1px solid #DDE1E6; }
QStatusBar QLabel { padding: 0 8px; }
"""


# separators in the Review menu after these
REVIEW_BREAKS = ("review_prev_stop", "review_reject_all", "review_toggle_option",
                 "review_edit_figure", "review_prev_doc")  # fmt: skip


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
        annotator = annotator or default_annotator()
        # Raises ProjectError (corrupt, busy, newer schema): the caller shows it.
        self.store = Store(self.db_path, create=create)
        self.settings = settings_for(settings_dir)
        self.project_key = hashlib.blake2b(
            str(self.db_path.resolve()).encode(), digest_size=6
        ).hexdigest()
        try:
            self.scheme = LabelScheme.load(self.db_path)
            scheme_error: str | None = None
        except LabelSchemeError as exc:
            self.scheme = LabelScheme.load(None)
            scheme_error = str(exc)
        self.pending_sizes: list[int] | None = None
        self.actions_by_name: dict[str, QAction] = {}

        self.session = CurationSession(self.store, annotator, self)
        self.doc_list = DocumentListPane(self.session)
        font_pt = float(self.settings.value("font_pt", DEFAULT_FONT_PT))
        self.article_pane = ArticlePane(self.session, self.scheme, font_pt)
        self.article = self.article_pane.view
        self.spans = SpanPane(self.session, self.scheme)
        self.status_info = DocumentStatus(self.session, self.doc_list, self)
        self.tasks = BackgroundTasks(self.db_path, self.session, self.doc_list, self)
        self.curation = CurationActions(
            self.session, self.article, self.scheme, self, self.settings
        )
        self.focus = FocusModel(self.article_pane, self.spans, self.doc_list, self)
        # linking (entities, figure links) and the facts view
        self.kb_index = KBIndex(self.db_path, self.session, self)
        self.linking = LinkingActions(self.session, self.article, self.scheme, self, self.kb_index)
        self.facts = FactsController(self.db_path, self.session, self.focus, self)
        self.article.tooltip_for = self.spans.model.tooltip_text
        # the model loop: the model in use, switching, training, comparing
        self.models = ModelControl(self.session, self.tasks, self.settings, self.project_key, self)
        self.training = TrainingControl(
            self.db_path, self.session, self.models, self.settings, self
        )
        self.comparing = CompareControl(self.db_path, self.session, self.models, self)
        self.session.message.connect(self.statusBar().showMessage)
        self.article_pane.message.connect(self.statusBar().showMessage)
        self._hint = ""
        self.article_pane.selectionHint.connect(self._selection_hint)
        self.session.failed.connect(lambda exc, doing: show_error(self, exc, doing))
        # review mode: its own page, session and actions (review_mode.py)
        self.review = ReviewMode(
            self.db_path, self.store, self.session, self.scheme, self.settings, self
        )
        self.review.message.connect(self.statusBar().showMessage)
        self.review.selectionHint.connect(self._selection_hint)
        self.review.session.failed.connect(lambda exc, doing: show_error(self, exc, doing))
        self.modes = WindowModes(self.actions_by_name, self)
        self.agreement = AgreementReport(self.db_path, self.store, self)
        self.agreement.message.connect(self.statusBar().showMessage)

        self.setWindowTitle(f"{self.db_path.name} — {annotator} — annotator")
        self.setStyleSheet(STYLE)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for pane in (self.doc_list, self.article_pane, self.spans):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([360, 600, 440])
        self.splitter.setChildrenCollapsible(False)
        self.modes.add("curate", self.splitter, self.article, self.status_info.widgets())
        self.modes.add("review", self.review.page, self.review.home(), self.review.mode_widgets())
        self.setCentralWidget(self.modes.stack)
        self._build_actions()
        self.models.attach_menu(self.menus["Model"])
        self.menus["Model"].insertSeparator(self.actions_by_name["train_model"])
        for widget in (
            *self.tasks.widgets(),
            *self.kb_index.widgets(),
            *self.facts.widgets(),
            *self.agreement.widgets(),
            *self.status_info.widgets(),
            *self.review.status_widgets(),
            *self.training.widgets(),
            *self.comparing.widgets(),
            *self.models.widgets(),
        ):
            self.statusBar().addPermanentWidget(widget)
        self.review.attach(self.modes)
        self.review.follow_font(self.article)
        self.modes.set_mode("curate", focus=False)
        restore_window(self)
        self.kb_index.prepare()
        # The window opens with the keyboard in the text, the caret on the current span.
        self.article.setFocus(Qt.FocusReason.OtherFocusReason)
        if scheme_error:
            self.statusBar().showMessage(f"Label scheme override not used: {scheme_error}", 15000)
        elif self.scheme.problems:
            more = len(self.scheme.problems) - 1
            also = f" (and {more} more)" if more else ""
            self.statusBar().showMessage(f"Label scheme: {self.scheme.problems[0]}{also}", 15000)

    @property
    def annotator(self) -> str:
        return self.session.annotator

    def start_import(self, paths: list[str]) -> None:
        """Import PATHs in the background, then suggest the new documents (what
        `annotator gui PATH...` asks for; app.open_window calls this)."""
        self.tasks.start_import(paths)

    # -- actions -----------------------------------------------------------------------

    def _handler(self, name: str) -> Callable[[], None]:
        parts = (
            self.review,
            self.review.actions,
            self.agreement,
            self.curation,
            self.linking,
            self.facts,
            self.tasks,
            self.models,
            self.training,
            self.comparing,
            self.doc_list,
            self.article_pane,
            self.article_pane.find_bar,
            self.focus,
            self,
        )
        for part in parts:
            found = getattr(part, f"do_{name}", None)
            if found is not None:
                return found  # type: ignore[no-any-return]
        raise LookupError(f"no part of the window handles the action {name!r}")

    def _build_actions(self) -> None:
        menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        self.menus = menus
        for spec in ACTIONS:
            act = QAction(spec.text, self)
            act.setShortcuts([QKeySequence(k) for k in spec.keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setToolTip(f"{spec.tip} ({QKeySequence(spec.keys[0]).toString()})")
            act.setStatusTip(spec.tip)
            handler = self._handler(spec.name)
            act.triggered.connect(lambda _checked=False, handler=handler: handler())
            menus[spec.menu].addAction(act)
            self.actions_by_name[spec.name] = act
            self.modes.set_action_mode(spec.name, spec.mode)
            if spec.name in ("edit_figure", "skip", "redo", "toggle_rejected", *REVIEW_BREAKS):
                menus[spec.menu].addSeparator()
        self.actions_by_name["toggle_rejected"].setCheckable(True)
        review = self.actions_by_name["toggle_review_mode"]
        review.setCheckable(True)
        self.modes.modeChanged.connect(lambda mode: review.setChecked(mode == "review"))
        label_menu = menus["Span"].addMenu("Set label")
        for key in LABEL_KEYS:
            act = QAction(f"Label key {key}", self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(lambda _=False, key=key: self.curation.do_label_key(key))
            label_menu.addAction(act)
            self.actions_by_name[f"label_{key}"] = act
            self.modes.set_action_mode(f"label_{key}", "curate")
        for name, act in self.review.actions.build_number_actions(menus["Review"], self).items():
            self.actions_by_name[name] = act
            self.modes.set_action_mode(name, "review")
        preferences = menus["Edit"].addMenu("Preferences")
        self._build_preferences(preferences)
        self.actions_by_name.update(self.review.build_preferences(preferences, self))
        stack = self.session.undo_stack
        undo, redo = self.actions_by_name["undo"], self.actions_by_name["redo"]
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(
            lambda t: undo.setText(f"Undo {menu_text(t)}" if t else "Undo")
        )
        stack.redoTextChanged.connect(
            lambda t: redo.setText(f"Redo {menu_text(t)}" if t else "Redo")
        )
        undo.setEnabled(False)
        redo.setEnabled(False)

    def _selection_hint(self, text: str) -> None:
        bar = self.statusBar()
        if text:
            bar.showMessage(text)
        elif bar.currentMessage() == self._hint:
            bar.clearMessage()  # only its own: "Add NORP “Kazakh”" stays
        self._hint = text

    def do_toggle_rejected(self) -> None:
        self.article_pane.set_show_rejected(self.actions_by_name["toggle_rejected"].isChecked())

    def do_show_shortcuts(self) -> None:
        exec_keeping_focus(ShortcutsDialog(self.scheme, self))

    def _build_preferences(self, menu: QMenu) -> None:
        advance = QAction("Move on after a fix", self, checkable=True)
        advance.setStatusTip(
            "A relabel, a boundary step or a new span goes to the next open suggestion"
        )
        advance.setChecked(advance_after_fix(self.settings))
        advance.toggled.connect(lambda on: set_advance_after_fix(self.settings, on))
        menu.addAction(advance)
        self.actions_by_name["pref_advance_after_fix"] = advance
        done = menu.addMenu("Marking done with open suggestions")
        group = QActionGroup(self)
        current = done_with_open(self.settings)
        for value, text in (
            ("ask", "Ask each time"),
            ("accept", "Accept them"),
            ("leave", "Leave them open"),
        ):
            act = QAction(text, self, checkable=True)
            act.setChecked(value == current)
            act.triggered.connect(lambda _=False, v=value: set_done_with_open(self.settings, v))
            group.addAction(act)
            done.addAction(act)
            self.actions_by_name[f"pref_done_{value}"] = act
        # a choice made in D's question ("do this every time") shows here when next opened
        done.aboutToShow.connect(
            lambda: self.actions_by_name[f"pref_done_{done_with_open(self.settings)}"].setChecked(
                True
            )
        )

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab and Shift+Tab go between the text and the span list only (in review mode:
        # the text and the versions).
        if self.review.tab(QApplication.focusWidget(), next):
            return True
        if self.focus.tab(QApplication.focusWidget()):
            return True
        return super().focusNextPrevChild(next)

    # -- window ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.pending_sizes is not None:
            self.splitter.setSizes(self.pending_sizes)
            self.pending_sizes = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.training.may_close():
            event.ignore()
            return
        save_window(self)
        self.tasks.stop_tasks()
        self.review.queue.cancel()
        self.agreement.cancel(quiet=True)
        self.facts.stop()
        self.training.stop_on_close()
        self.comparing.stop()
        self.store.close()
        super().closeEvent(event)


def check_project(db_path: str | Path) -> None:
    """Raise ProjectError when the project cannot be opened (for the gui command)."""
    Store(db_path, create=False).close()


__all__ = ["MainWindow", "ProjectError", "check_project"]
