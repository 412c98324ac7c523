"""The review queue: every document at least two curators finished, worst disagreement
first, counted the way `load_review` counts disputes, for the whole project at once.

All spans of the project are read in a few queries and grouped with numpy (sorting by
document, layer and start; a running maximum of span ends splits overlapping groups), so
the queue of 10,000 documents by three curators takes well under a second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.model import GOLD
from annotator.core.review.disputes import Sig, link_signatures, value_signature
from annotator.core.store import Store

if TYPE_CHECKING:
    import numpy as np


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
    done = _finished(store, curators)
    if pair is not None:
        done = {d: who for d, who in done.items() if pair[0] in who and pair[1] in who}
    docs = sorted(d for d, who in done.items() if len(who) >= 2)
    if not docs:
        return []
    names = sorted({c for d in docs for c in done[d]})
    texts = _texts(store)
    rows = _spans(store, docs, names, texts)
    gold = _gold(store, docs, texts)
    titles, statuses = _titles(store, docs)
    table = _Table(rows, gold, names, len(docs))
    groups, disputes, open_ = table.counts(done, docs, names, label, pair)
    entries = [
        QueueEntry(
            d,
            titles.get(d, ""),
            tuple(sorted(done[d])),
            int(disputes[i]),
            int(open_[i]),
            int(groups[i]),
            statuses.get(d, "open"),
        )
        for i, d in enumerate(docs)
    ]
    if only_open:
        entries = [e for e in entries if e.open]
    entries.sort(key=lambda e: (-e.open, -e.disputes, e.agreement, e.doc_id))
    return entries


def _finished(store: Store, curators: Sequence[str] | None) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    wanted = None if curators is None else set(curators)
    for doc_id, who in store.conn.execute(
        "SELECT doc_id, annotator FROM status WHERE status = 'done' AND annotator != ?", (GOLD,)
    ):
        if wanted is None or who in wanted:
            out.setdefault(doc_id, set()).add(who)
    return out


def _titles(store: Store, docs: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    titles = dict(store.conn.execute("SELECT id, title FROM documents"))
    statuses = dict(
        store.conn.execute("SELECT doc_id, status FROM status WHERE annotator = ?", (GOLD,))
    )
    return {d: titles.get(d, "") for d in docs}, statuses


def _texts(store: Store) -> dict[int, str]:
    return dict(store.conn.execute("SELECT id, text FROM documents"))


def _spans(
    store: Store, docs: list[int], names: list[str], texts: dict[int, str]
) -> list[tuple[Any, ...]]:
    """(doc, curator, Sig) of every span of a curator on a document they finished."""
    wanted = set(docs)
    marks = ",".join("?" * len(names))
    raw = store.conn.execute(
        'SELECT a.id, a.doc_id, a.annotator, a.layer, a.start, a."end", a.label, a.kb_id, '
        "CASE WHEN a.layer = 'figures' THEN a.attrs END FROM annotations a JOIN status s "
        "ON s.doc_id = a.doc_id AND s.annotator = a.annotator AND s.status = 'done' "
        f"WHERE a.annotator IN ({marks})",
        names,
    ).fetchall()
    return _signed(store, raw, texts, wanted)


def _gold(store: Store, docs: list[int], texts: dict[int, str]) -> list[tuple[Any, ...]]:
    """(doc, "@gold", Sig) of the gold spans and (doc, None, Sig) of the options the
    reviewer rejected."""
    wanted = set(docs)
    raw = store.conn.execute(
        'SELECT id, doc_id, annotator, layer, start, "end", label, kb_id, '
        "CASE WHEN layer = 'figures' THEN attrs END FROM annotations WHERE annotator = ?",
        (GOLD,),
    ).fetchall()
    gold = _signed(store, raw, texts, wanted)
    for doc_id, key in store.conn.execute(
        "SELECT doc_id, key FROM rejections WHERE annotator = ? AND key LIKE 'review|%'", (GOLD,)
    ):
        sig = Sig.parse(key)
        if sig is not None and doc_id in wanted:
            gold.append((doc_id, None, sig))  # curator None: a rejection
    return gold


def _signed(
    store: Store, raw: list[tuple[Any, ...]], texts: dict[int, str], wanted: set[int]
) -> list[tuple[Any, ...]]:
    with_links = {r[0] for r in store.conn.execute("SELECT DISTINCT annotation_id FROM links")}
    links = link_signatures(store, [r[0] for r in raw if r[0] in with_links]) if with_links else {}
    out = []
    for ann_id, doc_id, who, layer, start, end, label, kb_id, attrs in raw:
        if doc_id not in wanted:
            continue
        text = texts[doc_id]
        if not 0 <= start < end <= len(text):
            continue
        # white space at the edges is trimmed, as load_review does (strip_span)
        if text[start].isspace() or text[end - 1].isspace():
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
        value = None
        if layer == "figures":
            value = value_signature(layer, json.loads(attrs) if attrs else {})
        out.append(
            (doc_id, who, Sig(layer, start, end, label, kb_id or None, value, links.get(ann_id)))
        )
    return out


class _Table:
    """Every option as rows of arrays: document index, curator index, option number,
    group number; and per option whether the reviewer decided it."""

    def __init__(
        self,
        rows: list[tuple[Any, ...]],
        gold: list[tuple[Any, ...]],
        names: list[str],
        n_docs: int,
    ) -> None:
        import numpy as np

        doc_index: dict[int, int] = {}
        self.names = names
        curator = {c: i for i, c in enumerate(names)}
        options: dict[tuple[int, Sig], int] = {}
        option_rows: list[tuple[int, Sig]] = []
        doc, who, opt = [], [], []
        for doc_id, c, sig in rows:
            key = (doc_id, sig)
            number = options.get(key)
            if number is None:
                number = options[key] = len(option_rows)
                option_rows.append(key)
            doc.append(doc_index.setdefault(doc_id, len(doc_index)))
            who.append(curator[c])
            opt.append(number)
        self.doc_index = doc_index
        self.doc = np.array(doc, dtype=np.int64)
        self.who = np.array(who, dtype=np.int64)
        self.opt = np.array(opt, dtype=np.int64)
        n = len(option_rows)
        self.decided = np.zeros(n, dtype=bool)
        for doc_id, _c, sig in gold:
            number = options.get((doc_id, sig))
            if number is not None:
                self.decided[number] = True
        self.option_doc = np.array([doc_index[d] for d, _ in option_rows], dtype=np.int64)
        layers = np.array([s.layer == "figures" for _, s in option_rows], dtype=np.int64)
        starts = np.array([s.start for _, s in option_rows], dtype=np.int64)
        ends = np.array([s.end for _, s in option_rows], dtype=np.int64)
        self.option_label = [s.label for _, s in option_rows]
        self.group = _groups(self.option_doc, layers, starts, ends)

    def counts(
        self,
        done: dict[int, set[str]],
        docs: list[int],
        names: list[str],
        label: str | None,
        pair: tuple[str, str] | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document (in `docs` order): groups, disputes, open disputes."""
        import numpy as np

        n_docs = len(docs)
        order = np.array([self.doc_index.get(d, -1) for d in docs], dtype=np.int64)
        if len(self.opt) == 0:
            zero = np.zeros(n_docs, dtype=np.int64)
            return zero, zero, zero
        n_groups = int(self.group.max()) + 1
        n_opts = len(self.decided)
        # each option's votes: distinct curators who marked it
        pairs = np.unique(self.opt * len(names) + self.who)
        votes = np.bincount(pairs // len(names), minlength=n_opts)
        finished = np.zeros(len(self.doc_index), dtype=np.int64)
        for d, i in self.doc_index.items():
            finished[i] = len(done[d])
        unanimous = votes == finished[self.option_doc]
        group_doc = np.zeros(n_groups, dtype=np.int64)
        group_doc[self.group] = self.option_doc
        agreed = np.ones(n_groups, dtype=bool)
        np.logical_and.at(agreed, self.group, unanimous)
        settled = np.ones(n_groups, dtype=bool)
        np.logical_and.at(settled, self.group, self.decided)
        disputed = ~agreed
        if label is not None:
            has = np.zeros(n_groups, dtype=bool)
            mine = np.array([lab == label for lab in self.option_label], dtype=bool)
            np.logical_or.at(has, self.group, mine)
            disputed &= has
        if pair is not None:
            disputed &= self._differs(pair, names, n_groups, n_opts)
        groups = np.bincount(group_doc, minlength=len(self.doc_index))
        disputes = np.bincount(group_doc, weights=disputed, minlength=len(self.doc_index))
        open_ = np.bincount(group_doc, weights=disputed & ~settled, minlength=len(self.doc_index))

        def by_doc(values: np.ndarray) -> np.ndarray:
            out = np.zeros(n_docs, dtype=np.int64)
            present = order >= 0
            out[present] = values[order[present]]
            return out

        return by_doc(groups), by_doc(disputes), by_doc(open_)

    def _differs(
        self, pair: tuple[str, str], names: list[str], n_groups: int, n_opts: int
    ) -> np.ndarray:
        """Groups where the two curators' options differ."""
        import numpy as np

        a, b = names.index(pair[0]), names.index(pair[1])
        has_a = np.zeros(n_opts, dtype=bool)
        has_b = np.zeros(n_opts, dtype=bool)
        has_a[self.opt[self.who == a]] = True
        has_b[self.opt[self.who == b]] = True
        differs = np.zeros(n_groups, dtype=bool)
        np.logical_or.at(differs, self.group, has_a != has_b)
        return differs


def _groups(doc: np.ndarray, layer: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Group number of each option: options of one document and layer that overlap,
    directly or through others, share a number."""
    import numpy as np

    if len(doc) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((end, start, layer, doc))
    d, ly, s, e = doc[order], layer[order], start[order], end[order]
    section = d * 2 + ly
    new_section = np.ones(len(d), dtype=bool)
    new_section[1:] = section[1:] != section[:-1]
    # the furthest end so far within a section: reset by offsetting each section
    base = np.cumsum(new_section) * (int(e.max()) + 1)
    reach = np.maximum.accumulate(base + e) - base
    starts_group = new_section.copy()
    starts_group[1:] |= s[1:] >= reach[:-1]
    number = np.cumsum(starts_group) - 1
    out = np.empty(len(doc), dtype=np.int64)
    out[order] = number
    return out
