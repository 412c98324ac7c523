"""`annotator export spacy`: the DocBin holds every span and attribute of the store."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.export import ExportError, export_spacy, split_ids
from annotator.core.model import GOLD
from annotator.core.store import NewDocument, Store
from annotator.formats.spacy_docbin import docbin_to_annotated, register_extensions

TEXT = (
    "Kazakhstan and 🇰🇷 South Korea: trade reached US$6.1bn in 2022, up 19.5% 🚀 "
    "said Roman Vassilenko of the Ministry of Foreign Affairs at AstanaHub."
)


def _at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


FIGURE_ATTRS = {
    "kind": "money",
    "value": 6.1e9,
    "unit": "USD",
    "value_max": None,
    "approx": False,
    "metric": "trade",
    "period": "2022",
    "subjects": ["Kazakhstan", "South Korea"],
}


def _project(store: Store, curator: str = "alice") -> int:
    (doc_id,) = store.add_documents(
        [NewDocument(TEXT, "Trade", "2023-06-01", "a.txt", {"section": "economy"})]
    )
    add = store.add_annotation
    add(doc_id, curator, "ents", *_at(TEXT, "Kazakhstan"), "GPE", "manual", kb_id="Q232")
    add(doc_id, curator, "ents", *_at(TEXT, "South Korea"), "GPE", "accepted")
    add(doc_id, curator, "figures", *_at(TEXT, "US$6.1bn"), "money", "manual", attrs=FIGURE_ATTRS)
    add(doc_id, curator, "ents", *_at(TEXT, "US$6.1bn"), "MONEY", "manual")
    # a span inside the token "AstanaHub": realigned by cutting the token
    add(doc_id, curator, "ents", *_at(TEXT, "Astana"), "GPE", "manual")
    add(doc_id, curator, "ents", *_at(TEXT, "2022"), "DATE", "manual")
    add(doc_id, curator, "figures", *_at(TEXT, "19.5%"), "percent", "manual", attrs={"value": 19.5})
    # overlapping entities: the longer one wins doc.ents, the other is kept apart
    add(doc_id, curator, "ents", *_at(TEXT, "Ministry of Foreign Affairs"), "ORG", "manual")
    add(doc_id, curator, "ents", *_at(TEXT, "Foreign Affairs"), "ORG", "manual")
    add(doc_id, curator, "ents", *_at(TEXT, "Roman Vassilenko"), "PERSON", "manual")
    store.set_status(doc_id, curator, "done")
    return doc_id


def _store_spans(store: Store, doc_id: int, curator: str) -> list[tuple[object, ...]]:
    return sorted(
        (a.layer, a.start, a.end, a.label, a.kb_id, a.attrs)
        for a in store.annotations(doc_id, curator)
    )


def test_docbin_holds_every_span_and_attribute(store: Store, tmp_path: Path) -> None:
    doc_id = _project(store)
    out = tmp_path / "out.spacy"
    report = export_spacy(store, out, "alice")
    assert (report.documents, report.entities, report.figures) == (1, 8, 2)
    assert report.overlapping == 1 and report.unaligned == 0
    assert report.realigned == 1  # Astana inside AstanaHub
    (msg,) = [m for _, m in report.problems]
    assert "'Foreign Affairs' overlaps" in msg and "ents_overlapping" in msg

    import spacy
    from spacy.tokens import DocBin

    register_extensions()
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert doc.text == TEXT
    assert doc._.annotator["doc_id"] == doc_id
    assert doc._.annotator["meta"] == {"section": "economy"}
    assert doc._.annotator["curator"] == "alice"
    ents = {(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents}
    assert (*_at(TEXT, "Kazakhstan"), "GPE", "Q232") in ents
    overlapping = [(s.start_char, s.end_char, s.label_) for s in doc.spans["ents_overlapping"]]
    assert overlapping == [(*_at(TEXT, "Foreign Affairs"), "ORG")]
    (money, pct) = doc.spans["figures"]
    assert money.text == "US$6.1bn" and money.label_ == "money"
    assert money._.figure["subjects"] == ("Kazakhstan", "South Korea")  # msgpack: tuples
    assert money._.figure["value"] == 6.1e9 and pct._.figure == {"value": 19.5}

    # read back through the reader: exactly the store's spans and attributes
    (item,) = docbin_to_annotated(out)
    back = sorted((s.layer, s.start, s.end, s.label, s.kb_id, s.attrs) for s in item.spans)
    assert back == _store_spans(store, doc_id, "alice")


def test_span_edge_in_white_space_is_reported_not_dropped_silently(
    store: Store, tmp_path: Path
) -> None:
    (doc_id,) = store.add_documents([NewDocument("Hello  big world", "", None, "x", {})])
    store.add_annotation(doc_id, "bob", "ents", 5, 10, "X", "manual")  # "  big": edge in space
    store.add_annotation(doc_id, "bob", "ents", 7, 16, "Y", "manual")
    store.set_status(doc_id, "bob", "done")
    report = export_spacy(store, tmp_path / "o.spacy", "bob")
    # "Hello" owns the first space as its trailing white space: no token can start there
    assert report.unaligned == 1
    (msg,) = [m for _, m in report.problems]
    assert msg == (
        "ents span 5-10 X '  big' starts or ends in white space between tokens; left out"
    )
    (item,) = docbin_to_annotated(tmp_path / "o.spacy")
    kept = {(s.start, s.end) for s in item.spans}
    assert (7, 16) in kept


def test_dev_split_is_reproducible_and_named_after_out(store: Store, tmp_path: Path) -> None:
    ids = store.add_documents(
        [NewDocument(f"Doc {i} in Astana.", "", None, "x", {}) for i in range(20)]
    )
    for d in ids:
        store.add_annotation(
            d, "alice", "ents", *_at(f"Doc {d - 1} in Astana.", "Astana"), "GPE", "manual"
        )
        store.set_status(d, "alice", "done")
    report = export_spacy(store, tmp_path / "c.spacy", "alice", dev_fraction=0.25, seed=7)
    assert report.files == [tmp_path / "c-train.spacy", tmp_path / "c-dev.spacy"]
    assert report.split == {"train": 15, "dev": 5}
    assert split_ids(ids, 0.25, 7) == split_ids(list(reversed(ids)), 0.25, 7)
    assert split_ids(ids, 0.25, 7) != split_ids(ids, 0.25, 8)
    dev_texts = [i.text for i in docbin_to_annotated(tmp_path / "c-dev.spacy")]
    assert len(dev_texts) == 5
    with pytest.raises(ExportError, match="already exists; use --force"):
        export_spacy(store, tmp_path / "c.spacy", "alice", dev_fraction=0.25, seed=7)


def test_only_finished_documents_and_gold(store: Store, tmp_path: Path) -> None:
    _project(store)
    (other,) = store.add_documents([NewDocument("Astana today.", "", None, "y", {})])
    store.add_annotation(other, "alice", "ents", 0, 6, "GPE", "manual")  # in progress
    assert export_spacy(store, tmp_path / "a.spacy", "alice").documents == 1
    report = export_spacy(store, tmp_path / "b.spacy", "alice", include_unfinished=True)
    assert report.documents == 2
    with pytest.raises(ExportError, match="nothing to export: @gold has marked no documents"):
        export_spacy(store, tmp_path / "g.spacy", GOLD)
    store.add_annotation(other, GOLD, "ents", 0, 6, "LOC", "adjudicated")
    store.set_status(other, GOLD, "done")
    export_spacy(store, tmp_path / "g.spacy", GOLD)
    (item,) = docbin_to_annotated(tmp_path / "g.spacy")
    assert [(s.label, item.curator) for s in item.spans] == [("LOC", GOLD)]


def test_cli_refuses_to_overwrite_and_reports_per_document(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    doc_id = _project(store)
    out = tmp_path / "out.spacy"
    runner = CliRunner()
    args = ["export", "spacy", str(out), "--db", str(db_path), "--annotator", "alice"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert f"doc {doc_id}: entity" in first.stderr
    assert first.stdout.startswith("exported 1 documents (8 entities, 2 figures) to ")
    again = runner.invoke(main, args)
    assert again.exit_code == 1
    assert again.stderr == f"Error: {out}: already exists; use --force to overwrite it\n"
    assert runner.invoke(main, [*args, "--force"]).exit_code == 0


ENTITY_WORDS = [
    ("Kazakhstan", "GPE"), ("South Korea", "GPE"), ("Astana", "GPE"), ("Seoul", "GPE"),
    ("Samsung", "ORG"), ("Air Astana", "ORG"), ("Park Jin", "PERSON"), ("Olaf Scholz", "PERSON"),
]  # fmt: skip


def _training_project(store: Store, n: int = 30) -> None:
    import random

    rng = random.Random(3)
    for i in range(n):
        parts: list[tuple[str, str | None]] = []
        for _ in range(4):
            (a, la), (b, lb) = rng.sample(ENTITY_WORDS, 2)
            parts += [(a, la), (" met ", None), (b, lb), (f" in talk {i}. ", None)]
        text = "".join(p for p, _ in parts)
        (doc_id,) = store.add_documents([NewDocument(text, "", None, f"{i}", {})])
        pos = 0
        for p, label in parts:
            if label:
                store.add_annotation(doc_id, "alice", "ents", pos, pos + len(p), label, "manual")
            pos += len(p)
        store.set_status(doc_id, "alice", "done")


@pytest.mark.slow
def test_spacy_train_runs_on_the_export(store: Store, tmp_path: Path) -> None:
    _training_project(store)
    report = export_spacy(store, tmp_path / "corpus.spacy", "alice", dev_fraction=0.2, seed=1)
    assert report.split == {"train": 24, "dev": 6}
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    config = tmp_path / "config.cfg"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(config), "-l", "en", "-p", "ner"],
        check=True, capture_output=True, timeout=60, env=env,
    )  # fmt: skip
    result = subprocess.run(
        [
            sys.executable, "-m", "spacy", "train", str(config),
            "--output", str(tmp_path / "model"),
            "--paths.train", str(tmp_path / "corpus-train.spacy"),
            "--paths.dev", str(tmp_path / "corpus-dev.spacy"),
            "--training.max_steps", "20", "--training.eval_frequency", "10",
        ],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "model" / "model-best").is_dir()
    assert (tmp_path / "model" / "model-last").is_dir()
    assert "ENTS_F" in result.stdout
    # the evaluation ran on the dev set: a score row after the header
    assert re.search(r"^\s*\d+\s+20\s", result.stdout, re.M), result.stdout
