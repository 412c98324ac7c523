"""The suggestion source `kb`: mentions of known aliases, suggested pre-linked.

The gazetteer's matches become suggestions of the model "kb" (layer `ents`), beside the
spaCy model's, with the entity's key in `attrs["kb_id"]`; accepting one links it. Also
mentions the model missed as entities. The label:

- where the model suggested exactly the same span with a label the entity fits (same
  type, a close one, or NORP for a demonym), the model's label: the two suggestions are
  one item in the window, pre-linked;
- else the entity's type (NORP for a demonym: "Kazakh" of Kazakhstan).

A match inside a longer model entity that says more is left out ("Kazakh" in "the
Kazakh-Korean Intergovernmental Commission"; not "Republic of Korea" in "the Republic of
Korea", nor the matches in a span the model ran over a line break, a list or two names),
and so is one inside a money figure ("US" in "US$3.2 billion").
An alias that names several entities is never linked silently: it is suggested with
`attrs["kb_candidates"]` and no kb_id, unless exactly one of them is named unambiguously
elsewhere in the same article ("Park" after "Park Jin"), when it is linked with the
reason in `attrs["kb_reason"]`. An untyped entity (a Wikidata import without --type) is
suggested only on a span the model found.

Re-running replaces the source's suggestions only (`kb suggest` after the KB grew).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.kb.candidates import type_fit
from annotator.core.kb.gazetteer import Gazetteer, Hit, Sense, get_gazetteer
from annotator.core.kb.normal import normal
from annotator.core.store import SuggestionDraft

if TYPE_CHECKING:
    from annotator.core.store import Store

SOURCE = "kb"
BATCH = 200


@dataclass
class PrelinkReport:
    documents: int = 0
    linked: int = 0
    ambiguous: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"kb: {self.documents} documents, {self.linked} mentions pre-linked, "
            f"{self.ambiguous} offered with candidates, in {self.seconds:.1f} s"
        )


def _fits(sense: Sense, label: str) -> bool:
    word, _ = type_fit(label, sense.type, demonym=sense.demonym)
    return word in ("same", "close")


def _own_label(sense: Sense) -> str | None:
    if sense.demonym:
        return "NORP"
    return sense.type or None


def document_drafts(
    gazetteer: Gazetteer,
    text: str,
    model_spans: Sequence[tuple[int, int, str]],
    money_spans: Sequence[tuple[int, int]] = (),
) -> list[SuggestionDraft]:
    """The `kb` suggestions for one text, given the model's entity spans (start, end,
    label) and the spans of money figures (no "US" in "172.2 million US dollars")."""
    hits = [
        h
        for h in gazetteer.find(text)
        if not any(s < h.end and h.start < e for s, e in money_spans)
    ]
    if not hits:
        return []
    exact: dict[tuple[int, int], list[str]] = {}
    for s, e, label in model_spans:
        exact.setdefault((s, e), []).append(label)
    covering = [(s, e) for s, e, _ in model_spans if _one_mention(text, s, e, hits)]
    kept = [h for h in hits if not _hidden(text, h, covering)]
    # entities named unambiguously in the article decide ambiguous aliases
    named: dict[int, str] = {}
    for h in kept:
        if not h.ambiguous:
            named.setdefault(h.senses[0].entity_id, h.senses[0].alias)
    drafts: list[SuggestionDraft] = []
    for h in kept:
        drafts += _drafts_for(h, exact.get((h.start, h.end), []), named)
    return drafts


def _one_mention(text: str, start: int, end: int, hits: Sequence[Hit]) -> bool:
    """Whether a model span reads as one mention, which may hide a match inside it.
    Not when it runs over a line break or a list ("Moll, Globalia, Gedeon"), nor when two
    or more matches make it up ("Kazakh-Hungarian", "the Ministry ... of Hungary Ádám
    Stifter"): those are the model's mistakes, and the matches stand."""
    span = text[start:end]
    if "\n" in span or "," in span:
        return False
    return sum(1 for h in hits if start <= h.start and h.end <= end) < 2


def _hidden(text: str, hit: Hit, spans: list[tuple[int, int]]) -> bool:
    """Inside a longer model span that says more than the match ("Kazakh" in "the
    Kazakh-Korean Intergovernmental Commission"). "the Republic of Korea" and "South
    Korea's" say no more than the matches "Republic of Korea" and "South Korea"."""
    own = normal(text[hit.start : hit.end])
    return any(
        s <= hit.start
        and hit.end <= e
        and (s, e) != (hit.start, hit.end)
        and normal(text[s:e]) != own
        for s, e in spans
    )


def _drafts_for(hit: Hit, model_labels: list[str], named: dict[int, str]) -> list[SuggestionDraft]:
    for label in model_labels:
        fitting = tuple(s for s in hit.senses if _fits(s, label))
        if fitting:
            return [_draft(hit, fitting, label, named)]
    typed = tuple(s for s in hit.senses if _own_label(s))
    if not typed:
        return []
    return [_draft(hit, typed, _own_label(typed[0]) or "", named)]


def _draft(
    hit: Hit, senses: tuple[Sense, ...], label: str, named: dict[int, str]
) -> SuggestionDraft:
    by_entity: dict[int, Sense] = {}
    for s in senses:
        by_entity.setdefault(s.entity_id, s)
    attrs: dict[str, object] = {}
    if len(by_entity) == 1:
        attrs["kb_id"] = next(iter(by_entity.values())).key
    else:
        in_article = [s for e, s in by_entity.items() if e in named]
        if len(in_article) == 1:
            attrs["kb_id"] = in_article[0].key
            attrs["kb_reason"] = f"named “{named[in_article[0].entity_id]}” in this article"
        attrs["kb_candidates"] = sorted(s.key for s in by_entity.values())
    return SuggestionDraft("ents", hit.start, hit.end, label, attrs)


def prelink_documents(
    store: Store,
    doc_ids: Sequence[int] | None = None,
    *,
    on_progress: Callable[[PrelinkReport], None] | None = None,
) -> PrelinkReport:
    """Suggest pre-linked mentions in the documents (all by default), replacing the
    `kb` source's earlier suggestions for them."""
    from annotator.core.kb.entities import generation

    started = time.perf_counter()
    report = PrelinkReport()
    gazetteer = get_gazetteer(store)
    version = f"kb-{generation(store)}"
    ids = list(doc_ids) if doc_ids is not None else store.document_ids()
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        batch: list[tuple[int, list[SuggestionDraft]]] = []
        for doc in store.documents(chunk):
            others = [s for s in store.suggestions(doc.id) if s.model != SOURCE]
            model_spans = [(s.start, s.end, s.label) for s in others if s.layer == "ents"]
            money = [
                (s.start, s.end) for s in others if s.layer == "figures" and s.label == "money"
            ]
            drafts = document_drafts(gazetteer, doc.text, model_spans, money)
            batch.append((doc.id, drafts))
            report.linked += sum(1 for d in drafts if "kb_id" in d.attrs)
            report.ambiguous += sum(1 for d in drafts if "kb_id" not in d.attrs)
        store.replace_suggestions_many(SOURCE, version, batch)
        report.documents += len(batch)
        report.seconds = time.perf_counter() - started
        if on_progress:
            on_progress(report)
    report.seconds = time.perf_counter() - started
    return report
