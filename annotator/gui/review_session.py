"""The review session: which document is being reviewed, which span group (stop) and
which version in it are current, and the adjudication actions, pushed on the window's one
undo stack. The review panes subscribe to its signals and show what it holds.

Actions are `annotator.core.review` functions that write the gold at once and return a
`curation.Change`; `run` pushes it as a `ChangeCommand` of mode "review", whose undo and
redo write the reverting ops and show the document they were in, in review mode
(`activated`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from annotator.core import review as core
from annotator.core.curation import Change, revert
from annotator.core.review import walk
from annotator.core.review.disputes import Dispute, DocReview
from annotator.core.store import Store
from annotator.gui.session import ChangeCommand


class ReviewSession(QObject):
    reviewOpened = Signal(object)  # DocReview | None: another document (or none)
    reviewChanged = Signal(object)  # DocReview: the same document, re-read after a write
    # the current stop and row; the bool says whether views should scroll to it
    currentChanged = Signal(object, object, bool)  # stop id | None, row key | None, scroll
    message = Signal(str, int)
    failed = Signal(object, str)
    activated = Signal()  # an undo or redo of a review action: show review mode

    def __init__(
        self, store: Store, reviewer: str, undo_stack: QUndoStack, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.reviewer = reviewer
        self.undo_stack = undo_stack
        self.review: DocReview | None = None
        self.stops: tuple[Dispute, ...] = ()
        self.current: str | None = None  # stop id
        self.row_key: str | None = None
        self.auto_rule = "all"  # walk.AUTO_ACCEPT; the window sets it from the preference

    # -- showing -----------------------------------------------------------------------

    @property
    def doc_id(self) -> int | None:
        return None if self.review is None else self.review.document.id

    def clear(self) -> None:
        self.review = None
        self.stops = ()
        self.current = self.row_key = None
        self.reviewOpened.emit(None)

    def open(self, doc_id: int, focus: str | None = None, *, auto: bool = True) -> bool:
        """Review a document: its agreed spans auto-accepted first (unless `auto` is off
        or the preference says not to), then the stop `focus` or the first open
        disagreement current. False when the document is gone."""
        try:
            r = core.load_review(self.store, doc_id)
        except KeyError:
            self.message.emit(f"Document {doc_id} is no longer in the project", 5000)
            return False
        self._set(r)
        self.reviewOpened.emit(r)
        accepted = self._auto_accept() if auto else None
        first = walk.resolve(self.review or r, focus) if focus else None
        if first is None and self.review is not None:
            first = walk.next_open(self.review, None) or walk.step(self.review, None, +1)
            first = first or (self.stops[0] if self.stops else None)
        self.set_current(first.id if first else None)
        self.message.emit(self._opened_text(accepted), 8000)
        return True

    def _set(self, r: DocReview) -> None:
        self.review = r
        self.stops = walk.stops(r)

    def _auto_accept(self) -> int | None:
        """Run auto-accept as the preference says; the number of spans it accepted."""
        r = self.review
        if r is None:
            return None
        need = walk.min_agree(self.auto_rule, len(r.curators))
        if need is None:
            return None
        count = walk.acceptable(r, need)
        if count and self.run(core.auto_accept, min_agree=need, quiet=True) is None:
            return None
        return count

    def _opened_text(self, accepted: int | None) -> str:
        r = self.review
        if r is None:
            return ""
        n = len(r.curators)
        open_ = len(r.open_disputes)
        left = (
            f"{open_} disagreement{'s' if open_ != 1 else ''} open"
            if open_
            else "no disagreement open"
        )
        if accepted is None:
            return f"{left} (auto-accept is off: Edit → Preferences)"
        who = {
            "all": f"all {n} curators",
            "majority": f"more than half of {n} curators",
            "two": "at least two curators",
        }.get(self.auto_rule, "")
        spans = f"{accepted} span{'s' if accepted != 1 else ''}"
        return f"Auto-accepted {spans} {who} marked alike; {left}"

    def refresh(self, focus: str | None = None, *, advance: bool = False) -> None:
        """Re-read the gold after an adjudication; with `advance`, go on to the next open
        disagreement after `focus`. (`open` reads everything, curators' work too.)"""
        if self.review is None:
            return
        before = self.current_row()
        # an adjudication (or its undo) changes only the gold: the curators' versions
        # are not read again
        r = core.reload_gold(self.store, self.review)
        self._set(r)
        self.reviewChanged.emit(r)
        target = walk.resolve(r, focus or self.current)
        if advance:
            nxt = walk.next_open(r, target.id if target else focus)
            if nxt is None and not r.open_disputes:
                self.message.emit(
                    "Every disagreement in this document is settled: D marks its gold done",
                    8000,
                )
            target = nxt or target
        row = None
        if target is not None and target.id == self.current and before is not None:
            found = walk.find_row(walk.rows(r, target), before.key, before.gold_id)
            row = found.key if found else None
        self.set_current(target.id if target else None, row)

    def set_current(
        self, stop_id: str | None, row_key: str | None = None, *, scroll: bool = True
    ) -> None:
        stop = self.stop(stop_id)
        self.current = stop.id if stop else None
        found = walk.rows(self.review, stop) if self.review is not None else ()
        row = walk.find_row(found, row_key) if row_key else None
        row = row or walk.default_row(found)
        self.row_key = row.key if row else None
        self.currentChanged.emit(self.current, self.row_key, scroll)

    def set_row(self, row_key: str | None) -> None:
        """Make a row of the current stop current (the panel's selection)."""
        if row_key != self.row_key:
            self.row_key = row_key
            self.currentChanged.emit(self.current, row_key, False)

    def stop(self, stop_id: str | None) -> Dispute | None:
        return next((d for d in self.stops if d.id == stop_id), None)

    def current_stop(self) -> Dispute | None:
        return self.stop(self.current)

    def rows(self) -> tuple[walk.Row, ...]:
        if self.review is None:
            return ()
        return walk.rows(self.review, self.current_stop())

    def current_row(self) -> walk.Row | None:
        return next((r for r in self.rows() if r.key == self.row_key), None)

    # -- acting ------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[..., Change | None],
        *args: Any,
        advance: bool = False,
        quiet: bool = False,
        **kw: Any,
    ) -> Change | None:
        """Run one adjudication on the open document as the reviewer; push it on the
        undo stack and show the result. Errors go to `failed`."""
        if self.review is None:
            return None
        try:
            change = fn(self.store, self.review, self.reviewer, *args, **kw)
        except Exception as exc:
            self.failed.emit(exc, "Saving the adjudication")
            with contextlib.suppress(Exception):
                self.refresh()
            return None
        if change is None:
            return None
        self.undo_stack.push(ChangeCommand(self, change, mode="review"))
        self.refresh(change.focus, advance=advance)
        if not quiet:
            self.message.emit(change.text, 4000)
        return change

    def replay(self, change: Change, verb: str) -> Change:
        """Undo or redo: write the reverting ops, showing their document in review mode."""
        try:
            back = revert(self.store, change)
        except Exception as exc:
            self.failed.emit(exc, verb)
            QTimer.singleShot(0, self.undo_stack.clear)
            self.message.emit("Undo history cleared after an error", 8000)
            return change
        self.activated.emit()
        where = ""
        if self.doc_id != change.doc_id:
            self.open(change.doc_id, change.focus, auto=False)
            title = self.review.document.title if self.review else ""
            where = f" in “{title}”"
        else:
            self.refresh(change.focus)
        self.message.emit(f"{verb}: {change.text}{where}", 6000)
        return back
