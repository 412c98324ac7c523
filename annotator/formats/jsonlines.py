"""Reading JSON Lines records of other tools: one object per line, bad lines reported
with their number, good ones kept. Lines are split on "\\n" only. UTF-8 (with or without
a byte-order mark) and UTF-16 with a byte-order mark are read."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.formats.records import (
    SNIFF,
    Rejection,
    check_head,
    decode_error,
    file_name,
    is_utf16,
    lone_surrogate,
    may_hold_surrogates,
    surrogate_rejection,
)


def read_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]] | Rejection]:
    """(line number, object) for each good line, a Rejection for each bad one. Streams:
    one line in memory at a time."""
    name = file_name(path)
    with path.open("rb") as f:
        head = f.read(SNIFF)
        refused = check_head(name, head, "JSON Lines")
        if refused:
            yield refused
            return
        f.seek(0)
        if is_utf16(head):
            yield from _utf16_objects(path)
            return
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield decode_error(name, raw, exc, number)
                continue
            yield _parse(name, number, text, may_hold_surrogates(raw))


def _utf16_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]] | Rejection]:
    number = 0
    with path.open(encoding="utf-16", newline="\n") as f:
        lines = iter(f)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except UnicodeDecodeError:
                yield Rejection(
                    file_name(path),
                    number + 1,
                    "not valid UTF-16; the rest of the file is not read",
                )
                return
            number += 1
            if line.strip():
                yield _parse(file_name(path), number, line, may_hold_surrogates(line))


def loads(text: str | bytes) -> Any:
    """JSON with orjson's speed and the standard library's leniency and messages: what
    orjson refuses (NaN, huge integers, lone surrogates, errors to explain) goes through
    `json.loads`, which says where the error is."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _parse(
    name: str, number: int, text: str, check_surrogates: bool
) -> tuple[int, dict[str, Any]] | Rejection:
    try:
        obj = loads(text)
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" at")
        return Rejection(name, number, f"malformed JSON: {reason} (column {exc.colno})")
    except RecursionError:
        return Rejection(name, number, "malformed JSON: nested too deeply")
    if not isinstance(obj, dict):
        return Rejection(name, number, f"expected a JSON object, found {type(obj).__name__}")
    if check_surrogates:
        where = lone_surrogate(obj)
        if where:
            return surrogate_rejection(name, number, where)
    return number, obj


def text_of(obj: dict[str, Any], name: str, number: int) -> str | Rejection:
    key = "text" if "text" in obj else "data" if "data" in obj else None
    if key is None:
        return Rejection(name, number, "missing field 'text' (or doccano's 'data')")
    text = obj[key]
    if not isinstance(text, str):
        return Rejection(name, number, f"field '{key}' is {type(text).__name__}, not a string")
    if not text.strip():
        return Rejection(name, number, "empty text")
    return text


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (non-ASCII characters as they are)."""
    return orjson.dumps(value)


def write_lines(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with path.open("wb") as f:
        for record in records:
            f.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
