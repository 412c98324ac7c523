"""The reviewer's actions (the `do_review_*` names in actions.py, and the curator number
keys): each one an `annotator.core.review` function run through the review session,
written at once and put on the window's undo stack.

Settling a disagreement is one key: a curator's number (their version), A or Enter (the
gold as it stands: what auto-accept or the reviewer put there), X (no span); each then
goes on to the next open disagreement. Space, O and the edit keys compose a gold the
curators did not make, and stay where they are.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget

from annotator.core import review as core
from annotator.core.curation import SpanItem
from annotator.core.review import walk
from annotator.gui.actions import CURATOR_KEYS, WHOLE_DOCUMENT_KEYS
from annotator.gui.dialogs import FigureDialog, LabelPicker
from annotator.gui.labels import LabelScheme
from annotator.gui.modal import exec_keeping_focus
from annotator.gui.plain import plain_box
from annotator.gui.review_article import ReviewArticleView
from annotator.gui.review_queue import ReviewQueuePane
from annotator.gui.review_session import ReviewSession


class ReviewActions:
    def __init__(
        self,
        session: ReviewSession,
        article: ReviewArticleView,
        versions: QWidget,
        queue: ReviewQueuePane,
        scheme: LabelScheme,
        parent: QWidget,
    ) -> None:
        self.session = session
        self.article = article
        self.versions = versions  # the dispute pane's list
        self.queue = queue
        self.scheme = scheme
        self.parent = parent  # of the dialogs

    def _say(self, text: str, ms: int = 4000) -> None:
        self.session.message.emit(text, ms)

    def build_number_actions(self, menu: QMenu, owner: QWidget) -> dict[str, QAction]:
        """Curator keys 1-9 (their version of the span group) and Ctrl+1-9 (their whole
        document), in a submenu of the Review menu."""
        made: dict[str, QAction] = {}
        sub = menu.addMenu("Take a curator's version")
        for n, key in enumerate(CURATOR_KEYS, 1):
            act = QAction(f"Curator {n}'s version of this span group", owner)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(lambda _=False, n=n: self.take_version(n))
            sub.addAction(act)
            made[f"review_take_{n}"] = act
        sub.addSeparator()
        for n, key in enumerate(WHOLE_DOCUMENT_KEYS, 1):
            act = QAction(f"Curator {n}'s whole document", owner)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(lambda _=False, n=n: self.take_document(n))
            sub.addAction(act)
            made[f"review_take_document_{n}"] = act
        return made

    # -- moving --------------------------------------------------------------------------

    def _go(self, delta: int, every: bool) -> None:
        r = self.session.review
        if r is None:
            return
        found = walk.step(r, self.session.current, delta, every=every)
        if found is None:
            what = "span" if every else "disagreement"
            self._say(f"No {what} {'after' if delta > 0 else 'before'} this one")
            return
        self.session.set_current(found.id)

    def do_review_next(self) -> None:
        self._go(+1, False)

    def do_review_prev(self) -> None:
        self._go(-1, False)

    def do_review_next_stop(self) -> None:
        self._go(+1, True)

    def do_review_prev_stop(self) -> None:
        self._go(-1, True)

    def _row_step(self, delta: int) -> None:
        rows = self.session.rows()
        if not rows:
            return
        keys = [r.key for r in rows]
        i = keys.index(self.session.row_key) if self.session.row_key in keys else -1
        self.session.set_row(keys[(i + delta) % len(keys)])

    def do_review_next_option(self) -> None:
        self._row_step(+1)

    def do_review_prev_option(self) -> None:
        self._row_step(-1)

    # -- settling ------------------------------------------------------------------------

    def _stop_with_versions(self) -> Any:
        stop = self.session.current_stop()
        if stop is None or not stop.options:
            self._say("No curator's version here: J goes to the next disagreement")
            return None
        return stop

    def _advance(self) -> None:
        r = self.session.review
        if r is None:
            return
        nxt = walk.next_open(r, self.session.current)
        if nxt is not None:
            self.session.set_current(nxt.id)
        else:
            self._say("Every disagreement in this document is settled: D marks its gold done")

    def take_version(self, number: int) -> None:
        r = self.session.review
        stop = self._stop_with_versions()
        if r is None or stop is None:
            return
        if number > len(r.curators):
            self._say(f"No curator {number}: {len(r.curators)} curators finished this document")
            return
        change = self.session.run(core.take_version, stop.id, r.curators[number - 1], advance=True)
        if change is None:
            self._advance()  # that version was the gold already: the key still moves on

    def take_document(self, number: int) -> None:
        r = self.session.review
        if r is None:
            return
        if number > len(r.curators):
            self._say(f"No curator {number}: {len(r.curators)} curators finished this document")
            return
        if self.session.run(core.take_document, r.curators[number - 1]) is None:
            self._say(f"The gold is already {r.curators[number - 1]}'s whole document")

    def do_review_keep(self) -> None:
        stop = self._stop_with_versions()
        if stop is None:
            return
        if stop.agreed or stop.settled:
            self._advance()
            return
        self.session.run(core.settle, stop.id, advance=True)

    def do_review_reject_all(self) -> None:
        stop = self._stop_with_versions()
        if stop is None:
            return
        if self.session.run(core.reject_all, stop.id, advance=True) is None:
            self._advance()

    def do_review_toggle_option(self) -> None:
        stop = self.session.current_stop()
        row = self.session.current_row()
        if stop is None or row is None:
            return
        if row.key.startswith(walk.GOLD_ROW) and row.gold_id is not None:
            self.session.run(core.delete_gold, row.gold_id)
        elif row.in_gold:
            self.session.run(core.reject_option, stop.id, row.key)
        else:
            self.session.run(core.accept_option, stop.id, row.key)

    # -- editing the gold ----------------------------------------------------------------

    def _selection_pending(self) -> bool:
        if self.article.selected_span() is None:
            return False
        self._say("Text is selected: N adds it to the gold; Esc clears it", 5000)
        return True

    def _gold_row(self) -> walk.Row | None:
        """The current row when it is in the gold (what an edit changes)."""
        row = self.session.current_row()
        if row is None:
            self._say("No version is current here")
            return None
        if not row.in_gold:
            self._say("This version is not in the gold: Space accepts it first")
            return None
        return row

    def pick_label(self, layers: tuple[str, ...]) -> tuple[str, str] | None:
        """Ask for a label; tests replace this."""
        picker = LabelPicker(self.scheme, layers, self.parent)
        if exec_keeping_focus(picker) and picker.chosen:
            return picker.chosen
        return None

    def do_review_relabel(self) -> None:
        if self.article.selected_span() is not None:
            self.do_review_add()
            return
        row = self._gold_row()
        if row is None or row.gold_id is None:
            return
        chosen = self.pick_label((row.sig.layer,))
        if chosen is not None:
            self.session.run(core.relabel_gold, row.gold_id, chosen[1])

    def _resize(self, side: str, delta: int, unit: str = "token") -> None:
        if self._selection_pending():
            return
        row = self._gold_row()
        if row is not None and row.gold_id is not None:
            self.session.run(core.resize_gold, row.gold_id, side, delta, unit)

    def do_review_widen_left(self) -> None:
        self._resize("left", +1)

    def do_review_widen_right(self) -> None:
        self._resize("right", +1)

    def do_review_narrow_left(self) -> None:
        self._resize("left", -1)

    def do_review_narrow_right(self) -> None:
        self._resize("right", -1)

    def do_review_widen_left_char(self) -> None:
        self._resize("left", +1, "char")

    def do_review_widen_right_char(self) -> None:
        self._resize("right", +1, "char")

    def do_review_narrow_left_char(self) -> None:
        self._resize("left", -1, "char")

    def do_review_narrow_right_char(self) -> None:
        self._resize("right", -1, "char")

    def _add(self, exact: bool) -> None:
        sel = self.article.selected_span()
        r = self.session.review
        if sel is None or r is None:
            self._say("Select some text first, then press N")
            return
        chosen = self.pick_label(("ents", "figures"))
        if chosen is None:
            return
        layer, label = chosen
        before = {g.annotation_id for g in r.gold}
        change = self.session.run(core.add_gold, sel[0], sel[1], layer, label, exact=exact)
        if change is None:
            self._say("Nothing added: the selection is only white space or that span is in "
                      "the gold already", 5000)  # fmt: skip
            return
        self.article.clear_selection()
        r = self.session.review
        new = [g for g in r.gold if g.annotation_id not in before] if r is not None else []
        if r is not None and new:
            g = new[0]
            stop = walk.stop_at(r, g.sig.start, g.sig.layer)
            if stop is not None:
                row = walk.find_row(walk.rows(r, stop), None, g.annotation_id)
                self.session.set_current(stop.id, row.key if row else None)
            self.article.place_caret(g.sig.end)

    def do_review_add(self) -> None:
        self._add(False)

    def do_review_add_exact(self) -> None:
        self._add(True)

    def do_review_delete(self) -> None:
        if self._selection_pending():
            return
        row = self._gold_row()
        if row is not None and row.gold_id is not None:
            self.session.run(core.delete_gold, row.gold_id)

    def edit_figure_values(self, item: SpanItem) -> dict[str, Any] | None:
        """Ask for a figure's value, unit and kind; tests replace this."""
        dialog = FigureDialog(item, self.parent)
        if exec_keeping_focus(dialog):
            return dialog.result_values()
        return None

    def do_review_edit_figure(self) -> None:
        if self._selection_pending():
            return
        row = self._gold_row()
        if row is None or row.gold_id is None:
            return
        if row.sig.layer != "figures":
            self._say("E edits a figure: this is an entity (L relabels it)")
            return
        s = row.sig
        item = SpanItem(f"a{row.gold_id}", s.layer, s.start, s.end, s.label, "accepted",
                        row.text, dict(row.attrs), row.gold_id)  # fmt: skip
        values = self.edit_figure_values(item)
        if values is not None:
            self.session.run(core.edit_gold_figure, row.gold_id, **values)

    # -- documents -----------------------------------------------------------------------

    def ask_done_with_open(self, open_count: int) -> bool:
        """Whether to mark the gold done with disagreements still open (D again: yes;
        Enter or Esc: go back); tests replace it."""
        what = "1 disagreement is" if open_count == 1 else f"{open_count} disagreements are"
        box = plain_box(
            QMessageBox(
                QMessageBox.Icon.Question,
                "Disagreements open",
                f"{what} still open in this document. Mark its gold done anyway? "
                "Versions still undecided are not in the gold.",
                QMessageBox.StandardButton.NoButton,
                self.parent,
            )
        )
        done = box.addButton("Mark done anyway (D)", QMessageBox.ButtonRole.AcceptRole)
        done.setShortcut(QKeySequence("D"))
        back = box.addButton("Go back (Enter, Esc)", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        exec_keeping_focus(box)
        return box.clickedButton() is done

    def do_review_done(self) -> None:
        r = self.session.review
        if r is None:
            return
        still = len(r.open_disputes)
        if still and not self.ask_done_with_open(still):
            self._say("Not marked done: J goes to the next open disagreement")
            return
        self.session.run(core.mark_done)
        nxt = self.queue.next_open(r.document.id)
        if nxt is None:
            self._say("The gold of this document is done; no other document has open "
                      "disagreements", 8000)  # fmt: skip
            return
        self.session.open(nxt)

    def _step_doc(self, step: int) -> None:
        doc = self.queue.neighbour(self.session.doc_id, step)
        if doc is not None and doc != self.session.doc_id:
            self.session.open(doc)

    def do_review_next_doc(self) -> None:
        self._step_doc(+1)

    def do_review_prev_doc(self) -> None:
        self._step_doc(-1)

    # -- focus -----------------------------------------------------------------------------

    def _panes(self) -> list[QWidget]:
        return [self.article, self.versions, self.queue.view]

    def _pane_of(self, w: QWidget | None) -> int:
        panes = self._panes()
        while w is not None:
            if w is self.article.viewport():
                return 0
            if w in panes:
                return panes.index(w)
            if w is self.queue:
                return 2
            w = w.parentWidget()
        return 0

    def _cycle(self, step: int) -> None:
        panes = self._panes()
        here = self._pane_of(QApplication.focusWidget())
        panes[(here + step) % len(panes)].setFocus()

    def do_review_next_pane(self) -> None:
        self._cycle(+1)

    def do_review_prev_pane(self) -> None:
        self._cycle(-1)

    def do_review_filter(self) -> None:
        self.queue.label_filter.setFocus()

    def do_review_escape(self) -> None:
        if self._pane_of(QApplication.focusWidget()) != 0:
            self.article.setFocus()
            return
        self.article.clear_selection()
