"""Interchange at scale: import and export of a corpus with spans, side by side with
bare floors measured in the same run and with Label Studio's and doccano's own times.

    python bench/interchange_bench.py [--docs 10000] [--words 400] [--only STEP,...]

The corpus (bench/corpus.py, seeded): N news-like articles of ~400 words with ~17.6
entity spans each (10,000 give 176,378 spans), written as plain JSONL, doccano JSONL and
a Label Studio JSON export, cached under bench/out/. Every step runs in a child process,
which reports its wall time and its peak RSS (the memory a user of the CLI would see):

- import_plain: the articles; import_doccano, import_labelstudio: the texts with their
  spans (annotator's bulk import of other tools' annotations);
- floor_import: a bare sqlite3 executemany of the same rows (documents, their full-text
  index, annotations, statuses) into the project schema; `ratio` = floor / ours;
- export_X for every format, from the project import_doccano made (all done), and
  floor_X: a bare read of the same rows (texts; spans' offsets and labels) from the
  project with sqlite3, the blank tokenizer (where the format has tokens), and writing
  the format's bytes with the same JSON library; `ratio` = floor / ours (1.0: no
  overhead at all).
`vs_labelstudio` / `vs_doccano` = their time / ours, from the issue's side-by-side run
(Label Studio 1.23.2, doccano 1.8.4, the same corpus shape, another machine run; see
PEERS). An export without a peer export of its own is compared with the peer's fastest
export. Prints ONE JSON line. The machine is shared: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OUT = HERE / "out"
CURATOR = "bench"
EXPORTS = ("spacy", "jsonl", "doccano", "labelstudio", "brat", "conll")

# Seconds for the 10,000-document corpus (issue 12's side-by-side table); scaled
# linearly for other sizes.
PEERS: dict[str, dict[str, float]] = {
    "import_plain": {"labelstudio": 2.0, "doccano": 3.7},
    "import_doccano": {"labelstudio": 13.9, "doccano": 36.6},
    "import_labelstudio": {"labelstudio": 13.9, "doccano": 36.6},
    "export_labelstudio": {"labelstudio": 20.0},
    "export_doccano": {"doccano": 23.0},
    "export_conll": {"labelstudio": 41.0},
    # no export of their own in these formats: their fastest export
    "export_spacy": {"labelstudio": 20.0, "doccano": 23.0},
    "export_jsonl": {"labelstudio": 20.0, "doccano": 23.0},
    "export_brat": {"labelstudio": 20.0, "doccano": 23.0},
}


# -- the steps, each run in a child process ------------------------------------------------


def _corpus(work: Path) -> dict[str, Path]:
    return {
        "articles": work / "articles.jsonl",
        "doccano": work / "doccano.jsonl",
        "labelstudio": work / "labelstudio.json",
    }


def step_import(work: Path, tmp: Path, kind: str) -> dict[str, Any]:
    from annotator.core.store import Store

    files = _corpus(work)
    db = tmp / f"import_{kind}.db"
    with Store(db) as store:
        t = time.perf_counter()
        if kind == "plain":
            from annotator.core.importer import import_paths

            report = import_paths(store, [files["articles"]])
            counts = {"documents": report.imported, "rejected": len(report.rejected)}
        else:
            from annotator.core.interchange import import_annotated, read_annotated

            a = import_annotated(
                store, read_annotated(files[kind], kind), annotator=CURATOR, fallback=CURATOR
            )
            counts = {
                "documents": a.documents_new,
                "spans": a.spans_added,
                "rejected": len(a.rejected),
            }
        seconds = time.perf_counter() - t
    if kind == "doccano":
        shutil.copy(db, tmp / "project.db")  # the export steps' project
    return {"s": seconds, **counts}


def _rows(work: Path) -> tuple[list[tuple[Any, ...]], list[list[Any]]]:
    from annotator.core.store import content_hash

    docs, spans = [], []
    path = _corpus(work)["doccano"]
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            o = json.loads(line)
            meta = json.dumps(o["meta"], ensure_ascii=False, sort_keys=True)
            docs.append(
                (o["text"], o["meta"]["title"], o["meta"]["date"], f"{path.name}:{number}",
                 meta, content_hash(o["text"]))
            )  # fmt: skip
            spans.append(o["label"])
    return docs, spans


def step_floor_import(work: Path, tmp: Path) -> dict[str, Any]:
    import sqlite3

    from annotator.core.schema import MIGRATIONS
    from annotator.core.store import INDEX_NEW_DOCUMENTS

    docs, spans = _rows(work)
    annotations = [
        (i, CURATOR, "ents", s, e, label, None, "{}", "imported")
        for i, doc_spans in enumerate(spans, start=1)
        for s, e, label in doc_spans
    ]
    status = [(i, CURATOR, "done") for i in range(1, len(docs) + 1)]
    conn = sqlite3.connect(tmp / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript("\n".join(MIGRATIONS))
    t = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO documents (text, title, date, source, meta, hash) VALUES (?, ?, ?, ?, ?, ?)",
        docs,
    )
    conn.execute(INDEX_NEW_DOCUMENTS, (0,))
    conn.executemany(
        'INSERT INTO annotations (doc_id, annotator, layer, start, "end", label, kb_id, attrs, '
        "origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        annotations,
    )
    conn.executemany("INSERT INTO status (doc_id, annotator, status) VALUES (?, ?, ?)", status)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t
    conn.close()
    return {"s": seconds, "spans": len(annotations)}


def step_export(work: Path, tmp: Path, fmt: str) -> dict[str, Any]:
    from annotator.core.export import export_format, export_spacy
    from annotator.core.store import Store

    out = tmp / f"ours.{fmt}"
    with Store(tmp / "project.db") as store:
        t = time.perf_counter()
        if fmt == "spacy":
            report = export_spacy(store, out, CURATOR, force=True)
        else:
            report = export_format(store, fmt, out, CURATOR, force=True)
        seconds = time.perf_counter() - t
    rss = _peak_rss_mb()  # before sizing the output, which lists a 200,000-file folder
    result = {"s": seconds, "documents": report.documents, "mb": _size_mb(out), "rss_mb": rss}
    if report.shards:
        result["shards"] = report.shards["all"]
    _remove(out)
    return result


def _size_mb(path: Path) -> float:
    if path.is_dir():
        return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)
    return round(path.stat().st_size / 1e6, 1)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def step_floor_export(work: Path, tmp: Path, fmt: str) -> dict[str, Any]:
    """Only what any exporter of the format must do: read the rows, tokenise (Prodigy,
    CoNLL, spaCy) and write the bytes."""
    import sqlite3

    out = tmp / f"floor.{fmt}"
    t = time.perf_counter()
    conn = sqlite3.connect(tmp / "project.db")
    ids = {d: n for n, (d,) in enumerate(conn.execute("SELECT id FROM documents ORDER BY id"))}
    texts = [text for (text,) in conn.execute("SELECT text FROM documents ORDER BY id")]
    spans: list[list[Any]] = [[] for _ in ids]
    for doc_id, s, e, label in conn.execute(
        'SELECT doc_id, start, "end", label FROM annotations WHERE annotator = ? '
        'ORDER BY doc_id, start, "end"',
        (CURATOR,),
    ):
        spans[ids[doc_id]].append((s, e, label))
    conn.close()
    FLOORS[fmt](texts, spans, out)
    seconds = time.perf_counter() - t
    _remove(out)
    return {"s": seconds}


def _floor_spacy(texts: list[str], spans: list[list[Any]], out: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    from annotator.core.export import SHARD_DOCS
    from annotator.formats.spacy_docbin import DOCBIN_ATTRS

    nlp = spacy.blank("en")
    out.mkdir()
    db = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
    for n, (doc, doc_spans) in enumerate(zip(nlp.tokenizer.pipe(texts), spans, strict=True)):
        doc.ents = [doc.char_span(s, e, label=label) for s, e, label in doc_spans]
        db.add(doc)
        if len(db) == SHARD_DOCS or n == len(texts) - 1:
            db.to_disk(out / f"{n // SHARD_DOCS:03d}.spacy")
            db = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)


def _tokens(texts: list[str]) -> Any:
    import spacy
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    nlp = spacy.blank("en")
    for doc in nlp.tokenizer.pipe(texts):
        yield [(i, i + n) for i, n, space in doc.to_array([IDX, LENGTH, IS_SPACE]).tolist()
               if not space]  # fmt: skip


def _floor_jsonl(texts: list[str], spans: list[list[Any]], out: Path) -> None:
    import orjson

    with out.open("wb") as f:
        for text, doc_spans, toks in zip(texts, spans, _tokens(texts), strict=True):
            starts = {s: i for i, (s, _) in enumerate(toks)}
            ends = {e: i for i, (_, e) in enumerate(toks)}
            task = {
                "text": text,
                "tokens": [
                    {"text": text[s:e], "start": s, "end": e, "id": i,
                     "ws": e < len(text) and text[e].isspace()}
                    for i, (s, e) in enumerate(toks)
                ],
                "spans": [
                    {"start": s, "end": e, "text": text[s:e], "label": label,
                     "token_start": starts[s], "token_end": ends[e]}
                    for s, e, label in doc_spans
                ],
                "answer": "accept",
            }  # fmt: skip
            f.write(orjson.dumps(task, option=orjson.OPT_APPEND_NEWLINE))


def _floor_doccano(texts: list[str], spans: list[list[Any]], out: Path) -> None:
    import orjson

    with out.open("wb") as f:
        for text, doc_spans in zip(texts, spans, strict=True):
            f.write(
                orjson.dumps({"text": text, "label": doc_spans}, option=orjson.OPT_APPEND_NEWLINE)
            )


def _floor_labelstudio(texts: list[str], spans: list[list[Any]], out: Path) -> None:
    import orjson

    with out.open("wb") as f:
        f.write(b"[")
        for n, (text, doc_spans) in enumerate(zip(texts, spans, strict=True)):
            result = [
                {"id": f"s{i}", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]}}
                for i, (s, e, label) in enumerate(doc_spans)
            ]  # fmt: skip
            task = {"data": {"text": text}, "annotations": [{"result": result}]}
            f.write((b",\n" if n else b"\n") + orjson.dumps(task))
        f.write(b"\n]\n")


def _floor_brat(texts: list[str], spans: list[list[Any]], out: Path) -> None:
    out.mkdir()
    for n, (text, doc_spans) in enumerate(zip(texts, spans, strict=True), start=1):
        (out / f"{n:06d}.txt").write_bytes(text.encode("utf-8"))
        ann = "".join(
            f"T{i}\t{label} {s} {e}\t{text[s:e]}\n" for i, (s, e, label) in enumerate(doc_spans, 1)
        )
        (out / f"{n:06d}.ann").write_bytes(ann.encode("utf-8"))


def _floor_conll(texts: list[str], spans: list[list[Any]], out: Path) -> None:
    with out.open("w", encoding="utf-8") as f:
        for text, doc_spans, toks in zip(texts, spans, _tokens(texts), strict=True):
            begins = {s: label for s, _, label in doc_spans}
            lines = ["-DOCSTART- -X- O O", ""]
            inside, end = None, 0
            for s, e in toks:
                if inside and s >= end:
                    inside = None
                if s in begins:
                    inside = begins[s]
                    end = next(x for a, x, _ in doc_spans if a == s)
                    tag = f"B-{inside}"
                else:
                    tag = f"I-{inside}" if inside else "O"
                lines.append(f"{text[s:e]} -X- _ {tag}")
            f.write("\n".join(lines) + "\n\n")


FLOORS: dict[str, Callable[[list[str], list[list[Any]], Path], None]] = {
    "spacy": _floor_spacy,
    "jsonl": _floor_jsonl,
    "doccano": _floor_doccano,
    "labelstudio": _floor_labelstudio,
    "brat": _floor_brat,
    "conll": _floor_conll,
}


def _peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_child(step: str, work: Path, tmp: Path) -> dict[str, Any]:
    if step.startswith("import_"):
        result = step_import(work, tmp, step.removeprefix("import_"))
    elif step == "floor_import":
        result = step_floor_import(work, tmp)
    elif step.startswith("export_"):
        result = step_export(work, tmp, step.removeprefix("export_"))
    else:
        result = step_floor_export(work, tmp, step.removeprefix("floor_"))
    result.setdefault("rss_mb", _peak_rss_mb())
    return result


# -- the parent ----------------------------------------------------------------------------


def make_corpus(work: Path, docs: int, words: int) -> int:
    from corpus import write_corpus, write_doccano, write_labelstudio

    files = _corpus(work)
    marker = work / "spans.txt"
    if not marker.exists():
        work.mkdir(parents=True, exist_ok=True)
        write_corpus(files["articles"], docs, words)
        n = write_doccano(files["doccano"], docs, words)
        write_labelstudio(files["labelstudio"], docs, words)
        marker.write_text(str(n))
    return int(marker.read_text())


def child(step: str, work: Path, tmp: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", step, "--work", str(work), "--tmp", str(tmp)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"{step} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--only", help="comma-separated steps (default: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.work, args.tmp)))
        return
    work = OUT / f"interchange_{args.docs}_{args.words}"
    spans = make_corpus(work, args.docs, args.words)
    steps = ["import_plain", "import_doccano", "import_labelstudio", "floor_import"]
    for fmt in EXPORTS:
        steps += [f"export_{fmt}", f"floor_{fmt}"]
    if args.only:
        wanted = set(args.only.split(","))
        steps = [s for s in steps if s in wanted or s == "import_doccano"]
    scale = args.docs / 10_000
    results: dict[str, Any] = {
        "bench": "interchange",
        "docs": args.docs,
        "spans": spans,
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        for step in steps:
            r = child(step, work, Path(tmp))
            r["s"] = round(r["s"], 2)
            if step.startswith("floor_") and step != "floor_import":
                results[step.replace("floor_", "export_")]["floor_s"] = r["s"]
                continue
            if step == "floor_import":
                for kind in ("import_doccano", "import_labelstudio"):
                    if kind in results:
                        results[kind]["floor_s"] = r["s"]
                continue
            for peer, seconds in PEERS.get(step, {}).items():
                r[f"vs_{peer}"] = round(seconds * scale / r["s"], 1)
            results[step] = r
    for r in results.values():
        if isinstance(r, dict) and "floor_s" in r:
            r["ratio"] = round(r["floor_s"] / r["s"], 3)
    results["load_avg_1m_end"] = round(os.getloadavg()[0], 1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
