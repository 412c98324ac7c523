"""What every reader yields: a good record, or a rejection naming the file and line.

Also the byte-level checks all readers share (binary files, undecodable bytes, UTF-16,
lone surrogates), so every format reports them the same way.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import storable_name

TITLE_MAX = 200
SNIFF = 8192

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# A JSON escape that can decode to half of a surrogate pair: the only way a lone
# surrogate gets into a string read from UTF-8 (valid pairs decode to one character).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """NUL bytes that are not a stray one in UTF-8 text: a text file with one NUL in a
    line is read, and that line reported, rather than the whole file refused."""
    nuls = head.count(b"\x00")
    if not nuls:
        return False
    if nuls * 100 > len(head):
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return True
    return False


def is_utf16(head: bytes) -> bool:
    """A UTF-16 file with its byte-order mark (what Windows tools write as "Unicode")."""
    return head.startswith(UTF16_BOMS)


def check_head(name: str, head: bytes, what: str) -> Rejection | None:
    """The file-level refusals every reader makes from a file's first bytes. UTF-16 with
    a byte-order mark is text, not binary: readers decode it."""
    if not head:
        return Rejection(name, 1, "empty file")
    if looks_binary(head) and not is_utf16(head):
        return Rejection(name, 1, f"binary file, not {what}")
    return None


def decode_text(name: str, data: bytes, what: str = "text") -> str | Rejection:
    """A whole file's bytes as text: UTF-16 with a byte-order mark, else UTF-8 (a UTF-8
    byte-order mark is dropped). Binary data and undecodable bytes are refused with the
    line they are on."""
    if is_utf16(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return Rejection(name, 1, "not valid UTF-16 despite its byte-order mark")
    if looks_binary(data[:SNIFF]):
        return Rejection(name, 1, f"binary file, not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return decode_error(name, data, exc)


def may_hold_surrogates(raw: bytes | str) -> bool:
    """Whether JSON source could decode to a lone surrogate (cheap pre-check)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    return _SURROGATE_ESCAPE.search(raw) is not None


def lone_surrogate(value: Any, where: str = "") -> str | None:
    """Where in a decoded JSON value a lone surrogate (half of a UTF-16 pair, e.g. from
    the escape \\ud800) sits, as a path like "meta.title" or "spans[2].label"; None when
    there is none. SQLite and UTF-8 files cannot hold such a string."""
    if isinstance(value, str):
        m = _SURROGATE.search(value)
        return None if m is None else f"{where or 'value'} (\\u{ord(m.group()):04x} at {m.start()})"
    if isinstance(value, dict):
        for k, v in value.items():
            found = lone_surrogate(k, where) if isinstance(k, str) else None
            found = found or lone_surrogate(v, f"{where}.{k}" if where else str(k))
            if found:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = lone_surrogate(v, f"{where}[{i}]")
            if found:
                return found
    return None


def surrogate_rejection(name: str, line: int, path: str) -> Rejection:
    return Rejection(
        name,
        line,
        f"{path} holds a lone surrogate, which is not valid Unicode; record left out "
        "(fix the \\u escape in the file)",
    )


def file_name(path: Path) -> str:
    """A file's name as records and messages carry it: a name that is not valid UTF-8
    shows its bytes escaped ("caf\\xe9.txt"), so it can be stored and printed."""
    return storable_name(path.name)
