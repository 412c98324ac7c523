"""The hand-labelled gold of the five seeds (tests/data/seeds_gold.jsonl) fits the seeds.

Every span must sit on the text as `annotator import` stores it (the date header moved
out), with a label of the scheme, no duplicates or overlaps within a layer, and figures
whose fields a curator or an evaluation can rely on.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import label_problem

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "seeds_gold.jsonl"
LABELS = json.loads((ROOT / "resources" / "labels.json").read_text(encoding="utf-8"))

# OntoNotes labels as spaCy's English models use them, less the numeric ones this tool
# treats as figures.
ENT_LABELS = {
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
    "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME",
}  # fmt: skip
FIGURE_KINDS = {f["label"] for f in LABELS["figures"]}
ENT_KEYS = ["start", "end", "text", "label", "entity"]
FIGURE_KEYS = ["start", "end", "text", "kind", "value", "unit", "metric", "period", "subjects"]


def load() -> list[dict[str, Any]]:
    with GOLD.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, Any]]]:
    from annotator.core.importer import import_paths
    from annotator.core.store import Store

    store = Store(tmp_path_factory.mktemp("gold") / "seeds.db")
    import_paths(store, [ROOT / "seeds"])
    docs = [store.document(i) for i in store.document_ids()]
    yield {d.source: (d.text, d.date) for d in docs}
    store.close()


ROWS = load()
IDS = [row["file"] for row in ROWS]


def test_every_seed_has_one_gold_record() -> None:
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert sorted(IDS) == seeds
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_spans_match_the_stored_text(row: dict[str, Any], texts: dict) -> None:
    text, _ = texts[row["file"]]
    for layer in ("ents", "figures"):
        for span in row[layer]:
            where = f"{row['file']} {layer} {span['start']}-{span['end']}"
            assert isinstance(span["start"], int) and isinstance(span["end"], int), where
            assert 0 <= span["start"] < span["end"] <= len(text), where
            assert text[span["start"] : span["end"]] == span["text"], where
            assert span["text"] == span["text"].strip(), where


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_no_duplicate_or_overlapping_spans_within_a_layer(row: dict[str, Any]) -> None:
    for layer in ("ents", "figures"):
        spans = sorted((s["start"], s["end"]) for s in row[layer])
        assert len(set(spans)) == len(spans), f"{row['file']} {layer}: duplicate span"
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, f"{row['file']} {layer}: spans overlap at {start}"


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_entity_labels_and_links(row: dict[str, Any]) -> None:
    for ent in row["ents"]:
        where = f"{row['file']} {ent['text']!r}@{ent['start']}"
        assert list(ent)[:5] == ENT_KEYS, where
        assert label_problem(ent["label"]) is None, where
        assert ent["label"] in ENT_LABELS, where
        if ent["label"] not in ("DATE", "TIME"):
            assert isinstance(ent["entity"], str) and ent["entity"].strip(), where
        else:
            assert ent["entity"] is None or isinstance(ent["entity"], str), where
        if ent.get("demonym"):
            assert ent["label"] == "NORP" and ent["entity"], where
        assert set(ent) <= {*ENT_KEYS, "demonym"}, where


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_figures_are_well_formed(row: dict[str, Any], texts: dict) -> None:
    text, _ = texts[row["file"]]
    linked = {e["entity"] for e in row["ents"] if e["entity"]}
    for fig in row["figures"]:
        where = f"{row['file']} {fig['text']!r}@{fig['start']}"
        assert list(fig)[:9] == FIGURE_KEYS, where
        assert set(fig) <= {*FIGURE_KEYS, "rate"}, where
        assert fig["kind"] in FIGURE_KINDS, where
        assert isinstance(fig["value"], float), where
        assert math.isfinite(fig["value"]) and fig["value"] > 0, where
        assert fig["unit"] is None or (isinstance(fig["unit"], str) and fig["unit"]), where
        if fig["kind"] == "money":
            assert len(fig["unit"]) == 3 and fig["unit"].isupper(), where
        if fig["kind"] == "percent":
            assert fig["unit"] in ("%", "pp", "bp"), where
        if fig["metric"] is not None:
            assert fig["metric"] in text, where  # as written
        if "rate" in fig:
            assert fig["rate"].startswith("per "), where
        assert isinstance(fig["subjects"], list), where
        assert set(fig["subjects"]) <= linked, f"{where}: subject not linked in the text"
        assert len(set(fig["subjects"])) == len(fig["subjects"]), where


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_periods_are_written_in_the_text_and_resolved(row: dict[str, Any], texts: dict) -> None:
    text, date = texts[row["file"]]
    for fig in row["figures"]:
        period = fig["period"]
        if period is None:
            continue
        where = f"{row['file']} {fig['text']!r}@{fig['start']}"
        assert set(period) == {"text", "start", "end"}, where
        assert period["text"] in text, where
        if period["start"] is None or period["end"] is None:
            # Only a relative phrase in a document without a date stays unresolved.
            assert date is None and period["start"] is None and period["end"] is None, where
            continue
        start = dt.date.fromisoformat(period["start"])
        end = dt.date.fromisoformat(period["end"])
        assert start <= end, where
        if date is not None:
            assert start <= dt.date.fromisoformat(str(date)[:10]), f"{where}: after the article"


def test_years_and_dates_are_never_figures() -> None:
    for row in ROWS:
        for fig in row["figures"]:
            assert not (fig["text"].isdigit() and len(fig["text"]) == 4), fig


def test_the_builder_reproduces_the_file() -> None:
    """scripts/build_seeds_gold.py holds the labels as written; the file is its output."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_seeds_gold.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
