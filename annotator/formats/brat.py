"""brat standoff (`NAME.txt` + `NAME.ann`, with `annotation.conf`), in and out.

Reading a `.ann` file with the `.txt` beside it (offsets are code points into the text
file as it is, line endings included):
- `T` lines give spans. A discontinuous span (`Person 0 5;10 15`) cannot be one span
  here: it is reported and left out, not split into pieces that would each claim to be
  the entity. Triggers of events (types under `[events]` in `annotation.conf`) are not
  entities: they and the `E` lines are counted in one message per file.
- `N` lines (`N1 Reference T1 Wikipedia:534366 Barack Obama`) set the span's kb id to
  the reference as written (`Wikipedia:534366`).
- `A` lines set the span's attributes (`Mention T4 Name` -> `{"Mention": "Name"}`; a
  binary one -> `true`); `#` AnnotatorNotes become `attrs["note"]` (a JSON object
  written by our exporter becomes the attributes again).
- `R` lines (`Arg1`/`Arg2`) and `*` equivalences (first to each other) become relations.
brat names no curator (use `--annotator`).

Writing into a folder: `NNNNNN.txt` (the document id) and `.ann` per document, T lines
for entities and figures, N lines for kb ids, R lines for relations, the attributes of
a span as a JSON AnnotatorNotes line, and an `annotation.conf` listing the labels. A
document without spans gets an empty `.ann` (brat reads a lone line break as a broken
line). Nothing from the data can break a line apart: the covered text of a span is
written with tabs and line breaks as spaces (as brat itself writes them), notes escape
every line separator, and a type name with white space in it (brat's types are single
words) is written with `_` for each space and listed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import SpanDraft
from annotator.formats.records import Rejection, decode_text, file_name, first_line_title
from annotator.formats.spans import (
    AnnotatedText,
    Item,
    Relation,
    fit_span,
    kb_id_problem,
    relation_label_problem,
    relations_from_attrs,
)

_OFFSETS = re.compile(r"^\d+ \d+(?:;\d+ \d+)*$")
# Everything that ends a line for some reader (str.splitlines, universal newlines), and
# the tab that separates brat's fields.
_BREAKS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FLAT = str.maketrans(dict.fromkeys(_BREAKS, " "))
_ESCAPE = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def flat(text: str) -> str:
    """A span's covered text as a brat line holds it: breaks and tabs as spaces."""
    return text.translate(_FLAT)


def _type_name(label: str) -> str:
    return "_".join(label.split())


def event_types(conf: Path) -> set[str]:
    """The event types under `[events]` in an annotation.conf."""
    types: set[str] = set()
    section = ""
    try:
        lines = conf.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return types
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "events":
            name = line.split()[0].lstrip("!-")
            types.add(name)
    return types


def _find_conf(folder: Path) -> Path | None:
    for d in (folder, *folder.parents[:2]):
        if (d / "annotation.conf").is_file():
            return d / "annotation.conf"
    return None


def read_brat(ann_path: Path) -> Iterator[Item]:
    if ann_path.suffix.lower() == ".txt":
        ann_path = ann_path.with_suffix(".ann")
    name = file_name(ann_path)
    txt_path = ann_path.with_suffix(".txt")
    if not txt_path.is_file():
        yield Rejection(name, 0, f"no text file {file_name(txt_path)} beside it")
        return
    text = decode_text(file_name(txt_path), txt_path.read_bytes())
    if isinstance(text, Rejection):
        yield text
        return
    ann_text = ann_path.read_bytes()
    ann = decode_text(name, ann_text, "brat standoff") if ann_text else ""
    if isinstance(ann, Rejection):
        yield ann
        return
    ann_lines = ann.split("\n")
    if not text.strip():
        yield Rejection(file_name(txt_path), 1, "empty text")
        return
    conf = _find_conf(ann_path.parent)
    events = event_types(conf) if conf else set()
    item = AnnotatedText(
        text=text, title=first_line_title(text), source=file_name(txt_path), meta={"brat": name}
    )
    index: dict[str, int] = {}
    kb: dict[str, str] = {}
    attrs: dict[str, dict[str, Any]] = {}
    pending: list[tuple[int, str, str, str]] = []  # line, relation, from, to
    skipped_events = 0

    def problem(number: int, reason: str) -> None:
        item.problems.append(Rejection(name, number, reason))

    for number, line in enumerate(ann_lines, start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t", 2)
        ident = fields[0]
        kind = ident[:1]
        if kind == "T":
            if len(fields) < 2:
                problem(number, f"{ident}: expected 'ID<TAB>TYPE START END<TAB>TEXT'")
                continue
            label, _, offsets = fields[1].partition(" ")
            if label in events:
                skipped_events += 1
                continue
            if not _OFFSETS.match(offsets):
                problem(number, f"{ident}: cannot read offsets {offsets!r}")
                continue
            if ";" in offsets:
                problem(
                    number,
                    f"{ident}: discontinuous span {offsets} {label} is not imported "
                    "(a span here is one stretch of text)",
                )
                continue
            start, end = (int(x) for x in offsets.split())
            expected = fields[2] if len(fields) > 2 else None
            if expected is not None and flat(text[start:end]) == flat(expected):
                expected = None  # brat writes line breaks inside a span as spaces
            fit = fit_span(text, start, end, label, expected)
            if isinstance(fit, str):
                problem(number, f"{ident}: {fit}")
                continue
            if fit.trimmed:
                item.trimmed.append(Rejection(name, number, f"{ident}: {fit.trimmed}"))
            index[ident] = len(item.spans)
            item.spans.append(SpanDraft(fit.start, fit.end, label))
        elif kind == "N":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) != 3:
                problem(number, f"{ident}: expected 'ID<TAB>Reference T1 DB:ID<TAB>TEXT'")
                continue
            reason = kb_id_problem(parts[2])
            if reason:
                problem(number, f"{ident}: {reason}")
                continue
            kb[parts[1]] = parts[2]
        elif kind in ("A", "M"):
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) < 2:
                problem(number, f"{ident}: expected 'ID<TAB>NAME TARGET [VALUE]'")
                continue
            value: Any = parts[2] if len(parts) > 2 else True
            attrs.setdefault(parts[1], {})[parts[0]] = value
        elif kind == "#":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) == 2 and len(fields) > 2:
                note = fields[2]
                try:
                    parsed = json.loads(note)
                except json.JSONDecodeError:
                    parsed = None
                if isinstance(parsed, dict):
                    attrs.setdefault(parts[1], {}).update(parsed)
                else:
                    attrs.setdefault(parts[1], {})["note"] = note
        elif kind == "R":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) != 3:
                problem(number, f"{ident}: expected 'ID<TAB>TYPE Arg1:T1 Arg2:T2'")
                continue
            reason = relation_label_problem(parts[0])
            if reason:
                problem(number, f"{ident}: {reason}")
                continue
            pending.append(
                (number, parts[0], parts[1].partition(":")[2], parts[2].partition(":")[2])
            )
        elif kind == "*":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) < 3:
                problem(number, f"{ident}: expected 'ID<TAB>TYPE T1 T2 ...'")
                continue
            pending += [(number, parts[0], parts[1], other) for other in parts[2:]]
        elif kind == "E":
            skipped_events += 1
        else:
            problem(number, f"unknown annotation line {ident!r}; left out")
    for target in sorted({*kb, *attrs} - set(index)):
        if target.startswith("E"):
            skipped_events += 1
        else:
            problem(0, f"N, A or note lines point at {target}, which was not imported")
    for ident, i in index.items():
        s = item.spans[i]
        if ident in kb or ident in attrs:
            item.spans[i] = SpanDraft(
                s.start, s.end, s.label, kb_id=kb.get(ident), attrs=attrs.get(ident, {})
            )
    for number, label, head, child in pending:
        if head not in index or child not in index:
            if head.startswith("T") and child.startswith("T"):
                problem(number, f"relation {label} {head} -> {child}: a span was not imported")
            else:
                skipped_events += 1
            continue
        item.relations.append(Relation(index[head], index[child], label))
    if skipped_events:  # a note, not a problem: the entities of the file all landed
        item.notes.append(
            Rejection(
                name,
                0,
                f"{skipped_events} event annotations (E lines, their triggers and what points "
                "at them) are not imported: the project has no event layer",
            )
        )
    yield item


def annotated_to_ann(item: AnnotatedText) -> tuple[str, set[str], set[str], list[str]]:
    """One document's `.ann` text, the entity and relation types it uses, and what had
    to be changed to fit brat."""
    labels: set[str] = set()
    relation_labels: set[str] = set()
    messages: list[str] = []
    lines: list[str] = []
    ids: list[str] = []
    n_note = 0
    for n, s in enumerate(item.spans, start=1):
        ident = f"T{n}"
        ids.append(ident)
        label = _type_name(s.label)
        if label != s.label:
            messages.append(
                f"doc {item.doc_id}: label {s.label!r} holds white space, which brat's type "
                f"names cannot; written as {label!r}"
            )
        labels.add(label)
        covered = flat(item.text[s.start : s.end])
        lines.append(f"{ident}\t{label} {s.start} {s.end}\t{covered}")
        if s.kb_id:
            if kb_id_problem(s.kb_id):
                messages.append(
                    f"doc {item.doc_id}: kb id {s.kb_id!r} of {ident} holds white space; "
                    "not written"
                )
            else:
                lines.append(f"N{n}\tReference {ident} {s.kb_id}\t{covered}")
        rest = {k: v for k, v in s.attrs.items() if k != "relations"}
        if rest:
            n_note += 1
            note = json.dumps(rest, ensure_ascii=False, sort_keys=True).translate(_ESCAPE)
            lines.append(f"#{n_note}\tAnnotatorNotes {ident}\t{note}")
    for n, rel in enumerate(relations_from_attrs(item.spans), start=1):
        rel_label = _type_name(rel.label) or "Related"
        if rel_label != rel.label:
            messages.append(
                f"doc {item.doc_id}: relation label {rel.label!r} is not one word; "
                f"written as {rel_label!r}"
            )
        relation_labels.add(rel_label)
        lines.append(f"R{n}\t{rel_label} Arg1:{ids[rel.head]} Arg2:{ids[rel.child]}\t")
    return "".join(line + "\n" for line in lines), labels, relation_labels, messages


def write_brat(items: Iterable[AnnotatedText], folder: Path) -> list[str]:
    """Write every document into `folder` (which the caller makes fresh), then the
    annotation.conf; returns what had to be changed to fit brat."""
    labels: set[str] = set()
    relation_labels: set[str] = set()
    messages: list[str] = []
    for item in items:
        stem = f"{item.doc_id:06d}" if item.doc_id is not None else f"doc{id(item)}"
        ann, doc_labels, doc_relations, doc_messages = annotated_to_ann(item)
        labels |= doc_labels
        relation_labels |= doc_relations
        messages += doc_messages
        (folder / f"{stem}.txt").write_bytes(item.text.encode("utf-8"))
        (folder / f"{stem}.ann").write_bytes(ann.encode("utf-8"))
    conf = ["[entities]", *sorted(labels), "", "[relations]"]
    conf += [f"{r}\tArg1:<ENTITY>, Arg2:<ENTITY>" for r in sorted(relation_labels)]
    conf += ["", "[events]", "", "[attributes]", ""]
    (folder / "annotation.conf").write_text("\n".join(conf), "utf-8")
    return messages
