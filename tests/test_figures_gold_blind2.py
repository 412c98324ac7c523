"""The blind figure set from real news (tests/data/figures_gold_blind2.jsonl) is usable.

It measures the figure finder (bench/figures_eval.py --split blind2), so these checks
look at its shape only: every span sits on its sentence, kinds and units are well formed,
each record names the page it was taken from, and the mix of kinds is what it promises.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "tests" / "data" / "figures_gold_blind2.jsonl"
KINDS = {
    f["label"]
    for f in json.loads((ROOT / "resources" / "labels.json").read_text(encoding="utf-8"))["figures"]
}


def rows() -> list[dict[str, Any]]:
    with PATH.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_records_have_the_gold_format_and_a_source() -> None:
    for n, row in enumerate(rows(), 1):
        assert set(row) == {"text", "figures", "source"}, n
        assert row["text"] and row["text"] == row["text"].strip(), n
        assert row["source"].startswith(("http://", "https://")), n


def test_spans_sit_on_the_text_without_overlap() -> None:
    for n, row in enumerate(rows(), 1):
        text = row["text"]
        spans = []
        for fig in row["figures"]:
            assert set(fig) == {"start", "end", "kind", "value", "unit"}, n
            assert 0 <= fig["start"] < fig["end"] <= len(text), n
            span = text[fig["start"] : fig["end"]]
            assert span == span.strip(), (n, span)
            spans.append((fig["start"], fig["end"]))
        assert spans == sorted(spans), n
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, n


def test_values_and_units_are_normalised() -> None:
    for n, row in enumerate(rows(), 1):
        for fig in row["figures"]:
            assert fig["kind"] in KINDS, n
            assert isinstance(fig["value"], float) and math.isfinite(fig["value"]), n
            assert fig["value"] > 0, n
            unit = fig["unit"]
            if fig["kind"] == "money":
                assert isinstance(unit, str) and len(unit) == 3 and unit.isupper(), n
            elif fig["kind"] == "percent":
                assert unit in ("%", "pp", "bp"), n
            elif fig["kind"] == "multiplier":
                assert unit == "times", n
            elif fig["kind"] in ("measure", "duration"):
                assert isinstance(unit, str) and unit, n
            else:
                assert unit is None or (isinstance(unit, str) and unit == unit.strip()), n


def test_the_set_is_large_mixed_and_has_negatives() -> None:
    data = rows()
    kinds = Counter(f["kind"] for row in data for f in row["figures"])
    total = sum(kinds.values())
    assert total >= 150
    assert total - kinds["money"] - kinds["percent"] >= 0.4 * total
    assert set(kinds) == KINDS
    assert sum(1 for row in data if not row["figures"]) >= 10
    assert len({row["source"] for row in data}) >= 30
