"""Bulk import of other tools' annotations: the same rows as the per-span store API on
every real sample, batches that survive kill -9, and what a bad or foreign file gets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.interchange import import_annotated, read_annotated
from annotator.core.store import NewDocument, Store
from annotator.formats.records import Rejection
from annotator.formats.spans import AnnotatedText, attach_relations

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "formats"

# Every importer's real sample in ../shared/formats, with its format.
SAMPLES = [
    ("explosion_drugs_eval.jsonl", "prodigy"),
    ("explosion_ner_tweets_demo.jsonl", "prodigy"),
    ("explosion_ner_tweets_demo.spacy", "spacy"),
    ("doccano_official_export_sequence_labeling_example.jsonl", "doccano"),
    ("doccano_official_relation_extraction_example.jsonl", "doccano"),
    ("labelstudio_multi_annotator_export.json", "labelstudio"),
    ("brat_news_tutorial/000-introduction.ann", "brat"),
    ("brat_news_tutorial/060-relation_annotation.ann", "brat"),
    ("brat_news_tutorial/100-attribute_annotation.ann", "brat"),
    ("spacy_ner-token-per-line-conll2003.iob", "conll"),
]


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not there (CI lays ../shared beside the clone)")
    return path


def per_span_import(store: Store, items: Iterable[Any], fallback: str) -> list[Rejection]:
    """The reference: every record through the store's one-at-a-time API
    (add_documents, add_annotation, set_status), with the same rules."""
    rejected: list[Rejection] = []
    for item in items:
        if isinstance(item, Rejection):
            rejected.append(item)
            continue
        assert isinstance(item, AnnotatedText)
        curator = item.curator or fallback
        rejected += item.problems + item.notes
        doc_id = store.document_id_for_text(item.text)
        if doc_id is None:
            (doc_id,) = store.add_documents(
                [NewDocument(item.text, item.title, item.date, item.source, item.meta)]
            )
        if item.answer != "accept":
            continue
        have = {(a.layer, a.start, a.end, a.label) for a in store.annotations(doc_id, curator)}
        for s in attach_relations(item.spans, item.relations):
            if (s.layer, s.start, s.end, s.label) in have:
                continue
            have.add((s.layer, s.start, s.end, s.label))
            store.add_annotation(
                doc_id, curator, s.layer, s.start, s.end, s.label, "imported",
                kb_id=s.kb_id, attrs=s.attrs,
            )  # fmt: skip
        status = store.status(doc_id, curator)
        if item.problems and status == "open":
            store.set_status(doc_id, curator, "in_progress")
        elif not item.problems and status in ("open", "in_progress"):
            store.set_status(doc_id, curator, "done")
    return rejected


def rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """What a user sees of a project, independent of row ids and timestamps."""
    c = store.conn
    return {
        "documents": c.execute(
            "SELECT text, title, date, source, meta FROM documents ORDER BY id"
        ).fetchall(),
        "annotations": c.execute(
            'SELECT d.text, a.annotator, a.layer, a.start, a."end", a.label, a.kb_id, '
            "a.attrs, a.origin FROM annotations a JOIN documents d ON d.id = a.doc_id "
            'ORDER BY d.id, a.annotator, a.start, a."end", a.label, a.layer'
        ).fetchall(),
        "status": c.execute(
            "SELECT d.text, s.annotator, s.status FROM status s JOIN documents d "
            "ON d.id = s.doc_id ORDER BY d.id, s.annotator"
        ).fetchall(),
        "search": c.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'the' ORDER BY rowid"
        ).fetchall(),
    }


@pytest.mark.parametrize(("name", "fmt"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_bulk_import_writes_the_same_rows_as_the_per_span_api(
    tmp_path: Path, name: str, fmt: str
) -> None:
    path = shared(name)
    with Store(tmp_path / "ref.db") as ref:
        ref_rejected = per_span_import(ref, read_annotated(path, fmt), "someone")
        want = rows(ref)
    assert want["annotations"], "every sample has spans"
    for batch_size in (1000, 3):
        with Store(tmp_path / f"bulk{batch_size}.db") as store:
            report = import_annotated(
                store, read_annotated(path, fmt), annotator=None, fallback="someone",
                batch_size=batch_size,
            )  # fmt: skip
            assert rows(store) == want
            assert [str(r) for r in report.rejected] == [str(r) for r in ref_rejected]
            assert report.spans_added == len(want["annotations"])
            # one event per record, not one per span
            events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
            assert events <= report.documents_new + report.documents_matched
            again = import_annotated(
                store, read_annotated(path, fmt), annotator=None, fallback="someone"
            )
            assert again.spans_added == 0 and rows(store) == want


def _doccano_file(path: Path, n: int, bad: dict[int, str] | None = None) -> list[str]:
    texts = [f"Report {i}: Tokayev met Park Jin in Astana; trade rose 5%." for i in range(n)]
    lines = []
    for text in texts:
        label = [[text.index("Tokayev"), text.index("Tokayev") + 7, "PERSON"],
                 [text.index("Astana"), text.index("Astana") + 6, "GPE"]]  # fmt: skip
        lines.append(json.dumps({"text": text, "label": label}))
    for number, line in (bad or {}).items():
        lines[number - 1] = line
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return texts


CHILD = """
import sys, time
from pathlib import Path
from annotator.core import interchange
from annotator.core.store import Store

plain_json = interchange._json

def slow_json(value):
    # the event of record 130 is built inside the third batch's transaction
    if isinstance(value, dict) and str(value.get("source", "")).endswith(":130"):
        print("inside", flush=True)
        time.sleep(60)
    return plain_json(value)

interchange._json = slow_json
with Store(sys.argv[1]) as store:
    interchange.import_annotated(
        store, interchange.read_annotated(Path(sys.argv[2]), "doccano"),
        annotator="ann", fallback="ann", batch_size=50,
    )
"""


def test_kill_9_inside_a_batch_keeps_whole_batches_and_a_rerun_completes(tmp_path: Path) -> None:
    src = tmp_path / "big.jsonl"
    texts = _doccano_file(src, 300)
    db = tmp_path / "p.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(src)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "inside", "the child never reached batch 3"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    with Store(db) as store:
        # two whole batches: nothing of the third, which was being written
        assert store.count_documents() == 100
        assert store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 200
        assert len(store.doc_ids_with_status("ann", "done")) == 100
        report = import_annotated(
            store, read_annotated(src, "doccano"), annotator="ann", fallback="ann"
        )
        assert (report.documents_matched, report.documents_new) == (100, 200)
        assert (report.spans_existing, report.spans_added) == (200, 400)
        got = rows(store)
    with Store(tmp_path / "clean.db") as clean:
        import_annotated(clean, read_annotated(src, "doccano"), annotator="ann", fallback="ann")
        assert rows(clean) == got
    assert len(got["documents"]) == len(texts) and len(got["annotations"]) == 600


def test_one_bad_record_never_ends_an_import(store: Store, tmp_path: Path) -> None:
    """Lone surrogates in text, title or meta, and doccano fields of the wrong type, are
    reported by line; the other 2,995 records land."""
    src = tmp_path / "mixed.jsonl"
    bad = {
        2502: '{"text": "broken \\ud800 text", "label": []}',
        2503: '{"text": "fine text", "meta": {"title": "bad \\udfff title"}, "label": []}',
        2504: '{"text": "numbers", "entities": 5}',
        2505: '{"text": "booleans", "entities": [], "relations": true}',
        2506: '{"text": "label number", "label": 7}',
    }
    texts = _doccano_file(src, 3000, bad)
    report = import_annotated(store, read_annotated(src, "doccano"), annotator="a", fallback="a")
    assert [str(r) for r in report.rejected] == [
        "mixed.jsonl:2502: text (\\ud800 at 7) holds a lone surrogate, which is not valid "
        "Unicode; record left out (fix the \\u escape in the file)",
        "mixed.jsonl:2503: meta.title (\\udfff at 4) holds a lone surrogate, which is not "
        "valid Unicode; record left out (fix the \\u escape in the file)",
        "mixed.jsonl:2504: field 'entities' is int, not a list; no spans imported",
        "mixed.jsonl:2505: field 'relations' is bool, not a list; no spans imported",
        "mixed.jsonl:2506: field 'label' is int, not a list; no spans imported",
    ]
    good = [t for n, t in enumerate(texts, start=1) if n not in bad]
    assert all(store.document_id_for_text(t) for t in good)
    assert report.spans_added == 2 * len(good)
    assert len(store.doc_ids_with_status("a", "done")) == len(good)
    # the records whose fields were wrong keep their text, unfinished
    numbers = store.document_id_for_text("numbers")
    assert numbers is not None and store.status(numbers, "a") == "in_progress"


def test_surrogates_in_articles_prodigy_and_labelstudio_files(store: Store, tmp_path: Path) -> None:
    from annotator.core.importer import import_paths

    (tmp_path / "a.jsonl").write_text(
        '{"text": "ok one"}\n{"text": "x", "meta": {"k": "\\ud83d"}}\n{"text": "ok two"}\n'
    )
    report = import_paths(store, [tmp_path / "a.jsonl"])
    assert report.imported == 2
    assert [r.line for r in report.rejected] == [2]
    (tmp_path / "p.jsonl").write_text(
        '{"text": "p one", "answer": "accept"}\n'
        '{"text": "p two", "answer": "accept", "spans": [{"start": 0, "end": 1, '
        '"label": "A\\udc00"}]}\n'
    )
    p = import_annotated(store, read_annotated(tmp_path / "p.jsonl", "prodigy"), annotator="a",
                         fallback="a")  # fmt: skip
    assert [r.line for r in p.rejected] == [2] and p.documents_new == 1
    tasks = [{"data": {"text": "ls one"}}, {"data": {"text": "ls \ud800 two"}}]
    (tmp_path / "t.json").write_text(json.dumps(tasks))  # json escapes the surrogate
    ls = import_annotated(store, read_annotated(tmp_path / "t.json", "labelstudio"),
                          annotator="a", fallback="a")  # fmt: skip
    assert [str(r).split(" holds")[0] for r in ls.rejected] == [
        "t.json:2: task 2: data.text (\\ud800 at 3)"
    ]
    assert ls.documents_new == 1


@pytest.mark.parametrize(
    ("fmt", "record", "reason"),
    [
        ("doccano", {"text": "Alice met Bob.",
                     "label": [[0, 5, "PER 0 5\tAlice\nT9\tEVIL 6 9\tmet"]]},
         "label 1: span 0-5: label 'PER 0 5\\tAlice\\nT9\\tEVIL 6 9\\tmet' holds a tab, line "
         "break or control character"),
        ("doccano", {"text": "Alice met Bob.", "label": [[0, 5, " PER"]]},
         "label 1: span 0-5: label ' PER' has white space at an edge"),
        ("prodigy", {"text": "Alice met Bob.", "answer": "accept",
                     "spans": [{"start": 0, "end": 5, "label": "PER\x1b"}]},
         "span 1: span 0-5: label 'PER\\x1b' holds a tab, line break or control character"),
        ("prodigy", {"text": "Alice met Bob.", "answer": "accept",
                     "spans": [{"start": 0, "end": 5, "label": "PER", "kb_id": "Q1 Q2"}]},
         "span 1: kb id 'Q1 Q2' holds white space or a control character"),
        ("doccano", {"text": "Alice met Bob.", "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 5, "label": "PER"},
            {"id": 2, "start_offset": 10, "end_offset": 13, "label": "PER"}],
            "relations": [{"id": 7, "from_id": 1, "to_id": 2, "type": "met\tby"}]},
         "relation 7: label 'met\\tby' holds a tab, line break or control character"),
    ],
)  # fmt: skip
def test_labels_are_validated_at_import(
    store: Store, tmp_path: Path, fmt: str, record: dict[str, Any], reason: str
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(record) + "\n")
    report = import_annotated(store, read_annotated(path, fmt), annotator="a", fallback="a")
    assert [str(r) for r in report.rejected] == [f"x.jsonl:1: {reason}"]
    doc = store.document_id_for_text("Alice met Bob.")
    assert doc is not None and store.status(doc, "a") == "in_progress"


def test_labelstudio_and_brat_labels_are_validated(store: Store, tmp_path: Path) -> None:
    task = {"data": {"text": "Alice met Bob."}, "annotations": [{"result": [
        {"id": "a", "type": "labels", "value": {"start": 0, "end": 5, "text": "Alice",
                                                 "labels": ["PER", "EVIL\nT9"]}}]}]}  # fmt: skip
    (tmp_path / "t.json").write_text(json.dumps([task]))
    report = import_annotated(store, read_annotated(tmp_path / "t.json", "labelstudio"),
                              annotator="a", fallback="a")  # fmt: skip
    assert [str(r) for r in report.rejected] == [
        "t.json:1: task 1 annotation 1 result a: span 0-5: label 'EVIL\\nT9' holds a tab, "
        "line break or control character"
    ]
    (tmp_path / "b.txt").write_text("Alice met Bob.")
    (tmp_path / "b.ann").write_text("T1\tPER 0 5\tAlice\nN1\tReference T1 Wiki:1\tx y\tAlice\n")
    brat = import_annotated(store, read_annotated(tmp_path / "b.ann", "brat"), annotator="b",
                            fallback="b")  # fmt: skip
    assert brat.rejected == [] and brat.spans_added == 1


def test_wrong_format_is_refused_not_silently_empty(tmp_path: Path) -> None:
    shared("explosion_drugs_eval.jsonl")
    runner = CliRunner()
    db = str(tmp_path / "p.db")
    prodigy = str(SHARED / "explosion_drugs_eval.jsonl")
    result = runner.invoke(main, ["import", "--db", db, "--format", "doccano", prodigy])
    assert result.exit_code == 3
    assert result.stderr == (
        "explosion_drugs_eval.jsonl:1: does not look like doccano JSONL: no 'label', "
        "'entities' or 'annotations' field; it looks like Prodigy's JSONL (use --format "
        "prodigy). The rest of the file is not read\n"
    )
    doccano = str(SHARED / "doccano_official_export_sequence_labeling_example.jsonl")
    result = runner.invoke(main, ["import", "--db", db, "--format", "prodigy", doccano])
    assert result.exit_code == 3 and "use --format doccano" in result.stderr
    articles = tmp_path / "articles.jsonl"
    articles.write_text('{"text": "Just an article."}\n')
    result = runner.invoke(main, ["import", "--db", db, "--format", "prodigy", str(articles)])
    assert "does not look like Prodigy's JSONL" in result.stderr
    result = runner.invoke(main, ["import", "--db", db, "--format", "conll", doccano])
    assert result.stderr.startswith(
        "doccano_official_export_sequence_labeling_example.jsonl:1: does not look like CoNLL"
    )
    with Store(db) as store:
        assert store.count_documents() == 0
        assert store.conn.execute("SELECT count(*) FROM status").fetchone()[0] == 0


def test_a_document_whose_spans_were_all_rejected_is_not_done(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    # a span of white space only has no words to trim to: still rejected
    path.write_text(json.dumps({"text": "Astana today.", "label": [[6, 7, "GPE"], [5, 99, "X"]]}))
    report = import_annotated(store, read_annotated(path, "doccano"), annotator="a", fallback="a")
    assert report.spans_added == 0 and report.unfinished == 1 and report.done == 0
    assert [r.reason for r in report.rejected] == [
        "label 1: span 6-7 GPE ' ' is only white space",
        "label 2: span 5-99 X is outside the text (length 13)",
    ]
    assert report.trimmed == []
    (doc,) = store.document_ids()
    assert store.status(doc, "a") == "in_progress"
    assert "0 documents marked done, 1 left in progress" in report.summary()


def test_import_of_nothing_makes_no_project(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = CliRunner().invoke(main, ["import", "--db", str(db), str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nope.txt'}: no such file or folder; nothing imported and no "
        "project created\n"
    )
    assert not db.exists()


def test_broken_links_in_a_folder_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("A good article about Astana.")
    (folder / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    result = CliRunner().invoke(main, ["import", "--db", str(tmp_path / "p.db"), str(folder)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"{folder / 'gone.txt'}:0: broken symbolic link (to {tmp_path / 'deleted.txt'}); not read\n"
    )
    assert result.stdout == "imported 1, duplicates 0, rejected 1\n"


def test_file_names_that_are_not_utf8_are_imported_and_shown_escaped(tmp_path: Path) -> None:
    """A file name in Latin-1 ("café" as the byte 0xE9) reaches Python with surrogate
    escapes, which SQLite cannot store: the import goes on, the name shown escaped."""
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder)
    with open(raw + b"/caf\xe9.txt", "w", encoding="utf-8") as f:
        f.write("A good article about Astana.")
    with open(raw + b"/doccano-\xe9.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"text": "Bob met Alice.", "label": [[0, 3, "PERSON"]]}) + "\n")
    with open(raw + b"/kb-\xe9.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"name": "Bob Smith", "type": "PERSON"}) + "\n")
    db = tmp_path / "p.db"
    result = CliRunner().invoke(
        main, ["import", "--db", str(db), os.fsdecode(raw + b"/caf\xe9.txt")]
    )
    assert result.exit_code == 0, result.output
    doccano = os.fsdecode(raw + b"/doccano-\xe9.jsonl")
    result = CliRunner().invoke(main, ["import", "--db", str(db), doccano, "--annotator", "ann"])
    assert result.exit_code == 0, result.output
    kb = os.fsdecode(raw + b"/kb-\xe9.jsonl")
    result = CliRunner().invoke(main, ["kb", "import", "--db", str(db), kb])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        sources = [r[0] for r in store.conn.execute("SELECT source FROM documents ORDER BY id")]
        files = [
            json.loads(r[0])["file"]
            for r in store.conn.execute("SELECT payload FROM events WHERE action = 'kb_import'")
        ]
    assert sources[0] == "caf\\xe9.txt" and sources[1].startswith("doccano-\\xe9.jsonl")
    assert files[-1] == "kb-\\xe9.jsonl"


def test_malformed_conll_line_is_reported_not_dropped(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.conll"
    path.write_text(
        "-DOCSTART- -X- O O\n\nEU NNP B-ORG\nrejects VBZ O\n\n"
        "-DOCSTART- -X- O O\n\nNew York NNP B-LOC\nsaid VBD O\n\n"
        "-DOCSTART- -X- O O\n\nPeter NNP B-PER\nBlackburn\n"
    )
    report = import_annotated(store, read_annotated(path, "conll"), annotator="c", fallback="c")
    assert [str(r) for r in report.rejected] == [
        "x.conll:8: 4 columns where the file's token lines have 3; the document from line 6 "
        "is not imported, as its text cannot be rebuilt",
        "x.conll:14: 1 columns where the file's token lines have 3; the document from line "
        "11 is not imported, as its text cannot be rebuilt",
    ]
    assert [d.text for d in store.documents()] == ["EU rejects"]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_utf16_jsonl_and_csv_are_read(store: Store, tmp_path: Path, suffix: str) -> None:
    from annotator.core.importer import import_paths

    text = "Astana 🇰🇿 and Seoul, $5 billion"
    if suffix == ".jsonl":
        content = json.dumps({"text": text}, ensure_ascii=False) + "\n"
    else:
        content = f'title,text\nT,"{text}"\n'
    path = tmp_path / f"u16{suffix}"
    path.write_bytes(content.encode("utf-16"))
    report = import_paths(store, [path])
    assert (report.imported, report.rejected) == (1, [])
    assert [d.text for d in store.documents()] == [text]


def test_utf16_doccano_file_is_detected_and_imported(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    record = {"text": "Astana 🇰🇿 today", "label": [[0, 6, "GPE"]]}
    path.write_bytes((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-16"))
    from annotator.core.interchange import detect_format

    assert detect_format(path) == "doccano"
    report = import_annotated(store, read_annotated(path, "doccano"), annotator="a", fallback="a")
    assert report.spans_added == 1 and not report.rejected


def test_labelstudio_bundle_of_several_projects(store: Store) -> None:
    """The real multi-annotator sample wraps each annotator's project export."""
    path = shared("labelstudio_multi_annotator_export.json")
    report = import_annotated(store, read_annotated(path, "labelstudio"), annotator=None,
                              fallback="someone")  # fmt: skip
    bundle = json.loads(path.read_text("utf-8"))
    tasks = [t for p in bundle["projects"] for t in p["tasks"]]
    assert report.documents_new + report.documents_matched == sum(
        max(1, len(t["annotations"])) for t in tasks
    )
    assert len(report.curators) >= 2 and all(c.startswith("ls-user-") for c in report.curators)
    # people take a space along with the words (9 of 39 spans): trimmed, with a notice
    # each, and every document is finished for its curator
    assert report.rejected == [] and report.unfinished == 0
    assert report.done == report.documents_new + report.documents_matched == 13
    assert len(report.trimmed) == 9 and report.spans_added == 39
    assert all(r.reason.endswith("(white space at an edge)") for r in report.trimmed)


def test_cli_import_reports_progress_free_summary_and_done_counts(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    _doccano_file(src, 5)
    db = str(tmp_path / "p.db")
    result = CliRunner().invoke(main, ["import", "--db", db, "--annotator", "eve", str(src)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "imported 5 new documents, 0 already in the project; 10 annotations added for eve, "
        "0 already there; 5 documents marked done; rejected 0\n"
    )


def test_labelstudio_task_list_is_read_a_chunk_at_a_time(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.formats import labelstudio

    def task(i: int) -> dict[str, Any]:
        text = f"Task {i} 🎉 in Astana"
        value = {"start": 12, "end": 18, "text": "Astana", "labels": ["GPE"]}
        return {"data": {"text": text}, "annotations": [{"result": [
            {"id": "a", "type": "labels", "value": value}]}]}  # fmt: skip

    path = tmp_path / "t.json"
    source = json.dumps([task(i) for i in range(30)], indent=2, ensure_ascii=False)
    path.write_text(source, "utf-8")
    whole = list(read_annotated(path, "labelstudio"))
    assert len(whole) == 30 and all(isinstance(i, AnnotatedText) for i in whole)
    for chunk in (1, 2, 7, 13, 64):  # every way a task can be cut between chunks
        monkeypatch.setattr(labelstudio, "CHUNK", chunk)
        assert list(read_annotated(path, "labelstudio")) == whole
    broken = source.replace('"text": "Task 21', '"text": Task 21', 1)
    path.write_text(broken, "utf-8")
    try:
        json.loads(broken)
    except json.JSONDecodeError as exc:
        where = (exc.lineno, exc.colno)
    *good, last = read_annotated(path, "labelstudio")
    assert good == whole[:21]
    assert str(last) == f"t.json:{where[0]}: malformed JSON: Expecting value (column {where[1]})"
