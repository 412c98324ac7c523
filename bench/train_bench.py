"""Training and evaluating: `annotator train` on the bundled seeds, then both models scored.

    python bench/train_bench.py [--steps 200] [--gold hand|suggestions]

The seeds are imported into a fresh project and the default model suggests. The curated
documents are either the hand-labelled gold of the seeds (`tests/data/seeds_gold.jsonl`,
227 entities and 30 figures; the default) or every suggestion accepted as it is
(`--gold suggestions`), each document marked done. `train` then fine-tunes the NER for
exactly --steps steps (no early stop; 4 documents to learn from, 1 held out), and
`evaluate` scores the base and the trained model on the held-out document.

The floor is spaCy's bare update loop over the same training examples for the same
number of steps, in one process, with no export, subprocess, evaluation or saving:
`ratio_to_floor` is what the whole of `train` costs on top of that.

Prints one JSON line: seconds (prepare, train, evaluate), steps, steps/s, the floor and
the ratio, peak RSS of this process and of the training subprocess, the dev F1 spaCy
reported, and per section and label the F1 of both models.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.core import curation  # noqa: E402
from annotator.core.evaluate import evaluate  # noqa: E402
from annotator.core.export import export_spacy  # noqa: E402
from annotator.core.importer import import_paths  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.core.suggest import load_pipeline, suggest  # noqa: E402
from annotator.core.training import DEFAULT_DEV_FRACTION, SPLIT_SEED, train  # noqa: E402

CURATOR = "bench"


FIGURE_ATTRS = ("value", "unit", "metric", "subjects")


def curate_from_suggestions(store: Store) -> None:
    for doc_id in store.document_ids():
        curation.accept_all(store, curation.load(store, doc_id, CURATOR))
        curation.mark_done(store, curation.load(store, doc_id, CURATOR))


def curate_from_hand_gold(store: Store) -> None:
    by_source = {store.document(i).source: i for i in store.document_ids()}
    with (ROOT / "tests" / "data" / "seeds_gold.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows:
        doc_id = by_source[row["file"]]
        for e in row["ents"]:
            store.add_annotation(
                doc_id, CURATOR, "ents", e["start"], e["end"], e["label"], "manual"
            )
        for f in row["figures"]:
            attrs = {k: f.get(k) for k in FIGURE_ATTRS}
            store.add_annotation(
                doc_id, CURATOR, "figures", f["start"], f["end"], f["kind"], "manual", attrs=attrs
            )
        store.set_status(doc_id, CURATOR, "done")


def bare_update_seconds(base: str, train_path: Path, steps: int) -> float:
    """spaCy's own loop, as `spacy train` runs it minus evaluation and saving: the same
    batches (batch_by_words, compounding 100 to 1000 words) of the same examples."""
    import spacy
    from spacy.training import Corpus
    from spacy.util import registry

    nlp = spacy.load(base)
    examples = list(Corpus(str(train_path))(nlp))
    optimizer = nlp.resume_training()
    frozen = [n for n in nlp.pipe_names if n != "ner"]
    # the batcher of the base's config, which the training config keeps
    batcher = registry.resolve({"batcher": nlp.config["training"]["batcher"]})["batcher"]
    started = time.perf_counter()
    done = 0
    while done <= steps:  # spaCy counts from step 0 to max_steps inclusive
        for batch in batcher(examples):
            nlp.update(batch, drop=0.1, sgd=optimizer, exclude=frozen)
            done += 1
            if done > steps:
                break
    return time.perf_counter() - started


def f1_table(result: Any) -> dict[str, dict[str, dict[str, float | None]]]:
    """section -> label -> {model name: F1}."""
    table: dict[str, dict[str, dict[str, float | None]]] = {}
    for model in result.models:
        for section, labels in model.sections.items():
            for label, score in labels.items():
                f = None if score.f is None else round(score.f, 3)
                table.setdefault(section, {}).setdefault(label, {})[model.name] = f
            all_f = model.total(section).f
            table.setdefault(section, {}).setdefault("ALL", {})[model.name] = (
                None if all_f is None else round(all_f, 3)
            )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--gold", choices=("hand", "suggestions"), default="hand")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "seeds.db"
        started = time.perf_counter()
        with Store(db) as store:
            import_paths(store, [ROOT / "seeds"])
            base = load_pipeline()
            suggest(store, base)
            if args.gold == "hand":
                curate_from_hand_gold(store)
            else:
                curate_from_suggestions(store)
            # the floor's corpus: what `train` exports (same split, tokenizer, figures)
            export_spacy(
                store,
                Path(tmp) / "floor.spacy",
                CURATOR,
                dev_fraction=DEFAULT_DEV_FRACTION,
                seed=SPLIT_SEED,
                model=base.source,
            )
            prepared = time.perf_counter() - started
            # the floor runs before and after `train`: the machine is shared and its load
            # moves, so the ratio uses their mean
            floors = [bare_update_seconds(base.source, Path(tmp) / "floor-train.spacy", args.steps)]

            started = time.perf_counter()
            result = train(store, CURATOR, max_steps=args.steps, early_stop=False)
            train_s = time.perf_counter() - started
            assert result.record is not None
            record = result.record

            started = time.perf_counter()
            scored = evaluate(store, CURATOR, [base.source, record.name])
            evaluate_s = time.perf_counter() - started
        floors.append(bare_update_seconds(base.source, Path(tmp) / "floor-train.spacy", args.steps))
    floor = sum(floors) / len(floors)
    steps = result.steps + 1  # steps 0..max_steps
    loop_s = result.evaluations[-1]["seconds"] if result.evaluations else None
    out = {
        "bench": "train",
        "machine_note": "2 shared CPU cores under load; absolute times are noisy, compare ratios",
        "gold": args.gold,
        "documents": {"train": len(record.train_docs), "dev": len(record.dev_docs)},
        "base": base.name,
        "trained": record.name,
        "steps": steps,
        "seconds": {
            "prepare": round(prepared, 2),
            "train": round(train_s, 2),
            "train_loop": loop_s,
            "evaluate": round(evaluate_s, 2),
        },
        "steps_per_s": round(steps / train_s, 2),
        "floor_bare_update_s": [round(f, 2) for f in floors],
        "floor_steps_per_s": round(steps / floor, 2),
        "ratio_to_floor": round(train_s / floor, 2),
        "peak_rss_mb": {
            "bench": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "train_subprocess": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
        },
        "dev_ents_f_spacy": round(record.scores.get("ents_f", 0.0), 3),
        "evaluated_documents": len(scored.documents),
        "f1": f1_table(scored),
    }
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
