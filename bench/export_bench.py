"""Export speed: N finished documents (~400 words, ~30 annotations each) to a spaCy
DocBin, against the floor of tokenising the same texts with spacy.blank("en"), adding
them to a DocBin (store_user_data=True) and writing it to disk.

    python bench/export_bench.py [--docs 10000] [--words 400]

Prints one JSON line: docs/s of `export_spacy` (reading the project included) and of the
floor, and `ratio` = ours / floor. The generated project is cached under bench/out/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ENTITY, FIGURE, LABEL, articles

from annotator.core.export import export_spacy
from annotator.core.store import NewDocument, Store
from annotator.formats.spacy_docbin import msgpack_encoders_read_once

OUT = Path(__file__).resolve().parent / "out"
CURATOR = "bench"
SPANS = 30


def build(path: Path, n: int, words: int) -> None:
    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    store = Store(tmp)
    docs = [
        NewDocument(str(a["text"]), str(a["meta"]["title"]), None, f"bench:{i}", {})  # type: ignore[index]
        for i, a in enumerate(articles(n, words))
    ]
    ids = store.add_documents(docs)
    rows = []
    for doc_id, doc in zip(ids, docs, strict=True):
        found = []
        for m in ENTITY.finditer(doc.text):
            found.append((doc_id, CURATOR, "ents", m.start(), m.end(), LABEL[m.group()], "{}"))
        for m in FIGURE.finditer(doc.text):
            kind = "percent" if m.group().endswith("%") else "money"
            attrs = {"kind": kind, "value": 1.0, "unit": "USD", "metric": "trade", "subjects": []}
            found.append((doc_id, CURATOR, "figures", m.start(), m.end(), kind, json.dumps(attrs)))
        # about SPANS per document, spread over the text
        step = max(1, round(len(found) / SPANS))
        rows += sorted(found, key=lambda r: r[3])[::step]
    with store.transaction() as conn:
        conn.executemany(
            'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, attrs, '
            "origin) VALUES (?, ?, ?, ?, ?, ?, ?, 'manual')",
            rows,
        )
        conn.executemany(
            "INSERT INTO status (doc_id, annotator, status) VALUES (?, ?, 'done')",
            [(d, CURATOR) for d in ids],
        )
    store.close()
    tmp.rename(path)


def floor(texts: list[str], out: Path, packing: contextlib.AbstractContextManager[None]) -> float:
    import spacy
    from spacy.tokens import DocBin

    t = time.perf_counter()
    nlp = spacy.blank("en")
    db = DocBin(store_user_data=True)
    with packing:
        for doc in nlp.tokenizer.pipe(texts, batch_size=256):
            db.add(doc)
        db.to_disk(out)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=400)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    project = OUT / f"export_bench_{args.docs}_{args.words}.db"
    if not project.exists():
        build(project, args.docs, args.words)
    with Store(project) as store, tempfile.TemporaryDirectory() as tmp:
        texts = [d.text for d in store.documents()]
        spans = store.conn.execute(
            "SELECT count(*) FROM annotations WHERE annotator = ?", (CURATOR,)
        ).fetchone()[0]
        floor_s = floor(texts, Path(tmp) / "floor.spacy", contextlib.nullcontext())
        # the same floor with srsly's encoders read once, as the export does
        floor_once_s = floor(texts, Path(tmp) / "floor2.spacy", msgpack_encoders_read_once())
        t = time.perf_counter()
        report = export_spacy(store, Path(tmp) / "ours.spacy", CURATOR)
        ours_s = time.perf_counter() - t
        out = Path(tmp) / "ours.spacy"  # a folder of shards above SHARD_DOCS documents
        files = [out] if out.is_file() else list(out.iterdir())
        size = sum(f.stat().st_size for f in files)
    print(
        json.dumps(
            {
                "bench": "export_spacy",
                "docs": report.documents,
                "spans_per_doc": round(spans / len(texts), 1),
                "docs_per_s": round(report.documents / ours_s, 1),
                "floor_docs_per_s": round(len(texts) / floor_s, 1),
                "ratio": round(floor_s / ours_s, 3),
                "floor_read_once_docs_per_s": round(len(texts) / floor_once_s, 1),
                "ratio_same_packing": round(floor_once_s / ours_s, 3),
                "seconds": round(ours_s, 2),
                "floor_seconds": round(floor_s, 2),
                "realigned": report.realigned,
                "overlapping": report.overlapping,
                "unaligned": report.unaligned,
                "mb": round(size / 1e6, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
