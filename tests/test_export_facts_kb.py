"""`export facts` (figures as CSV) and `export kb` (the knowledge base as JSON Lines)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.export import FACT_COLUMNS, export_facts
from annotator.core.store import NewDocument, Store

TEXT = "Trade between Kazakhstan and Korea reached $6.1 billion in 2022, up 19.5%."


def test_facts_csv_has_one_row_per_figure(store: Store, tmp_path: Path) -> None:
    (doc,) = store.add_documents([NewDocument(TEXT, "t", "2023-06-01", "a.txt", {})])
    s = TEXT.index("$6.1 billion")
    attrs = {
        "kind": "money", "value": 6.1e9, "unit": "USD", "value_max": None, "approx": False,
        "bound": None, "rate": None, "metric": "trade", "period": "2022", "change": None,
        "subjects": ["Kazakhstan", "Korea"],
    }  # fmt: skip
    store.add_annotation(doc, "al", "figures", s, s + 12, "money", "manual", attrs=attrs)
    p = TEXT.index("19.5%")
    store.add_annotation(doc, "al", "figures", p, p + 5, "percent", "manual", attrs={"value": 19.5})
    store.add_annotation(doc, "al", "ents", 14, 24, "GPE", "manual")
    store.set_status(doc, "al", "done")
    report = export_facts(store, tmp_path / "f.csv", "al")
    assert (report.documents, report.figures) == (1, 2)
    with (tmp_path / "f.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == FACT_COLUMNS
    money, pct = rows
    assert money["text"] == "$6.1 billion" and money["value"] == "6100000000.0"
    assert (money["unit"], money["metric"], money["period"]) == ("USD", "trade", "2022")
    assert money["subjects"] == "Kazakhstan; Korea" and money["approx"] == "false"
    assert money["date"] == "2023-06-01" and money["doc_id"] == str(doc)
    assert (pct["kind"], pct["value"], pct["unit"]) == ("percent", "19.5", "")


def test_kb_jsonl_lists_entities_with_aliases(db_path: Path, tmp_path: Path) -> None:
    with Store(db_path) as store, store.transaction() as conn:
        conn.execute(
            "INSERT INTO entities (id, key, name, type, description, external_ids) VALUES "
            "(1, 'local:tokayev', 'Kassym-Jomart Tokayev', 'PERSON', 'President of Kazakhstan', "
            "'{\"wikidata\": \"Q380799\"}'), (2, 'local:astana', 'Astana', 'GPE', '', '{}')"
        )
        conn.executemany(
            "INSERT INTO aliases (entity_id, alias) VALUES (?, ?)",
            [(1, "Tokayev"), (1, "President Tokayev"), (2, "Nur-Sultan")],
        )
    out = tmp_path / "kb.jsonl"
    result = CliRunner().invoke(main, ["export", "kb", str(out), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"exported 2 entities to {out}\n"
    first, second = (json.loads(line) for line in out.read_text("utf-8").splitlines())
    assert first == {
        "id": 1,
        "key": "local:tokayev",
        "name": "Kassym-Jomart Tokayev",
        "type": "PERSON",
        "description": "President of Kazakhstan",
        "external_ids": {"wikidata": "Q380799"},
        "aliases": ["President Tokayev", "Tokayev"],
    }
    assert second["aliases"] == ["Nur-Sultan"]
    again = CliRunner().invoke(main, ["export", "kb", str(out), "--db", str(db_path)])
    assert again.exit_code == 1 and "already exists; use --force" in again.stderr


def test_csv_cells_that_spreadsheets_would_run_are_neutralised() -> None:
    from annotator.formats.csvsafe import safe_record, safe_row

    row = safe_row(['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "\tx", "\rx", "-cmd|x"])
    assert row == ['\'=HYPERLINK("http://x")', "'+1+1", "'@SUM(A1)", "'\tx", "'\rx", "'-cmd|x"]
    # numbers, also written as text, stay numbers
    assert safe_row([-5.2, "-5.2", "-1e9", 3, None, " -1"]) == [
        -5.2,
        "-5.2",
        "-1e9",
        3,
        None,
        " -1",
    ]
    assert safe_record({"title": "=1+1", "value": "-2"}) == {"title": "'=1+1", "value": "-2"}


def test_figures_and_facts_csv_neutralise_formula_cells_end_to_end(
    store: Store, tmp_path: Path
) -> None:
    """Through the commands: a source, metric, subject and sentence that begin with "="
    are written with a leading apostrophe, so a spreadsheet shows them, never runs them."""
    text = "=HYPERLINK(1) Trade between Kazakhstan and Korea reached $6.1 billion in 2022."
    (doc,) = store.add_documents([NewDocument(text, "=title", "2023-06-01", "=src.txt", {})])
    s = text.index("$6.1 billion")
    attrs = {
        "kind": "money", "value": 6.1e9, "unit": "USD", "metric": "=metric",
        "period": "2022", "subjects": ["=Kazakhstan"],
    }  # fmt: skip
    store.add_annotation(doc, "al", "figures", s, s + 12, "money", "manual", attrs=attrs)
    store.set_status(doc, "al", "done")
    db = ["--db", str(store.path), "--source", "al", "--format", "csv"]
    seen: dict[str, dict[str, str]] = {}
    for command in ("figures", "facts"):
        result = CliRunner().invoke(main, [command, *db])
        assert result.exit_code == 0, result.output
        (row,) = csv.DictReader(result.stdout.splitlines())
        seen[command] = row
        cells = [v for v in row.values() if v]
        assert not [v for v in cells if v.startswith(("=", "+", "@"))], (command, row)
        assert row["source"] == "'=src.txt" and row["value"] == "6100000000.0"
    assert seen["figures"]["metric"] == "'=metric"
    assert seen["figures"]["subjects"] == "'=Kazakhstan"
    assert seen["facts"]["sentence"].startswith("'=HYPERLINK(1) Trade")
