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
from annotator.core.sqlints import doc_ranges, ints
from annotator.core.store import Store

if TYPE_CHECKING:
    import numpy as np

OUTSIDE = "O"
_LATE = 0xFFFF  # the label code of a span whose label is not among those read


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
    kb: np.ndarray  # int: 0 no knowledge-base id, else 1 + its index in kb_names
    kb_names: tuple[str, ...]
    attr: np.ndarray  # int: index into attrs of a figure's attributes, -1 for entities
    attrs: list[dict[str, Any]]
    # compound token categories: codes[r] is rater r's category of every token (0 = O)
    codes: np.ndarray  # unsigned (as small as fits), raters x tokens
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
    texts = _texts(store, doc_ids)
    tokens = tokenize(texts)
    spans = _SpanReader(store, raters, layer, doc_ids, finished, labels).read()
    return _corpus(spans, raters, doc_ids, finished, texts, tokens, layer)


class _SpanReader:
    """The spans of each curator on the documents they finished, as arrays.

    Moving a row from SQLite into Python costs about as much as all the rest of the work
    on it, so an entity span without a knowledge-base id crosses as two numbers SQLite
    computes ((document << 32) | start and (end << 16) | label), one query per curator on
    the index by curator, a few hundred documents' worth at once (`sqlints`). Spans
    with a knowledge-base id (found by the index on it) and figures (whose attributes
    are JSON) are read in full: there are far fewer of them."""

    def __init__(
        self,
        store: Store,
        raters: Sequence[str],
        layer: str,
        doc_ids: Sequence[int],
        finished: np.ndarray,
        labels: Sequence[str] | None,
    ) -> None:
        import numpy as np

        self.store, self.raters, self.layer = store, raters, layer
        self.finished = finished
        self.ranges = doc_ranges(doc_ids)
        self.position = np.full(max(doc_ids, default=0) + 1, -1, dtype=np.int64)
        self.position[list(doc_ids)] = np.arange(len(doc_ids))
        # every label read so far, numbered as met (a first pass over the table for the
        # labels would cost a fifth of the reading)
        self.codes: dict[str, int] = {}
        self.wanted = None if labels is None else set(labels)
        self.kb_names: dict[str, int] = {}
        self.attrs: list[dict[str, Any]] = []

    def read(self) -> dict[str, Any]:
        import numpy as np

        parts = []
        for r, who in enumerate(self.raters):
            chunks = [np.zeros((0, 2), dtype=np.int64)]
            for low, high in self.ranges if self.layer == "ents" else ():
                chunks.append(self._plain(who, low, high))
            plain = np.concatenate(chunks)
            cols = {
                "doc": plain[:, 0] >> 32,
                "start": plain[:, 0] & 0xFFFFFFFF,
                "end": plain[:, 1] >> 16,
                "label": plain[:, 1] & 0xFFFF,
                "kb": np.zeros(len(plain), dtype=np.int64),
                "attr": np.full(len(plain), -1, dtype=np.int64),
            }
            full = self._full(who)
            part = {k: np.concatenate([cols[k], full[k]]) for k in cols}
            part["rater"] = np.full(len(part["doc"]), r, dtype=np.int64)
            parts.append(part)
        spans = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        # only documents two curators finished, and only work of a curator who finished it
        pos = np.full(len(spans["doc"]), -1, dtype=np.int64)
        inside = spans["doc"] < len(self.position)
        pos[inside] = self.position[spans["doc"][inside]]
        keep = pos >= 0
        keep[keep] = self.finished[spans["rater"][keep], pos[keep]]
        spans["doc"] = pos
        spans = _where(spans, keep)
        # the labels asked for, or those the curators used, numbered in sorted order
        met = list(self.codes)
        used = np.bincount(spans["label"], minlength=len(met)) > 0
        present = sorted(met[i] for i in np.flatnonzero(used).tolist())
        labels = sorted(self.wanted) if self.wanted is not None else present
        index = {label: i for i, label in enumerate(labels)}
        renumber = np.array([index.get(x, -1) for x in met], dtype=np.int64)
        if len(spans["label"]):
            spans["label"] = renumber[spans["label"]]
        spans = _where(spans, spans["label"] >= 0)
        out: dict[str, Any] = dict(spans)
        out["labels"] = tuple(labels)
        out["kb_names"] = tuple(sorted(self.kb_names, key=self.kb_names.__getitem__))
        out["attrs"] = self.attrs
        return out

    def _plain(self, who: str, low: int, high: int) -> np.ndarray:
        """(doc << 32 | start, end << 16 | label) of the curator's entity spans without a
        knowledge-base id on documents low..high; a label not met before is numbered,
        and the stretch read again."""
        import numpy as np

        where = "annotator = ? AND doc_id BETWEEN ? AND ? AND layer = 'ents' AND kb_id IS NULL"
        for attempt in range(2):
            whens = " ".join(f"WHEN ? THEN {i}" for i in self.codes.values())
            case = f"CASE label {whens} ELSE {_LATE} END" if whens else str(_LATE)
            # both lists come from one pass over the same rows, so in the same order
            ((xs, ys),) = self.store.conn.execute(
                f'SELECT group_concat((doc_id << 32) | start), group_concat(("end" << 16) '
                f"| {case}) FROM annotations WHERE {where}",
                [*self.codes, who, low, high],
            ).fetchall()
            rows = np.stack([ints(xs), ints(ys)], axis=1)
            late = (rows[:, 1] & 0xFFFF) == _LATE
            if not late.any():
                return rows
            if attempt == 0:
                for (label,) in self.store.conn.execute(
                    f"SELECT DISTINCT label FROM annotations WHERE {where}", (who, low, high)
                ):
                    self._code(label)
        # a label first used while reading: as if read before it
        return rows[~late]

    def _code(self, label: str) -> int:
        code = self.codes.setdefault(label, len(self.codes))
        if code >= _LATE:
            raise AgreementError(f"agreement handles up to {_LATE} labels")
        return code

    def _full(self, who: str) -> dict[str, np.ndarray]:
        """Spans with a knowledge-base id, and figures, read row by row."""
        import numpy as np

        if self.layer == "figures":
            where = "annotator = ? AND layer = 'figures'"
        else:  # on the index of knowledge-base ids (`+` keeps SQLite off the curator's)
            where = "kb_id IS NOT NULL AND +annotator = ? AND layer = 'ents'"
        rows = self.store.conn.execute(
            f'SELECT doc_id, start, "end", label, kb_id, attrs FROM annotations WHERE {where}',
            (who,),
        ).fetchall()
        kb, attr = [], []
        for *_, kb_id, attrs in rows:
            code = 0 if kb_id is None else self.kb_names.setdefault(kb_id, len(self.kb_names)) + 1
            kb.append(code)
            if self.layer == "figures":
                attr.append(len(self.attrs))
                self.attrs.append(_attrs(attrs))
            else:
                attr.append(-1)
        return {
            "doc": np.array([r[0] for r in rows], dtype=np.int64),
            "start": np.array([r[1] for r in rows], dtype=np.int64),
            "end": np.array([r[2] for r in rows], dtype=np.int64),
            "label": np.array([self._code(r[3]) for r in rows], dtype=np.int64),
            "kb": np.array(kb, dtype=np.int64),
            "attr": np.array(attr, dtype=np.int64),
        }


def _corpus(
    spans: dict[str, Any],
    raters: tuple[str, ...],
    doc_ids: tuple[int, ...],
    finished: np.ndarray,
    texts: Sequence[str],
    tokens: Tokens,
    layer: str,
) -> Corpus:
    import numpy as np

    doc, rater, label = spans["doc"], spans["rater"], spans["label"]
    start, end = spans["start"], spans["end"]
    labels: tuple[str, ...] = spans["labels"]
    n = len(doc)
    # every token in one coordinate: document i's text starts at base[i]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    base, g_starts, g_ends = tokens.base, tokens.starts, tokens.ends
    if n:  # a span past its text's end has no token there (and is left out below)
        start, end = np.minimum(start, lengths[doc]), np.minimum(end, lengths[doc])
    g_start, g_end = start + base[doc], end + base[doc]
    # searched in the tokens' own type: no copy of the token arrays
    tok_first = np.searchsorted(g_ends, g_start.astype(g_ends.dtype), side="right")
    tok_last = np.searchsorted(g_starts, g_end.astype(g_starts.dtype), side="left")
    keep = (tok_first < tok_last) & (start < end)
    whitespace_only = int(n - keep.sum())
    idx = np.flatnonzero(keep)
    doc, rater, label = doc[idx], rater[idx], label[idx]
    tok_first, tok_last = tok_first[idx], tok_last[idx]
    # white space at an edge is trimmed: the span runs from its first to its last
    # non-space character, which are those of the first and last token it touches (as
    # the importer's fit_span trims, one string at a time; a test checks they agree)
    start = np.maximum(g_start[idx], g_starts[tok_first]) - base[doc]
    end = np.minimum(g_end[idx], g_ends[tok_last - 1]) - base[doc]
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
        kb=spans["kb"][idx],
        kb_names=spans["kb_names"],
        attr=spans["attr"][idx],
        attrs=spans["attrs"],
        codes=codes,
        categories=categories,
        whitespace_only=whitespace_only,
    )


def _where(columns: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    """The rows of `keep`, without copying when all are kept (usually)."""
    return columns if keep.all() else {k: v[keep] for k, v in columns.items()}


def _texts(store: Store, doc_ids: Sequence[int]) -> list[str]:
    found: dict[int, str] = {}
    for i in range(0, len(doc_ids), 500):
        chunk = list(doc_ids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        found.update(
            store.conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", chunk)
        )
    return [found[d] for d in doc_ids]


def _attrs(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _code_type(categories: int) -> type:
    """The smallest unsigned integer type holding codes 0 .. categories - 1."""
    import numpy as np

    return np.uint8 if categories <= 1 << 8 else np.uint16 if categories <= 1 << 16 else np.int32


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
    cell = rater[span_of] * n_tokens + tok_first[span_of] + offsets  # rater x token
    lab = label[span_of]
    # the label bits of every covered cell: cells sorted, the bits of a cell OR-ed
    order = np.argsort(cell, kind="stable")
    cell, lab = cell[order], lab[order]
    first = np.flatnonzero(np.diff(cell, prepend=-1)) if len(cell) else cell
    masks = np.zeros((len(first), words), dtype=np.int64)
    for w in range(words):
        if words == 1:  # every label is a bit of the one word
            bits = np.left_shift(np.int64(1), lab)
        else:
            bits = np.where((lab // 63) == w, np.left_shift(np.int64(1), lab % 63), 0)
        if len(first):
            masks[:, w] = np.bitwise_or.reduceat(bits, first)
    cells = cell[first]
    categories: list[frozenset[str]] = [frozenset()]
    if words == 1 and len(labels) <= 20:
        # few labels: every combination has a slot, numbered without sorting
        present = np.bincount(masks[:, 0], minlength=1 << len(labels)) > 0
        present[0] = False
        number = np.cumsum(present)
        codes = np.zeros(n_raters * n_tokens, dtype=_code_type(int(number[-1]) + 1))
        codes[cells] = number[masks[:, 0]]
        distinct = np.flatnonzero(present)[:, None]
    else:
        distinct, inverse = np.unique(masks, axis=0, return_inverse=True)
        codes = np.zeros(n_raters * n_tokens, dtype=_code_type(len(distinct) + 1))
        codes[cells] = inverse.reshape(-1) + 1
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
