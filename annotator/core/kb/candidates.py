"""Candidates for a mention, ranked, each with the reasons it ranks where it does.

score = 0.70 × alias similarity (rapidfuzz over the normal forms: the best of ratio,
        token-sort ratio, and token-set ratio scaled by coverage, so word order costs
        nothing and a dropped word little; exact alias 100, initials 92)
      + 0.15 × type fit (same type or a demonym of the place for NORP 1, close 0.6,
        untyped 0.5, weak 0.3, none 0)
      + 0.10 × prior (how often curators linked this very mention to the entity, log scale)
      + 0.10 × already linked (or pre-linked) in the same article

Candidates below 50% similarity are left out. METRIC entities are candidates only when
asked for (figure metrics), and never for entity spans.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.kb.entities import entities_by_ids
from annotator.core.kb.index import CandidateIndex, get_index
from annotator.core.kb.normal import is_acronym, normal

if TYPE_CHECKING:
    from annotator.core.store import Store

METRIC = "METRIC"
MIN_SIMILARITY = 50.0
WEIGHTS = {"similarity": 0.70, "type": 0.15, "prior": 0.10, "in_document": 0.10}

# Entity type pairs a span label may still refer to (spaCy's small model often puts
# people and places under ORG): close, and weak.
_CLOSE = {
    frozenset(p)
    for p in [
        ("GPE", "LOC"),
        ("GPE", "NORP"),
        ("GPE", "FAC"),
        ("LOC", "FAC"),
        ("ORG", "FAC"),
        ("ORG", "NORP"),
        ("ORG", "PRODUCT"),
        ("LAW", "WORK_OF_ART"),
    ]
}
_WEAK = {frozenset(p) for p in [("GPE", "ORG"), ("PERSON", "ORG"), ("LOC", "ORG"), ("ORG", "LAW")]}


def type_fit(label: str | None, entity_type: str, *, demonym: bool = False) -> tuple[str, float]:
    """How well an entity of `entity_type` fits a span labelled `label`: a word for the
    reason, and a weight in [0, 1]."""
    if not label or not entity_type:
        return "unknown", 0.5
    if label == entity_type:
        return "same", 1.0
    if demonym and label == "NORP":
        return "same", 1.0
    pair = frozenset((label, entity_type))
    if pair in _CLOSE:
        return "close", 0.6
    if pair in _WEAK:
        return "weak", 0.3
    return "conflict", 0.0


@dataclass(frozen=True)
class Candidate:
    key: str
    entity_id: int
    name: str
    type: str
    description: str
    external_ids: dict[str, str]
    score: float  # 0..1
    alias: str  # the alias that matched best, as the KB writes it
    similarity: float  # 0..100
    type_fit: str  # same | close | weak | unknown | conflict
    prior: int  # times curators linked this mention to the entity
    in_document: int  # mentions of it linked or pre-linked in the same article
    reasons: tuple[str, ...] = field(default=())

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def similarity(query: str, alias_norm: str) -> float:
    """0..100: the best of ratio (typos), token-sort ratio (word order) and token-set
    ratio (dropped words) scaled by how much of the longer string the shorter covers, so
    "Kassym Tokayev" is close to "Kassym-Jomart Tokayev" and "Korea" is not close to
    "Embassy of Kazakhstan in South Korea"."""
    return float(similarities(query, [alias_norm])[0])


def similarities(query: str, norms: Sequence[str]) -> Any:
    """`similarity` of the query to each of `norms`, as a numpy array (rapidfuzz's cdist
    scores the whole shortlist in C)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    if not norms:
        return np.zeros(0)
    choices = list(norms)
    ratio = process.cdist([query], choices, scorer=fuzz.ratio)[0]
    order = process.cdist([query], choices, scorer=fuzz.token_sort_ratio)[0]
    subset = process.cdist([query], choices, scorer=fuzz.token_set_ratio)[0]
    lengths = np.fromiter((len(c) for c in choices), dtype=np.float64, count=len(choices))
    short = np.minimum(lengths, len(query))
    long = np.maximum(lengths, len(query))
    coverage = np.divide(short, long, out=np.zeros_like(short), where=long > 0)
    scores = np.maximum(np.maximum(ratio, order), subset * (0.6 + 0.35 * coverage))
    exact = np.fromiter((c == query for c in choices), dtype=bool, count=len(choices))
    scores[exact] = 100.0
    return scores


@dataclass
class _Best:
    alias: int
    similarity: float
    how: str


def candidates(
    store: Store,
    text: str,
    label: str | None = None,
    *,
    doc_id: int | None = None,
    annotator: str | None = None,
    limit: int = 10,
    types: Sequence[str] | None = None,
    index: CandidateIndex | None = None,
) -> list[Candidate]:
    """Entities `text` may refer to, best first. `label` is the span's label (type fit);
    `doc_id`/`annotator` name the article (entities already linked there rank higher);
    `types` restricts the entity types (default: every type but METRIC)."""
    query = normal(text)
    if not query:
        return []
    index = index or get_index(store)
    if not len(index):
        return []
    best = _best_aliases(index, query, text, types)
    if not best:
        return []
    # Cheap first cut before reading priors: the best by similarity and type fit.
    fits = {
        e: type_fit(label, index.type_of(b.alias), demonym=bool(index.demonym[b.alias]))[1]
        for e, b in best.items()
    }
    pre = sorted(
        best.items(),
        key=lambda kv: (
            -(kv[1].similarity / 100 * WEIGHTS["similarity"] + fits[kv[0]] * WEIGHTS["type"])
        ),
    )[: max(limit * 4, 40)]
    found = entities_by_ids(store, [e for e, _ in pre], aliases=False)
    keys = {found[e].key: e for e, _ in pre if e in found}
    priors = _priors(store, text, keys)
    in_doc = _in_document(store, doc_id, annotator, keys) if doc_id is not None else {}
    out: list[Candidate] = []
    for entity_id, b in pre:
        entity = found.get(entity_id)
        if entity is None:
            continue
        fit_word, fit = type_fit(label, entity.type, demonym=bool(index.demonym[b.alias]))
        prior = priors.get(entity.key, 0)
        linked = in_doc.get(entity.key, (0, 0))
        prior_term = min(1.0, math.log2(1 + prior) / 4)
        score = (
            b.similarity / 100 * WEIGHTS["similarity"]
            + fit * WEIGHTS["type"]
            + prior_term * WEIGHTS["prior"]
            + (1.0 if sum(linked) else 0.0) * WEIGHTS["in_document"]
        )
        out.append(
            Candidate(
                key=entity.key,
                entity_id=entity.id,
                name=entity.name,
                type=entity.type,
                description=entity.description,
                external_ids=entity.external_ids,
                score=round(score, 4),
                alias=index.aliases[b.alias],
                similarity=round(b.similarity, 1),
                type_fit=fit_word,
                prior=prior,
                in_document=sum(linked),
                reasons=_reasons(
                    index.aliases[b.alias], b, label, entity.type, fit_word, prior, linked
                ),
            )
        )
    out.sort(key=lambda c: (-c.score, c.name, c.key))
    return out[:limit]


def _best_aliases(
    index: CandidateIndex, query: str, text: str, types: Sequence[str] | None
) -> dict[int, _Best]:
    """entity id -> its best-scoring alias of the shortlist, at least MIN_SIMILARITY."""
    import numpy as np

    alias_numbers = index.shortlist(query)
    if not alias_numbers:
        return {}
    numbers = np.asarray(alias_numbers, dtype=np.int64)
    allowed = [
        i for i, t in enumerate(index.types) if (t in types if types is not None else t != METRIC)
    ]
    numbers = numbers[np.isin(index.type_ids[numbers], allowed)]
    if not len(numbers):
        return {}
    norms = [index.norms[a] for a in numbers]
    scores = similarities(query, norms)
    compact = query.replace(" ", "")
    if is_acronym(text) or " " not in query:
        initials = np.isin(numbers, list(index.acronyms.get(compact, ())))
        scores = np.where(initials & (scores < 100.0), np.maximum(scores, 92.0), scores)
    else:
        initials = np.zeros(len(numbers), dtype=bool)
    entity_ids = index.entity_ids[numbers]
    order = np.lexsort((-scores, entity_ids))  # by entity, best alias first
    first = np.ones(len(order), dtype=bool)
    first[1:] = entity_ids[order][1:] != entity_ids[order][:-1]
    best: dict[int, _Best] = {}
    for k in order[first]:
        score = float(scores[k])
        if score < MIN_SIMILARITY:
            continue
        a = int(numbers[k])
        if initials[k] and norms[k] != query:
            how = "initials"
        elif score == 100.0:
            how = "demonym" if index.demonym[a] else "exact"
        else:
            how = "fuzzy"
        best[int(entity_ids[k])] = _Best(a, score, how)
    return best


def _reasons(
    alias: str,
    best: _Best,
    label: str | None,
    entity_type: str,
    fit_word: str,
    prior: int,
    linked: tuple[int, int],
) -> tuple[str, ...]:
    reasons = []
    if best.how == "exact":
        reasons.append(f"alias “{alias}”")
    elif best.how == "demonym":
        reasons.append(f"demonym “{alias}”")
    elif best.how == "initials":
        reasons.append(f"initials of “{alias}”")
    else:
        reasons.append(f"like “{alias}” ({best.similarity:.0f}%)")
    if fit_word == "same":
        reasons.append(f"type {entity_type}")
    elif fit_word == "unknown":
        reasons.append("no type" if not entity_type else f"type {entity_type}")
    else:
        word = {"close": "close to", "weak": "unlike", "conflict": "not"}[fit_word]
        reasons.append(f"type {entity_type} {word} {label}")
    if prior:
        reasons.append(f"linked {prior}× by curators from this text")
    done, pre = linked
    if done:
        reasons.append(f"linked {done}× in this article")
    elif pre:
        reasons.append(f"pre-linked {pre}× in this article")
    return tuple(reasons)


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _priors(store: Store, text: str, keys: dict[str, int]) -> dict[str, int]:
    """key -> how many annotations link exactly this mention text (case aside) to it."""
    if not keys:
        return {}
    rows = store.conn.execute(
        "SELECT a.kb_id, count(*) FROM annotations a JOIN documents d ON d.id = a.doc_id "
        f"WHERE a.kb_id IN ({_marks(len(keys))}) AND a.layer = 'ents' "
        'AND lower(substr(d.text, a.start + 1, a."end" - a.start)) = lower(?) '
        "GROUP BY a.kb_id",
        [*keys, text],
    )
    return {k: int(n) for k, n in rows}


def _in_document(
    store: Store, doc_id: int, annotator: str | None, keys: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """key -> (mentions the curator linked to it, mentions pre-linked by the KB) in the
    article."""
    keys = list(keys)
    if not keys:
        return {}
    found: dict[str, list[int]] = {}
    if annotator is not None:
        for k, n in store.conn.execute(
            f"SELECT kb_id, count(*) FROM annotations WHERE doc_id = ? AND annotator = ? "
            f"AND kb_id IN ({_marks(len(keys))}) GROUP BY kb_id",
            [doc_id, annotator, *keys],
        ):
            found.setdefault(k, [0, 0])[0] = int(n)
    for k, n in store.conn.execute(
        "SELECT json_extract(attrs, '$.kb_id') AS k, count(*) FROM suggestions "
        f"WHERE doc_id = ? AND layer = 'ents' AND k IN ({_marks(len(keys))}) GROUP BY k",
        [doc_id, *keys],
    ):
        found.setdefault(k, [0, 0])[1] = int(n)
    return {k: (v[0], v[1]) for k, v in found.items()}
