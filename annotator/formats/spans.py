"""What the readers and writers of other tools' formats exchange: a text with its spans.

Readers yield `AnnotatedText` (one record of another tool: a text, its spans, who made
them) and `Rejection` (a record that cannot be used at all). A record whose text is good
but some of whose spans are not keeps the good spans; the bad ones are listed in
`problems` with the file and record, never shifted to fit. A record with problems is
imported but not marked done for its curator: some of their work did not land. The one
change made to a span is trimming white space at its edges (`fit_span`): listed in
`trimmed`, reported as a notice, and the record still counts as finished. What a
format holds that the project has no place for (brat's events, Label Studio's choices)
is listed in `notes` instead: reported, and the record still counts as finished.

Offsets are Unicode code points into `text`, end-exclusive, as everywhere in the project.

Relations between spans (doccano's `relations`, Label Studio's `relation` results, brat's
R lines) have no table of their own in the project: they are kept in the attributes of
the span they start from, as `attrs["relations"] = [{"label": TYPE, "to": [start, end,
label]}]`, so they survive the store and come back out on export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from annotator.core import model
from annotator.core.model import SpanDraft
from annotator.formats.records import Rejection

# The store's own label check, remembered: a corpus has few labels and many spans.
label_problem = lru_cache(maxsize=4096)(model.label_problem)


@dataclass(frozen=True)
class Relation:
    head: int  # index into AnnotatedText.spans
    child: int
    label: str


@dataclass
class AnnotatedText:
    text: str
    spans: list[SpanDraft] = field(default_factory=list)
    # The curator who made the spans, as the other tool names them (None: not said).
    curator: str | None = None
    relations: list[Relation] = field(default_factory=list)
    # Prodigy's answer; other formats are always "accept".
    answer: str = "accept"
    title: str = ""
    date: str | None = None
    source: str = ""  # "file:line" or "file" where the record was read
    meta: dict[str, Any] = field(default_factory=dict)
    doc_id: int | None = None  # set on export: the project's document id
    problems: list[Rejection] = field(default_factory=list)
    notes: list[Rejection] = field(default_factory=list)
    trimmed: list[Rejection] = field(default_factory=list)  # notices, not problems

    def rejection(self, reason: str) -> Rejection:
        """A problem of this record, at the file and line it was read from."""
        file, _, line = self.source.rpartition(":")
        if file and line.isdigit():
            return Rejection(file, int(line), reason)
        return Rejection(self.source, 0, reason)


Item = AnnotatedText | Rejection


@dataclass(frozen=True)
class Fit:
    """Where a span of a file lands in the project: its offsets with white space at the
    edges trimmed, and a notice (`trimmed`) when that changed them."""

    start: int
    end: int
    trimmed: str | None = None


def fit_span(text: str, start: Any, end: Any, label: Any, expected: str | None = None) -> Fit | str:
    """The span as the project keeps it, or why it cannot be kept.

    Curators select text with the mouse and often take a space along; their intent is
    the words, so white space at an edge is trimmed (the span then runs from its first to
    its last non-space character, as agreement counts it: `str.isspace` both times) and
    the notice says so. A span outside the text, of white space only, or whose text
    differs from what the file says it covers (`expected`, compared with the span as the
    file gives it) is never moved to fit: the reason is returned instead.
    """
    if any(isinstance(x, bool) or not isinstance(x, int) for x in (start, end)):
        return f"offsets {start!r}-{end!r} are not whole numbers"
    if not isinstance(label, str) or not label:
        return f"span {start}-{end} has no label"
    bad_label = label_problem(label)
    if bad_label:
        return f"span {start}-{end}: {bad_label}"
    if not 0 <= start < end <= len(text):
        return f"span {start}-{end} {label} is outside the text (length {len(text)})"
    covered = text[start:end]
    if expected is not None and covered != expected:
        return f"span {start}-{end} {label} covers {covered!r}, but the file says {expected!r}"
    words = covered.strip()
    if not words:
        return f"span {start}-{end} {label} {covered!r} is only white space"
    if words == covered:
        return Fit(start, end)
    first = start + covered.index(words)
    last = first + len(words)
    return Fit(
        first,
        last,
        f"span {start}-{end} {label} {covered!r} trimmed to {first}-{last} "
        "(white space at an edge)",
    )


def kb_id_problem(kb_id: Any) -> str | None:
    """Why a knowledge-base id cannot be kept, or None. Ids are written into brat's
    `N` lines and CoNLL-free formats as one word: no white space or control characters."""
    if kb_id is None or kb_id == "":
        return None
    if not isinstance(kb_id, str):
        return f"kb id {kb_id!r} is not a string"
    if any(c.isspace() for c in kb_id) or label_problem(kb_id):
        return f"kb id {kb_id!r} holds white space or a control character"
    return None


def relation_label_problem(label: Any) -> str | None:
    """Why a relation's label cannot be kept (an empty one can: Label Studio relations
    need none), or None."""
    if label == "":
        return None
    if not isinstance(label, str):
        return f"relation label {label!r} is not a string"
    return label_problem(label)


def attach_relations(spans: list[SpanDraft], relations: Iterable[Relation]) -> list[SpanDraft]:
    """The spans with each relation stored in its head span's attrs."""
    out = list(spans)
    for rel in relations:
        head, child = out[rel.head], spans[rel.child]
        rels = [*head.attrs.get("relations", []), _rel_attr(rel.label, child)]
        out[rel.head] = replace(head, attrs={**head.attrs, "relations": rels})
    return out


def _rel_attr(label: str, child: SpanDraft) -> dict[str, Any]:
    return {"label": label, "to": [child.start, child.end, child.label]}


def relations_from_attrs(spans: list[SpanDraft]) -> list[Relation]:
    """Relations kept in the spans' attrs, as indices into `spans` (relations whose
    target span is not among them are left out)."""
    index = {(s.start, s.end, s.label): i for i, s in enumerate(spans)}
    found: list[Relation] = []
    for i, span in enumerate(spans):
        for rel in span.attrs.get("relations", []) or []:
            try:
                target = index.get((int(rel["to"][0]), int(rel["to"][1]), str(rel["to"][2])))
            except (KeyError, IndexError, TypeError, ValueError):
                continue
            if target is not None:
                found.append(Relation(i, target, str(rel.get("label", ""))))
    return found


def sorted_spans(spans: Iterable[SpanDraft]) -> list[SpanDraft]:
    return sorted(spans, key=lambda s: (s.start, s.end, s.layer, s.label))


def ents(spans: Iterable[SpanDraft]) -> Iterator[SpanDraft]:
    return (s for s in spans if s.layer == "ents")
