"""Bringing other curators' project files into this one, safely.

Each other file is opened read-only as untrusted input (`projectfile.open_readonly`:
schema checked, triggers and views never run). Its documents are matched to this
project's by content hash (new ones are added); then, for every curator of the other
file and every document they worked on, their *state* (annotations, status, rejections)
and their *history* (events) are compared with what this project holds for the same
curator and document:

- nothing here yet: the state is added and the events appended;
- the same events: already merged, nothing changes (so merging twice changes nothing);
- the events here are the first part of theirs: the same person did more work since
  (e.g. after an earlier merge): their newer state replaces the older one and the new
  events are appended;
- theirs are the first part of the events here: this project is newer, nothing changes;
- anything else is two different people under one name: the curator is reported and
  nothing of theirs is merged (from that file) unless renamed (`renames`).

The adjudicated gold (`@gold`) is a curator like any other here, so a reviewer's work
merges by the same rules and is never overwritten by someone else's.

Knowledge-base entities are matched by their stable key (schema v4); new ones are added
with their aliases. Links follow the annotations they belong to. Every source file is
merged in one transaction: all of it or, on an error, none.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD, LAYERS, ORIGINS, STATUSES, label_problem
from annotator.core.projectfile import ReadOnlyProject, open_readonly
from annotator.core.store import NewDocument, Store, content_hash

Event = tuple[str, str, str]  # ts, action, payload
Pair = tuple[str, int]  # curator, document id (in the file it comes from)


class MergeError(AnnotatorError):
    """A merge that cannot start (bad --rename, the project itself given as source)."""


@dataclass
class CuratorMerge:
    """What happened to one curator of a source file."""

    merged_as: str
    added: int = 0  # documents whose work was new to this project
    updated: int = 0  # documents where newer work of the same curator replaced older
    same: int = 0  # documents already merged
    older: int = 0  # documents where this project holds newer work
    annotations: int = 0
    events: int = 0
    clashes: list[int] = field(default_factory=list)  # source document ids

    @property
    def refused(self) -> bool:
        return bool(self.clashes)


@dataclass
class MergeReport:
    path: Path
    documents_new: int = 0
    documents_matched: int = 0
    curators: dict[str, CuratorMerge] = field(default_factory=dict)
    entities_new: int = 0
    entities_existing: int = 0
    links: int = 0
    # rows of the source file that could not be used: "FILE: table row N: reason"
    problems: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[str]:
        return [name for name, c in self.curators.items() if c.refused]

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_new
            or self.entities_new
            or any(c.added or c.updated or c.events for c in self.curators.values())
        )

    def clash_messages(self) -> list[str]:
        out = []
        for name, c in self.curators.items():
            if c.refused:
                out.append(
                    f"{self.path}: curator {name!r} has other work than {c.merged_as!r} in "
                    f"this project on {len(c.clashes)} document(s) (first: document "
                    f"{c.clashes[0]} of that file): two people under one name? nothing of "
                    f"theirs was merged; merge again with --rename {name}=NEW_NAME"
                )
        return out

    def summary(self) -> str:
        parts = [
            f"{self.path}: {self.documents_new} new documents, {self.documents_matched} "
            "already in the project"
        ]
        for name, c in sorted(self.curators.items()):
            if c.refused:
                continue
            shown = name if c.merged_as == name else f"{name} as {c.merged_as}"
            bits = [f"{c.added} documents added"]
            if c.updated:
                bits.append(f"{c.updated} updated with newer work")
            if c.same:
                bits.append(f"{c.same} already merged")
            if c.older:
                bits.append(f"{c.older} newer here (kept)")
            parts.append(
                f"{shown}: {', '.join(bits)} ({c.annotations} annotations, {c.events} events)"
            )
        if self.entities_new or self.entities_existing:
            parts.append(
                f"knowledge base: {self.entities_new} new entities, "
                f"{self.entities_existing} already there"
            )
        if self.links:
            parts.append(f"{self.links} links")
        if self.refused:
            parts.append(f"refused curators: {', '.join(sorted(self.refused))}")
        return "; ".join(parts)


ProgressFn = Callable[[str], None]


def parse_renames(pairs: Iterable[str]) -> dict[str, str]:
    """`OLD=NEW` strings as a mapping; MergeError on a malformed one."""
    renames: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise MergeError(f"--rename {pair!r}: expected OLD=NEW")
        if new == GOLD and old != GOLD:
            raise MergeError(f"--rename {pair!r}: {GOLD} is reserved for the adjudicated gold")
        if old in renames and renames[old] != new:
            raise MergeError(f"--rename {old!r} is given twice")
        renames[old] = new
    return renames


def merge_projects(
    store: Store,
    paths: Sequence[str | Path],
    *,
    renames: Mapping[str, str] | None = None,
    dry_run: bool = False,
    annotator: str = "",
    on_progress: ProgressFn | None = None,
) -> list[MergeReport]:
    """Merge each file of `paths` into `store` (see the module's doc). `dry_run` does
    the whole merge and rolls it back, so the reports say what would happen."""
    reports = []
    for path in paths:
        path = Path(path)
        if path.exists() and store.path.exists() and path.samefile(store.path):
            raise MergeError(f"{path}: is the project itself")
        with open_readonly(path) as source:
            if on_progress:
                on_progress(f"{path.name}: reading")
            reports.append(
                _merge_one(store, source, dict(renames or {}), dry_run, annotator, on_progress)
            )
    return reports


class _Rollback(Exception):
    pass


def _merge_one(
    store: Store,
    source: ReadOnlyProject,
    renames: dict[str, str],
    dry_run: bool,
    annotator: str,
    on_progress: ProgressFn | None,
) -> MergeReport:
    report = MergeReport(source.path)
    reader = _Source(source, report)
    try:
        with store.transaction():
            doc_map = _merge_documents(store, reader, report)
            key_map = _merge_entities(store, reader, report)
            if on_progress:
                on_progress(f"{source.path.name}: comparing curators' work")
            _merge_curators(store, reader, report, doc_map, key_map, renames)
            if report.changed:
                store.log(
                    annotator,
                    None,
                    "merge",
                    file=str(source.path),
                    curators={k: v.merged_as for k, v in report.curators.items() if not v.refused},
                    refused=report.refused,
                )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


class _BadText:
    """A TEXT value of the source file that is not valid UTF-8."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw


def _decode(raw: bytes) -> str | _BadText:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _BadText(raw)


class _Source:
    """Reads the source file's rows, checking each as untrusted input."""

    def __init__(self, source: ReadOnlyProject, report: MergeReport) -> None:
        self.conn = source.conn
        self.conn.text_factory = _decode
        self.name = source.path.name
        self.report = report

    def problem(self, table: str, row_id: Any, reason: str) -> None:
        self.report.problems.append(f"{self.name}: {table} row {row_id}: {reason}")

    def rows(self, sql: str) -> Iterable[tuple[Any, ...]]:
        return self.conn.execute(sql)


def _is_text(*values: Any) -> bool:
    return all(isinstance(v, str) for v in values)


def _json_object(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, str):
        return None
    try:
        obj = json.loads(value)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


# -- documents ---------------------------------------------------------------------------


def _merge_documents(store: Store, src: _Source, report: MergeReport) -> dict[int, int]:
    """Source document id -> this project's id; adds the documents that are new."""
    mapping: dict[int, int] = {}
    pending: dict[str, int] = {}  # content hash -> source id of a new text
    seen: dict[str, int] = {}
    new: list[NewDocument] = []
    for doc_id, text, title, date, source, meta in src.rows(
        "SELECT id, text, title, date, source, meta FROM documents ORDER BY id"
    ):
        meta_obj = _json_object(meta)
        if not _is_text(text, title, source) or not (date is None or isinstance(date, str)):
            src.problem("documents", doc_id, "text, title, date or source is not valid text")
            continue
        if meta_obj is None:
            src.problem("documents", doc_id, "meta is not a JSON object")
            continue
        digest = content_hash(text)  # of the text itself: the file's hash column is not trusted
        if digest in seen:
            src.problem("documents", doc_id, f"the same text as document {seen[digest]}")
            continue
        seen[digest] = doc_id
        row = store.conn.execute("SELECT id FROM documents WHERE hash = ?", (digest,)).fetchone()
        if row is not None:
            mapping[doc_id] = int(row[0])
            report.documents_matched += 1
        else:
            pending[digest] = doc_id
            new.append(NewDocument(text, title, date, source, meta_obj))
    for i in range(0, len(new), 500):
        report.documents_new += len(store.add_documents(new[i : i + 500]))
    for digest, src_id in pending.items():
        row = store.conn.execute("SELECT id FROM documents WHERE hash = ?", (digest,)).fetchone()
        mapping[src_id] = int(row[0])
    return mapping


# -- knowledge base ----------------------------------------------------------------------


def _merge_entities(store: Store, src: _Source, report: MergeReport) -> dict[int, int]:
    """Source entity id -> this project's id, matched by key; adds new entities."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for entity_id, alias in src.rows("SELECT entity_id, alias FROM aliases"):
        if isinstance(alias, str) and alias.strip():
            aliases[entity_id].append(alias)
    mapping: dict[int, int] = {}
    for entity_id, name, etype, description, external_ids, key in src.rows(
        "SELECT id, name, type, description, external_ids, key FROM entities ORDER BY id"
    ):
        if not _is_text(name, etype, description, key) or not name.strip() or not key:
            src.problem("entities", entity_id, "name, type, description or key is not valid")
            continue
        ext = _json_object(external_ids)
        if ext is None:
            src.problem("entities", entity_id, "external_ids is not a JSON object")
            continue
        if etype and label_problem(etype):
            src.problem("entities", entity_id, str(label_problem(etype)))
            continue
        names = sorted({name, *aliases.get(entity_id, [])})
        row = store.conn.execute("SELECT id FROM entities WHERE key = ?", (key,)).fetchone()
        if row is not None:
            # the entity is there: only aliases it lacks are added, nothing is replaced
            mapping[entity_id] = int(row[0])
            report.entities_existing += 1
            store.conn.executemany(
                "INSERT OR IGNORE INTO aliases (entity_id, alias) VALUES (?, ?)",
                [(int(row[0]), a) for a in names],
            )
            continue
        cur = store.conn.execute(
            "INSERT INTO entities (name, type, description, external_ids, key) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, etype, description, json.dumps(ext, ensure_ascii=False, sort_keys=True), key),
        )
        new_id = int(cur.lastrowid or 0)
        store.conn.executemany(
            "INSERT OR IGNORE INTO aliases (entity_id, alias) VALUES (?, ?)",
            [(new_id, a) for a in names],
        )
        mapping[entity_id] = new_id
        report.entities_new += 1
    return mapping


# -- curators' work ----------------------------------------------------------------------


@dataclass
class _State:
    """One curator's work on one document in one file."""

    annotations: list[tuple[Any, ...]] = field(default_factory=list)
    status: tuple[str, str] | None = None  # status, updated
    rejections: list[tuple[str, str]] = field(default_factory=list)  # key, created
    events: list[Event] = field(default_factory=list)
    dropped: int = 0  # annotations of the file left out as bad rows

    @property
    def empty(self) -> bool:
        return not (self.annotations or self.status or self.rejections or self.events)

    @property
    def landed_status(self) -> tuple[str, str] | None:
        """The status as merged: never done when some of the annotations did not land
        (the curator's work here is not what they finished)."""
        if self.status is not None and self.status[0] == "done" and self.dropped:
            return ("in_progress", self.status[1])
        return self.status

    def signature(self) -> tuple[Any, ...]:
        status = self.landed_status
        return (
            sorted((a[1], a[2], a[3], a[4], a[5] or "", a[6]) for a in self.annotations),
            status[0] if status else "open",
            sorted(k for k, _ in self.rejections),
        )


def _read_states(
    src: _Source, doc_map: Mapping[int, int], texts: Mapping[int, int]
) -> tuple[dict[Pair, _State], dict[str, list[Event]]]:
    """Every (curator, source document) state of the source file, checked row by row;
    and each curator's events that name no document."""
    states: dict[Pair, _State] = defaultdict(_State)
    loose: dict[str, list[Event]] = defaultdict(list)
    dropped: dict[Pair, int] = defaultdict(int)
    for row in src.rows(
        'SELECT id, doc_id, annotator, layer, start, "end", label, kb_id, attrs, origin, '
        "source_key, created, updated FROM annotations ORDER BY id"
    ):
        ann_id, doc_id, who, layer, start, end, label, kb_id, attrs, origin, skey, cr, up = row
        reason = _annotation_problem(row, texts)
        if reason:
            src.problem("annotations", ann_id, reason)
            if isinstance(who, str):
                dropped[(who, doc_id)] += 1
            continue
        states[(who, doc_id)].annotations.append(
            (ann_id, layer, start, end, label, kb_id, attrs, origin, skey, cr, up)
        )
    for doc_id, who, status, updated in src.rows(
        "SELECT doc_id, annotator, status, updated FROM status"
    ):
        if doc_id not in doc_map or not _is_text(who, status, updated) or status not in STATUSES:
            src.problem("status", f"{doc_id}/{who!s}", "not a valid status row")
            continue
        states[(who, doc_id)].status = (status, updated)
    for doc_id, who, key, created in src.rows(
        "SELECT doc_id, annotator, key, created FROM rejections"
    ):
        if doc_id not in doc_map or not _is_text(who, key, created):
            src.problem("rejections", f"{doc_id}/{who!s}", "not a valid rejection row")
            continue
        states[(who, doc_id)].rejections.append((key, created))
    for event_id, ts, who, doc_id, action, payload in src.rows(
        "SELECT id, ts, annotator, doc_id, action, payload FROM events ORDER BY id"
    ):
        if not _is_text(ts, who, action, payload):
            src.problem("events", event_id, "not a valid event row")
            continue
        if doc_id is None:
            loose[who].append((ts, action, payload))
        elif doc_id in doc_map:
            states[(who, doc_id)].events.append((ts, action, payload))
        # events of documents the file no longer holds stay in that file
    for pair, count in dropped.items():
        if pair in states:
            states[pair].dropped = count
    return states, loose


def _annotation_problem(row: tuple[Any, ...], texts: Mapping[int, int]) -> str | None:
    _id, doc_id, who, layer, start, end, label, kb_id, attrs, origin, skey, cr, up = row
    if doc_id not in texts:
        return "its document was not merged"
    if not _is_text(who, layer, label, origin, cr, up):
        return "a field is not valid text"
    if layer not in LAYERS:
        return f"unknown layer {layer!r}"
    if origin not in ORIGINS:
        return f"unknown origin {origin!r}"
    if not (isinstance(start, int) and isinstance(end, int)) or not (
        0 <= start < end <= texts[doc_id]
    ):
        return f"span {start}-{end} does not fit its document (length {texts[doc_id]})"
    problem = label_problem(label)
    if problem:
        return problem
    if not (kb_id is None or isinstance(kb_id, str)) or not (skey is None or isinstance(skey, str)):
        return "kb_id or source_key is not valid text"
    if _json_object(attrs) is None:
        return "attrs is not a JSON object"
    return None


def _here_states(store: Store, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], _State]:
    """This project's states for (curator, document) pairs."""
    wanted = set(pairs)
    curators = sorted({c for c, _ in wanted})
    states: dict[tuple[str, int], _State] = defaultdict(_State)
    if not curators:
        return states
    marks = ",".join("?" * len(curators))
    c = store.conn
    for row in c.execute(
        'SELECT id, doc_id, annotator, layer, start, "end", label, kb_id, attrs, origin, '
        f"source_key, created, updated FROM annotations WHERE annotator IN ({marks})",
        curators,
    ):
        if (row[2], row[1]) in wanted:
            states[(row[2], row[1])].annotations.append((row[0], *row[3:]))
    for doc_id, who, status, updated in c.execute(
        f"SELECT doc_id, annotator, status, updated FROM status WHERE annotator IN ({marks})",
        curators,
    ):
        if (who, doc_id) in wanted:
            states[(who, doc_id)].status = (status, updated)
    for doc_id, who, key, created in c.execute(
        f"SELECT doc_id, annotator, key, created FROM rejections WHERE annotator IN ({marks})",
        curators,
    ):
        if (who, doc_id) in wanted:
            states[(who, doc_id)].rejections.append((key, created))
    for ts, who, doc_id, action, payload in c.execute(
        f"SELECT ts, annotator, doc_id, action, payload FROM events WHERE annotator IN ({marks}) "
        "AND doc_id IS NOT NULL ORDER BY id",
        curators,
    ):
        if (who, doc_id) in wanted:
            states[(who, doc_id)].events.append((ts, action, payload))
    return states


def _compare(theirs: _State, ours: _State) -> str:
    """How a source state relates to this project's: add, same, update, older or clash."""
    if ours.empty:
        return "add"
    a, b = theirs.events, ours.events
    if a == b:
        return "same" if a or theirs.signature() == ours.signature() else "clash"
    if len(b) < len(a) and a[: len(b)] == b:
        return "update"
    if len(a) < len(b) and b[: len(a)] == a:
        return "older"
    return "clash"


def _merge_curators(
    store: Store,
    src: _Source,
    report: MergeReport,
    doc_map: Mapping[int, int],
    key_map: Mapping[int, int],
    renames: Mapping[str, str],
) -> None:
    texts = {
        d: int(n)
        for d, n in src.rows("SELECT id, length(text) FROM documents")
        if d in doc_map and isinstance(n, int)
    }
    states, loose = _read_states(src, doc_map, texts)
    target = {pair: (renames.get(pair[0], pair[0]), doc_map[pair[1]]) for pair in states}
    ours = _here_states(store, target.values())
    plans: dict[str, list[tuple[Pair, str]]] = defaultdict(list)
    for pair, theirs in sorted(states.items()):
        who = pair[0]
        merge = report.curators.setdefault(who, CuratorMerge(renames.get(who, who)))
        verdict = _compare(theirs, ours[target[pair]])
        if verdict == "clash":
            merge.clashes.append(pair[1])
        plans[who].append((pair, verdict))
    for who, plan in plans.items():
        merge = report.curators[who]
        if merge.refused:
            continue
        for pair, verdict in plan:
            if verdict == "same":
                merge.same += 1
            elif verdict == "older":
                merge.older += 1
            else:
                theirs = states[pair]
                if theirs.landed_status != theirs.status:
                    src.problem(
                        "status",
                        f"{pair[1]}/{who}",
                        f"not marked done for {merge.merged_as} here: {theirs.dropped} of "
                        "their annotations on that document could not be merged",
                    )
                _write_state(
                    store,
                    src,
                    report,
                    merge,
                    theirs,
                    ours[target[pair]],
                    target[pair],
                    key_map,
                    verdict,
                )
        merge.events += _append_loose(store, merge.merged_as, loose.get(who, []))


def _write_state(
    store: Store,
    src: _Source,
    report: MergeReport,
    merge: CuratorMerge,
    theirs: _State,
    ours: _State,
    where: tuple[str, int],
    key_map: Mapping[int, int],
    verdict: str,
) -> None:
    who, doc_id = where
    c = store.conn
    if verdict == "update":
        merge.updated += 1
        # links of the replaced annotations go with them (ON DELETE CASCADE)
        c.execute("DELETE FROM annotations WHERE annotator = ? AND doc_id = ?", (who, doc_id))
        c.execute("DELETE FROM rejections WHERE annotator = ? AND doc_id = ?", (who, doc_id))
    else:
        merge.added += 1
    ids: dict[int, int] = {}
    for (
        src_id,
        layer,
        start,
        end,
        label,
        kb_id,
        attrs,
        origin,
        skey,
        created,
        updated,
    ) in theirs.annotations:
        cur = c.execute(
            'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, kb_id, '
            "attrs, origin, source_key, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)",
            (doc_id, who, layer, start, end, label, kb_id, attrs, origin, skey, created, updated),
        )
        ids[src_id] = int(cur.lastrowid or 0)
    merge.annotations += len(ids)
    c.executemany(
        "INSERT OR IGNORE INTO rejections (doc_id, annotator, key, created) VALUES (?, ?, ?, ?)",
        [(doc_id, who, key, created) for key, created in theirs.rejections],
    )
    status = theirs.landed_status
    if status is not None:
        c.execute(
            "INSERT INTO status (doc_id, annotator, status, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (doc_id, annotator) DO UPDATE SET status = excluded.status, "
            "updated = excluded.updated",
            (doc_id, who, *status),
        )
    elif verdict == "update":
        c.execute("DELETE FROM status WHERE annotator = ? AND doc_id = ?", (who, doc_id))
    new_events = theirs.events[len(ours.events) :] if verdict == "update" else theirs.events
    _append_events(store, who, doc_id, new_events)
    merge.events += len(new_events)
    report.links += _copy_links(store, src, ids, key_map)


def _append_events(store: Store, who: str, doc_id: int | None, events: Sequence[Event]) -> None:
    store.conn.executemany(
        "INSERT INTO events (ts, annotator, doc_id, action, payload) VALUES (?, ?, ?, ?, ?)",
        [(ts, who, doc_id, action, payload) for ts, action, payload in events],
    )


def _append_loose(store: Store, who: str, events: Sequence[Event]) -> int:
    """Append a curator's events that name no document (e.g. adding an entity), those
    not already here."""
    if not events:
        return 0
    here = set(
        store.conn.execute(
            "SELECT ts, action, payload FROM events WHERE annotator = ? AND doc_id IS NULL",
            (who,),
        )
    )
    new = [e for e in events if e not in here]
    _append_events(store, who, None, new)
    return len(new)


def _copy_links(
    store: Store, src: _Source, ids: Mapping[int, int], key_map: Mapping[int, int]
) -> int:
    """Copy the links of the source annotations just merged (ids: source -> new)."""
    if not ids:
        return 0
    count = 0
    src_ids = list(ids)
    for i in range(0, len(src_ids), 500):
        chunk = src_ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for link_id, ann, role, target, entity, value in src.conn.execute(
            "SELECT id, annotation_id, role, target_annotation_id, entity_id, value FROM links "
            f"WHERE annotation_id IN ({marks}) ORDER BY id",
            chunk,
        ):
            if role not in ("metric", "period", "subject") or not (
                value is None or isinstance(value, str)
            ):
                src.problem("links", link_id, "not a valid link row")
                continue
            if target is not None and target not in ids:
                src.problem("links", link_id, "links to an annotation that was not merged")
                continue
            if entity is not None and entity not in key_map:
                src.problem("links", link_id, "links to an entity that was not merged")
                continue
            store.conn.execute(
                "INSERT INTO links (annotation_id, role, target_annotation_id, entity_id, value) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    ids[ann],
                    role,
                    None if target is None else ids[target],
                    None if entity is None else key_map[entity],
                    value,
                ),
            )
            count += 1
    return count
