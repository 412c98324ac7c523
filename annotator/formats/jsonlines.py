"""Reading JSON Lines records of other tools: one object per line, bad lines reported
with their number, good ones kept. Lines are split on "\\n" only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats.records import SNIFF, Rejection, check_head, decode_error


def read_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]] | Rejection]:
    """(line number, object) for each good line, a Rejection for each bad one. Streams:
    one line in memory at a time."""
    name = path.name
    with path.open("rb") as f:
        refused = check_head(name, f.read(SNIFF), "JSON Lines")
        if refused:
            yield refused
            return
        f.seek(0)
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield decode_error(name, raw, exc, number)
                continue
            except json.JSONDecodeError as exc:
                reason = exc.msg.removesuffix(" at")
                yield Rejection(name, number, f"malformed JSON: {reason} (column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                yield Rejection(name, number, f"expected a JSON object, found {type(obj).__name__}")
                continue
            yield number, obj


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


def write_lines(path: Path, records: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
