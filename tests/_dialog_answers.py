"""Answering the window's modal dialogs by keys, as a curator would: a timer watches for
the next dialog that becomes the active window and hands it to the handler registered
for its class; keys then go to whatever has the focus in it. A key press that opens
several dialogs in a row (the link popup, then the offer of the other mentions) is
answered dialog by dialog; `press` returns once they are all closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

NO = Qt.KeyboardModifier.NoModifier
Handler = Callable[[QWidget], None]


class DialogAnswers:
    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.handlers: dict[str, Handler] = {}
        self.seen: list[str] = []
        self.unexpected: list[str] = []
        self._handled: list[QWidget] = []  # kept alive, so no id is reused
        self.keys = 0  # every key pressed, in the window and in dialogs
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or QApplication.activeWindow() is not modal:
            return
        if any(modal is h for h in self._handled):
            return
        self._handled.append(modal)
        name = type(modal).__name__
        self.seen.append(name)
        handler = self.handlers.get(name)
        if handler is None:
            self.unexpected.append(name)
            modal.close()  # never leave a test hanging in a dialog
            return
        handler(modal)

    def key(self, k: Qt.Key | str, mods: Qt.KeyboardModifier = NO) -> None:
        """A key press on whatever has the keyboard focus."""
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        self.keys += 1
        self.qtbot.keyClick(target, k, mods)

    def type(self, text: str) -> None:
        for ch in text:
            self.key(ch)

    def press(self, k: Qt.Key | str, mods: Qt.KeyboardModifier = NO, **handlers: Handler) -> None:
        """Press a key in the window; the dialogs it opens go to `handlers` (by class
        name). Asserts that no other dialog opened."""
        self.handlers = handlers
        before = len(self.seen)
        try:
            self.key(k, mods)
        finally:
            self.handlers = {}
        assert not self.unexpected, f"dialogs nobody answered: {self.unexpected}"
        if len(self.seen) > before:
            # the window is active again (the platform does that after a dialog closes)
            self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)

    def stop(self) -> None:
        self.timer.stop()
