"""What the window shows about links, without Qt: link states, the span panel's value,
tooltip lines, periods as intervals, the popup's candidates (an ambiguous alias's
first), the spans still to link, and a figure's three links set in one undo step."""

from __future__ import annotations

import json

import pytest

from annotator.core import curation
from annotator.core.kb import KBError
from annotator.core.kb.describe import (
    OFFERED,
    link_lines,
    link_names,
    link_state,
    link_value,
    needs_link,
    next_to_link,
    period_text,
    popup_candidates,
)
from annotator.core.kb.figure_links import figure_links, set_links
from annotator.core.kb.linking import link, mark_nil
from annotator.core.kb.prelink import prelink_documents
from annotator.core.kb.starter import load_starter
from annotator.core.store import NewDocument, Store, SuggestionDraft

TEXT = (
    "Kazakh President Kassym-Jomart Tokayev met Park of South Korea in Astana on May 31. "
    "Trade between the two countries reached $6.1 billion in 2022."
)


def _draft(part: str, layer: str, label: str, **attrs: object) -> SuggestionDraft:
    start = TEXT.index(part)
    return SuggestionDraft(layer, start, start + len(part), label, dict(attrs))


@pytest.fixture
def doc(store: Store) -> int:
    load_starter(store)
    (doc_id,) = store.add_documents([NewDocument(TEXT, "t", "2023-06-01", "a.txt", {})])
    store.replace_suggestions(
        doc_id,
        "test_model",
        "1",
        [
            _draft("Kazakh", "ents", "NORP"),
            _draft("Kassym-Jomart Tokayev", "ents", "PERSON"),
            _draft("Park", "ents", "PERSON"),
            _draft("Astana", "ents", "GPE"),
            _draft("May 31", "ents", "DATE"),
            _draft(
                "$6.1 billion",
                "figures",
                "money",
                value=6.1e9,
                unit="USD",
                metric="trade",
                period="in 2022",
            ),
        ],
    )
    prelink_documents(store, [doc_id])
    return doc_id


def _item(state: curation.DocState, text: str) -> curation.SpanItem:
    return next(it for it in state.items if it.text == text)


def test_link_states_values_and_tooltips(store: Store, doc: int) -> None:
    state = curation.load(store, doc, "al")
    kazakh, park, astana = (_item(state, t) for t in ("Kazakh", "Park", "Astana"))
    assert [link_state(_item(state, t)) for t in ("Kazakh", "Park", "May 31", "$6.1 billion")] == [
        "prelinked",
        "ambiguous",  # Park Jin or Park Eun-Ha: never linked silently
        "",
        "",
    ]
    names = link_names(store, state.items)
    assert link_value(kazakh, names) == "○ Kazakhstan"
    assert link_value(park, names) == "? Park Eun-Ha, Park Jin"
    assert link_lines(store, state, park) == [
        "an alias of several entities: Park Eun-Ha, Park Jin (Ctrl+L chooses)"
    ]
    change = link(store, state, astana, "starter:astana")
    assert change is not None
    state = curation.load(store, doc, "al")
    astana = state.resolve(change.focus)  # type: ignore[assignment]
    assert link_state(astana) == "linked"
    assert link_value(astana, link_names(store, state.items)) == "● Astana"
    (line,) = link_lines(store, state, astana)
    assert line.startswith("linked to: Astana (GPE")
    mark_nil(store, state, astana)
    state = curation.load(store, doc, "al")
    astana = state.item(astana.id)  # type: ignore[assignment]
    assert link_state(astana) == "nil" and link_value(astana, {}) == "⊘ no entity"


def test_a_figures_tooltip_says_metric_period_and_subjects(store: Store, doc: int) -> None:
    state = curation.load(store, doc, "al")
    fig = _item(state, "$6.1 billion")
    assert link_lines(store, state, fig) == [
        "metric: Bilateral trade (suggested)",
        "period: 2022-01-01 – 2022-12-31 (year 2022) (suggested)",
        "subjects: Kazakhstan, South Korea (suggested)",
    ]


def test_periods_read_as_intervals() -> None:
    assert period_text(None) == ""
    assert (
        period_text({"start": "2022-01-01", "end": "2022-12-31", "kind": "year", "label": "2022"})
        == "2022-01-01 – 2022-12-31 (year 2022)"
    )
    assert (
        period_text(
            {
                "start": "2023-06-01",
                "end": "2023-06-01",
                "kind": "as_of",
                "label": "as of 2023-06-01",
            }
        )
        == "2023-06-01 (as of 2023-06-01)"
    )
    assert (
        period_text(
            {"start": "2005-01-01", "end": None, "kind": "cumulative", "label": "since 2005"}
        )
        == "2005-01-01 – open (cumulative since 2005)"
    )
    assert (
        period_text({"start": None, "end": None, "kind": "fiscal_year", "label": "FY2023"})
        == "dates not stated (fiscal year FY2023)"
    )
    assert (
        period_text(
            {"start": "2023-01-01", "end": "2023-03-31", "kind": "quarter", "label": "2023-Q1"}
        )
        == "2023-01-01 – 2023-03-31 (quarter 2023-Q1)"
    )


def test_the_popup_lists_an_ambiguous_aliass_candidates_first(store: Store, doc: int) -> None:
    state = curation.load(store, doc, "al")
    park = _item(state, "Park")
    found = popup_candidates(store, state, park)
    assert {c.key for c in found[:2]} == {"starter:park-jin", "starter:park-eun-ha"}
    assert all(c.reasons[0] == OFFERED for c in found[:2])
    assert not any(OFFERED in c.reasons for c in found[2:])
    # typing asks the knowledge base afresh
    typed = popup_candidates(store, state, park, "Tokayev")
    assert typed[0].key == "starter:kassym-jomart-tokayev" and OFFERED not in typed[0].reasons


def test_next_to_link_skips_what_is_linked_and_what_names_no_entity(store: Store, doc: int) -> None:
    state = curation.load(store, doc, "al")
    link(store, state, _item(state, "Astana"), "starter:astana")
    state = curation.load(store, doc, "al")
    order = []
    here = None
    for _ in range(6):
        nxt = next_to_link(store, state, here)
        assert nxt is not None
        order.append(nxt.text)
        here = nxt.id
    # Astana (linked) and May 31 (a date) are no stops; after the last it wraps around
    assert order == [
        "Kazakh",
        "Kassym-Jomart Tokayev",
        "Park",
        "South Korea",
        "$6.1 billion",
        "Kazakh",
    ]
    assert next_to_link(store, state, None, -1).text == "$6.1 billion"  # type: ignore[union-attr]
    fig = _item(state, "$6.1 billion")
    assert needs_link(store, state, fig)
    links = figure_links(store, state, fig)
    set_links(
        store,
        state,
        fig,
        metric=links.metric.key if links.metric else None,
        period=links.period,
        subjects=[e.key for e in links.subjects],
    )
    state = curation.load(store, doc, "al")
    assert not needs_link(store, state, next(it for it in state.items if it.layer == "figures"))


def test_set_links_is_one_step_with_a_new_metric(store: Store, doc: int) -> None:
    state = curation.load(store, doc, "al")
    fig = _item(state, "$6.1 billion")
    period = {"start": "2022-01-01", "end": "2022-06-30", "kind": "half", "label": "2022-H1"}
    change = set_links(
        store,
        state,
        fig,
        metric=None,
        new_metric="Trade in goods",
        period=period,
        subjects=["iso3166:KZ", "iso3166:KR"],
    )
    (ann,) = store.annotations(doc, "al", "figures")
    metric = next(e for e in store.entities() if e.name == "Trade in goods")
    assert metric.type == "METRIC" and ann.attrs["metric_key"] == metric.key
    assert sorted(ann.attrs["links_set"]) == ["metric", "period", "subjects"]
    rows = store.conn.execute("SELECT role, value FROM links ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["metric", "period", "subject", "subject"]
    assert json.loads(rows[1][1]) == period
    # one undo takes all of it back: the annotation, the links and the new metric
    curation.revert(store, change)
    assert store.annotations(doc, "al") == []
    assert store.conn.execute("SELECT COUNT(*) FROM links").fetchone() == (0,)
    assert not [e for e in store.entities() if e.name == "Trade in goods"]
    with pytest.raises(KBError, match="no entity local:nope"):
        set_links(store, state, fig, metric=None, period=None, subjects=["local:nope"])


def test_undoing_a_link_on_a_suggestion_shows_the_suggestion_again(store: Store, doc: int) -> None:
    state = curation.load(store, doc, "al")
    astana = _item(state, "Astana")
    change = link(store, state, astana, "starter:astana")
    assert change is not None
    state = curation.load(store, doc, "al")
    linked = state.resolve(change.focus)
    assert linked is not None and not linked.is_suggestion and linked.kb_id == "starter:astana"
    curation.revert(store, change)
    state = curation.load(store, doc, "al")
    again = state.resolve(change.focus)
    assert again is not None and again.is_suggestion and again.text == "Astana"


def test_an_index_built_on_another_connection_is_adopted_while_the_kb_holds_still(
    store: Store, doc: int
) -> None:
    from annotator.core.kb.entities import add_entity
    from annotator.core.kb.index import adopt_index, build_index, get_index, index_ready

    with Store(store.path) as other:
        built = build_index(other)
    assert not index_ready(store)
    assert adopt_index(store, built) and index_ready(store)
    assert get_index(store) is built
    add_entity(store, "Samruk-Kazyna", "ORG")  # the KB moves: a stale index is refused
    assert not index_ready(store) and not adopt_index(store, built)
