"""The model in use: shown in the status bar, listed and chosen in the Model menu (or
Ctrl+M's dialog), remembered per project. The curation view and the document list
show its suggestions only (and the knowledge base's pre-links); switching to a model
that can run re-suggests, in the background, the documents the curator has not
finished that it has not seen. Statuses are never changed by it."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from annotator.core.model_choice import (
    ModelChoice,
    documents_to_suggest,
    find_choice,
    has_suggested,
    initial_model,
    model_choices,
    shown_sources,
)
from annotator.core.registry import resolve_model
from annotator.gui.background import BackgroundTasks
from annotator.gui.errors import show_error
from annotator.gui.modal import exec_keeping_focus
from annotator.gui.model_dialogs import ModelPickerDialog
from annotator.gui.plain import menu_text, tooltip
from annotator.gui.session import CurationSession


class ModelControl(QObject):
    # The model in use changed (its name; None: no model yet).
    modelChanged = Signal(object)

    def __init__(
        self,
        session: CurationSession,
        tasks: BackgroundTasks,
        settings: QSettings,
        project_key: str,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.tasks = tasks
        self.settings = settings
        self.settings_key = f"projects/{project_key}/model"
        self.parent_widget = parent
        self.name: str | None = None
        # a newly trained model the picker offers first
        self.highlight: str | None = None
        self.menu: QMenu | None = None
        self._menu_actions: list[QAction] = []
        self.button = QToolButton()
        self.button.setAutoRaise(True)
        self.button.setObjectName("modelInUse")
        self.button.clicked.connect(self.do_switch_model)
        session.documentOpened.connect(self._show)
        tasks.suggestEnded.connect(self._show)
        remembered = settings.value(self.settings_key)
        self._use(initial_model(self.store, str(remembered) if remembered else None))

    def widgets(self) -> list[QWidget]:
        return [self.button]

    # -- the model in use ----------------------------------------------------------------

    def choices(self) -> list[ModelChoice]:
        return model_choices(self.store)

    def _use(self, name: str | None) -> None:
        choice = find_choice(self.choices(), name)
        self.name = name
        # what "Suggest new documents" and an import run: the model in use when it can
        self.tasks.model = choice.load if choice is not None and choice.runnable else None
        self.session.set_models(shown_sources(name))
        self._show()
        self.modelChanged.emit(name)

    def switch(self, name: str) -> bool:
        """Make `name` the model in use and re-suggest with it what the curator has not
        finished; False (and a message) when it cannot be done now."""
        choice = find_choice(self.choices(), name)
        if choice is None:
            self._say(f"No model named {name} in this project", 6000)
            return False
        if choice.runnable and self.tasks.busy():
            self._say(
                "Wait for the running import or suggestion to end (or Cancel it), then "
                "switch models",
                8000,
            )
            return False
        if choice.record is not None:
            try:
                resolve_model(self.store, choice.name)  # its folder is still there
            except Exception as exc:
                show_error(self.parent_widget, exc, f"Switching to {name}")
                return False
        if self.highlight == name:
            self.highlight = None
        self._use(name)
        self.settings.setValue(self.settings_key, name)
        self.settings.sync()
        curator = self.session.annotator
        if not choice.runnable:
            self._say(
                f"Showing {name}'s suggestions; it cannot run here (neither installed nor "
                "trained in this project), so it suggests no more documents",
                10000,
            )
            return True
        todo = documents_to_suggest(self.store, name, curator)
        if not todo:
            self._say(
                f"Model in use: {name}. It has already suggested every document {curator} "
                "has not finished",
                8000,
            )
            return True
        self.tasks.start_suggest(not_done_for=curator)
        return True

    def _say(self, text: str, ms: int) -> None:
        self.session.message.emit(text, ms)

    def _show(self, *_args: object) -> None:
        """The status bar's model: its name, whether it has run over the open document,
        and its details as the tooltip."""
        if self.name is None:
            self.button.setText("Model: none")
            self.button.setToolTip(
                tooltip("No model has suggested in this project yet (Ctrl+M: choose one)")
            )
            return
        choice = find_choice(self.choices(), self.name)
        doc_id = self.session.doc_id
        text = f"Model: {self.name}"
        if doc_id is not None and not has_suggested(self.store, self.name, doc_id):
            text += " (not run on this document)"
        self.button.setText(menu_text(text))
        details = choice.details() if choice is not None else self.name
        self.button.setToolTip(tooltip(f"{details}\n\nCtrl+M: switch models"))

    # -- choosing ------------------------------------------------------------------------

    def do_switch_model(self) -> None:
        dialog = ModelPickerDialog(
            self.choices(),
            self.name,
            self.highlight,
            lambda name: len(documents_to_suggest(self.store, name, self.session.annotator)),
            self.session.annotator,
            self.parent_widget,
        )
        if exec_keeping_focus(dialog) and (name := dialog.selected()) is not None:
            self.switch(name)

    def attach_menu(self, menu: QMenu) -> None:
        """List the models at the top of the Model menu, the one in use ticked; the list
        is read again each time the menu opens (training adds models)."""
        self.menu = menu
        menu.setToolTipsVisible(True)
        menu.aboutToShow.connect(self.fill_menu)
        self.fill_menu()

    def fill_menu(self) -> None:
        menu = self.menu
        if menu is None:
            return
        for act in self._menu_actions:
            menu.removeAction(act)
            act.deleteLater()
        self._menu_actions = []
        first = menu.actions()[0] if menu.actions() else None
        group = QActionGroup(menu)
        for c in self.choices():
            act = QAction(menu_text(c.label()), menu, checkable=True)
            act.setChecked(c.name == self.name)
            act.setToolTip(tooltip(c.details()))
            act.setStatusTip(f"Use {c.name}'s suggestions" + ("" if c.runnable else " (view only)"))
            act.triggered.connect(lambda _=False, name=c.name: self.switch(name))
            group.addAction(act)
            menu.insertAction(first, act)
            self._menu_actions.append(act)
        self._menu_actions.append(menu.insertSeparator(first))

    def model_added(self, name: str) -> None:
        """A model was just trained: list it, and offer it first in Ctrl+M's dialog."""
        self.highlight = name
        self.fill_menu()
