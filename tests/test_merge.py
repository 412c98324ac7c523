"""`annotator merge`: other curators' project files come in whole, once, never over
anyone's work, and hostile files are refused."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.importer import import_paths
from annotator.core.merge import MergeError, merge_projects, parse_renames
from annotator.core.model import GOLD
from annotator.core.store import ProjectError, Store

TEXT = "Samsung and Hyundai met in Seoul on Monday."


def _base(path: Path, seeds: Path) -> Path:
    with Store(path) as s:
        import_paths(s, [seeds])
    return path


def _curate(path: Path, curator: str, spans: list[tuple[int, int, int, str]]) -> None:
    """(doc, start, end, label) annotations, and those documents marked done."""
    with Store(path) as s:
        for doc, start, end, label in spans:
            s.add_annotation(doc, curator, "ents", start, end, label, "manual")
        for doc in sorted({d for d, *_ in spans}):
            s.set_status(doc, curator, "done")


def _table(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    tables = (
        "documents",
        "annotations",
        "status",
        "rejections",
        "events",
        "entities",
        "aliases",
        "links",
    )
    return {t: _table(path, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}


@pytest.fixture
def curators(tmp_path: Path, seeds_dir: Path) -> dict[str, Path]:
    base = _base(tmp_path / "base.db", seeds_dir)
    files = {}
    for name, label in (("alice", "ORG"), ("bob", "GPE")):
        files[name] = tmp_path / f"{name}.db"
        shutil.copy(base, files[name])
        _curate(files[name], name, [(1, 0, 5, label), (2, 0, 4, label)])
    with Store(files["alice"]) as s:
        s.reject(1, "alice", "ents:0:3:ORG")
        entity = s.add_entity("Samsung", "ORG", aliases=["Samsung Electronics"], key="kb:samsung")
        ann = s.add_annotation(3, "alice", "ents", 0, 4, "ORG", "manual", kb_id=entity.key)
        s.conn.execute(
            "INSERT INTO links (annotation_id, role, entity_id, value) VALUES (?, 'subject', ?, "
            "'maker')",
            (ann.id, entity.id),
        )
    return files


def test_merge_brings_everything_under_curator_names(tmp_path: Path, curators: dict) -> None:
    lead = tmp_path / "lead.db"
    with Store(lead) as s:
        reports = merge_projects(s, [curators["alice"], curators["bob"]])
        assert s.count_documents() == 5
        assert [(a.label, a.kb_id) for a in s.annotations(3, "alice")] == [("ORG", "kb:samsung")]
        assert {a.label for a in s.annotations(1, "bob")} == {"GPE"}
        assert s.status(1, "alice") == "done" and s.status(3, "alice") == "in_progress"
        assert s.rejected_keys(1, "alice") == {"ents:0:3:ORG"}
        entity = s.entity_by_key("kb:samsung")
        assert entity is not None and "Samsung Electronics" in entity.aliases
        link = s.conn.execute("SELECT annotation_id, role, entity_id, value FROM links").fetchall()
        assert link == [(s.annotations(3, "alice")[0].id, "subject", entity.id, "maker")]
        # the curators' history came along, in order
        sql = "SELECT action FROM events WHERE annotator = 'alice' AND doc_id = 1 ORDER BY id"
        actions = [r[0] for r in s.conn.execute(sql)]
        assert actions == ["add", "status", "reject"]
    assert reports[0].documents_new == 5 and reports[1].documents_matched == 5
    assert reports[1].curators["bob"].added == 2


def test_merging_twice_changes_nothing(tmp_path: Path, curators: dict) -> None:
    lead = tmp_path / "lead.db"
    paths = [curators["alice"], curators["bob"]]
    with Store(lead) as s:
        merge_projects(s, paths)
    before = _snapshot(lead)
    with Store(lead) as s:
        reports = merge_projects(s, paths)
    assert _snapshot(lead) == before
    assert not any(r.changed for r in reports)
    assert reports[0].curators["alice"].same == 3


def test_source_files_are_never_written(tmp_path: Path, curators: dict) -> None:
    digest = hashlib.sha256(curators["alice"].read_bytes()).hexdigest()
    with Store(tmp_path / "lead.db") as s:
        merge_projects(s, [curators["alice"]])
    assert hashlib.sha256(curators["alice"].read_bytes()).hexdigest() == digest


def test_newer_work_of_the_same_curator_replaces_the_older(tmp_path: Path, curators: dict) -> None:
    lead = tmp_path / "lead.db"
    with Store(lead) as s:
        merge_projects(s, [curators["alice"]])
    old_copy = tmp_path / "old.db"
    shutil.copy(curators["alice"], old_copy)
    # alice goes on working in her file and sends it again
    with Store(curators["alice"]) as s:
        first = s.annotations(1, "alice")[0]
        s.update_annotation(first.id, label="PERSON")
    with Store(lead) as s:
        (report,) = merge_projects(s, [curators["alice"]])
        assert [a.label for a in s.annotations(1, "alice")] == ["PERSON"]
    assert report.curators["alice"].updated == 1
    # and an older copy of her file, merged late, never undoes it
    with Store(lead) as s:
        (report,) = merge_projects(s, [old_copy])
        assert [a.label for a in s.annotations(1, "alice")] == ["PERSON"]
    assert report.curators["alice"].older == 1 and not report.changed


def test_two_people_under_one_name_are_refused_unless_renamed(
    tmp_path: Path, curators: dict, seeds_dir: Path
) -> None:
    lead = tmp_path / "lead.db"
    with Store(lead) as s:
        merge_projects(s, [curators["alice"]])
    other = _base(tmp_path / "other.db", seeds_dir)
    _curate(other, "alice", [(1, 6, 9, "PERSON"), (4, 0, 2, "ORG")])
    before = _snapshot(lead)
    with Store(lead) as s:
        (report,) = merge_projects(s, [other])
    assert report.refused == ["alice"]
    assert "--rename alice=NEW_NAME" in report.clash_messages()[0]
    # nothing of that alice came in, not even the document the first alice never touched
    assert _snapshot(lead)["annotations"] == before["annotations"]
    with Store(lead) as s:
        (report,) = merge_projects(s, [other], renames={"alice": "alice2"})
        assert [a.label for a in s.annotations(1, "alice2")] == ["PERSON"]
        assert [a.label for a in s.annotations(1, "alice")] == ["ORG"]
    assert report.refused == []


def test_cli_merge_reports_clash_and_exits_3(tmp_path: Path, curators: dict, seeds_dir: Path):
    lead = tmp_path / "lead.db"
    runner = CliRunner()
    result = runner.invoke(main, ["merge", str(curators["alice"]), "--db", str(lead)])
    assert result.exit_code == 0, result.output
    assert "alice: 3 documents added" in result.stdout
    other = _base(tmp_path / "other.db", seeds_dir)
    _curate(other, "alice", [(1, 6, 9, "PERSON")])
    result = runner.invoke(main, ["merge", str(other), "--db", str(lead)])
    assert result.exit_code == 3
    assert "curator 'alice' has other work" in result.stderr
    result = runner.invoke(main, ["merge", str(other), "--db", str(lead), "--rename", "alice"])
    assert result.exit_code == 1 and "expected OLD=NEW" in result.stderr
    result = runner.invoke(
        main, ["merge", str(other), "--db", str(lead), "--rename", "alice=carol", "--dry-run"]
    )
    assert result.exit_code == 0 and result.stdout.startswith("would merge")
    with Store(lead) as s:
        assert "carol" not in s.annotators()


def test_gold_is_never_overwritten_by_a_merge(tmp_path: Path, curators: dict) -> None:
    lead = tmp_path / "lead.db"
    with Store(lead) as s:
        merge_projects(s, [curators["alice"]])
        s.add_annotation(1, GOLD, "ents", 0, 5, "ORG", "adjudicated")
    reviewer = tmp_path / "reviewer.db"
    shutil.copy(curators["bob"], reviewer)
    with Store(reviewer) as s:
        s.add_annotation(1, GOLD, "ents", 0, 5, "GPE", "adjudicated")
    with Store(lead) as s:
        (report,) = merge_projects(s, [reviewer])
        assert [a.label for a in s.annotations(1, GOLD)] == ["ORG"]
        assert GOLD in report.refused and "bob" not in report.refused


def test_the_project_itself_and_bad_renames_are_refused(tmp_path: Path, curators: dict):
    with Store(curators["alice"]) as s, pytest.raises(MergeError, match="the project itself"):
        merge_projects(s, [curators["alice"]])
    with pytest.raises(MergeError, match="reserved"):
        parse_renames(["bob=@gold"])


def test_hostile_source_is_refused_and_the_project_unchanged(tmp_path: Path, curators: dict):
    lead = tmp_path / "lead.db"
    with Store(lead) as s:
        merge_projects(s, [curators["bob"]])
    before = _snapshot(lead)
    conn = sqlite3.connect(curators["alice"])
    conn.execute("CREATE TRIGGER spy AFTER INSERT ON annotations BEGIN DELETE FROM status; END")
    conn.commit()
    conn.close()
    with Store(lead) as s, pytest.raises(ProjectError, match="unknown trigger 'spy'"):
        merge_projects(s, [curators["alice"]])
    assert _snapshot(lead) == before


def test_bad_rows_of_a_source_are_listed_and_the_rest_merged(tmp_path: Path, curators: dict):
    conn = sqlite3.connect(curators["bob"])
    # rows no annotator would write: bypass the CHECK constraints as a crafted file can
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(
        'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, origin) '
        "VALUES (3, 'bob', 'ents', 5, 999999, 'ORG', 'manual'), "
        "(3, 'bob', 'ents', 0, 3, 'BAD\tLABEL', 'manual'), "
        "(3, 'bob', 'ents', 0, 3, 'ORG', 'hacked')"
    )
    conn.commit()
    conn.close()
    with Store(tmp_path / "lead.db") as s:
        (report,) = merge_projects(s, [curators["bob"]])
        assert [a.label for a in s.annotations(1, "bob")] == ["GPE"]
        assert s.annotations(3, "bob") == []
    assert len(report.problems) == 3
    assert all(p.startswith("bob.db: annotations row ") for p in report.problems)
    assert any("does not fit its document" in p for p in report.problems)


def test_a_document_whose_annotations_did_not_land_is_not_merged_as_done(
    tmp_path: Path, curators: dict
) -> None:
    """bob marked document 2 done, but one of his annotations on it is a bad row: he is
    not marked done there (his work did not all land), and the report says so. His
    document 1, whose rows are all good, stays done; merging again changes nothing."""
    conn = sqlite3.connect(curators["bob"])
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(
        'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, origin) '
        "VALUES (2, 'bob', 'ents', 0, 3, 'BAD\tLABEL', 'manual')"
    )
    conn.commit()
    conn.close()
    lead = tmp_path / "lead.db"
    with Store(lead) as s:
        (report,) = merge_projects(s, [curators["bob"]])
        assert [a.label for a in s.annotations(2, "bob")] == ["GPE"]  # the good one landed
        assert s.status(2, "bob") == "in_progress"
        assert s.status(1, "bob") == "done"
    assert report.problems[0].startswith("bob.db: annotations row ")
    assert report.problems[1:] == [
        "bob.db: status row 2/bob: not marked done for bob here: 1 of their annotations "
        "on that document could not be merged"
    ]
    with Store(lead) as s:
        (again,) = merge_projects(s, [curators["bob"]])
        assert s.status(2, "bob") == "in_progress"
    assert again.curators["bob"].same == 2 and not again.refused


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("PRAGMA user_version = 999", "newer annotator"),
        ("CREATE VIEW v AS SELECT * FROM documents", "unknown view 'v'"),
        ("DROP TABLE status", "table 'status' is missing"),
    ],
)
def test_merge_refuses_files_it_cannot_trust(
    tmp_path: Path, curators: dict, tamper: str, message: str
) -> None:
    conn = sqlite3.connect(curators["alice"])
    conn.execute(tamper)
    conn.commit()
    conn.close()
    result = CliRunner().invoke(
        main, ["merge", str(curators["alice"]), "--db", str(tmp_path / "lead.db")]
    )
    assert result.exit_code == 1 and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_merge_refuses_a_file_that_is_no_project(tmp_path: Path) -> None:
    other = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(main, ["merge", str(other), "--db", str(tmp_path / "lead.db")])
    assert result.exit_code == 1
    assert "is an SQLite file but not an annotator project" in result.stderr
