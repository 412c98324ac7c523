from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.core.model import span_key
from annotator.core.schema import SCHEMA_VERSION
from annotator.core.store import (
    InvalidSpan,
    NewDocument,
    ProjectBusy,
    ProjectError,
    Store,
    SuggestionDraft,
)

TEXT = "Trade turnover between Kazakhstan and Korea reached $6.1 billion in 2022."


def _doc(store: Store, text: str = TEXT) -> int:
    (doc_id,) = store.add_documents([NewDocument(text, "t", None, "x.txt", {})])
    return doc_id


def test_new_project_is_wal_with_foreign_keys(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrates_v1_fixture_keeping_everything(v1_project: Path) -> None:
    with Store(v1_project) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.count_documents() == 2
        doc = store.document(2)
        assert "🇰🇿" in doc.text and doc.meta == {"k": "v"}
        (ann,) = store.annotations(1, "alice")
        assert (ann.start, ann.end, ann.label, ann.origin) == (24, 34, "GPE", "accepted")
        assert store.status(1, "alice") == "done"
        # v2 built the full-text index over the documents already there
        assert [r.id for r in store.list_documents("alice", search="Astana")] == [2]
        # v3 added the table of runs
        assert store.suggested_doc_ids() == set()


def test_v4_gives_entities_from_before_a_random_local_key(tmp_path: Path) -> None:
    from annotator.core import schema

    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, sql in enumerate(schema.MIGRATIONS[:3], 1):
        conn.executescript(
            f"BEGIN;{sql}PRAGMA application_id = {schema.APPLICATION_ID};"
            f"PRAGMA user_version = {number};COMMIT;"
        )
    conn.executemany("INSERT INTO entities (name) VALUES (?)", [("Astana",), ("Seoul",)])
    conn.close()
    with Store(path) as store:
        keys = [e.key for e in store.entities()]
    assert len(set(keys)) == 2 and all(k.startswith("local:") and len(k) == 22 for k in keys)


def test_failed_migration_leaves_project_at_old_version(
    v1_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core import schema

    broken = (*schema.MIGRATIONS[:2], "CREATE TABLE suggest_runs (x); SELECT nonsense();")
    monkeypatch.setattr("annotator.core.store.MIGRATIONS", broken)
    with pytest.raises(ProjectError):
        Store(v1_project)
    conn = sqlite3.connect(v1_project)
    # v2 ran in its own transaction and stays; v3 rolled back whole
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "suggest_runs" not in tables and "documents_fts" in tables


def test_newer_schema_is_refused_clearly(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ProjectError, match="newer annotator"):
        Store(db_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all" * 100, "not an annotator project or damaged"),
        (b"\x00" * 4096, "not an annotator project"),
    ],
)
def test_garbage_file_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        Store(path)
    assert path.read_bytes() == content


def test_other_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)")
    with pytest.raises(ProjectError, match="not an annotator project"):
        Store(path)


def test_missing_project_without_create(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        Store(tmp_path / "nope.db", create=False)


def test_second_writer_gets_busy_not_corruption(db_path: Path) -> None:
    with Store(db_path) as store:
        _doc(store)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, sys, time
            c = sqlite3.connect({str(db_path)!r}, isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            c.execute("INSERT INTO events (annotator, action) VALUES ('x', 'hold')")
            print("locked", flush=True)
            sys.stdin.readline()
            c.execute("ROLLBACK")
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with Store(db_path, busy_timeout_ms=200) as store:
            with pytest.raises(ProjectBusy, match="project is busy"):
                store.add_annotation(1, "bob", "ents", 0, 5, "ORG", "manual")
            # readers are not blocked by a writer in WAL mode
            assert store.count_documents() == 1
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(10)
    with Store(db_path) as store:
        assert store.annotations(1, "bob") == []
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_duplicate_texts_are_skipped(store: Store) -> None:
    docs = [NewDocument(TEXT, "t", None, "a", {}), NewDocument(TEXT, "t2", None, "b", {})]
    assert len(store.add_documents(docs)) == 1
    assert store.add_documents(docs) == []
    assert store.count_documents() == 1


def test_rerunning_a_model_replaces_only_its_suggestions(store: Store) -> None:
    doc = _doc(store)
    a = [SuggestionDraft("ents", 23, 33, "GPE", {})]
    store.replace_suggestions(doc, "model_a", "1", a)
    store.replace_suggestions(doc, "model_b", "1", [SuggestionDraft("ents", 38, 43, "GPE", {})])
    ann = store.add_annotation(
        doc, "alice", "ents", 23, 33, "GPE", "accepted", source_key=span_key("ents", 23, 33, "GPE")
    )
    store.replace_suggestions(
        doc, "model_a", "2", [SuggestionDraft("figures", 52, 64, "MONEY", {"value": 6.1e9})]
    )
    got = {(s.model, s.model_version, s.label) for s in store.suggestions(doc)}
    assert got == {("model_a", "2", "MONEY"), ("model_b", "1", "GPE")}
    assert store.annotations(doc, "alice") == [ann]
    assert store.suggested_doc_ids("model_a") == {doc}


def test_annotation_lifecycle_is_logged(store: Store) -> None:
    doc = _doc(store)
    ann = store.add_annotation(doc, "alice", "ents", 23, 33, "GPE", "manual")
    assert store.status(doc, "alice") == "in_progress"
    ann = store.update_annotation(ann.id, label="LOC", end=33)
    assert ann.label == "LOC"
    store.delete_annotation(ann.id)
    assert store.annotations(doc, "alice") == []
    actions = [r[0] for r in store.conn.execute("SELECT action FROM events ORDER BY id")]
    assert actions == ["add", "update", "delete"]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM events")


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (10, 4), (0, len(TEXT) + 1)])
def test_spans_out_of_range_are_refused(store: Store, start: int, end: int) -> None:
    doc = _doc(store)
    with pytest.raises(InvalidSpan):
        store.add_annotation(doc, "alice", "ents", start, end, "ORG", "manual")
    assert store.annotations(doc, "alice") == []


def test_rejections_survive_a_model_rerun(store: Store) -> None:
    doc = _doc(store)
    draft = SuggestionDraft("ents", 23, 33, "GPE", {})
    store.replace_suggestions(doc, "m", "1", [draft])
    key = span_key("ents", 23, 33, "GPE")
    store.reject(doc, "alice", key)
    store.replace_suggestions(doc, "m", "1", [draft])
    assert store.rejected_keys(doc, "alice") == {key}
    assert store.list_documents("alice")[0].open_suggestions == 0
    assert store.list_documents("bob")[0].open_suggestions == 1


def test_list_filters_by_status_and_search(store: Store) -> None:
    a = _doc(store)
    b = _doc(store, "Seoul and Astana agreed on 15 flights per week.")
    store.set_status(a, "alice", "done")
    assert [r.id for r in store.list_documents("alice", status="done")] == [a]
    assert [r.id for r in store.list_documents("alice", status="open")] == [b]
    assert [r.id for r in store.list_documents("alice", search="flights")] == [b]
    assert [r.id for r in store.list_documents("alice", search="flight*")] == [b]
    with pytest.raises(ValueError, match="invalid search query"):
        store.list_documents("alice", search='fts: "unclosed')


def test_knowledge_base_entities_and_aliases(store: Store) -> None:
    tokayev = store.add_entity(
        "Kassym-Jomart Tokayev",
        "PERSON",
        description="President of Kazakhstan",
        external_ids={"wikidata": "Q380799"},
        aliases=["Tokayev", "President Tokayev", "Tokayev"],
        annotator="alice",
    )
    astana = store.add_entity("Astana", "GPE", aliases=["Nur-Sultan"], key="test:astana")
    assert tokayev.aliases == ("Kassym-Jomart Tokayev", "President Tokayev", "Tokayev")
    assert store.entity(tokayev.id) == tokayev
    assert [e.name for e in store.entities()] == ["Kassym-Jomart Tokayev", "Astana"]
    assert list(store.entities())[1].aliases == ("Astana", "Nur-Sultan")
    assert astana.external_ids == {}
    # a stable key: given, or a random local one; unique in the project
    assert astana.key == "test:astana"
    assert tokayev.key.startswith("local:") and len(tokayev.key) == 22
    assert store.entity_by_key("test:astana") == astana
    assert store.entity_by_key("test:nowhere") is None
    with pytest.raises(sqlite3.IntegrityError):
        store.add_entity("Astana again", "GPE", key="test:astana")
    with pytest.raises(KeyError):
        store.entity(999)
    with pytest.raises(ValueError, match="needs a name"):
        store.add_entity("  ")
    actions = [r[0] for r in store.conn.execute("SELECT action FROM events")]
    assert actions == ["add_entity", "add_entity"]


@pytest.mark.parametrize(
    "label", ["", " GPE", "GPE ", "PER\tAlice", "PER 0 5\tAlice\nT9\tEVIL", "ORG\r", "A\u200bB"]
)
def test_labels_that_would_break_a_file_or_hide_in_the_window_are_refused(
    store: Store, label: str
) -> None:
    (doc,) = store.add_documents([NewDocument("Astana and Seoul.", "", None, "x", {})])
    with pytest.raises(InvalidSpan, match="label"):
        store.add_annotation(doc, "alice", "ents", 0, 6, label, "manual")
    assert store.annotations(doc, "alice") == []
    # a label with an inner space is fine here; writers of space-separated formats see to it
    assert store.add_annotation(doc, "alice", "ents", 0, 6, "NEW LABEL", "manual").label


def _hold_write_lock(db_path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that takes the project's write lock for `seconds`."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, time
            c = sqlite3.connect({str(db_path)!r}, isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            c.execute("INSERT INTO events (annotator, action) VALUES ('x', 'hold')")
            print("locked", flush=True)
            time.sleep({seconds})
            c.execute("COMMIT")
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_reading_documents_holds_no_snapshot_across_the_readers_writes(db_path: Path) -> None:
    """Issue 11.1: suggest writes between the documents it reads; a commit by another
    connection in between must not make its write fail (SQLITE_BUSY_SNAPSHOT)."""
    with Store(db_path) as store, Store(db_path) as other:
        ids = store.add_documents(
            [NewDocument(f"{TEXT} ({i})", "t", None, "x", {}) for i in range(600)]
        )
        added = 0
        for docs in (store.documents(), store.documents(ids)):
            seen = [next(docs).id]
            for doc in docs:
                if len(seen) % 100 == 1:
                    added += len(
                        other.add_documents([NewDocument(f"new {doc.id}", "", None, "y", {})])
                    )
                    store.replace_suggestions(
                        doc.id, "m", "1", [SuggestionDraft("ents", 23, 33, "GPE", {})]
                    )
                seen.append(doc.id)
            assert seen[: len(ids)] == ids
        # all documents, read in chunks, include those committed meanwhile
        assert len(list(store.documents())) == store.count_documents() == 600 + added


def test_retry_busy_waits_out_another_writer_with_backoff(db_path: Path) -> None:
    with Store(db_path) as store:
        doc = _doc(store)
    holder = _hold_write_lock(db_path, 1.0)
    try:
        with Store(db_path, busy_timeout_ms=100) as store:
            with pytest.raises(ProjectBusy):
                store.set_status(doc, "alice", "done")
            with pytest.raises(ProjectBusy):
                store.retry_busy(lambda: store.set_status(doc, "alice", "done"), patience_s=0.2)
            store.retry_busy(lambda: store.set_status(doc, "alice", "done"), patience_s=30)
            assert store.status(doc, "alice") == "done"
    finally:
        holder.wait(10)


SEARCHABLE = [
    "Japan's exports to the US-China corridor rose 5% to $50 million.",
    "Trade turnover between Kazakhstan and Korea: 15 flights per week or more.",
    "Zürich and Astana (née Nur-Sultan) signed *nothing* — “quoted” text.",
]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Japan's", [0]),
        ("japan", [0]),
        ("$50", [0]),
        ("5%", [0]),
        ("US-China", [0]),
        ("us china", [0]),
        ("China-US", []),  # a phrase: the words in this order
        ('"trade turnover"', [1]),
        ('"turnover trade"', []),
        ("flight*", [1]),
        ("Kazakhstan Korea", [1]),
        ("Kazakhstan Japan", []),
        ("or", [1]),
        ("* OR x", []),  # plain words: "or" and "x" must both occur
        ("AND OR", [1]),
        ("NOT Astana", []),
        ("zurich", [2]),
        ("Nur-Sultan)", [2]),
        ("title:Astana", []),
        ('"unclosed phrase', []),
        ("“quoted”", [2]),
        ("NEAR(trade turnover)", []),
        ("*", [0, 1, 2]),  # nothing to search for: no filter, as an empty box
        ("$ % -- ^", [0, 1, 2]),
        ("🇰🇿", [0, 1, 2]),
        ("a\x00b", []),
        ("\udcff Japan", [0]),  # not UTF-8 on the command line
    ],
)
def test_search_takes_what_people_type_as_plain_words(
    store: Store, typed: str, found: list[int]
) -> None:
    """Issue 11.10: everyday input never fails and finds what it says."""
    ids = store.add_documents([NewDocument(t, "", None, "x", {}) for t in SEARCHABLE])
    rows = store.list_documents("alice", search=typed)
    assert [r.id for r in rows] == [ids[i] for i in found]
    assert store.count_listed("alice", search=typed) == len(found)


def test_fts_prefix_gives_fts5_syntax(store: Store) -> None:
    ids = store.add_documents([NewDocument(t, "t", None, "x", {}) for t in SEARCHABLE])
    assert [r.id for r in store.list_documents("a", search="fts: Japan OR Korea")] == ids[:2]
    assert [r.id for r in store.list_documents("a", search="FTS:flight* NOT Japan")] == [ids[1]]
    assert [r.id for r in store.list_documents("a", search="fts: NEAR(Kazakhstan Korea, 2)")] == [
        ids[1]
    ]
    for bad in ("fts: AND OR", 'fts:"unclosed', "fts: * OR x", "fts: US-China"):
        with pytest.raises(ValueError, match="invalid search query"):
            store.list_documents("a", search=bad)
    assert len(store.list_documents("a", search="fts:   ")) == 3
