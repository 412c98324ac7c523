"""Importing other tools' annotation files: each record's text is matched to a document
of the project (or imported as a new one) and its spans become the curator's
annotations, with origin "imported".

Records are written in batches: one transaction per batch of `BATCH` records (fewer when
they carry many spans) holding the new documents, the annotations (one `executemany`),
the statuses and one event per record. A batch is written whole or not at all, so an
import killed at any point keeps whole batches only, and running it again completes it:
documents are matched by text and spans already there (same layer, offsets and label
for that curator) are not added twice. Should a batch fail on a record no check caught,
its records are written one by one and only that record is reported. Every check of
`Store.add_annotation` is made first, in Python (layer, label, offsets), and a bad span
is reported as `FILE:LINE: reason`. A span whose white space at an edge the reader
trimmed is listed in `trimmed` the same way: a notice, not a rejection.

A document that receives a record is marked done for its curator (the work was
finished in the other tool) unless the curator already has a status for it other than
open or in progress, and only when every span of the record landed: a record with
rejected spans leaves the document in progress, so an export of finished work never
misses spans the file had.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.core.model import LAYERS, label_problem, storable_name
from annotator.core.store import INDEX_NEW_DOCUMENTS, InvalidSpan, Store
from annotator.formats.records import Rejection
from annotator.formats.spans import AnnotatedText, Item, attach_relations

# Records per transaction, and the most spans one batch gathers before it is written.
BATCH = 1000
BATCH_SPANS = 40_000
_CHUNK = 500  # parameters per IN (...) query

FORMATS = ("prodigy", "doccano", "labelstudio", "brat", "conll", "spacy")

# Extensions that name their format alone.
_BY_EXTENSION = {
    ".ann": "brat",
    ".json": "labelstudio",
    ".conll": "conll",
    ".conll03": "conll",
    ".iob": "conll",
    ".iob2": "conll",
    ".bio": "conll",
    ".spacy": "spacy",
}


@dataclass
class AnnotationImportReport:
    documents_new: int = 0
    documents_matched: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    done: int = 0  # documents marked done for their curator by this import
    unfinished: int = 0  # accepted records with rejected spans: left in progress
    answers: Counter[str] = field(default_factory=Counter)
    curators: set[str] = field(default_factory=set)
    rejected: list[Rejection] = field(default_factory=list)
    # spans landed with white space at their edges trimmed: notices, not rejections
    trimmed: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        text_only = self.answers["reject"] + self.answers["ignore"]
        parts = [
            f"imported {self.documents_new} new documents, {self.documents_matched} already "
            f"in the project; {self.spans_added} annotations added"
            + (f" for {', '.join(sorted(self.curators))}" if self.curators else "")
            + f", {self.spans_existing} already there"
        ]
        if self.trimmed:
            parts.append(f"{len(self.trimmed)} spans trimmed (white space at an edge)")
        if text_only:
            parts.append(
                f"{self.answers['reject']} rejected and {self.answers['ignore']} ignored "
                "tasks imported as text only"
            )
        if self.done or self.unfinished:
            parts.append(
                f"{self.done} documents marked done"
                + (
                    f", {self.unfinished} left in progress as some of their spans were rejected"
                    if self.unfinished
                    else ""
                )
            )
        parts.append(f"rejected {len(self.rejected)}")
        return "; ".join(parts)


def detect_format(path: Path) -> str | None:
    """The annotation format of a file when its name or first record says so
    unambiguously; None for plain article files."""
    suffix = path.suffix.lower()
    if suffix in _BY_EXTENSION:
        return _BY_EXTENSION[suffix]
    if suffix == ".txt" and path.with_suffix(".ann").is_file():
        return "brat"
    if suffix == ".jsonl":
        return _sniff_jsonl(path)
    return None


def _sniff_jsonl(path: Path) -> str | None:
    from annotator.formats.jsonlines import read_objects

    try:
        first = next(iter(read_objects(path)), None)
    except OSError:
        return None
    if first is None or isinstance(first, Rejection):
        return None
    obj = first[1]
    if any(k in obj for k in ("answer", "_input_hash", "_task_hash", "_session_id")):
        return "prodigy"
    if isinstance(obj.get("spans"), list) and isinstance(obj.get("tokens"), list):
        return "prodigy"
    label = obj.get("label")
    if isinstance(label, list) and all(isinstance(x, list) for x in label):
        return "doccano"
    if isinstance(obj.get("entities"), list) or isinstance(obj.get("annotations"), list):
        return "doccano"
    return None


def read_annotated(path: Path, fmt: str) -> Iterator[Item]:
    from annotator.formats import brat, conll, doccano, labelstudio, prodigy, spacy_docbin

    readers: dict[str, Callable[[Path], Iterator[Item]]] = {
        "prodigy": prodigy.read_prodigy,
        "doccano": doccano.read_doccano,
        "labelstudio": labelstudio.read_labelstudio,
        "brat": brat.read_brat,
        "conll": conll.read_conll,
        "spacy": spacy_docbin.docbin_to_annotated,
    }
    if not path.exists():
        from annotator.core.importer import missing

        yield missing(path)
        return
    try:
        yield from readers[fmt](path)
    except OSError as exc:
        yield Rejection(path.name, 0, f"cannot read: {exc.strerror or exc}")


def import_annotated(
    store: Store,
    items: Iterable[Item],
    *,
    annotator: str | None,
    fallback: str,
    report: AnnotationImportReport | None = None,
    mark_done: bool = True,
    batch_size: int = BATCH,
    on_progress: Callable[[AnnotationImportReport], None] | None = None,
) -> AnnotationImportReport:
    """Store the records' texts and spans, a batch at a time. `annotator` files
    everything under one curator; otherwise each record's own curator is used, or
    `fallback` when it names none."""
    report = report or AnnotationImportReport()
    # Rejections wait in the batch too, so the report lists everything in file order.
    batch: list[_Entry] = []
    n_spans = 0
    for item in items:
        if isinstance(item, Rejection):
            batch.append(item)
            continue
        batch.append((item, annotator or item.curator or fallback))
        n_spans += len(item.spans)
        if len(batch) >= batch_size or n_spans >= BATCH_SPANS:
            _write(store, batch, report, mark_done)
            batch, n_spans = [], 0
            if on_progress:
                on_progress(report)
    if batch:
        _write(store, batch, report, mark_done)
        if on_progress:
            on_progress(report)
    return report


_Entry = tuple[AnnotatedText, str] | Rejection


def _write(
    store: Store,
    batch: list[_Entry],
    report: AnnotationImportReport,
    mark_done: bool,
) -> None:
    """Write a batch in one transaction; should it fail, each record in its own."""
    try:
        _write_batch(store, batch, mark_done).add_to(report)
    except (sqlite3.IntegrityError, InvalidSpan, ValueError) as exc:
        if len(batch) == 1:
            entry = batch[0]
            if not isinstance(entry, Rejection):
                report.rejected.append(entry[0].rejection(f"not imported: {exc}"))
            return
        for one in batch:
            _write(store, [one], report, mark_done)


@dataclass
class _Written:
    """What one batch wrote, added to the report once it is committed."""

    counts: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    curators: set[str] = field(default_factory=set)
    rejected: list[Rejection] = field(default_factory=list)
    trimmed: list[Rejection] = field(default_factory=list)

    def add_to(self, report: AnnotationImportReport) -> None:
        c = self.counts
        report.documents_new += c["new"]
        report.documents_matched += c["matched"]
        report.spans_added += c["added"]
        report.spans_existing += c["existing"]
        report.done += c["done"]
        report.unfinished += c["unfinished"]
        report.answers.update(self.answers)
        report.curators |= self.curators
        report.rejected += self.rejected
        report.trimmed += self.trimmed


@lru_cache(maxsize=4096)
def _label_problem(label: str) -> str | None:
    return label_problem(label) or _unicode_problem(label)


def _unicode_problem(value: str) -> str | None:
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{value!r} holds a lone surrogate, which is not valid Unicode"
    return None


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "{}"


def _span_row(item: AnnotatedText, doc_id: int, curator: str, s: Any) -> tuple[Any, ...] | str:
    """The annotations row of a span, or why it cannot be stored."""
    if s.layer not in LAYERS:
        return f"span {s.start}-{s.end}: unknown layer {s.layer!r}"
    problem = (
        _label_problem(s.label) if isinstance(s.label, str) else f"label {s.label!r} is not text"
    )
    if problem:
        return f"span {s.start}-{s.end}: {problem}"
    if not (type(s.start) is int and type(s.end) is int and 0 <= s.start < s.end <= len(item.text)):
        return (
            f"span {s.start!r}-{s.end!r} {s.label} does not fit the text (length {len(item.text)})"
        )
    if s.kb_id is not None and (not isinstance(s.kb_id, str) or _unicode_problem(s.kb_id)):
        return f"span {s.start}-{s.end} {s.label}: kb id {s.kb_id!r} cannot be stored"
    attrs = _json(s.attrs)
    if _unicode_problem(attrs):
        return f"span {s.start}-{s.end} {s.label}: its attributes hold a lone surrogate"
    return (doc_id, curator, s.layer, s.start, s.end, s.label, s.kb_id, attrs, "imported")


def _record_problem(item: AnnotatedText, meta_json: str) -> str | None:
    for what, value in (("text", item.text), ("title", item.title), ("meta", meta_json)):
        if _unicode_problem(value):
            return f"{what} holds a lone surrogate, which is not valid Unicode"
    if item.date is not None and _unicode_problem(item.date):
        return "date holds a lone surrogate, which is not valid Unicode"
    return None


def _in_chunks(
    conn: sqlite3.Connection, sql: str, values: Sequence[Any]
) -> Iterator[tuple[Any, ...]]:
    """Rows of `sql` (with one `{}` for a list of ?) for every chunk of `values`."""
    for i in range(0, len(values), _CHUNK):
        chunk = values[i : i + _CHUNK]
        yield from conn.execute(sql.format(",".join("?" * len(chunk))), chunk)


def _write_batch(store: Store, batch: list[_Entry], mark_done: bool) -> _Written:
    from annotator.core.store import content_hash

    out = _Written()
    # item, curator, hash, meta; or a rejection, in file order
    good: list[tuple[AnnotatedText, str, str, str] | Rejection] = []
    for entry in batch:
        if isinstance(entry, Rejection):
            good.append(entry)
            continue
        item, curator = entry
        meta = _json(item.meta)
        problem = _record_problem(item, meta)
        if _unicode_problem(curator):
            problem = "its curator's name holds a lone surrogate"
        if problem:
            good.append(item.rejection(f"not imported: {problem}"))
            continue
        good.append((item, curator, content_hash(item.text), meta))
    records = [g for g in good if not isinstance(g, Rejection)]
    with store.transaction() as conn:
        ids = dict(
            (h, i)
            for i, h in _in_chunks(
                conn,
                "SELECT id, hash FROM documents WHERE hash IN ({})",
                list({g[2] for g in records}),
            )
        )
        matched = set(ids.values())
        fresh: dict[str, tuple[Any, ...]] = {}
        for item, _, h, meta in records:
            if h not in ids and h not in fresh:
                fresh[h] = (item.text, item.title, item.date, storable_name(item.source), meta, h)
        if fresh:
            before = conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
            conn.executemany(
                "INSERT INTO documents (text, title, date, source, meta, hash) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                list(fresh.values()),
            )
            conn.execute(INDEX_NEW_DOCUMENTS, (before,))
            ids.update(
                (h, i)
                for i, h in conn.execute("SELECT id, hash FROM documents WHERE id > ?", (before,))
            )
        keys: set[tuple[Any, ...]] = set()
        statuses: dict[tuple[int, str], str] = {}
        if matched:
            keys.update(
                _in_chunks(
                    conn,
                    'SELECT doc_id, annotator, layer, start, "end", label FROM annotations '
                    "WHERE doc_id IN ({})",
                    sorted(matched),
                )
            )
            statuses.update(
                ((d, a), st)
                for d, a, st in _in_chunks(
                    conn, "SELECT doc_id, annotator, status FROM status WHERE doc_id IN ({})",
                    sorted(matched),
                )
            )  # fmt: skip
        rows: list[tuple[Any, ...]] = []
        changed: dict[tuple[int, str], str] = {}
        events: list[tuple[Any, ...]] = []
        seen_new: set[str] = set()
        for record in good:
            if isinstance(record, Rejection):
                out.rejected.append(record)
                continue
            item, curator, h, _ = record
            doc_id = ids[h]
            if doc_id in matched or h in seen_new:
                out.counts["matched"] += 1
            else:
                out.counts["new"] += 1
                seen_new.add(h)
            out.answers[item.answer] += 1
            out.rejected += item.problems
            out.rejected += item.notes
            if item.answer != "accept":
                continue
            out.trimmed += item.trimmed
            out.curators.add(curator)
            added = existing = 0
            lost = len(item.problems)
            for s in attach_relations(item.spans, item.relations):
                key = (doc_id, curator, s.layer, s.start, s.end, s.label)
                if key in keys:
                    existing += 1
                    continue
                row = _span_row(item, doc_id, curator, s)
                if isinstance(row, str):
                    out.rejected.append(item.rejection(row))
                    lost += 1
                    continue
                keys.add(key)
                rows.append(row)
                added += 1
            out.counts["added"] += added
            out.counts["existing"] += existing
            pair = (doc_id, curator)
            old = changed.get(pair) or statuses.get(pair, "open")
            new = old
            if lost:
                out.counts["unfinished"] += 1
                if old == "open":
                    new = "in_progress"
            elif mark_done and old in ("open", "in_progress"):
                new = "done"
                out.counts["done"] += 1
            elif added and old == "open":
                new = "in_progress"
            if new != old:
                changed[pair] = new
            events.append(
                (
                    curator,
                    doc_id,
                    "import",
                    _json(
                        {
                            "source": item.source,
                            "added": added,
                            "existing": existing,
                            "rejected": lost,
                            "status": new,
                        }
                    ),
                )
            )
        conn.executemany(
            'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, kb_id, '
            "attrs, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO status (doc_id, annotator, status) VALUES (?, ?, ?) "
            "ON CONFLICT (doc_id, annotator) DO UPDATE SET status = excluded.status, "
            "updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            [(d, a, st) for (d, a), st in changed.items()],
        )
        conn.executemany(
            "INSERT INTO events (annotator, doc_id, action, payload) VALUES (?, ?, ?, ?)", events
        )
    return out
