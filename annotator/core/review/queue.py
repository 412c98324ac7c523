"""The review queue: every document at least two curators finished, worst disagreement
first, counted exactly as `load_review` counts disputes, for the whole project at once.

Moving a row from SQLite into Python costs about as much as all the rest of the work
on it, so each entity span crosses as two numbers SQLite computes: X = (document, layer,
start) and Y = (end, label, curator), packed into the bits of an int64 (labels and
curators numbered by a CASE expression), a few hundred documents' worth at once
(`annotator.core.sqlints`). The spans that need more (a knowledge-base id,
a figure's value, links) are read in full: there are far fewer of them. The rest is
numpy: spans sorted by X and Y give options in text order, a running maximum of their
ends splits them into groups of overlapping spans.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.model import GOLD
from annotator.core.review.disputes import Sig, link_signatures, value_signature
from annotator.core.sqlints import doc_ranges, ints
from annotator.core.store import Store

if TYPE_CHECKING:
    import numpy as np

# X = ((doc_id * 2 + is_figure) << _START_BITS) | start; Y = (end << 20) | (label << 8) |
# curator. Limits: document ids below 2**30, 4096 labels, 256 curators.
_START_BITS = 32
_MAX_LABELS = 4096
_MAX_CURATORS = 256
_LATE = _MAX_LABELS - 1  # the label code of a span whose label is not numbered yet
_TOO_MANY = f"the review queue handles up to {_MAX_LABELS - 1} labels and {_MAX_CURATORS} curators"


@dataclass(frozen=True)
class QueueEntry:
    doc_id: int
    title: str
    curators: tuple[str, ...]  # who finished it
    disputes: int  # groups of overlapping spans the curators disagree on
    open: int  # of those, not settled by the reviewer yet
    groups: int  # every group of overlapping spans, agreed ones included
    status: str  # the gold's status

    @property
    def agreement(self) -> float:
        """The share of span groups all curators agree on (1.0 without any span)."""
        return 1.0 - self.disputes / self.groups if self.groups else 1.0


def review_queue(
    store: Store,
    curators: Sequence[str] | None = None,
    *,
    label: str | None = None,
    pair: tuple[str, str] | None = None,
    only_open: bool = False,
) -> list[QueueEntry]:
    """Documents finished by at least two of `curators` (default: every curator but the
    gold), those with the most open disagreements first, then the most disagreements,
    then the lowest agreement. `label` counts only disputes with an option of that
    label; `pair` only disputes where those two curators differ (and only documents both
    finished). `only_open` leaves out documents with nothing open."""
    import numpy as np

    done = _finished(store, curators)  # curator -> the ids of the documents they finished
    top = max((int(ids.max()) for ids in done.values() if len(ids)), default=-1) + 1
    everyone = sorted(done)
    finished = np.zeros((len(everyone), top), dtype=bool)
    for i, who in enumerate(everyone):
        finished[i, done[who]] = True
    if pair is not None:
        both = np.zeros(top, dtype=bool)
        if pair[0] in done and pair[1] in done:
            both = finished[everyone.index(pair[0])] & finished[everyone.index(pair[1])]
        finished &= both
    n_finished = finished.sum(axis=0)
    shared = n_finished >= 2
    docs = np.flatnonzero(shared).tolist()
    if not docs:
        return []
    # the curators of those documents, and only their work there
    used = finished[:, shared].any(axis=1)
    names = [who for who, u in zip(everyone, used.tolist(), strict=True) if u]
    finished = finished[used] & shared
    n_finished = np.where(shared, n_finished, 0)
    reader = _Reader(store, names, docs)
    spans = reader.spans(curators=True)
    decisions = np.concatenate([reader.spans(curators=False), reader.rejections()])
    # only the spans of a curator who finished the document, on documents two finished
    doc_of = spans[:, 0] >> (_START_BITS + 1)
    keep = doc_of < len(n_finished)
    keep[keep] = finished[spans[keep, 1] & 0xFF, doc_of[keep]]
    if not keep.all():  # usually all are: no copy
        spans = spans[keep]
    label_code = None if label is None else reader.labels.get(label, -1)
    groups, disputes, open_ = _count(spans, decisions, n_finished, names, label_code, pair)
    titles = dict(store.conn.execute("SELECT id, title FROM documents"))
    statuses = dict(
        store.conn.execute("SELECT doc_id, status FROM status WHERE annotator = ?", (GOLD,))
    )
    ids = np.array(docs, dtype=np.int64)
    groups, disputes, open_ = groups[ids], disputes[ids], open_[ids]
    if only_open:
        keep = open_ > 0
        ids, groups, disputes, open_ = ids[keep], groups[keep], disputes[keep], open_[keep]
    # worst first: most open, most disputes, lowest agreement (as QueueEntry.agreement
    # computes it), then by id
    with np.errstate(divide="ignore", invalid="ignore"):
        agreement = np.where(groups > 0, 1.0 - disputes / np.maximum(groups, 1), 1.0)
    order = np.lexsort((ids, agreement, -disputes, -open_))
    # each document's curators, one tuple per combination of them
    bits = np.zeros(top, dtype=np.int64)
    for i in range(len(names)):
        bits |= finished[i].astype(np.int64) << i
    combos: dict[int, tuple[str, ...]] = {}
    entries = []
    for d, g, n, o in zip(
        ids[order].tolist(),
        groups[order].tolist(),
        disputes[order].tolist(),
        open_[order].tolist(),
        strict=True,
    ):
        mask = int(bits[d])
        who = combos.get(mask)
        if who is None:
            who = combos[mask] = tuple(c for i, c in enumerate(names) if mask >> i & 1)
        entries.append(QueueEntry(d, titles.get(d, ""), who, n, o, g, statuses.get(d, "open")))
    return entries


def _finished(store: Store, curators: Sequence[str] | None) -> dict[str, np.ndarray]:
    """Each curator's finished documents (of `curators`; default: all but the gold)."""
    wanted = None if curators is None else set(curators)
    return {
        who: ints(joined)
        for who, joined in store.conn.execute(
            "SELECT annotator, group_concat(doc_id) FROM status "
            "WHERE status = 'done' AND annotator != ? GROUP BY annotator",
            (GOLD,),
        )
        if wanted is None or who in wanted
    }


class _Reader:
    """Reads spans as (X, Y, E) rows: E numbers what else must agree (knowledge-base
    id, figure value, links; 0 for a plain entity)."""

    def __init__(self, store: Store, names: list[str], docs: list[int]) -> None:
        self.store = store
        self.ranges = doc_ranges(docs)  # only spans on these documents are read
        c = store.conn
        # every label read so far, numbered as met (a first pass over the table for the
        # labels would cost a fifth of the reading)
        self.labels: dict[str, int] = {}
        self.linked = bool(c.execute("SELECT EXISTS (SELECT 1 FROM links)").fetchone()[0])
        if len(names) > _MAX_CURATORS:
            raise ValueError(_TOO_MANY)
        self.names = names
        self.curators = {n: i for i, n in enumerate(names)}
        self._extra: dict[tuple[str | None, str | None, str | None], int] = {}

    def _code(self, label: str) -> int:
        code = self.labels.setdefault(label, len(self.labels))
        if code >= _LATE:
            raise ValueError(_TOO_MANY)
        return code

    def _plain(self, name: str, code: int, low: int, high: int) -> tuple[np.ndarray, int]:
        """(X, Y, 0) of the curator's plain entity spans (no knowledge-base id, no link)
        on documents low..high, and how many of the curator's other spans are there; a
        label not met before is numbered, and the stretch read again."""
        import numpy as np

        x = f"(((a.doc_id * 2 + (a.layer = 'figures')) << {_START_BITS}) | a.start)"
        plain = "a.kb_id IS NULL AND a.layer = 'ents'"
        if self.linked:
            plain += " AND a.id NOT IN (SELECT annotation_id FROM links)"
        where = "a.annotator = ? AND a.doc_id BETWEEN ? AND ?"
        for attempt in range(2):
            whens = " ".join(f"WHEN ? THEN {i}" for i in self.labels.values())
            case = f"CASE a.label {whens} ELSE {_LATE} END" if whens else str(_LATE)
            # the numbers cross as strings of integers (both from one pass over the same
            # rows, so in the same order), and the same pass counts the other spans
            ((xs, ys, others),) = self.store.conn.execute(
                f"SELECT group_concat({x}) FILTER (WHERE {plain}), "
                f'group_concat((a."end" << 20) | ({case} << 8) | {code}) '
                f"FILTER (WHERE {plain}), count(*) FILTER (WHERE NOT ({plain})) "
                f"FROM annotations a WHERE {where}",
                [*self.labels, name, low, high],
            ).fetchall()
            rows = np.zeros((xs.count(",") + 1 if xs else 0, 3), dtype=np.int64)
            rows[:, 0], rows[:, 1] = ints(xs), ints(ys)
            late = ((rows[:, 1] >> 8) & 0xFFF) == _LATE
            if not late.any():
                return rows, others
            if attempt == 0:
                for (label,) in self.store.conn.execute(
                    f"SELECT DISTINCT a.label FROM annotations a WHERE {where} AND {plain}",
                    (name, low, high),
                ):
                    self._code(label)
        # a label first used while reading: as if read before it
        return rows[~late], others

    def spans(self, *, curators: bool) -> np.ndarray:
        """(X, Y, E) of every span of the curators (or, with curators False, of the
        gold); whether a curator finished the document is for the caller to check."""
        import numpy as np

        parts = [np.zeros((0, 3), dtype=np.int64)]
        special = self.linked  # whether some span needs reading in full
        who = list(self.curators.items()) if curators else [(GOLD, 0)]
        for name, code in who:
            # one query per curator and stretch of documents, on the index by curator:
            # faster than one query numbering curators with a CASE
            for low, high in self.ranges:
                rows, others = self._plain(name, code, low, high)
                special = special or others > 0
                parts.append(rows)
        rows = np.concatenate(parts)
        if not special:
            return rows
        marks = ",".join("?" * len(who))
        special = self.store.conn.execute(
            'SELECT a.id, a.doc_id, a.layer, a.start, a."end", a.label, a.annotator, a.kb_id, '
            f"a.attrs FROM annotations a WHERE a.annotator IN ({marks}) AND (a.kb_id IS NOT "
            "NULL OR a.layer = 'figures' OR a.id IN (SELECT annotation_id FROM links))",
            [name for name, _ in who],
        ).fetchall()
        if not special:
            return rows
        links = link_signatures(self.store, [r[0] for r in special])
        more = []
        for ann_id, doc_id, layer, start, end, label, name, kb_id, attrs in special:
            value = value_signature(layer, json.loads(attrs)) if layer == "figures" else None
            sig = Sig(layer, start, end, label, kb_id or None, value, links.get(ann_id))
            more.append(self._row(doc_id, sig, self.curators.get(name, 0) if curators else 0))
        return np.concatenate([rows, np.array(more, dtype=np.int64)])

    def _row(self, doc_id: int, sig: Sig, curator: int) -> list[int]:
        x = ((doc_id * 2 + (sig.layer == "figures")) << _START_BITS) | sig.start
        y = (sig.end << 20) | (self._code(sig.label) << 8) | curator
        extra = (sig.kb_id, sig.value, sig.links)
        e = (
            0
            if extra == (None, None, None)
            else self._extra.setdefault(extra, len(self._extra) + 1)
        )
        return [x, y, e]

    def rejections(self) -> np.ndarray:
        """(X, Y, E) of the options the reviewer rejected."""
        import numpy as np

        rows = []
        for doc_id, key in self.store.conn.execute(
            "SELECT doc_id, key FROM rejections WHERE annotator = ? AND key LIKE 'review|%'",
            (GOLD,),
        ):
            sig = Sig.parse(key)
            if sig is not None and sig.label in self.labels:
                rows.append(self._row(doc_id, sig, 0))
        return np.array(rows, dtype=np.int64).reshape(len(rows), 3)


def _count(
    spans: np.ndarray,
    decisions: np.ndarray,
    n_finished: np.ndarray,
    names: list[str],
    label: int | None,
    pair: tuple[str, str] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per document id: groups, disputes, open disputes."""
    import numpy as np

    n_docs = len(n_finished)
    zero = np.zeros(n_docs, dtype=np.int64)
    if len(spans) == 0:
        return zero, zero, zero
    x, y, e = spans[:, 0], spans[:, 1], spans[:, 2]
    yo, who = y >> 8, y & 0xFF
    order = _order(x, y, e)
    x, yo, e, who = x[order], yo[order], e[order], who[order]
    new_option = np.ones(len(x), dtype=bool)
    new_option[1:] = (x[1:] != x[:-1]) | (yo[1:] != yo[:-1]) | (e[1:] != e[:-1])
    number = np.cumsum(new_option) - 1
    new_vote = new_option.copy()
    new_vote[1:] |= who[1:] != who[:-1]
    votes = np.bincount(number[new_vote])
    first = np.flatnonzero(new_option)
    ox, oy, oe = x[first], yo[first], e[first]
    section = ox >> _START_BITS
    doc = section >> 1
    start = ox & ((1 << _START_BITS) - 1)
    end = oy >> 12
    agreed_option = votes == n_finished[doc]
    decided = _decided(ox, oy, oe, decisions)
    group = _groups(section, start, end)
    n_groups = int(group[-1]) + 1
    group_doc = doc[np.flatnonzero(np.diff(group, prepend=-1))]
    agreed = np.bincount(group, weights=~agreed_option, minlength=n_groups) == 0
    settled = np.bincount(group, weights=~decided, minlength=n_groups) == 0
    disputed = ~agreed
    if label is not None:
        disputed &= np.bincount(group, weights=(oy & 0xFFF) == label, minlength=n_groups) > 0
    if pair is not None:
        a, b = names.index(pair[0]), names.index(pair[1])
        has_a = np.bincount(number[who == a], minlength=len(ox)) > 0
        has_b = np.bincount(number[who == b], minlength=len(ox)) > 0
        disputed &= np.bincount(group, weights=has_a != has_b, minlength=n_groups) > 0
    groups = np.bincount(group_doc, minlength=n_docs)
    disputes = np.bincount(group_doc, weights=disputed, minlength=n_docs).astype(np.int64)
    open_ = np.bincount(group_doc, weights=disputed & ~settled, minlength=n_docs).astype(np.int64)
    return groups, disputes, open_


def _bits(values: np.ndarray) -> int:
    return int(values.max()).bit_length() if len(values) else 0


def _order(x: np.ndarray, y: np.ndarray, e: np.ndarray) -> np.ndarray:
    """The order of spans by x, then y (end, label, curator), then e. Where it fits, one
    int64 (document rank, layer and start; length; label and curator) sorted once,
    which is twice as fast as sorting by several keys."""
    import numpy as np

    if not e.any():
        section, start = x >> _START_BITS, x & ((1 << _START_BITS) - 1)
        length = (y >> 20) - start
        low = y & 0xFFFFF  # label and curator
        rest = [_bits(start), _bits(length), 20]
        rank = section  # in the order of the sections: themselves when they fit
        if _bits(section) + sum(rest) > 63:
            rank = np.unique(section, return_inverse=True)[1].reshape(-1)
        widths = [_bits(rank), *rest]
        if sum(widths) <= 63 and length.min() >= 0:
            key = rank.astype(np.int64)
            for values, width in zip((start, length, low), widths[1:], strict=True):
                key = (key << width) | values
            return np.argsort(key, kind="stable")
    return np.lexsort((y & 0xFF, e, y >> 8, x))


def _decided(ox: np.ndarray, oy: np.ndarray, oe: np.ndarray, decisions: np.ndarray) -> np.ndarray:
    """Which options (sorted, distinct) the gold holds or the reviewer rejected."""
    import numpy as np

    if len(decisions) == 0:
        return np.zeros(len(ox), dtype=bool)
    dx, dy, de = decisions[:, 0], decisions[:, 1] >> 8, decisions[:, 2]
    x = np.concatenate([ox, dx])
    y = np.concatenate([oy, dy])
    e = np.concatenate([oe, de])
    flag = np.concatenate([np.zeros(len(ox), dtype=np.int64), np.ones(len(dx), dtype=np.int64)])
    index = np.concatenate([np.arange(len(ox)), np.full(len(dx), -1)])
    order = np.lexsort((flag, e, y, x))
    x, y, e, flag, index = x[order], y[order], e[order], flag[order], index[order]
    same_next = (x[1:] == x[:-1]) & (y[1:] == y[:-1]) & (e[1:] == e[:-1])
    hit = np.flatnonzero((flag[:-1] == 0) & (flag[1:] == 1) & same_next)
    out = np.zeros(len(ox), dtype=bool)
    out[index[hit]] = True
    return out


def _groups(section: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Group number of each option (given in section, start, end order): options of one
    section (document and layer) that overlap, directly or through others, share one."""
    import numpy as np

    new_section = np.ones(len(section), dtype=bool)
    new_section[1:] = section[1:] != section[:-1]
    # the furthest end so far within a section: each section lifted above the last
    base = np.cumsum(new_section) * (int(end.max()) + 1)
    reach = np.maximum.accumulate(base + end) - base
    starts_group = new_section.copy()
    starts_group[1:] |= start[1:] >= reach[:-1]
    return np.cumsum(starts_group) - 1
