"""Readers for plain article files: .txt (one article), .jsonl and .csv (one per record).

Readers are generators of `Record` (a good article) and `Rejection` (a record that
cannot be used, with the file and line that say where). They never raise on bad
input, and stream: a JSONL file of any size is read one line at a time.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats.jsonlines import read_objects, text_of
from annotator.formats.records import (
    SNIFF,
    Item,
    Record,
    Rejection,
    check_head,
    decode_text,
    file_name,
    first_line_title,
    is_utf16,
)

__all__ = ["Item", "Record", "Rejection", "first_line_title", "read_csv", "read_jsonl", "read_txt"]


# The seeds' layout: " date 2023-06-01 " before the first line.
_DATE_HEADER = re.compile(r" date (\d{4}-\d{2}-\d{2}) ")

# Top-level JSONL keys that are not metadata: the text itself and other tools'
# annotations (read by their own readers).
_NOT_META = frozenset(
    {
        "text",
        "data",
        "meta",
        "label",
        "labels",
        "entities",
        "relations",
        "spans",
        "tokens",
        "answer",
        "id",
        "Comments",
        "comments",
    }
)


def read_txt(path: Path) -> Iterator[Item]:
    """One article per file. A leading ` date YYYY-MM-DD ` header goes into `date` (and
    `meta["header"]`) and is not part of the stored text; the first line is the title.
    Everything else is stored verbatim, so offsets count from the end of the header."""
    name = file_name(path)
    text = decode_text(name, path.read_bytes())
    if isinstance(text, Rejection):
        yield text
        return
    if not text:
        yield Rejection(name, 1, "empty file")
        return
    meta: dict[str, Any] = {}
    date = None
    header = _DATE_HEADER.match(text)
    if header:
        date = header.group(1)
        meta["header"] = header.group(0)
        text = text[header.end() :]
    if not text.strip():
        yield Rejection(
            name, 1, "empty text (nothing after the date header)" if header else "empty file"
        )
        return
    yield Record(text=text, title=first_line_title(text), date=date, source=name, meta=meta)


def read_jsonl(path: Path) -> Iterator[Item]:
    """One article per line: {"text": ..., "meta": {...}} or doccano's {"data": ...}.

    Lines are split on "\\n" only: U+0085 and U+2028 occur inside real texts.
    """
    for item in read_objects(path):
        if isinstance(item, Rejection):
            yield item
            continue
        number, obj = item
        text = text_of(obj, file_name(path), number)
        if isinstance(text, Rejection):
            yield text
            continue
        meta = obj.get("meta") or {}
        if not isinstance(meta, dict):
            yield Rejection(file_name(path), number, "field 'meta' is not an object")
            continue
        meta = {
            **{k: v for k, v in obj.items() if k not in _NOT_META and not k.startswith("_")},
            **meta,
        }
        extra = {k: v for k, v in obj.items() if k in _NOT_META or k.startswith("_")}
        title = meta.get("title")
        date = meta.get("date")
        yield Record(
            text=text,
            title=str(title) if title else first_line_title(text),
            date=str(date) if date else None,
            source=f"{file_name(path)}:{number}",
            meta=meta,
            extra=extra,
        )


def read_csv(path: Path, text_column: str = "text") -> Iterator[Item]:
    """One article per row; `text_column` holds the text, other columns become
    metadata (`title` and `date` columns also fill those fields)."""
    name = file_name(path)
    with path.open("rb") as fb:
        head = fb.read(SNIFF)
    refused = check_head(name, head, "CSV")
    if refused:
        yield refused
        return
    csv.field_size_limit(sys.maxsize)
    # UTF-8 undecodable bytes become surrogates and are reported per row; UTF-16 (with
    # its byte-order mark) is decoded strictly, and a bad pair stops the file there.
    encoding, errors = ("utf-16", "strict") if is_utf16(head) else ("utf-8-sig", "surrogateescape")
    with path.open(encoding=encoding, errors=errors, newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except (csv.Error, UnicodeDecodeError) as exc:
            yield Rejection(name, 1, f"malformed CSV header ({exc})")
            return
        if text_column not in header:
            yield Rejection(
                name,
                1,
                f"no column {text_column!r} (columns: {', '.join(header)}); "
                "choose one with --text-column",
            )
            return
        col = header.index(text_column)
        line = reader.line_num
        while True:
            first = line + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield Rejection(name, first, f"malformed CSV ({exc})")
                break
            except UnicodeDecodeError:
                yield Rejection(name, first, "not valid UTF-16; the rest of the file is not read")
                break
            line = reader.line_num
            if not row:
                continue
            if any(_has_surrogates(v) for v in row):
                yield Rejection(name, first, "not valid UTF-8; save the file as UTF-8")
                continue
            if len(row) != len(header):
                yield Rejection(
                    name, first, f"{len(row)} fields where the header has {len(header)}"
                )
                continue
            text = row[col]
            if not text.strip():
                yield Rejection(name, first, "empty text")
                continue
            meta = {k: v for k, v in zip(header, row, strict=True) if k != text_column and v}
            yield Record(
                text=text,
                title=meta.get("title") or first_line_title(text),
                date=meta.get("date") or None,
                source=f"{name}:{first}",
                meta=meta,
            )


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)
