"""Accepting a model's suggestions in bulk for one curator, without the window: silver
data, and scripted pipelines that end in an export.

`accept_suggestions` does on every document a filter selects what the window's "Accept
all" does on one: each undecided suggestion of the model becomes the curator's
annotation (origin ``accepted``, the suggestion's attributes, its key as `source_key`),
logged as the same ``add`` event; then the document gets the status asked for, logged as
a ``status`` event when it changes. Left alone are suggestions the curator rejected,
spans the curator already has (accepted, corrected or drawn by hand with the same
edges and label), and offsets that do not fit the text. So a second run changes nothing.

Documents are selected from those the model has run over, by id, by the curator's
status (open and in progress unless asked: finished and skipped work is the curator's),
and by the document list's search; suggestions by label and layer. The work is written
one transaction per batch of documents, each retried while another process holds the
project for a moment.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.accept_choice import Candidate, accept_all_choice
from annotator.core.errors import AnnotatorError
from annotator.core.kb.prelink import SOURCE as KB_SOURCE
from annotator.core.model import GOLD, label_problem, span_key
from annotator.core.store import Store

DEFAULT_STATUSES = ("open", "in_progress")
MARKS = ("done", "in_progress")
BATCH = 500  # documents per transaction


class AcceptError(AnnotatorError, ValueError):
    """A request that cannot be carried out as asked; nothing was written."""


@dataclass(frozen=True)
class Selection:
    """Which documents and which of their suggestions (None: no filter)."""

    doc_ids: Sequence[int] | None = None
    statuses: Sequence[str] = DEFAULT_STATUSES
    search: str | None = None
    labels: Sequence[str] | None = None
    layers: Sequence[str] | None = None


@dataclass
class AcceptReport:
    model: str
    annotator: str
    mark: str
    dry_run: bool = False
    documents: int = 0  # selected: matched and run over by the model
    total: int = 0  # documents to go through (for progress)
    accepted: int = 0
    by_layer: dict[str, int] = field(default_factory=lambda: {"ents": 0, "figures": 0})
    already: int = 0  # the curator has this span already
    rejected: int = 0  # the curator rejected it
    invalid: int = 0  # offsets outside the text, or a label that cannot be stored
    overlapping: int = 0  # an entity over words another entity taken has (accept_choice)
    marked: int = 0  # documents whose status changed
    unsuggested: int = 0  # matched, but the model has not run over them


def suggesting_models(store: Store) -> list[str]:
    """The models that have run over documents of this project (the knowledge base's
    pre-links are not a model: they go with whichever model is accepted)."""
    rows = store.conn.execute(
        "SELECT DISTINCT model FROM suggest_runs WHERE model != ? ORDER BY 1", (KB_SOURCE,)
    )
    return [r[0] for r in rows]


def choose_model(store: Store, model: str | None) -> str:
    """`model`, checked; or the only model that has suggested here."""
    models = suggesting_models(store)
    if not models:
        raise AcceptError(
            "no model has suggested anything in this project yet: run `annotator suggest` first"
        )
    if model is None:
        if len(models) > 1:
            raise AcceptError(
                f"several models have suggested here ({', '.join(models)}): choose one with --model"
            )
        return models[0]
    if model not in models:
        raise AcceptError(
            f"model {model!r} has not suggested anything in this project "
            f"(models here: {', '.join(models)})"
        )
    return model


def accept_suggestions(
    store: Store,
    annotator: str,
    *,
    model: str | None = None,
    selection: Selection = Selection(),  # frozen: a shared default is safe
    mark: str = "done",
    dry_run: bool = False,
    batch_size: int = BATCH,
    on_progress: Callable[[AcceptReport], None] | None = None,
) -> AcceptReport:
    """Accept the model's undecided suggestions in the selected documents for
    `annotator` and give those documents the status `mark` (marking in progress never
    takes back a finished document). With `dry_run`, count and write nothing."""
    _check_curator(annotator)
    if mark not in MARKS:
        raise AcceptError(f"cannot mark documents {mark!r}; expected one of {', '.join(MARKS)}")
    model = choose_model(store, model)
    _check_labels(store, model, selection)
    report = AcceptReport(model, annotator, mark, dry_run)
    ids, report.unsuggested = _select(store, annotator, model, selection)
    report.total = len(ids)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        batch = store.retry_busy(
            functools.partial(
                _accept_batch, store, annotator, model, selection, chunk, mark, dry_run
            )
        )
        report.documents += len(chunk)
        for name in ("accepted", "already", "rejected", "invalid", "overlapping", "marked"):
            setattr(report, name, getattr(report, name) + getattr(batch, name))
        for layer, n in batch.by_layer.items():
            report.by_layer[layer] = report.by_layer.get(layer, 0) + n
        if on_progress:
            on_progress(report)
    return report


def _check_curator(annotator: str) -> None:
    if not annotator or annotator != annotator.strip():
        raise AcceptError(f"curator name {annotator!r} is empty or has white space at an edge")
    if annotator == GOLD:
        raise AcceptError(
            f"{GOLD} holds what reviewers adjudicated; accept under a curator's name instead"
        )


def _check_labels(store: Store, model: str, selection: Selection) -> None:
    if not selection.labels:
        return
    rows = store.conn.execute(
        "SELECT DISTINCT label FROM suggestions WHERE model = ? ORDER BY 1", (model,)
    )
    known = [r[0] for r in rows]
    unknown = [label for label in selection.labels if label not in known]
    if unknown:
        raise AcceptError(
            f"no suggestion of {model} has the label {', '.join(map(repr, unknown))} "
            f"(its labels: {', '.join(known) or 'none'})"
        )


def _select(
    store: Store, annotator: str, model: str, selection: Selection
) -> tuple[list[int], int]:
    """The selected documents the model has run over, by id, and how many more the
    filter matches that it has not."""
    statuses = list(selection.statuses)
    rows = store.conn.execute(
        "SELECT d.id, EXISTS (SELECT 1 FROM suggest_runs r WHERE r.doc_id = d.id "
        "AND r.model = ?) FROM documents d "
        "LEFT JOIN status s ON s.doc_id = d.id AND s.annotator = ? "
        f"WHERE coalesce(s.status, 'open') IN ({','.join('?' * len(statuses))}) ORDER BY d.id",
        [model, annotator, *statuses],
    ).fetchall()
    wanted: set[int] | None = None
    if selection.doc_ids is not None:
        wanted = set(selection.doc_ids)
        known = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
        unknown = sorted(wanted - known)
        if unknown:
            shown = ", ".join(map(str, unknown[:10])) + (" …" if len(unknown) > 10 else "")
            raise AcceptError(f"no such document: {shown}")
    try:
        found = store.search_ids(selection.search)
    except ValueError as exc:
        raise AcceptError(str(exc)) from exc
    if found is not None:
        wanted = found if wanted is None else wanted & found
    if wanted is not None:
        rows = [r for r in rows if r[0] in wanted]
    return [r[0] for r in rows if r[1]], sum(1 for r in rows if not r[1])


@dataclass
class _Batch:
    accepted: int = 0
    by_layer: dict[str, int] = field(default_factory=dict)
    already: int = 0
    rejected: int = 0
    invalid: int = 0
    overlapping: int = 0
    marked: int = 0


class _Rollback(Exception):
    """Ends a dry run's transaction without keeping anything."""


def _accept_batch(
    store: Store,
    annotator: str,
    model: str,
    selection: Selection,
    ids: list[int],
    mark: str,
    dry_run: bool,
) -> _Batch:
    batch = _Batch()
    try:
        with store.transaction() as conn:
            _write_batch(conn, store, annotator, model, selection, ids, mark, batch)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return batch


def _write_batch(
    conn: Any,
    store: Store,
    annotator: str,
    model: str,
    selection: Selection,
    ids: list[int],
    mark: str,
    batch: _Batch,
) -> None:
    in_ids = f"doc_id IN ({','.join('?' * len(ids))})"
    # The model's suggestions and the knowledge base's pre-links beside them, as the
    # window shows them: one item a span, the pre-link's entity carried onto the model's.
    sql = (
        'SELECT doc_id, layer, start, "end", label, attrs FROM suggestions '
        f"WHERE model IN (?, ?) AND {in_ids}"
    )
    params: list[Any] = [model, KB_SOURCE, *ids]
    for column, values in (("label", selection.labels), ("layer", selection.layers)):
        if values:
            sql += f" AND {column} IN ({','.join('?' * len(values))})"
            params += list(values)
    suggestions = conn.execute(
        sql + ' ORDER BY doc_id, start, "end", layer, label, model = ?, id', [*params, KB_SOURCE]
    )
    # what the curator has: the suggestions decided on, and every span as drawn
    have: set[tuple[int, str]] = set()
    decided: dict[int, list[Candidate]] = {}  # each document's entities as drawn
    for doc_id, layer, start, end, label, source_key in conn.execute(
        f'SELECT doc_id, layer, start, "end", label, source_key FROM annotations '
        f"WHERE annotator = ? AND {in_ids}",
        [annotator, *ids],
    ):
        have.add((doc_id, span_key(layer, start, end, label)))
        if layer == "ents":
            decided.setdefault(doc_id, []).append(Candidate(start, end, decided=True))
        if source_key:
            have.add((doc_id, source_key))
    rejected = set(
        conn.execute(
            f"SELECT doc_id, key FROM rejections WHERE annotator = ? AND {in_ids}",
            [annotator, *ids],
        ).fetchall()
    )
    lengths = dict(
        conn.execute(
            f"SELECT id, length(text) FROM documents WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
    )
    rows: list[list[Any]] = []
    row_of: dict[tuple[int, str], int | None] = {}  # a span seen: its row, if accepted
    bad_label: dict[str, bool] = {}
    for doc_id, layer, start, end, label, attrs in suggestions.fetchall():
        key = span_key(layer, start, end, label)
        link = _kb_link(attrs)
        if (doc_id, key) in row_of:
            # the same span from the knowledge base: its link goes onto the model's row
            seen = row_of[doc_id, key]
            if seen is not None:
                rows[seen][7] = rows[seen][7] or link[1]
            continue
        row_of[doc_id, key] = None
        if label not in bad_label:
            bad_label[label] = label_problem(label) is not None
        if (doc_id, key) in have:
            batch.already += 1
        elif (doc_id, key) in rejected:
            batch.rejected += 1
        elif not 0 <= start < end <= lengths[doc_id] or bad_label[label]:
            batch.invalid += 1
        else:
            have.add((doc_id, key))  # two equal suggestions give one annotation
            row_of[doc_id, key] = len(rows)
            rows.append([doc_id, annotator, layer, start, end, label, *link, "accepted", key])
    rows = _consistent(rows, decided, batch)
    before = conn.execute("SELECT coalesce(max(id), 0) FROM annotations").fetchone()[0]
    conn.executemany(
        'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, attrs, '
        "kb_id, origin, source_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    # The write lock is held, so the ids above the maximum before are these rows.
    events: list[tuple[int | None, str, dict[str, Any]]] = []
    for ann_id, doc_id, layer, start, end, label, kb_id, source_key in conn.execute(
        'SELECT id, doc_id, layer, start, "end", label, kb_id, source_key FROM annotations '
        "WHERE id > ? ORDER BY id",
        (before,),
    ):
        # the payload the window's accept logs (Store.add_annotation)
        payload = {
            "id": ann_id,
            "layer": layer,
            "start": start,
            "end": end,
            "label": label,
            "origin": "accepted",
            "kb_id": kb_id,
            "source_key": source_key,
        }
        events.append((doc_id, "add", payload))
        batch.by_layer[layer] = batch.by_layer.get(layer, 0) + 1
    batch.accepted = len(rows)
    current = dict(
        conn.execute(
            f"SELECT doc_id, status FROM status WHERE annotator = ? AND {in_ids}",
            [annotator, *ids],
        ).fetchall()
    )
    changes = [
        (doc_id, mark)
        for doc_id in ids
        if current.get(doc_id, "open") != mark
        and (mark == "done" or current.get(doc_id, "open") == "open")
    ]
    store.log_many(annotator, events)
    for doc_id, status in changes:  # joins this transaction; logs a status event each
        store.set_status(doc_id, annotator, status)
    batch.marked = len(changes)


def _kb_link(attrs: str) -> tuple[str, str | None]:
    """A suggestion's stored attributes without the knowledge base's pre-link, and the
    entity it links to (the annotation keeps that in its kb_id), as the window's accept."""
    if '"kb_' not in attrs:
        return attrs, None
    decoded = json.loads(attrs)
    kb_id = decoded.get("kb_id")
    own = {k: v for k, v in decoded.items() if not k.startswith("kb_")}
    return json.dumps(own, ensure_ascii=False, sort_keys=True), kb_id


def _consistent(
    rows: list[list[Any]], decided: dict[int, list[Candidate]], batch: _Batch
) -> list[list[Any]]:
    """The rows to insert, less the entities over words that the curator's own entities
    or the knowledge base's pre-links already cover (as the window's Accept all)."""
    ents: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        if row[2] == "ents":
            ents.setdefault(row[0], []).append(i)
    dropped: set[int] = set()
    for doc_id, indices in ents.items():
        mine = decided.get(doc_id, [])
        spans = [Candidate(rows[i][3], rows[i][4], linked=bool(rows[i][7])) for i in indices]
        chosen = accept_all_choice([*mine, *spans])[len(mine) :]
        dropped.update(i for i, take in zip(indices, chosen, strict=True) if not take)
    batch.overlapping += len(dropped)
    return [row for i, row in enumerate(rows) if i not in dropped]
