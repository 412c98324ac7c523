"""Review mode speed, offscreen: a long article with three curators' versions.

    python bench/review_gui_bench.py [--keys 30] [--opens 10]

The article is gui_bench's (5,000 words, 800 spans); alice marks every span, bob misses
one in ten and relabels one in ten, carol moves an edge of one in ten and misses one in
twenty: about 2,300 curator spans and 200 disagreements.

- first_open: the document opened in review mode with auto-accept (every curator alike)
  writing the agreed spans into the gold, painted;
- open: opened again (alternating with a small document), painted, median and max;
- key: from the key press "1" (take alice's version, settle, go to the next open
  disagreement) to the gold committed and the window redrawn, median and max of --keys;
- step: J (next disagreement), median;
- floor: the same adjudication through the core alone (`take_version`, then
  `reload_gold`: what the window reads again after a key), median, measured in the same
  run; `key_vs_floor` is the ratio (what the window adds: panes, lanes, painting).

Goals: key <= 60 ms, open <= 150 ms. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gui_bench import long_article  # noqa: E402 (sets the offscreen platform too)

GOALS = {"key_ms": 60, "open_ms": 150}
CURATORS = ("alice", "bob", "carol")


def curate(store: object, doc_id: int) -> int:
    """Three curators' versions of the article's suggestions; returns their span count."""
    from annotator.core.offsets import token_bounds

    s = store  # the Store
    text = s.document(doc_id).text  # type: ignore[attr-defined]
    tokens = token_bounds(text)
    ends = sorted(e for _, e in tokens)
    rng = random.Random(11)
    n = 0
    for sug in s.suggestions(doc_id):  # type: ignore[attr-defined]
        attrs = dict(sug.attrs)
        for who in CURATORS:
            start, end, label = sug.start, sug.end, sug.label
            roll = rng.random()
            if who == "bob" and roll < 0.1:
                continue
            if who == "bob" and roll < 0.2 and sug.layer == "ents":
                label = {"ORG": "GPE", "GPE": "NORP", "PERSON": "ORG"}.get(label, "ORG")
            if who == "carol" and roll < 0.05:
                continue
            if who == "carol" and roll < 0.15:
                later = [e for e in ends if e > end]
                end = later[0] if later else end
            s.add_annotation(doc_id, who, sug.layer, start, end, label, "manual", attrs=attrs)  # type: ignore[attr-defined]
            n += 1
    for who in CURATORS:
        s.set_status(doc_id, who, "done")  # type: ignore[attr-defined]
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument("--opens", type=int, default=10)
    args = parser.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from annotator.core import review
    from annotator.core.store import NewDocument, Store
    from annotator.gui.app import application
    from annotator.gui.main_window import MainWindow

    app = application()
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "review_bench.db"
    with Store(db) as store:
        big = long_article(store)
        (small,) = store.add_documents([NewDocument("Acme met Bolt.", "Short", None, "s", {})])
        for who in CURATORS:
            store.add_annotation(small, who, "ents", 0, 4, "ORG", "manual")
            store.set_status(small, who, "done")
        spans = curate(store, big)
    # the floor: the core alone, on a copy of the project
    floor_db = tmp / "floor.db"
    floor_db.write_bytes(db.read_bytes())
    floors = []
    with Store(floor_db) as store:
        r = review.load_review(store, big)
        review.auto_accept(store, r, "bench")
        r = review.load_review(store, big)
        for _ in range(args.keys):
            d = r.next_open()
            assert d is not None
            t = time.perf_counter()
            review.take_version(store, r, "bench", d.id, "alice")
            r = review.reload_gold(store, r)
            floors.append((time.perf_counter() - t) * 1000)
        disagreements = sum(1 for d in r.disputes if not d.agreed)

    w = MainWindow(db, annotator="bench", settings_dir=tmp / "settings")
    w.resize(1500, 920)
    w.show()
    app.processEvents()
    w.modes.set_mode("review")
    s = w.review.session
    t = time.perf_counter()
    s.open(big)
    w.review.article.viewport().repaint()
    w.review.disputes.view.viewport().repaint()
    first_open = (time.perf_counter() - t) * 1000
    opens = []
    for _ in range(args.opens):
        s.open(small)
        app.processEvents()
        t = time.perf_counter()
        s.open(big)
        w.review.article.viewport().repaint()
        w.review.disputes.view.viewport().repaint()
        opens.append((time.perf_counter() - t) * 1000)

    w.review.article.setFocus()
    keys = []
    for _ in range(args.keys):
        stop = s.current_stop()
        assert stop is not None and stop.open
        t = time.perf_counter()
        QTest.keyClick(w.review.article, Qt.Key.Key_1)
        w.review.article.viewport().repaint()
        keys.append((time.perf_counter() - t) * 1000)
    steps = []
    for _ in range(args.keys):
        t = time.perf_counter()
        QTest.keyClick(w.review.article, Qt.Key.Key_J)
        w.review.article.viewport().repaint()
        steps.append((time.perf_counter() - t) * 1000)
    settled = sum(1 for d in s.review.disputes if not d.agreed and d.settled)  # type: ignore[union-attr]
    assert settled >= args.keys, settled
    w.close()

    key_ms = statistics.median(keys)
    floor_ms = statistics.median(floors)
    result = {
        "bench": "review_gui",
        "article_words": 5000,
        "curator_spans": spans,
        "disagreements": disagreements,
        "first_open_ms": round(first_open, 1),
        "open_ms_median": round(statistics.median(opens), 1),
        "open_ms_max": round(max(opens), 1),
        "key_ms_median": round(key_ms, 1),
        "key_ms_max": round(max(keys), 1),
        "step_ms_median": round(statistics.median(steps), 1),
        "floor_ms_median": round(floor_ms, 1),
        "key_vs_floor": round(key_ms / floor_ms, 2),
        "goals": GOALS,
    }
    result["meets_goals"] = (
        result["key_ms_median"] <= GOALS["key_ms"] and result["open_ms_median"] <= GOALS["open_ms"]
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
