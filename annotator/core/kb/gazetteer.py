"""Known aliases found in a text: an Aho-Corasick automaton (pyahocorasick) over every
alias of the knowledge base in `normal.surface` form, run once over the text.

A match counts when it is whole tokens (no letter or digit on either side: "Kazakh" in
"Kazakh-Korean" and "Korea" in "Korea's" count, "Korea" in "Koreans" does not) and its
capitals are where the alias has them ("Park" the name matches "Park", not "park"; the
acronym "UN" does not match "Un"), so common words that are also names stay unmatched.
Overlapping matches keep the leftmost, then the longest ("South Korea", not "Korea").
Aliases without a capital or a digit (lower-case words) and METRIC entities are left out.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.kb.entities import DEMONYM, generation
from annotator.core.kb.normal import surface

if TYPE_CHECKING:
    from annotator.core.store import Store


@dataclass(frozen=True)
class Sense:
    """One entity an alias may name."""

    entity_id: int
    key: str
    type: str
    alias: str  # as the KB writes it
    demonym: bool


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    senses: tuple[Sense, ...]

    @property
    def ambiguous(self) -> bool:
        return len({s.entity_id for s in self.senses}) > 1


def _case_fits(alias: str, found: str) -> bool:
    """Every capital of the alias is a capital in the text (same length: surface forms
    are equal and surface keeps length)."""
    if len(alias) != len(found):
        return False
    return all(f.isupper() for a, f in zip(alias, found, strict=True) if a.isupper())


def _usable(alias: str) -> bool:
    return len(alias.strip()) >= 2 and any(c.isupper() or c.isdigit() for c in alias)


@dataclass
class Gazetteer:
    generation: int
    automaton: Any  # ahocorasick.Automaton: surface form -> tuple[Sense, ...]
    size: int

    def find(self, text: str) -> list[Hit]:
        """Whole-token, case-fitting matches, leftmost-longest, not overlapping."""
        if not self.size:
            return []
        folded = surface(text)
        n = len(folded)
        hits: list[Hit] = []
        for last, (length, senses) in self.automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < n and folded[end].isalnum():
                continue
            found = text[start:end]
            fitting = tuple(s for s in senses if _case_fits(s.alias, found))
            if fitting:
                hits.append(Hit(start, end, fitting))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[Hit] = []
        reach = -1
        for h in hits:
            if h.start >= reach:
                kept.append(h)
                reach = h.end
        return kept


def build_gazetteer(store: Store) -> Gazetteer:
    import ahocorasick

    gen = generation(store)
    senses: dict[str, list[Sense]] = {}
    rows = store.conn.execute(
        "SELECT a.entity_id, e.key, e.type, a.alias, a.kind FROM aliases a "
        "JOIN entities e ON e.id = a.entity_id WHERE e.type != 'METRIC'"
    )
    for entity_id, key, type_, alias, kind in rows:
        if not _usable(alias):
            continue
        senses.setdefault(surface(alias), []).append(
            Sense(entity_id, key, type_, alias, kind == DEMONYM)
        )
    automaton = ahocorasick.Automaton()
    for form, found in senses.items():
        automaton.add_word(form, (len(form), tuple(found)))
    if senses:
        automaton.make_automaton()
    return Gazetteer(gen, automaton, len(senses))


_CACHE: weakref.WeakKeyDictionary[Store, Gazetteer] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def get_gazetteer(store: Store) -> Gazetteer:
    """The project's gazetteer, rebuilt when the KB has changed since it was built."""
    with _LOCK:
        cached = _CACHE.get(store)
        if cached is not None and cached.generation == generation(store):
            return cached
        gazetteer = build_gazetteer(store)
        _CACHE[store] = gazetteer
        return gazetteer
