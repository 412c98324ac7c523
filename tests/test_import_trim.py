"""Spans with white space at an edge are trimmed on import, not rejected: curators of
Label Studio and doccano select with the mouse and take a space along."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.agreement.corpus import load_corpus
from annotator.core.store import NewDocument, Store
from annotator.formats.spans import Fit, fit_span

TEXT = "Alice met Bob in Astana today."
#       0     6   10  14 17     24


def _labelstudio(folder: Path) -> Path:
    value = {"start": 10, "end": 14, "text": "Bob ", "labels": ["PERSON"]}
    result = {"id": "r1", "type": "labels", "value": value}
    task = {"id": 1, "data": {"text": TEXT}, "annotations": [{"result": [result]}]}
    path = folder / "tasks.json"
    path.write_text(json.dumps([task]), "utf-8")
    return path


def _doccano(folder: Path) -> Path:
    path = folder / "d.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": [[10, 14, "PERSON"]]}) + "\n", "utf-8")
    return path


def _prodigy(folder: Path) -> Path:
    span = {"start": 10, "end": 14, "text": "Bob ", "label": "PERSON"}
    path = folder / "p.jsonl"
    path.write_text(json.dumps({"text": TEXT, "spans": [span], "answer": "accept"}) + "\n")
    return path


def _brat(folder: Path) -> Path:
    (folder / "b.txt").write_text(TEXT, "utf-8")
    path = folder / "b.ann"
    path.write_text("T1\tPERSON 10 14\tBob \n", "utf-8")
    return path


def _spacy(folder: Path) -> Path:
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    words = ["Alice", "met", "Bob", " ", "in", "Astana", "today", "."]
    spaces = [True, True, True, False, True, True, False, False]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=spaces)
    assert doc.text == "Alice met Bob  in Astana today."
    doc.ents = [Span(doc, 2, 4, "PERSON")]  # "Bob  ", its white space token included
    path = folder / "d.spacy"
    DocBin(docs=[doc], store_user_data=True).to_disk(path)
    return path


@pytest.mark.parametrize(
    ("write", "notice"),
    [
        (_labelstudio, "tasks.json:1: task 1 (id 1) annotation 1 result r1: "
                       "span 10-14 PERSON 'Bob ' trimmed to 10-13 (white space at an edge)"),
        (_doccano, "d.jsonl:1: label 1: "
                   "span 10-14 PERSON 'Bob ' trimmed to 10-13 (white space at an edge)"),
        (_prodigy, "p.jsonl:1: span 1: "
                   "span 10-14 PERSON 'Bob ' trimmed to 10-13 (white space at an edge)"),
        (_brat, "b.ann:1: T1: "
                "span 10-14 PERSON 'Bob ' trimmed to 10-13 (white space at an edge)"),
        (_spacy, "d.spacy:1: doc 1: "
                 "span 10-15 PERSON 'Bob  ' trimmed to 10-13 (white space at an edge)"),
    ],
)  # fmt: skip
def test_a_span_with_white_space_at_an_edge_is_trimmed(
    tmp_path: Path, write: Callable[[Path], Path], notice: str
) -> None:
    db = tmp_path / "p.db"
    path = write(tmp_path)
    result = CliRunner().invoke(main, ["import", "--db", str(db), "--annotator", "eve", str(path)])
    # a notice, not a rejection: exit 0, and the document is finished for its curator
    assert result.exit_code == 0, result.output
    assert result.stderr == notice + "\n"
    assert result.stdout == (
        "imported 1 new documents, 0 already in the project; 1 annotations added for eve, "
        "0 already there; 1 spans trimmed (white space at an edge); 1 documents marked done; "
        "rejected 0\n"
    )
    with Store(db) as store:
        (doc_id,) = store.document_ids()
        (span,) = store.annotations(doc_id, "eve")
        assert (span.start, span.end, span.label) == (10, 13, "PERSON")
        assert store.status(doc_id, "eve") == "done"


def test_a_span_of_white_space_only_is_still_rejected(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": [[0, 5, "PERSON"], [13, 14, "X"]]}))
    result = CliRunner().invoke(main, ["import", "--db", str(db), "--annotator", "eve", str(path)])
    assert result.exit_code == 3
    assert result.stderr == "d.jsonl:1: label 2: span 13-14 X ' ' is only white space\n"
    with Store(db) as store:
        (doc_id,) = store.document_ids()
        assert store.status(doc_id, "eve") == "in_progress"


def test_the_text_a_file_states_is_compared_with_the_span_as_given(tmp_path: Path) -> None:
    """Label Studio's `text` speaks of the file's own offsets: 10-14 is "Bob ", not "Bob"."""
    task = {"data": {"text": TEXT}, "annotations": [{"result": [
        {"id": "r1", "type": "labels",
         "value": {"start": 10, "end": 14, "text": "Bob", "labels": ["PERSON"]}}]}]}  # fmt: skip
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), "utf-8")
    result = CliRunner().invoke(
        main, ["import", "--db", str(tmp_path / "p.db"), "--annotator", "eve", str(path)]
    )
    assert result.exit_code == 3
    assert "span 10-14 PERSON covers 'Bob ', but the file says 'Bob'" in result.stderr
    assert "trimmed" not in result.output


@pytest.mark.parametrize(
    ("start", "end", "fit"),
    [
        (10, 13, Fit(10, 13)),
        (9, 14, Fit(10, 13, "span 9-14 X ' Bob ' trimmed to 10-13 (white space at an edge)")),
        (13, 14, "span 13-14 X ' ' is only white space"),
        (10, 99, "span 10-99 X is outside the text (length 30)"),
        (True, 3, "offsets True-3 are not whole numbers"),
        (0, True, "offsets 0-True are not whole numbers"),
    ],
)
def test_fit_span(start: int, end: int, fit: Fit | str) -> None:
    assert fit_span(TEXT, start, end, "X") == fit


def test_import_trims_as_agreement_does(store: Store) -> None:
    """The importer's trimming and agreement's (on spans stored untrimmed) give the same
    offsets, with tabs, line breaks, no-break and ideographic spaces."""
    text = "Alice\u00a0met\tBob\n in Astana.\u2028 Next \u3000day"
    store.add_documents([NewDocument(text, "t", None, "s", {})])
    (doc_id,) = store.document_ids()
    spans = [(0, 6), (4, 10), (9, 14), (10, 17), (13, 20), (20, 29), (24, 33), (31, 36), (13, 15)]
    for who in ("a", "b"):
        for start, end in spans:
            store.add_annotation(doc_id, who, "ents", start, end, "X", "imported")
        store.set_status(doc_id, who, "done")
    corpus = load_corpus(store, ["a", "b"])
    trimmed = sorted(zip(corpus.start.tolist(), corpus.end.tolist(), strict=True))
    fits = [fit_span(text, start, end, "X") for start, end in spans]
    assert trimmed == sorted((f.start, f.end) for f in fits for _ in "ab" if isinstance(f, Fit))
    assert sum(isinstance(f, Fit) and f.trimmed is not None for f in fits) == 6
    assert corpus.whitespace_only == 2 and fits[-1] == "span 13-15 X '\\n ' is only white space"
