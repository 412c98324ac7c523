"""Curation window speed, offscreen: opening a long article, accepting a span, starting
on a large project.

    python bench/gui_bench.py [--docs 100000] [--opens 20]

- open: a 5,000-word article with 800 spans (entities and figures) opened and painted,
  median and max of `--opens` opens (alternating with a small document, so every open
  reloads the text and the spans).
- accept: from the A key press to the annotation committed in SQLite and the window
  redrawn (QTest.keyClick returns after the slot ran), median and max of 50.
- startup: a fresh process, from spawn to the window shown over a `--docs`-document
  project (generated once with bench/corpus.py and cached in bench/out/), and its peak RSS.

Goals: open <= 50 ms, accept <= 10 ms, startup <= 1.5 s, RSS <= 400 MB. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

GOALS = {"open_ms": 50, "accept_ms": 10, "startup_s": 1.5, "rss_mb": 400}

STARTUP = r"""
import os, sys, time, resource
t0 = float(sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from annotator.gui.app import application
app = application()
from annotator.gui.main_window import MainWindow
w = MainWindow(sys.argv[1], annotator="bench", settings_dir=sys.argv[3])
w.show()
app.processEvents()
ready = time.time() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{ready} {rss} {w.doc_list.model.rowCount()}")
"""


def long_article(store: object, words: int = 5000, spans: int = 800) -> int:
    from corpus import articles

    from annotator.core.offsets import token_bounds
    from annotator.core.store import NewDocument, SuggestionDraft

    doc = next(articles(1, words=words, seed=7))
    text = str(doc["text"]) + " 🎉 end"
    (doc_id,) = store.add_documents(  # type: ignore[attr-defined]
        [NewDocument(text, "A long article", "2024-01-01", "bench", {})]
    )
    rng = random.Random(3)
    tokens = [t for t in token_bounds(text) if text[t[0]].isalnum()]
    picked = sorted(rng.sample(range(len(tokens) - 1), spans))
    drafts = []
    for n, i in enumerate(picked):
        start, end = tokens[i][0], tokens[i + 1][1] if n % 3 == 0 else tokens[i][1]
        if n % 4 == 0:
            drafts.append(
                SuggestionDraft("figures", start, end, "count", {"value": 3.0, "unit": "x"})
            )
        else:
            drafts.append(SuggestionDraft("ents", start, end, ["ORG", "GPE", "PERSON"][n % 3], {}))
    store.replace_suggestions(doc_id, "bench", "1", drafts)  # type: ignore[attr-defined]
    return int(doc_id)


def big_project(n: int) -> Path:
    from corpus import write_corpus

    from annotator.core.importer import import_paths
    from annotator.core.store import Store

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    db = out / f"gui_{n}.db"
    if db.exists():
        return db
    corpus = out / f"gui_corpus_{n}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, n)
    partial = db.with_suffix(".partial")
    for p in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    with Store(partial) as store:
        import_paths(store, [corpus])
    partial.rename(db)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--opens", type=int, default=20)
    args = parser.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from annotator.core.store import NewDocument, Store
    from annotator.gui.app import application
    from annotator.gui.main_window import MainWindow

    app = application()
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "bench.db"
    with Store(db) as store:
        (small,) = store.add_documents([NewDocument("A short text.", "Short", None, "s", {})])
        big = long_article(store)
    w = MainWindow(db, annotator="bench", settings_dir=tmp / "settings")
    w.resize(1400, 900)
    w.show()
    app.processEvents()

    opens = []
    for _ in range(args.opens):
        w.session.open(small)
        app.processEvents()
        t = time.perf_counter()
        w.session.open(big)
        w.article.viewport().repaint()
        w.spans.view.viewport().repaint()
        opens.append((time.perf_counter() - t) * 1000)
    assert w.session.state is not None and len(w.session.state.items) == 800

    accepts = []
    w.article.setFocus()
    for _ in range(50):
        item = w.session.current_item()
        assert item is not None and item.state == "suggested"
        t = time.perf_counter()
        QTest.keyClick(w.article, Qt.Key.Key_A)
        accepts.append((time.perf_counter() - t) * 1000)
    committed = len(w.store.annotations(big, "bench"))
    assert committed == 50, committed
    app.processEvents()
    w.close()

    project = big_project(args.docs)
    startups, rss, rows = [], 0.0, 0
    for _ in range(3):
        t0 = time.time()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP, str(project), str(t0), str(tmp / "s2")],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
            env={**os.environ, "PYTHONPATH": str(HERE.parent)},
            check=True,
        ).stdout.split()
        startups.append(float(out[0]))
        rss = max(rss, float(out[1]))
        rows = int(out[2])

    result = {
        "bench": "gui",
        "article_words": 5000,
        "spans": 800,
        "open_ms_median": round(statistics.median(opens), 1),
        "open_ms_max": round(max(opens), 1),
        "accept_ms_median": round(statistics.median(accepts), 2),
        "accept_ms_max": round(max(accepts), 2),
        "project_docs": rows,
        "startup_s": round(statistics.median(startups), 3),
        "rss_mb": round(rss, 1),
        "goals": GOALS,
    }
    result["meets_goals"] = (
        result["open_ms_median"] <= GOALS["open_ms"]
        and result["accept_ms_median"] <= GOALS["accept_ms"]
        and result["startup_s"] <= GOALS["startup_s"]
        and result["rss_mb"] <= GOALS["rss_mb"]
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
