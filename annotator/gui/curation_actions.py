"""The curator's span and document actions (the do_* names in actions.py): each one a
core curation function run through the session, which writes it at once and puts it on
the undo stack.

Advance after a fix: a relabel, a boundary step or a new span moves on to the next open
suggestion, as an accept does, so a fix costs no extra key (Edit → Preferences turns it
off). After a new span the caret stays at its end, so the next selection or find goes on
from there. D with open suggestions asks once what to do with them (accept them, leave
them open, or go back), or does what the preference says.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from annotator.core import curation
from annotator.core.curation import Change, SpanItem
from annotator.gui.article_view import ArticleView
from annotator.gui.dialogs import DoneWithOpenBox, FigureDialog, LabelPicker
from annotator.gui.labels import LabelScheme
from annotator.gui.modal import exec_keeping_focus
from annotator.gui.session import CurationSession
from annotator.gui.settings import advance_after_fix, done_with_open, set_done_with_open


class CurationActions:
    def __init__(
        self,
        session: CurationSession,
        article: ArticleView,
        scheme: LabelScheme,
        parent: QWidget,
        settings: QSettings,
    ) -> None:
        self.session = session
        self.article = article
        self.scheme = scheme
        self.parent = parent  # of the dialogs
        self.settings = settings  # the curator's preferences, read when needed

    @property
    def advance_after_fix(self) -> bool:
        return advance_after_fix(self.settings)

    def _say(self, text: str, ms: int = 4000) -> None:
        self.session.message.emit(text, ms)

    def _selection_pending(self) -> bool:
        """True, with a word to the curator, when text is selected: keys that act on
        the current span wait, since no span is shown as current then."""
        if self.article.selected_span() is None:
            return False
        self._say("Text is selected: a label key or N adds it as a span; Esc clears it", 5000)
        return True

    # -- span actions ----------------------------------------------------------------------

    def _move(self, step: int) -> None:
        state = self.session.state
        if state is None or not state.items:
            return
        items = state.items
        i = state.index(self.session.current)
        if i is None:
            i = -1 if step > 0 else len(items)
        i = max(0, min(len(items) - 1, i + step))
        self.session.set_current(items[i].id)

    def do_next_span(self) -> None:
        self._move(+1)

    def do_prev_span(self) -> None:
        self._move(-1)

    def do_accept(self) -> None:
        if self.article.selected_span() is not None:
            self.do_create()
            return
        item = self.session.current_item()
        if item is None:
            return
        if not item.is_suggestion:
            # Already decided: Enter moves on, so a curator can keep pressing it.
            state = self.session.state
            nxt = state.next_open(item.id) if state else None
            if nxt is not None:
                self.session.set_current(nxt.id)
            return
        self.session.run(curation.accept, item, advance=True)

    def do_reject(self) -> None:
        if self._selection_pending():
            return
        item = self.session.current_item()
        if item is not None:
            self.session.run(curation.reject, item, advance=item.state == "suggested")

    def do_accept_all(self) -> None:
        self.session.run(curation.accept_all)

    def do_delete(self) -> None:
        if self._selection_pending():
            return
        item = self.session.current_item()
        if item is not None:
            self.session.run(curation.delete, item)

    def _resize(self, side: str, delta: int, unit: str = "token") -> None:
        if self._selection_pending():
            return
        item = self.session.current_item()
        if item is not None:
            self.session.run(
                curation.resize, item, side, delta, unit, advance=self.advance_after_fix
            )

    def do_widen_left(self) -> None:
        self._resize("left", +1)

    def do_widen_right(self) -> None:
        self._resize("right", +1)

    def do_narrow_left(self) -> None:
        self._resize("left", -1)

    def do_narrow_right(self) -> None:
        self._resize("right", -1)

    def do_widen_left_char(self) -> None:
        self._resize("left", +1, "char")

    def do_widen_right_char(self) -> None:
        self._resize("right", +1, "char")

    def do_narrow_left_char(self) -> None:
        self._resize("left", -1, "char")

    def do_narrow_right_char(self) -> None:
        self._resize("right", -1, "char")

    def do_label_key(self, key: str) -> None:
        """A label key ("1"-"9", "Alt+1"-"Alt+9"): on selected text, add an entity with
        that label; else give the current span that label."""
        sel = self.article.selected_span()
        if sel is not None:
            d = self.scheme.by_key("ents", key)
            if d is not None:
                self.create_span(d.layer, d.label)
            else:
                self._say(f"No entity label on key {key}")
            return
        item = self.session.current_item()
        if item is None:
            return
        d = self.scheme.by_key(item.layer, key)
        if d is None:
            self._say(f"No {item.layer} label on key {key}")
            return
        self._relabel(item, d.label)

    def _relabel(self, item: SpanItem, label: str) -> None:
        if item.is_suggestion and label == item.label:
            # the suggestion's own label: an accept, which moves on like every accept
            self.session.run(curation.accept, item, advance=True)
            return
        self.session.run(curation.relabel, item, label, advance=self.advance_after_fix)

    def pick_label(self, layers: tuple[str, ...]) -> tuple[str, str] | None:
        """Ask for a label; tests replace this."""
        picker = LabelPicker(self.scheme, layers, self.parent)
        if exec_keeping_focus(picker) and picker.chosen:
            return picker.chosen
        return None

    def do_pick_label_action(self) -> None:
        item = self.session.current_item()
        if self.article.selected_span() is not None:
            self.do_create()
            return
        if item is None:
            return
        chosen = self.pick_label((item.layer,))
        if chosen is not None:
            self._relabel(item, chosen[1])

    def create_span(self, layer: str, label: str, *, exact: bool = False) -> Change | None:
        sel = self.article.selected_span()
        state = self.session.state
        if sel is None or state is None:
            self._say("Select some text first")
            return None
        span = curation.selection_span(state, *sel, exact=exact)
        change = self.session.run(
            curation.create, *sel, layer, label, exact=exact, advance=self.advance_after_fix
        )
        if change is not None:
            self.article.clear_selection()
            if span is not None:
                self.article.place_caret(span[1])  # the next selection goes on from here
        else:
            self._say("Nothing added: the selection is only white space or that span is "
                      "already there", 5000)  # fmt: skip
        return change

    def _create(self, exact: bool) -> None:
        if self.article.selected_span() is None:
            self._say("Select some text first, then press N")
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
        dialog = FigureDialog(item, self.parent)
        if exec_keeping_focus(dialog):
            return dialog.result_values()
        return None

    def do_edit_figure(self) -> None:
        if self._selection_pending():
            return
        item = self.session.current_item()
        if item is None or item.layer != "figures" or not item.drawable:
            self._say("Select a figure to edit its value")
            return
        values = self.edit_figure_values(item)
        if values is not None:
            self.session.run(curation.edit_figure, item, **values)

    # -- document actions ---------------------------------------------------------------

    def _next_open_document(self) -> None:
        doc_id = self.session.doc_id
        if doc_id is None:
            return
        nxt = curation.next_open_document(self.session.store, self.session.annotator, doc_id)
        if nxt is None:
            self._say("Every document is done or skipped", 8000)
            return
        self.session.open(nxt)

    def ask_done_with_open(self, open_count: int) -> tuple[str | None, bool]:
        """Ask what to do with the open suggestions when marking done: ("accept" |
        "leave" | None for cancel, whether to do so from now on). Tests replace this."""
        state = self.session.state
        title = state.document.title if state is not None else ""
        box = DoneWithOpenBox(open_count, title or "", self.parent)
        exec_keeping_focus(box)
        return box.choice, box.remember()

    def do_mark_done(self) -> None:
        state = self.session.state
        if state is None:
            return
        what = "leave"
        if state.open_count:
            what = done_with_open(self.settings)
            if what == "ask":
                choice, remember = self.ask_done_with_open(state.open_count)
                if choice is None:
                    self._say("Not marked done: the document stays as it was")
                    return
                what = choice
                if remember:
                    set_done_with_open(self.settings, choice)
        if what == "accept":
            stack = self.session.undo_stack
            stack.beginMacro(f"Accept the {state.open_count} open and mark done")
            try:
                if self.session.run(curation.accept_all) is None:
                    return  # the error has been shown; nothing is marked done
                self.session.run(curation.mark_done)
            finally:
                stack.endMacro()
        else:
            self.session.run(curation.mark_done)
        if self.session.state is not None:
            self._next_open_document()

    def do_skip(self) -> None:
        if self.session.run(curation.skip) is not None or self.session.state is not None:
            self._next_open_document()

    def do_undo(self) -> None:
        self.session.undo_stack.undo()

    def do_redo(self) -> None:
        self.session.undo_stack.redo()
