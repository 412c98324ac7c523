"""Suggestion speed: `annotator suggest` against bare `nlp.pipe`, same model and pipes.

    python bench/suggest_bench.py [--docs 500] [--words 400]

Prints one JSON line: words/s of `annotator suggest` (parsing, figures, storage) with
one and two processes, of bare nlp.pipe over the same texts with the same pipes
enabled, and the ratios. Model loading is left out of both: the CLI reports the
seconds of its run, and the bare run is timed after loading.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from annotator.core.importer import import_paths
from annotator.core.store import Store
from annotator.core.suggest import load_pipeline


def run_cli(db: Path, jobs: int) -> float:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotator",
            "suggest",
            "--db",
            str(db),
            "--progress",
            "json",
            "--jobs",
            str(jobs),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return float(json.loads(out[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--words", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = write_corpus(work / "corpus.jsonl", args.docs, args.words)
        db = work / "project.db"
        with Store(db) as store:
            import_paths(store, [corpus])
            texts = [d.text for d in store.documents()]
        words = sum(len(t.split()) for t in texts)

        pipeline = load_pipeline()
        t = time.perf_counter()
        for _ in pipeline.nlp.pipe(texts, batch_size=64):
            pass
        bare = time.perf_counter() - t

        one = run_cli(db, 1)
        two = run_cli(db, 2)

    print(
        json.dumps(
            {
                "bench": "suggest",
                "model": f"{pipeline.name} {pipeline.version}",
                "enabled_pipes": pipeline.nlp.pipe_names,
                "docs": args.docs,
                "words": words,
                "bare_words_per_s": round(words / bare),
                "suggest_words_per_s": round(words / one),
                "suggest_jobs2_words_per_s": round(words / two),
                "ratio": round(bare / one, 3),
                "jobs2_speedup": round(one / two, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
