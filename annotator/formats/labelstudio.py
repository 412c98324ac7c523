"""Label Studio's JSON export (a list of tasks), in and out.

Reading: a list of tasks (what Label Studio's JSON export writes), one task, or a
`{"projects": [{"project": ..., "tasks": [...]}]}` bundle of several projects' exports.
Each task's text is `data.text` (else the only string in `data`); each of its
`annotations` is one curator's version:
- `completed_by` is a user id (an int: curator "ls-user-<id>") or a user object (its
  `email`, else `username`, else "ls-user-<id>");
- `labels` results give spans (`value.start`, `value.end`, `value.labels`; one span per
  label), `relation` results (`from_id`, `to_id`, `labels`) relations;
- cancelled annotations (`was_cancelled`) give no annotations (counted like Prodigy's
  rejected tasks); `predictions` are model output, not curators' work, and are left
  out; results that are not spans (choices, text areas) are listed and left out.

Offsets: current Label Studio writes code points (the frontend converts since 2022;
older versions wrote JavaScript string offsets, UTF-16 code units, which differ after an
emoji: HumanSignal/label-studio#1347). Every result carries `value.text`, so a span is
read as code points when that text matches, else as UTF-16 offsets (converted with
`OffsetMap`) when that matches, else reported. Writing uses code points with
`value.text`.

Writing: a JSON list of tasks, one per document, streamed. Label Studio accepts in
`completed_by` only an existing user's id or e-mail (anything else fails the whole
import with "Unknown annotator's email"), so it is written only when an e-mail is given
(`export labelstudio --user-email`); otherwise Label Studio files the annotations under
the user who imports them. The curator's name is kept in the task's `meta.curator`,
beside the document's id (`meta.doc_id`) and metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import SpanDraft
from annotator.core.offsets import OffsetMap
from annotator.formats.jsonlines import dumps, loads
from annotator.formats.records import (
    SNIFF,
    Rejection,
    check_head,
    file_name,
    first_line_title,
    is_utf16,
    lone_surrogate,
    may_hold_surrogates,
    surrogate_rejection,
)
from annotator.formats.spans import (
    AnnotatedText,
    Fit,
    Item,
    Relation,
    fit_span,
    relation_label_problem,
    relations_from_attrs,
)

CHUNK = 1 << 20  # characters read at a time from a task list


def read_labelstudio(path: Path) -> Iterator[Item]:
    name = file_name(path)
    with path.open("rb") as f:
        head = f.read(SNIFF)
    refused = check_head(name, head, "Label Studio JSON")
    if refused:
        yield refused
        return
    for number, entry in enumerate(_tasks(path, head), start=1):
        if isinstance(entry, Rejection):
            yield entry
            return
        task, escaped = entry
        where = lone_surrogate(task) if escaped else None
        if where:
            yield surrogate_rejection(name, number, f"task {number}: {where}")
            continue
        try:
            yield from task_to_annotated(task, name, number)
        except Exception as exc:  # a task shaped in a way no check foresaw
            yield Rejection(name, number, f"task {number}: cannot read it ({type(exc).__name__})")


def _tasks(path: Path, head: bytes) -> Iterator[tuple[Any, bool] | Rejection]:
    """The tasks of an export, one at a time: a list is read and decoded a chunk and a
    task at a time, so memory holds one chunk and one task whatever the file's size. A
    bundle of projects is read whole. Each task comes with whether its source has a
    \\u escape that may make a lone surrogate. A malformed file ends in one Rejection at
    the line of the error."""
    name = file_name(path)
    encoding = "utf-16" if is_utf16(head) else "utf-8-sig"
    decoder = json.JSONDecoder()
    lines_before = 0  # line breaks in the text already dropped from `buf`
    try:
        with path.open(encoding=encoding, newline="") as f:
            buf, eof, pos = f.read(CHUNK), False, 0
            pos = _skip(buf, pos)
            if not buf.startswith("[", pos):
                whole = buf + f.read()
                escaped = may_hold_surrogates(whole)
                for task in _bundle(name, loads(whole)):
                    yield task if isinstance(task, Rejection) else (task, escaped)
                return
            pos = _skip(buf, pos + 1)
            while True:
                while pos >= len(buf) - 1 and not eof:  # need the next character
                    more = f.read(CHUNK)
                    eof = not more
                    buf += more
                    pos = _skip(buf, pos)
                if buf.startswith("]", pos):
                    if buf[pos + 1 :].strip() or f.read().strip():
                        raise json.JSONDecodeError("Extra data", buf, pos + 1)
                    return
                try:
                    task, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError:
                    if eof:
                        raise
                    more = f.read(CHUNK)  # the task may go on in the next chunk
                    eof = not more
                    lines_before += buf.count("\n", 0, pos)
                    buf, pos = buf[pos:] + more, 0
                    continue
                yield task, may_hold_surrogates(buf[pos:end])
                pos = _skip(buf, end)
                while pos >= len(buf) and not eof:
                    more = f.read(CHUNK)
                    eof = not more
                    buf += more
                    pos = _skip(buf, pos)
                if buf.startswith(",", pos):
                    pos = _skip(buf, pos + 1)
                elif not buf.startswith("]", pos):
                    raise json.JSONDecodeError("Expecting ',' delimiter", buf, pos)
                if pos > CHUNK:  # drop what has been read
                    lines_before += buf.count("\n", 0, pos)
                    buf, pos = buf[pos:], 0
    except json.JSONDecodeError as exc:
        yield Rejection(name, lines_before + exc.lineno, f"malformed JSON: {exc.msg} "
                        f"(column {exc.colno})")  # fmt: skip
    except UnicodeDecodeError:
        yield Rejection(name, lines_before + 1, "not valid UTF-8 (or UTF-16) from here on; "
                        "save the file as UTF-8")  # fmt: skip
    except RecursionError:
        yield Rejection(name, lines_before + 1, "malformed JSON: nested too deeply")


def _skip(source: str, pos: int) -> int:
    while pos < len(source) and source[pos] in " \t\r\n":
        pos += 1
    return pos


def _bundle(name: str, whole: Any) -> Iterator[Any]:
    if isinstance(whole, dict) and isinstance(whole.get("projects"), list):
        yield from (
            t
            for p in whole["projects"]
            if isinstance(p, dict) and isinstance(p.get("tasks"), list)
            for t in p["tasks"]
        )
    elif isinstance(whole, dict):
        yield whole
    else:
        yield Rejection(name, 1, "expected a list of Label Studio tasks")


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
            if not isinstance(result, dict):
                item.problems.append(
                    Rejection(name, number, f"{a_where} result {r_number}: not an object")
                )
                continue
            r_where = f"{a_where} result {result.get('id', r_number)}"
            rtype = result.get("type")
            if rtype == "relation":
                relations.append(result)
                continue
            if rtype not in ("labels", "hypertextlabels"):
                item.notes.append(
                    Rejection(name, number, f"{r_where}: {rtype} results are not spans; left out")
                )
                continue
            value = result.get("value") if isinstance(result.get("value"), dict) else {}
            start, end = value.get("start"), value.get("end")
            expected = value.get("text")
            labels = value.get("labels") if isinstance(value.get("labels"), list) else []
            if not labels:
                item.problems.append(Rejection(name, number, f"{r_where}: no label"))
                continue
            fits = _fit_labels(text, start, end, labels, expected)
            legacy = isinstance(start, int) and isinstance(end, int) and isinstance(expected, str)
            if isinstance(fits, str) and legacy:
                converted = _from_utf16(offsets, start, end)
                if converted and text[converted[0] : converted[1]] == expected:
                    fits = _fit_labels(text, *converted, labels, expected)
            if isinstance(fits, str):
                item.problems.append(Rejection(name, number, f"{r_where}: {fits}"))
                continue
            for label, fit in zip(labels, fits, strict=True):
                if fit.trimmed:
                    item.trimmed.append(Rejection(name, number, f"{r_where}: {fit.trimmed}"))
                by_id.setdefault(str(result.get("id")), []).append(len(item.spans))
                item.spans.append(SpanDraft(fit.start, fit.end, label))
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
            if not isinstance(labels, list):
                labels = [labels]
            bad = next((r for r in map(relation_label_problem, labels) if r), None)
            if bad:
                item.problems.append(Rejection(name, number, f"{a_where}: relation: {bad}"))
                continue
            head, child = heads[0], children[0]
            if rel.get("direction") == "left":
                head, child = child, head
            for label in labels:
                item.relations.append(Relation(head, child, label))
        yield item


def _fit_labels(
    text: str, start: Any, end: Any, labels: list[Any], expected: Any
) -> list[Fit] | str:
    """The span of each label of one region, or why the region cannot be kept."""
    fits: list[Fit] = []
    for label in labels:
        fit = fit_span(text, start, end, label, expected)
        if isinstance(fit, str):
            return fit
        fits.append(fit)
    return fits


def _from_utf16(offsets: OffsetMap, start: int, end: int) -> tuple[int, int] | None:
    try:
        return offsets.to_cp(start), offsets.to_cp(end)
    except IndexError:
        return None


def annotated_to_task(item: AnnotatedText, email: str | None = None) -> dict[str, Any]:
    """One document as a Label Studio task with one annotation; `completed_by` names the
    Label Studio user with this e-mail when one is given."""
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
    annotation: dict[str, Any] = {
        "id": item.doc_id,
        "result": results,
        "was_cancelled": False,
        "ground_truth": False,
    }
    if email:
        annotation["completed_by"] = {"email": email}
    return {
        "id": item.doc_id,
        "data": {"text": item.text},
        "meta": {**item.meta, "doc_id": item.doc_id, "curator": item.curator},
        "annotations": [annotation],
        "predictions": [],
    }


def write_labelstudio(
    items: Iterable[AnnotatedText], path: Path, email: str | None = None
) -> list[str]:
    """A JSON list of tasks, one document at a time."""
    with path.open("wb") as f:
        f.write(b"[")
        for n, item in enumerate(items):
            f.write(b",\n" if n else b"\n")
            f.write(dumps(annotated_to_task(item, email)))
        f.write(b"\n]\n")
    return []
