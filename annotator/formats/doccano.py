"""doccano's JSONL, in and out.

Reading, one record per line, the text in `text` (or `data`):
- sequence labelling: `"label": [[start, end, LABEL], ...]`;
- entities and relations: `"entities": [{"id", "start_offset", "end_offset",
  "label"}]`, `"relations": [{"id", "from_id", "to_id", "type"}]`;
- doccano 1.x's `"annotations": [{"label", "start_offset", "end_offset", "user"}]`,
  where each `user` becomes its own curator.
A `label` list of plain strings is text classification, not spans: reported, and the
text is kept. doccano exports name no curator otherwise (use `--annotator`).

Writing: the entities/relations form, figures included as entities (their kind is the
label; their attributes are not written: doccano has nowhere to keep them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.core.model import SpanDraft
from annotator.formats.jsonlines import read_objects, text_of, write_lines
from annotator.formats.records import Rejection, first_line_title
from annotator.formats.spans import (
    AnnotatedText,
    Item,
    Relation,
    relations_from_attrs,
    span_problem,
)

_NOT_META = {"text", "data", "label", "entities", "relations", "annotations", "meta", "id"}


def read_doccano(path: Path) -> Iterator[Item]:
    name = path.name
    for entry in read_objects(path):
        if isinstance(entry, Rejection):
            yield entry
            continue
        number, obj = entry
        yield from record_to_annotated(obj, name, number)


def record_to_annotated(obj: dict[str, Any], name: str, number: int) -> Iterator[Item]:
    text = text_of(obj, name, number)
    if isinstance(text, Rejection):
        yield text
        return
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    meta = {**{k: v for k, v in obj.items() if k not in _NOT_META}, **meta}
    if "id" in obj:
        meta["doccano_id"] = obj["id"]

    def new(curator: str | None = None) -> AnnotatedText:
        return AnnotatedText(
            text=text,
            curator=curator,
            title=str(meta.get("title") or first_line_title(text)),
            date=str(meta["date"]) if meta.get("date") else None,
            source=f"{name}:{number}",
            meta=meta,
        )

    def problem(item: AnnotatedText, reason: str) -> None:
        item.problems.append(Rejection(name, number, reason))

    if isinstance(obj.get("annotations"), list):
        by_user: dict[str | None, AnnotatedText] = {}
        for n, a in enumerate(obj["annotations"], start=1):
            user = a.get("user") if isinstance(a, dict) else None
            curator = None if user is None else str(user)
            item = by_user.setdefault(curator, new(curator))
            if not isinstance(a, dict):
                problem(item, f"annotation {n}: not an object")
                continue
            start, end, label = a.get("start_offset"), a.get("end_offset"), a.get("label")
            reason = span_problem(text, start, end, label)
            if reason:
                problem(item, f"annotation {n}: {reason}")
            else:
                item.spans.append(SpanDraft(start, end, label))
        yield from by_user.values() or [new()]
        return

    item = new()
    label = obj.get("label")
    if isinstance(label, list) and label:
        if all(isinstance(x, str) for x in label):
            problem(item, f"labels {label} classify the whole text; not imported as spans")
        for n, entry in enumerate(label, start=1):
            if isinstance(entry, str):
                continue
            if not isinstance(entry, list) or len(entry) != 3:
                problem(item, f"label {n}: expected [start, end, LABEL], found {entry!r}")
                continue
            start, end, lab = entry
            reason = span_problem(text, start, end, lab)
            if reason:
                problem(item, f"label {n}: {reason}")
            else:
                item.spans.append(SpanDraft(start, end, lab))
    ids: dict[Any, int] = {}
    for n, ent in enumerate(obj.get("entities") or [], start=1):
        if not isinstance(ent, dict):
            problem(item, f"entity {n}: not an object")
            continue
        start, end, lab = ent.get("start_offset"), ent.get("end_offset"), ent.get("label")
        reason = span_problem(text, start, end, lab)
        if reason:
            problem(item, f"entity {ent.get('id', n)}: {reason}")
            continue
        ids[ent.get("id", n)] = len(item.spans)
        item.spans.append(SpanDraft(start, end, lab))
    for n, rel in enumerate(obj.get("relations") or [], start=1):
        if not isinstance(rel, dict):
            problem(item, f"relation {n}: not an object")
            continue
        head, child = ids.get(rel.get("from_id")), ids.get(rel.get("to_id"))
        if head is None or child is None:
            problem(
                item,
                f"relation {rel.get('id', n)}: entity {rel.get('from_id')} or "
                f"{rel.get('to_id')} is not among the imported entities",
            )
            continue
        item.relations.append(Relation(head, child, str(rel.get("type", ""))))
    yield item


def annotated_to_record(item: AnnotatedText) -> dict[str, Any]:
    entities = [
        {"id": i, "start_offset": s.start, "end_offset": s.end, "label": s.label}
        for i, s in enumerate(item.spans)
    ]
    relations = [
        {"id": n, "from_id": r.head, "to_id": r.child, "type": r.label}
        for n, r in enumerate(relations_from_attrs(item.spans))
    ]
    record: dict[str, Any] = {"text": item.text, "entities": entities, "relations": relations}
    record["meta"] = {**item.meta, "doc_id": item.doc_id, "curator": item.curator}
    return record


def write_doccano(items: Sequence[AnnotatedText], path: Path) -> list[str]:
    write_lines(path, [annotated_to_record(i) for i in items])
    return []
