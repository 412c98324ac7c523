"""The curator's span and document actions: each one written to the project at once and
pushed on the undo stack, whose undo and redo write the reverting ops."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core import curation
from annotator.core.curation import Change, SpanItem
from annotator.gui.dialogs import FigureDialog, LabelPicker
from annotator.gui.document_display import DocumentDisplayMixin
from annotator.gui.errors import show_error


class CurationCommand(QUndoCommand):
    """One curator action on the undo stack. The action has already been written when
    the command is pushed; undo and redo write the reverting ops (new writes)."""

    def __init__(self, window: CurationActionsMixin, change: Change) -> None:
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


class CurationActionsMixin(DocumentDisplayMixin):
    """MainWindow's part that runs curation actions (the do_* names in actions.py)."""

    undo_stack: QUndoStack

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
