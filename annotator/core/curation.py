"""One document as one curator sees it, and every curator action on it.

`load(store, doc_id, annotator)` merges the model's suggestions, the curator's annotations
and rejections into a `DocState`: span items in text order, each with a state

- ``suggested``  a model's proposal nobody has decided on yet,
- ``accepted``   taken as suggested (also annotations imported from other tools),
- ``corrected``  taken from a suggestion with a changed label, edges or value,
- ``manual``     added by the curator,
- ``rejected``   a suggestion the curator turned down (keyed by span, so a re-run of the
  model does not bring it back),
- ``invalid``    stored offsets that do not fit the text: listed, never drawn.

Actions (`accept`, `reject`, `relabel`, `resize`, `create`, ...) write through the Store in
one transaction and return a `Change`: the ops that revert them. Reverting is itself a write
(`revert(store, change)`) that returns the change to re-apply, so undo and redo never lose
history: the events log keeps every step.

No Qt here: the GUI's undo commands call these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

from annotator.core.accept_choice import Candidate, accept_all_choice
from annotator.core.model import NIL, Annotation, Document, Suggestion, span_key
from annotator.core.offsets import (
    resize_span,
    resize_span_chars,
    snap_to_tokens,
    strip_span,
    token_bounds,
)
from annotator.core.store import Store

STATES = ("suggested", "accepted", "corrected", "manual", "rejected", "invalid")
# Undecided or decided: what counts as "open" in the document list.
OPEN_STATES = ("suggested",)
DECIDED_STATES = ("accepted", "corrected", "manual")

_STATE_OF_ORIGIN = {
    "accepted": "accepted",
    "corrected": "corrected",
    "manual": "manual",
    "imported": "accepted",
    "adjudicated": "accepted",
}


@dataclass(frozen=True)
class SpanItem:
    """One span in the document as the curator sees it."""

    id: str  # "a<annotation id>" or "s<span key>": stable across reloads
    layer: str
    start: int
    end: int
    label: str
    state: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)
    annotation_id: int | None = None
    # The suggestion this item is, or the one its annotation was decided from.
    source_key: str | None = None
    problem: str | None = None  # why an invalid item is invalid
    # The knowledge-base entity the span is linked to (annotations.kb_id; "NIL": none
    # exists), or the one the `kb` suggestion source pre-linked it to.
    kb_id: str | None = None

    @property
    def is_suggestion(self) -> bool:
        return self.annotation_id is None

    @property
    def drawable(self) -> bool:
        return self.state != "invalid"


@dataclass(frozen=True)
class DocState:
    document: Document
    annotator: str
    status: str
    items: tuple[SpanItem, ...]
    # The model's suggestions as read: curator actions never change them, so a reload
    # after an action can pass them back to `load` instead of reading them again.
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def text(self) -> str:
        return self.document.text

    @cached_property
    def tokens(self) -> list[tuple[int, int]]:
        return token_bounds(self.document.text)

    def item(self, item_id: str | None) -> SpanItem | None:
        for it in self.items:
            if it.id == item_id:
                return it
        return None

    def resolve(self, item_id: str | None) -> SpanItem | None:
        """The item `item_id` names, or what became of it: a suggestion that has been
        decided on shows as the annotation taken from it."""
        found = self.item(item_id)
        if found is None and item_id and item_id.startswith("s"):
            key = item_id[1:]
            found = next((it for it in self.items if it.source_key == key), None)
        return found

    def index(self, item_id: str | None) -> int | None:
        for i, it in enumerate(self.items):
            if it.id == item_id:
                return i
        return None

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for it in self.items:
            out[it.state] += 1
        return out

    @property
    def open_count(self) -> int:
        return sum(1 for it in self.items if it.state in OPEN_STATES)

    def items_at(self, cp: int) -> list[SpanItem]:
        """Drawn items covering code point `cp`, shortest first."""
        hits = [it for it in self.items if it.drawable and it.start <= cp < it.end]
        return sorted(hits, key=lambda it: (it.end - it.start, it.layer))

    def next_open(self, after: str | None) -> SpanItem | None:
        """The next undecided suggestion after item `after` (wrapping), or None."""
        n = len(self.items)
        start = self.index(after)
        order = range(n) if start is None else [(start + k) % n for k in range(1, n + 1)]
        for i in order:
            if self.items[i].state in OPEN_STATES:
                return self.items[i]
        return None


def _fits(text: str, start: int, end: int) -> bool:
    return 0 <= start < end <= len(text)


def _problem(text: str, start: int, end: int) -> str:
    return f"offsets {start}-{end} do not fit the text (length {len(text)})"


def _suggestion_item(text: str, s: Suggestion, state: str) -> SpanItem:
    ok = _fits(text, s.start, s.end)
    return SpanItem(
        id="s" + s.key,
        layer=s.layer,
        start=s.start,
        end=s.end,
        label=s.label,
        state=state if ok else "invalid",
        text=text[s.start : s.end] if ok else "",
        attrs=s.attrs,  # shared, never mutated: edits copy first
        source_key=s.key,
        problem=None if ok else _problem(text, s.start, s.end),
        kb_id=s.attrs.get("kb_id") if s.attrs else None,
    )


def _annotation_item(text: str, a: Annotation) -> SpanItem:
    ok = _fits(text, a.start, a.end)
    return SpanItem(
        id=f"a{a.id}",
        layer=a.layer,
        start=a.start,
        end=a.end,
        label=a.label,
        state=_STATE_OF_ORIGIN.get(a.origin, "manual") if ok else "invalid",
        text=text[a.start : a.end] if ok else "",
        attrs=dict(a.attrs),
        annotation_id=a.id,
        source_key=a.source_key,
        problem=None if ok else _problem(text, a.start, a.end),
        kb_id=a.kb_id,
    )


def load(
    store: Store,
    doc_id: int,
    annotator: str,
    suggestions: Sequence[Suggestion] | None = None,
    *,
    models: Collection[str] | None = None,
) -> DocState:
    """The document with its spans, merged, in text order. `suggestions` are the
    document's suggestions when the caller has them already. `models` keeps the
    suggestions of these models only (the model in use and the knowledge base's `kb`);
    None keeps every model's. The curator's annotations and statuses always show."""
    doc = store.document(doc_id)
    sugg = tuple(store.suggestions(doc_id) if suggestions is None else suggestions)
    if models is not None:
        sugg = tuple(s for s in sugg if s.model in models)
    text = doc.text
    annotations = store.annotations(doc_id, annotator)
    decided = {a.source_key for a in annotations if a.source_key}
    rejected = store.rejected_keys(doc_id, annotator)
    items: list[SpanItem] = [_annotation_item(text, a) for a in annotations]
    seen: dict[str, int] = {}
    for s in sugg:
        key = s.key
        if key in decided:
            continue  # a decision shows instead
        if key in seen:
            # two models proposing the same span show once; the knowledge base's link
            # (source `kb`) is carried onto the model's item
            if any(k.startswith("kb_") for k in s.attrs):
                first = items[seen[key]]
                attrs = {**first.attrs, **{k: v for k, v in s.attrs.items() if k.startswith("kb_")}}
                items[seen[key]] = replace(first, attrs=attrs, kb_id=attrs.get("kb_id"))
            continue
        seen[key] = len(items)
        items.append(_suggestion_item(text, s, "rejected" if key in rejected else "suggested"))
    items.sort(key=lambda it: (it.start, it.end, it.layer, it.label, it.id))
    return DocState(doc, annotator, store.status(doc_id, annotator), tuple(items), sugg)


# -- reversible writes ---------------------------------------------------------------


class Op(Protocol):
    """One reversible write. `apply` performs it and returns the op that reverts it."""

    def apply(self, store: Store) -> Op: ...


@dataclass(frozen=True)
class AddAnnotation:
    doc_id: int
    annotator: str
    layer: str
    start: int
    end: int
    label: str
    origin: str
    attrs: dict[str, Any] = field(default_factory=dict)
    kb_id: str | None = None
    source_key: str | None = None
    ann_id: int | None = None  # restore under this id (redo, undo of a delete)

    def apply(self, store: Store) -> Op:
        a = store.add_annotation(
            self.doc_id,
            self.annotator,
            self.layer,
            self.start,
            self.end,
            self.label,
            self.origin,
            kb_id=self.kb_id,
            attrs=self.attrs,
            source_key=self.source_key,
            ann_id=self.ann_id,
        )
        return DeleteAnnotation(a.id)


@dataclass(frozen=True)
class DeleteAnnotation:
    ann_id: int

    def apply(self, store: Store) -> Op:
        a = store.delete_annotation(self.ann_id)
        return AddAnnotation(
            a.doc_id,
            a.annotator,
            a.layer,
            a.start,
            a.end,
            a.label,
            a.origin,
            attrs=a.attrs,
            kb_id=a.kb_id,
            source_key=a.source_key,
            ann_id=a.id,
        )


@dataclass(frozen=True)
class UpdateAnnotation:
    ann_id: int
    changes: dict[str, Any]

    def apply(self, store: Store) -> Op:
        old = store.annotation(self.ann_id)
        store.update_annotation(self.ann_id, **self.changes)
        return UpdateAnnotation(self.ann_id, {k: getattr(old, k) for k in self.changes})


@dataclass(frozen=True)
class Reject:
    doc_id: int
    annotator: str
    key: str

    def apply(self, store: Store) -> Op:
        store.reject(self.doc_id, self.annotator, self.key)
        return Unreject(self.doc_id, self.annotator, self.key)


@dataclass(frozen=True)
class Unreject:
    doc_id: int
    annotator: str
    key: str

    def apply(self, store: Store) -> Op:
        store.unreject(self.doc_id, self.annotator, self.key)
        return Reject(self.doc_id, self.annotator, self.key)


@dataclass(frozen=True)
class SetStatus:
    doc_id: int
    annotator: str
    status: str

    def apply(self, store: Store) -> Op:
        before = store.status(self.doc_id, self.annotator)
        store.set_status(self.doc_id, self.annotator, self.status)
        return SetStatus(self.doc_id, self.annotator, before)


@dataclass(frozen=True)
class Change:
    """What an action did, as the ops that revert it (applied in order)."""

    doc_id: int
    annotator: str
    text: str  # for menus and the status bar: "Accept ORG “Samsung”"
    revert_ops: tuple[Op, ...]
    # The item to show as current afterwards, when known.
    focus: str | None = None


def _run(
    store: Store, doc_id: int, annotator: str, text: str, ops: Sequence[Op], focus: str | None
) -> Change:
    """Apply ops in one transaction; the returned change reverts them, including the
    automatic open -> in_progress status step of a first decision."""
    with store.transaction():
        before = store.status(doc_id, annotator)
        inverses = [op.apply(store) for op in ops]
        after = store.status(doc_id, annotator)
    revert: list[Op] = list(reversed(inverses))
    if before != after and not any(isinstance(op, SetStatus) for op in ops):
        revert.append(SetStatus(doc_id, annotator, before))
    return Change(doc_id, annotator, text, tuple(revert), focus)


def revert(store: Store, change: Change) -> Change:
    """Undo (or redo) a change by writing its reverting ops; returns the change that
    reverts this one."""
    return _run(
        store, change.doc_id, change.annotator, change.text, change.revert_ops, change.focus
    )


# -- actions ---------------------------------------------------------------------------


def _describe(verb: str, item: SpanItem | None = None, label: str | None = None) -> str:
    if item is None:
        return verb
    snippet = item.text if len(item.text) <= 30 else item.text[:29] + "…"
    return f"{verb} {label or item.label} “{snippet}”"


def _own_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """A suggestion's attributes without the knowledge base's pre-link (kb_id goes to
    the annotation's own column)."""
    if not any(k.startswith("kb_") for k in attrs):
        return attrs
    return {k: v for k, v in attrs.items() if not k.startswith("kb_")}


def _accept_ops(state: DocState, item: SpanItem) -> list[Op]:
    ops: list[Op] = []
    if item.state == "rejected":
        ops.append(Unreject(state.document.id, state.annotator, item.source_key or ""))
    ops.append(
        AddAnnotation(
            state.document.id,
            state.annotator,
            item.layer,
            item.start,
            item.end,
            item.label,
            "accepted",
            attrs=_own_attrs(item.attrs),
            kb_id=item.kb_id,
            source_key=item.source_key,
        )
    )
    return ops


def accept(store: Store, state: DocState, item: SpanItem) -> Change | None:
    """Accept a suggestion (also a rejected one). None when there is nothing to accept."""
    if not item.is_suggestion or item.state == "invalid":
        return None
    return _run(
        store,
        state.document.id,
        state.annotator,
        _describe("Accept", item),
        _accept_ops(state, item),
        item.id,
    )


def accept_all(store: Store, state: DocState) -> Change | None:
    """Accept every undecided suggestion of the document (rejected ones stay rejected),
    but never two entities over the same words: where suggestions overlap, the curator's
    own decisions and then the knowledge base's pre-links win, and the others stay open
    (`accept_choice`)."""
    todo = [it for it in state.items if it.state == "suggested"]
    ents = [
        it
        for it in state.items
        if it.layer == "ents" and (it.state == "suggested" or it.state in DECIDED_STATES)
    ]
    chosen = accept_all_choice(
        [
            Candidate(
                it.start,
                it.end,
                linked=bool(it.kb_id) and it.kb_id != NIL,
                decided=it.state in DECIDED_STATES,
            )
            for it in ents
        ]
    )
    left_open = {it.id for it, take in zip(ents, chosen, strict=True) if not take}
    todo = [it for it in todo if it.id not in left_open]
    if not todo:
        return None
    ops = [op for it in todo for op in _accept_ops(state, it)]
    return _run(
        store,
        state.document.id,
        state.annotator,
        f"Accept all {len(todo)} remaining",
        ops,
        None,
    )


def reject(store: Store, state: DocState, item: SpanItem) -> Change | None:
    """Reject a suggestion; on a rejected one, take the rejection back; on an annotation,
    remove it (and reject the suggestion it came from, so it does not come back)."""
    doc_id, who = state.document.id, state.annotator
    if item.state == "rejected":
        return _run(
            store,
            doc_id,
            who,
            _describe("Restore", item),
            [Unreject(doc_id, who, item.source_key or "")],
            item.id,
        )
    if item.is_suggestion:
        if item.state == "invalid":
            return None
        ops: list[Op] = [Reject(doc_id, who, item.source_key or "")]
        return _run(store, doc_id, who, _describe("Reject", item), ops, item.id)
    return delete(store, state, item)


def delete(store: Store, state: DocState, item: SpanItem) -> Change | None:
    """Remove a span: an annotation is deleted (its suggestion, if any, is rejected);
    a suggestion is rejected."""
    doc_id, who = state.document.id, state.annotator
    if item.is_suggestion:
        if item.state in ("rejected", "invalid"):
            return None
        return _run(
            store,
            doc_id,
            who,
            _describe("Reject", item),
            [Reject(doc_id, who, item.source_key or "")],
            item.id,
        )
    ops: list[Op] = [DeleteAnnotation(item.annotation_id or 0)]
    focus = None
    if item.source_key:
        ops.append(Reject(doc_id, who, item.source_key))
        focus = "s" + item.source_key
    return _run(store, doc_id, who, _describe("Delete", item), ops, focus)


def _correct(state: DocState, item: SpanItem, **changes: Any) -> tuple[list[Op], str | None]:
    """Ops that give `item` new start/end/label/attrs: a suggestion becomes a corrected
    annotation; an annotation is updated (accepted -> corrected)."""
    if item.is_suggestion:
        new = {
            "start": item.start,
            "end": item.end,
            "label": item.label,
            "attrs": _own_attrs(item.attrs),
        }
        new.update(changes)
        ops: list[Op] = []
        if item.state == "rejected":
            ops.append(Unreject(state.document.id, state.annotator, item.source_key or ""))
        ops.append(
            AddAnnotation(
                state.document.id,
                state.annotator,
                item.layer,
                new["start"],
                new["end"],
                new["label"],
                "corrected",
                attrs=new["attrs"],
                kb_id=item.kb_id,
                source_key=item.source_key,
            )
        )
        return ops, None
    if item.state == "accepted" and item.source_key:
        changes["origin"] = "corrected"
    return [UpdateAnnotation(item.annotation_id or 0, changes)], item.id


def _focus_after_add(change: Change, fallback: str | None) -> Change:
    if fallback is not None:
        return change
    # The new annotation's id is in the op that reverts the add.
    for op in change.revert_ops:
        if isinstance(op, DeleteAnnotation):
            return replace(change, focus=f"a{op.ann_id}")
    return change


def relabel(store: Store, state: DocState, item: SpanItem, label: str) -> Change | None:
    if item.state == "invalid" or not label:
        return None
    if label == item.label and not item.is_suggestion:
        return None
    if item.is_suggestion and label == item.label:
        return accept(store, state, item)
    ops, focus = _correct(state, item, label=label)
    change = _run(
        store,
        state.document.id,
        state.annotator,
        f"{_describe('Relabel', item)} as {label}",
        ops,
        focus,
    )
    return _focus_after_add(change, focus)


def resize(
    store: Store,
    state: DocState,
    item: SpanItem,
    side: str,
    delta: int,
    unit: str = "token",
) -> Change | None:
    """Move the `side` ("left"/"right") edge by `delta` tokens, or characters with
    unit="char" (+1 widens, -1 narrows). Token steps pass over a hyphen, dash or comma
    the edge would stop on ("Kazakh-South Korean" narrows to "Kazakh" in two steps)."""
    if item.state == "invalid":
        return None
    if unit == "char":
        start, end = resize_span_chars(state.text, item.start, item.end, side, delta)
    elif unit == "token":
        start, end = resize_span(state.tokens, item.start, item.end, side, delta, state.text)
    else:
        raise ValueError(f"unit must be 'token' or 'char', not {unit!r}")
    if (start, end) == (item.start, item.end):
        return None
    verb = "Widen" if delta > 0 else "Narrow"
    ops, focus = _correct(state, item, start=start, end=end)
    change = _run(store, state.document.id, state.annotator, _describe(verb, item), ops, focus)
    return _focus_after_add(change, focus)


def selection_span(
    state: DocState, start: int, end: int, *, exact: bool = False
) -> tuple[int, int] | None:
    """The span a text selection makes: snapped to whole tokens, or exactly the selected
    characters without surrounding white space. None when only white space is selected."""
    if start > end:
        start, end = end, start
    if exact:
        start, end = strip_span(state.text, start, end)
        return (start, end) if start < end else None
    return snap_to_tokens(state.tokens, start, end)


def figure_attrs(
    text: str, parse: Callable[[str], tuple[Any, Any, Any]] | None = None
) -> tuple[dict[str, Any], str | None]:
    """Attributes and kind for a figure typed or selected by the curator, via
    figures.parse_amount when it is available."""
    if parse is None:
        parse = parse_amount_or_none()
    if parse is None:
        return {}, None
    value, unit, kind = parse(text)
    if value is None:
        return {}, None
    return {"value": value, "unit": unit}, kind


def parse_amount_or_none() -> Callable[[str], tuple[Any, Any, Any]] | None:
    try:
        from annotator.core.figures import parse_amount
    except ImportError:  # the figures module has not landed in this checkout
        return None
    return parse_amount


def create(
    store: Store,
    state: DocState,
    start: int,
    end: int,
    layer: str,
    label: str,
    *,
    exact: bool = False,
) -> Change | None:
    """A new span from a selection of code points [start, end). A span the model
    already suggested with that label is accepted rather than duplicated; a span already
    there over the same words with another label gets this label instead of a second
    span on top of it."""
    span = selection_span(state, start, end, exact=exact)
    if span is None:
        return None
    start, end = span
    key = span_key(layer, start, end, label)
    same_words: list[SpanItem] = []
    for it in state.items:
        if it.source_key == key and it.is_suggestion:
            return accept(store, state, it)
        if (it.layer, it.start, it.end) == (layer, start, end) and it.state != "invalid":
            if it.label == label and it.state in DECIDED_STATES:
                return None  # already there
            same_words.append(it)
    if same_words:
        # the decided one if any, else the suggestion (open before rejected)
        order = {"accepted": 0, "corrected": 0, "manual": 0, "suggested": 1, "rejected": 2}
        return relabel(store, state, min(same_words, key=lambda it: order[it.state]), label)
    attrs: dict[str, Any] = {}
    if layer == "figures":
        attrs, _kind = figure_attrs(state.text[start:end])
    op = AddAnnotation(
        state.document.id, state.annotator, layer, start, end, label, "manual", attrs=attrs
    )
    snippet = state.text[start:end]
    snippet = snippet if len(snippet) <= 30 else snippet[:29] + "…"
    change = _run(store, state.document.id, state.annotator, f"Add {label} “{snippet}”", [op], None)
    return _focus_after_add(change, None)


def edit_figure(
    store: Store,
    state: DocState,
    item: SpanItem,
    *,
    value: float | None,
    unit: str | None,
    kind: str | None = None,
    value_max: float | None = None,
) -> Change | None:
    """Set a figure's normalised value, unit and kind (its label)."""
    if item.layer != "figures" or item.state == "invalid":
        return None
    attrs = dict(item.attrs)
    attrs["value"] = value
    attrs["unit"] = unit or None
    if value_max is not None:
        attrs["value_max"] = value_max
    else:
        attrs.pop("value_max", None)
    label = kind or item.label
    if attrs == item.attrs and label == item.label:
        return None
    changes: dict[str, Any] = {"attrs": attrs}
    if label != item.label:
        changes["label"] = label
    ops, focus = _correct(state, item, **changes)
    change = _run(store, state.document.id, state.annotator, _describe("Edit", item), ops, focus)
    return _focus_after_add(change, focus)


def set_status(store: Store, state: DocState, status: str) -> Change | None:
    if state.status == status:
        return None
    verb = {"done": "Mark done", "skipped": "Skip", "open": "Reopen"}.get(status, status)
    title = state.document.title or f"document {state.document.id}"
    title = title if len(title) <= 40 else title[:39] + "…"
    return _run(
        store,
        state.document.id,
        state.annotator,
        f"{verb} “{title}”",
        [SetStatus(state.document.id, state.annotator, status)],
        None,
    )


def mark_done(store: Store, state: DocState) -> Change | None:
    return set_status(store, state, "done")


def skip(store: Store, state: DocState) -> Change | None:
    return set_status(store, state, "skipped")


def next_open_document(store: Store, annotator: str, after: int | None) -> int | None:
    """The next document after `after` (wrapping round) that is open or in progress for
    this curator, or None when every document is done or skipped."""
    return store.next_document(annotator, after or 0, ("open", "in_progress"))


_BOUNDS = {">": ">", ">=": "≥", "<=": "≤", "<": "<"}


def format_number(value: float) -> str:
    """A figure's value for people: 6100000000 -> "6.1 bn", 172200000 -> "172.2 M"."""
    a = abs(value)
    for scale, name in ((1e12, " tn"), (1e9, " bn"), (1e6, " M")):
        if a >= scale:
            return f"{value / scale:,.3f}".rstrip("0").rstrip(".") + name
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_figure(attrs: dict[str, Any]) -> str:
    """The normalised reading of a figure in one short line: "≈ > 6.1 bn USD / week"."""
    value = attrs.get("value")
    if not isinstance(value, int | float):
        return ""
    text = format_number(float(value))
    vmax = attrs.get("value_max")
    if isinstance(vmax, int | float):
        text += f"–{format_number(float(vmax))}"
    unit = attrs.get("unit")
    if unit:
        text += ("" if unit == "%" else " ") + str(unit)
    bound = _BOUNDS.get(str(attrs.get("bound") or ""), "")
    if bound:
        text = f"{bound} {text}"
    if attrs.get("approx"):
        text = f"≈ {text}"
    rate = attrs.get("rate")
    if rate:
        text += f" {rate}"
    return text
