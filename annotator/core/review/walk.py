"""The reviewer's way through one document, for the window's review mode (no Qt here).

- *stops*: where J/K and a click can go: every group of overlapping spans
  (`DocReview.disputes`), and every gold span no curator's span overlaps (one the
  reviewer added), as a stop without options, so the keyboard reaches all of the gold;
- *rows*: what the dispute panel lists for a stop: each option (who said what), then the
  gold spans in the stop's extent that are no curator's option (the reviewer's edits);
- which gold span an edit (relabel, resize, delete) acts on: the current row's, only when
  that row is in the gold;
- a document's queue counts from its review, counted as `review_queue` counts them, so
  the queue's row follows each action without reading the whole project again;
- the number of curators auto-accept needs under the reviewer's rule.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core.review.disputes import Dispute, DocReview, Sig
from annotator.core.review.queue import QueueEntry

# What auto-accept takes when a document opens: nothing, what every curator marked, what
# more than half marked, what at least two marked.
AUTO_ACCEPT = ("off", "all", "majority", "two")
AUTO_ACCEPT_TEXT = {
    "off": "nothing (accept by hand)",
    "all": "what every curator marked",
    "majority": "what more than half the curators marked",
    "two": "what at least two curators marked",
}
GOLD_ROW = "gold:"


def min_agree(rule: str, curators: int) -> int | None:
    """How many curators must have marked an option for auto-accept under `rule` on a
    document `curators` finished; None: auto-accept is off (or nobody finished it)."""
    if rule not in AUTO_ACCEPT:
        raise ValueError(f"auto-accept rule must be one of {', '.join(AUTO_ACCEPT)}")
    if rule == "off" or curators < 1:
        return None
    if rule == "all":
        return curators
    if rule == "majority":
        return curators // 2 + 1
    return min(2, curators)


def acceptable(review: DocReview, need: int) -> int:
    """How many options auto-accept with `need` votes would take into the gold now."""
    return sum(
        1 for d in review.disputes for o in d.options if o.votes >= need and o.state == "pending"
    )


# -- stops ---------------------------------------------------------------------------------


def stops(review: DocReview) -> tuple[Dispute, ...]:
    """The disputes and, as stops without options, the gold spans outside all of them
    (overlapping gold spans of a layer form one stop), in text order."""
    # the disputes of a layer do not overlap each other: the one that could overlap a
    # gold span is the last starting before its end
    starts: dict[str, list[int]] = {}
    ends: dict[str, list[int]] = {}
    for d in sorted(review.disputes, key=lambda d: (d.layer, d.start)):
        starts.setdefault(d.layer, []).append(d.start)
        ends.setdefault(d.layer, []).append(d.end)

    def covered(sig: Sig) -> bool:
        i = bisect.bisect_left(starts.get(sig.layer, []), sig.end) - 1
        return i >= 0 and ends[sig.layer][i] > sig.start

    lone = [g.sig for g in review.gold if not covered(g.sig)]
    extra: list[Dispute] = []
    for sig in sorted(lone, key=lambda s: (s.layer, s.start, s.end)):
        last = extra[-1] if extra else None
        if last is not None and last.layer == sig.layer and sig.start < last.end:
            extra[-1] = _gold_stop(review, sig.layer, last.start, max(last.end, sig.end))
        else:
            extra.append(_gold_stop(review, sig.layer, sig.start, sig.end))
    return tuple(sorted((*review.disputes, *extra), key=lambda d: (d.start, d.end, d.layer)))


def _gold_stop(review: DocReview, layer: str, start: int, end: int) -> Dispute:
    return Dispute(
        f"{layer}:{start}:{end}",
        layer,
        start,
        end,
        (),
        {c: () for c in review.curators},
        True,
    )


def is_disagreement(d: Dispute) -> bool:
    """Curators marked different things here (open or already settled)."""
    return bool(d.options) and not d.agreed


def step(
    review: DocReview, current: str | None, delta: int, *, every: bool = False
) -> Dispute | None:
    """The next (delta > 0) or previous stop after `current`: disagreements only, or
    with `every` every stop (agreed spans, the reviewer's own). None past the end."""
    found = stops(review)
    ids = [d.id for d in found]
    here = ids.index(current) if current in ids else None
    if here is None:
        order = list(found) if delta > 0 else list(reversed(found))
        if current is not None:
            # a stop that is gone (its gold span resized away): continue from where it was
            pos = _start_of(current)
            order = [d for d in order if (d.start > pos if delta > 0 else d.start < pos)]
    elif delta > 0:
        order = list(found[here + 1 :])
    else:
        order = list(reversed(found[:here]))
    return next((d for d in order if every or is_disagreement(d)), None)


def next_open(review: DocReview, after: str | None) -> Dispute | None:
    """The next open disagreement after stop `after`, wrapping to the start."""
    found = stops(review)
    ids = [d.id for d in found]
    if after in ids:
        i = ids.index(after)
        ordered = [*found[i + 1 :], *found[: i + 1]]
    else:
        pos = _start_of(after) if after else -1
        ordered = sorted(found, key=lambda d: (d.start <= pos, d.start, d.end))
    return next((d for d in ordered if d.open), None)


def resolve(review: DocReview, stop_id: str | None) -> Dispute | None:
    """The stop `stop_id` names, or the one that took its place (same layer, overlapping
    the old extent: a gold span the reviewer resized), else None."""
    if stop_id is None:
        return None
    found = stops(review)
    exact = next((d for d in found if d.id == stop_id), None)
    if exact is not None:
        return exact
    try:
        layer, start, end = _parse(stop_id)
    except ValueError:
        return None
    return next((d for d in found if d.layer == layer and d.start < end and d.end > start), None)


def stop_at(review: DocReview, cp: int, layer: str | None = None) -> Dispute | None:
    """The stop covering code point `cp` (the shortest; of `layer` first when given)."""
    hits = [d for d in stops(review) if d.start <= cp < d.end]
    hits.sort(key=lambda d: (d.layer != layer, d.end - d.start))
    return hits[0] if hits else None


def _parse(stop_id: str) -> tuple[str, int, int]:
    layer, start, end = stop_id.rsplit(":", 2)
    return layer, int(start), int(end)


def _start_of(stop_id: str) -> int:
    try:
        return _parse(stop_id)[1]
    except ValueError:
        return -1


# -- the panel's rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the dispute panel: a curator's option, or a gold span of the reviewer's
    own (an edit of an option, or a span no curator marked)."""

    key: str  # the option's key, or "gold:<annotation id>"
    sig: Sig
    text: str
    curators: tuple[str, ...]  # who marked it; () for the reviewer's own
    state: str  # pending | accepted | rejected | gold (the reviewer's own, in the gold)
    gold_id: int | None
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def in_gold(self) -> bool:
        return self.gold_id is not None


def rows(review: DocReview, stop: Dispute | None) -> tuple[Row, ...]:
    if stop is None:
        return ()
    out = [Row(o.key, o.sig, o.text, o.curators, o.state, o.gold_id, o.attrs) for o in stop.options]
    options = {o.sig for o in stop.options}
    for g in review.gold:
        s = g.sig
        if s.layer == stop.layer and s.start < stop.end and s.end > stop.start and s not in options:
            out.append(
                Row(f"{GOLD_ROW}{g.annotation_id}", s, g.text, (), "gold", g.annotation_id, g.attrs)
            )
    return tuple(out)


def default_row(found: Sequence[Row]) -> Row | None:
    """The row a stop opens on: the first in the gold, else the first."""
    return next((r for r in found if r.in_gold), found[0] if found else None)


def find_row(found: Sequence[Row], key: str | None, gold_id: int | None = None) -> Row | None:
    """The row showing gold span `gold_id` when there is one (an option the reviewer
    edited becomes a gold row of its own, and the panel follows it), else the row `key`
    names."""
    if gold_id is not None:
        by_gold = next((r for r in found if r.gold_id == gold_id), None)
        if by_gold is not None:
            return by_gold
    return next((r for r in found if key is not None and r.key == key), None)


def nothing_from(stop: Dispute) -> tuple[str, ...]:
    """The curators who marked nothing in the stop (their version of it is no span)."""
    if not stop.options:
        return ()
    return tuple(c for c, keys in stop.by_curator.items() if not keys)


# -- queue counts --------------------------------------------------------------------------


def counts(
    review: DocReview, *, label: str | None = None, pair: tuple[str, str] | None = None
) -> tuple[int, int, int]:
    """(disputes, open, groups) of the document as `review_queue` counts them with the
    same filters."""
    disputes = open_ = 0
    for d in review.disputes:
        if d.agreed:
            continue
        if label is not None and label not in d.labels:
            continue
        if pair is not None and not d.differs(*pair):
            continue
        disputes += 1
        open_ += not d.settled
    return disputes, open_, len(review.disputes)


def updated_entry(
    entry: QueueEntry,
    review: DocReview,
    *,
    label: str | None = None,
    pair: tuple[str, str] | None = None,
) -> QueueEntry:
    """The queue's entry for the document after the reviewer changed it."""
    disputes, open_, groups = counts(review, label=label, pair=pair)
    return replace(
        entry,
        curators=review.curators,
        disputes=disputes,
        open=open_,
        groups=groups,
        status=review.status,
    )
