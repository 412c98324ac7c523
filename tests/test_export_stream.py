"""Exports stream and never destroy anything: every format checked document by
document against the one-document conversion, .spacy shards read by spaCy's own
corpus reader, outputs that are the project refused, interrupted exports leave nothing
half-written, and what the real tools need (doccano layouts, Label Studio users, brat's
empty files, no separator from the data)."""

from __future__ import annotations

import json
import random
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.export import (
    ExportError,
    annotated_docs,
    export_format,
    export_spacy,
    finished_doc_ids,
)
from annotator.core.interchange import import_annotated, read_annotated
from annotator.core.store import NewDocument, Store
from annotator.formats import brat, conll, doccano, labelstudio, prodigy
from annotator.formats.spans import AnnotatedText
from annotator.formats.tokens import token_offsets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import annotated_articles


def _generated(store: Store, n: int = 120) -> list[int]:
    """A project like a team's: news articles with names and amounts, figures with
    attributes, kb ids, a relation, emoji, a CoNLL-made text, all done for "eve"."""
    rng = random.Random(5)
    ids = []
    for i, (doc, spans) in enumerate(annotated_articles(n, words=120)):
        text = str(doc["text"])
        if i % 7 == 0:
            text = "🇰🇿 " + text.replace("Astana", "Astana 🎉", 1)
            spans = [(s, e, label) for s, e, label in _respan(text)]
        meta = {"tokenized": "whitespace"} if i % 11 == 5 else {"n": i}
        (doc_id,) = store.add_documents([NewDocument(text, f"t{i}", None, f"g:{i}", meta)])
        ids.append(doc_id)
        for s, e, label in spans:
            figure = label in ("MONEY", "PERCENT")
            store.add_annotation(
                doc_id, "eve", "figures" if figure and rng.random() < 0.5 else "ents",
                s, e, label.lower() if figure else label, "manual",
                kb_id=f"Q{s}" if label == "GPE" else None,
                attrs={"value": 1.5, "unit": "USD"} if figure else {},
            )  # fmt: skip
        store.set_status(doc_id, "eve", "done")
    return ids


def _respan(text: str) -> list[tuple[int, int, str]]:
    from corpus import all_spans

    return all_spans(text)[:12]


def _reference_items(store: Store) -> list[AnnotatedText]:
    ids = finished_doc_ids(store, "eve")
    return [i for d in ids for i in annotated_docs(store, "eve", [d])]


@pytest.fixture
def project(store: Store) -> Store:
    _generated(store)
    a = store.annotations(1, "eve")
    # one relation, kept in the head span's attributes
    store.update_annotation(
        a[0].id, attrs={**a[0].attrs, "relations": [{"label": "near", "to": [a[1].start,
                                                    a[1].end, a[1].label]}]}
    )  # fmt: skip
    return store


def test_streamed_exports_match_the_one_document_conversion(project: Store, tmp_path: Path) -> None:
    items = _reference_items(project)
    assert len(items) == 120
    for fmt in ("jsonl", "doccano", "labelstudio", "conll", "brat"):
        out = tmp_path / f"o.{fmt}"
        report = export_format(project, fmt, out, "eve")
        assert report.documents == 120
        if fmt == "jsonl":
            got = [json.loads(line) for line in out.open(encoding="utf-8")]
            want = []
            for item in items:
                whitespace = item.meta.get("tokenized") == "whitespace"
                toks = token_offsets(item.text, item.spans, whitespace_only=whitespace)
                tokens = ([s for s, _, _ in toks], [e for _, e, _ in toks],
                          [w for _, _, w in toks])  # fmt: skip
                want.append(prodigy.annotated_to_task(item, tokens))
            assert got == want
        elif fmt == "doccano":
            got = [json.loads(line) for line in out.open(encoding="utf-8")]
            assert report.layout == "relations"  # one span has a relation
            assert got == [doccano.annotated_to_record(i, "relations") for i in items]
        elif fmt == "labelstudio":
            got = json.loads(out.read_text("utf-8"))
            assert got == [labelstudio.annotated_to_task(i) for i in items]
        elif fmt == "conll":
            blocks = out.read_text("utf-8").split("-DOCSTART- -X- O O\n")[1:]
            assert len(blocks) == 120
            for block, item in zip(blocks, items, strict=True):
                kept, _ = conll._kept_ents(item)
                whitespace = item.meta.get("tokenized") == "whitespace"
                toks = token_offsets(item.text, kept, whitespace_only=whitespace)
                tokens = ([s for s, _, _ in toks], [e for _, e, _ in toks], [])
                lines = conll.annotated_to_lines(item, tokens, kept)
                assert "-DOCSTART- -X- O O\n" + block == "\n".join(lines) + "\n"
        else:
            for item in items:
                ann = (out / f"{item.doc_id:06d}.ann").read_text("utf-8")
                assert ann == brat.annotated_to_ann(item)[0]
                assert (out / f"{item.doc_id:06d}.txt").read_text("utf-8") == item.text
        # and it reads back: every span of every document
        if fmt in ("doccano", "labelstudio", "brat"):
            again = Store(tmp_path / f"again-{fmt}.db")
            paths = sorted(out.glob("*.ann")) if fmt == "brat" else [out]
            for p in paths:
                r = import_annotated(again, read_annotated(p, fmt), annotator="eve",
                                     fallback="eve")  # fmt: skip
                assert r.rejected == []
            n = again.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
            assert n == project.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
            again.close()


def test_spacy_shards_are_read_by_spacys_corpus_reader(project: Store, tmp_path: Path) -> None:
    import spacy
    from spacy.training import Corpus

    out = tmp_path / "corpus.spacy"
    # figures in doc.ents have tests of their own (test_figure_ents.py): here only entities
    report = export_spacy(project, out, "eve", shard_docs=50, figures_as_ents=False)
    assert out.is_dir() and report.shards == {"all": 3}
    assert sorted(p.name for p in out.iterdir()) == ["000.spacy", "001.spacy", "002.spacy"]
    nlp = spacy.blank("en")
    examples = list(Corpus(out)(nlp))
    assert len(examples) == 120
    items = {i.text: i for i in _reference_items(project)}
    for eg in examples:
        item = items[eg.reference.text]
        ents = {(s.start, s.end, s.label) for s in item.spans if s.layer == "ents"}
        got = {(e.start_char, e.end_char, e.label_) for e in eg.reference.ents}
        overlapping = {(s.start_char, s.end_char, s.label_)
                       for s in eg.reference.spans.get("ents_overlapping", [])}  # fmt: skip
        assert got | overlapping == ents
    # a small export stays one file; --shards asks for a folder anyway
    single = export_spacy(project, tmp_path / "one.spacy", "eve")
    assert (tmp_path / "one.spacy").is_file() and single.shards == {}
    forced = export_spacy(project, tmp_path / "f.spacy", "eve", shards=True, dev_fraction=0.2)
    assert forced.shards == {"train": 1, "dev": 1}
    assert (tmp_path / "f-train.spacy" / "000.spacy").is_file()


def test_docbin_written_field_by_field_is_what_spacy_writes(tmp_path: Path) -> None:
    import spacy

    from annotator.formats.spacy_docbin import docbin_to_disk, new_docbin

    nlp = spacy.blank("en")
    for texts in ([], ["Astana 🎉 hosts talks.", "Seoul, $5bn."] * 200):
        db = new_docbin()
        for doc in nlp.tokenizer.pipe(texts):
            doc.ents = [doc.char_span(0, doc[0].idx + len(doc[0]), label="GPE")]
            doc.user_data[("._.", "x", 0, 1)] = {"v": [1, 2]}
            db.add(doc)
        docbin_to_disk(db, tmp_path / "x.spacy")
        assert zlib.decompress((tmp_path / "x.spacy").read_bytes()) == zlib.decompress(
            db.to_bytes()
        )


def test_an_export_never_replaces_the_project(project: Store, tmp_path: Path) -> None:
    db = project.path
    before = db.stat().st_size
    runner = CliRunner()
    for target in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        for fmt in ("jsonl", "spacy", "brat", "facts"):
            result = runner.invoke(
                main, ["export", fmt, str(target), "--db", str(db), "--annotator", "eve", "--force"]
            )
            assert result.exit_code == 1, (fmt, target, result.output)
            assert result.stderr == (
                f"Error: {target}: is an annotator project file (or its -wal/-shm); an export "
                "never replaces a project: choose another output name\n"
            )
    assert db.stat().st_size >= before
    # another project file is safe too, and so is a link to this one
    other = tmp_path / "other.db"
    Store(other).close()
    link = tmp_path / "link.jsonl"
    link.symlink_to(db)
    for target in (other, link):
        with pytest.raises(ExportError, match="is an annotator project file"):
            export_format(project, "jsonl", target, "eve", force=True)
    assert project.count_documents() == 120


def test_kb_export_and_the_agreement_report_never_replace_the_project(tmp_path: Path) -> None:
    """The other commands that write a file refuse the project (and its -wal/-shm) as
    their output, as `export` does, even with --force and a project named like a report."""
    db = tmp_path / "project.html"
    with Store(db) as store:
        text = "Samsung and Hyundai met in Seoul on Monday."
        (doc,) = store.add_documents([NewDocument(text, "t", None, "a.txt", {})])
        for who, label in (("al", "ORG"), ("bo", "GPE")):
            store.add_annotation(doc, who, "ents", 0, 7, label, "manual")
            store.set_status(doc, who, "done")
    before = db.read_bytes()
    runner = CliRunner()
    for target in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        for args in (
            ["kb", "export", str(target), "--force"],
            ["agreement", "--report", str(target), "--force"],
        ):
            result = runner.invoke(main, [*args, "--db", str(db)])
            assert result.exit_code == 1, (args, result.output)
            assert result.stderr == (
                f"Error: {target}: is an annotator project file (or its -wal/-shm); an export "
                "never replaces a project: choose another output name\n"
            ), args
    assert db.read_bytes() == before
    with Store(db) as store:
        assert store.count_documents() == 1


def test_an_interrupted_export_leaves_the_old_output(
    project: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "o.jsonl"
    out.write_text("old\n")
    folder = tmp_path / "b"
    export_format(project, "brat", folder, "eve")
    old_files = sorted(p.name for p in folder.iterdir())

    def boom(items, *args):  # type: ignore[no-untyped-def]
        for n, _ in enumerate(items):
            if n == 60:
                raise KeyboardInterrupt

    monkeypatch.setattr(prodigy, "write_prodigy", boom)
    with pytest.raises(KeyboardInterrupt):
        export_format(project, "jsonl", out, "eve", force=True)
    assert out.read_text() == "old\n"

    def half_brat(items, folder_):  # type: ignore[no-untyped-def]
        for item in items:
            (folder_ / f"{item.doc_id:06d}.txt").write_text("partial")
            if item.doc_id == 50:
                raise KeyboardInterrupt
        return []

    monkeypatch.setattr(brat, "write_brat", half_brat)
    with pytest.raises(KeyboardInterrupt):
        export_format(project, "brat", folder, "eve", force=True)
    assert sorted(p.name for p in folder.iterdir()) == old_files
    assert (folder / "000001.txt").read_text("utf-8") != "partial"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["b", "o.jsonl", "project.db", "project.db-shm", "project.db-wal"]


def test_doccano_writes_the_sequence_labelling_layout_by_default(
    store: Store, tmp_path: Path
) -> None:
    text = "Tokayev met Park Jin in Seoul."
    (doc,) = store.add_documents([NewDocument(text, "", None, "x", {})])
    store.add_annotation(doc, "eve", "ents", 0, 7, "PERSON", "manual")
    store.add_annotation(doc, "eve", "ents", 24, 29, "GPE", "manual")
    store.set_status(doc, "eve", "done")
    report = export_format(store, "doccano", tmp_path / "d.jsonl", "eve")
    (record,) = [json.loads(x) for x in (tmp_path / "d.jsonl").open()]
    assert report.layout == "labels"
    assert record["label"] == [[0, 7, "PERSON"], [24, 29, "GPE"]] and "entities" not in record
    assert record["meta"]["curator"] == "eve"
    export_format(store, "doccano", tmp_path / "r.jsonl", "eve", layout="relations")
    (rel,) = [json.loads(x) for x in (tmp_path / "r.jsonl").open()]
    assert [e["label"] for e in rel["entities"]] == ["PERSON", "GPE"] and rel["relations"] == []


def test_labelstudio_names_a_user_only_when_given_and_keeps_the_curator(
    store: Store, tmp_path: Path
) -> None:
    (doc,) = store.add_documents([NewDocument("Astana today.", "", None, "x", {})])
    store.add_annotation(doc, "Тимур Ш.", "ents", 0, 6, "GPE", "manual")
    store.set_status(doc, "Тимур Ш.", "done")
    export_format(store, "labelstudio", tmp_path / "a.json", "Тимур Ш.")
    (task,) = json.loads((tmp_path / "a.json").read_text("utf-8"))
    assert "completed_by" not in task["annotations"][0]
    assert task["meta"]["curator"] == "Тимур Ш."
    export_format(store, "labelstudio", tmp_path / "b.json", "Тимур Ш.", email="t@example.org")
    (task,) = json.loads((tmp_path / "b.json").read_text("utf-8"))
    assert task["annotations"][0]["completed_by"] == {"email": "t@example.org"}


def test_brat_and_conll_write_no_separator_from_the_data(store: Store, tmp_path: Path) -> None:
    text = "Ode to\tJoy\nby Schiller\r\nin -DOCSTART- Weimar\u2028today 🎉."
    (doc,) = store.add_documents([NewDocument(text, "", None, "x", {})])
    (empty,) = store.add_documents([NewDocument("Nothing to see.", "", None, "y", {})])
    store.add_annotation(doc, "eve", "ents", 0, 10, "WORK OF ART", "manual",
                         attrs={"note": "line\u2028break\nand\ttab"})  # fmt: skip
    store.add_annotation(doc, "eve", "ents", 14, 22, "PERSON", "manual")
    w = text.index("Weimar")
    store.add_annotation(doc, "eve", "ents", w, w + 12, "GPE", "manual")
    for d in (doc, empty):
        store.set_status(d, "eve", "done")
    report = export_format(store, "brat", tmp_path / "b", "eve")
    messages = [m for _, m in report.problems]
    assert messages == [
        "doc 1: label 'WORK OF ART' holds white space, which brat's type names cannot; "
        "written as 'WORK_OF_ART'"
    ]
    ann = (tmp_path / "b" / "000001.ann").read_text("utf-8")
    assert ann.count("\n") == len(ann.splitlines()) == 4  # T1, note, T2, T3: no extra line
    assert (tmp_path / "b" / "000002.ann").read_bytes() == b""
    again = Store(tmp_path / "again.db")
    r = import_annotated(again, read_annotated(tmp_path / "b" / "000001.ann", "brat"),
                         annotator="eve", fallback="eve")  # fmt: skip
    assert r.rejected == []
    got = [(a.start, a.end, a.label, a.attrs) for a in again.annotations(1, "eve")]
    assert got == [(0, 10, "WORK_OF_ART", {"note": "line\u2028break\nand\ttab"}),
                   (14, 22, "PERSON", {}), (w, w + 12, "GPE", {})]  # fmt: skip
    again.close()
    report = export_format(store, "conll", tmp_path / "c.conll", "eve")
    assert [m for _, m in report.problems] == [
        "doc 1: label 'WORK OF ART' holds white space, which would break CoNLL's columns; "
        "written as 'WORK_OF_ART'",
        "doc 1: the text holds the word -DOCSTART-, which CoNLL readers take for the start "
        "of a new document",
    ]
    for line in (tmp_path / "c.conll").read_text("utf-8").splitlines():
        assert line == "" or len(line.split()) == 4, line


def test_nothing_finished_says_who_has_finished_work(store: Store, tmp_path: Path) -> None:
    (doc,) = store.add_documents([NewDocument("Astana today.", "", None, "x", {})])
    with pytest.raises(ExportError) as no_one:
        export_format(store, "jsonl", tmp_path / "a.jsonl", "bob")
    assert str(no_one.value).endswith("; no curator has marked any document done yet")
    for who in ("alice", "@gold"):
        store.add_annotation(doc, who, "ents", 0, 6, "GPE", "manual")
        store.set_status(doc, who, "done")
    with pytest.raises(ExportError) as others:
        export_format(store, "jsonl", tmp_path / "a.jsonl", "bob")
    assert str(others.value) == (
        "nothing to export: bob has marked no documents done (use --include-unfinished to "
        "export work in progress). Finished work is there from: --gold (1 done), alice "
        "(1 done); choose with --annotator NAME"
    )


def test_prodigy_tokens_follow_the_models_language(store: Store, tmp_path: Path) -> None:
    import spacy

    text = "Die Regierung in Astana z.B. verhandelt."
    (doc,) = store.add_documents([NewDocument(text, "", None, "x", {})])
    store.add_annotation(doc, "eve", "ents", 17, 23, "LOC", "manual")
    store.set_status(doc, "eve", "done")
    spacy.blank("de").to_disk(tmp_path / "de_pipeline")
    runner = CliRunner()
    args = ["--db", str(store.path), "--annotator", "eve"]
    assert (
        runner.invoke(main, ["export", "jsonl", str(tmp_path / "en.jsonl"), *args]).exit_code == 0
    )
    result = runner.invoke(main, ["export", "jsonl", str(tmp_path / "de.jsonl"), *args,
                                  "--model", str(tmp_path / "de_pipeline")])  # fmt: skip
    assert result.exit_code == 0, result.output
    (en,) = [json.loads(x) for x in (tmp_path / "en.jsonl").open()]
    (de,) = [json.loads(x) for x in (tmp_path / "de.jsonl").open()]
    assert "z.B." in [t["text"] for t in de["tokens"]]  # a German abbreviation
    assert "z.B." not in [t["text"] for t in en["tokens"]]
