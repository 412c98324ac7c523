"""A figure linked to what it measures: its metric (a METRIC entity), its period (an
interval) and its subjects (entities of the article), resolved from the finder's strings
and stored as `links` rows when a curator sets them.

Resolution (what the figure dialog is pre-filled with, and what `facts` uses for
suggestions):

- metric: the finder's phrase ("trade turnover", "the volume of mutual trade", "Korean
  direct investments") through the METRIC aliases: exact normal form, then the phrase
  less its leading words ("direct investments"), then a close fuzzy match (≥ 90%).
  "This indicator" is the metric of the figure before; a percent or multiplier without
  a phrase (a change: "19.5% more than in 2021") takes the one of its sentence's figure.
- period: `attrs["period_norm"]` (the finder's, resolved against the document's date)
  or `figures.periods.normalise_period(phrase, date)`. For a flow (trade, exports,
  investment: a total over a time), "at the end of 2021" is the year 2021.
- subjects: each of the finder's strings is the article's linked entity with that text,
  else a KB alias (split at hyphens: "Kazakh-Korea" is Kazakhstan and South Korea). When
  the sentence says "between the two countries", "bilateral", "mutual" or "two-way", or
  the metric is between two parties and no country was found, the subjects are the two
  countries the article is about: its two most mentioned, when two stand out (a cue
  counts within 80 characters before the figure or 40 after, in its sentence). People
  (the speaker) are left out when other subjects are there.

Stored: one `links` row per metric, subject and period (period: the interval as JSON in
`value`), mirrored in the figure's attributes (`metric_key`, `subject_keys`,
`period_link`, and `links_set`: the roles the curator set) so exports carry them; every
change is an undoable `curation.Change`. A role the curator has not set shows the
suggestions' resolution.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.curation import Change, DocState, Op, SpanItem, _accept_ops, _run
from annotator.core.kb import KBError
from annotator.core.kb.candidates import METRIC, Candidate, candidates
from annotator.core.kb.entities import entities_by_ids, entities_by_keys
from annotator.core.kb.index import CandidateIndex, get_index
from annotator.core.kb.normal import normal
from annotator.core.model import NIL, Entity, new_entity_key

if TYPE_CHECKING:
    from annotator.core.store import Store

# Starter metrics that are totals over a time (an "as of 31 December" is that year), and
# those that are between two parties by nature (their subjects are the article's two
# countries when the sentence names none).
FLOW_METRICS = frozenset(
    f"metric:{m}"
    for m in (
        "bilateral-trade exports imports trade-balance foreign-direct-investment investment "
        "gdp revenue net-profit pre-tax-profit budget oil-production tourist-arrivals"
    ).split()
)
BILATERAL_METRICS = frozenset({"metric:bilateral-trade"})
SUBJECT_TYPES = ("GPE", "ORG", "PERSON", "NORP", "LOC", "FAC")
_BETWEEN_TWO = re.compile(
    r"(?i)\b(?:between|among|of|for)\s+(?:the\s+|our\s+|both\s+)?(?:two|both)\s+"
    r"(?:countries|states|nations|sides|economies|parties)\b|\bbilateral\b|\bmutual\b|"
    r"\btwo-way\b|\bboth\s+countries\b"
)
CUE_BEFORE, CUE_AFTER = 80, 40  # characters around the figure a "between the two" cue counts in
_SPLIT = re.compile(r"\s*(?:[-–—/]|\band\b|,)\s*")


@dataclass(frozen=True)
class Mention:
    """A linked mention of the article: span, text and entity key."""

    start: int
    end: int
    text: str
    key: str


@dataclass(frozen=True)
class FigureLinks:
    metric: Entity | None = None
    period: dict[str, Any] | None = None  # {"start", "end", "kind", "label"}
    subjects: tuple[Entity, ...] = ()
    # per field: "curator" (stored links), "suggested" (resolved), "" (none)
    source: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # how each field was resolved, for the dialog


# -- resolution -----------------------------------------------------------------------


def sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end): from after the previous ". ", "! ", "? " or line
    break to the next one."""
    left = 0
    for mark in (". ", "! ", "? ", "\n", "» ", "” "):
        k = text.rfind(mark, 0, start)
        if k >= 0:
            left = max(left, k + len(mark))
    right = len(text)
    for mark in (". ", "! ", "? ", "\n"):
        k = text.find(mark, end)
        if k >= 0:
            right = min(right, k + 1)
    return left, right


def resolve_metric(
    store: Store, phrase: str | None, index: CandidateIndex | None = None
) -> tuple[Entity | None, str]:
    """The METRIC entity a metric phrase names, and how it was found."""
    if not phrase or not normal(phrase):
        return None, ""
    index = index or get_index(store)
    words = normal(phrase).split()
    for i in range(len(words)):
        tail = " ".join(words[i:])
        hits = [a for a in index.exact.get(tail, ()) if index.type_of(a) == METRIC]
        entity_ids = sorted({int(index.entity_ids[a]) for a in hits})
        if len(entity_ids) == 1:
            entity = entities_by_ids(store, entity_ids)[entity_ids[0]]
            how = "alias" if i == 0 else "alias of its last words"
            return entity, f"metric: {how} “{index.aliases[hits[0]]}”"
    found = candidates(store, phrase, types=[METRIC], limit=2, index=index)
    if (
        found
        and found[0].similarity >= 90
        and (len(found) == 1 or found[1].similarity < found[0].similarity)
    ):
        entity = entities_by_keys(store, [found[0].key])[found[0].key]
        return entity, f"metric: like “{found[0].alias}” ({found[0].similarity:.0f}%)"
    return None, ""


def resolve_period(
    attrs: dict[str, Any], doc_date: str | None, metric_key: str | None
) -> dict[str, Any] | None:
    period = attrs.get("period_norm")
    if not isinstance(period, dict):
        phrase = attrs.get("period")
        period = None
        if isinstance(phrase, str) and phrase.strip():
            try:
                from annotator.core.figures.periods import normalise_period
            except ImportError:  # pragma: no cover - the normaliser ships with figures
                return None
            found = normalise_period(phrase, doc_date)
            period = None if found is None else found.to_dict()
    if period is None:
        return None
    period = {k: period.get(k) for k in ("start", "end", "kind", "label")}
    end = period.get("end") or ""
    if period.get("kind") == "as_of" and metric_key in FLOW_METRICS and end.endswith("-12-31"):
        year = end[:4]
        return {"start": f"{year}-01-01", "end": end, "kind": "year", "label": year}
    return period


def is_country(entity: Entity) -> bool:
    return "iso3166" in entity.external_ids


def main_countries(mentions: Sequence[Mention], entities: dict[str, Entity]) -> list[str]:
    """The two countries the article is about: its two most mentioned, when they stand
    out from the third. Empty otherwise."""
    counts = Counter(m.key for m in mentions if m.key in entities and is_country(entities[m.key]))
    ranked = counts.most_common(3)
    if len(ranked) < 2:
        return []
    if len(ranked) == 3 and ranked[2][1] >= ranked[1][1]:
        return []
    return [ranked[0][0], ranked[1][0]]


def resolve_subject(
    store: Store,
    text: str,
    by_text: dict[str, str],
    in_article: set[str],
    index: CandidateIndex,
    depth: int = 0,
) -> list[str]:
    """Entity keys a subject string names."""
    norm = normal(text)
    if not norm:
        return []
    if norm in by_text:
        return [by_text[norm]]
    hits = [a for a in index.exact.get(norm, ()) if index.type_of(a) in SUBJECT_TYPES]
    ids = sorted({int(index.entity_ids[a]) for a in hits})
    if ids:
        found = entities_by_ids(store, ids)
        keys = [found[i].key for i in ids if i in found]
        if len(keys) == 1:
            return keys
        local = [k for k in keys if k in in_article]
        if len(local) == 1:
            return local
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if len(parts) > 1 and depth == 0:
        out: list[str] = []
        for part in parts:
            out += [
                k
                for k in resolve_subject(store, part, by_text, in_article, index, 1)
                if k not in out
            ]
        return out
    best = candidates(store, text, limit=2, index=index, types=SUBJECT_TYPES)
    if best and best[0].similarity >= 90 and (len(best) == 1 or best[1].score < best[0].score):
        return [best[0].key]
    return []


def resolve_figure(
    store: Store,
    text: str,
    doc_date: str | None,
    start: int,
    end: int,
    attrs: dict[str, Any],
    mentions: Sequence[Mention],
    *,
    index: CandidateIndex | None = None,
) -> FigureLinks:
    """Metric, period and subjects of a figure as its sentence and article say them."""
    index = index or get_index(store)
    notes: list[str] = []
    metric, how = resolve_metric(store, attrs.get("metric"), index)
    if how:
        notes.append(how)
    period = resolve_period(attrs, doc_date, metric.key if metric else None)
    if period:
        notes.append(f"period: {period['label']}")
    keys = {m.key for m in mentions}
    entities = entities_by_keys(store, keys)
    by_text = {normal(m.text): m.key for m in mentions if m.key in entities}
    subjects: list[str] = []
    for phrase in attrs.get("subjects") or []:
        if isinstance(phrase, str):
            for key in resolve_subject(store, phrase, by_text, keys, index):
                if key not in subjects:
                    subjects.append(key)
    more = entities_by_keys(store, [k for k in subjects if k not in entities])
    entities.update(more)
    s, e = sentence_of(text, start, end)
    # the cue must be near the figure, in its part of the sentence
    near_start, near_end = max(s, start - CUE_BEFORE), min(e, end + CUE_AFTER)
    cue = _BETWEEN_TWO.search(text[near_start:near_end])
    countries = [k for k in subjects if k in entities and is_country(entities[k])]
    bilateral = metric is not None and metric.key in BILATERAL_METRICS
    if (cue or bilateral) and len(countries) < 2:
        pair = main_countries(mentions, entities)
        if pair:
            subjects = pair
            why = (
                f"“{cue.group(0)}”" if cue else f"{metric.name if metric else 'it'} is between two"
            )
            notes.append(f"subjects: the article's two countries ({why})")
    elif cue and len(countries) >= 2:
        subjects = countries
    kinds = {k: entities[k].type for k in subjects if k in entities}
    if any(t != "PERSON" for t in kinds.values()):
        subjects = [k for k in subjects if kinds.get(k) != "PERSON"]
    source = {
        "metric": "suggested" if metric else "",
        "period": "suggested" if period else "",
        "subjects": "suggested" if subjects else "",
    }
    return FigureLinks(
        metric=metric,
        period=period,
        subjects=tuple(entities[k] for k in subjects if k in entities),
        source=source,
        notes=tuple(notes),
    )


# Metric phrases that point back ("this indicator amounted to ..."): the metric of the
# figure before.
_ANAPHORIC = frozenset({"indicator", "figure", "this indicator", "this figure", "the figure"})


def metric_phrases(
    text: str, figures: Sequence[tuple[int, int, str, dict[str, Any]]]
) -> list[str | None]:
    """The metric phrase each figure (start, end, kind, attrs; in text order) stands
    for: its own; "this indicator" the one of the figure before it; a percent or a
    multiplier without one (a change: "19.5% more than in 2021") the phrase of a figure
    of its sentence that has one."""
    own = [
        attrs.get("metric") if isinstance(attrs.get("metric"), str) else None
        for *_, attrs in figures
    ]
    out: list[str | None] = list(own)
    for i, (start, end, kind, _attrs) in enumerate(figures):
        phrase = own[i]
        if phrase and normal(phrase) in _ANAPHORIC:
            before = [out[j] for j in range(i) if out[j] and normal(out[j] or "") not in _ANAPHORIC]
            out[i] = before[-1] if before else None
        elif not phrase and kind in ("percent", "multiplier"):
            s, e = sentence_of(text, start, end)
            mates = [
                own[j]
                for j, (fs, fe, _k, _a) in enumerate(figures)
                if j != i
                and s <= fs
                and fe <= e
                and own[j]
                and normal(own[j] or "") not in _ANAPHORIC
            ]
            out[i] = mates[0] if mates else None
    return out


# -- the article's mentions ------------------------------------------------------------


def state_mentions(state: DocState) -> list[Mention]:
    """The article's linked mentions as the curator sees them: their links, and the
    `kb` source's pre-links where they have not decided."""
    return [
        Mention(it.start, it.end, it.text, it.kb_id)
        for it in state.items
        if it.layer == "ents" and it.kb_id and it.kb_id != NIL and it.state != "rejected"
    ]


def subject_choices(store: Store, state: DocState) -> list[Entity]:
    """The entities of the article a figure may be about, most mentioned first."""
    counts = Counter(m.key for m in state_mentions(state))
    found = entities_by_keys(store, counts)
    return [found[k] for k, _ in counts.most_common() if k in found]


def metric_choices(store: Store, query: str, limit: int = 10) -> list[Candidate]:
    """METRIC entities for what the curator typed (completion in the figure dialog)."""
    if not query.strip():
        return []
    return candidates(store, query, types=[METRIC], limit=limit)


# -- stored links ----------------------------------------------------------------------


ROLES = ("metric", "period", "subjects")
# Where a figure annotation's attributes mirror its links (exports carry attributes).
MIRROR = {"metric": "metric_key", "subjects": "subject_keys", "period": "period_link"}


def stored_links(store: Store, ann_id: int, attrs: dict[str, Any]) -> FigureLinks | None:
    """The links a curator set on a figure annotation, for the roles they set
    (`attrs["links_set"]`); read from the rows, else from the attributes' mirror (an
    annotation imported from another project's export). None when none were set."""
    roles = [r for r in attrs.get("links_set") or () if r in ROLES]
    if not roles:
        return None
    rows = store.conn.execute(
        "SELECT role, entity_id, value FROM links WHERE annotation_id = ? ORDER BY id",
        (ann_id,),
    ).fetchall()
    metric: Entity | None = None
    subjects: list[Entity] = []
    period: dict[str, Any] | None = None
    if rows:
        ids = [r[1] for r in rows if r[1] is not None]
        found = entities_by_ids(store, ids)
        metric = next((found[r[1]] for r in rows if r[0] == "metric" and r[1] in found), None)
        subjects = [found[r[1]] for r in rows if r[0] == "subject" and r[1] in found]
        period = next((json.loads(r[2]) for r in rows if r[0] == "period" and r[2]), None)
    else:
        keys = [attrs.get("metric_key"), *(attrs.get("subject_keys") or [])]
        by_key = entities_by_keys(store, [k for k in keys if isinstance(k, str)])
        metric = by_key.get(attrs.get("metric_key") or "")
        subjects = [by_key[k] for k in attrs.get("subject_keys") or [] if k in by_key]
        if isinstance(attrs.get("period_link"), dict):
            period = attrs["period_link"]
    return FigureLinks(
        metric=metric if "metric" in roles else None,
        period=period if "period" in roles else None,
        subjects=tuple(subjects) if "subjects" in roles else (),
        source={role: "curator" for role in roles},
    )


@dataclass(frozen=True)
class SetFigureLink:
    """Replace one role's links of a figure annotation (`value`: a metric key or None, a
    tuple of subject keys, or a period dict or None). The annotation is `ann_id`, or the
    one the curator took from suggestion `source_key` (accepted in the same change)."""

    role: str  # metric | subjects | period
    value: Any
    ann_id: int | None = None
    doc_id: int = 0
    annotator: str = ""
    source_key: str | None = None
    unset: bool = False  # undo of a first setting: the role is the suggestions' again

    def _target(self, store: Store) -> int:
        if self.ann_id is not None:
            return self.ann_id
        row = store.conn.execute(
            "SELECT id FROM annotations WHERE doc_id = ? AND annotator = ? AND source_key = ? "
            "ORDER BY id DESC LIMIT 1",
            (self.doc_id, self.annotator, self.source_key),
        ).fetchone()
        if row is None:
            raise KBError("the figure is not among the curator's annotations")
        return int(row[0])

    def apply(self, store: Store) -> Op:
        ann_id = self._target(store)
        ann = store.annotation(ann_id)
        role_rows = "subject" if self.role == "subjects" else self.role
        before = _current(store, ann_id, ann.attrs, self.role)
        was_set = self.role in (ann.attrs.get("links_set") or ())
        with store.transaction() as conn:
            conn.execute(
                "DELETE FROM links WHERE annotation_id = ? AND role = ?", (ann_id, role_rows)
            )
            attrs = dict(ann.attrs)
            attrs["links_set"] = sorted({*(attrs.get("links_set") or ()), self.role})
            if self.role == "period":
                if self.value:
                    conn.execute(
                        "INSERT INTO links (annotation_id, role, value) VALUES (?, 'period', ?)",
                        (ann_id, json.dumps(self.value, sort_keys=True)),
                    )
                attrs["period_link"] = self.value
            else:
                keys = [self.value] if self.role == "metric" else list(self.value or ())
                keys = [k for k in keys if k]
                ids = {k: e.id for k, e in entities_by_keys(store, keys).items()}
                conn.executemany(
                    "INSERT INTO links (annotation_id, role, entity_id) VALUES (?, ?, ?)",
                    [(ann_id, role_rows, ids[k]) for k in keys if k in ids],
                )
                if self.role == "metric":
                    attrs["metric_key"] = self.value
                else:
                    attrs["subject_keys"] = keys
            if self.unset:
                attrs["links_set"] = [r for r in attrs["links_set"] if r != self.role]
                attrs.pop(MIRROR[self.role], None)
            store.update_annotation(ann_id, attrs=attrs)
        return SetFigureLink(
            self.role, before, ann_id, ann.doc_id, ann.annotator, unset=not was_set
        )


def _current(store: Store, ann_id: int, attrs: dict[str, Any], role: str) -> Any:
    """What the role holds now (None or () when the curator has not set it)."""
    links = stored_links(store, ann_id, attrs)
    if links is None or role not in links.source:
        return None if role != "subjects" else ()
    if role == "metric":
        return links.metric.key if links.metric else None
    if role == "subjects":
        return tuple(e.key for e in links.subjects)
    return links.period


# -- actions ---------------------------------------------------------------------------


def figure_links(store: Store, state: DocState, item: SpanItem) -> FigureLinks:
    """The figure's links: what the curator set, else what the suggestions pre-fill."""
    if item.layer != "figures":
        raise KBError("links are for figures")
    stored = None
    if item.annotation_id is not None:
        stored = stored_links(store, item.annotation_id, item.attrs)
        if stored is not None and len(stored.source) == len(ROLES):
            return stored
    doc = state.document
    figures = [it for it in state.items if it.layer == "figures" and it.drawable]
    phrases = metric_phrases(
        doc.text, [(f.start, f.end, str(f.attrs.get("kind") or f.label), f.attrs) for f in figures]
    )
    attrs = dict(item.attrs)
    for f, phrase in zip(figures, phrases, strict=True):
        if f.id == item.id:
            attrs["metric"] = phrase
    resolved = resolve_figure(
        store, doc.text, doc.date, item.start, item.end, attrs, state_mentions(state)
    )
    if stored is None:
        return resolved
    return FigureLinks(
        metric=stored.metric if "metric" in stored.source else resolved.metric,
        period=stored.period if "period" in stored.source else resolved.period,
        subjects=stored.subjects if "subjects" in stored.source else resolved.subjects,
        source={role: stored.source.get(role) or resolved.source.get(role, "") for role in ROLES},
        notes=resolved.notes,
    )


def _link_ops(state: DocState, item: SpanItem, role: str, value: Any) -> list[Op]:
    if item.layer != "figures" or not item.drawable:
        raise KBError("links are for figures")
    ops: list[Op] = []
    if item.is_suggestion:
        ops += _accept_ops(state, item)
        ops.append(
            SetFigureLink(role, value, None, state.document.id, state.annotator, item.source_key)
        )
    else:
        ops.append(SetFigureLink(role, value, item.annotation_id))
    return ops


def _change(store: Store, state: DocState, item: SpanItem, text: str, ops: list[Op]) -> Change:
    # The item's id, as curation.accept does: a suggestion's id resolves to the
    # annotation taken from it, and to the suggestion again once that is undone.
    return _run(store, state.document.id, state.annotator, text, ops, item.id)


def set_metric(store: Store, state: DocState, item: SpanItem, key: str | None) -> Change:
    """What the figure measures: a METRIC entity's key, or None to clear it."""
    name = "none"
    if key is not None:
        found = entities_by_keys(store, [key]).get(key)
        if found is None:
            raise KBError(f"no entity {key} in the knowledge base")
        name = found.name
    return _change(
        store,
        state,
        item,
        f"Metric of “{item.text}”: {name}",
        _link_ops(state, item, "metric", key),
    )


def create_metric(
    store: Store,
    state: DocState,
    item: SpanItem,
    name: str,
    *,
    aliases: Sequence[str] = (),
    description: str = "",
) -> Change:
    """A new METRIC entity, set as the figure's metric in the same step."""
    from annotator.core.kb.linking import AddEntity

    if not name.strip():
        raise KBError("a metric needs a name")
    key = new_entity_key()
    ops: list[Op] = [
        AddEntity(name.strip(), METRIC, key, description, {}, tuple(aliases), (), state.annotator)
    ]
    ops += _link_ops(state, item, "metric", key)
    return _change(store, state, item, f"New metric “{name.strip()}” for “{item.text}”", ops)


def set_period(
    store: Store, state: DocState, item: SpanItem, text: str | dict[str, Any] | None
) -> Change:
    """The figure's period: a phrase ("in the first 5 months of 2023", read against the
    document's date), an interval dict, or None to clear it."""
    period: dict[str, Any] | None
    if text is None or isinstance(text, dict):
        period = text
    else:
        from annotator.core.figures.periods import normalise_period

        found = normalise_period(text, state.document.date)
        if found is None:
            raise KBError(
                f"cannot read {text!r} as a period"
                + ("" if state.document.date else " (the article has no date for relative ones)")
            )
        period = found.to_dict()
    label = period.get("label") if period else "none"
    return _change(
        store,
        state,
        item,
        f"Period of “{item.text}”: {label}",
        _link_ops(state, item, "period", period),
    )


def set_subjects(store: Store, state: DocState, item: SpanItem, keys: Iterable[str]) -> Change:
    """The entities the figure is about (replacing those set before)."""
    keys = tuple(dict.fromkeys(keys))
    found = entities_by_keys(store, keys)
    missing = [k for k in keys if k not in found]
    if missing:
        raise KBError(f"no entity {missing[0]} in the knowledge base")
    names = ", ".join(found[k].name for k in keys) or "none"
    return _change(
        store,
        state,
        item,
        f"Subjects of “{item.text}”: {names}",
        _link_ops(state, item, "subjects", keys),
    )


def set_links(
    store: Store,
    state: DocState,
    item: SpanItem,
    *,
    metric: str | None,
    period: dict[str, Any] | None,
    subjects: Iterable[str],
    new_metric: str | None = None,
    text: str | None = None,
) -> Change:
    """Set the figure's metric (a METRIC key, or None), period (an interval dict, or
    None) and subjects (entity keys) in one step, one undo; `new_metric` names a METRIC
    entity to create and set instead of `metric`."""
    from annotator.core.kb.linking import AddEntity

    subjects = tuple(dict.fromkeys(subjects))
    wanted = [k for k in (metric, *subjects) if k]
    found = entities_by_keys(store, wanted)
    missing = [k for k in wanted if k not in found]
    if missing and not (new_metric and missing == [metric]):
        raise KBError(f"no entity {missing[0]} in the knowledge base")
    ops: list[Op] = []
    if new_metric is not None:
        if not new_metric.strip():
            raise KBError("a metric needs a name")
        metric = new_entity_key()
        ops.append(AddEntity(new_metric.strip(), METRIC, metric, "", {}, (), (), state.annotator))
    first = _link_ops(state, item, "metric", metric)
    target = next(op for op in first if isinstance(op, SetFigureLink))
    ops += first
    for role, value in (("period", period), ("subjects", subjects)):
        ops.append(
            SetFigureLink(
                role, value, target.ann_id, target.doc_id, target.annotator, target.source_key
            )
        )
    return _change(store, state, item, text or f"Links of “{item.text}”", ops)


def accept_links(store: Store, state: DocState, item: SpanItem) -> Change | None:
    """Store what the suggestions pre-fill (metric, period, subjects) as the curator's
    links, in one step."""
    links = figure_links(store, state, item)
    if all(v == "curator" for v in links.source.values()):
        return None
    return set_links(
        store,
        state,
        item,
        metric=links.metric.key if links.metric else None,
        period=links.period,
        subjects=[e.key for e in links.subjects],
        text=f"Link “{item.text}”",
    )
