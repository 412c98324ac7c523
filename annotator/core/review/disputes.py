"""One document as the reviewer sees it: every curator's version, grouped into disputes.

The curators of a document are those (of the ones reviewed) who marked it done. Their
spans are compared as *options*: a span's layer, offsets as stored, label,
knowledge-base id, and for figures the value, upper value and unit and the figure's
links. (Offsets are not trimmed here, unlike in the agreement figures: the window and
every importer keep spans free of white space at their edges, and the queue, which must
read every span of the project in about a second, compares stored offsets too.)

Overlapping spans of a layer, whoever made them, form one *dispute* (also when everyone
agrees: then it is `agreed`), identified by its layer and extent ("ents:10:25"), stable
across reloads and adjudication (the gold is not part of the grouping).

The reviewer's decisions are the gold (curator `@gold`, origin `adjudicated`): an option
is `accepted` when the gold holds a span equal to it, `rejected` when the reviewer turned
it down (a rejection of `@gold` keyed by the option), otherwise `pending`. A dispute is
settled when none of its options is pending. More curators' work merged later brings new
options, pending until the reviewer decides: what was adjudicated stays.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from annotator.core.model import GOLD, Annotation, Document
from annotator.core.store import Store

KEY_PREFIX = "review|"


def value_signature(layer: str, attrs: dict[str, Any]) -> str | None:
    """What of a figure's attributes must agree: value, upper value and unit."""
    if layer != "figures":
        return None

    def number(v: Any) -> float | None:
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

    return json.dumps(
        [number(attrs.get("value")), number(attrs.get("value_max")), attrs.get("unit") or None]
    )


def link_signatures(store: Store, annotation_ids: Iterable[int]) -> dict[int, str]:
    """Each annotation's links (role, and the entity key, target span or value it links
    to) as one comparable string; annotations without links are left out."""
    ids = list(annotation_ids)
    found: dict[int, list[list[Any]]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for ann, role, entity_key, t_layer, t_start, t_end, t_label, value in store.conn.execute(
            'SELECT l.annotation_id, l.role, e.key, t.layer, t.start, t."end", t.label, '
            "l.value FROM links l LEFT JOIN entities e ON e.id = l.entity_id "
            "LEFT JOIN annotations t ON t.id = l.target_annotation_id "
            f"WHERE l.annotation_id IN ({marks})",
            chunk,
        ):
            target = None if t_layer is None else [t_layer, t_start, t_end, t_label]
            found.setdefault(ann, []).append([role, entity_key, target, value])
    return {a: json.dumps(sorted(v, key=json.dumps)) for a, v in found.items()}


@dataclass(frozen=True, order=True)
class Sig:
    """What makes two curators' spans the same option."""

    layer: str
    start: int
    end: int
    label: str
    kb_id: str | None = None
    value: str | None = None  # value_signature
    links: str | None = None  # link_signatures

    @cached_property
    def key(self) -> str:
        """The option's stable id: also the key of its rejection by the reviewer."""
        return KEY_PREFIX + json.dumps(
            [self.layer, self.start, self.end, self.label, self.kb_id, self.value, self.links],
            ensure_ascii=False,
        )

    @classmethod
    def parse(cls, key: str) -> Sig | None:
        if not key.startswith(KEY_PREFIX):
            return None
        try:
            parts = json.loads(key[len(KEY_PREFIX) :])
            return cls(*parts)
        except (ValueError, TypeError):
            return None


def signature(text: str, a: Annotation, links: dict[int, str]) -> Sig | None:
    """The option an annotation is; None when it does not fit the text."""
    if not 0 <= a.start < a.end <= len(text):
        return None
    value = value_signature(a.layer, a.attrs)
    return Sig(a.layer, a.start, a.end, a.label, a.kb_id or None, value, links.get(a.id))


@dataclass(frozen=True)
class Option:
    sig: Sig
    text: str
    curators: tuple[str, ...]  # who marked it, in the review's curator order
    annotations: tuple[int, ...]  # one of each curator's annotations that is it
    attrs: dict[str, Any]  # the first curator's attributes (a figure's reading)
    state: str  # pending | accepted | rejected
    gold_id: int | None = None  # the gold annotation equal to it

    @property
    def key(self) -> str:
        return self.sig.key

    @property
    def votes(self) -> int:
        return len(self.curators)


@dataclass(frozen=True)
class Dispute:
    id: str  # "<layer>:<start>:<end>" of the extent
    layer: str
    start: int
    end: int
    options: tuple[Option, ...]
    # each curator's options in it (option keys); an empty tuple: marked nothing here
    by_curator: dict[str, tuple[str, ...]]
    agreed: bool  # every curator marked exactly the same options

    @property
    def settled(self) -> bool:
        return all(o.state != "pending" for o in self.options)

    @property
    def open(self) -> bool:
        """A disagreement still waiting for the reviewer."""
        return not self.agreed and not self.settled

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(o.sig.label for o in self.options)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def differs(self, a: str, b: str) -> bool:
        return set(self.by_curator.get(a, ())) != set(self.by_curator.get(b, ()))


@dataclass(frozen=True)
class GoldSpan:
    annotation_id: int
    sig: Sig
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocReview:
    document: Document
    curators: tuple[str, ...]  # who finished the document, among those reviewed
    status: str  # the gold's status for the document
    disputes: tuple[Dispute, ...]  # every group of overlapping spans, in text order
    gold: tuple[GoldSpan, ...]
    versions: dict[str, tuple[Sig, ...]]  # each curator's options, in text order

    def dispute(self, dispute_id: str | None) -> Dispute | None:
        return next((d for d in self.disputes if d.id == dispute_id), None)

    @property
    def open_disputes(self) -> tuple[Dispute, ...]:
        return tuple(d for d in self.disputes if d.open)

    def next_open(self, after: str | None = None) -> Dispute | None:
        """The next open disagreement after dispute `after` (in text order), or None."""
        ids = [d.id for d in self.disputes]
        start = ids.index(after) + 1 if after in ids else 0
        return next((d for d in self.disputes[start:] if d.open), None)

    def gold_span(self, annotation_id: int) -> GoldSpan | None:
        return next((g for g in self.gold if g.annotation_id == annotation_id), None)


def finished_curators(
    store: Store, doc_id: int, curators: Sequence[str] | None = None
) -> tuple[str, ...]:
    rows = store.conn.execute(
        "SELECT annotator FROM status WHERE doc_id = ? AND status = 'done' AND annotator != ? "
        "ORDER BY annotator",
        (doc_id, GOLD),
    )
    done = [r[0] for r in rows]
    if curators is None:
        return tuple(done)
    return tuple(c for c in curators if c in done)


def load_review(store: Store, doc_id: int, curators: Sequence[str] | None = None) -> DocReview:
    """The document with every finished curator's version, its disputes and the gold."""
    doc = store.document(doc_id)
    who = finished_curators(store, doc_id, curators)
    text = doc.text
    anns = {c: store.annotations(doc_id, c) for c in who}
    links = link_signatures(store, [a.id for group in anns.values() for a in group])
    gold, gold_by_sig, rejected = _read_gold(store, doc_id, text)
    versions: dict[str, tuple[Sig, ...]] = {}
    first: dict[Sig, tuple[Annotation, dict[str, int]]] = {}
    for c in who:
        sigs = []
        for a in anns[c]:
            sig = signature(text, a, links)
            if sig is None:
                continue
            sigs.append(sig)
            entry = first.setdefault(sig, (a, {}))
            entry[1].setdefault(c, a.id)
        versions[c] = tuple(sorted(set(sigs), key=_text_order))
    disputes = _group(text, who, versions, first, gold_by_sig, rejected)
    return DocReview(doc, who, store.status(doc_id, GOLD), disputes, tuple(gold), versions)


def reload_gold(store: Store, review: DocReview) -> DocReview:
    """`review` after an adjudication: the gold, the reviewer's rejections and the gold's
    status read again, the curators' versions as `review` read them (adjudication never
    changes those). What `load_review` would give, without reading the curators' work
    again: the window's keys stay fast on long, much-annotated articles."""
    doc = review.document
    gold, gold_by_sig, rejected = _read_gold(store, doc.id, doc.text)
    disputes = tuple(
        replace(
            d,
            options=tuple(
                replace(
                    o, state=_state(o.sig, gold_by_sig, rejected), gold_id=gold_by_sig.get(o.sig)
                )
                for o in d.options
            ),
        )
        for d in review.disputes
    )
    return replace(review, status=store.status(doc.id, GOLD), disputes=disputes, gold=tuple(gold))


def _read_gold(
    store: Store, doc_id: int, text: str
) -> tuple[list[GoldSpan], dict[Sig, int], set[Sig]]:
    """The gold spans, the gold annotation of each option-like span, the options the
    reviewer rejected."""
    gold_anns = store.annotations(doc_id, GOLD)
    links = link_signatures(store, [a.id for a in gold_anns])
    gold: list[GoldSpan] = []
    gold_by_sig: dict[Sig, int] = {}
    for a in gold_anns:
        sig = signature(text, a, links)
        if sig is not None:
            gold.append(GoldSpan(a.id, sig, text[sig.start : sig.end], a.attrs))
            gold_by_sig.setdefault(sig, a.id)
    rejected = {
        s for s in (Sig.parse(k) for k in store.rejected_keys(doc_id, GOLD)) if s is not None
    }
    return gold, gold_by_sig, rejected


def _state(sig: Sig, gold_by_sig: dict[Sig, int], rejected: set[Sig]) -> str:
    return "accepted" if sig in gold_by_sig else "rejected" if sig in rejected else "pending"


def _text_order(sig: Sig) -> tuple[str, int, int, str, str]:
    """Options in text order (a sort key of plain values: faster than comparing Sigs,
    and never None against a string)."""
    return (sig.layer, sig.start, sig.end, sig.label, sig.key)


def _group(
    text: str,
    who: tuple[str, ...],
    versions: dict[str, tuple[Sig, ...]],
    first: dict[Sig, tuple[Annotation, dict[str, int]]],
    gold_by_sig: dict[Sig, int],
    rejected: set[Sig],
) -> tuple[Dispute, ...]:
    """Overlapping options of a layer, in text order, as disputes."""
    every = sorted(first, key=_text_order)
    groups: list[list[Sig]] = []
    reach = -1
    layer = None
    for sig in every:
        if groups and sig.layer == layer and sig.start < reach:
            groups[-1].append(sig)
            reach = max(reach, sig.end)
        else:
            groups.append([sig])
            layer, reach = sig.layer, sig.end
    # each curator's option keys per group, in the curator's (text) order: one pass over
    # each version, not one per group (a long article has hundreds of groups)
    group_of = {sig: i for i, members in enumerate(groups) for sig in members}
    keys: list[dict[str, list[str]]] = [{c: [] for c in who} for _ in groups]
    for c in who:
        for sig in versions[c]:
            keys[group_of[sig]][c].append(sig.key)
    out = []
    for members, group_keys in zip(groups, keys, strict=True):
        start = min(s.start for s in members)
        end = max(s.end for s in members)
        options = []
        for sig in members:
            ann, by = first[sig]
            state = _state(sig, gold_by_sig, rejected)
            options.append(
                Option(
                    sig,
                    text[sig.start : sig.end],
                    tuple(c for c in who if c in by),
                    tuple(by[c] for c in who if c in by),
                    dict(ann.attrs),
                    state,
                    gold_by_sig.get(sig),
                )
            )
        by_curator = {c: tuple(group_keys[c]) for c in who}
        agreed = all(o.votes == len(who) for o in options)
        out.append(
            Dispute(
                f"{members[0].layer}:{start}:{end}",
                members[0].layer,
                start,
                end,
                tuple(options),
                by_curator,
                agreed,
            )
        )
    out.sort(key=lambda d: (d.start, d.end, d.layer))
    return tuple(out)
