"""Agreement figures for a pair of curators or a group, from a `Corpus`.

A pair is compared over the documents both finished; a group over the documents all of
them finished. Each gets, overall and per label:

- exact-match span F1: spans equal in start, end (white space at the edges trimmed) and
  label, each span matched at most once; F1 = 2·matches / (spans of a + spans of b);
- partial-overlap F1: a span counts as matched when the other curator has a span of the
  same label sharing at least one character; F1 is the harmonic mean of the share of a's
  spans matched and the share of b's (symmetric, independent of span order, a span is
  matched or not, never half);
- token-level Cohen's kappa (pairs) / Fleiss' kappa (groups of 3 or more);
- Krippendorff's alpha, nominal, tokens as units (pairs and groups);

with tokens as units: every token of the documents (an unlabelled token is the category
"O", so agreeing on what is *not* an entity counts), or with `units="labelled"` only the
tokens at least one of the curators put in a span. Per label, each token is a yes/no
decision (has the label or not). Figures from groups of 3 or more: Fleiss' kappa and
alpha are true multi-rater figures; the two F1 are the mean over the group's pairs (on
the group's documents).

For figures also the agreement on value and unit (over the figures all curators marked
at the same offsets), for entities the agreement on the knowledge-base id (over the
entities all marked alike where at least one gave an id).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.agreement import metrics
from annotator.core.agreement.corpus import Corpus

if TYPE_CHECKING:
    import numpy as np

UNITS = ("all", "labelled")


@dataclass(frozen=True)
class Figures:
    """The figures of one scope for one label (or all labels: label None)."""

    label: str | None
    spans: tuple[int, ...]  # each curator's spans counted
    exact_f1: float
    partial_f1: float
    kappa: float
    alpha: float
    units: int  # tokens counted


@dataclass(frozen=True)
class ValueFigures:
    """Figures marked at the same offsets by every curator of the scope, and the share
    of them on which all gave the same value (and upper value), the same unit, both."""

    matched: int
    value: float
    unit: float
    both: float


@dataclass(frozen=True)
class KbFigures:
    """Entities marked alike (offsets and label) by every curator of the scope where
    at least one gave a knowledge-base id, and the share with the same id for all."""

    matched: int
    same: float


@dataclass(frozen=True)
class Scope:
    raters: tuple[str, ...]
    documents: int
    overall: Figures
    labels: tuple[Figures, ...]
    values: ValueFigures | None = None
    kb: KbFigures | None = None
    # token categories of a pair: rows the first curator's, columns the second's
    confusion: Any = None
    categories: tuple[str, ...] = ()

    @property
    def kappa_name(self) -> str:
        return "cohen" if len(self.raters) == 2 else "fleiss"


@dataclass(frozen=True)
class Agreement:
    layer: str
    units: str
    raters: tuple[str, ...]
    labels: tuple[str, ...]
    pairs: tuple[Scope, ...]
    group: Scope | None
    whitespace_only: int = 0


def compute(corpus: Corpus, *, units: str = "all") -> Agreement:
    """Every pair's figures, and the group's when there are three curators or more."""
    if units not in UNITS:
        raise ValueError(f"units must be one of {', '.join(UNITS)}")
    r = len(corpus.raters)
    keys = _SpanKeys(corpus)
    pairs = tuple(
        _scope(corpus, keys, (a, b), units) for a, b in itertools.combinations(range(r), 2)
    )
    group = _scope(corpus, keys, tuple(range(r)), units) if r >= 3 else None
    return Agreement(
        corpus.layer, units, corpus.raters, corpus.labels, pairs, group, corpus.whitespace_only
    )


# -- spans ------------------------------------------------------------------------------


def _radix(columns: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """One int64 per row of the columns (each < its size), ordered like the rows; equal
    rows give equal numbers. Falls back to numbering distinct rows when the product of
    sizes does not fit."""
    import numpy as np

    if math.prod(max(s, 1) for s in sizes) < 2**62:
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for col, size in zip(columns, sizes, strict=True):
            key = key * max(size, 1) + col
        return key
    _, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


class _SpanKeys:
    """Numbers for comparing spans: `exact` equal for equal (doc, start, end, label),
    `place` for equal (doc, start, end); `group`, `gstart`, `gend` put every (document,
    label) in its own stretch of one axis, for overlap tests."""

    def __init__(self, c: Corpus) -> None:
        longest = int(c.end.max()) + 2 if len(c.end) else 2
        n_docs, n_labels = len(c.doc_ids), max(len(c.labels), 1)
        self.exact = _radix([c.doc, c.start, c.end, c.label], [n_docs, longest, longest, n_labels])
        self.place = _radix([c.doc, c.start, c.end], [n_docs, longest, longest])
        self.fits = n_docs * n_labels * longest < 2**62
        group = c.doc * n_labels + c.label
        self.gstart = group * longest + c.start
        self.gend = group * longest + c.end
        self.doc, self.start, self.end, self.label = c.doc, c.start, c.end, c.label
        self.n_labels = n_labels
        # a pair's span figures on a set of documents, kept for the group: when everyone
        # finished the same documents, the group's pairs are the pairs
        self.span_figures: dict[tuple[int, int, bytes], tuple[np.ndarray, ...]] = {}
        self._raters: dict[tuple[int, bytes], _RaterSpans] = {}

    def rater(self, c: Corpus, r: int, docs: np.ndarray, known: bytes) -> _RaterSpans:
        """Rater r's spans on `docs` (`known`: their packed bits), sorted once for every
        pair the rater is in."""
        if (r, known) not in self._raters:
            self._raters[r, known] = _RaterSpans(self, docs[c.doc] & (c.rater == r))
        return self._raters[r, known]


class _RaterSpans:
    """One rater's spans on some documents: `sel` marks them; per label how many
    (`counts`); their distinct exact keys sorted, with how many spans and the label of
    each (`keys`, `times`, `key_label`); and their overlap axis sorted by start
    (`gstart`, `gend`, `glabel`) with `reach`, the furthest end so far."""

    def __init__(self, k: _SpanKeys, sel: np.ndarray) -> None:
        import numpy as np

        self.sel = sel
        idx = np.flatnonzero(sel)
        label = k.label[idx]
        self.counts = np.bincount(label, minlength=k.n_labels)
        exact = k.exact[idx]
        order = np.argsort(exact, kind="stable")
        exact = exact[order]
        first = np.flatnonzero(np.diff(exact, prepend=exact[:1] - 1)) if len(exact) else order
        self.keys = exact[first]
        self.times = np.diff(np.append(first, len(exact)))
        self.key_label = label[order[first]]
        order = np.argsort(k.gstart[idx], kind="stable")
        self.gstart, self.gend = k.gstart[idx][order], k.gend[idx][order]
        self.glabel = label[order]
        self.reach = np.maximum.accumulate(self.gend) if len(order) else self.gend


def _exact_matches(keys: _SpanKeys, a: _RaterSpans, b: _RaterSpans) -> np.ndarray:
    """Per label, how many spans of a equal one of b's (each matched once)."""
    import numpy as np

    if len(a.keys) == 0 or len(b.keys) == 0:
        return np.zeros(keys.n_labels, dtype=np.int64)
    at = np.minimum(np.searchsorted(b.keys, a.keys), len(b.keys) - 1)
    hit = b.keys[at] == a.keys
    matched = np.minimum(a.times[hit], b.times[at[hit]])
    labels = a.key_label[hit]
    return np.bincount(labels, weights=matched, minlength=keys.n_labels).astype(np.int64)


def _overlapped(keys: _SpanKeys, a: _RaterSpans, b: _RaterSpans) -> np.ndarray:
    """Per label, how many spans of a share a character with a span of b of the same
    label."""
    import numpy as np

    if not keys.fits:
        return _overlapped_slow(keys, a.sel, b.sel)
    if len(b.gstart) == 0 or len(a.gstart) == 0:
        return np.zeros(keys.n_labels, dtype=np.int64)
    # the last of b's spans starting before each of a's ends (a's in order of start, so
    # the ends nearly sorted: a fast search), and whether b reaches past a's start
    j = np.searchsorted(b.gstart, a.gend, side="left") - 1
    hit = (j >= 0) & (b.reach[np.maximum(j, 0)] > a.gstart)
    return np.bincount(a.glabel[hit], minlength=keys.n_labels).astype(np.int64)


def _overlapped_slow(keys: _SpanKeys, sel_a: np.ndarray, sel_b: np.ndarray) -> np.ndarray:
    """The same as `_overlapped`, one span at a time: for texts too long to put every
    (document, label) on one int64 axis."""
    import numpy as np

    spans_b: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for i in np.flatnonzero(sel_b).tolist():
        group = (int(keys.doc[i]), int(keys.label[i]))
        spans_b.setdefault(group, []).append((int(keys.start[i]), int(keys.end[i])))
    out = np.zeros(keys.n_labels, dtype=np.int64)
    for i in np.flatnonzero(sel_a).tolist():
        group = (int(keys.doc[i]), int(keys.label[i]))
        start, end = int(keys.start[i]), int(keys.end[i])
        if any(s < end and e > start for s, e in spans_b.get(group, ())):
            out[group[1]] += 1
    return out


def _span_figures(
    c: Corpus, keys: _SpanKeys, a: int, b: int, docs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per label: spans of a, spans of b, exact matches, a's spans overlapped, b's."""
    import numpy as np

    known = (a, b, np.packbits(docs).tobytes())
    if known in keys.span_figures:
        return keys.span_figures[known]  # type: ignore[return-value]
    spans_a, spans_b = keys.rater(c, a, docs, known[2]), keys.rater(c, b, docs, known[2])
    n_a, n_b = spans_a.counts, spans_b.counts
    exact = _exact_matches(keys, spans_a, spans_b)
    over_a = _overlapped(keys, spans_a, spans_b)
    over_b = _overlapped(keys, spans_b, spans_a)
    keys.span_figures[known] = (n_a, n_b, exact, over_a, over_b)
    return n_a, n_b, exact, over_a, over_b


# -- scopes -----------------------------------------------------------------------------


def _scope(c: Corpus, keys: _SpanKeys, raters: tuple[int, ...], units: str) -> Scope:
    import numpy as np

    docs = c.finished[list(raters)].all(axis=0)
    token_in = np.repeat(docs, np.diff(c.tokens.first))
    if units == "labelled":
        token_in &= (c.codes[list(raters)] != 0).any(axis=0)
    # each rater's token codes: the rows of c.codes themselves when every token counts
    every = bool(token_in.all())
    columns = [c.codes[r] if every else c.codes[r][token_in] for r in raters]
    n_units = len(columns[0])
    k = len(c.categories)
    has = np.array([[lab in cat for cat in c.categories] for lab in c.labels], dtype=bool).reshape(
        len(c.labels), k
    )
    pairs = list(itertools.combinations(raters, 2))
    spans = [_span_figures(c, keys, a, b, docs) for a, b in pairs]
    known = np.packbits(docs).tobytes()
    counts = tuple(keys.rater(c, r, docs, known).counts for r in raters)
    confusion = None
    if len(raters) == 2:
        confusion = metrics.confusion(columns[0], columns[1], k)
        kappa_alpha = _pair_coefficients(confusion, has)
    else:
        kappa_alpha = _group_coefficients(columns, k, has)
    figures = []
    for li in [None, *range(len(c.labels))]:
        sl = slice(None) if li is None else slice(li, li + 1)
        exact = [
            metrics.f1(int(e[sl].sum()), int(na[sl].sum()), int(e[sl].sum()), int(nb[sl].sum()))
            for na, nb, e, _, _ in spans
        ]
        partial = [
            metrics.f1(int(oa[sl].sum()), int(na[sl].sum()), int(ob[sl].sum()), int(nb[sl].sum()))
            for na, nb, _, oa, ob in spans
        ]
        kappa, alpha = kappa_alpha[li]
        figures.append(
            Figures(
                label=None if li is None else c.labels[li],
                spans=tuple(int(n[sl].sum()) for n in counts),
                exact_f1=_mean(exact),
                partial_f1=_mean(partial),
                kappa=kappa,
                alpha=alpha,
                units=n_units,
            )
        )
    return Scope(
        raters=tuple(c.raters[r] for r in raters),
        documents=int(docs.sum()),
        overall=figures[0],
        labels=tuple(figures[1:]),
        values=_values(c, keys, raters, docs) if c.layer == "figures" else None,
        kb=_kb(c, keys, raters, docs) if c.layer == "ents" else None,
        confusion=confusion,
        categories=tuple(c.category_name(i) for i in range(k)),
    )


def _mean(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else float("nan")


def _pair_coefficients(
    confusion: np.ndarray, has: np.ndarray
) -> dict[int | None, tuple[float, float]]:
    """(kappa, alpha) overall (key None) and per label index, from the token confusion
    matrix of compound categories."""
    import numpy as np

    out: dict[int | None, tuple[float, float]] = {
        None: (metrics.cohen_kappa(confusion), metrics.alpha_pair(confusion))
    }
    for li, yes in enumerate(has):
        no = ~yes
        binary = np.array(
            [
                [confusion[np.ix_(no, no)].sum(), confusion[np.ix_(no, yes)].sum()],
                [confusion[np.ix_(yes, no)].sum(), confusion[np.ix_(yes, yes)].sum()],
            ]
        )
        out[li] = (metrics.cohen_kappa(binary), metrics.alpha_pair(binary))
    return out


def _group_coefficients(
    columns: Sequence[np.ndarray], k: int, has: np.ndarray
) -> dict[int | None, tuple[float, float]]:
    import numpy as np

    counts, weights = metrics.unit_counts_of_columns(columns, k)
    out: dict[int | None, tuple[float, float]] = {
        None: (metrics.fleiss_kappa(counts, weights), metrics.alpha_multi(counts, weights))
    }
    m = len(columns)
    for li, yes in enumerate(has):
        with_label = counts[:, yes].sum(axis=1)
        binary = np.stack([m - with_label, with_label], axis=1)
        out[li] = (metrics.fleiss_kappa(binary, weights), metrics.alpha_multi(binary, weights))
    return out


# -- values, units and knowledge-base ids -----------------------------------------------


def _common(
    c: Corpus, key: np.ndarray, raters: tuple[int, ...], docs: np.ndarray, among: np.ndarray
) -> np.ndarray:
    """For each key every rater of the scope has (on the scope's documents, among the
    spans `among`), the index of each rater's first span with it: keys x raters."""
    import numpy as np

    firsts = []
    for r in raters:
        sel = np.flatnonzero(among & docs[c.doc] & (c.rater == r))
        u, i = np.unique(key[sel], return_index=True)
        firsts.append((u, sel[i]))
    common = firsts[0][0]
    for u, _ in firsts[1:]:
        common = np.intersect1d(common, u, assume_unique=True)
    rows = [idx[np.searchsorted(u, common)] for u, idx in firsts]
    return np.stack(rows, axis=1) if len(common) else np.zeros((0, len(raters)), dtype=np.int64)


def _same_number(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.0)
    return a == b


def _values(c: Corpus, keys: _SpanKeys, raters: tuple[int, ...], docs: np.ndarray) -> ValueFigures:
    import numpy as np

    rows = _common(c, keys.place, raters, docs, np.ones(len(c.doc), dtype=bool)).tolist()
    value = unit = both = 0
    for row in rows:
        attrs = [c.attrs[c.attr[i]] if c.attr[i] >= 0 else {} for i in row]
        first = attrs[0]
        same_value = all(
            _same_number(first.get("value"), a.get("value"))
            and _same_number(first.get("value_max"), a.get("value_max"))
            for a in attrs[1:]
        )
        same_unit = all((first.get("unit") or None) == (a.get("unit") or None) for a in attrs)
        value += same_value
        unit += same_unit
        both += same_value and same_unit
    n = len(rows)
    share = (lambda x: x / n) if n else (lambda x: float("nan"))
    return ValueFigures(n, share(value), share(unit), share(both))


def _kb(c: Corpus, keys: _SpanKeys, raters: tuple[int, ...], docs: np.ndarray) -> KbFigures:
    """Over entities marked alike by all where at least one gave an id: the share where
    all gave the same id."""
    import numpy as np

    with_id = np.isin(keys.exact, keys.exact[c.kb > 0])  # spans some curator linked
    rows = _common(c, keys.exact, raters, docs, with_id)
    if len(rows) == 0:
        return KbFigures(0, float("nan"))
    ids = c.kb[rows]
    same = int((ids == ids[:, :1]).all(axis=1).sum())
    return KbFigures(len(rows), same / len(rows))
