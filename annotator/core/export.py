"""Exporting a curator's (or the adjudicated gold) annotations out of the project.

Which documents: those the curator marked done (`--gold`: those the reviewer marked done
under the reserved name `@gold`); with `include_unfinished`, also those in progress and
any other document the curator annotated. Skipped documents are never exported.

Exports stream: documents and their annotations are read in batches of `BATCH` and
written as they go, so memory stays flat however large the project. Files are written
to a temporary name beside the target and renamed into place (folders, for brat and
sharded DocBins, are written fresh and renamed at the end), so an interrupted export
leaves no half-written output; existing outputs are only replaced when asked (`force`),
and the project file itself (or its -wal/-shm) is never an output.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import random
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD, SpanDraft
from annotator.core.schema import APPLICATION_ID
from annotator.core.store import Store
from annotator.formats.csvsafe import safe_row
from annotator.formats.spans import AnnotatedText

BATCH = 500
# Documents per DocBin shard. A DocBin holds its documents' token arrays in memory until
# it is written (about 25 kB for a 400-word article), so an export of more documents
# than this writes a folder of shards instead of one file.
SHARD_DOCS = 2000

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
    shards: dict[str, int] = field(default_factory=dict)  # part -> DocBins in its folder
    layout: str = ""  # doccano's span layout

    def summary(self) -> str:
        parts = [
            f"exported {self.documents} documents ({self.entities} entities, "
            f"{self.figures} figures) to {', '.join(str(f) for f in self.files)}"
        ]
        if self.shards:
            parts.append(
                ", ".join(
                    f"{'' if k == 'all' else k + ': '}a folder of {n} DocBin shard{'s' * (n != 1)}"
                    for k, n in self.shards.items()
                )
            )
        if self.layout:
            parts.append(f"doccano {self.layout} layout")
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
        loads = json.loads
        for doc_id, layer, start, end, label, kb_id, attrs in rows:
            # positional: SpanDraft(start, end, label, layer, kb_id, attrs), the fast call
            spans[doc_id].append(
                SpanDraft(start, end, label, layer, kb_id, loads(attrs) if attrs != "{}" else {})
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


_SQLITE_HEADER = b"SQLite format 3\x00"
_COMPANIONS = ("-wal", "-shm", "-journal")


def check_writable(paths: Sequence[Path], force: bool, *, project: Path | None = None) -> None:
    """Refuse outputs that exist (unless `force`), whose folder is missing, or that are
    a project file or its -wal/-shm: `project` (the open one) or any annotator project."""
    for p in paths:
        if _is_project(p, project):
            raise ExportError(
                f"{p}: is an annotator project file (or its -wal/-shm); an export never "
                "replaces a project: choose another output name"
            )
        if (p.exists() or p.is_symlink()) and not force:
            raise ExportError(f"{p}: already exists; use --force to overwrite it")
        if not p.parent.is_dir():
            raise ExportError(f"{p.parent}: no such folder")


def _is_project(path: Path, project: Path | None) -> bool:
    targets = [path, *(path.with_name(path.name[: -len(c)]) for c in _COMPANIONS
                       if path.name.endswith(c))]  # fmt: skip
    if project is not None:
        real = project.resolve()
        own = {real, *(real.with_name(real.name + c) for c in _COMPANIONS)}
        if path.resolve() in own:
            return True
    for t in targets:
        if not t.is_file():
            continue
        with t.open("rb") as f:
            head = f.read(100)
        if head[:16] == _SQLITE_HEADER and int.from_bytes(head[68:72], "big") == APPLICATION_ID:
            return True
        if not head and t.with_name(t.name + "-wal").is_file():
            return True  # a project whose first pages are still in its write-ahead log
    return False


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


def write_folder_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write a folder's files into a fresh hidden folder beside `path`, then put it in
    place of `path` (a file or folder there is removed only once the new one is
    complete)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmpdir")
    old = path.with_name(f".{path.name}.{os.getpid()}.old")
    for leftover in (tmp, old):
        _remove(leftover)
    tmp.mkdir()
    try:
        write(tmp)
        if path.exists() or path.is_symlink():
            os.replace(path, old)
        os.replace(tmp, path)
    finally:
        _remove(tmp)
        _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


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
    shard_docs: int = SHARD_DOCS,
    shards: bool = False,
    figures_as_ents: bool = True,
    on_progress: ProgressFn | None = None,
) -> ExportReport:
    """Write the curator's finished documents as spaCy DocBin file(s), streamed. A part
    (all, train or dev) of more than `shard_docs` documents, or any part when `shards`,
    becomes a folder of DocBins of `shard_docs` documents each (`spacy train` reads a
    folder of .spacy files); otherwise one file. Figures go into doc.ents too unless
    `figures_as_ents` is False."""
    from annotator.formats.spacy_docbin import (
        annotated_to_doc,
        docbin_to_disk,
        make_tokenizer,
        msgpack_encoders_read_once,
        new_docbin,
    )

    if shard_docs < 1:
        raise ExportError(f"--shard-size must be at least 1, not {shard_docs}")
    ids = finished_doc_ids(store, curator, include_unfinished)
    paths = output_paths(out, dev_fraction)
    check_writable(list(paths.values()), force, project=store.path)
    if not ids:
        raise ExportError(nothing_message(store, curator, include_unfinished))
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

    def docs_of(part_ids: Sequence[int]) -> Iterator[Any]:
        nonlocal done
        items = annotated_docs(store, curator, part_ids)
        while batch := list(islice(items, 256)):
            for item, tokens in zip(batch, tokenize([i.text for i in batch]), strict=True):
                doc, problems = annotated_to_doc(tokens, item, figures_as_ents=figures_as_ents)
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
                yield doc

    def write_docbin(path: Path, docs: Iterable[Any]) -> None:
        """Add docs to a DocBin one at a time (a Doc is far larger than its row in the
        DocBin, so none is kept) and write it."""
        db = new_docbin()
        for doc in docs:
            db.add(doc)
        docbin_to_disk(db, path)

    def write_shards(folder: Path, docs: Iterator[Any], n_shards: int) -> None:
        width = max(3, len(str(n_shards - 1)))
        for n in range(n_shards):
            write_docbin(folder / f"{n:0{width}d}.spacy", islice(docs, shard_docs))

    with msgpack_encoders_read_once():
        for part, part_ids in parts.items():
            path = paths[part]
            docs = docs_of(part_ids)
            if shards or len(part_ids) > shard_docs:
                n_shards = -(-len(part_ids) // shard_docs)
                write = functools.partial(write_shards, docs=docs, n_shards=n_shards)
                write_folder_atomically(path, write)
                report.shards[part] = n_shards
            else:
                write_atomically(path, lambda tmp, docs=docs: write_docbin(tmp, docs))
            report.files.append(path)
            if part != "all":
                report.split[part] = len(part_ids)
    if on_progress:
        on_progress(done, len(ids))
    return report


def nothing_message(store: Store, curator: str, include_unfinished: bool) -> str:
    """Why there is nothing to export, and whose finished work there is instead."""
    if include_unfinished:
        message = f"nothing to export: {curator} has annotated no documents"
    else:
        message = (
            f"nothing to export: {curator} has marked no documents done "
            "(use --include-unfinished to export work in progress)"
        )
    finished = [
        (name, n)
        for name, n in store.conn.execute(
            "SELECT annotator, count(*) FROM status WHERE status = 'done' "
            "GROUP BY annotator ORDER BY annotator"
        )
        if name != curator
    ]
    if not finished:
        return message + "; no curator has marked any document done yet"
    names = ", ".join(f"{'--gold' if n == GOLD else n} ({k} done)" for n, k in finished)
    return message + f". Finished work is there from: {names}; choose with --annotator NAME"


# -- other tools' formats ------------------------------------------------------------------

FORMATS = ("jsonl", "prodigy", "doccano", "labelstudio", "brat", "conll")
DOCCANO_LAYOUTS = ("auto", "labels", "relations")


def export_format(
    store: Store,
    fmt: str,
    out: Path,
    curator: str,
    *,
    include_unfinished: bool = False,
    force: bool = False,
    lang: str = "en",
    email: str | None = None,
    layout: str = "auto",
    on_progress: ProgressFn | None = None,
) -> ExportReport:
    """Write the curator's finished documents in another tool's format, streamed.

    `lang`: the language of the blank spaCy pipeline that tokenises (Prodigy, CoNLL);
    `email`: the Label Studio user the annotations are `completed_by`; `layout`:
    doccano's span layout ("auto": "relations" when an exported span has relations,
    else "labels")."""
    from annotator.formats import brat, conll, doccano, labelstudio, prodigy

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if layout not in DOCCANO_LAYOUTS:
        raise ExportError(f"unknown layout {layout!r}; expected {', '.join(DOCCANO_LAYOUTS)}")
    ids = finished_doc_ids(store, curator, include_unfinished)
    if fmt == "brat":
        check_writable(
            [out], force or (out.is_dir() and not any(out.iterdir())), project=store.path
        )
    else:
        check_writable([out], force, project=store.path)
    if not ids:
        raise ExportError(nothing_message(store, curator, include_unfinished))
    report = ExportReport()
    if fmt == "doccano" and layout == "auto":
        layout = "relations" if _has_relations(store, curator, ids) else "labels"
    writers: dict[str, Callable[[Iterable[AnnotatedText], Path], list[str]]] = {
        "jsonl": lambda items, path: prodigy.write_prodigy(items, path, lang),
        "prodigy": lambda items, path: prodigy.write_prodigy(items, path, lang),
        "doccano": lambda items, path: doccano.write_doccano(items, path, layout),
        "labelstudio": lambda items, path: labelstudio.write_labelstudio(items, path, email),
        "conll": lambda items, path: conll.write_conll(items, path, lang),
        "brat": brat.write_brat,
    }
    items = _counted(annotated_docs(store, curator, ids), report, len(ids), on_progress)
    messages: list[str] = []

    def write(tmp: Path) -> None:
        messages.extend(writers[fmt](items, tmp))

    if fmt == "brat":
        write_folder_atomically(out, write)
    else:
        write_atomically(out, write)
    if fmt == "doccano":
        report.layout = layout
        if layout == "labels" and _has_relations(store, curator, ids):
            messages.append(
                "relations are not written in doccano's labels layout; use --layout relations"
            )
    report.files.append(out)
    report.problems += [(0, m) for m in messages]
    return report


def _counted(
    items: Iterable[AnnotatedText], report: ExportReport, total: int, on_progress: ProgressFn | None
) -> Iterator[AnnotatedText]:
    for item in items:
        report.documents += 1
        for s in item.spans:
            if s.layer == "ents":
                report.entities += 1
            else:
                report.figures += 1
        if on_progress and report.documents % 1000 == 0:
            on_progress(report.documents, total)
        yield item
    if on_progress:
        on_progress(report.documents, total)


def _has_relations(store: Store, curator: str, ids: Sequence[int]) -> bool:
    wanted = set(ids)
    rows = store.conn.execute(
        "SELECT doc_id FROM annotations WHERE annotator = ? AND attrs LIKE '%\"relations\"%'",
        (curator,),
    )
    return any(doc_id in wanted for (doc_id,) in rows)


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
    check_writable([out], force, project=store.path)
    ids = finished_doc_ids(store, curator, include_unfinished)
    if not ids:
        raise ExportError(nothing_message(store, curator, include_unfinished))
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
