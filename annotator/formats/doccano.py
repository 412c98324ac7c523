"""doccano's JSONL, in and out.

Reading, one record per line, the text in `text` (or `data`):
- sequence labelling: `"label": [[start, end, LABEL], ...]`;
- entities and relations: `"entities": [{"id", "start_offset", "end_offset",
  "label"}]`, `"relations": [{"id", "from_id", "to_id", "type"}]`;
- doccano 1.x's `"annotations": [{"label", "start_offset", "end_offset", "user"}]`,
  where each `user` becomes its own curator.
A `label` list of plain strings is text classification, not spans: reported, the text
is kept and the document is not marked done. doccano exports name no curator otherwise
(use `--annotator`). A file whose first record has none of `label`, `entities` and
`annotations` is not doccano: it is refused at that line, and the rest is not read.

Writing, one line per document, in one of doccano's two span layouts:
- "labels" (the default when no exported span has relations): `{"text", "label":
  [[start, end, LABEL], ...]}`, what doccano's sequence-labelling project exports and
  what its JSONL upload reads with Column Label `label`;
- "relations" (the default when some span has relations): `{"text", "entities": [{id,
  start_offset, end_offset, label}], "relations": [{id, from_id, to_id, type}]}`, what
  a sequence-labelling project with relation labelling uploads as "JSONL (Relation)".
Figures are written as entities (their kind is the label; their attributes are not
written: doccano has nowhere to keep them). The document's metadata, project id and
curator go under `meta`, which doccano keeps as the example's metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import SpanDraft
from annotator.formats.jsonlines import read_objects, text_of, write_lines
from annotator.formats.records import Rejection, file_name, first_line_title
from annotator.formats.spans import (
    AnnotatedText,
    Item,
    Relation,
    fit_span,
    relation_label_problem,
    relations_from_attrs,
)

LAYOUTS = ("labels", "relations")

_NOT_META = {"text", "data", "label", "entities", "relations", "annotations", "meta", "id"}
_SPAN_FIELDS = ("label", "entities", "annotations")


def read_doccano(path: Path) -> Iterator[Item]:
    name = file_name(path)
    first = True
    for entry in read_objects(path):
        if isinstance(entry, Rejection):
            yield entry
            continue
        number, obj = entry
        if first and not any(k in obj for k in _SPAN_FIELDS):
            yield Rejection(name, number, _not_doccano(obj))
            return
        first = False
        try:
            yield from record_to_annotated(obj, name, number)
        except Exception as exc:  # a record shaped in a way no check foresaw
            yield Rejection(name, number, f"cannot read this record ({type(exc).__name__})")


def _not_doccano(obj: dict[str, Any]) -> str:
    hint = ""
    if any(k in obj for k in ("spans", "answer", "_input_hash", "_task_hash", "tokens")):
        hint = "; it looks like Prodigy's JSONL (use --format prodigy)"
    elif "data" in obj and isinstance(obj["data"], dict):
        hint = "; it looks like a Label Studio task (use --format labelstudio)"
    return (
        "does not look like doccano JSONL: no 'label', 'entities' or 'annotations' field"
        + (hint or "; import it as articles with --format articles")
        + ". The rest of the file is not read"
    )


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

    def span(item: AnnotatedText, where: str, start: Any, end: Any, label: Any) -> bool:
        """Add the span to the item (trimmed, with a notice), or its problem; whether
        it was added."""
        fit = fit_span(text, start, end, label)
        if isinstance(fit, str):
            problem(item, f"{where}: {fit}")
            return False
        if fit.trimmed:
            item.trimmed.append(Rejection(name, number, f"{where}: {fit.trimmed}"))
        item.spans.append(SpanDraft(fit.start, fit.end, label))
        return True

    for key in ("label", "entities", "relations", "annotations"):
        value = obj.get(key)
        if value is not None and not isinstance(value, list):
            item = new()
            problem(item, f"field '{key}' is {type(value).__name__}, not a list; no spans imported")
            yield item
            return

    if isinstance(obj.get("annotations"), list):
        by_user: dict[str | None, AnnotatedText] = {}
        for n, a in enumerate(obj["annotations"], start=1):
            user = a.get("user") if isinstance(a, dict) else None
            curator = None if user is None else str(user)
            item = by_user.setdefault(curator, new(curator))
            if not isinstance(a, dict):
                problem(item, f"annotation {n}: not an object")
                continue
            span(
                item, f"annotation {n}", a.get("start_offset"), a.get("end_offset"), a.get("label")
            )
        yield from by_user.values() or [new()]
        return

    item = new()
    label = obj.get("label") or []
    if label and all(isinstance(x, str) for x in label):
        problem(item, f"labels {label} classify the whole text; not imported as spans")
    else:
        for n, entry in enumerate(label, start=1):
            if not isinstance(entry, list) or len(entry) != 3:
                problem(item, f"label {n}: expected [start, end, LABEL], found {entry!r}")
                continue
            span(item, f"label {n}", *entry)
    ids: dict[Any, int] = {}
    for n, ent in enumerate(obj.get("entities") or [], start=1):
        if not isinstance(ent, dict):
            problem(item, f"entity {n}: not an object")
            continue
        ident = ent.get("id", n)
        try:
            hash(ident)
        except TypeError:  # an id that is a list or an object
            problem(item, f"entity {n}: id {ident!r} is not a number or string")
            continue
        if span(item, f"entity {ident!r}", ent.get("start_offset"), ent.get("end_offset"),
                ent.get("label")):  # fmt: skip
            ids[ident] = len(item.spans) - 1
    for n, rel in enumerate(obj.get("relations") or [], start=1):
        if not isinstance(rel, dict):
            problem(item, f"relation {n}: not an object")
            continue
        head, child = _lookup(ids, rel.get("from_id")), _lookup(ids, rel.get("to_id"))
        if head is None or child is None:
            problem(
                item,
                f"relation {rel.get('id', n)!r}: entity {rel.get('from_id')!r} or "
                f"{rel.get('to_id')!r} is not among the imported entities",
            )
            continue
        rel_label = rel.get("type", "")
        reason = relation_label_problem(rel_label)
        if reason:
            problem(item, f"relation {rel.get('id', n)!r}: {reason}")
            continue
        item.relations.append(Relation(head, child, rel_label))
    yield item


def _lookup(ids: dict[Any, int], key: Any) -> int | None:
    try:
        return ids.get(key)
    except TypeError:
        return None


def has_relations(items: Iterable[AnnotatedText]) -> bool:
    return any(s.attrs.get("relations") for i in items for s in i.spans)


def annotated_to_record(item: AnnotatedText, layout: str = "labels") -> dict[str, Any]:
    record: dict[str, Any] = {"text": item.text}
    if layout == "labels":
        record["label"] = [[s.start, s.end, s.label] for s in item.spans]
    else:
        record["entities"] = [
            {"id": i, "start_offset": s.start, "end_offset": s.end, "label": s.label}
            for i, s in enumerate(item.spans)
        ]
        record["relations"] = [
            {"id": n, "from_id": r.head, "to_id": r.child, "type": r.label}
            for n, r in enumerate(relations_from_attrs(item.spans))
        ]
    record["meta"] = {**item.meta, "doc_id": item.doc_id, "curator": item.curator}
    return record


def write_doccano(items: Iterable[AnnotatedText], path: Path, layout: str = "labels") -> list[str]:
    """Write one line per document; returns what could not be written (nothing: every
    span fits both layouts; in the "labels" layout relations are not written)."""
    write_lines(path, (annotated_to_record(i, layout) for i in items))
    return []
