"""`kb import`: merge a knowledge-base file into the project.

An entity in the file is matched to one in the project by its key (given, or made from
its external ids: see `entities.entity_key`); an entity with neither is matched by exact
name and type. A match gains the file's aliases, demonyms and external ids; its name,
type and description stay as the project has them. So importing a file twice changes
nothing the second time.

Refused with FILE:LINE: reason, the good rows kept: every row `readers` refuses, a key or
an external id that an earlier row of the file already had, two rows without key or id
with the same name and type, an external id that belongs to another entity of the
project, and an id that contradicts the one the project's entity has for that scheme.

The file is read one record at a time and written in batches, one transaction each
(Ctrl-C keeps the finished batches; importing again completes the rest). What the file
has shown so far (keys, external ids) is kept in temporary SQLite tables, not in memory,
so a Wikidata extract of a million entities imports in bounded memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.kb.entities import DEMONYM
from annotator.core.kb.readers import (
    EntityRecord,
    LeftOut,
    WikidataStats,
    read_records,
)
from annotator.core.model import new_entity_key
from annotator.formats.records import Rejection, file_name

if TYPE_CHECKING:
    import sqlite3

    from annotator.core.store import Store

BATCH = 2000
KEEP_PROBLEMS = 10_000  # the report keeps this many; counts are exact


@dataclass
class KBImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0  # Wikidata items without a label in the language
    problems: list[Rejection] = field(default_factory=list)
    read: int = 0
    interrupted: bool = False

    def summary(self) -> str:
        text = (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected}"
        )
        if self.skipped:
            text += f", skipped {self.skipped} without a label in the language"
        if self.interrupted:
            text += " (interrupted: import again to complete it)"
        return text


_TEMP_TABLES = {
    "kb_import_keys": "key TEXT PRIMARY KEY, line INTEGER",
    "kb_import_ids": "ext TEXT PRIMARY KEY, line INTEGER",
    "kb_import_names": "name TEXT, type TEXT, line INTEGER, PRIMARY KEY (name, type)",
    "kb_project_ids": "ext TEXT PRIMARY KEY, key TEXT",
}


def _start(conn: sqlite3.Connection) -> None:
    """Empty scratch tables for what the file has shown so far, and the project's external
    ids. Statement by statement: executescript would commit a caller's transaction."""
    for name, columns in _TEMP_TABLES.items():
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
        conn.execute(f"DELETE FROM temp.{name}")
    conn.execute(
        "INSERT OR IGNORE INTO kb_project_ids (ext, key) SELECT j.key || ':' || j.value, "
        "e.key FROM entities e, json_each(e.external_ids) j"
    )


def _finish(conn: sqlite3.Connection) -> None:
    for name in _TEMP_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def import_kb(
    store: Store,
    path: Path,
    fmt: str | None = None,
    *,
    language: str = "en",
    type: str = "",
    annotator: str = "",
    on_problem: Callable[[Rejection], None] | None = None,
    on_progress: Callable[[KBImportReport], None] | None = None,
) -> KBImportReport:
    """Merge the entities of `path` into the project's knowledge base."""
    report = KBImportReport()
    stats = WikidataStats()
    records = read_records(path, fmt, language=language, type=type, stats=stats)
    conn = store.conn
    _start(conn)

    def problem(rejection: Rejection) -> None:
        if not isinstance(rejection, LeftOut):
            report.rejected += 1
        if len(report.problems) < KEEP_PROBLEMS:
            report.problems.append(rejection)
        if on_problem:
            on_problem(rejection)

    try:
        for batch in _batches(records):
            with store.transaction():
                counts = _import_batch(conn, file_name(path), batch, problem, report)
                store.log(annotator, None, "kb_import", file=file_name(path), **counts)
            report.read += sum(1 for r in batch if not isinstance(r, Rejection))
            if on_progress:
                on_progress(report)
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        report.skipped = stats.skipped
        _finish(conn)
    return report


def import_records(
    store: Store, name: str, records: Iterable[EntityRecord], *, annotator: str = ""
) -> KBImportReport:
    """Merge records already in memory (the starter KB) the same way as a file."""
    report = KBImportReport()
    conn = store.conn

    def problem(rejection: Rejection) -> None:
        report.rejected += 1
        report.problems.append(rejection)

    with store.transaction():
        _start(conn)
        try:
            counts = _import_batch(conn, name, list(records), problem, report)
            store.log(annotator, None, "kb_import", file=name, **counts)
        finally:
            _finish(conn)
    return report


def _batches(
    records: Iterator[EntityRecord | Rejection],
) -> Iterator[list[EntityRecord | Rejection]]:
    """Batches of BATCH records, with the rejections among them (reported in line
    order)."""
    batch: list[EntityRecord | Rejection] = []
    size = 0
    for item in records:
        batch.append(item)
        if not isinstance(item, Rejection):
            size += 1
            if size >= BATCH:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def _import_batch(
    conn: sqlite3.Connection,
    file: str,
    batch: Sequence[EntityRecord | Rejection],
    problem: Callable[[Rejection], None],
    report: KBImportReport,
) -> dict[str, int]:
    before = (report.added, report.updated, report.unchanged)
    next_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM entities").fetchone()[0]) + 1
    new_entities: list[tuple[int, str, str, str, str, str]] = []
    new_aliases: list[tuple[int, str, str]] = []
    for r in batch:
        if isinstance(r, Rejection):
            problem(r)
            continue
        reason = _seen_before(conn, r)
        if reason:
            problem(Rejection(file, r.line, reason))
            continue
        key = r.stable_key
        existing = _existing(conn, r, key)
        if isinstance(existing, str):
            problem(Rejection(file, r.line, existing))
            continue
        _mark_seen(conn, r)
        if existing is None:
            entity_id = next_id
            next_id += 1
            key = key or new_entity_key()
            new_entities.append(
                (entity_id, r.name, r.type, r.description, _ids_json(r.external_ids), key)
            )
            new_aliases += [(entity_id, a, "") for a in sorted({r.name, *r.aliases})]
            new_aliases += [
                (entity_id, d, DEMONYM) for d in sorted(set(r.demonyms) - {r.name, *r.aliases})
            ]
            report.added += 1
        elif _merge(conn, existing, r):
            report.updated += 1
        else:
            report.unchanged += 1
    conn.executemany(
        "INSERT INTO entities (id, name, type, description, external_ids, key) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        new_entities,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO aliases (entity_id, alias, kind) VALUES (?, ?, ?)", new_aliases
    )
    return {
        "added": report.added - before[0],
        "updated": report.updated - before[1],
        "unchanged": report.unchanged - before[2],
    }


def _seen_before(conn: sqlite3.Connection, r: EntityRecord) -> str | None:
    """Why an earlier row of the same file makes this one a duplicate, or None."""
    key = r.stable_key
    if r.key is not None:
        row = conn.execute("SELECT line FROM kb_import_keys WHERE key = ?", (key,)).fetchone()
        if row:
            return f"duplicate key {key} (also on line {row[0]})"
    for scheme, value in r.external_ids.items():
        row = conn.execute(
            "SELECT line FROM kb_import_ids WHERE ext = ?", (f"{scheme}:{value}",)
        ).fetchone()
        if row:
            return f"duplicate external id {scheme}:{value} (also on line {row[0]})"
    if key is not None and r.key is None:  # the key its ids make, given to another row
        row = conn.execute("SELECT line FROM kb_import_keys WHERE key = ?", (key,)).fetchone()
        if row:
            return f"duplicate key {key} (also on line {row[0]})"
    if key is None:
        row = conn.execute(
            "SELECT line FROM kb_import_names WHERE name = ? AND type = ?", (r.name, r.type)
        ).fetchone()
        if row:
            return (
                f"same name and type as line {row[0]} ({r.name!r}, {r.type or 'no type'}); "
                "give each a key or an external id to tell them apart"
            )
    return None


def _mark_seen(conn: sqlite3.Connection, r: EntityRecord) -> None:
    key = r.stable_key
    if key is not None:
        conn.execute("INSERT INTO kb_import_keys (key, line) VALUES (?, ?)", (key, r.line))
    else:
        conn.execute(
            "INSERT INTO kb_import_names (name, type, line) VALUES (?, ?, ?)",
            (r.name, r.type, r.line),
        )
    if r.external_ids:
        conn.executemany(
            "INSERT OR IGNORE INTO kb_import_ids (ext, line) VALUES (?, ?)",
            [(f"{s}:{v}", r.line) for s, v in r.external_ids.items()],
        )


def _existing(conn: sqlite3.Connection, r: EntityRecord, key: str | None) -> int | str | None:
    """The project's entity this record is (its row id), None when it is new, or why the
    record contradicts the project."""
    found: int | None = None
    if key is not None:
        row = conn.execute("SELECT id FROM entities WHERE key = ?", (key,)).fetchone()
        found = None if row is None else int(row[0])
    else:
        row = conn.execute(
            "SELECT id FROM entities WHERE name = ? AND type = ? ORDER BY id LIMIT 1",
            (r.name, r.type),
        ).fetchone()
        found = None if row is None else int(row[0])
    own_key = key
    if found is not None and own_key is None:
        own_key = conn.execute("SELECT key FROM entities WHERE id = ?", (found,)).fetchone()[0]
    for scheme, value in r.external_ids.items():
        row = conn.execute(
            "SELECT key FROM kb_project_ids WHERE ext = ?", (f"{scheme}:{value}",)
        ).fetchone()
        if row and row[0] != own_key:
            name = conn.execute("SELECT name FROM entities WHERE key = ?", (row[0],)).fetchone()
            return (
                f"external id {scheme}:{value} belongs to {row[0]}"
                f"{f' ({name[0]!r})' if name else ''} in the project"
            )
    if found is not None:
        ids = json.loads(
            conn.execute("SELECT external_ids FROM entities WHERE id = ?", (found,)).fetchone()[0]
        )
        for scheme, value in r.external_ids.items():
            if scheme in ids and ids[scheme] != value:
                return (
                    f"{own_key} has {scheme}:{ids[scheme]} in the project; "
                    f"this row says {scheme}:{value}"
                )
    return found


def _merge(conn: sqlite3.Connection, entity_id: int, r: EntityRecord) -> bool:
    """Give the project's entity the record's aliases, demonyms and external ids; True
    when anything was new."""
    changed = False
    names = sorted({r.name, *r.aliases})
    for alias in names:
        cur = conn.execute(
            "INSERT OR IGNORE INTO aliases (entity_id, alias, kind) VALUES (?, ?, '')",
            (entity_id, alias),
        )
        changed |= bool(cur.rowcount)
    for demonym in sorted(set(r.demonyms) - set(names)):
        cur = conn.execute(
            "INSERT OR IGNORE INTO aliases (entity_id, alias, kind) VALUES (?, ?, ?)",
            (entity_id, demonym, DEMONYM),
        )
        changed |= bool(cur.rowcount)
    if r.external_ids:
        row = conn.execute("SELECT external_ids, key FROM entities WHERE id = ?", (entity_id,))
        ids_text, key = row.fetchone()
        ids = json.loads(ids_text)
        added = {s: v for s, v in r.external_ids.items() if s not in ids}
        if added:
            ids.update(added)
            conn.execute(
                "UPDATE entities SET external_ids = ? WHERE id = ?", (_ids_json(ids), entity_id)
            )
            conn.executemany(
                "INSERT OR IGNORE INTO kb_project_ids (ext, key) VALUES (?, ?)",
                [(f"{s}:{v}", key) for s, v in added.items()],
            )
            changed = True
    return changed


def _ids_json(ids: dict[str, str]) -> str:
    return json.dumps(ids, ensure_ascii=False, sort_keys=True)
