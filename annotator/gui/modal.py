"""Dialogs that give the keyboard focus back: after any dialog closes, the widget that
had the focus has it again and its window is active (Qt leaves that to the platform,
and not every platform does it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget
from shiboken6 import isValid


def _give_back(before: QWidget | None) -> None:
    if before is not None and isValid(before) and before.isVisible():
        before.window().activateWindow()
        before.setFocus(Qt.FocusReason.OtherFocusReason)


@contextmanager
def keeping_focus() -> Iterator[None]:
    """Around code that shows a dialog of its own (a file dialog)."""
    before = QApplication.focusWidget()
    try:
        yield
    finally:
        _give_back(before)


def exec_keeping_focus(dialog: QDialog) -> int:
    """Run a modal dialog; afterwards the focus is where it was."""
    with keeping_focus():
        return int(dialog.exec())


def open_keeping_focus(dialog: QDialog) -> None:
    """Show a window-modal dialog without waiting; when it closes, the focus is where
    it was before it opened."""
    before = QApplication.focusWidget()
    dialog.finished.connect(lambda _result: _give_back(before))
    dialog.open()


def show_keeping_focus(dialog: QDialog) -> None:
    """Show a modeless dialog (the window stays usable beside it); when it closes, the
    focus is where it was before it opened."""
    before = QApplication.focusWidget()
    dialog.finished.connect(lambda _result: _give_back(before))
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


def save_cancel(on_save: Callable[[], None], on_cancel: Callable[[], None]) -> QDialogButtonBox:
    """A dialog's Save (the default, Enter) and Cancel (Esc) buttons."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.setText("Save (Enter)")
    save.setDefault(True)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(on_cancel)
    return buttons
