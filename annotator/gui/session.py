"""The curation session: which document is open for which curator, which span is
current, and the undo stack of the actions taken. The window's panes subscribe to its
signals and show what it holds; none of them keeps a copy (napari's model/view split).

Actions are core functions (`annotator.core.curation`) that write at once and return a
`Change`; `run` pushes it on the undo stack, whose undo and redo write the reverting ops.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core import curation
from annotator.core.curation import Change, DocState, SpanItem
from annotator.core.store import Store


class Replays(Protocol):
    def replay(self, change: Change, verb: str) -> Change: ...


class ChangeCommand(QUndoCommand):
    """One action on the undo stack (a curator's, or a reviewer's with mode "review").
    The action has already been written when the command is pushed; undo and redo write
    the reverting ops (new writes) through the session's `replay`."""

    def __init__(self, session: Replays, change: Change, mode: str | None = None) -> None:
        super().__init__(change.text)
        self.session = session
        self.change = change  # reverting it undoes the action
        self.mode = mode  # the window mode it was taken in (None: curation)
        self.first = True

    def redo(self) -> None:
        if self.first:
            self.first = False
            return
        self.change = self.session.replay(self.change, "Redo")

    def undo(self) -> None:
        self.change = self.session.replay(self.change, "Undo")


class CurationSession(QObject):
    # A document was opened (new text), or the open one re-read after a write.
    documentOpened = Signal(object)  # DocState | None
    stateChanged = Signal(object)  # DocState
    # The current span; the bool says whether views should scroll to it.
    currentChanged = Signal(object, bool)  # item id | None, scroll
    # A text selection that a label key would add as a span: where it snaps, or None.
    pendingChanged = Signal(object)  # tuple[int, int] | None
    message = Signal(str, int)  # status-bar text, milliseconds
    failed = Signal(object, str)  # exception, what was being done
    # Whose suggestions show: the model in use and `kb` (None: every model's).
    modelsChanged = Signal(object)  # frozenset[str] | None

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.state: DocState | None = None
        self.current: str | None = None  # the current span's item id
        self.pending: tuple[int, int] | None = None  # a selection's snapped span
        self.models: frozenset[str] | None = None  # whose suggestions show; None: all
        self.undo_stack = QUndoStack(self)

    # -- showing -----------------------------------------------------------------------

    def clear(self) -> None:
        self.state = None
        self.current = None
        self.documentOpened.emit(None)

    def open(self, doc_id: int, focus: str | None = None) -> bool:
        """Show a document; `focus` names the span to select (else the first open one).
        False when the document is no longer in the project."""
        try:
            state = curation.load(self.store, doc_id, self.annotator, models=self.models)
        except KeyError:
            self.message.emit(f"Document {doc_id} is no longer in the project", 5000)
            return False
        self.state = state
        self.documentOpened.emit(state)
        item = state.resolve(focus) if focus else None
        if item is None:
            item = state.next_open(None) or next((i for i in state.items if i.drawable), None)
        self.set_current(item.id if item else None)
        return True

    def refresh(self, focus: str | None, *, advance: bool = False) -> None:
        """Re-read the open document after a write and show it; with `advance`, move on
        to the next open suggestion after `focus`."""
        if self.state is None:
            return
        state = curation.load(
            self.store,
            self.state.document.id,
            self.annotator,
            self.state.suggestions,
            models=self.models,
        )
        self.state = state
        item = state.resolve(focus)
        if advance:
            item = state.next_open(item.id if item else None) or item
        self.stateChanged.emit(state)
        self.set_current(item.id if item else None)

    def reload(self) -> None:
        """Read the open document again, suggestions included (a background run may have
        made new ones), keeping the current span."""
        if self.state is not None:
            self.open(self.state.document.id, self.current)

    def set_models(self, models: frozenset[str] | None) -> None:
        """Show these models' suggestions only (None: every model's); the open document
        is read again."""
        if models == self.models:
            return
        self.models = models
        self.modelsChanged.emit(models)
        self.reload()

    def set_current(self, item_id: str | None, *, scroll: bool = True) -> None:
        self.current = item_id
        self.currentChanged.emit(item_id, scroll)

    def set_pending(self, span: tuple[int, int] | None) -> None:
        """A text selection is pending (`span`: where it snaps) or was dropped (None)."""
        if span != self.pending:
            self.pending = span
            self.pendingChanged.emit(span)

    def current_item(self) -> SpanItem | None:
        return None if self.state is None else self.state.item(self.current)

    @property
    def doc_id(self) -> int | None:
        return None if self.state is None else self.state.document.id

    # -- acting ------------------------------------------------------------------------

    def run(
        self, fn: Callable[..., Change | None], *args: Any, advance: bool = False, **kw: Any
    ) -> Change | None:
        """Run one curation action on the open document; on success push it on the undo
        stack and show the result. Errors go to `failed` (the one error dialog)."""
        if self.state is None:
            return None
        try:
            change = fn(self.store, self.state, *args, **kw)
        except Exception as exc:
            self.failed.emit(exc, "Saving the action")
            with contextlib.suppress(Exception):  # the error has been shown already
                self.refresh(self.current)
            return None
        if change is None:
            return None
        self.undo_stack.push(ChangeCommand(self, change))
        self.refresh(change.focus, advance=advance)
        self.message.emit(change.text, 4000)
        return change

    def replay(self, change: Change, verb: str) -> Change:
        """Undo or redo: write the reverting ops, showing the document they are in."""
        try:
            back = curation.revert(self.store, change)
        except Exception as exc:
            self.failed.emit(exc, verb)
            QTimer.singleShot(0, self.undo_stack.clear)
            self.message.emit("Undo history cleared after an error", 8000)
            return change
        where = ""
        if self.doc_id != change.doc_id:
            self.open(change.doc_id, change.focus)
            title = self.state.document.title if self.state else ""
            where = f" in “{title}”"
        else:
            self.refresh(change.focus)
        self.message.emit(f"{verb}: {change.text}{where}", 6000)
        return back
