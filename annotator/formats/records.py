"""What every reader yields: a good record, or a rejection naming the file and line.

Also the byte-level checks all readers share (binary files, undecodable bytes), so every
format reports them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TITLE_MAX = 200
SNIFF = 8192


@dataclass(frozen=True)
class Record:
    text: str
    title: str
    date: str | None
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    # Everything else a format carries (annotations of other tools), for their readers.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


Item = Record | Rejection


def first_line_title(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1] + "…"
    return ""


def decode_error(name: str, data: bytes, exc: UnicodeDecodeError, first_line: int = 1) -> Rejection:
    line = first_line + data.count(b"\n", 0, exc.start)
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return Rejection(
        name,
        line,
        f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); "
        "save the file as UTF-8",
    )


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head


def check_head(name: str, head: bytes, what: str) -> Rejection | None:
    """The file-level refusals every reader makes from a file's first bytes."""
    if not head:
        return Rejection(name, 1, "empty file")
    if looks_binary(head):
        return Rejection(name, 1, f"binary file, not {what}")
    return None
