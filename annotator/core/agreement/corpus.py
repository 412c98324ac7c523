"""Curators' finished work read into arrays: the spans each curator marked on the
documents they finished, and the label set each of them gave each token.

A span counts as marked by a curator on a document only when the curator marked that
document done. Spans are compared with white space trimmed from both edges (" asma" and
"asma" are the same span). A token takes a span's label when the span covers at least one
of its characters, so a span cut mid-word labels the whole word; a token covered by
spans of several labels of one curator gets the combination ("GPE+ORG"), a token no span
covers is "O" (outside).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.agreement.tokens import Tokens, tokenize
from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD
from annotator.core.store import Store

if TYPE_CHECKING:
    import numpy as np

OUTSIDE = "O"


class AgreementError(AnnotatorError):
    """Agreement cannot be computed (too few curators, none finished); says why."""


@dataclass
class Corpus:
    """What the agreement figures are computed from.

    Spans are rows of parallel arrays; `doc` indexes `doc_ids`, `rater` indexes
    `raters`, `label` indexes `labels`; `start`/`end` are trimmed offsets in the
    document, `tok_first`/`tok_last` the global token range [first, last) they cover.
    """

    layer: str
    raters: tuple[str, ...]
    labels: tuple[str, ...]
    doc_ids: tuple[int, ...]
    finished: np.ndarray  # bool, raters x documents: who marked which document done
    tokens: Tokens
    doc: np.ndarray
    rater: np.ndarray
    label: np.ndarray
    start: np.ndarray
    end: np.ndarray
    tok_first: np.ndarray
    tok_last: np.ndarray
    kb_id: list[str | None]
    attrs: list[dict[str, Any] | None]  # figures' attributes (None for entities)
    # compound token categories: codes[r] is rater r's category of every token (0 = O)
    codes: np.ndarray  # int32, raters x tokens
    categories: tuple[frozenset[str], ...]  # category code -> its labels (0: empty)
    whitespace_only: int = 0  # spans with no token: left out

    def category_name(self, code: int) -> str:
        labels = self.categories[code]
        return "+".join(sorted(labels)) if labels else OUTSIDE


def finished_by(store: Store, curators: Sequence[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {c: set() for c in curators}
    marks = ",".join("?" * len(curators))
    for who, doc_id in store.conn.execute(
        f"SELECT annotator, doc_id FROM status WHERE status = 'done' AND annotator IN ({marks})",
        list(curators),
    ):
        found[who].add(doc_id)
    return found


def default_curators(store: Store) -> list[str]:
    """Every curator with a finished document, the adjudicated gold aside."""
    rows = store.conn.execute(
        "SELECT DISTINCT annotator FROM status WHERE status = 'done' AND annotator != ? "
        "ORDER BY annotator",
        (GOLD,),
    )
    return [r[0] for r in rows]


def load_corpus(
    store: Store,
    curators: Sequence[str] | None = None,
    *,
    layer: str = "ents",
    labels: Sequence[str] | None = None,
) -> Corpus:
    """Read the curators' finished work on the documents at least two of them finished."""
    import numpy as np

    raters = tuple(curators) if curators else tuple(default_curators(store))
    if len(set(raters)) != len(raters):
        raise AgreementError("a curator is named twice")
    if len(raters) < 2:
        raise AgreementError(
            "agreement needs two curators with finished documents; "
            f"found {', '.join(raters) if raters else 'none'}"
        )
    done = finished_by(store, raters)
    missing = [r for r in raters if not done[r]]
    if missing:
        raise AgreementError(f"no finished documents for {', '.join(missing)}")
    times = np.zeros(max((max(d) for d in done.values()), default=0) + 1, dtype=np.int64)
    for ids in done.values():
        times[list(ids)] += 1
    doc_ids = tuple(int(d) for d in np.flatnonzero(times >= 2))
    position = {d: i for i, d in enumerate(doc_ids)}
    finished = np.zeros((len(raters), len(doc_ids)), dtype=bool)
    for r, who in enumerate(raters):
        finished[r, [position[d] for d in done[who] if d in position]] = True
    texts = [doc.text for doc in store.documents(doc_ids)]
    tokens = tokenize(texts)
    rows = _span_rows(store, raters, layer, position, finished)
    label_set = sorted({row[2] for row in rows} if labels is None else set(labels))
    corpus = _spans(rows, raters, tuple(label_set), doc_ids, finished, texts, tokens, layer)
    return corpus


def _span_rows(
    store: Store,
    raters: Sequence[str],
    layer: str,
    position: dict[int, int],
    finished: np.ndarray,
) -> list[tuple[Any, ...]]:
    """(doc index, rater index, label, start, end, kb_id, attrs) of the spans on
    documents their curator finished."""
    index = {who: r for r, who in enumerate(raters)}
    marks = ",".join("?" * len(raters))
    out = []
    for doc_id, who, label, start, end, kb_id, attrs in store.conn.execute(
        'SELECT a.doc_id, a.annotator, a.label, a.start, a."end", a.kb_id, a.attrs '
        "FROM annotations a JOIN status s ON s.doc_id = a.doc_id AND s.annotator = "
        f"a.annotator AND s.status = 'done' WHERE a.layer = ? AND a.annotator IN ({marks})",
        [layer, *raters],
    ):
        d = position.get(doc_id)
        if d is None:
            continue
        out.append((d, index[who], label, start, end, kb_id, attrs))
    return out


def _spans(
    rows: list[tuple[Any, ...]],
    raters: tuple[str, ...],
    labels: tuple[str, ...],
    doc_ids: tuple[int, ...],
    finished: np.ndarray,
    texts: Sequence[str],
    tokens: Tokens,
    layer: str,
) -> Corpus:
    import numpy as np

    label_index = {label: i for i, label in enumerate(labels)}
    rows = [r for r in rows if r[2] in label_index]
    n = len(rows)
    doc = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    rater = np.fromiter((r[1] for r in rows), dtype=np.int64, count=n)
    label = np.fromiter((label_index[r[2]] for r in rows), dtype=np.int64, count=n)
    start = np.fromiter((r[3] for r in rows), dtype=np.int64, count=n)
    end = np.fromiter((r[4] for r in rows), dtype=np.int64, count=n)
    # every token in one coordinate: document i's text starts at base[i]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    base = np.zeros(len(texts), dtype=np.int64)
    if len(texts):
        np.cumsum(lengths[:-1] + 1, out=base[1:])
    tok_doc = np.repeat(np.arange(len(texts)), np.diff(tokens.first))
    g_starts = tokens.starts + base[tok_doc]
    g_ends = tokens.ends + base[tok_doc]
    end = np.minimum(end, lengths[doc]) if n else end
    g_start, g_end = start + base[doc], end + base[doc]
    tok_first = np.searchsorted(g_ends, g_start, side="right")
    tok_last = np.searchsorted(g_starts, g_end, side="left")
    keep = (tok_first < tok_last) & (start < end)
    whitespace_only = int(n - keep.sum())
    idx = np.flatnonzero(keep)
    doc, rater, label = doc[idx], rater[idx], label[idx]
    tok_first, tok_last = tok_first[idx], tok_last[idx]
    # white space at an edge is trimmed: the span runs from its first to its last
    # non-space character, which are those of the first and last token it touches
    start = np.maximum(g_start[idx], g_starts[tok_first]) - base[doc]
    end = np.minimum(g_end[idx], g_ends[tok_last - 1]) - base[doc]
    kept = [rows[i] for i in idx.tolist()]
    kb_id = [r[5] for r in kept]
    attrs = [_attrs(r[6]) for r in kept] if layer == "figures" else [None] * len(kept)
    codes, categories = _token_codes(
        len(raters), len(tokens.starts), rater, label, tok_first, tok_last, labels
    )
    return Corpus(
        layer=layer,
        raters=raters,
        labels=labels,
        doc_ids=doc_ids,
        finished=finished,
        tokens=tokens,
        doc=doc,
        rater=rater,
        label=label,
        start=start,
        end=end,
        tok_first=tok_first,
        tok_last=tok_last,
        kb_id=kb_id,
        attrs=attrs,
        codes=codes,
        categories=categories,
        whitespace_only=whitespace_only,
    )


def _attrs(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _token_codes(
    n_raters: int,
    n_tokens: int,
    rater: np.ndarray,
    label: np.ndarray,
    tok_first: np.ndarray,
    tok_last: np.ndarray,
    labels: tuple[str, ...],
) -> tuple[np.ndarray, tuple[frozenset[str], ...]]:
    """Each rater's category of each token: the set of labels of the rater's spans
    covering it, numbered (0 is the empty set, "O")."""
    import numpy as np

    words = max(1, -(-len(labels) // 63))
    lengths = tok_last - tok_first
    total = int(lengths.sum())
    # the token index of every (span, covered token), and which span it comes from
    span_of = np.repeat(np.arange(len(lengths)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    token = tok_first[span_of] + offsets
    masks = np.zeros((n_raters, n_tokens, words), dtype=np.int64)
    lab = label[span_of]
    np.bitwise_or.at(masks, (rater[span_of], token, lab // 63), np.left_shift(1, lab % 63))
    flat = masks.reshape(n_raters * n_tokens, words)
    nonzero = np.flatnonzero(flat.any(axis=1))
    codes = np.zeros(n_raters * n_tokens, dtype=np.int32)
    categories: list[frozenset[str]] = [frozenset()]
    if len(nonzero):
        if words == 1:  # up to 63 labels: one number per token, far faster to sort
            distinct, inverse = np.unique(flat[nonzero, 0], return_inverse=True)
            distinct = distinct[:, None]
        else:
            distinct, inverse = np.unique(flat[nonzero], axis=0, return_inverse=True)
        codes[nonzero] = inverse.reshape(-1) + 1
        for row in distinct.tolist():
            categories.append(
                frozenset(
                    labels[w * 63 + b]
                    for w, value in enumerate(row)
                    for b in range(63)
                    if value >> b & 1
                )
            )
    return codes.reshape(n_raters, n_tokens), tuple(categories)
