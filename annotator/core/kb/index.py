"""The candidate index: every alias of the knowledge base in its normal form, found by

- exact normal form ("the Republic of Korea's" finds "Republic of Korea"),
- initials ("MFA" finds "Ministry of Foreign Affairs"; not for people),
- shared word trigrams, scored by Dice ("Tokaev" finds "Tokayev", "Tokayev
  Kassym-Jomart" finds "Kassym-Jomart Tokayev", "Park" finds "Park Jin").

The trigram postings are numpy arrays (CSR: sorted trigram codes, offsets, alias numbers),
so a query counts shared trigrams with one bincount instead of scoring every alias: the
fuzzy scorer then re-ranks a shortlist of a few hundred. Built from the project in one
pass, kept per open project, rebuilt when `entities.generation` moves.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.kb.cache import KBCache
from annotator.core.kb.entities import DEMONYM, generation
from annotator.core.kb.normal import initials, normal

if TYPE_CHECKING:
    import numpy as np

    from annotator.core.store import Store

_SPACE = 32
POSTINGS_BUDGET = 30_000


@dataclass
class CandidateIndex:
    generation: int
    aliases: list[str]  # as written
    norms: list[str]
    entity_ids: np.ndarray  # alias number -> entity row id
    demonym: np.ndarray  # alias number -> bool
    type_ids: np.ndarray  # alias number -> index into types
    types: list[str]
    exact: dict[str, list[int]]
    acronyms: dict[str, list[int]]
    tri_keys: np.ndarray  # sorted unique trigram codes
    tri_starts: np.ndarray  # postings of tri_keys[i]: postings[tri_starts[i]:tri_starts[i+1]]
    postings: np.ndarray
    tri_counts: np.ndarray  # alias number -> how many distinct trigrams it has

    def __len__(self) -> int:
        return len(self.aliases)

    def type_of(self, alias: int) -> str:
        return self.types[int(self.type_ids[alias])]

    def shortlist(self, query: str, limit: int = 300) -> list[int]:
        """Alias numbers worth scoring for `query` (already in normal form): exact and
        initials hits first, then the best by trigram Dice. Trigrams are read rarest
        first, up to POSTINGS_BUDGET postings (the three rarest always), so a query costs
        the same on a KB of a thousand aliases as on one of a million."""
        import numpy as np

        found: list[int] = list(self.exact.get(query, ()))
        compact = query.replace(" ", "")
        if 2 <= len(compact) <= 8:
            found += self.acronyms.get(compact, ())
        codes = _query_codes(query)
        n_query = len(codes)
        if n_query and len(self.tri_keys):
            pos = np.searchsorted(self.tri_keys, codes)
            inside = pos < len(self.tri_keys)
            pos, codes = pos[inside], codes[inside]
            pos = pos[self.tri_keys[pos] == codes]
            sizes = self.tri_starts[pos + 1] - self.tri_starts[pos]
            order = np.argsort(sizes, kind="stable")
            budget = np.cumsum(sizes[order])
            take = order[: max(3, int(np.searchsorted(budget, POSTINGS_BUDGET, side="right")))]
            if len(take):
                parts = [
                    self.postings[self.tri_starts[p] : self.tri_starts[p + 1]] for p in pos[take]
                ]
                touched, overlap = np.unique(np.concatenate(parts), return_counts=True)
                scores = 2.0 * overlap / (n_query + self.tri_counts[touched])
                if len(touched) > limit:
                    best = np.argpartition(-scores, limit)[:limit]
                    touched, scores = touched[best], scores[best]
                seen = set(found)
                found += [
                    int(a) for a in touched[np.argsort(-scores, kind="stable")] if a not in seen
                ]
        return found


def _codes(text: str) -> tuple[Any, Any]:
    """Trigram codes of a string of space-padded aliases, and the positions they start at.
    A trigram whose middle is a space would join two words (or two aliases): left out, so
    word order does not matter."""
    import numpy as np

    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    if len(chars) < 3:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = (chars[:-2] << 42) | (chars[1:-1] << 21) | chars[2:]
    keep = np.flatnonzero(chars[1:-1] != _SPACE)
    return codes[keep], keep


def _query_codes(query: str) -> Any:
    import numpy as np

    codes, _ = _codes(f" {query} ")
    return np.unique(codes)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Building a structure of a million small objects: the cyclic garbage collector
    would walk them again and again (it halves the build time of a 300,000-alias KB)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_index(store: Store) -> CandidateIndex:
    with paused_gc():
        return _build_index(store)


def _build_index(store: Store) -> CandidateIndex:
    import numpy as np

    gen = generation(store)
    rows = store.conn.execute(
        "SELECT a.entity_id, a.alias, a.kind, e.type FROM aliases a "
        "JOIN entities e ON e.id = a.entity_id ORDER BY a.entity_id, a.alias"
    )
    aliases: list[str] = []
    norms: list[str] = []
    entity_ids: list[int] = []
    demonym: list[bool] = []
    type_ids: list[int] = []
    types: list[str] = []
    type_index: dict[str, int] = {}
    exact: dict[str, list[int]] = {}
    acronyms: dict[str, list[int]] = {}
    for entity_id, alias, kind, type_ in rows:
        n = len(aliases)
        norm = normal(alias)
        aliases.append(alias)
        norms.append(norm)
        entity_ids.append(entity_id)
        demonym.append(kind == DEMONYM)
        t = type_index.get(type_)
        if t is None:
            t = type_index[type_] = len(types)
            types.append(type_)
        type_ids.append(t)
        exact.setdefault(norm, []).append(n)
        if type_ != "PERSON" and " " in norm:
            for acronym in initials(alias):
                acronyms.setdefault(acronym, []).append(n)
    padded = "".join(f" {n} " for n in norms)
    lengths = np.fromiter((len(n) + 2 for n in norms), dtype=np.int64, count=len(norms))
    owner = np.repeat(np.arange(len(norms), dtype=np.int32), lengths)
    codes, starts = _codes(padded)
    alias_of = owner[starts] if len(starts) else np.zeros(0, dtype=np.int32)
    order = np.lexsort((alias_of, codes))
    codes, alias_of = codes[order], alias_of[order]
    if len(codes):
        fresh = np.ones(len(codes), dtype=bool)
        fresh[1:] = (codes[1:] != codes[:-1]) | (alias_of[1:] != alias_of[:-1])
        codes, alias_of = codes[fresh], alias_of[fresh]
    keys, first = np.unique(codes, return_index=True)
    tri_starts = np.append(first, len(codes)).astype(np.int64)
    return CandidateIndex(
        generation=gen,
        aliases=aliases,
        norms=norms,
        entity_ids=np.asarray(entity_ids, dtype=np.int64),
        demonym=np.asarray(demonym, dtype=bool),
        type_ids=np.asarray(type_ids, dtype=np.int32),
        types=types,
        exact=exact,
        acronyms=acronyms,
        tri_keys=keys,
        tri_starts=tri_starts,
        postings=alias_of.astype(np.int32),
        tri_counts=np.bincount(alias_of, minlength=len(norms)).astype(np.int32),
    )


_CACHE: KBCache[CandidateIndex] = KBCache(build_index)


def get_index(store: Store) -> CandidateIndex:
    """The project's candidate index, rebuilt when the KB has changed since it was built."""
    return _CACHE.get(store)


def index_ready(store: Store) -> bool:
    """Whether `get_index` would answer at once (no rebuild: the KB has not moved)."""
    return _CACHE.ready(store)


def adopt_index(store: Store, index: CandidateIndex) -> bool:
    """Use for `store` an index built on another connection to the same project (a
    worker thread's), when the KB has not moved since it was built. True when `store`
    now has a fresh index."""
    return _CACHE.adopt(store, index)


def alias_count(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM aliases").fetchone()[0])
