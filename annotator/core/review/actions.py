"""What a reviewer does to a document, each as one transaction returning a
`curation.Change`, so the window's undo and redo work as for curators.

Every action writes the gold (curator `@gold`, origin `adjudicated`) and rejections of
options by `@gold`; curators' own annotations are never touched. Each action also
appends an `adjudicate` event naming the reviewer, what was done and to which dispute,
so the events log says who adjudicated what and when (undo appends `adjudicate-undo`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.curation import Change, Op, Reject, SetStatus, Unreject, _run
from annotator.core.model import GOLD, NIL
from annotator.core.offsets import (
    resize_span,
    resize_span_chars,
    snap_to_tokens,
    strip_span,
    token_bounds,
)
from annotator.core.review.disputes import Dispute, DocReview, GoldSpan, Option, Sig
from annotator.core.store import Store

ORIGIN = "adjudicated"


# -- reversible writes of the gold --------------------------------------------------------


@dataclass(frozen=True)
class AddGold:
    """Add a gold span with its links (entity, target span of the same layer in the
    gold, or value). `ann_id` restores a removed span under its old id."""

    doc_id: int
    layer: str
    start: int
    end: int
    label: str
    kb_id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    links: tuple[tuple[str, int | None, int | None, str | None], ...] = ()
    ann_id: int | None = None

    def apply(self, store: Store) -> Op:
        a = store.add_annotation(
            self.doc_id,
            GOLD,
            self.layer,
            self.start,
            self.end,
            self.label,
            ORIGIN,
            kb_id=self.kb_id,
            attrs=self.attrs,
            ann_id=self.ann_id,
        )
        store.conn.executemany(
            "INSERT INTO links (annotation_id, role, target_annotation_id, entity_id, value) "
            "VALUES (?, ?, ?, ?, ?)",
            [(a.id, role, target, entity, value) for role, target, entity, value in self.links],
        )
        return RemoveGold(a.id)


@dataclass(frozen=True)
class RemoveGold:
    ann_id: int

    def apply(self, store: Store) -> Op:
        links = tuple(
            store.conn.execute(
                "SELECT role, target_annotation_id, entity_id, value FROM links "
                "WHERE annotation_id = ? ORDER BY id",
                (self.ann_id,),
            )
        )
        a = store.delete_annotation(self.ann_id)  # its links go with it (cascade)
        return AddGold(a.doc_id, a.layer, a.start, a.end, a.label, a.kb_id, a.attrs, links, a.id)


@dataclass(frozen=True)
class UpdateGold:
    ann_id: int
    changes: dict[str, Any]

    def apply(self, store: Store) -> Op:
        old = store.annotation(self.ann_id)
        store.update_annotation(self.ann_id, **self.changes)
        return UpdateGold(self.ann_id, {k: getattr(old, k) for k in self.changes})


@dataclass(frozen=True)
class Note:
    """An `adjudicate` event naming the reviewer; undone by a note of the undo."""

    reviewer: str
    doc_id: int
    action: str
    details: dict[str, Any] = field(default_factory=dict)

    def apply(self, store: Store) -> Op:
        store.log(self.reviewer, self.doc_id, "adjudicate", step=self.action, **self.details)
        undo = self.action[:-5] if self.action.endswith("-undo") else self.action + "-undo"
        return Note(self.reviewer, self.doc_id, undo, self.details)


# -- building blocks ------------------------------------------------------------------------


def _links_of(store: Store, option: Option, review: DocReview) -> tuple[Any, ...]:
    """The links of the option's first annotation, for a gold copy of it: entities and
    values as they are, target spans as the gold span equal to the target (left out
    when the gold has none)."""
    if not option.annotations:
        return ()
    rows = store.conn.execute(
        'SELECT l.role, l.entity_id, l.value, t.layer, t.start, t."end", t.label '
        "FROM links l LEFT JOIN annotations t ON t.id = l.target_annotation_id "
        "WHERE l.annotation_id = ? ORDER BY l.id",
        (option.annotations[0],),
    )
    out = []
    for role, entity, value, t_layer, t_start, t_end, t_label in rows:
        target = None
        if t_layer is not None:
            target = next(
                (
                    g.annotation_id
                    for g in review.gold
                    if (g.sig.layer, g.sig.start, g.sig.end, g.sig.label)
                    == (t_layer, t_start, t_end, t_label)
                ),
                None,
            )
            if target is None:
                continue
        out.append((role, target, entity, value))
    return tuple(out)


def _accept_ops(store: Store, review: DocReview, option: Option) -> list[Op]:
    if option.state == "accepted":
        return []
    ops: list[Op] = []
    if option.state == "rejected":
        ops.append(Unreject(review.document.id, GOLD, option.key))
    s = option.sig
    ops.append(
        AddGold(
            review.document.id,
            s.layer,
            s.start,
            s.end,
            s.label,
            s.kb_id,
            dict(option.attrs),
            _links_of(store, option, review),
        )
    )
    return ops


def _reject_ops(review: DocReview, option: Option) -> list[Op]:
    ops: list[Op] = []
    if option.state == "accepted" and option.gold_id is not None:
        ops.append(RemoveGold(option.gold_id))
    if option.state != "rejected":
        ops.append(Reject(review.document.id, GOLD, option.key))
    return ops


def _gold_in(review: DocReview, d: Dispute) -> list[GoldSpan]:
    return [
        g
        for g in review.gold
        if g.sig.layer == d.layer and g.sig.start < d.end and g.sig.end > d.start
    ]


def _take_ops(store: Store, review: DocReview, d: Dispute, curator: str) -> list[Op]:
    """Ops that make the gold of dispute `d` exactly `curator`'s version of it."""
    chosen = set(d.by_curator.get(curator, ()))
    ops: list[Op] = []
    keep = {o.gold_id for o in d.options if o.key in chosen and o.gold_id is not None}
    for g in _gold_in(review, d):
        if g.annotation_id not in keep:
            ops.append(RemoveGold(g.annotation_id))
    for o in d.options:
        if o.key in chosen:
            ops += _accept_ops(store, review, o)
        elif o.state != "rejected":
            ops.append(Reject(review.document.id, GOLD, o.key))
    return ops


def _change(
    store: Store,
    review: DocReview,
    reviewer: str,
    text: str,
    ops: Sequence[Op],
    focus: str | None,
    **details: Any,
) -> Change | None:
    if not ops:
        return None
    note = Note(reviewer, review.document.id, details.pop("action"), details)
    return _run(store, review.document.id, GOLD, text, [*ops, note], focus)


def _dispute(review: DocReview, dispute_id: str) -> Dispute:
    d = review.dispute(dispute_id)
    if d is None:
        raise KeyError(f"no dispute {dispute_id} in document {review.document.id}")
    return d


def _snippet(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


# -- actions ---------------------------------------------------------------------------------


def auto_accept(
    store: Store, review: DocReview, reviewer: str, *, min_agree: int | None = None
) -> Change | None:
    """Accept into the gold every option at least `min_agree` curators marked
    (default: all of them), unless the reviewer rejected it. None when nothing is new."""
    need = len(review.curators) if min_agree is None else min_agree
    if need < 1 or not review.curators:
        return None
    ops: list[Op] = []
    accepted = 0
    for d in review.disputes:
        for o in d.options:
            if o.votes >= need and o.state == "pending":
                ops += _accept_ops(store, review, o)
                accepted += 1
    return _change(
        store,
        review,
        reviewer,
        f"Accept {accepted} agreed spans",
        ops,
        None,
        action="auto-accept",
        min_agree=need,
        spans=accepted,
    )


def take_version(
    store: Store, review: DocReview, reviewer: str, dispute_id: str, curator: str
) -> Change | None:
    """Settle a dispute with one curator's version of it (which may be nothing)."""
    d = _dispute(review, dispute_id)
    if curator not in d.by_curator:
        raise KeyError(f"{curator} did not finish document {review.document.id}")
    ops = _take_ops(store, review, d, curator)
    return _change(
        store,
        review,
        reviewer,
        f"Take {curator}'s version",
        ops,
        d.id,
        action="take-version",
        dispute=d.id,
        curator=curator,
    )


def take_document(store: Store, review: DocReview, reviewer: str, curator: str) -> Change | None:
    """Make the gold of the whole document exactly `curator`'s version."""
    if curator not in review.curators:
        raise KeyError(f"{curator} did not finish document {review.document.id}")
    ops: list[Op] = []
    covered: set[int] = set()
    for d in review.disputes:
        ops += _take_ops(store, review, d, curator)
        covered |= {g.annotation_id for g in _gold_in(review, d)}
    ops += [RemoveGold(g.annotation_id) for g in review.gold if g.annotation_id not in covered]
    return _change(
        store,
        review,
        reviewer,
        f"Take {curator}'s whole document",
        ops,
        None,
        action="take-document",
        curator=curator,
    )


def accept_option(
    store: Store, review: DocReview, reviewer: str, dispute_id: str, key: str
) -> Change | None:
    """Accept one option into the gold (the dispute's other options stay as they are)."""
    d = _dispute(review, dispute_id)
    o = d.option(key)
    if o is None:
        raise KeyError(f"no option {key} in dispute {dispute_id}")
    ops = _accept_ops(store, review, o)
    return _change(
        store,
        review,
        reviewer,
        f"Accept {o.sig.label} “{_snippet(o.text)}”",
        ops,
        d.id,
        action="accept",
        dispute=d.id,
        option=o.key,
    )


def reject_option(
    store: Store, review: DocReview, reviewer: str, dispute_id: str, key: str
) -> Change | None:
    """Turn one option down (taking it out of the gold when it was there)."""
    d = _dispute(review, dispute_id)
    o = d.option(key)
    if o is None:
        raise KeyError(f"no option {key} in dispute {dispute_id}")
    ops = _reject_ops(review, o)
    return _change(
        store,
        review,
        reviewer,
        f"Reject {o.sig.label} “{_snippet(o.text)}”",
        ops,
        d.id,
        action="reject",
        dispute=d.id,
        option=o.key,
    )


def reject_all(store: Store, review: DocReview, reviewer: str, dispute_id: str) -> Change | None:
    """Settle a dispute with nothing: every version rejected, the gold there removed."""
    d = _dispute(review, dispute_id)
    ops: list[Op] = [RemoveGold(g.annotation_id) for g in _gold_in(review, d)]
    ops += [Reject(review.document.id, GOLD, o.key) for o in d.options if o.state != "rejected"]
    return _change(
        store,
        review,
        reviewer,
        "Reject every version",
        ops,
        d.id,
        action="reject-all",
        dispute=d.id,
    )


def settle(store: Store, review: DocReview, reviewer: str, dispute_id: str) -> Change | None:
    """Settle a dispute as the gold has it now: every option still pending is rejected."""
    d = _dispute(review, dispute_id)
    ops: list[Op] = [
        Reject(review.document.id, GOLD, o.key) for o in d.options if o.state == "pending"
    ]
    return _change(
        store, review, reviewer, "Settle as it is", ops, d.id, action="settle", dispute=d.id
    )


# -- editing the gold directly --------------------------------------------------------------


def _option_of(review: DocReview, sig: Sig) -> Option | None:
    for d in review.disputes:
        for o in d.options:
            if o.sig == sig:
                return o
    return None


def add_gold(
    store: Store,
    review: DocReview,
    reviewer: str,
    start: int,
    end: int,
    layer: str,
    label: str,
    *,
    kb_id: str | None = None,
    attrs: dict[str, Any] | None = None,
    exact: bool = False,
) -> Change | None:
    """A new gold span from a selection (snapped to tokens unless `exact`)."""
    text = review.document.text
    if exact:
        span: tuple[int, int] | None = strip_span(text, min(start, end), max(start, end))
        span = span if span[0] < span[1] else None
    else:
        span = snap_to_tokens(token_bounds(text), start, end)
    if span is None:
        return None
    start, end = span
    if any(
        (g.sig.layer, g.sig.start, g.sig.end, g.sig.label) == (layer, start, end, label)
        for g in review.gold
    ):
        return None
    ops: list[Op] = [AddGold(review.document.id, layer, start, end, label, kb_id, attrs or {})]
    change = _change(
        store,
        review,
        reviewer,
        f"Add {label} “{_snippet(text[start:end])}”",
        ops,
        None,
        action="add",
        layer=layer,
        start=start,
        end=end,
        label=label,
    )
    return change


def _edit(
    store: Store, review: DocReview, reviewer: str, g: GoldSpan, verb: str, **changes: Any
) -> Change | None:
    ops: list[Op] = [UpdateGold(g.annotation_id, changes)]
    # the option the gold span was stays decided: rejected, so auto-accept leaves it
    option = _option_of(review, g.sig)
    if option is not None and option.state != "rejected":
        ops.append(Reject(review.document.id, GOLD, option.key))
    return _change(
        store,
        review,
        reviewer,
        f"{verb} {g.sig.label} “{_snippet(g.text)}”",
        ops,
        None,
        action="edit",
        annotation=g.annotation_id,
        changes={k: v for k, v in changes.items() if k != "attrs"},
    )


def _gold(review: DocReview, annotation_id: int) -> GoldSpan:
    g = review.gold_span(annotation_id)
    if g is None:
        raise KeyError(f"no gold span {annotation_id} in document {review.document.id}")
    return g


def relabel_gold(
    store: Store, review: DocReview, reviewer: str, annotation_id: int, label: str
) -> Change | None:
    g = _gold(review, annotation_id)
    if label == g.sig.label:
        return None
    return _edit(store, review, reviewer, g, "Relabel", label=label)


def resize_gold(
    store: Store,
    review: DocReview,
    reviewer: str,
    annotation_id: int,
    side: str,
    delta: int,
    unit: str = "token",
) -> Change | None:
    """Move a gold span's `side` ("left"/"right") edge by `delta` tokens, or characters
    with unit="char", as a curator's edges move (`curation.resize`)."""
    g = _gold(review, annotation_id)
    text = review.document.text
    if unit == "char":
        start, end = resize_span_chars(text, g.sig.start, g.sig.end, side, delta)
    elif unit == "token":
        start, end = resize_span(token_bounds(text), g.sig.start, g.sig.end, side, delta, text)
    else:
        raise ValueError(f"unit must be 'token' or 'char', not {unit!r}")
    if (start, end) == (g.sig.start, g.sig.end):
        return None
    return _edit(
        store, review, reviewer, g, "Widen" if delta > 0 else "Narrow", start=start, end=end
    )


def link_gold(
    store: Store, review: DocReview, reviewer: str, annotation_id: int, kb_id: str | None
) -> Change | None:
    """Set a gold entity's knowledge-base id (NIL: no entity fits; None: unlinked)."""
    g = _gold(review, annotation_id)
    if (kb_id or None) == g.sig.kb_id:
        return None
    return _edit(
        store, review, reviewer, g, "Link" if kb_id not in (None, NIL) else "Unlink", kb_id=kb_id
    )


def edit_gold_figure(
    store: Store,
    review: DocReview,
    reviewer: str,
    annotation_id: int,
    *,
    kind: str | None = None,
    **attrs: Any,
) -> Change | None:
    """Change a gold figure's attributes (value, value_max, unit, ...; a value_max of
    None removes it) and, given a `kind`, its label."""
    g = _gold(review, annotation_id)
    new = {**g.attrs, **attrs}
    if new.get("value_max") is None:
        new.pop("value_max", None)
    changes: dict[str, Any] = {}
    if new != g.attrs:
        changes["attrs"] = new
    if kind and kind != g.sig.label:
        changes["label"] = kind
    if not changes:
        return None
    return _edit(store, review, reviewer, g, "Edit", **changes)


def delete_gold(
    store: Store, review: DocReview, reviewer: str, annotation_id: int
) -> Change | None:
    """Remove a gold span; the option it was stays rejected, so auto-accept leaves it."""
    g = _gold(review, annotation_id)
    ops: list[Op] = [RemoveGold(g.annotation_id)]
    option = _option_of(review, g.sig)
    if option is not None and option.state != "rejected":
        ops.append(Reject(review.document.id, GOLD, option.key))
    return _change(
        store,
        review,
        reviewer,
        f"Delete {g.sig.label} “{_snippet(g.text)}”",
        ops,
        None,
        action="delete",
        annotation=g.annotation_id,
    )


def mark_done(store: Store, review: DocReview, reviewer: str) -> Change | None:
    """Mark the gold of the document done (what `export --gold` exports)."""
    if review.status == "done":
        return None
    ops: list[Op] = [SetStatus(review.document.id, GOLD, "done")]
    return _change(store, review, reviewer, "Mark the gold done", ops, None, action="done")


def reopen(store: Store, review: DocReview, reviewer: str) -> Change | None:
    if review.status in ("open", "in_progress"):
        return None
    ops: list[Op] = [SetStatus(review.document.id, GOLD, "in_progress")]
    return _change(store, review, reviewer, "Reopen the gold", ops, None, action="reopen")
