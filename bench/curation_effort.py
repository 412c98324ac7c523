"""Keys a curator spends to bring seed articles to their gold by keyboard alone.

    python bench/curation_effort.py [--seeds 000,002] [--trace FILE]

Imports the chosen seeds into a new project, lets the real model suggest (`annotator
suggest`, in a subprocess as the window does), opens the curation window offscreen and
replays a curator's keys on it: `keyboard_curator.Curator` looks at the window after each
key and decides the next one from what is on screen and what the gold says the article
should end with (tests/data/seeds_gold.jsonl: entities with labels, figures with kind,
value and unit). Every key goes to the focused widget as a real key event (QTest), dialogs
included; no mouse, no calls into the window's code. Then reads what was saved and
compares it with the gold.

Prints one JSON line: gold spans, keys, keys per gold span, recall and precision of the
saved spans (figures must also have the gold's value and unit), keys per action kind,
per document, and the peak RSS. Goal (issue 13): recall 1.00 and <= 1.2 keys per gold
span. With --trace, every key with its kind is written to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

GOLD = ROOT / "tests" / "data" / "seeds_gold.jsonl"
GOALS = {"recall": 1.0, "keys_per_gold_span": 1.2}
ANNOTATOR = "curator"


def load_gold(files: list[str]) -> dict[str, list[Any]]:
    from keyboard_curator import Gold

    out: dict[str, list[Any]] = {}
    with GOLD.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec["file"] not in files:
                continue
            spans = [Gold("ents", e["start"], e["end"], e["label"]) for e in rec["ents"]]
            spans += [
                Gold("figures", f["start"], f["end"], f["kind"], f.get("value"), f.get("unit"))
                for f in rec["figures"]
            ]
            out[rec["file"]] = spans
    return out


def build_project(folder: Path, files: list[Path]) -> Path:
    from annotator.core.importer import import_paths
    from annotator.core.store import Store

    db = folder / "seeds.db"
    with Store(db) as store:
        import_paths(store, files)
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "suggest", "--db", str(db), "--progress", "none"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        sys.exit(f"curation_effort: `annotator suggest` failed: {done.stderr.strip()}")
    return db


def replay(window: Any, curator: Any, trace: list[str], limit: int = 2000) -> Counter[str]:
    """Press the curator's keys on the window until it has nothing left to do. Keys are
    sent from a timer so that a key which opens a dialog (whose exec() runs its own
    event loop) is followed by the keys for that dialog."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    loop = QEventLoop()  # a loop of its own: quitting it leaves the application running
    counts: Counter[str] = Counter()
    failure: list[BaseException] = []
    waited = [0]

    def tick() -> None:
        if failure or sum(counts.values()) >= limit:
            loop.quit()
            return
        modal = QApplication.activeModalWidget()
        settling = (
            # a dialog just closed: the window gets its activation back a moment later
            QApplication.focusWidget() is None
            if modal is None
            # a dialog just opened: keys go to it once it is active (a curator waits)
            else QApplication.activeWindow() is not modal or modal.focusWidget() is None
        )
        if settling and waited[0] < 200:
            waited[0] += 1
            QTimer.singleShot(5, tick)
            return
        waited[0] = 0
        try:
            p = curator.next_key()
        except Exception as exc:  # the curator is stuck: report it, do not hang
            failure.append(exc)
            loop.quit()
            return
        if p is None:
            if QApplication.activeModalWidget() is not None and waited[0] < 500:
                waited[0] += 1
                QTimer.singleShot(20, tick)  # a dialog closing after its answer
            else:
                loop.quit()
            return
        QTimer.singleShot(0, tick)  # before the key: it may open a dialog
        modal = QApplication.activeModalWidget()
        if modal is not None:  # keys go to the dialog, whichever window the OS calls active
            target = modal.focusWidget() or modal
        else:
            target = QApplication.focusWidget() or window
        counts[p.kind] += 1
        state = window.session.state
        where = state.document.source if state is not None else "-"
        trace.append(f"{where}\t{p.kind}\t{p.name}\t{type(target).__name__}\t{curator.note}")
        if os.environ.get("CURATION_EFFORT_VERBOSE"):
            print(trace[-1], file=sys.stderr, flush=True)
        QTest.keyClick(target, p.key, p.mods)
        if os.environ.get("CURATION_EFFORT_VERBOSE"):
            after = f"  -> sel={window.article.selected_span()} current={window.session.current}"
            print(after, file=sys.stderr, flush=True)

    QTimer.singleShot(0, tick)
    loop.exec()
    if failure:
        raise failure[0]
    return counts


def score(store: Any, doc_id: int, gold: list[Any], annotator: str) -> dict[str, int]:
    saved = store.annotations(doc_id, annotator)
    golds = {(g.layer, g.start, g.end, g.label): g for g in gold}
    right = 0
    for a in saved:
        g = golds.get((a.layer, a.start, a.end, a.label))
        if g is None:
            continue
        if a.layer == "figures" and g.value is not None:
            value = a.attrs.get("value")
            if not isinstance(value, int | float) or abs(value - g.value) > 1e-6 * abs(g.value):
                continue
            if (a.attrs.get("unit") or None) != (g.unit or None):
                continue
        right += 1
    return {"gold": len(gold), "saved": len(saved), "right": right}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="000,002", help="seed file prefixes, comma-separated")
    parser.add_argument("--trace", type=Path, help="write every key pressed to this file")
    args = parser.parse_args()
    prefixes = [p.strip() for p in args.seeds.split(",") if p.strip()]
    files = sorted(p for p in (ROOT / "seeds").glob("*.txt") if p.name[:3] in prefixes)
    if len(files) != len(prefixes):
        sys.exit(f"curation_effort: no seed for each of {prefixes}")
    gold_by_file = load_gold([f.name for f in files])

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = build_project(folder, files)
        from PySide6.QtTest import QTest

        from annotator.gui.app import application

        app = application()
        from keyboard_curator import Curator

        from annotator.gui.main_window import MainWindow

        window = MainWindow(db, annotator=ANNOTATOR, settings_dir=folder / "settings")
        window.resize(1400, 900)
        window.show()
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        app.processEvents()
        store = window.store
        ids = {store.document(i).source: i for i in store.document_ids()}  # file -> id
        gold = {ids[name]: spans for name, spans in gold_by_file.items()}
        suggested = {i: len(store.suggestions(i)) for i in gold}
        curator = Curator(window, gold)
        trace: list[str] = []
        t0 = time.perf_counter()
        error = ""
        try:
            counts = replay(window, curator, trace)
        except Exception as exc:
            counts = Counter(line.split("\t")[1] for line in trace)
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        window.close()
        from annotator.core.store import Store

        per_doc = []
        totals = Counter[str]()
        with Store(db) as saved:
            for name, doc_id in sorted(ids.items()):
                s = score(saved, doc_id, gold[doc_id], ANNOTATOR)
                keys = sum(1 for line in trace if line.startswith(name + "\t"))
                per_doc.append(
                    {
                        "file": name,
                        "gold_spans": s["gold"],
                        "suggested": suggested[doc_id],
                        "keys": keys,
                        "recall": round(s["right"] / s["gold"], 3),
                        "precision": round(s["right"] / s["saved"], 3) if s["saved"] else 0.0,
                        "status": saved.status(doc_id, ANNOTATOR),
                    }
                )
                totals.update(s)
    if args.trace:
        args.trace.write_text("\n".join(trace) + "\n", encoding="utf-8")
    keys = sum(counts.values())
    result = {
        "bench": "curation_effort",
        "seeds": [f.name for f in files],
        "gold_spans": totals["gold"],
        "keys": keys,
        "keys_per_gold_span": round(keys / totals["gold"], 3),
        "recall": round(totals["right"] / totals["gold"], 3),
        "precision": round(totals["right"] / totals["saved"], 3) if totals["saved"] else 0.0,
        "mouse_events": 0,
        "keys_by_kind": dict(sorted(counts.items(), key=lambda kv: -kv[1])),
        "per_document": per_doc,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "goal": GOALS,
    }
    result["goal_met"] = (
        result["recall"] >= GOALS["recall"]
        and result["keys_per_gold_span"] <= GOALS["keys_per_gold_span"]
        and not error
    )
    if error:
        result["error"] = error
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
