"""Prodigy's JSONL (what `prodigy db-out` writes and `db-in` reads), in and out.

Reading:
- `text`, `spans` (`start`, `end`, `label`; `token_start`/`token_end`, inclusive, are
  checked against `tokens` when both are there, and used when character offsets are
  missing). A task without `spans` has no entities.
- `answer`: only "accept" tasks give annotations. "reject" and "ignore" tasks give
  their text (a new document when the text is new) and no annotations; they are counted
  in the import summary. A task without `answer` counts as accepted.
- The curator is `_annotator_id`, else `_session_id`, verbatim: Prodigy names named
  sessions "<dataset>-<session>" (e.g. "news_ner-alice"), and the dataset part cannot
  be told apart from a session name with a hyphen, so nothing is cut off. Use
  `annotator import --annotator NAME` to file a whole file under one curator.
- `_input_hash` is kept in the metadata of a new document (and written back on export);
  `meta` becomes document metadata.
- A file whose first record has none of Prodigy's fields (`answer`, `spans`, `tokens`,
  `_input_hash`, `_task_hash`, `_session_id`, `_annotator_id`) is not a Prodigy export:
  it is refused at that line and the rest is not read (a plain articles file would
  otherwise come in as finished documents without entities).

Writing: one accepted task per document with `tokens` (a blank spaCy pipeline's
tokenizer run over a batch of texts, tokens cut at span boundaries), `spans` with token
indices, `_annotator_id` and `_session_id` set to the curator, and figures' attributes
under the span's `attrs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import SpanDraft
from annotator.formats.jsonlines import read_objects, text_of, write_lines
from annotator.formats.records import Rejection, file_name, first_line_title
from annotator.formats.spans import AnnotatedText, Item, fit_span, kb_id_problem
from annotator.formats.tokens import Tokens, tokenized

ANSWERS = ("accept", "reject", "ignore")
_PRODIGY_FIELDS = (
    "answer",
    "spans",
    "tokens",
    "_input_hash",
    "_task_hash",
    "_session_id",
    "_annotator_id",
)


def read_prodigy(path: Path) -> Iterator[Item]:
    name = file_name(path)
    first = True
    for entry in read_objects(path):
        if isinstance(entry, Rejection):
            yield entry
            continue
        number, obj = entry
        if first and not any(k in obj for k in _PRODIGY_FIELDS):
            yield Rejection(name, number, _not_prodigy(obj))
            return
        first = False
        try:
            yield task_to_annotated(obj, name, number)
        except Exception as exc:  # a task shaped in a way no check foresaw
            yield Rejection(name, number, f"cannot read this task ({type(exc).__name__})")


def _not_prodigy(obj: dict[str, Any]) -> str:
    hint = "; import it as articles with --format articles"
    if any(k in obj for k in ("label", "entities", "annotations")):
        hint = "; it looks like doccano's JSONL (use --format doccano)"
    return (
        "does not look like Prodigy's JSONL: none of 'answer', 'spans', 'tokens' or "
        f"Prodigy's hashes{hint}. The rest of the file is not read"
    )


def task_to_annotated(obj: dict[str, Any], name: str, number: int) -> Item:
    text = text_of(obj, name, number)
    if isinstance(text, Rejection):
        return text
    answer = obj.get("answer", "accept")
    if answer not in ANSWERS:
        return Rejection(
            name, number, f"unknown answer {answer!r}; expected accept, reject, ignore"
        )
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        return Rejection(name, number, "field 'meta' is not an object")
    meta = dict(meta)
    if "_input_hash" in obj:
        meta["_input_hash"] = obj["_input_hash"]
    curator = obj.get("_annotator_id") or obj.get("_session_id")
    item = AnnotatedText(
        text=text,
        curator=str(curator) if curator else None,
        answer=answer,
        title=str(meta.get("title") or first_line_title(text)),
        date=str(meta["date"]) if meta.get("date") else None,
        source=f"{name}:{number}",
        meta=meta,
    )
    raw_spans = obj.get("spans") or []
    if not isinstance(raw_spans, list):
        item.problems.append(Rejection(name, number, "field 'spans' is not a list"))
        return item
    tokens = obj.get("tokens") if isinstance(obj.get("tokens"), list) else None
    for n, sp in enumerate(raw_spans, start=1):
        where = f"span {n}: "
        if not isinstance(sp, dict):
            item.problems.append(Rejection(name, number, where + "not an object"))
            continue
        start, end = sp.get("start"), sp.get("end")
        ts, te = sp.get("token_start"), sp.get("token_end")
        if tokens is not None and isinstance(ts, int) and isinstance(te, int):
            if not 0 <= ts <= te < len(tokens):
                item.problems.append(
                    Rejection(name, number, where + f"tokens {ts}-{te} outside the task's tokens")
                )
                continue
            first_tok, last_tok = tokens[ts], tokens[te]
            if not isinstance(first_tok, dict) or not isinstance(last_tok, dict):
                item.problems.append(Rejection(name, number, where + "its tokens are not objects"))
                continue
            tok_start, tok_end = first_tok.get("start"), last_tok.get("end")
            if start is None and end is None:
                start, end = tok_start, tok_end
            elif (start, end) != (tok_start, tok_end):
                item.problems.append(
                    Rejection(
                        name,
                        number,
                        where + f"offsets {start}-{end} do not match tokens {ts}-{te} "
                        f"({tok_start}-{tok_end})",
                    )
                )
                continue
        label = sp.get("label")
        fit = fit_span(text, start, end, label, sp.get("text"))
        if isinstance(fit, str):
            item.problems.append(Rejection(name, number, where + fit))
            continue
        kb_id = sp.get("kb_id") or None
        problem = kb_id_problem(kb_id)
        if problem:
            item.problems.append(Rejection(name, number, where + problem))
            continue
        attrs = sp.get("attrs") if isinstance(sp.get("attrs"), dict) else {}
        layer = sp.get("layer") if sp.get("layer") in ("ents", "figures") else "ents"
        if fit.trimmed:
            item.trimmed.append(Rejection(name, number, where + fit.trimmed))
        item.spans.append(
            SpanDraft(fit.start, fit.end, label, layer=layer, kb_id=kb_id, attrs=attrs)
        )
    return item


def annotated_to_task(item: AnnotatedText, toks: Tokens) -> dict[str, Any]:
    """The Prodigy task of one document, given its tokens (cut at its span boundaries)."""
    text = item.text
    starts, ends, spaces = toks
    start_index = {s: i for i, s in enumerate(starts)}
    end_index = {e: i for i, e in enumerate(ends)}
    spans: list[dict[str, Any]] = []
    for s in item.spans:
        span: dict[str, Any] = {
            "start": s.start,
            "end": s.end,
            "text": text[s.start : s.end],
            "label": s.label,
        }
        if s.start in start_index and s.end in end_index:
            span["token_start"] = start_index[s.start]
            span["token_end"] = end_index[s.end]
        if s.layer != "ents":
            span["layer"] = s.layer
        if s.kb_id:
            span["kb_id"] = s.kb_id
        if s.attrs:
            span["attrs"] = s.attrs
        spans.append(span)
    meta = {k: v for k, v in item.meta.items() if k != "_input_hash"}
    task: dict[str, Any] = {"text": text, "meta": meta}
    if "_input_hash" in item.meta:
        task["_input_hash"] = item.meta["_input_hash"]
    task["tokens"] = [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
        for i, (s, e, ws) in enumerate(zip(starts, ends, spaces, strict=True))
    ]
    task["spans"] = spans
    task["answer"] = "accept"
    if item.curator:
        task["_annotator_id"] = item.curator
        task["_session_id"] = item.curator
    return task


def write_prodigy(items: Iterable[AnnotatedText], path: Path, lang: str = "en") -> list[str]:
    """Write one accepted task per document, tokenising the texts in batches."""
    write_lines(path, (annotated_to_task(i, t) for i, t in tokenized(items, lang)))
    return []
