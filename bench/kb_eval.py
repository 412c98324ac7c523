"""Knowledge-base quality on the seeds gold (tests/data/seeds_gold.jsonl) and the stress
set (tests/data/kb_stress.jsonl).

    python bench/kb_eval.py [--errors]

Builds a project from the seeds with the starter KB, lets the default model and the `kb`
source suggest, and prints one JSON line:
- `recall_at_10_gold`, `recall_at_1_gold`: candidate ranking for every gold entity
  mention (its text and label) against the gold entity; `..._stress` for the stress set
  (typos, acronyms, dropped words, diacritics, word order, possessives, wrong labels);
  `recall_at_10` over both.
- `prelinked_starter`: share of the gold entity mentions of seeds 001-004 that arrive
  pre-linked to the right entity (a suggestion on exactly the gold span with its kb_id)
  with the starter KB alone; `prelinked`: the same after seed 000 was curated and
  linked from the gold through the core functions (`linking.link`, `create_entity`) and
  the `kb` source ran again; `..._label` also requires the gold label. The starter KB
  holds the seeds' people and organisations, so curating seed 000 adds little there; the
  `countries_*` pair measures the same on a project whose KB holds only the countries and
  metrics, where what seed 000 teaches (its people, organisations, new aliases) shows.
- `figures_*`: metric, period and subjects the suggestions resolve for the gold figures
  (matched by overlapping span): fill rate (share of gold figures that have the field
  where the gold has one) and accuracy (share right among those filled). The gold's
  metric phrase and subject names are resolved through the KB's aliases.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from annotator.core import curation
from annotator.core.importer import import_paths
from annotator.core.kb.candidates import candidates
from annotator.core.kb.facts import collect_facts
from annotator.core.kb.figure_links import resolve_metric
from annotator.core.kb.importing import import_records
from annotator.core.kb.index import get_index
from annotator.core.kb.linking import create_entity, link
from annotator.core.kb.normal import normal
from annotator.core.kb.prelink import prelink_documents
from annotator.core.kb.starter import load_starter, starter_records
from annotator.core.store import Store
from annotator.core.suggest import load_pipeline, suggest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "seeds_gold.jsonl"
STRESS = ROOT / "tests" / "data" / "kb_stress.jsonl"
CURATOR = "eval"


def key_of(store: Store, name: str | None) -> str | None:
    """The entity the gold's canonical name is (exact alias, entities only)."""
    if not name:
        return None
    index = get_index(store)
    hits = [a for a in index.exact.get(normal(name), ()) if index.type_of(a) != "METRIC"]
    ids = sorted({int(index.entity_ids[a]) for a in hits})
    if len(ids) != 1:
        return None
    return store.entity(ids[0]).key


def ranking(store: Store, cases: list[tuple[str, str, str]], errors: bool) -> tuple[float, float]:
    at1 = at10 = 0
    for text, label, key in cases:
        keys = [c.key for c in candidates(store, text, label, limit=10)]
        at1 += keys[:1] == [key]
        at10 += key in keys
        if errors and key not in keys:
            print(f"not in top 10: {text!r} ({label}) -> {key}; got {keys[:3]}", file=sys.stderr)
    return at10 / len(cases), at1 / len(cases)


def prelinked(
    store: Store, gold: list[dict[str, Any]], docs: dict[str, int], *, unknown_miss: bool = False
) -> tuple[float, float, int]:
    """Share of the gold entity mentions of seeds 001-004 with a suggestion on exactly
    their span linked to their entity (and also with their label). A gold entity the KB
    does not have is a miss with `unknown_miss`, else left out."""
    right = right_label = total = 0
    for record in gold[1:]:
        state = curation.load(store, docs[record["file"]], "nobody")
        for g in record["ents"]:
            if not g["entity"]:
                continue
            key = key_of(store, g["entity"])
            if key is None and not unknown_miss:
                continue
            total += 1
            same = [
                it
                for it in state.items
                if (it.start, it.end) == (g["start"], g["end"]) and key and it.kb_id == key
            ]
            right += bool(same)
            right_label += any(it.label == g["label"] for it in same)
    return right / total, right_label / total, total


def curate_first(store: Store, record: dict[str, Any], doc_id: int) -> int:
    """Seed 000 as a curator would do it by hand: every gold entity mention made a span
    with the gold label and linked (a new entity when the KB has none)."""
    changes = 0
    for g in record["ents"]:
        if not g["entity"]:
            continue
        state = curation.load(store, doc_id, CURATOR)
        span = (g["start"], g["end"])
        item = next(
            (it for it in state.items if (it.start, it.end) == span and it.label == g["label"]),
            None,
        )
        if item is None:
            change = curation.create(store, state, *span, "ents", g["label"], exact=True)
            state = curation.load(store, doc_id, CURATOR)
            item = state.resolve(change.focus) if change else None
        assert item is not None, g
        key = key_of(store, g["entity"])
        if key:
            change = link(store, state, item, key)
        else:
            change = create_entity(store, state, item, name=g["entity"], type=g["label"])
        changes += change is not None
    return changes


def figures(store: Store, gold: list[dict[str, Any]], docs: dict[str, int]) -> dict[str, float]:
    facts = {(f.doc_id, f.start, f.end): f for f in collect_facts(store)}
    counts = {f: [0, 0, 0] for f in ("metric", "period", "subjects")}  # gold has, filled, right
    for record in gold:
        doc_id = docs[record["file"]]
        for g in record["figures"]:
            fact = next(
                (
                    f
                    for (d, s, e), f in facts.items()
                    if d == doc_id and s < g["end"] and g["start"] < e
                ),
                None,
            )
            gold_metric, _ = resolve_metric(store, g["metric"])
            if g["metric"] and gold_metric is not None:
                counts["metric"][0] += 1
                if fact and fact.metric:
                    counts["metric"][1] += 1
                    counts["metric"][2] += fact.metric.key == gold_metric.key
            period = g["period"]
            if period and (period.get("start") or period.get("end")):
                counts["period"][0] += 1
                if fact and fact.period:
                    counts["period"][1] += 1
                    same = (fact.period.get("start"), fact.period.get("end")) == (
                        period["start"],
                        period["end"],
                    )
                    counts["period"][2] += same
            subjects = {key_of(store, s) for s in g["subjects"]}
            if g["subjects"] and None not in subjects:
                counts["subjects"][0] += 1
                if fact and fact.subjects:
                    counts["subjects"][1] += 1
                    counts["subjects"][2] += {e.key for e in fact.subjects} == subjects
    out: dict[str, float] = {}
    for field, (has, filled, right) in counts.items():
        out[f"figures_{field}_gold"] = has
        out[f"figures_{field}_fill"] = round(filled / has, 3) if has else 0.0
        out[f"figures_{field}_accuracy"] = round(right / filled, 3) if filled else 0.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="print what ranking misses")
    args = ap.parse_args()
    gold = [json.loads(line) for line in GOLD.read_text("utf-8").splitlines() if line.strip()]
    stress = [json.loads(line) for line in STRESS.read_text("utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "seeds.db")
        load_starter(store)
        import_paths(store, [ROOT / "seeds"])
        docs = {d.source: d.id for d in store.documents()}
        suggest(store, load_pipeline())
        gold_cases = [
            (g["text"], g["label"], key_of(store, g["entity"]))
            for r in gold
            for g in r["ents"]
            if g["entity"]
        ]
        unresolved = [c for c in gold_cases if c[2] is None]
        gold_cases = [c for c in gold_cases if c[2] is not None]
        stress_cases = [(c["text"], c["label"], c["key"]) for c in stress]
        r10_gold, r1_gold = ranking(store, gold_cases, args.errors)  # type: ignore[arg-type]
        r10_stress, r1_stress = ranking(store, stress_cases, args.errors)
        r10_all, _ = ranking(store, gold_cases + stress_cases, False)  # type: ignore[operator]
        starter, starter_label, total = prelinked(store, gold, docs)
        figure_scores = figures(store, gold, docs)
        linked = curate_first(store, gold[0], docs[gold[0]["file"]])
        prelink_documents(store)
        after, after_label, _ = prelinked(store, gold, docs)
        store.close()
        # the same, with a KB of countries and metrics only
        bare = Store(Path(tmp) / "bare.db")
        import_records(
            bare,
            "countries and metrics",
            [r for r in starter_records() if (r.key or "").startswith(("iso3166:", "metric:"))],
        )
        import_paths(bare, [ROOT / "seeds"])
        suggest(bare, load_pipeline())
        bare_docs = {d.source: d.id for d in bare.documents()}
        countries_before, _, _ = prelinked(bare, gold, bare_docs, unknown_miss=True)
        curate_first(bare, gold[0], bare_docs[gold[0]["file"]])
        prelink_documents(bare)
        countries_after, _, _ = prelinked(bare, gold, bare_docs, unknown_miss=True)
        bare.close()
    print(
        json.dumps(
            {
                "gold_mentions": len(gold_cases),
                "gold_names_not_in_kb": len(unresolved),
                "stress_mentions": len(stress_cases),
                "recall_at_10_gold": round(r10_gold, 3),
                "recall_at_1_gold": round(r1_gold, 3),
                "recall_at_10_stress": round(r10_stress, 3),
                "recall_at_1_stress": round(r1_stress, 3),
                "recall_at_10": round(r10_all, 3),
                "prelink_mentions": total,
                "prelinked_starter": round(starter, 3),
                "prelinked_starter_label": round(starter_label, 3),
                "seed_000_links": linked,
                "prelinked": round(after, 3),
                "prelinked_label": round(after_label, 3),
                "countries_prelinked_before": round(countries_before, 3),
                "countries_prelinked_after_000": round(countries_after, 3),
                **figure_scores,
            }
        )
    )


if __name__ == "__main__":
    main()
