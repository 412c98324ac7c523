"""The project: one SQLite file holding documents, suggestions, curators' annotations,
the knowledge base, links, statuses and an append-only log of curator actions.

Every write runs in a transaction that also appends to the events log, so a crash loses
nothing that was committed and never leaves half an action behind.
"""

from __future__ import annotations

import contextlib
import functools
import json
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from annotator.core.errors import ProjectError
from annotator.core.model import (
    LAYERS,
    ORIGINS,
    STATUSES,
    Annotation,
    Document,
    Entity,
    Suggestion,
    label_problem,
    storable_name,
)
from annotator.core.projectfile import check_schema, check_version, harden
from annotator.core.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from annotator.core.search import fts_query, is_fts

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
# How long a long-running writer (suggest) keeps retrying a write the project is too busy
# for, with backoff, before it gives up with ProjectBusy.
BUSY_PATIENCE_S = 120.0
# Documents read per query by Store.documents.
DOCUMENT_CHUNK = 256

# Full-text indexing of the documents above an id, in one statement (see schema v2).
INDEX_NEW_DOCUMENTS = (
    "INSERT INTO documents_fts (rowid, title, text) SELECT id, title, text FROM documents "
    "WHERE id > ?"
)


class ProjectBusy(ProjectError):
    """Another process holds the write lock for longer than the busy timeout."""


class InvalidSpan(ValueError):
    """Offsets that do not fit the document text."""


@dataclass(frozen=True)
class NewDocument:
    text: str
    title: str
    date: str | None
    source: str
    meta: dict[str, Any]


@dataclass(frozen=True)
class DocumentRow:
    """One line of the document list: what `list` and the GUI's list show."""

    id: int
    title: str
    date: str | None
    source: str
    status: str
    open_suggestions: int


@dataclass(frozen=True)
class SuggestionDraft:
    layer: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any]


def content_hash(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# One encoder for every write: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _json(value: dict[str, Any] | None) -> str:
    return _ENCODER.encode(value or {})


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _busy(path: Path) -> ProjectBusy:
    return ProjectBusy(
        f"{path}: project is busy (another process is writing to it); try again in a moment"
    )


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")


class Store:
    """An open project file. Use as a context manager or call close()."""

    def __init__(
        self, path: str | Path, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        if not create and not self.path.exists():
            raise ProjectError(f"{self.path}: no such project (run `annotator import` first)")
        if self.path.is_dir():
            raise ProjectError(f"{self.path}: is a folder, not a project file")
        try:
            conn = sqlite3.connect(
                str(self.path), timeout=busy_timeout_ms / 1000, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise ProjectError(f"{self.path}: cannot open project: {exc}") from exc
        self.conn = conn
        try:
            self._configure()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise _busy(self.path) from exc
            raise ProjectError(f"{self.path}: not an annotator project or damaged ({exc})") from exc
        except ProjectError:
            conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------

    def _configure(self) -> None:
        c = self.conn
        harden(c)
        c.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        c.execute("PRAGMA foreign_keys = ON")
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise ProjectError(f"{self.path}: cannot switch the project to WAL mode ({mode})")
        c.execute("PRAGMA synchronous = NORMAL")

    def _migrate(self) -> None:
        version = self.schema_version
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
        check_version(self.path, version, app_id, bool(has_tables))
        # Before any migration runs: a foreign trigger would fire on the migration's writes.
        check_schema(self.conn, self.path, version)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            self._run_migration(number, MIGRATIONS[number - 1])
        # A project made by this open: callers fill it (the starter knowledge base).
        self.created = version == 0

    def _run_migration(self, number: int, sql: str) -> None:
        # executescript would commit on its own; the explicit BEGIN .. COMMIT makes the
        # migration and its version bump one transaction.
        try:
            self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n"
                f"PRAGMA application_id = {APPLICATION_ID};\n"
                f"PRAGMA user_version = {number};\nCOMMIT;"
            )
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for table-shaped work (the knowledge
        base). Built on first use: importing sqlite-utils costs ~170 ms, which commands
        that never need it should not pay."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; takes the write lock up front (waits up to the busy
        timeout, then raises ProjectBusy). Nested calls join the outer transaction."""
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise _busy(self.path) from exc
            raise
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def retry_busy(
        self,
        write: Callable[[], T],
        *,
        patience_s: float = BUSY_PATIENCE_S,
    ) -> T:
        """Run `write` (which opens its own transaction), and while another process
        holds the project for longer than the busy timeout, try again with backoff
        (0.1 s doubling to 5 s, with jitter) for up to `patience_s`; then ProjectBusy.

        For long-running writers that must not die of a moment's contention (suggest);
        a curator's action in the window keeps the plain busy timeout and its message.
        """
        if self.conn.in_transaction:
            return write()  # inside a caller's transaction: the caller holds the lock
        deadline = time.monotonic() + patience_s
        delay = 0.1
        while True:
            try:
                return write()
            except ProjectBusy:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise
                time.sleep(min(delay * random.uniform(0.5, 1.5), left))
                delay = min(delay * 2, 5.0)

    def log(self, annotator: str, doc_id: int | None, action: str, **payload: Any) -> None:
        self.conn.execute(
            "INSERT INTO events (annotator, doc_id, action, payload) VALUES (?, ?, ?, ?)",
            (annotator, doc_id, action, _json(payload)),
        )

    def log_many(
        self, annotator: str, events: Iterable[tuple[int | None, str, dict[str, Any]]]
    ) -> None:
        """Append (doc_id, action, payload) events of one curator in one statement, as
        `log` writes each (for bulk writes)."""
        self.conn.executemany(
            "INSERT INTO events (annotator, doc_id, action, payload) VALUES (?, ?, ?, ?)",
            ((annotator, doc_id, action, _json(payload)) for doc_id, action, payload in events),
        )

    # -- documents -------------------------------------------------------------------

    def add_documents(self, docs: Sequence[NewDocument]) -> list[int]:
        """Insert documents, skipping those whose text is already in the project.

        Returns the ids of the new ones. One transaction: all or none of the batch.
        """
        rows = [
            (d.text, d.title, d.date, storable_name(d.source), _json(d.meta), content_hash(d.text))
            for d in docs
        ]
        with self.transaction() as conn:
            # The write lock is held, so ids above the current maximum are ours.
            before = conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
            conn.executemany(
                "INSERT OR IGNORE INTO documents (text, title, date, source, meta, hash) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(INDEX_NEW_DOCUMENTS, (before,))
            return [r[0] for r in conn.execute("SELECT id FROM documents WHERE id > ?", (before,))]

    def document_id_for_text(self, text: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM documents WHERE hash = ?", (content_hash(text),)
        ).fetchone()
        return None if row is None else int(row[0])

    def document(self, doc_id: int) -> Document:
        row = self.conn.execute(
            "SELECT id, text, title, date, source, meta FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id}")
        return _document(row)

    def documents(self, ids: Iterable[int] | None = None) -> Iterator[Document]:
        """Documents by id (all, or `ids`), read in chunks of DOCUMENT_CHUNK.

        Each chunk is read whole before any of it is yielded, so no read is left open
        while the caller works on a document. A caller that writes between documents
        (suggest does) would otherwise hold a read snapshot across its own write
        transaction, which fails with SQLITE_BUSY_SNAPSHOT as soon as another process
        has committed (an import, a curator's accept) since the read began.
        """
        sql = "SELECT id, text, title, date, source, meta FROM documents"
        if ids is not None:
            for chunk in _chunks(list(ids), DOCUMENT_CHUNK):
                rows = self.conn.execute(
                    f"{sql} WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk
                ).fetchall()
                yield from map(_document, rows)
            return
        last = 0
        while rows := self.conn.execute(
            f"{sql} WHERE id > ? ORDER BY id LIMIT ?", (last, DOCUMENT_CHUNK)
        ).fetchall():
            yield from map(_document, rows)
            last = rows[-1][0]

    def document_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]

    def count_documents(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def list_documents(
        self,
        annotator: str,
        *,
        status: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        models: Sequence[str] | None = None,
    ) -> list[DocumentRow]:
        """Documents with this curator's status and count of undecided suggestions
        (of `models` only, when given; a span two models suggested counts once, as the
        window shows it once).

        `search` is what a person typed, searched for in titles and texts as plain
        words (see `annotator.core.search`); with the `fts:` prefix it is FTS5 syntax,
        and a malformed one raises ValueError with SQLite's explanation.
        """
        where, params = _list_filter(status, search)
        of_models = "" if models is None else f"AND g.model IN ({','.join('?' * len(models))})"
        sql = f"""
            SELECT d.id, d.title, d.date, d.source, coalesce(s.status, 'open'),
              (SELECT count(DISTINCT g.layer || ':' || g.start || ':' || g."end" || ':' ||
                 g.label) FROM suggestions g WHERE g.doc_id = d.id {of_models}
                 AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.doc_id = d.id
                     AND a.annotator = ? AND a.source_key =
                     g.layer || ':' || g.start || ':' || g."end" || ':' || g.label)
                 AND NOT EXISTS (SELECT 1 FROM rejections r WHERE r.doc_id = d.id
                     AND r.annotator = ? AND r.key =
                     g.layer || ':' || g.start || ':' || g."end" || ':' || g.label))
            FROM documents d
            LEFT JOIN status s ON s.doc_id = d.id AND s.annotator = ?
            {where}
            ORDER BY d.id
            {"LIMIT ? OFFSET ?" if limit is not None else ""}
        """
        params = [*(models or ()), annotator, annotator, annotator, *params]
        if limit is not None:
            params += [limit, offset]
        rows = self._search(sql, params, search).fetchall()
        return [DocumentRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def count_listed(
        self,
        annotator: str,
        *,
        status: str | None = None,
        search: str | None = None,
        before_id: int | None = None,
    ) -> int:
        """How many documents `list_documents` would return with these filters; with
        `before_id`, how many of them come before that document (its row in the list)."""
        where, params = _list_filter(status, search, before_id)
        sql = (
            "SELECT count(*) FROM documents d "
            f"LEFT JOIN status s ON s.doc_id = d.id AND s.annotator = ? {where}"
        )
        return int(self._search(sql, [annotator, *params], search).fetchone()[0])

    def _search(self, sql: str, params: Sequence[Any], search: str | None) -> sqlite3.Cursor:
        """Run a document-list query; a malformed full-text query becomes ValueError."""
        try:
            return self.conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            # Only an fts: query can be malformed (plain words are always quoted), and
            # the MATCH expression is the only part of the statement it changes.
            if search and is_fts(search) and not _is_busy(exc):
                raise ValueError(f"invalid search query {search!r}: {exc}") from exc
            raise

    def search_ids(self, search: str | None) -> set[int] | None:
        """Ids of the documents `search` finds, as the document list's search does;
        None when it has nothing to search for (no filter)."""
        match = fts_query(search)
        if match is None:
            return None
        sql = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
        return {r[0] for r in self._search(sql, [match], search).fetchall()}

    def next_document(
        self, annotator: str, after_id: int, statuses: Sequence[str] = ("open", "in_progress")
    ) -> int | None:
        """The first document after `after_id` (wrapping round to the start) whose status
        for this curator is one of `statuses`; None when there is none."""
        for s in statuses:
            _check_status(s)
        marks = ",".join("?" * len(statuses))
        sql = (
            "SELECT d.id FROM documents d "
            "LEFT JOIN status s ON s.doc_id = d.id AND s.annotator = ? "
            f"WHERE coalesce(s.status, 'open') IN ({marks}) AND d.id {{}} ? ORDER BY d.id LIMIT 1"
        )
        for op in (">", "<="):
            row = self.conn.execute(sql.format(op), [annotator, *statuses, after_id]).fetchone()
            if row is not None:
                return int(row[0])
        return None

    # -- suggestions -----------------------------------------------------------------

    def replace_suggestions(
        self,
        doc_id: int,
        model: str,
        model_version: str,
        spans: Sequence[SuggestionDraft],
    ) -> None:
        """Replace one model's suggestions for one document; other models' suggestions
        and every curator's annotations are left alone."""
        self.replace_suggestions_many(model, model_version, [(doc_id, spans)])

    def replace_suggestions_many(
        self,
        model: str,
        model_version: str,
        batch: Sequence[tuple[int, Sequence[SuggestionDraft]]],
    ) -> None:
        with self.transaction() as conn:
            doc_ids = [(doc_id, model) for doc_id, _ in batch]
            conn.executemany("DELETE FROM suggestions WHERE doc_id = ? AND model = ?", doc_ids)
            conn.executemany(
                'INSERT INTO suggestions (doc_id, layer, start, "end", label, model, '
                "model_version, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (doc_id, s.layer, s.start, s.end, s.label, model, model_version, _json(s.attrs))
                    for doc_id, spans in batch
                    for s in spans
                ],
            )
            conn.executemany(
                "INSERT INTO suggest_runs (doc_id, model, model_version) VALUES (?, ?, ?) "
                "ON CONFLICT (doc_id, model) DO UPDATE SET model_version = excluded.model_version, "
                f"created = {_now_sql()}",
                [(doc_id, model, model_version) for doc_id, _ in batch],
            )

    def suggestions(self, doc_id: int, layer: str | None = None) -> list[Suggestion]:
        sql = (
            'SELECT id, doc_id, layer, start, "end", label, model, model_version, attrs '
            "FROM suggestions WHERE doc_id = ?"
        )
        params: list[Any] = [doc_id]
        if layer is not None:
            sql += " AND layer = ?"
            params.append(layer)
        rows = self.conn.execute(sql + ' ORDER BY start, "end", id', params)
        # most entity suggestions carry no attributes: skip decoding those
        return [Suggestion(*r[:8], attrs=json.loads(r[8]) if r[8] != "{}" else {}) for r in rows]

    def suggested_doc_ids(self, model: str | None = None) -> set[int]:
        """Documents a model (any model, if None) has run over, found something or not."""
        if model is None:
            rows = self.conn.execute("SELECT DISTINCT doc_id FROM suggest_runs")
        else:
            rows = self.conn.execute("SELECT doc_id FROM suggest_runs WHERE model = ?", (model,))
        return {r[0] for r in rows}

    # -- annotations -----------------------------------------------------------------

    def annotations(
        self, doc_id: int, annotator: str, layer: str | None = None
    ) -> list[Annotation]:
        sql = (
            'SELECT id, doc_id, annotator, layer, start, "end", label, origin, kb_id, attrs, '
            "source_key, created, updated FROM annotations WHERE doc_id = ? AND annotator = ?"
        )
        params: list[Any] = [doc_id, annotator]
        if layer is not None:
            sql += " AND layer = ?"
            params.append(layer)
        rows = self.conn.execute(sql + ' ORDER BY start, "end", id', params)
        return [_annotation(r) for r in rows]

    def annotation(self, ann_id: int) -> Annotation:
        row = self.conn.execute(
            'SELECT id, doc_id, annotator, layer, start, "end", label, origin, kb_id, attrs, '
            "source_key, created, updated FROM annotations WHERE id = ?",
            (ann_id,),
        ).fetchone()
        if row is None:
            raise KeyError(f"no annotation {ann_id}")
        return _annotation(row)

    def annotators(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT annotator FROM annotations UNION SELECT annotator FROM status ORDER BY 1"
        )
        return [r[0] for r in rows]

    def _check_span(self, doc_id: int, layer: str, start: int, end: int, label: str) -> None:
        if layer not in LAYERS:
            raise InvalidSpan(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS)}")
        problem = label_problem(label)
        if problem:
            raise InvalidSpan(problem)
        row = self.conn.execute(
            "SELECT length(text) FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id}")
        if not (0 <= start < end <= row[0]):
            raise InvalidSpan(
                f"span {start}-{end} does not fit document {doc_id} (text length {row[0]})"
            )

    def add_annotation(
        self,
        doc_id: int,
        annotator: str,
        layer: str,
        start: int,
        end: int,
        label: str,
        origin: str,
        *,
        kb_id: str | None = None,
        attrs: dict[str, Any] | None = None,
        source_key: str | None = None,
        ann_id: int | None = None,
    ) -> Annotation:
        """Store one curator decision. `ann_id` restores a deleted annotation under its
        old id (redo of a delete), so links made to it stay meaningful."""
        if origin not in ORIGINS:
            raise ValueError(f"unknown origin {origin!r}")
        self._check_span(doc_id, layer, start, end, label)
        with self.transaction() as conn:
            cur = conn.execute(
                'INSERT INTO annotations (id, doc_id, annotator, layer, start, "end", label, '
                "kb_id, attrs, origin, source_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ann_id,
                    doc_id,
                    annotator,
                    layer,
                    start,
                    end,
                    label,
                    kb_id,
                    _json(attrs),
                    origin,
                    source_key,
                ),
            )
            new_id = int(cur.lastrowid or 0)
            self._touch_status(doc_id, annotator)
            self.log(
                annotator,
                doc_id,
                "add",
                id=new_id,
                layer=layer,
                start=start,
                end=end,
                label=label,
                origin=origin,
                kb_id=kb_id,
                source_key=source_key,
            )
        return self.annotation(new_id)

    def update_annotation(self, ann_id: int, **changes: Any) -> Annotation:
        """Change start, end, label, kb_id, attrs or origin of one annotation."""
        allowed = {"start", "end", "label", "kb_id", "attrs", "origin"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
        old = self.annotation(ann_id)
        new = {
            "start": old.start,
            "end": old.end,
            "label": old.label,
            "kb_id": old.kb_id,
            "attrs": old.attrs,
            "origin": old.origin,
            **changes,
        }
        self._check_span(old.doc_id, old.layer, new["start"], new["end"], new["label"])
        with self.transaction() as conn:
            conn.execute(
                'UPDATE annotations SET start = ?, "end" = ?, label = ?, kb_id = ?, attrs = ?, '
                f"origin = ?, updated = {_now_sql()} WHERE id = ?",
                (
                    new["start"],
                    new["end"],
                    new["label"],
                    new["kb_id"],
                    _json(new["attrs"]),
                    new["origin"],
                    ann_id,
                ),
            )
            self.log(
                old.annotator,
                old.doc_id,
                "update",
                id=ann_id,
                before={k: getattr(old, k) for k in changes},
                after={k: changes[k] for k in changes},
            )
        return self.annotation(ann_id)

    def delete_annotation(self, ann_id: int) -> Annotation:
        old = self.annotation(ann_id)
        with self.transaction() as conn:
            conn.execute("DELETE FROM annotations WHERE id = ?", (ann_id,))
            self.log(
                old.annotator,
                old.doc_id,
                "delete",
                id=ann_id,
                layer=old.layer,
                start=old.start,
                end=old.end,
                label=old.label,
            )
        return old

    def reject(self, doc_id: int, annotator: str, key: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO rejections (doc_id, annotator, key) VALUES (?, ?, ?)",
                (doc_id, annotator, key),
            )
            self._touch_status(doc_id, annotator)
            self.log(annotator, doc_id, "reject", key=key)

    def unreject(self, doc_id: int, annotator: str, key: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM rejections WHERE doc_id = ? AND annotator = ? AND key = ?",
                (doc_id, annotator, key),
            )
            self.log(annotator, doc_id, "unreject", key=key)

    def rejected_keys(self, doc_id: int, annotator: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT key FROM rejections WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        )
        return {r[0] for r in rows}

    # -- status ----------------------------------------------------------------------

    def set_status(self, doc_id: int, annotator: str, status: str) -> None:
        _check_status(status)
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO status (doc_id, annotator, status) VALUES (?, ?, ?) "
                f"ON CONFLICT (doc_id, annotator) DO UPDATE SET status = excluded.status, "
                f"updated = {_now_sql()}",
                (doc_id, annotator, status),
            )
            self.log(annotator, doc_id, "status", status=status)

    def _touch_status(self, doc_id: int, annotator: str) -> None:
        """The first decision on an open document puts it in progress."""
        self.conn.execute(
            "INSERT INTO status (doc_id, annotator, status) VALUES (?, ?, 'in_progress') "
            "ON CONFLICT (doc_id, annotator) DO UPDATE SET status = 'in_progress', "
            f"updated = {_now_sql()} WHERE status = 'open'",
            (doc_id, annotator),
        )

    def status(self, doc_id: int, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT status FROM status WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
        return "open" if row is None else str(row[0])

    def doc_ids_with_status(self, annotator: str, status: str) -> list[int]:
        rows = self.conn.execute(
            "SELECT doc_id FROM status WHERE annotator = ? AND status = ? ORDER BY doc_id",
            (annotator, status),
        )
        return [r[0] for r in rows]

    # -- knowledge base (annotator.core.kb.entities; kept here for existing callers) ------

    def add_entity(self, name: str, type: str = "", **kwargs: Any) -> Entity:
        from annotator.core.kb.entities import add_entity

        return add_entity(self, name, type, **kwargs)

    def entity(self, entity_id: int) -> Entity:
        from annotator.core.kb.entities import entity

        return entity(self, entity_id)

    def entity_by_key(self, key: str) -> Entity | None:
        from annotator.core.kb.entities import entity_by_key

        return entity_by_key(self, key)

    def entities(self) -> Iterator[Entity]:
        from annotator.core.kb.entities import entities

        return entities(self)


def _list_filter(
    status: str | None, search: str | None, before_id: int | None = None
) -> tuple[str, list[Any]]:
    """The WHERE clause the document list's filters make (d: documents, s: status)."""
    where: list[str] = []
    params: list[Any] = []
    if status is not None:
        _check_status(status)
        where.append("coalesce(s.status, 'open') = ?")
        params.append(status)
    match = fts_query(search)
    if match:
        where.append("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
        params.append(match)
    if before_id is not None:
        where.append("d.id < ?")
        params.append(before_id)
    return ("WHERE " + " AND ".join(where) if where else ""), params


def _document(r: Sequence[Any]) -> Document:
    return Document(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]))


def _now_sql() -> str:
    return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


def _annotation(r: Sequence[Any]) -> Annotation:
    return Annotation(
        id=r[0],
        doc_id=r[1],
        annotator=r[2],
        layer=r[3],
        start=r[4],
        end=r[5],
        label=r[6],
        origin=r[7],
        kb_id=r[8],
        attrs=json.loads(r[9]),
        source_key=r[10],
        created=r[11],
        updated=r[12],
    )


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def open_project(path: str | Path, *, create: bool = True) -> Store:
    return Store(path, create=create)
