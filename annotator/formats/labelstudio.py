"""Label Studio's JSON export (a list of tasks), in and out.

Reading: each task's text is `data.text` (else the only string in `data`); each of its
`annotations` is one curator's version:
- `completed_by` is a user id (an int: curator "ls-user-<id>") or a user object (its
  `email`, else `username`, else "ls-user-<id>");
- `labels` results give spans (`value.start`, `value.end`, `value.labels`; one span per
  label), `relation` results (`from_id`, `to_id`, `labels`) relations;
- cancelled annotations (`was_cancelled`) give no annotations (counted like Prodigy's
  rejected tasks); `predictions` are model output, not curators' work, and are left
  out.

Offsets: current Label Studio writes code points (the frontend converts since 2022;
older versions wrote JavaScript string offsets, UTF-16 code units, which differ after an
emoji: HumanSignal/label-studio#1347). Every result carries `value.text`, so a span is
read as code points when that text matches, else as UTF-16 offsets (converted with
`OffsetMap`) when that matches, else reported. Writing uses code points with
`value.text`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.core.model import SpanDraft
from annotator.core.offsets import OffsetMap
from annotator.formats.records import Rejection, first_line_title
from annotator.formats.spans import (
    AnnotatedText,
    Item,
    Relation,
    relations_from_attrs,
    span_problem,
)


def read_labelstudio(path: Path) -> Iterator[Item]:
    name = path.name
    try:
        tasks = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        yield Rejection(name, 0, "not valid UTF-8; save the file as UTF-8")
        return
    except json.JSONDecodeError as exc:
        yield Rejection(name, exc.lineno, f"malformed JSON: {exc.msg} (column {exc.colno})")
        return
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        yield Rejection(name, 0, "expected a list of Label Studio tasks")
        return
    for number, task in enumerate(tasks, start=1):
        yield from task_to_annotated(task, name, number)


def _curator(completed_by: Any) -> str | None:
    if isinstance(completed_by, dict):
        for key in ("email", "username"):
            if completed_by.get(key):
                return str(completed_by[key])
        completed_by = completed_by.get("id")
    if completed_by is None:
        return None
    return f"ls-user-{completed_by}"


def _task_text(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("text"), str):
        return str(data["text"])
    strings = [v for v in data.values() if isinstance(v, str)]
    return strings[0] if len(strings) == 1 else None


def task_to_annotated(task: Any, name: str, number: int) -> Iterator[Item]:
    where = f"task {number}"
    if not isinstance(task, dict):
        yield Rejection(name, number, f"{where}: not an object")
        return
    if "id" in task:
        where = f"task {number} (id {task['id']})"
    text = _task_text(task.get("data"))
    if not text or not text.strip():
        yield Rejection(name, number, f"{where}: no text in data.text")
        return
    data = task["data"]
    meta = {k: v for k, v in data.items() if v is not text and k != "text"}
    if isinstance(task.get("meta"), dict):
        meta.update(task["meta"])
    if "id" in task:
        meta["labelstudio_id"] = task["id"]
    offsets = OffsetMap(text)
    annotations = task.get("annotations") or task.get("completions") or []
    if not annotations:
        yield AnnotatedText(text=text, answer="ignore", source=f"{name}:{number}", meta=meta,
                            title=first_line_title(text))  # fmt: skip
        return
    for a_number, ann in enumerate(annotations, start=1):
        a_where = f"{where} annotation {a_number}"
        item = AnnotatedText(
            text=text,
            curator=_curator(ann.get("completed_by")) if isinstance(ann, dict) else None,
            title=str(meta.get("title") or first_line_title(text)),
            source=f"{name}:{number}",
            meta=meta,
        )
        if not isinstance(ann, dict) or not isinstance(ann.get("result", []), list):
            item.problems.append(Rejection(name, number, f"{a_where}: not an annotation"))
            yield item
            continue
        if ann.get("was_cancelled"):
            item.answer = "reject"
            yield item
            continue
        by_id: dict[str, list[int]] = {}
        relations: list[dict[str, Any]] = []
        for r_number, result in enumerate(ann.get("result") or [], start=1):
            r_where = f"{a_where} result {result.get('id', r_number)}"
            rtype = result.get("type")
            if rtype == "relation":
                relations.append(result)
                continue
            if rtype not in ("labels", "hypertextlabels"):
                item.problems.append(
                    Rejection(name, number, f"{r_where}: {rtype} results are not spans; left out")
                )
                continue
            value = result.get("value") or {}
            start, end = value.get("start"), value.get("end")
            expected = value.get("text")
            labels = value.get("labels") or []
            if not labels:
                item.problems.append(Rejection(name, number, f"{r_where}: no label"))
                continue
            reason = span_problem(text, start, end, labels[0], expected)
            if reason and expected is not None and isinstance(start, int) and isinstance(end, int):
                converted = _from_utf16(offsets, start, end)
                if converted and text[converted[0] : converted[1]] == expected:
                    start, end = converted
                    reason = span_problem(text, start, end, labels[0], expected)
            if reason:
                item.problems.append(Rejection(name, number, f"{r_where}: {reason}"))
                continue
            for label in labels:
                by_id.setdefault(str(result.get("id")), []).append(len(item.spans))
                item.spans.append(SpanDraft(start, end, str(label)))
        for rel in relations:
            heads = by_id.get(str(rel.get("from_id")), [])
            children = by_id.get(str(rel.get("to_id")), [])
            if not heads or not children:
                item.problems.append(
                    Rejection(
                        name,
                        number,
                        f"{a_where}: relation {rel.get('from_id')} -> {rel.get('to_id')} "
                        "names a region that was not imported",
                    )
                )
                continue
            labels = rel.get("labels") or [""]
            head, child = heads[0], children[0]
            if rel.get("direction") == "left":
                head, child = child, head
            for label in labels:
                item.relations.append(Relation(head, child, str(label)))
        yield item


def _from_utf16(offsets: OffsetMap, start: int, end: int) -> tuple[int, int] | None:
    try:
        return offsets.to_cp(start), offsets.to_cp(end)
    except IndexError:
        return None


def annotated_to_task(item: AnnotatedText) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    ids = []
    for n, s in enumerate(item.spans):
        rid = f"s{n}"
        ids.append(rid)
        results.append(
            {
                "id": rid,
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {
                    "start": s.start,
                    "end": s.end,
                    "text": item.text[s.start : s.end],
                    "labels": [s.label],
                },
            }
        )
    for rel in relations_from_attrs(item.spans):
        results.append(
            {
                "from_id": ids[rel.head],
                "to_id": ids[rel.child],
                "type": "relation",
                "direction": "right",
                "labels": [rel.label] if rel.label else [],
            }
        )
    return {
        "id": item.doc_id,
        "data": {"text": item.text},
        "meta": item.meta,
        "annotations": [
            {
                "id": item.doc_id,
                "completed_by": {"email": item.curator},
                "result": results,
                "was_cancelled": False,
                "ground_truth": False,
            }
        ],
        "predictions": [],
    }


def write_labelstudio(items: Sequence[AnnotatedText], path: Path) -> list[str]:
    with path.open("w", encoding="utf-8") as f:
        json.dump([annotated_to_task(i) for i in items], f, ensure_ascii=False, indent=1)
        f.write("\n")
    return []
