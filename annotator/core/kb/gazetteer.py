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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator.core.kb.cache import KBCache
from annotator.core.kb.entities import DEMONYM, generation
from annotator.core.kb.index import paused_gc
from annotator.core.kb.normal import surface

if TYPE_CHECKING:
    from annotator.core.store import Store


class Sense(NamedTuple):
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
    """Every capital of the alias is a capital in the text (same length: the surface
    forms are equal, and surface keeps length)."""
    return found == alias or all(
        f.isupper() for a, f in zip(alias, found, strict=False) if a.isupper()
    )


def _usable(alias: str) -> bool:
    """A name: two characters or more, with a capital, a digit or no case at all."""
    return len(alias) >= 2 and (not alias.islower() or any(c.isdigit() for c in alias))


@dataclass
class Gazetteer:
    generation: int
    # ahocorasick.Automaton: surface form -> (length, ((alias as written, senses), ...))
    automaton: Any
    size: int

    def find(self, text: str) -> list[Hit]:
        """Whole-token, case-fitting matches, leftmost-longest, not overlapping."""
        if not self.size:
            return []
        folded = surface(text)
        n = len(folded)
        hits: list[Hit] = []
        for last, (length, by_alias) in self.automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if (start > 0 and folded[start - 1].isalnum()) or (end < n and folded[end].isalnum()):
                continue
            found = text[start:end]
            fitting: tuple[Sense, ...] = ()
            for alias, senses in by_alias:
                if _case_fits(alias, found):
                    fitting += senses
            if fitting:
                hits.append(Hit(start, end, fitting))
        hits.sort(key=lambda h: (h.start, h.start - h.end))
        kept: list[Hit] = []
        reach = -1
        for h in hits:
            if h.start >= reach:
                kept.append(h)
                reach = h.end
        return kept


def build_gazetteer(store: Store) -> Gazetteer:
    with paused_gc():
        return _build_gazetteer(store)


def _build_gazetteer(store: Store) -> Gazetteer:
    import ahocorasick

    gen = generation(store)
    groups: dict[str, dict[str, list[Sense]]] = {}
    rows = store.conn.execute(
        "SELECT a.entity_id, e.key, e.type, a.alias, a.kind FROM aliases a "
        "JOIN entities e ON e.id = a.entity_id WHERE e.type != 'METRIC'"
    )
    for entity_id, key, type_, alias, kind in rows:
        alias = alias.strip()
        if not _usable(alias):
            continue
        # senses grouped by the alias as written: one case check per spelling
        sense = Sense(entity_id, key, type_, alias, kind == DEMONYM)
        groups.setdefault(surface(alias), {}).setdefault(alias, []).append(sense)
    automaton = ahocorasick.Automaton()
    for form, by_alias in groups.items():
        value = (len(form), tuple((a, tuple(senses)) for a, senses in by_alias.items()))
        automaton.add_word(form, value)
    if groups:
        automaton.make_automaton()
    return Gazetteer(gen, automaton, len(groups))


_CACHE: KBCache[Gazetteer] = KBCache(build_gazetteer)


def get_gazetteer(store: Store) -> Gazetteer:
    """The project's gazetteer, rebuilt when the KB has changed since it was built."""
    return _CACHE.get(store)
