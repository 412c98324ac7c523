"""Bulk accept speed: `annotator accept` against one bare SQLite INSERT … SELECT.

    python bench/accept_bench.py [--docs 20000] [--per-doc 25]

Builds a project of DOCS articles (bench/corpus.py, 60 words each) with PER_DOC
suggestions each from one model, stored as `suggest` stores them, then in two copies:

- floor: the same rows written by one `INSERT INTO annotations SELECT … FROM
  suggestions` and one `INSERT INTO status SELECT …`, in one transaction, with no
  checks, no events and no batching: the least SQLite can do for the same result;
- accept: `annotator accept --annotator silver` in a subprocess (its peak RSS too).

Prints one JSON line with both times, the ratio, annotations per second and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from annotator.core.importer import import_paths
from annotator.core.store import Store, SuggestionDraft

FLOOR_SQL = """
BEGIN IMMEDIATE;
INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, attrs, origin,
                         source_key)
SELECT doc_id, 'silver', layer, start, "end", label, attrs, 'accepted',
       layer || ':' || start || ':' || "end" || ':' || label
FROM suggestions ORDER BY doc_id, start;
INSERT INTO status (doc_id, annotator, status)
SELECT DISTINCT doc_id, 'silver', 'done' FROM suggest_runs;
COMMIT;
"""


def build(db: Path, docs: int, per_doc: int) -> int:
    corpus = write_corpus(db.parent / "corpus.jsonl", docs, words=60)
    with Store(db) as store:
        import_paths(store, [corpus])
        batch = []
        for doc in store.documents():
            step = max(len(doc.text) // per_doc, 2)
            spans = [
                SuggestionDraft(
                    "figures" if i % 5 == 0 else "ents",
                    i * step,
                    i * step + step // 2,
                    "money" if i % 5 == 0 else "GPE",
                    {"value": 6.1e9, "unit": "USD"} if i % 5 == 0 else {},
                )
                for i in range(per_doc)
            ]
            batch.append((doc.id, spans))
            if len(batch) == 500:
                store.replace_suggestions_many("en_bench", "1", batch)
                batch = []
        if batch:
            store.replace_suggestions_many("en_bench", "1", batch)
        return int(store.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--per-doc", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "project.db"
        suggestions = build(db, args.docs, args.per_doc)
        floor_db, accept_db = work / "floor.db", work / "accept.db"
        shutil.copy(db, floor_db)
        shutil.copy(db, accept_db)

        conn = sqlite3.connect(floor_db, isolation_level=None)
        t = time.perf_counter()
        conn.executescript(FLOOR_SQL)
        floor = time.perf_counter() - t
        conn.close()

        cmd = [sys.executable, "-m", "annotator", "accept", "--db", str(accept_db)]
        t = time.perf_counter()
        out = subprocess.run(
            [*cmd, "--annotator", "silver", "--format", "json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        accept = time.perf_counter() - t
        rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        report = json.loads(out)
        assert report["accepted"] == suggestions, report

        again = subprocess.run(
            [*cmd, "--annotator", "silver", "--status", "done", "--format", "json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert json.loads(again)["accepted"] == 0

    print(
        json.dumps(
            {
                "bench": "accept",
                "docs": args.docs,
                "annotations": suggestions,
                "floor_s": round(floor, 3),
                "accept_s": round(accept, 3),
                "ratio": round(accept / floor, 2),
                "annotations_per_s": round(suggestions / accept),
                "peak_rss_mib": round(rss_kib / 1024, 1),
                "note": "accept_s includes the CLI's start (~0.3 s) and its events log",
            }
        )
    )


if __name__ == "__main__":
    main()
