"""Accept-all never takes two entities over the same words (core/accept_choice.py)."""

from __future__ import annotations

from annotator.core import curation
from annotator.core.accept_choice import Candidate, accept_all_choice
from annotator.core.kb.prelink import SOURCE
from annotator.core.store import NewDocument, Store, SuggestionDraft


def test_decided_then_pre_linked_then_the_rest_in_text_order() -> None:
    spans = [
        Candidate(0, 7),  # model: ORG "Tokayev"
        Candidate(0, 7, linked=True),  # kb: PERSON "Tokayev", linked
        Candidate(10, 22),  # model: "Kazakh-Korea"
        Candidate(10, 16, linked=True),  # kb: "Kazakh"
        Candidate(17, 22, linked=True),  # kb: "Korea"
        Candidate(30, 40, decided=True),  # the curator's own
        Candidate(35, 45),  # overlaps it
        Candidate(50, 55),
        Candidate(54, 60),  # two model spans overlapping: the first in text order
    ]
    assert accept_all_choice(spans) == [
        False, True, False, True, True, False, False, True, False
    ]  # fmt: skip
    assert accept_all_choice([]) == []


def test_overlapping_decided_spans_are_merged_when_tested() -> None:
    spans = [Candidate(0, 10, decided=True), Candidate(5, 20, decided=True), Candidate(12, 14)]
    assert accept_all_choice(spans) == [False, False, False]


TEXT = "Tokayev met Park Jin in Seoul. Kazakh-Korea trade grew."


def _at(part: str, label: str, **attrs: object) -> SuggestionDraft:
    start = TEXT.index(part)
    return SuggestionDraft("ents", start, start + len(part), label, dict(attrs))


def test_the_windows_accept_all_takes_the_pre_link_and_leaves_the_models_guess_open(
    store: Store,
) -> None:
    (doc,) = store.add_documents([NewDocument(TEXT, "t", None, "t.txt", {})])
    model = [_at("Tokayev", "ORG"), _at("Seoul", "GPE"), _at("Kazakh-Korea", "GPE")]
    store.replace_suggestions(doc, "en_test", "1", model)
    kb = [
        _at("Tokayev", "PERSON", kb_id="starter:tokayev"),
        _at("Kazakh", "NORP", kb_id="iso3166:KZ"),
        _at("Korea", "GPE", kb_id="iso3166:KR"),
        _at("Park Jin", "PERSON", kb_candidates=["a", "b"]),  # ambiguous: not linked
    ]
    store.replace_suggestions(doc, SOURCE, "kb-1", kb)
    state = curation.load(store, doc, "alice")
    # the curator has made "Seoul" a LOC (the model's GPE corrected)
    curation.create(store, state, TEXT.index("Seoul"), TEXT.index("Seoul") + 5, "ents", "LOC")
    state = curation.load(store, doc, "alice")
    change = curation.accept_all(store, state)
    assert change is not None
    taken = {(TEXT[a.start : a.end], a.label, a.kb_id) for a in store.annotations(doc, "alice")}
    assert taken == {
        ("Seoul", "LOC", None),
        ("Tokayev", "PERSON", "starter:tokayev"),
        ("Kazakh", "NORP", "iso3166:KZ"),
        ("Korea", "GPE", "iso3166:KR"),
        ("Park Jin", "PERSON", None),
    }
    left = {it.text for it in curation.load(store, doc, "alice").items if it.state == "suggested"}
    assert left == {"Tokayev", "Kazakh-Korea"}  # the model's ORG and GPE
    # a rejected suggestion does not hold its words: rejecting the kb's Korea and
    # accepting all again takes nothing new, the model's Kazakh-Korea still overlaps Kazakh
    curation.revert(store, change)
    state = curation.load(store, doc, "alice")
    korea = next(it for it in state.items if it.text == "Korea")
    kazakh = next(it for it in state.items if it.text == "Kazakh")
    curation.reject(store, state, korea)
    curation.reject(store, curation.load(store, doc, "alice"), kazakh)
    curation.accept_all(store, curation.load(store, doc, "alice"))
    taken = {TEXT[a.start : a.end] for a in store.annotations(doc, "alice")}
    assert "Kazakh-Korea" in taken and "Korea" not in taken
