"""Knowledge-base files: JSON Lines, CSV, and Wikidata JSON dump lines, read one record
at a time (a file of a million entities is never held in memory). Each yields an
`EntityRecord` per good row and a `Rejection` (FILE:LINE: reason) per bad one; a field or
column the format does not know is reported once and left out, and the row is kept.

JSON Lines, one entity a line (what `kb export` writes):
    {"key": "iso3166:KZ", "name": "Kazakhstan", "type": "GPE", "description": "...",
     "external_ids": {"iso3166": "KZ"}, "aliases": ["Republic of Kazakhstan"],
     "demonyms": ["Kazakh"]}
Only "name" is required; "id" (a row id of the project it came from) is ignored.

CSV: a header with the columns key, name, type, description, aliases, demonyms and
external_ids (also id, ignored). Lists are separated by "|" ("Tokayev|President Tokayev");
external ids are SCHEME:ID ("wikidata:Q42|iso3166:KZ"). A literal "|" or "\\" in a value
is written "\\|" or "\\\\".

Wikidata: the lines of a JSON dump (`latest-all.json`, also .gz or .bz2), one entity a
line, with the dump's surrounding "[" and "]" and the commas ending lines. Labels,
aliases and the description in `language` are kept; the QID becomes the external id
wikidata:QID (and so the key). Items without a label in that language are skipped and
counted, not reported.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotator.core.kb.entities import entity_key, external_id_problem, type_problem
from annotator.formats.csvsafe import FORMULA_START
from annotator.formats.records import (
    SNIFF,
    Rejection,
    check_head,
    decode_error,
    file_name,
    lone_surrogate,
    surrogate_rejection,
)

FORMATS = ("jsonl", "csv", "wikidata")
FIELDS = ("key", "name", "type", "description", "external_ids", "aliases", "demonyms")
IGNORED = ("id",)
_NAME_MAX = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


@dataclass
class EntityRecord:
    line: int
    name: str
    type: str = ""
    description: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    key: str | None = None

    @property
    def stable_key(self) -> str | None:
        """The key given, else the one its external ids make (None: neither)."""
        return self.key or entity_key(self.external_ids)


class LeftOut(Rejection):
    """A field or column the format does not know: reported and left out; the row is
    kept."""


@dataclass
class WikidataStats:
    skipped: int = 0  # items without a label in the language, properties, lexemes


def detect_format(path: Path) -> str:
    name = file_name(path).lower()
    for suffix in (".gz", ".bz2"):
        name = name.removesuffix(suffix)
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json"):
        return "wikidata"
    return "jsonl"


def read_records(
    path: Path,
    fmt: str | None = None,
    *,
    language: str = "en",
    type: str = "",
    stats: WikidataStats | None = None,
) -> Iterator[EntityRecord | Rejection]:
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "csv":
        return read_csv(path)
    if fmt == "wikidata":
        return read_wikidata(path, language=language, type=type, stats=stats)
    raise ValueError(f"unknown knowledge-base format {fmt!r}; expected one of {FORMATS}")


def _open_binary(path: Path) -> IO[bytes]:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")
    if suffix == ".bz2":
        return bz2.open(path, "rb")
    return path.open("rb")


def _head_problem(path: Path, what: str) -> Rejection | None:
    try:
        with _open_binary(path) as f:
            head = f.read(SNIFF)
    except FileNotFoundError:
        return Rejection(file_name(path), 0, "no such file")
    except IsADirectoryError:
        return Rejection(file_name(path), 0, "is a folder, not a file")
    except (OSError, EOFError) as exc:  # a broken .gz or .bz2
        return Rejection(file_name(path), 1, f"cannot read the file ({exc})")
    return check_head(file_name(path), head, what)


def _lines(path: Path, what: str) -> Iterator[tuple[int, str] | Rejection]:
    """(line number, decoded line) for each non-blank line; a Rejection for lines that
    are not UTF-8 and for a file that cannot be read."""
    refused = _head_problem(path, what)
    if refused:
        yield refused
        return
    number = 0
    with _open_binary(path) as f:
        try:
            for number, raw in enumerate(f, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield decode_error(file_name(path), raw, exc, number)
        except (OSError, EOFError) as exc:  # a truncated .gz or .bz2
            yield Rejection(file_name(path), number, f"cannot read on ({exc})")


# -- one record's fields ---------------------------------------------------------------


def build_record(name: str, line: int, fields: dict[str, Any]) -> EntityRecord | Rejection:
    """A record from a row's fields (already split into Python values), or why not."""

    def bad(reason: str) -> Rejection:
        return Rejection(name, line, reason)

    # A \ud800 escape in JSON decodes to half a UTF-16 pair, which SQLite cannot store.
    where = lone_surrogate({k: v for k, v in fields.items() if k in FIELDS})
    if where:
        return surrogate_rejection(name, line, where)
    entity_name = fields.get("name")
    if not isinstance(entity_name, str) or not entity_name.strip():
        return bad("missing name" if not entity_name else "the name must be a non-empty string")
    if entity_name != entity_name.strip() or len(entity_name) > _NAME_MAX:
        return bad(f"name {entity_name[:60]!r} has white space at an edge or is too long")
    if _CONTROL.search(entity_name):
        return bad(f"name {entity_name[:60]!r} holds a line break or control character")
    type_ = fields.get("type") or ""
    if not isinstance(type_, str):
        return bad("type must be a string")
    problem = type_problem(type_)
    if problem:
        return bad(problem)
    description = fields.get("description") or ""
    if not isinstance(description, str):
        return bad("description must be a string")
    lists: dict[str, list[str]] = {}
    for list_field in ("aliases", "demonyms"):
        value = fields.get(list_field) or []
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            return bad(f"{list_field} must be a list of strings")
        cleaned = []
        for alias in value:
            if _CONTROL.search(alias):
                return bad(f"alias {alias[:60]!r} holds a line break or control character")
            if alias.strip():
                cleaned.append(alias.strip())
        lists[list_field] = cleaned
    ids = fields.get("external_ids") or {}
    if not isinstance(ids, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in ids.items()
    ):
        return bad('external_ids must be an object of strings, e.g. {"wikidata": "Q42"}')
    for scheme, value in ids.items():
        problem = external_id_problem(scheme, value)
        if problem:
            return bad(problem)
    key = fields.get("key")
    if key is not None and (
        not isinstance(key, str) or not key.strip() or _SPACE_OR_CONTROL.search(key) or key == "NIL"
    ):
        return bad(f"key {key!r} must be a string without white space (and not NIL)")
    return EntityRecord(
        line=line,
        name=entity_name,
        type=type_,
        description=description.strip(),
        external_ids=dict(ids),
        aliases=lists["aliases"],
        demonyms=lists["demonyms"],
        key=key or None,
    )


def _unknown(name: str, line: int, keys: list[str], what: str) -> LeftOut:
    listed = ", ".join(repr(k) for k in keys)
    return LeftOut(name, line, f"unknown {what} {listed} left out (known: {', '.join(FIELDS)})")


# -- JSON Lines ----------------------------------------------------------------------------


def read_jsonl(path: Path) -> Iterator[EntityRecord | Rejection]:
    name = file_name(path)
    for item in _lines(path, "JSON Lines"):
        if isinstance(item, Rejection):
            yield item
            continue
        number, text = item
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = exc.msg.removesuffix(" at")
            yield Rejection(name, number, f"malformed JSON: {reason} (column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield Rejection(name, number, f"expected a JSON object, found {type(obj).__name__}")
            continue
        unknown = [k for k in obj if k not in FIELDS and k not in IGNORED]
        if unknown:
            yield _unknown(name, number, unknown, "field" if len(unknown) == 1 else "fields")
        yield build_record(name, number, obj)


# -- CSV -------------------------------------------------------------------------------------


def split_list(cell: str) -> list[str]:
    """'a|b\\|c' -> ['a', 'b|c']: "|" separates, a backslash escapes."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for c in chars:
        if c == "\\":
            current.append(next(chars, "\\"))
        elif c == "|":
            items.append("".join(current))
            current = []
        else:
            current.append(c)
    items.append("".join(current))
    return [i.strip() for i in items if i.strip()]


def join_list(values: list[str] | tuple[str, ...]) -> str:
    return "|".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def _unguard(cell: str) -> str:
    """Undo csvsafe's guard: exports write "'=x" for a cell starting "=x"."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


def read_csv(path: Path) -> Iterator[EntityRecord | Rejection]:
    name = file_name(path)
    refused = _head_problem(path, "CSV")
    if refused:
        yield refused
        return
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader)]
        except csv.Error as exc:
            yield Rejection(name, 1, f"malformed CSV header ({exc})")
            return
        except StopIteration:
            yield Rejection(name, 1, "empty file")
            return
        if "name" not in header:
            yield Rejection(name, 1, f"no column 'name' (columns: {', '.join(header)})")
            return
        unknown = [h for h in header if h not in FIELDS and h not in IGNORED]
        if unknown:
            yield _unknown(name, 1, unknown, "column" if len(unknown) == 1 else "columns")
        repeated = sorted({h for h in header if header.count(h) > 1})
        if repeated:
            yield Rejection(name, 1, f"column {repeated[0]!r} appears twice")
            return
        line = reader.line_num
        while True:
            first = line + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Rejection(name, first, f"malformed CSV ({exc})")
                return
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if any("\udc80" <= c <= "\udcff" for cell in row for c in cell):
                yield Rejection(name, first, "not valid UTF-8; save the file as UTF-8")
                continue
            if len(row) != len(header):
                yield Rejection(
                    name, first, f"{len(row)} fields where the header has {len(header)}"
                )
                continue
            cells = {h: _unguard(v) for h, v in zip(header, row, strict=True)}
            fields: dict[str, Any] = {
                k: cells.get(k, "").strip() for k in ("key", "name", "type", "description")
            }
            fields["key"] = fields["key"] or None
            fields["aliases"] = split_list(cells.get("aliases", ""))
            fields["demonyms"] = split_list(cells.get("demonyms", ""))
            ids: dict[str, str] = {}
            problem = None
            for item in split_list(cells.get("external_ids", "")):
                scheme, sep, value = item.partition(":")
                if not sep:
                    problem = f"external id {item!r} is not SCHEME:ID (e.g. wikidata:Q42)"
                    break
                if ids.get(scheme, value) != value:
                    problem = f"two {scheme} ids ({ids[scheme]} and {value})"
                    break
                ids[scheme.strip()] = value.strip()
            if problem:
                yield Rejection(name, first, problem)
                continue
            fields["external_ids"] = ids
            yield build_record(name, first, fields)


# -- Wikidata ------------------------------------------------------------------------------


def read_wikidata(
    path: Path, *, language: str = "en", type: str = "", stats: WikidataStats | None = None
) -> Iterator[EntityRecord | Rejection]:
    """Entities of a Wikidata JSON dump, one line at a time."""
    name = file_name(path)
    stats = stats if stats is not None else WikidataStats()
    for item in _lines(path, "a Wikidata JSON dump"):
        if isinstance(item, Rejection):
            yield item
            continue
        number, text = item
        text = text.strip()
        if text in ("[", "]"):
            continue
        text = text.removesuffix(",")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = exc.msg.removesuffix(" at")
            yield Rejection(name, number, f"malformed JSON: {reason} (column {exc.colno})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            yield Rejection(name, number, "not a Wikidata entity (no 'id')")
            continue
        qid = obj["id"]
        if not qid.startswith("Q"):  # properties (P...) and lexemes (L...) are not entities
            stats.skipped += 1
            continue
        label = _lang_value(obj.get("labels"), language)
        if not label:
            stats.skipped += 1
            continue
        aliases_obj = obj.get("aliases")
        aliases = []
        if isinstance(aliases_obj, dict):
            for alias in aliases_obj.get(language) or []:
                if isinstance(alias, dict) and isinstance(alias.get("value"), str):
                    aliases.append(alias["value"])
        fields = {
            "name": label.strip(),
            "type": type,
            "description": _lang_value(obj.get("descriptions"), language) or "",
            "external_ids": {"wikidata": qid},
            "aliases": aliases,
        }
        yield build_record(name, number, fields)


def _lang_value(values: Any, language: str) -> str | None:
    if not isinstance(values, dict):
        return None
    entry = values.get(language)
    if isinstance(entry, dict) and isinstance(entry.get("value"), str):
        return str(entry["value"])
    return None
