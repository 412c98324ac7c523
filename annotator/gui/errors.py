"""The one place that shows errors to the curator (Anki's pattern): every exception the
window catches, and every one nobody caught, ends here as a clear dialog, never a
traceback on the console."""

from __future__ import annotations

import sqlite3
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.store import InvalidSpan, ProjectBusy, ProjectError
from annotator.gui.modal import exec_keeping_focus
from annotator.gui.plain import plain_box


def describe(exc: BaseException) -> tuple[str, str]:
    """(title, message) for an exception, in the curator's terms."""
    if isinstance(exc, ProjectBusy):
        return (
            "Project busy",
            f"{exc}.\n\nAnother annotator process or an export is writing to it. Nothing "
            "was lost: try the action again in a moment.",
        )
    if isinstance(exc, ProjectError):
        return ("Cannot open project", str(exc))
    if isinstance(exc, InvalidSpan):
        return ("Span not saved", str(exc))
    if isinstance(exc, sqlite3.DatabaseError):
        return (
            "Project error",
            f"The project file reported an error: {exc}.\n\nThe last action may not have "
            "been saved; reopen the project to see its state.",
        )
    if isinstance(exc, AnnotatorError):  # one line naming the cause, shown as it is
        return ("Not possible", str(exc))
    if isinstance(exc, ValueError | KeyError):
        return ("Not possible", str(exc).strip("'\""))
    return ("Unexpected error", f"{type(exc).__name__}: {exc}")


def show_error(parent: QWidget | None, exc: BaseException, doing: str = "") -> None:
    title, text = describe(exc)
    if doing:
        text = f"{doing} failed.\n\n{text}"
    box = plain_box(
        QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
    )
    if title == "Unexpected error":
        box.setDetailedText("".join(traceback.format_exception(exc)))
    exec_keeping_focus(box)


def install_excepthook(parent: QWidget | None = None) -> None:
    """Route exceptions raised in slots (which Qt would only print) to show_error."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        traceback.print_exception(kind, exc, tb)
        show_error(parent, exc)

    sys.excepthook = hook
