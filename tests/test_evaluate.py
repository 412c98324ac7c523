"""`annotator evaluate`: per-label scores of models' suggestions against curated documents,
checked against counts made by hand.

The models are small rule pipelines (spacy.blank + entity_ruler) saved as folders, so what
they suggest is known without loading a trained pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.evaluate import EvaluateError, evaluate
from annotator.core.registry import record_model
from annotator.core.store import NewDocument, Store

DOC1 = "Samsung met Park Jin in Astana. Trade reached $6.1 billion, up 19.5%."
DOC2 = "Seoul and Astana signed 15 deals in Seoul, about 40 days after talks lasting 3 hours."


def _at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def _ruler(path: Path, patterns: list[tuple[str, str]], name: str) -> Path:
    import spacy

    nlp = spacy.blank("en")
    nlp.meta["name"] = name
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": lab, "pattern": pat} for pat, lab in patterns])  # type: ignore[attr-defined]
    nlp.to_disk(path)
    return path


@pytest.fixture
def models(tmp_path: Path) -> tuple[str, str]:
    a = _ruler(
        tmp_path / "a",
        [("Samsung", "ORG"), ("Park Jin", "PERSON"), ("Astana", "GPE"), ("Seoul", "ORG")],
        "rules_a",
    )
    b = _ruler(
        tmp_path / "b",
        [("Samsung", "ORG"), ("Trade", "ORG"), ("Astana", "GPE"), ("Seoul", "GPE")],
        "rules_b",
    )
    return str(a), str(b)


@pytest.fixture
def curated(store: Store) -> tuple[int, int]:
    """Alice's finished documents: the hand-made gold."""
    d1, d2 = store.add_documents(
        [NewDocument(DOC1, "", None, "1", {}), NewDocument(DOC2, "", None, "2", {})]
    )
    add = store.add_annotation
    add(d1, "alice", "ents", *_at(DOC1, "Samsung"), "ORG", "manual")
    add(d1, "alice", "ents", *_at(DOC1, "Park Jin"), "PERSON", "manual")
    add(d1, "alice", "ents", *_at(DOC1, "Astana"), "LOC", "manual")
    figures = [
        (d1, DOC1, "$6.1 billion", "money", {"value": 6.1e9, "unit": "USD"}),
        (d1, DOC1, "19.5%", "percent", {"value": 19.5, "unit": "%"}),
        (d2, DOC2, "15 deals", "count", {"value": 15, "unit": "deals"}),
        # the curator kept "about" in the span: the span differs, the value does not
        (d2, DOC2, "about 40 days", "duration", {"value": 40, "unit": "days", "approx": True}),
        (d2, DOC2, "3 hours", "duration", {"value": 3, "unit": "hours"}),
    ]
    for doc_id, text, sub, kind, attrs in figures:
        add(doc_id, "alice", "figures", *_at(text, sub), kind, "manual", attrs=attrs)
    add(d2, "alice", "ents", *_at(DOC2, "Seoul"), "GPE", "manual")
    add(d2, "alice", "ents", *_at(DOC2, "Astana"), "GPE", "manual")
    add(d2, "alice", "ents", *_at(DOC2, "Seoul", 1), "GPE", "manual")
    store.set_status(d1, "alice", "done")
    store.set_status(d2, "alice", "done")
    return d1, d2


def _counts(section: dict[str, object]) -> dict[str, tuple[int, int, int]]:
    labels = section["labels"]
    assert isinstance(labels, dict)
    got = {k: (v["gold"], v["pred"], v["tp"]) for k, v in labels.items()}
    a = section["all"]
    assert isinstance(a, dict)
    got["all"] = (a["gold"], a["pred"], a["tp"])
    return got


def test_scores_match_a_hand_count(
    store: Store, curated: tuple[int, int], models: tuple[str, str]
) -> None:
    a, _ = models
    result = evaluate(store, "alice", [a]).to_json()
    assert result["documents"] == 2 and result["left_out"] == 0
    (model,) = result["models"]
    assert model["model"] == "en_rules_a"
    s = model["sections"]
    # entities, (gold, predicted, right): rules_a calls Seoul an ORG and Astana a GPE where
    # alice said LOC once
    assert _counts(s["entities"]) == {
        "ORG": (1, 3, 1),  # Samsung right; Seoul twice wrong
        "PERSON": (1, 1, 1),
        "GPE": (3, 2, 1),  # Astana (doc 2) right; Astana (doc 1) is LOC; Seoul missed twice
        "LOC": (1, 0, 0),
        "all": (6, 6, 3),
    }
    org = s["entities"]["labels"]["ORG"]
    assert (org["p"], org["r"], org["f"]) == (0.3333, 1.0, 0.5)
    assert s["entities"]["labels"]["LOC"]["p"] is None  # nothing predicted: undefined
    gpe = s["entities"]["labels"]["GPE"]
    assert (gpe["p"], gpe["r"], gpe["f"]) == (0.5, 0.3333, 0.4)
    assert s["entities"]["all"]["f"] == 0.5
    # figures on span and kind: "40 days" is not alice's "about 40 days"; "15 deals" is
    # not found without a tagger
    assert _counts(s["figures"]) == {
        "money": (1, 1, 1),
        "percent": (1, 1, 1),
        "duration": (2, 2, 1),
        "count": (1, 0, 0),
        "all": (5, 4, 3),
    }
    assert s["figures"]["all"]["f"] == round(2 * 3 / 9, 4)
    # on value and unit, "40 days" overlaps alice's span and says the same: right
    assert _counts(s["figure_values"]) == {
        "money": (1, 1, 1),
        "percent": (1, 1, 1),
        "duration": (2, 2, 2),
        "count": (1, 0, 0),
        "all": (5, 4, 4),
    }
    # doc.ents: the export's are the entities plus MONEY, PERCENT, CARDINAL "15", DATE
    # "about 40 days" and TIME "3 hours", none of which a rule pipeline finds
    assert _counts(s["doc_ents"]) == {
        "ORG": (1, 3, 1),
        "PERSON": (1, 1, 1),
        "GPE": (3, 2, 1),
        "LOC": (1, 0, 0),
        "MONEY": (1, 0, 0),
        "PERCENT": (1, 0, 0),
        "CARDINAL": (1, 0, 0),
        "DATE": (1, 0, 0),
        "TIME": (1, 0, 0),
        "all": (11, 6, 3),
    }


def test_two_models_side_by_side_in_the_cli(
    store: Store, db_path: Path, curated: tuple[int, int], models: tuple[str, str]
) -> None:
    a, b = models
    runner = CliRunner()
    args = ["evaluate", "--db", str(db_path), "--annotator", "alice", "--model", a, "--model", b]
    result = runner.invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [m["model"] for m in data["models"]] == ["en_rules_a", "en_rules_b"]
    s = data["models"][1]["sections"]["entities"]
    assert _counts(s) == {
        "ORG": (1, 2, 1),  # "Trade" is no ORG
        "GPE": (3, 4, 3),
        "PERSON": (1, 0, 0),
        "LOC": (1, 0, 0),
        "all": (6, 6, 4),
    }
    table = runner.invoke(main, args)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0] == "2 documents marked done by alice"
    header = next(ln for ln in lines if "en_rules_a" in ln)
    assert header.index("en_rules_a") < header.index("en_rules_b")
    org = next(ln for ln in lines if ln.startswith("ORG "))
    # label, gold, then pred P R F1 of each model
    assert org.split() == ["ORG", "1", "3", "33.3", "100.0", "50.0", "2", "50.0", "100.0", "66.7"]
    loc = next(ln for ln in lines if ln.startswith("LOC "))
    assert loc.split() == ["LOC", "1", "0", "-", "0.0", "0.0", "0", "-", "0.0", "0.0"]


def test_documents_a_model_was_trained_on_are_left_out(
    store: Store, db_path: Path, curated: tuple[int, int], models: tuple[str, str]
) -> None:
    d1, d2 = curated
    a, b = models
    record_model(
        store,
        name="en_rules_b",
        path=Path(b),
        base="no_such_base",
        curator="alice",
        train_docs=[d1],
        dev_docs=[d2],
        scores={},
        info={},
    )
    result = evaluate(store, "alice", [a, "en_rules_b"])
    assert (result.documents, result.left_out) == ([d2], [d1])
    assert result.models[1].total("entities").gold == 3  # doc 2 only
    everything = evaluate(store, "alice", [a, "en_rules_b"], include_training=True)
    assert everything.documents == [d1, d2]
    # with no model named: the latest trained model against its base (not installed)
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", "--db", str(db_path), "--annotator", "alice"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown model 'no_such_base'")
    assert len(result.stderr.splitlines()) == 1


def test_nothing_to_score_is_one_clear_line(
    store: Store, db_path: Path, curated: tuple[int, int], models: tuple[str, str]
) -> None:
    d1, d2 = curated
    _, b = models
    record_model(
        store,
        name="en_rules_b",
        path=Path(b),
        base="x",
        curator="alice",
        train_docs=[d1, d2],
        dev_docs=[],
        scores={},
        info={},
    )
    with pytest.raises(EvaluateError, match="all 2 documents alice marked done were used to train"):
        evaluate(store, "alice", ["en_rules_b"])
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", "--db", str(db_path), "--annotator", "bob"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: nothing to score against: bob has marked no documents done "
        "(use --annotator NAME or --gold)\n"
    )
