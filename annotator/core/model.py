"""Plain data objects passed between the store, the CLI, the formats and the GUI.

Offsets are Unicode code points into the document text as stored, end-exclusive.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

LAYERS = ("ents", "figures")

# Where a curator's annotation came from.
ORIGINS = ("accepted", "corrected", "manual", "imported", "adjudicated")

# A curator's status for one document.
STATUSES = ("open", "in_progress", "done", "skipped")

# The kb_id of a span whose curator decided that no entity of the knowledge base fits.
NIL = "NIL"

# The reserved curator name under which adjudicated gold annotations are kept,
# apart from every curator's own version.
GOLD = "@gold"


@dataclass(frozen=True)
class Document:
    id: int
    text: str
    title: str
    date: str | None
    source: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    id: int
    doc_id: int
    layer: str
    start: int
    end: int
    label: str
    model: str
    model_version: str
    attrs: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def key(self) -> str:
        return span_key(self.layer, self.start, self.end, self.label)


@dataclass(frozen=True)
class Annotation:
    id: int
    doc_id: int
    annotator: str
    layer: str
    start: int
    end: int
    label: str
    origin: str
    kb_id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    source_key: str | None = None
    created: str = ""
    updated: str = ""


@dataclass(frozen=True)
class Entity:
    id: int
    name: str
    type: str
    description: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    # Stable across projects: what annotations.kb_id holds and exports write.
    key: str = ""
    # Adjectives of a place ("Kazakh" of Kazakhstan): aliases too, suggested as NORP.
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    id: int
    annotation_id: int
    role: str  # "metric" | "period" | "subject"
    target_annotation_id: int | None = None
    entity_id: int | None = None
    value: str | None = None


@dataclass(frozen=True)
class SpanDraft:
    """A span before it is stored: what readers of other tools' formats return."""

    start: int
    end: int
    label: str
    layer: str = "ents"
    kb_id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


def label_problem(label: str) -> str | None:
    """Why `label` cannot be a span's (or an entity type's) label, or None when it can.

    Labels are written into tab- and space-separated formats (brat, CoNLL) and shown in
    the window: a tab, line break or other control character, or white space at an edge,
    would break a line of those files apart or hide in the window.
    """
    if not label:
        return "a span needs a label"
    if label != label.strip():
        return f"label {label!r} has white space at an edge"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in label):
        return f"label {label!r} holds a tab, line break or control character"
    return None


def span_key(layer: str, start: int, end: int, label: str) -> str:
    """A stable key for a suggested span, kept by the decisions taken on it.

    Suggestions are replaced when a model is re-run; keying decisions by span rather
    than by row id means a rejected suggestion stays rejected after a re-run.
    """
    return f"{layer}:{start}:{end}:{label}"


def new_entity_key() -> str:
    """A key for an entity made in this project (by a curator or an import without a
    key of its own): random, so two projects never make the same one."""
    import uuid

    return f"local:{uuid.uuid4().hex[:16]}"


def default_annotator() -> str:
    """The curator name used when none is given: the operating-system user."""
    import getpass

    try:
        return getpass.getuser() or "curator"
    except (KeyError, OSError):
        return "curator"


def storable_name(name: str) -> str:
    """A file name as text SQLite can store. A name that is not valid UTF-8 reaches
    Python with surrogate escapes ("caf\\udce9.txt"); its bytes are shown escaped
    instead ("caf\\xe9.txt"), so the import goes on and the name still tells the file."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape" if _escapes_only(name) else "backslashreplace")
        return raw.decode("utf-8", "backslashreplace")
    return name


def _escapes_only(name: str) -> bool:
    return all(not "\ud800" <= c <= "\udfff" or "\udc80" <= c <= "\udcff" for c in name)
