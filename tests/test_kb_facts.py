"""Figure links (metric, period, subjects: resolved, set by a curator, undone) and facts
(grouping, conflicts beyond the written precision, other currencies, series), and the
seeds' 2022 Kazakhstan–South Korea trade conflict from suggestions alone."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core import curation
from annotator.core.kb import KBError
from annotator.core.kb.facts import collect_facts, find_series, group_facts, value_interval
from annotator.core.kb.figure_links import (
    accept_links,
    create_metric,
    figure_links,
    metric_choices,
    set_metric,
    set_period,
    set_subjects,
    subject_choices,
)
from annotator.core.kb.prelink import prelink_documents
from annotator.core.kb.starter import load_starter
from annotator.core.store import NewDocument, Store, SuggestionDraft


@pytest.mark.parametrize(
    ("text", "attrs", "low", "high"),
    [
        ("$6.1 billion", {"value": 6.1e9}, 6.05e9, 6.15e9),
        ("6,100 million dollars", {"value": 6.1e9}, 6.05e9, 6.15e9),
        ("6,130 million dollars", {"value": 6.13e9}, 6.125e9, 6.135e9),
        ("$6.53 billion", {"value": 6.53e9}, 6.525e9, 6.535e9),
        ("US$3.2 billion", {"value": 3.2e9}, 3.15e9, 3.25e9),
        ("172.2 million US dollars", {"value": 172.2e6}, 172.15e6, 172.25e6),
        ("19.5%", {"value": 19.5}, 19.45, 19.55),
        ("one thousand Kazakh students", {"value": 1000.0}, 500.0, 1500.0),
        ("about $6 billion", {"value": 6e9, "approx": True}, 5.4e9, 6.6e9),
        ("more than $2 billion", {"value": 2e9, "bound": ">"}, 1.5e9, float("inf")),
        ("$1-2 billion", {"value": 1e9, "value_max": 2e9}, 0.5e9, 2.5e9),
        ("$1.5-2.25 billion", {"value": 1.5e9, "value_max": 2.25e9}, 1.45e9, 2.255e9),
    ],
)
def test_a_value_is_the_interval_its_writing_allows(
    text: str, attrs: dict[str, object], low: float, high: float
) -> None:
    got = value_interval(attrs, text)
    assert got is not None
    assert got[0] == pytest.approx(low) and got[1] == pytest.approx(high)


def _trade(
    date: str, sentence: str, figure: str, value: float, unit: str, metric: str, period: str,
    subjects: list[str],
) -> tuple[str, str, str, dict[str, object]]:  # fmt: skip
    attrs = {"value": value, "unit": unit, "metric": metric, "period": period}
    return date, sentence, figure, {**attrs, "subjects": subjects}


KZ_KR = ["Kazakhstan", "South Korea"]
TRADE = [
    _trade(
        "2023-06-01",
        "In 2022, the trade turnover between two states reached $6.1 billion.",
        "$6.1 billion", 6.1e9, "USD", "trade turnover", "In 2022", [],
    ),
    _trade(
        "2023-06-02",
        "Bilateral trade between Kazakhstan and South Korea was 6,100 million dollars in 2022.",
        "6,100 million dollars", 6.1e9, "USD", "Bilateral trade", "in 2022", KZ_KR,
    ),
    _trade(
        "2023-06-03",
        "Kazakh-Korea bilateral trade reached $6.53 billion in 2022.",
        "$6.53 billion", 6.53e9, "USD", "bilateral trade", "in 2022", ["Kazakh-Korea"],
    ),
    _trade(
        "2023-06-04",
        "Trade between Kazakhstan and South Korea was 5.9 billion euros in 2022.",
        "5.9 billion euros", 5.9e9, "EUR", "Trade", "in 2022", KZ_KR,
    ),
    _trade(
        "2022-03-01",
        "At the end of 2021, the trade turnover between the two countries reached US$3.2 billion.",
        "US$3.2 billion", 3.2e9, "USD", "trade turnover", "At the end of 2021", [],
    ),
    _trade(
        "2023-07-13",
        "Kazakhstan and Hungary: the volume of mutual trade in 2022 amounted to 172.2 million "
        "US dollars.",
        "172.2 million US dollars", 172.2e6, "USD", "mutual trade", "in 2022", [],
    ),
]  # fmt: skip


def _trade_project(store: Store) -> list[int]:
    """One article per figure, each with the countries it names (the sentences alone
    say too little: each gets a second sentence naming its two countries)."""
    load_starter(store)
    docs = []
    for date, sentence, figure, attrs in TRADE:
        pair = "Kazakhstan and Hungary" if "Hungary" in sentence else "Kazakhstan and South Korea"
        text = f"{sentence} Officials of {pair} met. {pair} agreed."
        (doc,) = store.add_documents([NewDocument(text, "", date, f"{date}.txt", {})])
        start = text.index(figure)
        kind = "money"
        store.replace_suggestions(
            doc,
            "test_model",
            "1",
            [SuggestionDraft("figures", start, start + len(figure), kind, {"kind": kind, **attrs})],
        )
        docs.append(doc)
    prelink_documents(store)
    return docs


def test_facts_group_flag_the_conflict_and_compare_only_like_with_like(store: Store) -> None:
    _trade_project(store)
    facts = collect_facts(store)
    assert [f.metric.key if f.metric else None for f in facts] == ["metric:bilateral-trade"] * 6
    assert [f.period["label"] if f.period else None for f in facts] == [
        "2022", "2022", "2022", "2022", "2021", "2022",
    ]  # fmt: skip
    names = [sorted(e.name for e in f.subjects) for f in facts]
    assert names[:5] == [["Kazakhstan", "South Korea"]] * 5
    assert names[5] == ["Hungary", "Kazakhstan"]
    groups = group_facts(facts)
    (kr_2022,) = [g for g in groups if len(g.facts) == 4]
    assert kr_2022.title == "Bilateral trade · Kazakhstan, South Korea · 2022"
    # $6.1 bn and 6,100 million dollars are equal; $6.53 bn disagrees with both
    assert {(a.text, b.text) for a, b in kr_2022.conflicts} == {
        ("$6.1 billion", "$6.53 billion"),
        ("6,100 million dollars", "$6.53 billion"),
    }
    assert [(f.text, why) for f, why in kr_2022.not_compared] == [
        ("5.9 billion euros", "in EUR, the others in USD: no exchange rate to compare them")
    ]
    assert [f.conflict for f in facts] == [True, True, True, False, False, False]
    # the other groups hold one figure each: nothing to disagree with
    assert all(not g.conflicts for g in groups if g is not kr_2022)
    (kr,) = find_series(facts)  # Hungary has one period only
    assert kr.measure == ("money", "USD", None, "")  # the euro figure is not in it
    assert [p["label"] for p, _ in kr.steps] == ["2021", "2022"]
    assert [f.text for f in kr.steps[1][1]] == [
        "$6.1 billion",
        "6,100 million dollars",
        "$6.53 billion",
    ]


def test_facts_cli_conflicts_series_and_csv(db_path: Path) -> None:
    with Store(db_path) as store:
        _trade_project(store)
    run = CliRunner().invoke
    out = run(main, ["facts", "--conflicts", "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == "CONFLICT  Bilateral trade · Kazakhstan, South Korea · 2022"
    assert "not compared: 5.9 billion euros (in EUR, the others in USD" in out.stdout
    assert lines[-1] == "1 conflict in 3 groups of 6 figures"
    series = run(main, ["facts", "--series", "--db", str(db_path)])
    assert (
        "SERIES    Bilateral trade · Kazakhstan, South Korea: 2021 3.2 bn USD → 2022 "
        in series.stdout
    )
    table = run(main, ["facts", "--format", "csv", "--db", str(db_path)])
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(rows) == 6 and rows[0]["metric_key"] == "metric:bilateral-trade"
    assert rows[0]["subject_keys"] == "iso3166:KZ; iso3166:KR" and rows[0]["conflict"] == "true"
    jsonl = run(main, ["facts", "--format", "jsonl", "--conflicts", "--db", str(db_path)])
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["text"] for r in records] == [
        "$6.1 billion",
        "6,100 million dollars",
        "$6.53 billion",
        "5.9 billion euros",
    ]
    assert records[0]["notes"][0] == "metric: alias “trade turnover”"


def test_a_curator_sets_a_figures_links_and_undoes_them(store: Store) -> None:
    docs = _trade_project(store)
    state = curation.load(store, docs[0], "al")
    (fig,) = [it for it in state.items if it.layer == "figures"]
    pre = figure_links(store, state, fig)
    assert pre.source == {"metric": "suggested", "period": "suggested", "subjects": "suggested"}
    assert "subjects: the article's two countries (“between two states”)" in pre.notes
    # setting the metric of a suggestion accepts it and stores the link
    assert [c.key for c in metric_choices(store, "exports")][:1] == ["metric:exports"]
    first = set_metric(store, state, fig, "metric:exports")
    (ann,) = store.annotations(docs[0], "al", "figures")
    assert ann.attrs["metric_key"] == "metric:exports" and ann.attrs["links_set"] == ["metric"]
    rows = store.conn.execute("SELECT role, entity_id FROM links").fetchall()
    assert rows == [("metric", store.entity_by_key("metric:exports").id)]  # type: ignore[union-attr]
    state = curation.load(store, docs[0], "al")
    fig = state.resolve(first.focus)  # type: ignore[assignment]
    links = figure_links(store, state, fig)
    assert links.metric is not None and links.metric.key == "metric:exports"
    assert links.source["metric"] == "curator" and links.source["period"] == "suggested"
    # period from a phrase, read against the article's date; subjects from the article
    assert [e.name for e in subject_choices(store, state)][:2] == ["Kazakhstan", "South Korea"]
    second = set_period(store, state, fig, "in the first half of last year")
    third = set_subjects(store, curation.load(store, docs[0], "al"), fig, ["iso3166:KR"])
    roles = store.conn.execute("SELECT role, value FROM links ORDER BY id").fetchall()
    assert [r[0] for r in roles] == ["metric", "period", "subject"]
    assert json.loads(roles[1][1])["label"] == "2022-H1"
    with pytest.raises(KBError, match="cannot read 'soon' as a period"):
        set_period(store, state, fig, "soon")
    # undo, step by step, back to the suggestions' resolution and the suggestion itself
    curation.revert(store, third)
    curation.revert(store, second)
    assert store.conn.execute("SELECT role FROM links").fetchall() == [("metric",)]
    curation.revert(store, first)
    assert (
        store.annotations(docs[0], "al") == []
        and store.conn.execute("SELECT * FROM links").fetchall() == []
    )


def test_accepting_the_prefill_and_a_new_metric_feed_the_curators_facts(store: Store) -> None:
    docs = _trade_project(store)
    for doc in docs[:3]:
        state = curation.load(store, doc, "al")
        (fig,) = [it for it in state.items if it.layer == "figures"]
        assert accept_links(store, state, fig) is not None
    facts = collect_facts(store, "al")
    assert [f.links.source["metric"] for f in facts] == ["curator"] * 3
    (group,) = group_facts(facts)
    assert len(group.conflicts) == 2
    state = curation.load(store, docs[2], "al")
    (fig,) = [it for it in state.items if it.layer == "figures"]
    change = create_metric(store, state, fig, "Trade in goods", aliases=["goods trade"])
    facts = collect_facts(store, "al")
    assert facts[2].metric is not None and facts[2].metric.name == "Trade in goods"
    assert not any(g.conflicts for g in group_facts(facts))
    curation.revert(store, change)
    assert not [e for e in store.entities() if e.name == "Trade in goods"]
    assert any(g.conflicts for g in group_facts(collect_facts(store, "al")))


@pytest.mark.slow
def test_the_seeds_conflict_from_suggestions_alone(tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "seeds.db")
    run = CliRunner().invoke
    assert run(main, ["import", str(seeds_dir), "--db", db]).exit_code == 0
    assert run(main, ["suggest", "--db", db]).exit_code == 0
    out = run(main, ["facts", "--conflicts", "--format", "jsonl", "--db", db])
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["source"][:3], r["text"], r["period"], r["subject_keys"]) for r in records] == [
        ("000", "$6.1 billion", "2022", ["iso3166:KZ", "iso3166:KR"]),
        ("002", "$6.53 billion", "2022", ["iso3166:KZ", "iso3166:KR"]),
    ]
    assert {r["metric_key"] for r in records} == {"metric:bilateral-trade"}
    series = run(main, ["facts", "--series", "--db", db]).stdout
    assert "Kazakhstan, South Korea: 2021 3.2 bn USD → 2022 6.1 bn USD / 6.53 bn USD" in series
    # and the seeds link out of the box: most gold entity mentions arrive pre-linked
    from annotator.core.kb.normal import normal

    with Store(db) as store:
        keys = {normal(a): e.key for e in store.entities() for a in e.aliases}
        docs = {d.source: d.id for d in store.documents()}
        right = total = 0
        for line in (seeds_dir.parent / "tests/data/seeds_gold.jsonl").read_text().splitlines():
            record = json.loads(line)
            state = curation.load(store, docs[record["file"]], "nobody")
            linked = {(it.start, it.end, it.kb_id) for it in state.items if it.kb_id}
            for g in record["ents"]:
                if g["entity"]:
                    total += 1
                    right += (g["start"], g["end"], keys[normal(g["entity"])]) in linked
    assert right / total >= 0.9


def test_a_change_and_this_indicator_take_the_metric_of_the_figure_they_speak_of() -> None:
    from annotator.core.kb.figure_links import metric_phrases

    text = (
        "Mutual trade in 2022 amounted to 172.2 million US dollars, which is 19.5% more "
        "than in 2021. Investments reached 322 million US dollars. In 2022, this indicator "
        "amounted to 49.8 million US dollars. Inflation was 9%."
    )

    def fig(part: str, kind: str, metric: str | None) -> tuple[int, int, str, dict[str, object]]:
        start = text.index(part)
        return start, start + len(part), kind, {"metric": metric}

    figures = [
        fig("172.2 million US dollars", "money", "mutual trade"),
        fig("19.5%", "percent", None),
        fig("322 million US dollars", "money", "Investments"),
        fig("49.8 million US dollars", "money", "indicator"),
        fig("9%", "percent", "Inflation"),
    ]
    assert metric_phrases(text, figures) == [
        "mutual trade",
        "mutual trade",
        "Investments",
        "Investments",
        "Inflation",
    ]
