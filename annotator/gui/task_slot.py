"""A place in the status bar for one kind of long work (training, comparing models):
what it is doing, a progress bar and a Stop button while it runs; once it ends, what
came of it with a button for the next step ("Switch to it") and one to dismiss it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QToolButton, QWidget

from annotator.gui.plain import plain_label, tooltip


class TaskSlot(QObject):
    stopRequested = Signal()

    def __init__(self, stop_tip: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = plain_label(QLabel())
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(True)
        self.button = QToolButton()
        self.button.clicked.connect(self._clicked)
        self.dismiss = QToolButton()
        self.dismiss.setText("✕")
        self.dismiss.setAutoRaise(True)
        self.dismiss.setToolTip("Dismiss")
        self.dismiss.clicked.connect(self.clear)
        self._stop_tip = stop_tip
        self._offered: Callable[[], None] | None = None
        self.clear()

    def widgets(self) -> list[QWidget]:
        return [self.label, self.progress, self.button, self.dismiss]

    def running(self, text: str, value: int = 0, maximum: int = 0) -> None:
        """Show work in progress (maximum 0: a busy bar until the size is known)."""
        self._offered = None
        self.label.setText(text)
        self.label.setToolTip("")
        self.progress.setRange(0, maximum)
        self.progress.setValue(value)
        self.button.setText("Stop")
        self.button.setToolTip(self._stop_tip)
        self.button.setEnabled(True)
        for w in (self.label, self.progress, self.button):
            w.show()
        self.dismiss.hide()

    def update(self, text: str, value: int | None = None, maximum: int | None = None) -> None:
        self.label.setText(text)
        if maximum is not None:
            self.progress.setRange(0, maximum)
        if value is not None:
            self.progress.setValue(value)

    def stopping(self, text: str) -> None:
        self.label.setText(text)
        self.button.setEnabled(False)

    def offer(
        self,
        text: str,
        button_text: str | None = None,
        action: Callable[[], None] | None = None,
        details: str = "",
    ) -> None:
        """Show how the work ended, with a button for the next step when there is one;
        it stays until dismissed, the button is used, or new work starts."""
        self._offered = action
        self.label.setText(text)
        self.label.setToolTip(tooltip(details))
        self.label.show()
        self.progress.hide()
        self.button.setVisible(action is not None)
        self.button.setEnabled(True)
        if button_text:
            self.button.setText(button_text)
            self.button.setToolTip(tooltip(details))
        self.dismiss.show()

    def clear(self) -> None:
        self._offered = None
        for w in self.widgets():
            w.hide()

    def is_offering(self) -> bool:
        return self._offered is not None and self.button.isVisible()

    def _clicked(self) -> None:
        if self._offered is not None:
            action = self._offered
            self.clear()
            action()
        else:
            self.stopRequested.emit()
