"""Import speed: N generated articles into a fresh project, against bare SQLite.

    python bench/import_bench.py [--docs 100000] [--words 400]

Prints one JSON line. Floors, measured in the same run on the same rows:
- `floor_schema`: bare sqlite3 executemany into the project's own schema (the same
  tables and unique index) plus the one statement that full-text indexes them: what
  SQLite itself costs for the same work.
- `floor_plain`: bare executemany into one plain table with no full-text index.
`ratio` is our docs/s over floor_schema's; `ratio_plain` over floor_plain's.
Also times `list --search` (the core query behind it) on the imported project.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from annotator.core.importer import import_paths
from annotator.core.schema import MIGRATIONS
from annotator.core.store import INDEX_NEW_DOCUMENTS, Store, content_hash
from annotator.formats.plain import read_jsonl


def bare_rows(path: Path) -> list[tuple[str, str, str | None, str, str, str]]:
    rows = []
    for rec in read_jsonl(path):
        meta = json.dumps(rec.meta, ensure_ascii=False, sort_keys=True)  # type: ignore[union-attr]
        rows.append((rec.text, rec.title, rec.date, rec.source, meta, content_hash(rec.text)))  # type: ignore[union-attr]
    return rows


def floor(db: Path, rows: list[tuple[object, ...]], schema: str, fts: bool) -> float:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(schema)
    t = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT OR IGNORE INTO documents (text, title, date, source, meta, hash) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    if fts:
        conn.execute(INDEX_NEW_DOCUMENTS, (0,))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = write_corpus(work / "corpus.jsonl", args.docs, args.words)
        size_mb = corpus.stat().st_size / 1e6

        t = time.perf_counter()
        with Store(work / "project.db") as store:
            report = import_paths(store, [corpus])
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        ours = time.perf_counter() - t
        assert report.imported == args.docs, report.summary()
        db_mb = (work / "project.db").stat().st_size / 1e6

        rows = bare_rows(corpus)
        schema_sql = "\n".join(MIGRATIONS)
        plain_sql = (
            "CREATE TABLE documents (id INTEGER PRIMARY KEY, text TEXT, title TEXT, date TEXT, "
            "source TEXT, meta TEXT, hash TEXT UNIQUE);"
        )
        t_schema = floor(work / "floor_schema.db", rows, schema_sql, fts=True)
        t_plain = floor(work / "floor_plain.db", rows, plain_sql, fts=False)

        with Store(work / "project.db") as store:
            searches = []
            for query in ["Tokayev", '"trade turnover"', "Busan AND flights", "Hungar*"] * 5:
                t = time.perf_counter()
                store.list_documents("bench", search=query, limit=50)
                searches.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            hits = len(store.list_documents("bench", search="Budapest"))
            full_search_ms = (time.perf_counter() - t) * 1000

    print(
        json.dumps(
            {
                "bench": "import",
                "docs": args.docs,
                "corpus_mb": round(size_mb, 1),
                "seconds": round(ours, 2),
                "docs_per_s": round(args.docs / ours),
                "mb_per_s": round(size_mb / ours, 1),
                "db_mb": round(db_mb, 1),
                "floor_schema_docs_per_s": round(args.docs / t_schema),
                "floor_plain_docs_per_s": round(args.docs / t_plain),
                "ratio": round(t_schema / ours, 3),
                "ratio_plain": round(t_plain / ours, 3),
                "search_ms_median_limit50": round(statistics.median(searches), 1),
                "search_ms_max_limit50": round(max(searches), 1),
                "search_all_hits": hits,
                "search_all_ms": round(full_search_ms, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
