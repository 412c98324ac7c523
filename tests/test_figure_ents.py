"""The spaCy export puts figures into doc.ents with OntoNotes labels, so a model trained on
it keeps finding MONEY, PERCENT and the other numeric entities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.export import export_spacy
from annotator.core.store import NewDocument, Store
from annotator.formats.spacy_docbin import docbin_to_annotated, register_extensions

TEXT = (
    "Trade reached $6.1 billion, up 19.5%, with 15 flights per week from the 4th largest "
    "partner. Exports grew 1.9 times, twice as fast, to over 3 million tonnes. Talks "
    "lasted 3 hours over 18 months and drew about 70 firms."
)

# (text, kind, attributes)
FIGURES: list[tuple[str, str, dict[str, Any]]] = [
    ("$6.1 billion", "money", {"value": 6.1e9, "unit": "USD"}),
    ("19.5%", "percent", {"value": 19.5, "unit": "%"}),
    ("15 flights per week", "count", {"value": 15, "unit": "flights", "rate": "per week"}),
    ("4th largest partner", "rank", {"value": 4, "unit": "partner"}),
    ("1.9 times", "multiplier", {"value": 1.9, "unit": "times"}),
    ("twice", "multiplier", {"value": 2, "unit": "times"}),
    ("3 million tonnes", "measure", {"value": 3e6, "unit": "t", "bound": ">"}),
    ("3 hours", "duration", {"value": 3, "unit": "hours"}),
    ("18 months", "duration", {"value": 18, "unit": "months"}),
    ("70 firms", "count", {"value": 70, "unit": "firms", "approx": True}),
]


def _project(store: Store) -> int:
    (doc_id,) = store.add_documents([NewDocument(TEXT, "", None, "t", {})])
    for sub, kind, attrs in FIGURES:
        start = TEXT.index(sub)
        store.add_annotation(
            doc_id, "alice", "figures", start, start + len(sub), kind, "manual", attrs=attrs
        )
    # the curator also marked "$6.1 billion" as an entity and "Trade" inside nothing:
    # the entity stands, the money figure does not enter doc.ents a second time
    start = TEXT.index("$6.1 billion")
    store.add_annotation(doc_id, "alice", "ents", start, start + 12, "MONEY", "manual")
    # an entity overlapping the rank figure's number keeps the figure out of doc.ents
    start = TEXT.index("4th")
    store.add_annotation(doc_id, "alice", "ents", start, start + 3, "ORDINAL", "manual")
    store.set_status(doc_id, "alice", "done")
    return doc_id


def _doc(path: Path) -> Any:
    import spacy
    from spacy.tokens import DocBin

    register_extensions()
    (doc,) = DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)
    return doc


def test_figures_enter_doc_ents_with_ontonotes_labels_and_spans(
    store: Store, tmp_path: Path
) -> None:
    doc_id = _project(store)
    report = export_spacy(store, tmp_path / "out.spacy", "alice")
    # 10 figures: twice has no number, $6.1 billion and 4th are entities already
    assert report.figure_ents == 7
    assert "7 figures also in doc.ents" in report.summary()
    doc = _doc(tmp_path / "out.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("$6.1 billion", "MONEY"),  # the curator's entity
        ("19.5%", "PERCENT"),
        ("15", "CARDINAL"),  # a count is its number, as OntoNotes marks it
        ("4th", "ORDINAL"),  # the curator's entity
        ("1.9", "CARDINAL"),
        ("over 3 million tonnes", "QUANTITY"),  # the bound's word joins the entity
        ("3 hours", "TIME"),
        ("18 months", "DATE"),
        ("about 70", "CARDINAL"),
    ]
    # the figure span group is untouched, with its attributes
    assert len(doc.spans["figures"]) == len(FIGURES)
    fig = next(s for s in doc.spans["figures"] if s.text == "15 flights per week")
    assert fig.label_ == "count" and fig._.figure["rate"] == "per week"
    # reading the file back gives each figure once, not again as an entity
    (item,) = docbin_to_annotated(tmp_path / "out.spacy")
    back = sorted((s.layer, s.start, s.end, s.label) for s in item.spans)
    stored = sorted((a.layer, a.start, a.end, a.label) for a in store.annotations(doc_id, "alice"))
    assert back == stored


def test_the_option_off_keeps_figures_out_of_doc_ents(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    _project(store)
    out = tmp_path / "plain.spacy"
    runner = CliRunner()
    args = ["export", "spacy", str(out), "--db", str(db_path), "--annotator", "alice"]
    result = runner.invoke(main, [*args, "--no-figure-ents"])
    assert result.exit_code == 0, result.output
    assert "also in doc.ents" not in result.stdout
    doc = _doc(out)
    assert [(e.text, e.label_) for e in doc.ents] == [("$6.1 billion", "MONEY"), ("4th", "ORDINAL")]
    assert len(doc.spans["figures"]) == len(FIGURES)
    result = runner.invoke(main, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert "7 figures also in doc.ents" in result.stdout
    assert len(_doc(out).ents) == 9
