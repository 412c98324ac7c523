"""The curator's span and document actions (the do_* names in actions.py): each one a
core curation function run through the session, which writes it at once and puts it on
the undo stack."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from annotator.core import curation
from annotator.core.curation import Change, SpanItem
from annotator.gui.article_view import ArticleView
from annotator.gui.dialogs import FigureDialog, LabelPicker
from annotator.gui.labels import LabelScheme
from annotator.gui.session import CurationSession


class CurationActions:
    def __init__(
        self,
        session: CurationSession,
        article: ArticleView,
        scheme: LabelScheme,
        parent: QWidget,
    ) -> None:
        self.session = session
        self.article = article
        self.scheme = scheme
        self.parent = parent  # of the dialogs

    def _say(self, text: str, ms: int = 4000) -> None:
        self.session.message.emit(text, ms)

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
        item = self.session.current_item()
        if item is not None:
            self.session.run(curation.reject, item, advance=item.state == "suggested")

    def do_accept_all(self) -> None:
        self.session.run(curation.accept_all)

    def do_delete(self) -> None:
        item = self.session.current_item()
        if item is not None:
            self.session.run(curation.delete, item)

    def _resize(self, side: str, delta: int) -> None:
        item = self.session.current_item()
        if item is not None:
            self.session.run(curation.resize, item, side, delta)

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
        item = self.session.current_item()
        if item is None:
            return
        d = self.scheme.by_key(item.layer, key)
        if d is None:
            self._say(f"No {item.layer} label on key {key}")
            return
        self.session.run(curation.relabel, item, d.label)

    def pick_label(self, layers: tuple[str, ...]) -> tuple[str, str] | None:
        """Ask for a label; tests replace this."""
        picker = LabelPicker(self.scheme, layers, self.parent)
        if picker.exec() and picker.chosen:
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
            self.session.run(curation.relabel, item, chosen[1])

    def create_span(self, layer: str, label: str, *, exact: bool = False) -> Change | None:
        sel = self.article.selected_span()
        if sel is None:
            self._say("Select some text first")
            return None
        change = self.session.run(curation.create, sel[0], sel[1], layer, label, exact=exact)
        if change is not None:
            self.article.clear_selection()
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
        if dialog.exec():
            return dialog.result_values()
        return None

    def do_edit_figure(self) -> None:
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

    def do_mark_done(self) -> None:
        if self.session.run(curation.mark_done) is not None or self.session.state is not None:
            self._next_open_document()

    def do_skip(self) -> None:
        if self.session.run(curation.skip) is not None or self.session.state is not None:
            self._next_open_document()

    def do_undo(self) -> None:
        self.session.undo_stack.undo()

    def do_redo(self) -> None:
        self.session.undo_stack.redo()
