"""Hostile project files: a schema the tool did not create is refused on every open, and
files that are only read from are opened read-only and never run their triggers or views
(issue 11 item 6)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.projectfile import (
    _connect_read_only,
    expected_schema,
    open_readonly,
)
from annotator.core.schema import SCHEMA_VERSION
from annotator.core.store import ProjectError, Store


def _project(path: Path) -> Path:
    with Store(path) as s:
        s.conn.execute(
            "INSERT INTO documents (text, hash) VALUES ('Samsung opened a plant.', 'h1')"
        )
        s.add_annotation(1, "alice", "ents", 0, 7, "ORG", "manual")
        s.set_status(1, "alice", "open")
    return path


def _tamper(path: Path, *sql: str) -> None:
    """Change the file the way an attacker with the sqlite3 tool would."""
    conn = sqlite3.connect(path)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


WRITING_TRIGGER = (
    "CREATE TABLE stolen (text TEXT)",
    "CREATE TRIGGER copy_out AFTER INSERT ON annotations BEGIN "
    "INSERT INTO stolen SELECT text FROM documents WHERE id = new.doc_id; END",
)
STATUS_VIEW = (
    "DROP TABLE status",
    "CREATE VIEW status AS SELECT id AS doc_id, 'alice' AS annotator, 'done' AS status, "
    "'' AS updated FROM documents",
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_expected_schema_is_what_a_new_project_has(tmp_path: Path) -> None:
    with Store(tmp_path / "p.db") as s:
        rows = s.conn.execute("SELECT name FROM sqlite_master").fetchall()
    assert {r[0] for r in rows} == set(expected_schema(SCHEMA_VERSION))
    assert "events_no_update" in expected_schema(SCHEMA_VERSION)


def test_every_open_sets_trusted_schema_off(store: Store) -> None:
    assert store.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_a_trigger_that_would_write_is_refused_and_never_fires(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(path, *WRITING_TRIGGER)
    with pytest.raises(ProjectError, match=r"unknown trigger 'copy_out' on 'annotations'"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM stolen").fetchone()[0] == 0
    conn.close()


def test_a_view_in_place_of_the_status_table_is_refused(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(path, *STATUS_VIEW)
    with pytest.raises(ProjectError) as info:
        Store(path)
    message = str(info.value)
    assert "view 'status' in place of the table" in message
    assert "\n" not in message and str(path) in message


def test_a_replaced_table_and_a_dropped_trigger_are_named(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(
        path,
        "DROP TRIGGER events_no_delete",
        "DROP TABLE rejections",
        "CREATE TABLE rejections (doc_id INTEGER, annotator TEXT, key TEXT, created TEXT)",
    )
    with pytest.raises(ProjectError) as info:
        Store(path)
    assert "table 'rejections' differs from what annotator creates" in str(info.value)
    assert "trigger 'events_no_delete' is missing" in str(info.value)


def test_names_from_the_file_cannot_break_the_line(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(path, 'CREATE VIEW "evil\nname" AS SELECT 1')
    with pytest.raises(ProjectError) as info:
        Store(path)
    assert "\n" not in str(info.value) and "evil\\nname" in str(info.value)


def test_the_users_own_tables_are_allowed(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(path, "CREATE TABLE my_notes (doc_id INTEGER, note TEXT)", "ANALYZE")
    with Store(path) as s:
        assert s.count_documents() == 1


def test_cli_refuses_a_hostile_project_in_one_line(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(path, *STATUS_VIEW)
    result = CliRunner().invoke(
        main,
        ["export", "jsonl", str(tmp_path / "o.jsonl"), "--db", str(path), "--annotator", "alice"],
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "view 'status' in place of the table" in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("tamper", [WRITING_TRIGGER, STATUS_VIEW])
def test_read_only_open_refuses_hostile_files_without_writing(
    tmp_path: Path, tamper: tuple[str, ...]
) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(path, *tamper)
    before = _digest(path)
    with pytest.raises(ProjectError, match="refused"):
        open_readonly(path)
    assert _digest(path) == before


def test_read_only_connection_never_runs_views_or_triggers(tmp_path: Path) -> None:
    """Even past the schema check, the read-only connection refuses to read through a
    view or to fire a trigger (what SQLITE_DBCONFIG_ENABLE_VIEW/TRIGGER would do)."""
    path = _project(tmp_path / "p.db")
    _tamper(path, "CREATE VIEW v AS SELECT * FROM documents", *WRITING_TRIGGER)
    conn = _connect_read_only(path)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    with pytest.raises(sqlite3.DatabaseError, match="prohibited"):
        conn.execute("SELECT * FROM v")
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute(
            'INSERT INTO annotations (doc_id, annotator, layer, start, "end", '
            "label, origin) VALUES (1, 'x', 'ents', 0, 1, 'ORG', 'manual')"
        )
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        conn.execute("ATTACH DATABASE ':memory:' AS other")
    assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    conn.close()


def test_a_future_schema_is_refused(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    _tamper(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for opener in (Store, open_readonly):
        with pytest.raises(ProjectError, match="newer annotator"):
            opener(path)


def test_a_non_project_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    _tamper(path, "CREATE TABLE people (name TEXT)")
    for opener in (Store, open_readonly):
        with pytest.raises(ProjectError, match="not an annotator project"):
            opener(path)
    text = tmp_path / "notes.db"
    text.write_text("hello")
    with pytest.raises(ProjectError, match="not an SQLite file"):
        open_readonly(text)


def test_an_older_project_is_read_from_a_migrated_copy(v1_project: Path) -> None:
    before = _digest(v1_project)
    with open_readonly(v1_project) as src:
        assert src.version == 1
        keys = src.conn.execute("SELECT count(key) FROM entities").fetchone()[0]
        total = src.conn.execute("SELECT count(*) FROM entities").fetchone()[0]
        assert keys == total
    assert _digest(v1_project) == before
    conn = sqlite3.connect(v1_project)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
