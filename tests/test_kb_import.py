"""`kb import` / `kb export`: JSON Lines, CSV and Wikidata dump lines; every bad row as
FILE:LINE: reason with the good rows kept; re-import changes nothing; round trips."""

from __future__ import annotations

import bz2
import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.kb.entities import entities, entity_by_key
from annotator.core.kb.exporting import export_kb
from annotator.core.kb.importing import import_kb
from annotator.core.store import Store


def _lines(path: Path, records: list[object]) -> Path:
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
        ),
        "utf-8",
    )
    return path


def _cli(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


GOOD = [
    {
        "key": "test:tokayev",
        "name": "Kassym-Jomart Tokayev",
        "type": "PERSON",
        "description": "President of Kazakhstan",
        "aliases": ["Tokayev", "President Tokayev"],
    },
    {"name": "Astana", "type": "GPE", "aliases": ["Nur-Sultan"], "external_ids": {"geo": "A1"}},
    {"name": "Hungary", "type": "GPE", "demonyms": ["Hungarian"]},
]


def test_jsonl_every_bad_row_is_named_and_the_good_ones_are_kept(
    store: Store, tmp_path: Path
) -> None:
    path = _lines(
        tmp_path / "kb.jsonl",
        [
            *GOOD,  # lines 1-3
            "{not json",  # 4
            "[1, 2]",  # 5
            {"type": "GPE"},  # 6
            {"name": "  padded "},  # 7
            {"name": "Seoul", "type": "GPE\tX"},  # 8
            {"name": "Busan", "aliases": "Pusan"},  # 9
            {"name": "Busan", "external_ids": ["Q1"]},  # 10
            {"name": "Busan", "external_ids": {"wikidata": "42"}},  # 11
            {"name": "Busan", "external_ids": {"Bad Scheme": "x"}},  # 12
            {"name": "Tokayev again", "key": "test:tokayev"},  # 13
            {"name": "Astana City", "external_ids": {"geo": "A1"}},  # 14
            {"name": "Hungary", "type": "GPE"},  # 15: same name and type, no key or id
            {"name": "Kia", "type": "ORG", "colour": "red", "aliases": ["KIA"]},  # 16
            {"name": "Nil", "key": "NIL"},  # 17
            {"name": "Line\nbreak"},  # 18
        ],
    )
    with path.open("ab") as f:
        f.write(b'{"name": "caf\xe9"}\n')  # 19: Latin-1, not UTF-8
    report = import_kb(store, path)
    problems = [str(p) for p in report.problems]
    assert problems == [
        "kb.jsonl:4: malformed JSON: Expecting property name enclosed in double quotes (column 2)",
        "kb.jsonl:5: expected a JSON object, found list",
        "kb.jsonl:6: missing name",
        "kb.jsonl:7: name '  padded ' has white space at an edge or is too long",
        "kb.jsonl:8: type 'GPE\\tX' holds a tab, line break or control character",
        "kb.jsonl:9: aliases must be a list of strings",
        'kb.jsonl:10: external_ids must be an object of strings, e.g. {"wikidata": "Q42"}',
        "kb.jsonl:11: wikidata id '42' is not a QID like Q42",
        "kb.jsonl:12: external id scheme 'Bad Scheme' is not a short lower-case name "
        "(letters, digits, '_', '.', '-')",
        "kb.jsonl:13: duplicate key test:tokayev (also on line 1)",
        "kb.jsonl:14: duplicate external id geo:A1 (also on line 2)",
        "kb.jsonl:15: same name and type as line 3 ('Hungary', GPE); give each a key or an "
        "external id to tell them apart",
        "kb.jsonl:16: unknown field 'colour' left out (known: key, name, type, description, "
        "external_ids, aliases, demonyms)",
        "kb.jsonl:17: key 'NIL' must be a string without white space (and not NIL)",
        "kb.jsonl:18: name 'Line\\nbreak' holds a line break or control character",
        "kb.jsonl:19: not valid UTF-8 (byte 0xe9 at column 14); save the file as UTF-8",
    ]
    # the unknown field is reported, not the row: Kia is kept
    assert (report.added, report.rejected) == (4, 15)
    names = sorted(e.name for e in entities(store))
    assert names == ["Astana", "Hungary", "Kassym-Jomart Tokayev", "Kia"]
    assert entity_by_key(store, "geo:A1").aliases == ("Astana", "Nur-Sultan")  # type: ignore[union-attr]
    hungary = next(e for e in entities(store) if e.name == "Hungary")
    assert hungary.demonyms == ("Hungarian",) and hungary.key.startswith("local:")
    # the same file again changes nothing
    before = store.conn.execute("SELECT count(*) FROM aliases").fetchone()[0]
    again = import_kb(store, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert store.conn.execute("SELECT count(*) FROM aliases").fetchone()[0] == before


def test_a_row_gains_aliases_and_ids_but_keeps_the_projects_name(
    store: Store, tmp_path: Path
) -> None:
    import_kb(store, _lines(tmp_path / "a.jsonl", GOOD[:1]))
    more = {
        "key": "test:tokayev",
        "name": "K. Tokayev",
        "type": "ORG",
        "aliases": ["Kassym Tokayev"],
        "external_ids": {"viaf": "123"},
    }
    report = import_kb(store, _lines(tmp_path / "b.jsonl", [more]))
    assert (report.added, report.updated) == (0, 1)
    e = entity_by_key(store, "test:tokayev")
    assert e is not None and (e.name, e.type) == ("Kassym-Jomart Tokayev", "PERSON")
    assert "Kassym Tokayev" in e.aliases and "K. Tokayev" in e.aliases
    assert e.external_ids == {"viaf": "123"}
    # an id another entity holds, and an id that contradicts the project's, are refused
    import_kb(store, _lines(tmp_path / "c.jsonl", [{"name": "Astana", "key": "test:astana"}]))
    clash = [
        {"key": "test:astana", "name": "Astana", "external_ids": {"viaf": "123"}},
        {"key": "test:tokayev", "name": "Tokayev", "external_ids": {"viaf": "999"}},
    ]
    report = import_kb(store, _lines(tmp_path / "d.jsonl", clash))
    assert [str(p) for p in report.problems] == [
        "d.jsonl:1: external id viaf:123 belongs to test:tokayev ('Kassym-Jomart Tokayev') "
        "in the project",
        "d.jsonl:2: test:tokayev has viaf:123 in the project; this row says viaf:999",
    ]


def test_csv_round_trip_and_its_bad_rows(store: Store, tmp_path: Path) -> None:
    from annotator.core.kb.entities import add_entity

    add_entity(
        store,
        "Kassym-Jomart Tokayev",
        "PERSON",
        description='President, "Kazakhstan"\nsecond line',
        aliases=["Tokayev", "a|b", "back\\slash", "=SUM(A1)"],
        external_ids={"wikidata": "Q380799"},
        key="wikidata:Q380799",
    )
    add_entity(store, "Kazakhstan", "GPE", demonyms=["Kazakh"], key="iso3166:KZ")
    out = tmp_path / "kb.csv"
    assert export_kb(store, out) == 2
    text = out.read_text("utf-8")
    assert "'=SUM(A1)" in text  # a spreadsheet shows it, never runs it
    with Store(tmp_path / "other.db") as other:
        report = import_kb(other, out)
        assert (report.added, report.rejected) == (2, 0)
        assert list(entities(other)) == [
            e.__class__(**{**e.__dict__, "id": i}) for i, e in enumerate(entities(store), 1)
        ]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,type,aliases,colour,external_ids\n"
        "Seoul,GPE,Sŏul,blue,\n"
        ",GPE,,,\n"
        "Busan,GPE\n"
        "Incheon,GPE,,,wikidata\n"
        "Daegu,GPE,,,wikidata:Q1|wikidata:Q2\n",
        "utf-8",
    )
    report = import_kb(store, bad)
    assert [str(p) for p in report.problems] == [
        "bad.csv:1: unknown column 'colour' left out (known: key, name, type, description, "
        "external_ids, aliases, demonyms)",
        "bad.csv:3: missing name",
        "bad.csv:4: 2 fields where the header has 5",
        "bad.csv:5: external id 'wikidata' is not SCHEME:ID (e.g. wikidata:Q42)",
        "bad.csv:6: two wikidata ids (Q1 and Q2)",
    ]
    assert report.added == 1 and entity_by_key(store, "iso3166:KZ") is not None


def test_files_that_are_not_kb_files(store: Store, tmp_path: Path) -> None:
    binary = tmp_path / "kb.jsonl"
    binary.write_bytes(b"\x00\x01\x02SQLite")
    empty = tmp_path / "empty.csv"
    empty.write_text("", "utf-8")
    noname = tmp_path / "noname.csv"
    noname.write_text("title,type\nx,GPE\n", "utf-8")
    assert [str(p) for p in import_kb(store, binary).problems] == [
        "kb.jsonl:1: binary file, not JSON Lines"
    ]
    assert [str(p) for p in import_kb(store, empty).problems] == ["empty.csv:1: empty file"]
    assert [str(p) for p in import_kb(store, noname).problems] == [
        "noname.csv:1: no column 'name' (columns: title, type)"
    ]
    assert [str(p) for p in import_kb(store, tmp_path / "missing.jsonl").problems] == [
        "missing.jsonl:0: no such file"
    ]


def _wikidata_item(qid: str, label: str | None, **extra: object) -> dict[str, object]:
    item: dict[str, object] = {
        "type": "item",
        "id": qid,
        "labels": {"en": {"language": "en", "value": label}} if label else {},
        "descriptions": {"en": {"language": "en", "value": f"about {label}"}},
        "aliases": {"en": [{"language": "en", "value": f"{label} alias"}], "de": []},
        "claims": {"P31": [{"mainsnak": {"datavalue": {"value": {"id": "Q5"}}}}]},
    }
    item.update(extra)
    return item


def test_wikidata_dump_lines_plain_gzip_and_bz2(store: Store, tmp_path: Path) -> None:
    lines = [
        "[",
        json.dumps(_wikidata_item("Q1001", "Ada Lovelace")) + ",",
        json.dumps(_wikidata_item("Q1002", None)) + ",",  # no English label: skipped
        json.dumps({"type": "property", "id": "P31", "labels": {}}) + ",",
        "{broken,",
        json.dumps(_wikidata_item("Q1003", "Alan Turing")),
        "]",
    ]
    plain = tmp_path / "dump.json"
    plain.write_text("\n".join(lines) + "\n", "utf-8")
    report = import_kb(store, plain, type="PERSON")
    assert [str(p) for p in report.problems] == [
        "dump.json:5: malformed JSON: Expecting property name enclosed in double quotes (column 2)"
    ]
    assert (report.added, report.skipped) == (2, 2)
    ada = entity_by_key(store, "wikidata:Q1001")
    assert ada is not None
    assert (ada.name, ada.type, ada.description) == ("Ada Lovelace", "PERSON", "about Ada Lovelace")
    assert ada.external_ids == {"wikidata": "Q1001"}
    assert ada.aliases == ("Ada Lovelace", "Ada Lovelace alias")
    for opener, suffix in ((gzip.open, ".json.gz"), (bz2.open, ".json.bz2")):
        packed = tmp_path / f"dump{suffix}"
        with opener(packed, "wt", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        again = import_kb(store, packed, type="PERSON")
        assert (again.added, again.unchanged, again.rejected) == (0, 2, 1)


def test_wikidata_streams_without_holding_the_file(store: Store, tmp_path: Path) -> None:
    """Entities are written in batches as they are read: a batch is in the project
    before the reader has reached the end of the file."""
    from annotator.core.kb import importing

    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as f:
        for i in range(1, 2 * importing.BATCH + 2):
            f.write(json.dumps(_wikidata_item(f"Q{i}", f"Entity {i}")) + ",\n")
    seen_in_project: list[int] = []

    def on_progress(report: object) -> None:
        seen_in_project.append(store.conn.execute("SELECT count(*) FROM entities").fetchone()[0])

    report = import_kb(store, path, on_progress=on_progress)
    assert report.added == 2 * importing.BATCH + 1
    assert seen_in_project == [importing.BATCH, 2 * importing.BATCH, 2 * importing.BATCH + 1]


def test_cli_import_add_list_export(db_path: Path, tmp_path: Path) -> None:
    db = str(db_path)
    Store(db_path).close()  # an empty project (one `kb import` made would get the starter KB)
    path = _lines(tmp_path / "kb.jsonl", [*GOOD, {"type": "GPE"}])
    result = _cli("kb", "import", str(path), "--db", db)
    assert result.exit_code == 3  # type: ignore[attr-defined]
    assert result.stderr == "kb.jsonl:4: missing name\n"  # type: ignore[attr-defined]
    assert result.stdout == "added 3, updated 0, unchanged 0, rejected 1\n"  # type: ignore[attr-defined]
    added = _cli(
        "kb", "add", "Samsung", "--type", "ORG", "--alias", "Samsung Electronics",
        "--id", "wikidata:Q20718", "--db", db,
    )  # fmt: skip
    assert added.stdout == "added wikidata:Q20718 'Samsung' (ORG)\n"  # type: ignore[attr-defined]
    refusals = [
        (
            ["Other", "--type", "ORG", "--id", "wikidata:Q20718"],
            "wikidata:Q20718 is already the id of wikidata:Q20718 ('Samsung')",
        ),
        (
            ["Other", "--type", "ORG", "--id", "Q20718"],
            "Invalid value for --id: external id 'Q20718' is not SCHEME:ID (e.g. wikidata:Q42)",
        ),
        (
            ["Other", "--type", "OR\tG"],
            "Invalid value for --type: type 'OR\\tG' holds a tab, line break or control character",
        ),
        (
            ["Other", "--type", "ORG", "--key", "test:tokayev"],
            "key test:tokayev is already in the knowledge base",
        ),
        (["  ", "--type", "ORG"], "the name must not be empty or start or end with a space"),
    ]
    for args, error in refusals:
        result = _cli("kb", "add", *args, "--db", db)
        assert result.exit_code != 0, args  # type: ignore[attr-defined]
        last = result.stderr.strip().splitlines()[-1]  # type: ignore[attr-defined]
        assert last.endswith(error), last
    listed = _cli("kb", "list", "--search", "Samsng", "--format", "jsonl", "--db", db)
    first = json.loads(listed.stdout.splitlines()[0])  # type: ignore[attr-defined]
    assert first["key"] == "wikidata:Q20718" and "like “Samsung”" in first["why"]
    table = _cli("kb", "list", "--type", "GPE", "--db", db)
    assert [line.split()[2] for line in table.stdout.splitlines()] == ["Astana", "Hungary"]  # type: ignore[attr-defined]
    out = tmp_path / "out.jsonl"
    exported = _cli("kb", "export", str(out), "--db", db)
    assert exported.stdout == f"exported 4 entities to {out}\n"  # type: ignore[attr-defined]
    # `export kb` is the same code
    same = tmp_path / "same.jsonl"
    _cli("export", "kb", str(same), "--db", db)
    assert same.read_text("utf-8") == out.read_text("utf-8")
    again = _cli("kb", "export", str(out), "--db", db)
    assert again.exit_code == 1 and "already exists; use --force" in again.stderr  # type: ignore[attr-defined]
    # and what it wrote imports into another project unchanged
    other = str(tmp_path / "other.db")
    Store(other).close()
    _cli("kb", "import", str(out), "--db", other)
    round_trip = tmp_path / "round.jsonl"
    _cli("kb", "export", str(round_trip), "--db", other)
    assert round_trip.read_text("utf-8") == out.read_text("utf-8")


def test_a_new_project_gets_the_starter_kb_unless_asked_not_to(
    tmp_path: Path, seeds_dir: Path
) -> None:
    with_kb, without = tmp_path / "a.db", tmp_path / "b.db"
    _cli("import", str(seeds_dir), "--db", str(with_kb))
    _cli("import", str(seeds_dir), "--db", str(without), "--empty-kb")
    with Store(with_kb) as store:
        kz = entity_by_key(store, "iso3166:KZ")
        assert kz is not None and kz.demonyms == ("Kazakh", "Kazakhstani")
        n = store.conn.execute("SELECT count(*) FROM entities").fetchone()[0]
        assert n > 249
    # importing into an existing project does not load it again
    _cli("import", str(seeds_dir), "--db", str(with_kb))
    with Store(with_kb) as store, Store(without) as empty:
        assert store.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == n
        assert empty.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    loaded = _cli("kb", "starter", "--db", str(without))
    assert loaded.stdout == f"added {n}, updated 0, unchanged 0, rejected 0\n"  # type: ignore[attr-defined]


def test_the_starter_countries_are_pycountrys() -> None:
    """Every country's key and codes are pycountry's, none typed by hand; the build
    script reproduces the shipped file."""
    pycountry = pytest.importorskip("pycountry")
    import runpy

    from conftest import ROOT

    build = runpy.run_path(str(ROOT / "scripts" / "build_starter_kb.py"))
    names = json.loads((ROOT / "resources/kb/country_names.json").read_text("utf-8"))
    shipped = [
        json.loads(line)
        for line in (ROOT / "resources/kb/countries.jsonl").read_text("utf-8").splitlines()
    ]
    assert shipped == build["country_records"](names["countries"])
    assert len(shipped) == len(pycountry.countries)
    for record in shipped:
        c = pycountry.countries.get(alpha_2=record["external_ids"]["iso3166"])
        assert record["key"] == f"iso3166:{c.alpha_2}"
        assert record["external_ids"]["iso3166-alpha3"] == c.alpha_3
        assert record["external_ids"]["iso3166-numeric"] == c.numeric


def test_v5_keeps_entities_and_counts_kb_changes(store: Store) -> None:
    from annotator.core.kb.entities import add_alias, add_entity, generation, remove_alias

    start = generation(store)
    e = add_entity(store, "Astana", "GPE", key="test:astana")
    after_add = generation(store)
    assert after_add > start
    add_alias(store, e.id, "Nur-Sultan")
    assert generation(store) > after_add
    before = generation(store)
    remove_alias(store, e.id, "Nur-Sultan")
    assert generation(store) > before
    with pytest.raises(sqlite3.IntegrityError):
        add_entity(store, "Astana again", "GPE", key="test:astana")


def test_the_window_makes_its_project_with_the_starter_kb(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`annotator gui --db NEW seeds/` makes the project (starter KB in it) before the
    window opens and imports."""
    import annotator.gui.app

    opened: list[tuple[str, str, tuple[str, ...]]] = []
    monkeypatch.setattr(
        annotator.gui.app, "run", lambda db, who, paths: opened.append((db, who, paths)) or 0
    )
    db = tmp_path / "new.db"
    result = _cli("gui", str(seeds_dir), "--db", str(db), "--annotator", "al")
    assert result.exit_code == 0 and opened == [(str(db), "al", (str(seeds_dir),))]
    with Store(db) as store:
        assert entity_by_key(store, "iso3166:KR") is not None
        assert store.count_documents() == 0  # the window imports them


def test_a_lone_surrogate_is_one_bad_row_in_every_kb_format(
    db_path: Path, store: Store, tmp_path: Path
) -> None:
    """A \\ud800 escape in a JSON field (or the UTF-8 bytes of a surrogate in CSV) is
    reported as FILE:LINE and the import goes on: SQLite cannot store such a string."""
    jsonl = tmp_path / "kb.jsonl"
    jsonl.write_text(
        "\n".join(
            [
                '{"name": "Bad\\ud800name"}',
                '{"name": "Seoul", "type": "G\\ud800PE"}',
                '{"name": "Busan", "description": "port \\udfff city"}',
                '{"name": "Daegu", "aliases": ["ok", "D\\ud800"]}',
                '{"name": "Ulsan", "demonyms": ["\\ud83d"]}',
                '{"name": "Jeju", "key": "k\\ud800"}',
                '{"name": "Gwangju", "external_ids": {"geo": "G\\ud800"}}',
                '{"name": "Suwon", "type": "GPE"}',
                '{"name": "Emoji \\ud83d\\ude00", "type": "GPE"}',  # a valid pair: kept
            ]
        )
        + "\n",
        "utf-8",
    )
    report = import_kb(store, jsonl)
    problems = [str(p) for p in report.problems]
    assert len(problems) == 7, problems
    assert [p.split(":")[1] for p in problems] == ["1", "2", "3", "4", "5", "6", "7"]
    assert all("lone surrogate" in p for p in problems), problems
    assert problems[2].startswith("kb.jsonl:3: description (\\udfff at 5) holds a lone")
    assert sorted(e.name for e in entities(store)) == ["Emoji 😀", "Suwon"]

    dump = tmp_path / "dump.json"
    dump.write_text(
        "[\n"
        + json.dumps(_wikidata_item("Q2001", "Ada\ud800"), ensure_ascii=True)
        + ",\n"
        + json.dumps(_wikidata_item("Q2002", "Grace", descriptions={"en": {"value": "\udc00"}}))
        + ",\n"
        + json.dumps(_wikidata_item("Q2003", "Alan"))
        + "\n]\n",
        "utf-8",
    )
    report = import_kb(store, dump)
    assert [str(p).split(":")[1] for p in report.problems] == ["2", "3"]
    assert report.added == 1 and entity_by_key(store, "wikidata:Q2003") is not None

    table = tmp_path / "kb.csv"
    table.write_bytes(b"name,type\nBad\xed\xa0\x80,GPE\nIncheon,GPE\n")  # a surrogate in UTF-8
    report = import_kb(store, table)
    assert [str(p) for p in report.problems] == [
        "kb.csv:2: not valid UTF-8; save the file as UTF-8"
    ]
    assert report.added == 1

    # the command line says the same, one line a row, and exits as for any bad row
    result = _cli("kb", "import", str(jsonl), "--db", str(db_path))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.output.count("lone surrogate") == 7
