"""The window's modes: curating (the document list, the article, the span list) and
reviewing (the review queue, every curator's version, the dispute panel). The centre is
a stack of pages, one per mode; switching shows the mode's page and status-bar widgets,
enables the actions of the mode (an `ActionSpec`'s `mode`; "any" stays on) and disables
the others, so two modes can give one key to different actions, and puts the keyboard in
the mode's home widget.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QUndoCommand
from PySide6.QtWidgets import QStackedWidget, QWidget

ANY = "any"


class WindowModes(QObject):
    modeChanged = Signal(str)  # the new mode

    def __init__(self, actions: dict[str, QAction], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = QStackedWidget()
        self.actions = actions  # the window's, by name
        self.action_modes: dict[str, str] = {}  # action name -> mode; absent: any
        self._pages: dict[str, QWidget] = {}
        self._homes: dict[str, QWidget] = {}
        self._status: dict[str, list[QWidget]] = {}
        self.mode = ""

    def add(self, mode: str, page: QWidget, home: QWidget, status: Iterable[QWidget] = ()) -> None:
        """A mode's page, the widget the keyboard goes to when it shows, and the
        status-bar widgets shown only in it (the caller puts them in the status bar)."""
        self._pages[mode] = page
        self._homes[mode] = home
        self._status[mode] = list(status)
        self.stack.addWidget(page)
        if not self.mode:
            self.mode = mode

    def set_action_mode(self, name: str, mode: str) -> None:
        self.action_modes[name] = mode

    def set_mode(self, mode: str, *, focus: bool = True) -> None:
        if mode not in self._pages:
            raise KeyError(f"no window mode {mode!r}")
        changed = mode != self.mode
        self.mode = mode
        self.stack.setCurrentWidget(self._pages[mode])
        self.apply()
        if focus:
            self._homes[mode].setFocus(Qt.FocusReason.OtherFocusReason)
        if changed:
            self.modeChanged.emit(mode)

    def apply(self) -> None:
        """Enable the current mode's actions, show its status-bar widgets."""
        for name, action_mode in self.action_modes.items():
            action = self.actions.get(name)
            if action is not None and action_mode != ANY:
                action.setEnabled(action_mode == self.mode)
        for mode, widgets in self._status.items():
            for w in widgets:
                w.setVisible(mode == self.mode)

    def enabled_in(self, name: str, mode: str) -> bool:
        return self.action_modes.get(name, ANY) in (ANY, mode)


def command_mode(command: QUndoCommand | None) -> str | None:
    """The mode an undo command belongs to (`mode` attribute; a macro: its first
    child's), or None when it does not say."""
    while command is not None:
        mode = getattr(command, "mode", None)
        if isinstance(mode, str):
            return mode
        command = command.child(0) if command.childCount() else None
    return None
