"""Linking entity spans to the knowledge base, as the window does it: each action writes
in one transaction and returns a `curation.Change`, so undo and redo work like every
other curator action.

- `candidates_for(store, state, item, query)` the ranked candidates (typing filters: pass
  what the curator typed as `query`)
- `link(store, state, item, key)` link to an entity (a suggestion is accepted, linked);
  the mention's text becomes an alias of the entity when it is not one yet, so the
  `kb` source finds it in later articles
- `create_entity(store, state, item, ...)` a new entity from the span (name and type
  pre-filled by `new_entity_defaults`), linked
- `mark_nil` / `unlink` no entity exists / take the link back
- `other_mentions(state, key)` + `link_mentions(...)` the article's other mentions of the
  same entity (every alias and demonym), linked in one step
- `canonical_names(store, keys)` / `link_text(store, item)` what the span panel and the
  tooltip show for a linked span
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from annotator.core.curation import (
    AddAnnotation,
    Change,
    DocState,
    Op,
    SpanItem,
    UpdateAnnotation,
    _accept_ops,
    _run,
)
from annotator.core.kb import KBError
from annotator.core.kb.candidates import Candidate, candidates
from annotator.core.kb.entities import (
    add_alias,
    add_entity,
    delete_entity,
    entities_by_keys,
    entity_by_key,
    remove_alias,
    type_problem,
)
from annotator.core.kb.normal import normal, surface
from annotator.core.model import NIL, Entity, label_problem, new_entity_key

if TYPE_CHECKING:
    from annotator.core.store import Store

# Labels that never name an entity of the knowledge base.
_NOT_ENTITIES = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})


# -- reversible KB writes -------------------------------------------------------------


@dataclass(frozen=True)
class _Nothing:
    def apply(self, store: Store) -> Op:
        return self


@dataclass(frozen=True)
class AddEntity:
    name: str
    type: str
    key: str
    description: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    annotator: str = ""
    entity_id: int | None = None  # restore under this row id (undo of a delete)

    def apply(self, store: Store) -> Op:
        add_entity(
            store,
            self.name,
            self.type,
            description=self.description,
            external_ids=self.external_ids,
            aliases=self.aliases,
            demonyms=self.demonyms,
            annotator=self.annotator,
            key=self.key,
            entity_id=self.entity_id,
        )
        return DeleteEntity(self.key, self.annotator)


@dataclass(frozen=True)
class DeleteEntity:
    key: str
    annotator: str = ""

    def apply(self, store: Store) -> Op:
        e = entity_by_key(store, self.key)
        if e is None:
            return _Nothing()
        delete_entity(store, e.id, annotator=self.annotator)
        return AddEntity(
            e.name,
            e.type,
            e.key,
            e.description,
            e.external_ids,
            e.aliases,
            e.demonyms,
            self.annotator,
            e.id,
        )


@dataclass(frozen=True)
class AddAlias:
    key: str
    alias: str
    annotator: str = ""

    def apply(self, store: Store) -> Op:
        e = entity_by_key(store, self.key)
        if e is None or not add_alias(store, e.id, self.alias, annotator=self.annotator):
            return _Nothing()
        return RemoveAlias(self.key, self.alias, self.annotator)


@dataclass(frozen=True)
class RemoveAlias:
    key: str
    alias: str
    annotator: str = ""

    def apply(self, store: Store) -> Op:
        e = entity_by_key(store, self.key)
        if e is None or not remove_alias(store, e.id, self.alias, annotator=self.annotator):
            return _Nothing()
        return AddAlias(self.key, self.alias, self.annotator)


# -- what the window shows ---------------------------------------------------------------


def linkable(item: SpanItem) -> bool:
    return item.layer == "ents" and item.drawable and item.label not in _NOT_ENTITIES


def candidates_for(
    store: Store, state: DocState, item: SpanItem, query: str | None = None, limit: int = 20
) -> list[Candidate]:
    """The entities the span may refer to (or what the curator typed, `query`), best
    first, each with its reasons."""
    return candidates(
        store,
        query if query is not None and query.strip() else item.text,
        item.label,
        doc_id=state.document.id,
        annotator=state.annotator,
        limit=limit,
    )


def canonical_names(store: Store, keys: Iterable[str | None]) -> dict[str, str]:
    """key -> canonical name, for the keys the KB has (NIL -> "NIL")."""
    wanted = {k for k in keys if k}
    names = {k: e.name for k, e in entities_by_keys(store, wanted - {NIL}).items()}
    if NIL in wanted:
        names[NIL] = NIL
    return names


def link_text(store: Store, item: SpanItem) -> str:
    """What the span panel and the tooltip say about a span's link: the canonical name,
    "no entity (NIL)", "not in the knowledge base: KEY", or "" when unlinked."""
    if not item.kb_id:
        return ""
    if item.kb_id == NIL:
        return "no entity (NIL)"
    name = canonical_names(store, [item.kb_id]).get(item.kb_id)
    return name if name is not None else f"not in the knowledge base: {item.kb_id}"


_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING = re.compile(r"(?:['’]s|['’]|\s*[-–—,.;:]+)$")


def mention_name(text: str) -> str:
    """A span's text as a name: 'the Republic of Korea’s' -> 'Republic of Korea'."""
    name = " ".join(text.split())
    name = _LEADING.sub("", name)
    for _ in range(2):
        name = _TRAILING.sub("", name).strip()
    return name or " ".join(text.split())


def new_entity_defaults(item: SpanItem) -> tuple[str, str]:
    """Name and type a new entity made from the span starts with."""
    return mention_name(item.text), item.label


# -- actions ---------------------------------------------------------------------------


def _describe(verb: str, item: SpanItem, target: str) -> str:
    snippet = item.text if len(item.text) <= 30 else item.text[:29] + "…"
    return f"{verb} “{snippet}” {target}".rstrip()


def _set_kb_ops(state: DocState, item: SpanItem, kb_id: str | None) -> list[Op]:
    """Ops that give the span the kb_id: a suggestion is accepted with it, an annotation
    updated."""
    if item.is_suggestion:
        return _accept_ops(state, replace(item, kb_id=kb_id))
    return [UpdateAnnotation(item.annotation_id or 0, {"kb_id": kb_id})]


def _learned_alias(item: SpanItem, entity: Entity, annotator: str) -> Op | None:
    """The mention's text as a new alias of the entity, when it is a name the entity
    does not have yet (with a capital: "the President" is not a name)."""
    name = mention_name(item.text)
    if not any(c.isupper() for c in name) or len(name) < 2:
        return None
    known = {normal(a) for a in (*entity.aliases, *entity.demonyms)}
    if normal(name) in known:
        return None
    return AddAlias(entity.key, name, annotator)


def _run_change(
    store: Store, state: DocState, item: SpanItem, text: str, ops: Sequence[Op]
) -> Change:
    # The item's id, as curation.accept does: a suggestion's id resolves to the
    # annotation taken from it, and to the suggestion again once that is undone.
    return _run(store, state.document.id, state.annotator, text, ops, item.id)


def link(store: Store, state: DocState, item: SpanItem, key: str) -> Change | None:
    """Link the span to the entity with `key`. None when nothing changes."""
    if not linkable(item) or (item.kb_id == key and not item.is_suggestion):
        return None
    entity = entity_by_key(store, key)
    if entity is None:
        raise KBError(f"no entity {key} in the knowledge base")
    ops = _set_kb_ops(state, item, key)
    learned = _learned_alias(item, entity, state.annotator)
    if learned is not None:
        ops.append(learned)
    return _run_change(store, state, item, _describe("Link", item, f"to {entity.name}"), ops)


def create_entity(
    store: Store,
    state: DocState,
    item: SpanItem,
    *,
    name: str | None = None,
    type: str | None = None,
    description: str = "",
    aliases: Sequence[str] = (),
) -> Change | None:
    """A new entity from the span (name and type default to `new_entity_defaults`),
    and the span linked to it. Undo removes both."""
    if not linkable(item):
        return None
    default_name, default_type = new_entity_defaults(item)
    name = (name or default_name).strip()
    type = type or default_type
    problem = type_problem(type) if type else "an entity needs a type"
    if not name or problem:
        raise KBError(problem or "an entity needs a name")
    key = new_entity_key()
    span_name = mention_name(item.text)
    extra = tuple(a for a in {*aliases, span_name} if a.strip() and a != name)
    ops: list[Op] = [
        AddEntity(name, type, key, description, {}, extra, (), state.annotator),
        *_set_kb_ops(state, item, key),
    ]
    return _run_change(store, state, item, _describe("New entity", item, f"“{name}”"), ops)


def mark_nil(store: Store, state: DocState, item: SpanItem) -> Change | None:
    """The curator decided no entity exists for the span."""
    if not linkable(item) or (item.kb_id == NIL and not item.is_suggestion):
        return None
    ops = _set_kb_ops(state, item, NIL)
    return _run_change(store, state, item, _describe("Mark", item, "as no entity (NIL)"), ops)


def unlink(store: Store, state: DocState, item: SpanItem) -> Change | None:
    """Take the span's link (or NIL) back; the span stays."""
    if item.is_suggestion or not item.kb_id:
        return None
    return _run_change(
        store, state, item, _describe("Unlink", item, ""), _set_kb_ops(state, item, None)
    )


# -- the article's other mentions ----------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    item_id: str | None  # the span item there, or None: a new span is made


def _occurrences(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Whole-token, case-fitting occurrences of any of `names`, leftmost-longest."""
    folded = surface(text)
    found: list[tuple[int, int]] = []
    for name in {n for n in names if n.strip()}:
        form = surface(name)
        pattern = re.compile(rf"(?<![^\W_]){re.escape(form)}(?![^\W_])")
        for m in pattern.finditer(folded):
            original = text[m.start() : m.end()]
            if all(o.isupper() for a, o in zip(name, original, strict=False) if a.isupper()):
                found.append((m.start(), m.end()))
    found.sort(key=lambda se: (se[0], se[0] - se[1]))
    kept: list[tuple[int, int]] = []
    reach = -1
    for s, e in found:
        if s >= reach:
            kept.append((s, e))
            reach = e
    return kept


def other_mentions(
    store: Store, state: DocState, key: str, *, exclude: str | None = None
) -> list[Mention]:
    """The article's mentions of the entity (any alias or demonym) that are not linked
    yet: unlinked spans, suggestions, and text no span covers. Spans linked to another
    entity or NIL, and text under a different span, are the curator's: left alone."""
    entity = entity_by_key(store, key)
    if entity is None:
        return []
    items = [it for it in state.items if it.layer == "ents" and it.drawable]
    out: list[Mention] = []
    for s, e in _occurrences(state.text, (*entity.aliases, *entity.demonyms)):
        here = [it for it in items if it.start < e and s < it.end and it.state != "rejected"]
        same = [it for it in here if (it.start, it.end) == (s, e)]
        decided = [it for it in same if not it.is_suggestion]
        if decided:
            target = decided[0]
            if target.kb_id or target.id == exclude:
                continue
        elif same:
            target = next((it for it in same if it.kb_id == key), same[0])
            if target.source_key and exclude and exclude == "s" + target.source_key:
                continue
            if target.kb_id not in (None, key):
                continue
        elif here:
            continue
        else:
            out.append(Mention(s, e, state.text[s:e], None))
            continue
        if target.id == exclude:
            continue
        out.append(Mention(s, e, state.text[s:e], target.id))
    return out


def link_mentions(
    store: Store,
    state: DocState,
    key: str,
    mentions: Sequence[Mention],
    *,
    label: str | None = None,
) -> Change | None:
    """Link the mentions to the entity in one step; new spans get `label` (default: the
    entity's type, NORP for a demonym)."""
    entity = entity_by_key(store, key)
    if entity is None:
        raise KBError(f"no entity {key} in the knowledge base")
    adjectives = {normal(d) for d in entity.demonyms}
    ops: list[Op] = []
    for m in mentions:
        item = state.item(m.item_id) if m.item_id else None
        if item is not None:
            ops += _set_kb_ops(state, item, key)
            continue
        new_label = label or ("NORP" if normal(m.text) in adjectives else entity.type)
        if not new_label or label_problem(new_label):
            continue
        doc_id, who = state.document.id, state.annotator
        ops.append(
            AddAnnotation(doc_id, who, "ents", m.start, m.end, new_label, "manual", kb_id=key)
        )
    if not ops:
        return None
    n = len(mentions)
    text = f"Link {n} mention{'s' if n != 1 else ''} of {entity.name}"
    return _run(store, state.document.id, state.annotator, text, ops, None)
