"""Exporting a curator's (or the adjudicated gold) annotations out of the project.

Which documents: those the curator marked done (`--gold`: those the reviewer marked done
under the reserved name `@gold`); with `include_unfinished`, also those in progress and
any other document the curator annotated. Skipped documents are never exported.

Files are written to a temporary name beside the target and renamed into place, so an
interrupted export leaves no half-written file; existing files are only replaced when
asked (`force`).
"""

from __future__ import annotations

import csv
import json
import os
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import SpanDraft
from annotator.core.store import Store
from annotator.formats.csvsafe import safe_row
from annotator.formats.spans import AnnotatedText

BATCH = 500

ProgressFn = Callable[[int, int], None]


class ExportError(AnnotatorError):
    """An export that cannot run; the message says why and what to do."""


@dataclass
class ExportReport:
    documents: int = 0
    entities: int = 0
    figures: int = 0
    files: list[Path] = field(default_factory=list)
    # (document id, message) for every span that needed attention
    problems: list[tuple[int, str]] = field(default_factory=list)
    overlapping: int = 0
    figure_ents: int = 0  # figures also written to doc.ents
    realigned: int = 0
    unaligned: int = 0
    split: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"exported {self.documents} documents ({self.entities} entities, "
            f"{self.figures} figures) to {', '.join(str(f) for f in self.files)}"
        ]
        if self.figure_ents:
            parts.append(f"{self.figure_ents} figures also in doc.ents")
        if self.split:
            parts.append(", ".join(f"{k} {v}" for k, v in self.split.items()))
        if self.overlapping or self.realigned or self.unaligned:
            parts.append(
                f"{self.overlapping} overlapping entities kept apart, "
                f"{self.realigned} spans realigned, {self.unaligned} spans not aligned"
            )
        return "; ".join(parts)


# -- choosing documents ----------------------------------------------------------------


def finished_doc_ids(store: Store, curator: str, include_unfinished: bool = False) -> list[int]:
    done = store.doc_ids_with_status(curator, "done")
    if not include_unfinished:
        return done
    rows = store.conn.execute(
        "SELECT doc_id FROM annotations WHERE annotator = ? "
        "UNION SELECT doc_id FROM status WHERE annotator = ? AND status IN ('done', "
        "'in_progress') "
        "EXCEPT SELECT doc_id FROM status WHERE annotator = ? AND status = 'skipped' "
        "ORDER BY 1",
        (curator, curator, curator),
    )
    return [r[0] for r in rows]


def split_ids(ids: Sequence[int], dev_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Train and dev ids: the same ids, fraction and seed always give the same split."""
    if not 0 < dev_fraction < 1:
        raise ExportError(f"--dev-fraction must be between 0 and 1, not {dev_fraction}")
    shuffled = sorted(ids)
    random.Random(seed).shuffle(shuffled)
    n_dev = round(len(shuffled) * dev_fraction)
    if len(shuffled) >= 2:
        n_dev = min(max(n_dev, 1), len(shuffled) - 1)
    return sorted(shuffled[n_dev:]), sorted(shuffled[:n_dev])


def annotated_docs(store: Store, curator: str, doc_ids: Sequence[int]) -> Iterator[AnnotatedText]:
    """The documents with the curator's annotations, read in batches."""
    for i in range(0, len(doc_ids), BATCH):
        chunk = list(doc_ids[i : i + BATCH])
        marks = ",".join("?" * len(chunk))
        spans: dict[int, list[SpanDraft]] = {d: [] for d in chunk}
        rows = store.conn.execute(
            f'SELECT doc_id, layer, start, "end", label, kb_id, attrs FROM annotations '
            f'WHERE annotator = ? AND doc_id IN ({marks}) ORDER BY doc_id, start, "end", id',
            [curator, *chunk],
        )
        for doc_id, layer, start, end, label, kb_id, attrs in rows:
            spans[doc_id].append(
                SpanDraft(
                    start,
                    end,
                    label,
                    layer=layer,
                    kb_id=kb_id,
                    attrs=json.loads(attrs) if attrs != "{}" else {},
                )
            )
        for doc in store.documents(chunk):
            yield AnnotatedText(
                text=doc.text,
                spans=spans[doc.id],
                curator=curator,
                title=doc.title,
                date=doc.date,
                source=doc.source,
                meta=doc.meta,
                doc_id=doc.id,
            )


# -- files -------------------------------------------------------------------------------


def output_paths(out: Path, dev_fraction: float | None) -> dict[str, Path]:
    """Where an export goes: OUT itself, or OUT-train and OUT-dev beside it (same
    suffix) when a dev fraction is asked for."""
    if not dev_fraction:
        return {"all": out}
    return {
        "train": out.with_name(f"{out.stem}-train{out.suffix}"),
        "dev": out.with_name(f"{out.stem}-dev{out.suffix}"),
    }


def check_writable(paths: Sequence[Path], force: bool) -> None:
    for p in paths:
        if p.exists() and not force:
            raise ExportError(f"{p}: already exists; use --force to overwrite it")
        if not p.parent.is_dir():
            raise ExportError(f"{p.parent}: no such folder")


def _temp_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    tmp = _temp_for(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# -- spaCy -------------------------------------------------------------------------------


def export_spacy(
    store: Store,
    out: Path,
    curator: str,
    *,
    include_unfinished: bool = False,
    dev_fraction: float | None = None,
    seed: int = 0,
    force: bool = False,
    model: str | None = None,
    figures_as_ents: bool = True,
    on_progress: ProgressFn | None = None,
) -> ExportReport:
    """Write the curator's finished documents as spaCy DocBin file(s); figures go into
    doc.ents too unless `figures_as_ents` is False."""
    from annotator.formats.spacy_docbin import (
        annotated_to_doc,
        docs_to_docbin,
        make_tokenizer,
        msgpack_encoders_read_once,
    )

    ids = finished_doc_ids(store, curator, include_unfinished)
    paths = output_paths(out, dev_fraction)
    check_writable(list(paths.values()), force)
    if not ids:
        raise ExportError(_nothing_message(curator, include_unfinished))
    parts = {"all": ids}
    if dev_fraction:
        train, dev = split_ids(ids, dev_fraction, seed)
        parts = {"train": train, "dev": dev}
    try:
        tokenize = make_tokenizer(model)
    except OSError as exc:
        raise ExportError(f"cannot load the pipeline {model!r}: {exc}") from exc
    report = ExportReport()
    done = 0
    for part, part_ids in parts.items():
        items = list(annotated_docs(store, curator, part_ids)) if part_ids else []
        docs = []
        for item, tokens in zip(items, tokenize(i.text for i in items), strict=True):
            doc, problems = annotated_to_doc(tokens, item, figures_as_ents=figures_as_ents)
            docs.append(doc)
            report.documents += 1
            report.entities += sum(1 for s in item.spans if s.layer == "ents")
            report.figures += sum(1 for s in item.spans if s.layer == "figures")
            report.overlapping += len(problems.overlapping)
            report.figure_ents += problems.figure_ents
            report.realigned += problems.realigned
            report.unaligned += len(problems.unaligned)
            assert item.doc_id is not None
            report.problems += [(item.doc_id, m) for m in problems.messages]
            done += 1
            if on_progress and done % 100 == 0:
                on_progress(done, len(ids))
        db = docs_to_docbin(docs)
        with msgpack_encoders_read_once():
            write_atomically(paths[part], db.to_disk)
        report.files.append(paths[part])
        if part != "all":
            report.split[part] = len(part_ids)
    if on_progress:
        on_progress(done, len(ids))
    return report


def _nothing_message(curator: str, include_unfinished: bool) -> str:
    if include_unfinished:
        return f"nothing to export: {curator} has annotated no documents"
    return (
        f"nothing to export: {curator} has marked no documents done "
        "(use --include-unfinished to export work in progress)"
    )


# -- other tools' formats ------------------------------------------------------------------

FORMATS = ("jsonl", "prodigy", "doccano", "labelstudio", "brat", "conll")


def export_format(
    store: Store,
    fmt: str,
    out: Path,
    curator: str,
    *,
    include_unfinished: bool = False,
    force: bool = False,
) -> ExportReport:
    """Write the curator's finished documents in another tool's format."""
    from annotator.formats import brat, conll, doccano, labelstudio, prodigy

    writers: dict[str, Callable[[Sequence[AnnotatedText], Path], list[str]]] = {
        "jsonl": prodigy.write_prodigy,
        "prodigy": prodigy.write_prodigy,
        "doccano": doccano.write_doccano,
        "labelstudio": labelstudio.write_labelstudio,
        "conll": conll.write_conll,
    }
    ids = finished_doc_ids(store, curator, include_unfinished)
    if fmt == "brat":
        if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
            raise ExportError(f"{out}: already exists; use --force to overwrite it")
        if not out.parent.is_dir():
            raise ExportError(f"{out.parent}: no such folder")
    else:
        check_writable([out], force)
    if not ids:
        raise ExportError(_nothing_message(curator, include_unfinished))
    items = list(annotated_docs(store, curator, ids))
    report = ExportReport()
    if fmt == "brat":
        out.mkdir(exist_ok=True)
        messages = brat.write_brat(items, out)
    else:
        messages: list[str] = []

        def write(tmp: Path) -> None:
            messages.extend(writers[fmt](items, tmp))

        write_atomically(out, write)
    report.files.append(out)
    report.documents = len(items)
    for item in items:
        report.entities += sum(1 for s in item.spans if s.layer == "ents")
        report.figures += sum(1 for s in item.spans if s.layer == "figures")
    report.problems += [(0, m) for m in messages]
    return report


# -- facts and the knowledge base ------------------------------------------------------------

FACT_COLUMNS = (
    "doc_id",
    "source",
    "date",
    "start",
    "end",
    "text",
    "kind",
    "value",
    "value_max",
    "unit",
    "approx",
    "bound",
    "rate",
    "metric",
    "period",
    "change",
    "subjects",
    "label",
)


def export_facts(
    store: Store, out: Path, curator: str, *, include_unfinished: bool = False, force: bool = False
) -> ExportReport:
    """One CSV row per figure annotation: its value, unit, kind, metric, period and
    subjects (lists joined with "; ")."""
    check_writable([out], force)
    ids = finished_doc_ids(store, curator, include_unfinished)
    if not ids:
        raise ExportError(_nothing_message(curator, include_unfinished))
    report = ExportReport(files=[out])

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(FACT_COLUMNS)
            for item in annotated_docs(store, curator, ids):
                report.documents += 1
                for s in item.spans:
                    if s.layer != "figures":
                        continue
                    report.figures += 1
                    a = s.attrs
                    w.writerow(
                        safe_row(
                            [
                                item.doc_id,
                                item.source,
                                item.date or "",
                                s.start,
                                s.end,
                                item.text[s.start : s.end],
                                a.get("kind") or s.label,
                                *(_cell(a.get(k)) for k in FACT_COLUMNS[7:17]),
                                s.label,
                            ]
                        )
                    )

    write_atomically(out, write)
    return report


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def export_kb(store: Store, out: Path, *, force: bool = False) -> int:
    """The knowledge base as JSON Lines: one entity a line with its id, key, name, type,
    description, external ids and aliases. Returns how many entities."""
    check_writable([out], force)
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with tmp.open("w", encoding="utf-8") as f:
            for e in store.entities():
                record = {
                    "id": e.id,
                    "key": e.key,
                    "name": e.name,
                    "type": e.type,
                    "description": e.description,
                    "external_ids": e.external_ids,
                    "aliases": list(e.aliases),
                }
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1

    write_atomically(out, write)
    return count
