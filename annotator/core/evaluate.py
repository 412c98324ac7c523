"""How good a model's suggestions are, per label, against a curator's finished documents
(`annotator evaluate`).

Each model runs over the documents (nothing is written to the project) and is scored
in four sections:

- `entities`: its entity suggestions (what a curator sees in the `ents` layer) against
  the curator's entity annotations; a span counts when start, end and label all match.
- `figures`: its figure suggestions against the curator's figures; span and kind match.
- `figure_values`: the same figures judged on their normalised value: a suggestion is
  right when it overlaps a curated figure of the same kind with the same unit and a
  value within 0.1% (the rule of `bench/figures_eval.py`), each curated figure matched
  once; per kind.
- `doc_ents`: the pipeline's own `doc.ents` against the `doc.ents` the spaCy export
  writes for the document (entities, and figures with their OntoNotes labels): what
  `annotator train` learns and scores as dev F1; it shows whether MONEY or PERCENT are
  still found.

Counting is spaCy's `PRFScore`, the counter under `Scorer.score_spans`, applied to
code-point offsets rather than tokens, so a curated span that does not fall on the
model's token boundaries counts as missed instead of being dropped.

By default the documents a compared model was trained on are left out: a model scored
on its own training documents looks better than it is.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.export import annotated_docs, finished_doc_ids
from annotator.core.model import SpanDraft
from annotator.core.registry import ModelRecord, find_model, list_models, resolve_model
from annotator.core.store import Store
from annotator.core.training import BLANK

if TYPE_CHECKING:
    from spacy.scorer import PRFScore

    from annotator.core.suggest import Pipeline
    from annotator.formats.spans import AnnotatedText

SECTIONS = ("entities", "figures", "figure_values", "doc_ents")
SECTION_TITLES = {
    "entities": "entities (suggested spans: start, end and label)",
    "figures": "figures (span and kind)",
    "figure_values": "figures on value and unit (overlapping span, same kind, unit, value ±0.1%)",
    "doc_ents": "doc.ents (what train learns: entities, and figures as MONEY, PERCENT, ...)",
}
VALUE_TOLERANCE = 1e-3
BATCH = 64

ProgressFn = Callable[[str, int, int], None]


class EvaluateError(AnnotatorError):
    """An evaluation that cannot run; the message says why and what to do."""


@dataclass
class Score:
    """Counts for one label, with precision, recall and F1 (None where undefined)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @classmethod
    def of(cls, prf: PRFScore) -> Score:
        return cls(prf.tp, prf.fp, prf.fn)

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def pred(self) -> int:
        return self.tp + self.fp

    @property
    def p(self) -> float | None:
        return self.tp / self.pred if self.pred else None

    @property
    def r(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f(self) -> float | None:
        if not self.gold and not self.pred:
            return None
        return 2 * self.tp / (self.gold + self.pred)

    def to_json(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "pred": self.pred,
            "tp": self.tp,
            "p": _round(self.p),
            "r": _round(self.r),
            "f": _round(self.f),
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass
class ModelScores:
    name: str  # what its suggestions are stored under
    source: str  # as the user named it
    version: str
    sections: dict[str, dict[str, Score]] = field(default_factory=dict)

    def total(self, section: str) -> Score:
        scores = self.sections.get(section, {}).values()
        return Score(
            sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "source": self.source,
            "version": self.version,
            "sections": {
                section: {
                    "all": self.total(section).to_json(),
                    "labels": {k: v.to_json() for k, v in sorted(labels.items())},
                }
                for section, labels in self.sections.items()
            },
        }


@dataclass
class Evaluation:
    curator: str
    documents: list[int]
    left_out: list[int]  # finished documents a compared model was trained on
    models: list[ModelScores]

    def to_json(self) -> dict[str, Any]:
        return {
            "curator": self.curator,
            "documents": len(self.documents),
            "left_out": len(self.left_out),
            "models": [m.to_json() for m in self.models],
        }


# -- which models, which documents ---------------------------------------------------------


def default_models(store: Store) -> list[str]:
    """What `evaluate` compares when no model is named: the latest trained model against
    the model it was trained from (the default model for a blank one); the default model
    alone when none was trained."""
    from annotator.core.suggest import default_model

    records = list_models(store)
    if not records:
        return [default_model()]
    latest = records[-1]
    base = default_model() if latest.base == BLANK else latest.base
    return [base, latest.name]


def documents_to_score(
    store: Store, curator: str, records: Sequence[ModelRecord], include_training: bool
) -> tuple[list[int], list[int]]:
    """The curator's finished documents to score on, and those left out because a compared
    model was trained on them."""
    ids = finished_doc_ids(store, curator)
    if not ids:
        raise EvaluateError(
            f"nothing to score against: {curator} has marked no documents done "
            "(use --annotator NAME or --gold)"
        )
    trained_on = {d for r in records for d in r.train_docs}
    if include_training or not trained_on:
        return ids, []
    kept = [d for d in ids if d not in trained_on]
    left_out = [d for d in ids if d in trained_on]
    if not kept:
        names = ", ".join(r.name for r in records if r.train_docs)
        raise EvaluateError(
            f"nothing to score on: all {len(ids)} documents {curator} marked done were used "
            f"to train {names}; mark more documents done, or pass --include-training-docs "
            "(scores will look better than they are)"
        )
    return kept, left_out


# -- scoring --------------------------------------------------------------------------------


def evaluate(
    store: Store,
    curator: str,
    models: Sequence[str] | None = None,
    *,
    include_training: bool = False,
    on_progress: ProgressFn | None = None,
) -> Evaluation:
    """Score each model's suggestions against the curator's finished documents."""
    from annotator.core.suggest import load_pipeline

    names = list(dict.fromkeys(models or default_models(store)))
    if names and any(n == BLANK for n in names):
        raise EvaluateError("`blank` is no model to evaluate: name a pipeline")
    records = [r for r in (find_model(store, n) for n in names) if r is not None]
    ids, left_out = documents_to_score(store, curator, records, include_training)
    pipelines = [(n, load_pipeline(resolve_model(store, n))) for n in names]
    result = Evaluation(curator=curator, documents=ids, left_out=left_out, models=[])
    for source, pipeline in pipelines:
        scores = score_pipeline(store, curator, ids, pipeline, on_progress=on_progress)
        scores.source = source
        result.models.append(scores)
    return result


def score_pipeline(
    store: Store,
    curator: str,
    ids: Sequence[int],
    pipeline: Pipeline,
    *,
    on_progress: ProgressFn | None = None,
) -> ModelScores:
    from spacy.scorer import PRFScore

    from annotator.core.suggest import doc_suggestions
    from annotator.formats.spacy_docbin import annotated_to_doc

    nlp = pipeline.nlp
    counts: dict[str, defaultdict[str, PRFScore]] = {s: defaultdict(PRFScore) for s in SECTIONS}
    done = 0
    items = annotated_docs(store, curator, ids)
    for batch in _batches(items, BATCH):
        for item, doc in zip(batch, nlp.pipe(i.text for i in batch), strict=True):
            gold = item.spans
            suggested = doc_suggestions(doc)
            _score_sets(
                counts["entities"],
                [(s.start, s.end, s.label) for s in suggested if s.layer == "ents"],
                [(s.start, s.end, s.label) for s in gold if s.layer == "ents"],
            )
            pred_figures = [s for s in suggested if s.layer == "figures"]
            gold_figures = [s for s in gold if s.layer == "figures"]
            _score_sets(
                counts["figures"],
                [(s.start, s.end, s.label) for s in pred_figures],
                [(s.start, s.end, s.label) for s in gold_figures],
            )
            _score_values(counts["figure_values"], pred_figures, gold_figures)
            target, _ = annotated_to_doc(nlp.make_doc(item.text), item)
            _score_sets(
                counts["doc_ents"],
                [(e.start_char, e.end_char, e.label_) for e in doc.ents],
                [(e.start_char, e.end_char, e.label_) for e in target.ents],
            )
        done += len(batch)
        if on_progress:
            on_progress(pipeline.name, done, len(ids))
    return ModelScores(
        name=pipeline.name,
        source=pipeline.source,
        version=pipeline.version,
        sections={s: {k: Score.of(v) for k, v in c.items()} for s, c in counts.items()},
    )


def _batches(items: Iterable[AnnotatedText], size: int) -> Iterable[list[AnnotatedText]]:
    batch: list[AnnotatedText] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _score_sets(
    counts: defaultdict[str, PRFScore],
    pred: Iterable[tuple[int, int, str]],
    gold: Iterable[tuple[int, int, str]],
) -> None:
    by_label: defaultdict[str, tuple[set[tuple[int, int]], set[tuple[int, int]]]] = defaultdict(
        lambda: (set(), set())
    )
    for start, end, label in pred:
        by_label[label][0].add((start, end))
    for start, end, label in gold:
        by_label[label][1].add((start, end))
    for label, (cand, ref) in by_label.items():
        counts[label].score_set(cand, ref)


def _score_values(
    counts: defaultdict[str, PRFScore], pred: Sequence[Any], gold: Sequence[SpanDraft]
) -> None:
    unmatched = list(pred)
    for g in gold:
        match = next((p for p in unmatched if value_matches(p, g)), None)
        if match is None:
            counts[g.label].fn += 1
        else:
            unmatched.remove(match)
            counts[g.label].tp += 1
    for p in unmatched:
        counts[p.label].fp += 1


def value_matches(pred: Any, gold: SpanDraft) -> bool:
    """A suggested figure that says what the curated one says: overlapping, same kind,
    same unit, value within 0.1%."""
    if pred.label != gold.label or not (pred.start < gold.end and gold.start < pred.end):
        return False
    if pred.attrs.get("unit") != gold.attrs.get("unit"):
        return False
    a, b = pred.attrs.get("value"), gold.attrs.get("value")
    numbers = (int, float)
    if not (isinstance(a, numbers) and isinstance(b, numbers)):
        return a == b  # both missing, or values a number cannot compare
    return math.isclose(a, b, rel_tol=VALUE_TOLERANCE, abs_tol=VALUE_TOLERANCE)
