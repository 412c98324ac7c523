"""Project files as untrusted input.

A project file can come from anyone (a curator's copy sent for merging, a file found on a
share). SQLite runs whatever the file's schema holds: a trigger fires on the tool's own
writes, a view answers the tool's reads in place of a table. So:

- every open compares the file's schema with what the migrations create (built by running
  `MIGRATIONS` on an in-memory database, once per version) and refuses unknown triggers,
  views, virtual tables and indexes on the tool's tables, and tables or triggers that were
  replaced or removed, with one line naming them (`check_schema`);
- every connection runs with `PRAGMA trusted_schema=OFF`, so no schema object can call
  a function or virtual table with side effects (`harden`). The tool's own FTS triggers
  use the `documents_fts` virtual table, which SQLite does not mark innocuous: with the
  pragma off, an UPDATE or DELETE of `documents` fails ("unsafe use of virtual table")
  instead of running them. Nothing in the tool updates or deletes documents (texts are
  verbatim and immutable); code that ever must would turn the pragma on around that one
  statement;
- files that are only read from (`merge`, reading another project) open read-only
  (`file:...?mode=ro`), with `query_only`, and an authorizer that refuses any statement
  that would read through a view or fire a trigger, or write, attach or change the
  schema (`open_readonly`).

Python 3.11's sqlite3 cannot call `sqlite3_db_config`, so SQLITE_DBCONFIG_DEFENSIVE,
ENABLE_TRIGGER and ENABLE_VIEW cannot be set there: the authorizer does their job for
read-only files (it sees every table, view and trigger a statement would touch when the
statement is prepared). On Python 3.12+, where `Connection.setconfig` exists, they are set
as well.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import ProjectError
from annotator.core.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"

# Tables SQLite makes by itself (AUTOINCREMENT, ANALYZE, PRAGMA optimize).
_INTERNAL_TABLES = frozenset(
    {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
)


class UnsafeProject(ProjectError):
    """A project file whose schema holds objects the tool did not create, or that is not
    a project at all; the message names them."""


@dataclass(frozen=True)
class SchemaObject:
    type: str  # table | index | trigger | view
    name: str
    table: str  # the table an index or trigger belongs to (the object itself otherwise)
    sql: str | None  # normalised CREATE statement; None for SQLite's automatic indexes


@functools.cache
def expected_schema(version: int) -> dict[str, SchemaObject]:
    """The schema objects the first `version` migrations create, by name."""
    if not 0 <= version <= len(MIGRATIONS):
        raise ValueError(f"no schema version {version}")
    conn = sqlite3.connect(":memory:")
    try:
        for sql in MIGRATIONS[:version]:
            conn.executescript(sql)
        return _schema(conn)
    finally:
        conn.close()


def _normal(sql: str | None) -> str | None:
    return None if sql is None else re.sub(r"\s+", " ", sql).strip()


def _schema(conn: sqlite3.Connection) -> dict[str, SchemaObject]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    return {name: SchemaObject(type, name, table, _normal(sql)) for type, name, table, sql in rows}


def _q(name: str) -> str:
    """A name from the file, quoted so that it cannot break the message's line."""
    return repr(name)


def schema_problems(conn: sqlite3.Connection, version: int) -> list[str]:
    """What in the file's schema the first `version` migrations did not create, or
    created differently; empty when the schema is exactly the tool's."""
    expected = expected_schema(version)
    actual = _schema(conn)
    ours = {o.name for o in expected.values() if o.type == "table"}
    problems: list[str] = []
    for name, obj in sorted(actual.items()):
        want = expected.get(name)
        if want is not None and want.type == obj.type:
            if want.sql != obj.sql:
                problems.append(f"{obj.type} {_q(name)} differs from what annotator creates")
            continue
        if want is not None:  # same name, another kind of object
            problems.append(f"{obj.type} {_q(name)} in place of the {want.type}")
        elif obj.type == "trigger":
            problems.append(f"unknown trigger {_q(name)} on {_q(obj.table)}")
        elif obj.type == "view":
            problems.append(f"unknown view {_q(name)}")
        elif obj.type == "index" and obj.table in ours:
            problems.append(f"unknown index {_q(name)} on {_q(obj.table)}")
        elif obj.type == "table" and name in _INTERNAL_TABLES:
            continue
        elif obj.type == "table" and (obj.sql or "").upper().startswith("CREATE VIRTUAL"):
            problems.append(f"unknown virtual table {_q(name)}")
        elif obj.type == "table" and obj.table.lower().startswith("sqlite_"):
            problems.append(f"unknown internal table {_q(name)}")
        # Other tables (and their indexes) are the user's own data: the tool never reads
        # them and, with trusted_schema off, they cannot act.
    for name, want in sorted(expected.items()):
        if name not in actual:
            problems.append(f"{want.type} {_q(name)} is missing")
    return problems


def check_schema(conn: sqlite3.Connection, path: Path | str, version: int) -> None:
    """Refuse a project whose schema is not exactly what the migrations up to `version`
    create, naming every object that differs."""
    problems = schema_problems(conn, version)
    if problems:
        raise UnsafeProject(
            f"{path}: refused: the project's schema holds what annotator did not create "
            f"({'; '.join(problems)}); if you trust the file, remove them with the sqlite3 "
            "tool and open it again"
        )


def harden(conn: sqlite3.Connection, *, read_only: bool = False) -> None:
    """Settings for a connection to a file that may be hostile; `read_only` adds those
    for files that are only read from."""
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    setconfig = getattr(conn, "setconfig", None)  # Python 3.12+
    if setconfig is not None:
        setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)  # type: ignore[attr-defined]
        if read_only:
            setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False)  # type: ignore[attr-defined]
            setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW, False)  # type: ignore[attr-defined]
    if read_only:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA mmap_size = 0")
        conn.set_authorizer(_read_only_authorizer)


# What a statement on a read-only file may do: read tables and call functions, from the
# statement itself, never through a view or a trigger.
_ALLOWED_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# Pragmas the read-only reader itself runs.
_ALLOWED_PRAGMAS = frozenset(
    {
        "user_version",
        "application_id",
        "quick_check",
        "query_only",
        "table_info",
        "foreign_keys",
        "trusted_schema",
    }
)


def _read_only_authorizer(
    action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
) -> int:
    if source is not None:  # inside a view or a trigger of the file
        return sqlite3.SQLITE_DENY
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _ALLOWED_PRAGMAS and not arg2:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_TRANSACTION:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


@dataclass
class ReadOnlyProject:
    """Another project file, open only to be read from. `version` is the file's own
    schema version; `conn` reads the file at the current schema (an older file is read
    from a migrated copy in a temporary folder, the original is never written)."""

    path: Path
    conn: sqlite3.Connection
    version: int
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def close(self) -> None:
        self.conn.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> ReadOnlyProject:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    harden(conn, read_only=True)
    return conn


def check_version(path: Path | str, version: int, app_id: int, has_tables: bool) -> None:
    """Refuse a file that is not an annotator project, or one from a newer annotator."""
    if (version == 0 and has_tables) or (version and app_id != APPLICATION_ID):
        raise UnsafeProject(f"{path}: is an SQLite file but not an annotator project")
    if version > SCHEMA_VERSION:
        raise UnsafeProject(
            f"{path}: was written by a newer annotator (schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}); upgrade annotator to open it"
        )


def open_readonly(path: str | Path) -> ReadOnlyProject:
    """Open another project file to read from it, never writing to it and never running
    its triggers or views. Refuses (UnsafeProject, one line) anything that is not a
    project of this or an older schema, whose schema holds foreign objects, or that is
    damaged."""
    path = Path(path)
    if not path.exists():
        raise UnsafeProject(f"{path}: no such file")
    if not path.is_file():
        raise UnsafeProject(f"{path}: is not a file")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise UnsafeProject(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if head != SQLITE_HEADER:
        raise UnsafeProject(f"{path}: not an SQLite file, so not an annotator project")
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise UnsafeProject(f"{path}: cannot open: {exc}") from exc
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        has_tables = conn.execute(
            "SELECT count(*) FROM main.sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
        check_version(path, version, app_id, bool(has_tables))
        if version == 0:
            raise UnsafeProject(f"{path}: is an empty SQLite file, not an annotator project")
        check_schema(conn, path, version)
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise UnsafeProject(f"{path}: the file is damaged ({result})")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UnsafeProject(f"{path}: not an annotator project or damaged ({exc})") from exc
    except UnsafeProject:
        conn.close()
        raise
    if version == SCHEMA_VERSION:
        return ReadOnlyProject(path, conn, version)
    return _migrated_copy(path, conn, version)


def _migrated_copy(path: Path, conn: sqlite3.Connection, version: int) -> ReadOnlyProject:
    """An older project, read from a copy brought to the current schema. The copy is
    made page by page (SQLite's backup), which runs nothing from the file, and only once
    its schema was checked, so the migrations meet only the tool's own objects."""
    tmp = tempfile.TemporaryDirectory(prefix="annotator-")
    copy = Path(tmp.name) / path.name
    try:
        target = sqlite3.connect(str(copy), isolation_level=None)
        try:
            conn.backup(target)
            harden(target)
            for number in range(version + 1, SCHEMA_VERSION + 1):
                target.executescript(
                    f"BEGIN;\n{MIGRATIONS[number - 1]}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
        finally:
            target.close()
        conn.close()
        return ReadOnlyProject(path, _connect_read_only(copy), version, tmp)
    except BaseException:
        conn.close()
        tmp.cleanup()
        raise
