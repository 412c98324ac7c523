"""Other tools' annotation files, in and out: the real files in tests/data (copied from
../shared/formats), a Label Studio export written after its documented format, and a
round trip per format (import -> export -> import gives the same spans)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.export import export_format
from annotator.core.interchange import detect_format, import_annotated, read_annotated
from annotator.core.store import NewDocument, Store

EMOJI = "🇰🇿 Tokayev 👍 met Park Jin in Seoul 🎉; Samsung invests $1.5 billion."


def _import(store: Store, path: Path, fmt: str, annotator: str | None = None):  # type: ignore[no-untyped-def]
    return import_annotated(
        store, read_annotated(path, fmt), annotator=annotator, fallback="someone"
    )


def _spans(store: Store, curator: str) -> set[tuple[str, str, str, str | None]]:
    """Every annotation of a curator as (document text, span text, label, kb id)."""
    out = set()
    for doc in store.documents():
        for a in store.annotations(doc.id, curator):
            out.add((doc.text, doc.text[a.start : a.end] + f"@{a.start}", a.label, a.kb_id))
    return out


def _round_trip(store: Store, tmp_path: Path, fmt: str, curator: str) -> Store:
    tmp_path.mkdir(exist_ok=True)
    out = tmp_path / ("brat_out" if fmt == "brat" else f"out.{fmt}")
    export_format(store, fmt, out, curator)
    again = Store(tmp_path / f"again-{fmt}.db")
    paths = sorted(out.glob("*.ann")) if fmt == "brat" else [out]
    for p in paths:
        report = _import(again, p, fmt, annotator=curator)
        assert not report.rejected, report.rejected
    return again


def _emoji_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "emoji.db")
    (doc,) = store.add_documents([NewDocument(EMOJI, "", None, "e", {})])
    for sub, label in [("Tokayev", "PERSON"), ("Park Jin", "PERSON"), ("Seoul", "GPE"),
                       ("Samsung", "ORG"), ("$1.5 billion", "MONEY")]:  # fmt: skip
        start = EMOJI.index(sub)
        store.add_annotation(doc, "ann", "ents", start, start + len(sub), label, "manual")
    store.set_status(doc, "ann", "done")
    return store


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "labelstudio", "brat", "conll"])
def test_emoji_offsets_survive_every_format(tmp_path: Path, fmt: str) -> None:
    store = _emoji_store(tmp_path)
    again = _round_trip(store, tmp_path, fmt, "ann")
    if fmt == "conll":
        # CoNLL keeps tokens, not the text, which comes back as tokens joined by spaces
        def words(st: Store) -> set[tuple[str, str]]:
            return {(s[1].split("@")[0].replace(" ", ""), s[2]) for s in _spans(st, "ann")}

        assert words(again) == words(store)
        # from then on the text is stable: a second round trip is exact
        assert _spans(_round_trip(again, tmp_path / "2", fmt, "ann"), "ann") == _spans(again, "ann")
    else:
        assert _spans(again, "ann") == _spans(store, "ann")


# -- Prodigy -------------------------------------------------------------------------


def test_real_prodigy_export_lines_without_spans_mean_no_entities(
    store: Store, data_dir: Path
) -> None:
    path = data_dir / "explosion_drugs_eval.jsonl"
    lines = [json.loads(line) for line in path.open(encoding="utf-8")]
    report = _import(store, path, "prodigy", annotator="drugs")
    assert not report.rejected
    n_spans = sum(len(x.get("spans", [])) for x in lines)
    assert report.spans_added == n_spans == 362
    assert report.documents_new == len({x["text"] for x in lines})
    # every task became a finished document, also those without spans
    assert len(store.doc_ids_with_status("drugs", "done")) == report.documents_new
    doc = store.document(store.document_id_for_text(lines[0]["text"]) or 0)
    assert doc.meta["_input_hash"] == lines[0]["_input_hash"]
    for x in lines:
        doc_id = store.document_id_for_text(x["text"])
        assert doc_id is not None
        got = [(a.start, a.end, a.label) for a in store.annotations(doc_id, "drugs")]
        want = sorted((s["start"], s["end"], s["label"]) for s in x.get("spans", []))
        assert got == want


def test_prodigy_demo_task_matches_the_docbin_made_from_it(store: Store, data_dir: Path) -> None:
    _import(store, data_dir / "explosion_ner_tweets_demo.jsonl", "prodigy", annotator="a")
    report = _import(store, data_dir / "explosion_ner_tweets_demo.spacy", "spacy", annotator="a")
    assert (report.documents_matched, report.spans_existing, report.spans_added) == (1, 1, 0)
    (doc,) = store.documents()
    assert [(doc.text[a.start : a.end], a.label) for a in store.annotations(doc.id, "a")] == [
        ("Ed Sheeran", "PERSON")
    ]


def test_prodigy_answers_sessions_and_bad_spans(store: Store, tmp_path: Path) -> None:
    text = "Olaf Scholz visited Astana."
    tokens = [
        {"text": "Olaf", "start": 0, "end": 4, "id": 0},
        {"text": "Scholz", "start": 5, "end": 11, "id": 1},
    ]
    person = {"start": 0, "end": 11, "token_start": 0, "token_end": 1, "label": "PERSON"}
    bad_tokens = {"start": 0, "end": 4, "token_start": 0, "token_end": 1, "label": "P"}
    carol_spans = [
        {"start": 20, "end": 26, "label": "GPE"},
        {"start": 19, "end": 26, "label": "GPE"},
        {"start": 20, "end": 99, "label": "GPE"},
        bad_tokens,
    ]
    tasks = [
        {"text": text, "tokens": tokens, "spans": [person], "answer": "accept",
         "_session_id": "news-alice", "_annotator_id": "news-alice"},
        {"text": "Rejected text.", "spans": [{"start": 0, "end": 8, "label": "X"}],
         "answer": "reject", "_session_id": "news-bob"},
        {"text": "Ignored text.", "answer": "ignore"},
        {"text": text, "spans": carol_spans, "tokens": tokens, "answer": "accept",
         "_session_id": "news-carol"},
        "not an object",
    ]  # fmt: skip
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in tasks) + "\n{bad json\n", "utf-8")
    assert detect_format(path) == "prodigy"
    report = _import(store, path, "prodigy")
    assert report.answers == {"accept": 2, "reject": 1, "ignore": 1}
    assert report.curators == {"news-alice", "news-carol"}
    assert report.documents_new == 3  # the rejected and ignored texts are kept, unannotated
    reasons = [str(r) for r in report.rejected]
    assert reasons == [
        "p.jsonl:4: span 3: span 20-99 GPE is outside the text (length 27)",
        "p.jsonl:4: span 4: offsets 0-4 do not match tokens 0-1 (0-11)",
        "p.jsonl:5: expected a JSON object, found str",
        "p.jsonl:6: malformed JSON: Expecting property name enclosed in double quotes (column 2)",
    ]  # fmt: skip
    # a space taken along with the word is trimmed, not rejected: the same span as her first
    assert [str(r) for r in report.trimmed] == [
        "p.jsonl:4: span 2: span 19-26 GPE ' Astana' trimmed to 20-26 (white space at an edge)"
    ]
    doc = store.document_id_for_text(text)
    assert doc is not None
    assert [(a.start, a.end, a.label) for a in store.annotations(doc, "news-carol")] == [
        (20, 26, "GPE")
    ]
    # two of carol's spans did not land: her document is not finished
    assert store.status(doc, "news-carol") == "in_progress"
    assert store.status(doc, "news-alice") == "done"
    assert (report.done, report.unfinished) == (1, 1)
    assert [a.origin for a in store.annotations(doc, "news-alice")] == ["imported"]
    rejected_doc = store.document_id_for_text("Rejected text.")
    assert rejected_doc and store.annotations(rejected_doc, "news-bob") == []
    assert store.status(rejected_doc, "news-bob") == "open"
    # importing again changes nothing
    again = _import(store, path, "prodigy")
    assert (again.documents_new, again.spans_added, again.spans_existing) == (0, 0, 3)


def test_prodigy_export_has_tokens_and_inclusive_token_ends(tmp_path: Path) -> None:
    store = _emoji_store(tmp_path)
    export_format(store, "jsonl", tmp_path / "p.jsonl", "ann")
    (task,) = [json.loads(line) for line in (tmp_path / "p.jsonl").open(encoding="utf-8")]
    assert task["answer"] == "accept" and task["_annotator_id"] == "ann"
    for span in task["spans"]:
        first, last = task["tokens"][span["token_start"]], task["tokens"][span["token_end"]]
        assert (first["start"], last["end"]) == (span["start"], span["end"])
        assert EMOJI[span["start"] : span["end"]] == span["text"]


# -- doccano -----------------------------------------------------------------------


def test_real_doccano_files(store: Store, data_dir: Path, tmp_path: Path) -> None:
    seq = data_dir / "doccano_official_export_sequence_labeling_example.jsonl"
    rel = data_dir / "doccano_official_relation_extraction_example.jsonl"
    assert detect_format(seq) == detect_format(rel) == "doccano"
    assert not _import(store, seq, "doccano", annotator="d").rejected
    assert not _import(store, rel, "doccano", annotator="d").rejected
    spans = {(s[1], s[2]) for s in _spans(store, "d")}
    assert {("EU@0", "ORG"), ("German@11", "MISC"), ("Obama@10", "PERSON")} <= spans
    google = store.document_id_for_text(
        "Google was founded on September 4, 1998, by Larry Page and Sergey Brin."
    )
    assert google is not None
    (org, *_) = store.annotations(google, "d")
    assert org.attrs["relations"] == [
        {"label": "foundedAt", "to": [22, 39, "DATE"]},
        {"label": "foundedBy", "to": [44, 54, "PERSON"]},
        {"label": "foundedBy", "to": [59, 70, "PERSON"]},
    ]
    again = _round_trip(store, tmp_path, "doccano", "d")
    assert _spans(again, "d") == _spans(store, "d")
    g2 = again.document_id_for_text(store.document(google).text)
    assert g2 is not None and again.annotations(g2, "d")[0].attrs == org.attrs


def test_doccano_classification_labels_and_users(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    records = [
        {"text": "Astana is a city.", "label": ["positive"]},
        {"data": "Seoul and Busan.", "annotations": [
            {"label": "GPE", "start_offset": 0, "end_offset": 5, "user": 1},
            {"label": "GPE", "start_offset": 10, "end_offset": 15, "user": 2}]},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    report = _import(store, path, "doccano")
    assert [str(r) for r in report.rejected] == [
        "d.jsonl:1: labels ['positive'] classify the whole text; not imported as spans"
    ]
    assert report.curators == {"1", "2", "someone"}


# -- Label Studio ----------------------------------------------------------------------


def test_labelstudio_export_with_several_curators(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    path = data_dir / "labelstudio_ner_export.json"
    assert detect_format(path) == "labelstudio"
    report = _import(store, path, "labelstudio")
    tasks = json.loads(path.read_text("utf-8"))
    t1 = tasks[0]["data"]["text"]
    assert report.answers == {"accept": 3, "reject": 1}  # one annotation was cancelled
    assert report.curators == {"ls-user-3", "bob@example.com"}
    assert [str(r) for r in report.rejected] == [
        "labelstudio_ner_export.json:1: task 1 (id 101) annotation 2 result bad1: span 0-7 "
        "PER covers 'Tokayev', but the file says 'Tokaev'",
        "labelstudio_ner_export.json:1: task 1 (id 101) annotation 2 result bad2: span 10-90 "
        "DATE is outside the text (length 45)",
    ]
    doc = store.document_id_for_text(t1)
    assert doc is not None
    alice = store.annotations(doc, "ls-user-3")
    assert [t1[a.start : a.end] for a in alice] == ["Tokayev", "Park Jin", "Seoul"]
    assert alice[1].attrs["relations"] == [
        {"label": "located_in", "to": [alice[2].start, alice[2].end, "GPE"]}
    ]
    # bob's legacy result counted UTF-16 code units (the flag is two astral characters)
    bob = store.annotations(doc, "bob@example.com")
    assert [(t1[a.start : a.end], a.label) for a in bob] == [("Tokayev", "PER"), ("Seoul", "GPE")]
    # predictions are not curators' work
    assert store.annotations(doc, "someone") == []
    again = _round_trip(store, tmp_path, "labelstudio", "ls-user-3")
    assert _spans(again, "ls-user-3") == _spans(store, "ls-user-3")


# -- brat ---------------------------------------------------------------------------


def test_real_brat_tutorial(store: Store, data_dir: Path, tmp_path: Path) -> None:
    folder = data_dir / "brat_news_tutorial"
    report = _import(store, folder / "000-introduction.ann", "brat", annotator="b")
    assert [str(r) for r in report.rejected] == [
        "000-introduction.ann:0: 3 event annotations (E lines, their triggers and what "
        "points at them) are not imported: the project has no event layer"
    ]
    text = (folder / "000-introduction.txt").read_text("utf-8")
    doc = store.document_id_for_text(text)
    assert doc is not None
    anns = {text[a.start : a.end]: a for a in store.annotations(doc, "b")}
    assert set(anns) == {
        "Citibank", "$100 million", "Raul Salinas de Gortari", "former Mexican president",
        "banks", "Switzerland",
    }  # fmt: skip
    assert "moving" not in anns  # an event trigger
    assert anns["former Mexican president"].kb_id == "Wikipedia:64488"
    assert anns["Raul Salinas de Gortari"].attrs["Mention"] == "Name"
    assert anns["Raul Salinas de Gortari"].attrs["Individual"] is True
    assert anns["$100 million"].attrs["note"] == "100000000 USD"
    assert anns["banks"].attrs["relations"] == [{"label": "Origin", "to": [549, 560, "GPE"]}]
    again = _round_trip(store, tmp_path, "brat", "b")
    assert _spans(again, "b") == _spans(store, "b")
    d2 = again.document_id_for_text(text)
    assert d2 is not None
    assert {a.label: a.attrs for a in again.annotations(d2, "b")} == {
        a.label: a.attrs for a in store.annotations(doc, "b")
    }


def test_brat_discontinuous_and_bad_spans_are_reported(store: Store, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("New York and Boston 🎉 harbours", "utf-8")
    (tmp_path / "x.ann").write_text(
        "T1\tGPE 0 3;13 19\tNew Boston\nT2\tGPE 13 19\tBoston\nT3\tGPE 4 9\tYork\n"
        "T4\tGPE 22 30\tharbours\nR1\tNear Arg1:T1 Arg2:T2\t\n",
        "utf-8",
    )
    assert detect_format(tmp_path / "x.txt") == "brat"
    report = _import(store, tmp_path / "x.ann", "brat")
    assert [str(r) for r in report.rejected] == [
        "x.ann:1: T1: discontinuous span 0 3;13 19 GPE is not imported (a span here is one "
        "stretch of text)",
        "x.ann:3: T3: span 4-9 GPE covers 'York ', but the file says 'York'",
        "x.ann:5: relation Near T1 -> T2: a span was not imported",
    ]
    (doc,) = store.documents()
    assert [(a.start, a.end) for a in store.annotations(doc.id, "someone")] == [(13, 19), (22, 30)]


# -- CoNLL ---------------------------------------------------------------------------


def test_real_conll2003_file_with_lf_and_crlf(store: Store, data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "spacy_ner-token-per-line-conll2003.iob"
    crlf = tmp_path / "crlf.iob"
    crlf.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    items = list(read_annotated(path, "conll"))
    assert [(i.text, i.spans) for i in items] == [
        (i.text, i.spans) for i in read_annotated(crlf, "conll")
    ]
    report = _import(store, path, "conll", annotator="c")
    assert not report.rejected and report.documents_new == 1
    (doc,) = store.documents()
    assert doc.text.startswith("When Sebastian Thrun started working on self - driving cars at")
    got = [(doc.text[a.start : a.end], a.label) for a in store.annotations(doc.id, "c")]
    assert got[:3] == [("Sebastian Thrun", "PERSON"), ("Google", "ORG"), ("2007", "DATE")]
    again = _round_trip(store, tmp_path, "conll", "c")
    assert _spans(again, "c") == _spans(store, "c")  # same text: tokens kept as they were


def test_conll_iob1_and_unknown_tags(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.conll"
    path.write_text(
        "-DOCSTART- -X- O O\n\nEU I-ORG\nrejects O\nGerman I-MISC\nBritish B-MISC\n"
        "lamb X-FOO\n\n-DOCSTART- -X- O O\n\nPeter B-PER\nBlackburn I-PER\n",
        "utf-8",
    )
    a, b = read_annotated(path, "conll")
    assert not isinstance(a, Exception) and not isinstance(b, Exception)
    assert a.text == "EU rejects German British lamb"  # type: ignore[union-attr]
    assert [(s.start, s.end, s.label) for s in a.spans] == [  # type: ignore[union-attr]
        (0, 2, "ORG"), (11, 17, "MISC"), (18, 25, "MISC"),
    ]  # fmt: skip
    assert [str(p) for p in a.problems] == ["x.conll:7: unknown tag 'X-FOO'; token 'lamb' left O"]  # type: ignore[union-attr]
    assert [(s.start, s.end) for s in b.spans] == [(0, 15)]  # type: ignore[union-attr]


# -- the command line -----------------------------------------------------------------


def test_cli_import_and_export_every_format(tmp_path: Path, data_dir: Path) -> None:
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    brat = tmp_path / "brat"
    shutil.copytree(data_dir / "brat_news_tutorial", brat)
    result = runner.invoke(main, ["import", "--db", db, "--annotator", "eve", str(brat)])
    assert result.exit_code == 3  # the event annotations are reported
    assert result.stdout.strip() == (
        "imported 3 new documents, 0 already in the project; 32 annotations added for eve, "
        "0 already there; 3 documents marked done; rejected 2"
    )
    for fmt, name in [("spacy", "o.spacy"), ("jsonl", "o.jsonl"), ("doccano", "d.jsonl"),
                      ("labelstudio", "ls.json"), ("brat", "b"), ("conll", "c.conll"),
                      ("facts", "f.csv")]:  # fmt: skip
        args = ["export", fmt, str(tmp_path / name), "--db", db, "--annotator", "eve"]
        first = runner.invoke(main, args)
        assert first.exit_code == 0, (fmt, first.output)
        second = runner.invoke(main, args)
        assert second.exit_code == 1
        assert second.stderr == (
            f"Error: {tmp_path / name}: already exists; use --force to overwrite it\n"
        )
        assert runner.invoke(main, [*args, "--force"]).exit_code == 0
    nothing = runner.invoke(
        main, ["export", "jsonl", str(tmp_path / "n.jsonl"), "--db", db, "--gold"]
    )
    assert nothing.exit_code == 1
    assert nothing.stderr == (
        "Error: nothing to export: @gold has marked no documents done "
        "(use --include-unfinished to export work in progress). Finished work is there "
        "from: eve (3 done); choose with --annotator NAME\n"
    )


def test_cli_import_detects_formats_and_articles_keeps_the_old_way(
    tmp_path: Path, data_dir: Path
) -> None:
    runner = CliRunner()
    seq = str(data_dir / "doccano_official_export_sequence_labeling_example.jsonl")
    db = str(tmp_path / "a.db")
    plain = runner.invoke(main, ["import", "--db", db, "--format", "articles", seq])
    assert plain.stdout == "imported 3, duplicates 0, rejected 0\n"
    auto = runner.invoke(main, ["import", "--db", db, "--annotator", "d", seq])
    assert auto.exit_code == 0, auto.output
    assert auto.stdout == (
        "imported 0 new documents, 3 already in the project; 4 annotations added for d, "
        "0 already there; 3 documents marked done; rejected 0\n"
    )
    with Store(db) as store:
        assert len(store.doc_ids_with_status("d", "done")) == 3
