"""What the window shows about links, worked out without Qt: a span's link state (for
the marks in the article), the span panel's value and tooltip lines, a period as an
interval, the candidate list the link popup shows (an ambiguous alias's candidates
first), and the spans still to link.

- `link_state(item)`        "linked" | "prelinked" | "nil" | "ambiguous" | "unlinked", or
                            "" for a span that names no entity (a date, a figure)
- `link_value(item, names)` the span panel's value slot for an entity
- `link_lines(store, state, item)` the tooltip's lines about a span's links
- `period_text(period)`     "2022-01-01 – 2022-12-31 (year 2022)"
- `popup_candidates(store, state, item, query)` ranked, the alias's offered ones first
- `needs_link(store, state, item)` / `next_to_link(...)` the spans a curator still has
  to link, for the keys that go from one to the next
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from annotator.core.kb.candidates import Candidate
from annotator.core.kb.entities import entities_by_keys
from annotator.core.kb.figure_links import figure_links
from annotator.core.kb.linking import _NOT_ENTITIES, candidates_for, canonical_names, linkable
from annotator.core.model import NIL

if TYPE_CHECKING:
    from annotator.core.curation import DocState, SpanItem
    from annotator.core.store import Store

LINK_STATES = ("linked", "prelinked", "nil", "ambiguous", "unlinked")
OFFERED = "offered by the knowledge base for this alias"
# How a period's kind reads before its label ("year 2022"); kinds whose label says it
# all ("as of 2023-06-01", "since 2005") are left out.
_KIND_WORDS = {
    "year": "year",
    "half": "half-year",
    "quarter": "quarter",
    "month": "month",
    "months": "months",
    "week": "week",
    "day": "day",
    "range": "range",
    "cumulative": "cumulative",
    "fiscal_year": "fiscal year",
}


def link_state(item: SpanItem) -> str:
    """How far the span is linked: the curator's link, the `kb` source's pre-link on a
    suggestion, no entity (NIL), an alias of several entities offered with its
    candidates, or nothing yet. "" when the span names no entity of the KB."""
    if not linkable(item):
        return ""
    if item.kb_id == NIL:
        return "nil"
    if item.kb_id:
        return "prelinked" if item.is_suggestion else "linked"
    if item.is_suggestion and item.attrs.get("kb_candidates"):
        return "ambiguous"
    return "unlinked"


def entity_types(labels: Iterable[str]) -> list[str]:
    """The labels an entity of the KB can have (no dates, amounts or numbers)."""
    return [label for label in dict.fromkeys(labels) if label not in _NOT_ENTITIES]


def link_keys(items: Iterable[SpanItem]) -> set[str]:
    """Every entity key the items refer to: links, pre-links, offered candidates."""
    keys: set[str] = set()
    for it in items:
        if it.kb_id:
            keys.add(it.kb_id)
        offered = it.attrs.get("kb_candidates") if it.is_suggestion else None
        if isinstance(offered, list):
            keys.update(k for k in offered if isinstance(k, str))
    return keys


def link_names(store: Store, items: Iterable[SpanItem]) -> dict[str, str]:
    """key -> canonical name for every entity the items refer to (one query)."""
    return canonical_names(store, link_keys(items))


def link_value(item: SpanItem, names: Mapping[str, str]) -> str:
    """The span panel's value slot for an entity span: the canonical name (a mark in
    front says linked ●, pre-linked ○), "⊘ no entity" for NIL, "? A, B" for an alias of
    several entities. "" when unlinked or not an entity."""
    state = link_state(item)
    if state in ("linked", "prelinked"):
        assert item.kb_id is not None
        name = names.get(item.kb_id, f"not in the KB: {item.kb_id}")
        return ("● " if state == "linked" else "○ ") + name
    if state == "nil":
        return "⊘ no entity"
    if state == "ambiguous":
        offered = [names.get(k, k) for k in item.attrs.get("kb_candidates") or ()]
        return "? " + ", ".join(offered)
    return ""


def period_text(period: Mapping[str, Any] | None) -> str:
    """An interval as the figure-links editor and the tooltips show it:
    "2022-01-01 – 2022-12-31 (year 2022)", "2023-06-01 (as of 2023-06-01)",
    "2005-01-01 – open (since 2005)"; "" for none."""
    if not period:
        return ""
    start, end = period.get("start"), period.get("end")
    label = str(period.get("label") or "")
    kind = str(period.get("kind") or "")
    word = _KIND_WORDS.get(kind, "")
    about = f"{word} {label}" if word and not label.startswith(word) else label
    if start and end and start == end:
        dates = str(start)
    elif start or end:
        dates = f"{start or 'open'} – {end or 'open'}"
    else:
        dates = "dates not stated"
    return f"{dates} ({about})" if about else dates


def _entity_line(store: Store, key: str) -> str:
    found = entities_by_keys(store, [key]).get(key)
    if found is None:
        return f"{key} (not in the knowledge base)"
    ids = ", ".join(f"{k}:{v}" for k, v in list(found.external_ids.items())[:2])
    what = ", ".join(x for x in (found.type, ids or found.key) if x)
    line = f"{found.name} ({what})"
    return f"{line} — {found.description}" if found.description else line


def link_lines(store: Store, state: DocState, item: SpanItem) -> list[str]:
    """The tooltip's lines about the span's links: an entity's link (canonical name,
    type, external id, description) or its state; a figure's metric, period and
    subjects, each saying whether the curator set it or the suggestions pre-fill it."""
    if item.layer == "figures":
        if not item.drawable:
            return []
        links = figure_links(store, state, item)

        def whose(role: str) -> str:
            src = links.source.get(role)
            return {"curator": "", "suggested": " (suggested)"}.get(src or "", "")

        subjects = ", ".join(e.name for e in links.subjects)
        return [
            f"metric: {links.metric.name if links.metric else '—'}{whose('metric')}",
            f"period: {period_text(links.period) or '—'}{whose('period')}",
            f"subjects: {subjects or '—'}{whose('subjects')}",
        ]
    state_word = link_state(item)
    if state_word == "linked":
        return [f"linked to: {_entity_line(store, item.kb_id or '')}"]
    if state_word == "prelinked":
        lines = [f"pre-linked to: {_entity_line(store, item.kb_id or '')}"]
        reason = item.attrs.get("kb_reason")
        if reason:
            lines.append(f"because: {reason}")
        return lines
    if state_word == "nil":
        return ["no entity (NIL): the curator found none in the knowledge base"]
    if state_word == "ambiguous":
        names = canonical_names(store, item.attrs.get("kb_candidates") or ())
        offered = ", ".join(names.get(k, k) for k in item.attrs.get("kb_candidates") or ())
        return [f"an alias of several entities: {offered} (Ctrl+L chooses)"]
    if state_word == "unlinked":
        return ["not linked (Ctrl+L links it)"]
    return []


def popup_candidates(
    store: Store, state: DocState, item: SpanItem, query: str | None = None, limit: int = 20
) -> list[Candidate]:
    """The link popup's list: `candidates_for`, and, before anything is typed, the
    entities the knowledge base offered for an ambiguous alias first (in their ranked
    order, saying so), and the span's current link when the ranking misses it."""
    found = candidates_for(store, state, item, query, limit=limit)
    if query and query.strip():
        return found
    offered = [k for k in item.attrs.get("kb_candidates") or () if isinstance(k, str)]
    wanted = [k for k in (item.kb_id, *offered) if k and k != NIL]
    missing = [k for k in dict.fromkeys(wanted) if k not in {c.key for c in found}]
    if missing:
        entities = entities_by_keys(store, missing)
        for key in missing:
            e = entities.get(key)
            if e is not None:
                found.append(
                    Candidate(
                        key=e.key,
                        entity_id=e.id,
                        name=e.name,
                        type=e.type,
                        description=e.description,
                        external_ids=e.external_ids,
                        score=0.0,
                        alias=e.name,
                        similarity=0.0,
                        type_fit="",
                        prior=0,
                        in_document=0,
                        reasons=("the span's link now",) if key == item.kb_id else (),
                    )
                )
    if not offered:
        return found
    first = [replace(c, reasons=(OFFERED, *c.reasons)) for c in found if c.key in offered]
    return first + [c for c in found if c.key not in offered]


def needs_link(store: Store, state: DocState, item: SpanItem) -> bool:
    """Whether the curator still has to link the span: an entity without a link of
    their own (a pre-link counts until accepted), or a figure whose metric, period
    and subjects they have not all set."""
    if item.state == "rejected" or not item.drawable:
        return False
    if item.is_suggestion and any(
        not it.is_suggestion and (it.layer, it.start, it.end) == (item.layer, item.start, item.end)
        for it in state.items
    ):
        return False  # the curator decided this span under another label
    if item.layer == "figures":
        if item.is_suggestion:
            return True
        return len(item.attrs.get("links_set") or ()) < 3
    return link_state(item) in ("prelinked", "ambiguous", "unlinked")


def next_to_link(
    store: Store, state: DocState, after: str | None, step: int = 1
) -> SpanItem | None:
    """The next (step 1) or previous (-1) span after item `after` that still needs
    linking, wrapping around; None when every span is linked."""
    items = state.items
    n = len(items)
    here = state.index(after)
    if here is None:
        here = -1 if step > 0 else n
    for k in range(1, n + 1):
        it = items[(here + step * k) % n]
        if needs_link(store, state, it):
            return it
    return None
