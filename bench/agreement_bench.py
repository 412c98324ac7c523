"""Agreement and review-queue speed: N documents (~400 words) finished by 3 curators
with realistic disagreement (missed and extra spans, confused labels, shifted edges,
one curator's nested spans).

    python bench/agreement_bench.py [--docs 10000] [--words 400]

Each measured step runs in a fresh child process, so its time and peak RSS are its own:

- `agreement`: every figure (exact and partial F1, Cohen's and Fleiss' kappa,
  Krippendorff's alpha; every pair and the group; overall and per label), reading the
  project and tokenising included; its floor is reading each span's document id and
  start and every text from SQLite into Python;
- `queue`: the review queue of every document, worst first; its floor is reading each
  span's document id and start from SQLite into Python (no curator, label or grouping);
- `references` (on the first --ref-docs documents, 2,000 by default: the krippendorff
  package needs about 2 GB per million tokens, and 10,000 documents are 5 million):
  scikit-learn's cohen_kappa_score (each pair), statsmodels' fleiss_kappa
  and the krippendorff package (each pair and the group, from its `value_counts` input),
  overall figures only, given the token labels ready in memory (reading and tokenising
  not included), and the largest difference between their values and ours.

Prints one JSON line; `ratio_to_references` = our agreement time on the reference
documents / the references' time on them (below 1: ours, doing more, is faster). The
generated projects are cached under bench/out/.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ORGS, PEOPLE, PLACES, articles

OUT = Path(__file__).resolve().parent / "out"
CURATORS = ("alice", "bob", "carol")
SPANS = 25  # true entities per document, at most
_ENTITY = re.compile(
    "|".join(re.escape(x) for x in sorted([*PEOPLE, *ORGS, *PLACES], key=len, reverse=True))
)
_LABEL = {**{p: "PERSON" for p in PEOPLE}, **{o: "ORG" for o in ORGS}, **{g: "GPE" for g in PLACES}}
_OTHER = {"PERSON": "ORG", "ORG": "GPE", "GPE": "LOC"}
_DATE = re.compile(r"\b(?:June 1|May 31|October 25|December 16, 1991|20\d\d)\b")


def _versions(text: str, rng: random.Random) -> dict[str, list[tuple[int, int, str]]]:
    """Three curators' spans: the true ones with each curator's own mistakes."""
    truth = [(m.start(), m.end(), _LABEL[m.group()]) for m in _ENTITY.finditer(text)]
    truth += [(m.start(), m.end(), "DATE") for m in _DATE.finditer(text)]
    if len(truth) > SPANS:  # news articles have about this many names and dates
        truth = sorted(rng.sample(truth, SPANS))
    capitalised = list(re.finditer(r"\b[A-Z][a-z]{3,}\b", text))
    out: dict[str, list[tuple[int, int, str]]] = {}
    for who, miss, confuse, shift, extra in (
        ("alice", 0.04, 0.03, 0.02, 0.01),
        ("bob", 0.10, 0.06, 0.05, 0.03),
        ("carol", 0.06, 0.04, 0.10, 0.05),
    ):
        spans = []
        for start, end, label in truth:
            r = rng.random()
            if r < miss:
                continue
            if r < miss + confuse:
                label = _OTHER.get(label, "ORG")
            elif r < miss + confuse + shift and text[max(0, start - 4) : start] in ("the ", "The "):
                start -= 4
            spans.append((start, end, label))
            if who == "carol" and label == "ORG" and " " in text[start:end] and rng.random() < 0.2:
                spans.append((start, start + text[start:end].index(" "), "ORG"))  # nested
        for _ in range(int(extra * len(truth) + rng.random())):
            m = rng.choice(capitalised)  # a word some curator took for a name
            spans.append((m.start(), m.end(), rng.choice(["ORG", "PERSON", "NORP"])))
        out[who] = spans
    return out


def build(path: Path, n: int, words: int) -> None:
    from annotator.core.store import NewDocument, Store

    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    store = Store(tmp)
    docs = [
        NewDocument(str(a["text"]), str(a["meta"]["title"]), None, f"bench:{i}", {})  # type: ignore[index]
        for i, a in enumerate(articles(n, words))
    ]
    ids = store.add_documents(docs)
    rng = random.Random(5)
    rows, status = [], []
    for doc_id, doc in zip(ids, docs, strict=True):
        for who, spans in _versions(doc.text, rng).items():
            rows += [(doc_id, who, "ents", s, e, label, "manual") for s, e, label in spans]
            status.append((doc_id, who, "done"))
    with store.transaction() as conn:
        conn.executemany(
            'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, origin) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany("INSERT INTO status (doc_id, annotator, status) VALUES (?, ?, ?)", status)
    store.close()
    tmp.rename(path)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(step: str, db: Path) -> dict[str, object]:
    from annotator.core.store import Store

    store = Store(db, create=False)
    if step == "agreement":
        from annotator.core.agreement import agreement

        t = time.perf_counter()
        a = agreement(store)
        seconds = time.perf_counter() - t
        # the floor: only reading each span's document and start, and the texts
        t = time.perf_counter()
        store.conn.execute("SELECT doc_id, start FROM annotations").fetchall()
        store.conn.execute("SELECT text FROM documents").fetchall()
        floor = time.perf_counter() - t
        assert a.group is not None
        figures = {
            "pairs": {"/".join(s.raters): [s.overall.kappa, s.overall.alpha] for s in a.pairs},
            "group": [a.group.overall.kappa, a.group.overall.alpha],
            "labels": len(a.labels),
            "tokens": a.group.overall.units,
            "group_exact_f1": a.group.overall.exact_f1,
            "group_partial_f1": a.group.overall.partial_f1,
        }
        return {
            "seconds": seconds,
            "peak_rss_mb": _peak_mb(),
            "figures": figures,
            "floor_seconds": floor,
        }
    if step == "queue":
        from annotator.core.review import review_queue

        t = time.perf_counter()
        q = review_queue(store)
        seconds = time.perf_counter() - t
        # the floor: only reading each span's document and start into Python
        t = time.perf_counter()
        store.conn.execute("SELECT doc_id, start FROM annotations").fetchall()
        floor = time.perf_counter() - t
        return {
            "seconds": seconds,
            "peak_rss_mb": _peak_mb(),
            "documents": len(q),
            "open_disputes": sum(e.open for e in q),
            "floor_seconds": floor,
        }
    if step == "references":
        import itertools

        import krippendorff
        import numpy as np
        from sklearn.metrics import cohen_kappa_score
        from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

        from annotator.core.agreement import load_corpus

        corpus = load_corpus(store)
        codes = corpus.codes  # every document was finished by all three
        domain = list(range(len(corpus.categories)))
        t = time.perf_counter()
        pairs = {}
        units = np.arange(codes.shape[1])

        def value_counts(raters: list[int]) -> np.ndarray:
            # krippendorff's other documented input: its reliability_data form needs
            # about 2 GB per million tokens, which 5 million tokens do not fit beside
            # everyone else's work on this machine
            counts = np.zeros((codes.shape[1], len(domain)), dtype=np.int64)
            for r in raters:
                counts[units, codes[r]] += 1
            return counts

        for a, b in itertools.combinations(range(len(CURATORS)), 2):
            kappa = cohen_kappa_score(codes[a], codes[b])
            alpha = krippendorff.alpha(
                value_counts=value_counts([a, b]), level_of_measurement="nominal"
            )
            pairs[f"{CURATORS[a]}/{CURATORS[b]}"] = [float(kappa), float(alpha)]
        table, _ = aggregate_raters(codes.T)
        group = [
            float(fleiss_kappa(table, method="fleiss")),
            float(
                krippendorff.alpha(
                    value_counts=value_counts(list(range(len(CURATORS)))),
                    level_of_measurement="nominal",
                )
            ),
        ]
        seconds = time.perf_counter() - t
        return {
            "seconds": seconds,
            "peak_rss_mb": _peak_mb(),
            "figures": {"pairs": pairs, "group": group},
        }
    raise SystemExit(f"unknown step {step}")


def _child(step: str, db: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", step, "--db", str(db)],
        check=True,
        capture_output=True,
        text=True,
        # fail rather than push a shared machine into the out-of-memory killer
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (12 << 30, 12 << 30)),
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument(
        "--ref-docs",
        type=int,
        default=2_000,
        help="documents for the comparison with the reference libraries (krippendorff needs "
        "about 2 GB per million tokens)",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.db)))
        return
    OUT.mkdir(exist_ok=True)
    db = OUT / f"agreement-{args.docs}x{args.words}-v2.db"
    small = OUT / f"agreement-{args.ref_docs}x{args.words}-v2.db"
    for path, n in ((db, args.docs), (small, args.ref_docs)):
        if not path.exists():
            build(path, n, args.words)
    ours = _child("agreement", db)
    queue = _child("queue", db)
    # the same generator and seed: the small project is the first documents of the large
    ours_small = _child("agreement", small)
    refs = _child("references", small)
    ours_fig, ref_fig = ours_small["figures"], refs["figures"]  # type: ignore[index]
    diffs = [
        abs(x - y)
        for k in ref_fig["pairs"]
        for x, y in zip(ours_fig["pairs"][k], ref_fig["pairs"][k], strict=True)
    ]
    diffs += [abs(x - y) for x, y in zip(ours_fig["group"], ref_fig["group"], strict=True)]
    full = ours["figures"]  # type: ignore[index]
    result = {
        "bench": "agreement",
        "documents": args.docs,
        "curators": len(CURATORS),
        "tokens": full["tokens"],
        "labels": full["labels"],
        "agreement_s": round(float(ours["seconds"]), 3),  # type: ignore[arg-type]
        "agreement_peak_rss_mb": round(float(ours["peak_rss_mb"]), 1),  # type: ignore[arg-type]
        "agreement_floor_s": round(float(ours["floor_seconds"]), 3),  # type: ignore[arg-type]
        "agreement_ratio_to_floor": round(
            float(ours["seconds"]) / float(ours["floor_seconds"]),  # type: ignore[arg-type]
            2,
        ),
        "queue_s": round(float(queue["seconds"]), 3),  # type: ignore[arg-type]
        "queue_peak_rss_mb": round(float(queue["peak_rss_mb"]), 1),  # type: ignore[arg-type]
        "queue_open_disputes": queue["open_disputes"],
        "queue_floor_s": round(float(queue["floor_seconds"]), 3),  # type: ignore[arg-type]
        "queue_ratio_to_floor": round(
            float(queue["seconds"]) / float(queue["floor_seconds"]),  # type: ignore[arg-type]
            2,
        ),
        "reference_documents": args.ref_docs,
        "reference_tokens": ours_small["figures"]["tokens"],  # type: ignore[index]
        "agreement_on_reference_documents_s": round(float(ours_small["seconds"]), 3),  # type: ignore[arg-type]
        "references_overall_only_s": round(float(refs["seconds"]), 3),  # type: ignore[arg-type]
        "references_peak_rss_mb": round(float(refs["peak_rss_mb"]), 1),  # type: ignore[arg-type]
        "ratio_to_references": round(float(ours_small["seconds"]) / float(refs["seconds"]), 3),  # type: ignore[arg-type]
        "max_difference_to_references": max(diffs),
        "group": {
            "fleiss_kappa": full["group"][0],
            "alpha": full["group"][1],
            "exact_f1": full["group_exact_f1"],
            "partial_f1": full["group_partial_f1"],
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
