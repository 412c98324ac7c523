"""Issue 11.11: accepting a model's suggestions from the command line, for silver data and
scripted pipelines that end in an export without the window."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core import curation
from annotator.core.bulk_accept import AcceptError, Selection, accept_suggestions
from annotator.core.model import span_key
from annotator.core.store import NewDocument, Store, SuggestionDraft

TEXTS = [
    "Trade turnover between Kazakhstan and Korea reached $6.1 billion in 2022.",
    "Tokayev met Yoon in Seoul; 15 flights per week connect Astana and Seoul.",
    "Samsung and Hyundai opened offices in Almaty.",
    "Nothing to see here.",
]


def _find(text: str, part: str, label: str, layer: str = "ents") -> SuggestionDraft:
    start = text.index(part)
    attrs = {"value": 6.1e9, "unit": "USD"} if layer == "figures" else {}
    return SuggestionDraft(layer, start, start + len(part), label, attrs)


def _project(store: Store, model: str = "en_test") -> list[int]:
    """Four documents; the model ran over the first three (it found nothing in the third
    but ran), the fourth it never saw."""
    ids = store.add_documents(
        [NewDocument(t, f"t{i}", None, f"{i}.txt", {}) for i, t in enumerate(TEXTS)]
    )
    a, b, c, _ = TEXTS
    store.replace_suggestions(
        ids[0],
        model,
        "1",
        [
            _find(a, "Kazakhstan", "GPE"),
            _find(a, "Korea", "GPE"),
            _find(a, "$6.1 billion", "money", "figures"),
            _find(a, "2022", "DATE"),
        ],
    )
    store.replace_suggestions(
        ids[1],
        model,
        "1",
        [_find(b, "Tokayev", "PERSON"), _find(b, "Yoon", "PERSON"), _find(b, "Astana", "GPE")],
    )
    store.replace_suggestions(ids[2], model, "1", [_find(c, "Samsung", "ORG")])
    return ids


def _events(store: Store, annotator: str) -> list[tuple[int, str, dict[str, object]]]:
    rows = store.conn.execute(
        "SELECT doc_id, action, payload FROM events WHERE annotator = ? ORDER BY id", (annotator,)
    )
    return [(d, a, json.loads(p)) for d, a, p in rows]


def test_accepts_every_suggestion_as_the_window_does_and_marks_done(store: Store) -> None:
    ids = _project(store)
    report = accept_suggestions(store, "silver")
    assert (report.model, report.documents, report.accepted, report.marked) == ("en_test", 3, 8, 3)
    assert report.by_layer == {"ents": 7, "figures": 1}
    assert report.unsuggested == 1  # the fourth document: the model never ran over it
    for doc_id in ids[:3]:
        assert store.status(doc_id, "silver") == "done"
        state = curation.load(store, doc_id, "silver")
        assert state.open_count == 0
        assert {it.state for it in state.items} <= {"accepted"}
    assert store.status(ids[3], "silver") == "open"
    (money,) = store.annotations(ids[0], "silver", "figures")
    assert (money.origin, money.attrs, money.source_key) == (
        "accepted",
        {"value": 6.1e9, "unit": "USD"},
        span_key("figures", money.start, money.end, "money"),
    )
    # the events are the window's: an add per annotation, then the status, per document
    events = _events(store, "silver")
    assert [a for d, a, _ in events if d == ids[0]] == ["add"] * 4 + ["status"]
    window = Store(store.path)
    try:
        item = curation.load(window, ids[0], "alice").items[0]
        curation.accept(window, curation.load(window, ids[0], "alice"), item)
    finally:
        window.close()
    ((_, _, theirs),) = [e for e in _events(store, "alice") if e[1] == "add"]
    ours = [p for d, a, p in events if a == "add"]
    assert all(set(p) == set(theirs) for p in ours)
    assert [p for _, a, p in events if a == "status"] == [{"status": "done"}] * 3


def test_rejections_and_decisions_are_kept_and_a_rerun_changes_nothing(store: Store) -> None:
    ids = _project(store)
    text = TEXTS[0]
    state = curation.load(store, ids[0], "silver")
    by_text = {it.text: it for it in state.items}
    curation.reject(store, state, by_text["2022"])
    state = curation.load(store, ids[0], "silver")
    curation.relabel(store, state, state.resolve(by_text["Korea"].id), "LOC")  # type: ignore[arg-type]
    start = text.index("Kazakhstan")
    store.add_annotation(ids[0], "silver", "ents", start, start + 10, "GPE", "manual")
    before = store.annotations(ids[0], "silver")

    report = accept_suggestions(store, "silver")
    assert (report.accepted, report.rejected, report.already) == (1 + 3 + 1, 1, 2)
    after = store.annotations(ids[0], "silver")
    assert next(a for a in after if a not in before).label == "money"
    start = text.index("2022")
    assert span_key("ents", start, start + 4, "DATE") in store.rejected_keys(ids[0], "silver")
    labels = sorted((a.label, a.origin) for a in after)
    assert labels == [("GPE", "manual"), ("LOC", "corrected"), ("money", "accepted")]

    events = len(_events(store, "silver"))
    for statuses in (("open", "in_progress"), ("done",)):
        again = accept_suggestions(store, "silver", selection=Selection(statuses=statuses))
        assert again.accepted == again.marked == 0
    assert store.annotations(ids[0], "silver") == after
    assert len(_events(store, "silver")) == events


def test_filters_by_label_layer_document_status_and_search(store: Store) -> None:
    ids = _project(store)
    r = accept_suggestions(store, "a", selection=Selection(labels=["GPE"]), mark="in_progress")
    assert (r.documents, r.accepted, r.marked) == (3, 3, 3)
    assert {a.label for d in ids for a in store.annotations(d, "a")} == {"GPE"}
    r = accept_suggestions(store, "b", selection=Selection(layers=["figures"]))
    assert r.accepted == 1 and store.annotations(ids[0], "b")[0].layer == "figures"
    r = accept_suggestions(store, "c", selection=Selection(doc_ids=[ids[1], ids[3]]))
    assert (r.documents, r.accepted, r.unsuggested) == (1, 3, 1)
    r = accept_suggestions(store, "d", selection=Selection(search="Seoul flights"))
    assert (r.documents, r.accepted) == (1, 3)
    assert [d for d in ids if store.annotations(d, "d")] == [ids[1]]
    # the curator's finished and skipped documents are theirs unless named
    store.set_status(ids[0], "e", "done")
    store.set_status(ids[1], "e", "skipped")
    r = accept_suggestions(store, "e")
    assert r.documents == 1 and not store.annotations(ids[0], "e")
    r = accept_suggestions(store, "e", selection=Selection(statuses=["done"]))
    assert (r.documents, r.accepted, r.marked) == (2, 4, 0)  # the third was done by then
    assert store.status(ids[1], "e") == "skipped" and not store.annotations(ids[1], "e")


def test_marking_in_progress_never_takes_back_a_finished_document(store: Store) -> None:
    ids = _project(store)
    store.set_status(ids[0], "silver", "done")
    r = accept_suggestions(
        store, "silver", selection=Selection(statuses=["done", "open"]), mark="in_progress"
    )
    assert r.marked == 2
    assert [store.status(d, "silver") for d in ids] == [
        "done",
        "in_progress",
        "in_progress",
        "open",
    ]


def test_dry_run_counts_exactly_and_writes_nothing(store: Store) -> None:
    _project(store)
    events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    dry = accept_suggestions(store, "silver", dry_run=True, batch_size=2)
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
    assert store.annotators() == []
    real = accept_suggestions(store, "silver", batch_size=2)
    assert (dry.accepted, dry.marked, dry.documents) == (real.accepted, real.marked, real.documents)
    assert dry.dry_run and not real.dry_run


def test_offsets_that_do_not_fit_are_left_alone(store: Store) -> None:
    (doc,) = store.add_documents([NewDocument("Astana.", "", None, "x", {})])
    store.replace_suggestions(
        doc,
        "m",
        "1",
        [SuggestionDraft("ents", 0, 6, "GPE", {}), SuggestionDraft("ents", 3, 40, "GPE", {})],
    )
    r = accept_suggestions(store, "silver")
    assert (r.accepted, r.invalid) == (1, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"model": "nope"},
            r"model 'nope' has not suggested anything in this project "
            r"\(models here: en_other, en_test\)",
        ),
        ({}, r"several models have suggested here \(en_other, en_test\): choose one with --model"),
        (
            {"model": "en_test", "selection": Selection(labels=["GEP"])},
            r"no suggestion of en_test has the label 'GEP' "
            r"\(its labels: DATE, GPE, ORG, PERSON, money\)",
        ),
        (
            {"model": "en_test", "selection": Selection(doc_ids=[1, 99, 98])},
            r"no such document: 98, 99",
        ),
        ({"model": "en_test", "mark": "skipped"}, r"cannot mark documents 'skipped'"),
        (
            {"model": "en_test", "selection": Selection(search="fts: AND OR")},
            "invalid search query",
        ),
    ],
)
def test_requests_that_cannot_be_carried_out_write_nothing(
    store: Store, kwargs: dict[str, object], message: str
) -> None:
    _project(store)
    store.replace_suggestions(4, "en_other", "1", [SuggestionDraft("ents", 0, 7, "ORG", {})])
    events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(AcceptError, match=message):
        accept_suggestions(store, "silver", **kwargs)  # type: ignore[arg-type]
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events


@pytest.mark.parametrize("name", ["", " alice", "@gold"])
def test_curator_names_that_cannot_be_used(store: Store, name: str) -> None:
    _project(store)
    with pytest.raises(AcceptError):
        accept_suggestions(store, name)


def test_nothing_suggested_yet_says_what_to_run(store: Store) -> None:
    store.add_documents([NewDocument("Astana.", "", None, "x", {})])
    with pytest.raises(AcceptError, match="run `annotator suggest` first"):
        accept_suggestions(store, "silver")


def _cli(db: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["accept", "--db", str(db), *args], catch_exceptions=False)


def test_cli_accepts_says_what_it_did_and_is_idempotent(db_path: Path) -> None:
    with Store(db_path) as store:
        ids = _project(store)
    result = _cli(db_path, "--annotator", "silver", "--doc", f"{ids[0]}-{ids[1]},{ids[3]}")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "en_test for silver: accepted 7 suggestions (6 entities, 1 figures) in 2 documents; "
        "marked 2 done"
    )
    assert result.stderr.strip() == (
        "1 selected documents have no suggestions from en_test yet and were left alone: "
        "run `annotator suggest --only-new` first"
    )
    again = _cli(db_path, "--annotator", "silver", "--format", "json")
    data = json.loads(again.stdout)
    assert (data["documents"], data["accepted"], data["marked"]) == (1, 1, 1)
    last = _cli(db_path, "--annotator", "silver", "--dry-run")
    assert "no selected document to accept suggestions in" in last.stdout
    assert "nothing changed" in last.stdout


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["--annotator", "s", "--doc", "x"], 2, "'x' is not a document id or a range like 10-20"),
        (["--annotator", "s", "--doc", "9-3"], 2, "range '9-3' runs backwards"),
        (["--annotator", "s", "--doc", "1-99999999999"], 2, "is longer than 10,000,000"),
        (["--annotator", "s", "--doc", "1-3,7"], 1, "Error: no such document: 7"),
        (
            ["--annotator", "s", "--label", "GEP"],
            1,
            "Error: no suggestion of en_test has the label 'GEP'",
        ),
        (
            ["--annotator", "s", "--search", "fts:AND OR"],
            1,
            "Error: invalid search query 'fts:AND OR'",
        ),
        (["--doc", "1"], 2, "Missing option '--annotator'"),
    ],
)
def test_cli_errors_are_one_line(db_path: Path, args: list[str], code: int, error: str) -> None:
    with Store(db_path) as store:
        _project(store)
    result = _cli(db_path, *args)
    assert result.exit_code == code
    assert error in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_silver_data_from_the_command_line_to_a_spacy_export(
    db_path: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    """Without a display: import, suggest, accept, export spacy; the DocBin holds what
    the model and the knowledge base suggested, less what the curator rejected first and
    less the entities over words another accepted entity has: no two overlap."""
    runner = CliRunner()
    db = ["--db", str(db_path)]
    assert runner.invoke(main, ["import", str(seeds_dir), *db]).exit_code == 0
    assert runner.invoke(main, ["suggest", *db]).exit_code == 0
    with Store(db_path) as store:
        state = curation.load(store, 1, "silver")
        rejected = next(it for it in state.items if it.layer == "ents")
        curation.reject(store, state, rejected)
        suggested = {
            (d, s.start, s.end, s.label) for d in range(1, 6) for s in store.suggestions(d, "ents")
        }
    result = runner.invoke(main, ["accept", *db, "--annotator", "silver"])
    assert result.exit_code == 0, result.output
    assert "left alone: 1 rejected" in result.stdout
    overlapping = int(result.stdout.split(" over words another entity has")[0].split()[-1])
    assert overlapping > 0
    out = tmp_path / "silver.spacy"
    export = ["export", "spacy", str(out), *db, "--annotator", "silver", "--no-figure-ents"]
    exported = runner.invoke(main, export)
    assert exported.exit_code == 0, exported.output

    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert len(docs) == 5
    with Store(db_path) as store:
        by_text = {store.document(d).text: d for d in range(1, 6)}
    got = set()
    for doc in docs:
        doc_id = by_text[doc.text]
        assert not doc.spans.get("ents_overlapping")
        got |= {(doc_id, e.start_char, e.end_char, e.label_) for e in doc.ents}
    key = (1, rejected.start, rejected.end, rejected.label)
    assert key not in got and got <= suggested - {key}
    assert len(suggested) - 1 - len(got) == overlapping


def test_the_knowledge_bases_pre_links_go_with_the_model_as_in_the_window(store: Store) -> None:
    """`kb` pre-links are not a model of their own: accepting the model also accepts the
    mentions only the KB found, and a span both suggested is one annotation carrying the
    KB's entity in kb_id (not in its attributes), as the window's Accept all does."""
    from annotator.core.kb.prelink import SOURCE

    ids = _project(store)
    a = TEXTS[0]
    kz = _find(a, "Kazakhstan", "GPE")
    link = {"kb_id": "iso3166:KZ", "kb_reason": "alias"}
    trade = SuggestionDraft("ents", 0, 5, "ORG", {"kb_id": "starter:trade"})
    store.replace_suggestions(ids[0], SOURCE, "kb-1", [replace(kz, attrs=link), trade])
    report = accept_suggestions(store, "silver", selection=Selection(doc_ids=(ids[0],)))
    assert report.model == "en_test" and report.accepted == 5 and report.already == 0
    anns = {(x.start, x.end): x for x in store.annotations(ids[0], "silver")}
    assert (anns[kz.start, kz.end].kb_id, anns[kz.start, kz.end].attrs) == ("iso3166:KZ", {})
    assert anns[0, 5].kb_id == "starter:trade" and anns[0, 5].label == "ORG"
    window = curation.load(store, ids[0], "alice")
    assert {(it.start, it.end, it.kb_id) for it in window.items} == {
        (x.start, x.end, x.kb_id) for x in anns.values()
    }
    events = [p for _, action, p in _events(store, "silver") if action == "add"]
    assert {p["kb_id"] for p in events} == {None, "iso3166:KZ", "starter:trade"}
