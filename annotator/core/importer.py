"""Importing article files into a project: picks a reader per file, skips texts already
in the project, keeps every good record and reports every bad one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from annotator.core.pieces import SPACY_MAX_LENGTH as LONG_TEXT
from annotator.core.store import NewDocument, Store
from annotator.formats.plain import Item, Record, Rejection, read_csv, read_jsonl, read_txt
from annotator.formats.records import file_name

BATCH = 2000
EXTENSIONS = (".txt", ".jsonl", ".csv")


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    # (source, characters) of texts over spaCy's default max_length: suggest cuts them
    long_texts: list[tuple[str, int]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"imported {self.imported}, duplicates {self.duplicates}, rejected {len(self.rejected)}"
        )


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """Files named, and files of a known type inside folders named (recursively, in name
    order, hidden files left out). Broken symbolic links are reported, not skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in EXTENSIONS and is_broken_link(child):
                    yield missing(child)
                elif child.is_file() and child.suffix.lower() in EXTENSIONS:
                    yield child
        elif not path.exists():
            yield missing(path)
        elif path.suffix.lower() not in EXTENSIONS:
            yield Rejection(
                file_name(path),
                0,
                f"unsupported file type {path.suffix or '(none)'!r}; "
                f"expected {', '.join(EXTENSIONS)}",
            )
        else:
            yield path


def is_broken_link(path: Path) -> bool:
    return path.is_symlink() and not path.exists()


def missing(path: Path) -> Rejection:
    """The report for a path that names nothing: a broken link says where it points."""
    if path.is_symlink():
        return Rejection(str(path), 0, f"broken symbolic link (to {path.readlink()}); not read")
    return Rejection(str(path), 0, "no such file or folder")


def read_items(path: Path, text_column: str = "text") -> Iterator[Item]:
    readers: dict[str, Callable[[Path], Iterator[Item]]] = {
        ".txt": read_txt,
        ".jsonl": read_jsonl,
        ".csv": partial(read_csv, text_column=text_column),
    }
    try:
        yield from readers[path.suffix.lower()](path)
    except OSError as exc:
        yield Rejection(file_name(path), 0, f"cannot read: {exc.strerror or exc}")


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    text_column: str = "text",
    batch_size: int = BATCH,
    on_progress: Callable[[ImportReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files and folders. Each batch is one transaction, so an interruption
    keeps whole batches only and a re-run picks up where it stopped (duplicates are
    skipped)."""
    report = ImportReport()
    batch: list[Record] = []

    def flush() -> None:
        if not batch:
            return
        new = store.add_documents(
            [NewDocument(r.text, r.title, r.date, r.source, r.meta) for r in batch]
        )
        report.imported += len(new)
        report.duplicates += len(batch) - len(new)
        report.new_ids.extend(new)
        report.long_texts += [(r.source, len(r.text)) for r in batch if len(r.text) > LONG_TEXT]
        batch.clear()
        if on_progress:
            on_progress(report)

    for entry in iter_files(paths):
        if isinstance(entry, Rejection):
            report.rejected.append(entry)
            continue
        for item in read_items(entry, text_column):
            if isinstance(item, Rejection):
                report.rejected.append(item)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
                if should_stop and should_stop():
                    return report
    flush()
    return report


def split_by_format(
    paths: Iterable[str | Path], fmt: str = "auto"
) -> tuple[list[str | Path], list[tuple[Path, str]]]:
    """Which paths are article files (for `import_paths`) and which are other tools'
    annotation files, with their format. `fmt` "auto" decides by name and content
    (see `interchange.detect_format`); "articles" reads everything as articles; a
    format name reads every file named, and every file in folders named, as that format.
    """
    from annotator.core.interchange import detect_format

    if fmt == "articles":
        return list(paths), []
    articles: list[str | Path] = []
    annotated: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            visible = [
                p
                for p in sorted(path.rglob("*"))
                if not any(x.startswith(".") for x in p.relative_to(path).parts)
            ]
            files = [p for p in visible if p.is_file()]
            anns = [p for p in files if p.suffix.lower() == ".ann"]
            if fmt == "brat" or (fmt == "auto" and anns):
                # broken links go to the article reader, which reports them
                articles += [p for p in visible if is_broken_link(p)]
                annotated += [(p, "brat") for p in anns]
                if fmt == "auto":
                    articles += [
                        p
                        for p in files
                        if p.suffix.lower() in EXTENSIONS
                        and not (p.suffix.lower() == ".txt" and p.with_suffix(".ann").is_file())
                    ]
            elif fmt == "auto":
                articles.append(path)
            else:
                articles += [p for p in visible if is_broken_link(p)]
                annotated += [(p, fmt) for p in files]
            continue
        if fmt == "auto":
            found = detect_format(path) if path.is_file() else None
            if found is None:
                articles.append(raw)
                continue
        else:
            found = fmt
        if found == "brat" and path.suffix.lower() == ".txt":
            path = path.with_suffix(".ann")
        annotated.append((path, found))
    return articles, annotated
