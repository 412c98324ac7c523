from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import EXIT_REJECTED, main


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_import_list_and_stats(db_path: Path, seeds_dir: Path) -> None:
    result = _run("import", str(seeds_dir), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 5, duplicates 0, rejected 0"
    again = _run("import", str(seeds_dir), "--db", str(db_path))
    assert again.stdout.strip() == "imported 0, duplicates 5, rejected 0"

    listed = _run("list", "--db", str(db_path), "--format", "jsonl", "--annotator", "ann")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["source"] for r in rows] == sorted(p.name for p in seeds_dir.iterdir())
    assert rows[0]["date"] == "2023-06-01" and rows[0]["status"] == "open"
    assert set(rows[0]) >= {"id", "source", "title", "date", "status"}

    table = _run("list", "--db", str(db_path), "--search", "Hungary")
    assert table.exit_code == 0
    assert "Kazakhstan, Hungary confirm course" in table.stdout
    assert "Busan" not in table.stdout

    stats = _run("stats", "--db", str(db_path), "--format", "json")
    assert json.loads(stats.stdout)["documents"] == 5


def test_import_with_rejections_exits_non_zero_and_keeps_good(
    db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{oops\n', "utf-8")
    result = _run("import", str(bad), "--db", str(db_path))
    assert result.exit_code == EXIT_REJECTED
    assert result.stderr.strip() == (
        "bad.jsonl:2: malformed JSON: Expecting property name enclosed in double quotes (column 2)"
    )
    assert result.stdout.strip() == "imported 1, duplicates 0, rejected 1"


def test_malformed_fts_search_is_one_line_error(db_path: Path, seeds_dir: Path) -> None:
    _run("import", str(seeds_dir), "--db", str(db_path))
    for query in ("fts:AND OR", "fts:* OR x"):
        result = _run("list", "--db", str(db_path), "--search", query)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: invalid search query {query!r}: ")
        assert result.stderr.rstrip().endswith("without fts: the words are plain)")
        assert len(result.stderr.strip().splitlines()) == 1


def test_search_as_people_type_it(db_path: Path, seeds_dir: Path) -> None:
    """Issue 11.10: what people type never fails; fts: gives FTS5 syntax."""
    _run("import", str(seeds_dir), "--db", str(db_path))

    def found(query: str) -> list[int]:
        result = _run("list", "--db", str(db_path), "--format", "jsonl", "--search", query)
        assert result.exit_code == 0, (query, result.output)
        return [json.loads(line)["id"] for line in result.stdout.splitlines()]

    everything = found("*")
    assert len(everything) == 5
    for query in ("* OR x", "Japan's", "$50", "5%", "US-China", "AND OR", '"', "(", "-"):
        assert set(found(query)) <= set(everything)
    assert found("Hungary") == found("fts: Hungary") != []
    assert found("hungar*") == found("Hungary")
    korea, hungary = set(found("Korea")), set(found("Hungary"))
    assert set(found("fts: Korea OR Hungary")) == korea | hungary
    assert set(found("Korea Hungary")) == korea & hungary
    assert found('"6.1 billion"') and found('"6.1 billion"') == found("6.1-billion")


def test_missing_project_is_one_line_error(tmp_path: Path) -> None:
    result = _run("list", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'none.db'}: no such project (run `annotator import` first)"
    )


def test_corrupt_project_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    path.write_bytes(b"garbage" * 1000)
    result = _run("stats", "--db", str(path))
    assert result.exit_code == 1
    assert "not an annotator project or damaged" in result.stderr


def test_every_help_says_what_it_changes() -> None:
    for command in ("import", "list", "stats", "accept", "suggest", "gui"):
        text = _run(command, "--help").stdout
        assert "Change" in text, command


def test_import_warns_about_a_text_too_long_to_parse_whole(db_path: Path, tmp_path: Path) -> None:
    """Issue 11.8: spaCy refuses texts over its max_length; import says which texts are
    over it (and keeps them: suggest parses them in pieces)."""
    paragraph = "Trade between Kazakhstan and Korea reached $6.1 billion in 2022.\n\n"
    big = tmp_path / "big.txt"
    big.write_text(paragraph * (1_000_000 // len(paragraph) + 1), "utf-8")
    (tmp_path / "small.txt").write_text(paragraph, "utf-8")
    result = _run("import", str(big), str(tmp_path / "small.txt"), "--db", str(db_path))
    assert result.exit_code == 0
    chars = len(big.read_text("utf-8"))
    assert result.stderr.splitlines() == [
        f"big.txt: {chars:,} characters, over spaCy's max_length of 1,000,000: "
        "suggest will parse it in pieces"
    ]
    assert result.stdout.strip() == "imported 2, duplicates 0, rejected 0"


def test_text_from_the_command_line_that_is_not_utf8_is_one_error_line(
    db_path: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    """A byte that is not UTF-8 in an argument (`kb add $'X\\xff'`) reaches Python as a
    surrogate escape, which the project cannot store: one error line naming the
    parameter, exit 1, nothing written. A file name with such a byte is still a file."""
    assert _run("import", str(seeds_dir), "--db", str(db_path)).exit_code == 0
    other = tmp_path / "other.db"
    assert _run("import", str(seeds_dir), "--db", str(other)).exit_code == 0
    bad = "X\udcff"  # what Python makes of the bytes b"X\xff" in sys.argv
    db = ["--db", str(db_path)]
    shown = "'X\\udcff'"
    cases = [  # the command, and what the error names: the parameter, its value, the place
        (["kb", "add", bad, "--type", "GPE"], f"NAME {shown}", 1),
        (["kb", "add", "Ok", "--type", "GPE", "--alias", bad], f"--alias {shown}", 1),
        (["kb", "add", "Ok", "--type", "GPE", "--description", bad], f"--description {shown}", 1),
        (["kb", "add", "Ok", "--type", bad], f"--type {shown}", 1),
        (["import", str(seeds_dir), "--annotator", bad], f"--annotator {shown}", 1),
        (["accept", "--annotator", bad], f"--annotator {shown}", 1),
        (["merge", str(other), "--rename", f"alice={bad}"], "--rename 'alice=X\\udcff'", 7),
        (["list", "--search", bad], f"--search {shown}", 1),
    ]
    before = _snapshot(db_path)
    for args, named, position in cases:
        result = CliRunner().invoke(main, [*args, *db])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            result.exception,
        )
        assert result.exit_code == 1, (args, result.output)
        assert result.output.splitlines() == [
            f"Error: {named} is not valid UTF-8 text (byte 0xff at position {position}); "
            "check the terminal's encoding"
        ], args
    assert _snapshot(db_path) == before
    # every command's plain-string parameters get the check; paths stay paths (a file
    # name may hold such a byte)
    import click

    from annotator.cli import TEXT

    def params(command: click.Command) -> Iterator[click.Parameter]:
        ctx = click.Context(command)
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                yield from params(sub)
        else:
            yield from command.params

    kinds = {type(p.type).__name__ for p in params(main) if p.type is not TEXT}
    assert "StringParamType" not in kinds and "Path" in kinds


def _snapshot(path: Path) -> list[tuple[object, ...]]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return [
            (t, conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("documents", "annotations", "status", "entities", "aliases", "events")
        ]
    finally:
        conn.close()
