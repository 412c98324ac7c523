"""The review core the window's review mode drives: the queue, a document's disputes,
and every adjudication action, checked in SQLite, with undo."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from _review_helpers import three_curators

from annotator.core import review, sqlints
from annotator.core.curation import revert
from annotator.core.model import GOLD
from annotator.core.review.disputes import Sig
from annotator.core.store import NewDocument, Store

TEXT = "Samsung and Hyundai met Kazakh officials in Astana on Monday, the ministry said."
#       0      7   11     19  23     30        40 43     50


@pytest.fixture
def doc(store: Store) -> Store:
    store.add_documents([NewDocument(TEXT, "Samsung in Astana", None, "s", {})])
    return store


def mark(store: Store, who: str, spans: list[tuple[int, int, str]], doc_id: int = 1) -> None:
    for start, end, label in spans:
        store.add_annotation(doc_id, who, "ents", start, end, label, "manual")
    store.set_status(doc_id, who, "done")


def gold(store: Store, doc_id: int = 1) -> list[tuple[int, int, str]]:
    return [(a.start, a.end, a.label) for a in store.annotations(doc_id, GOLD)]


@pytest.fixture
def disputed(doc: Store) -> Store:
    """alice, bob and carol agree on Samsung; disagree on Hyundai (ORG/ORG/PRODUCT),
    on Kazakh (NORP / nothing / GPE) and on Astana's edges ("in Astana" for carol)."""
    mark(doc, "alice", [(0, 7, "ORG"), (12, 19, "ORG"), (24, 30, "NORP"), (44, 50, "GPE")])
    mark(doc, "bob", [(0, 7, "ORG"), (12, 19, "ORG"), (44, 50, "GPE")])
    mark(doc, "carol", [(0, 7, "ORG"), (12, 19, "PRODUCT"), (24, 30, "GPE"), (41, 50, "GPE")])
    return doc


def test_a_document_shows_who_said_what(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    assert r.curators == ("alice", "bob", "carol")
    assert [d.id for d in r.disputes] == ["ents:0:7", "ents:12:19", "ents:24:30", "ents:41:50"]
    samsung, hyundai, kazakh, astana = r.disputes
    assert samsung.agreed and not samsung.open
    assert [(o.sig.label, o.curators) for o in hyundai.options] == [
        ("ORG", ("alice", "bob")),
        ("PRODUCT", ("carol",)),
    ]
    assert kazakh.by_curator["bob"] == ()  # bob marked nothing there
    assert {o.text for o in astana.options} == {"Astana", "in Astana"}
    assert [d.id for d in r.open_disputes] == ["ents:12:19", "ents:24:30", "ents:41:50"]
    # ids are stable: the same after a reload and after adjudication
    review.take_version(disputed, r, "rita", "ents:12:19", "carol")
    assert [d.id for d in review.load_review(disputed, 1).disputes] == [d.id for d in r.disputes]


def test_auto_accept_takes_what_all_agree_on_and_undo(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    change = review.auto_accept(disputed, r, "rita")
    assert change is not None and gold(disputed) == [(0, 7, "ORG")]
    assert disputed.annotations(1, GOLD)[0].origin == "adjudicated"
    again = review.load_review(disputed, 1)
    assert review.auto_accept(disputed, again, "rita") is None  # nothing new
    redo = revert(disputed, change)
    assert gold(disputed) == []
    revert(disputed, redo)
    assert gold(disputed) == [(0, 7, "ORG")]


def test_auto_accept_with_a_majority(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    review.auto_accept(disputed, r, "rita", min_agree=2)
    assert gold(disputed) == [(0, 7, "ORG"), (12, 19, "ORG"), (44, 50, "GPE")]
    r = review.load_review(disputed, 1)
    # Hyundai still needs a word: carol's PRODUCT is pending; settling is one call
    hyundai = r.dispute("ents:12:19")
    assert hyundai is not None and hyundai.open
    review.settle(disputed, r, "rita", "ents:12:19")
    r = review.load_review(disputed, 1)
    assert not r.dispute("ents:12:19").open
    assert [d.id for d in r.open_disputes] == ["ents:24:30", "ents:41:50"]


def test_take_one_curators_version_of_a_span(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    change = review.take_version(disputed, r, "rita", "ents:41:50", "carol")
    assert change is not None and change.focus == "ents:41:50"
    assert gold(disputed) == [(41, 50, "GPE")]
    r = review.load_review(disputed, 1)
    astana = r.dispute("ents:41:50")
    assert astana.settled and {o.state for o in astana.options} == {"accepted", "rejected"}
    # changing one's mind: alice's version replaces carol's in the gold
    review.take_version(disputed, r, "rita", "ents:41:50", "alice")
    assert gold(disputed) == [(44, 50, "GPE")]
    # taking bob's nothing on Kazakh settles it with no span
    r = review.load_review(disputed, 1)
    review.take_version(disputed, r, "rita", "ents:24:30", "bob")
    r = review.load_review(disputed, 1)
    assert r.dispute("ents:24:30").settled and gold(disputed) == [(44, 50, "GPE")]


def test_take_a_whole_document(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    review.add_gold(disputed, r, "rita", 54, 60, "ents", "DATE")  # the reviewer's own span
    r = review.load_review(disputed, 1)
    change = review.take_document(disputed, r, "rita", "carol")
    assert gold(disputed) == [(0, 7, "ORG"), (12, 19, "PRODUCT"), (24, 30, "GPE"), (41, 50, "GPE")]
    assert review.load_review(disputed, 1).open_disputes == ()
    revert(disputed, change)
    assert gold(disputed) == [(54, 60, "DATE")]


def test_reject_every_version_settles(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    review.auto_accept(disputed, r, "rita", min_agree=2)
    r = review.load_review(disputed, 1)
    review.reject_all(disputed, r, "rita", "ents:41:50")
    r = review.load_review(disputed, 1)
    assert r.dispute("ents:41:50").settled
    assert (44, 50, "GPE") not in gold(disputed)


def test_edit_the_gold_directly(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    review.take_version(disputed, r, "rita", "ents:12:19", "alice")
    r = review.load_review(disputed, 1)
    (g,) = r.gold
    review.relabel_gold(disputed, r, "rita", g.annotation_id, "PRODUCT")
    assert gold(disputed) == [(12, 19, "PRODUCT")]
    r = review.load_review(disputed, 1)
    # the gold now equals carol's option; alice's stays decided (rejected)
    states = {o.sig.label: o.state for o in r.dispute("ents:12:19").options}
    assert states == {"ORG": "rejected", "PRODUCT": "accepted"}
    review.resize_gold(disputed, r, "rita", g.annotation_id, "left", 1)
    assert gold(disputed) == [(8, 19, "PRODUCT")]
    r = review.load_review(disputed, 1)
    review.link_gold(disputed, r, "rita", g.annotation_id, "kb:hyundai")
    assert disputed.annotation(g.annotation_id).kb_id == "kb:hyundai"
    r = review.load_review(disputed, 1)
    change = review.delete_gold(disputed, r, "rita", g.annotation_id)
    assert gold(disputed) == []
    # deleted stays deleted: auto-accept does not bring a decided option back
    auto = review.auto_accept(disputed, review.load_review(disputed, 1), "rita", min_agree=2)
    assert auto is not None and (12, 19, "ORG") not in gold(disputed)
    revert(disputed, auto)  # undo goes back in order
    revert(disputed, change)
    assert disputed.annotation(g.annotation_id).kb_id == "kb:hyundai"


def test_who_adjudicated_and_when_is_in_the_events(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    change = review.take_version(disputed, r, "rita", "ents:41:50", "carol")
    revert(disputed, change)
    rows = disputed.conn.execute(
        "SELECT annotator, ts, payload FROM events WHERE action = 'adjudicate' ORDER BY id"
    ).fetchall()
    assert [r[0] for r in rows] == ["rita", "rita"]
    payloads = [json.loads(r[2]) for r in rows]
    assert payloads[0] == {"step": "take-version", "dispute": "ents:41:50", "curator": "carol"}
    assert payloads[1]["step"] == "take-version-undo"
    assert all(r[1] for r in rows)


def test_curators_versions_are_never_touched(disputed: Store) -> None:
    before = disputed.conn.execute(
        "SELECT * FROM annotations WHERE annotator != ? ORDER BY id", (GOLD,)
    ).fetchall()
    r = review.load_review(disputed, 1)
    review.auto_accept(disputed, r, "rita", min_agree=2)
    r = review.load_review(disputed, 1)
    review.take_document(disputed, r, "rita", "bob")
    review.mark_done(disputed, review.load_review(disputed, 1), "rita")
    after = disputed.conn.execute(
        "SELECT * FROM annotations WHERE annotator != ? ORDER BY id", (GOLD,)
    ).fetchall()
    assert after == before
    assert disputed.status(1, GOLD) == "done"
    assert {disputed.status(1, c) for c in ("alice", "bob", "carol")} == {"done"}


def test_new_work_merged_later_adds_disagreements_never_overwrites(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    review.auto_accept(disputed, r, "rita", min_agree=2)
    r = review.load_review(disputed, 1)
    for d in r.open_disputes:
        review.take_version(disputed, review.load_review(disputed, 1), "rita", d.id, "alice")
    settled_gold = gold(disputed)
    assert review.load_review(disputed, 1).open_disputes == ()
    # dave's work arrives (as a merge would bring it)
    mark(disputed, "dave", [(0, 7, "ORG"), (44, 50, "LOC"), (54, 60, "DATE")])
    r = review.load_review(disputed, 1)
    assert gold(disputed) == settled_gold
    assert [d.id for d in r.open_disputes] == ["ents:41:50", "ents:54:60"]
    astana = r.dispute("ents:41:50")
    assert {o.sig.label: o.state for o in astana.options if o.sig.start == 44} == {
        "GPE": "accepted",
        "LOC": "pending",
    }


def test_kb_ids_and_figure_values_are_disagreements(doc: Store) -> None:
    for who, key, value in (("a", "kb:samsung", 5.0), ("b", "kb:samsung-sds", 5.0)):
        doc.add_annotation(1, who, "ents", 0, 7, "ORG", "manual", kb_id=key)
        doc.add_annotation(
            1,
            who,
            "figures",
            54,
            60,
            "count",
            "manual",
            attrs={"value": value, "unit": "days" if who == "a" else None},
        )
        doc.set_status(1, who, "done")
    r = review.load_review(doc, 1)
    kb, figure = r.disputes
    assert not kb.agreed and {o.sig.kb_id for o in kb.options} == {"kb:samsung", "kb:samsung-sds"}
    assert not figure.agreed and figure.layer == "figures"
    review.take_version(doc, r, "rita", kb.id, "b")
    assert doc.annotations(1, GOLD)[0].kb_id == "kb:samsung-sds"
    review.take_version(doc, review.load_review(doc, 1), "rita", figure.id, "a")
    (fig,) = doc.annotations(1, GOLD, "figures")
    assert fig.attrs == {"value": 5.0, "unit": "days"}


def test_figure_links_take_part_and_come_along(doc: Store) -> None:
    entity = doc.add_entity("Kazakhstan", "GPE", key="kb:kz")
    for who, value in (("a", "trade"), ("b", "exports")):
        fig = doc.add_annotation(1, who, "figures", 54, 60, "count", "manual", attrs={"value": 1})
        doc.conn.execute(
            "INSERT INTO links (annotation_id, role, entity_id, value) VALUES (?, 'subject', ?, "
            "NULL), (?, 'metric', NULL, ?)",
            (fig.id, entity.id, fig.id, value),
        )
        doc.set_status(1, who, "done")
    r = review.load_review(doc, 1)
    (d,) = r.disputes
    assert not d.agreed and len(d.options) == 2
    review.take_version(doc, r, "rita", d.id, "b")
    (g,) = doc.annotations(1, GOLD)
    links = doc.conn.execute(
        "SELECT role, entity_id, value FROM links WHERE annotation_id = ? ORDER BY role", (g.id,)
    ).fetchall()
    assert links == [("metric", None, "exports"), ("subject", entity.id, None)]


def test_the_queue_worst_first_filtered(disputed: Store) -> None:
    disputed.add_documents([NewDocument("Seoul welcomed Samsung.", "calm", None, "s", {})])
    mark(disputed, "alice", [(0, 5, "GPE")], doc_id=2)
    mark(disputed, "bob", [(0, 5, "GPE")], doc_id=2)
    q = review.review_queue(disputed)
    assert [(e.doc_id, e.disputes, e.open) for e in q] == [(1, 3, 3), (2, 0, 0)]
    assert q[0].title == "Samsung in Astana" and q[0].curators == ("alice", "bob", "carol")
    assert [e.doc_id for e in review.review_queue(disputed, only_open=True)] == [1]
    assert review.review_queue(disputed, label="NORP")[0].disputes == 1
    by_pair = review.review_queue(disputed, pair=("alice", "bob"))
    assert [(e.doc_id, e.disputes) for e in by_pair] == [(1, 1), (2, 0)]
    r = review.load_review(disputed, 1)
    review.take_version(disputed, r, "rita", "ents:24:30", "alice")
    assert review.review_queue(disputed)[0].open == 2


def _random_project(store: Store, rng: random.Random, docs: int = 30) -> None:
    texts = [
        " ".join(
            rng.choice(["Samsung", "and", "Kazakh", "  ", "met", "in", "Seoul,"])
            for _ in range(rng.randint(3, 30))
        )
        for _ in range(docs)
    ]
    store.add_documents([NewDocument(t + f" {i}", "", None, "", {}) for i, t in enumerate(texts)])
    for doc_id in store.document_ids():
        n = len(store.document(doc_id).text)
        for who in ("a", "b", "c", "d"):
            if rng.random() < 0.2:
                continue
            for _ in range(rng.randint(0, 5)):
                start = rng.randrange(0, n - 1)
                end = min(n, start + rng.randint(1, 12))
                store.add_annotation(
                    doc_id,
                    who,
                    rng.choice(["ents", "figures"]),
                    start,
                    end,
                    rng.choice(["ORG", "GPE"]),
                    "manual",
                    kb_id=rng.choice([None, None, "kb:x"]),
                    attrs={"value": rng.choice([1, 2])},
                )
            store.set_status(doc_id, who, "done")
        r = review.load_review(store, doc_id)
        if r.disputes and rng.random() < 0.5:
            d = rng.choice(r.disputes)
            review.take_version(store, r, "rev", d.id, rng.choice(r.curators))


@pytest.mark.parametrize("per_range", [None, 1])
def test_the_queue_counts_as_the_document_view_does(
    store: Store, per_range: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast queue and the per-document view agree on every document of a random
    project (white space at edges, overlaps, both layers, kb ids, values, decisions),
    also when the spans are read a few documents at a time."""
    if per_range:
        monkeypatch.setattr(sqlints, "DOCS_PER_RANGE", per_range)
    _random_project(store, random.Random(11))
    for label, pair in ((None, None), ("ORG", None), (None, ("a", "c"))):
        queue = {e.doc_id: e for e in review.review_queue(store, label=label, pair=pair)}
        for doc_id in store.document_ids():
            r = review.load_review(store, doc_id)
            if len(r.curators) < 2 or (pair and not set(pair) <= set(r.curators)):
                assert doc_id not in queue
                continue
            disputes = [d for d in r.disputes if not d.agreed]
            if label:
                disputes = [d for d in disputes if label in d.labels]
            if pair:
                disputes = [d for d in disputes if d.differs(*pair)]
            e = queue[doc_id]
            assert (e.groups, e.disputes, e.open) == (
                len(r.disputes),
                len(disputes),
                sum(1 for d in disputes if d.open),
            ), doc_id


def test_option_keys_round_trip() -> None:
    sig = Sig("figures", 3, 9, "money", None, json.dumps([6.1e9, None, "USD"]), None)
    assert Sig.parse(sig.key) == sig
    assert Sig.parse("ents:0:3:ORG") is None and Sig.parse("review|not json") is None


def test_three_curators_on_the_seeds_adjudicated_into_gold_and_exported(
    seeded_store: Store, tmp_path: Path
) -> None:
    """The done-when path, scripted through the API as the window's keys would: auto-
    accept (majority 2 of 3), take a version for every open dispute, mark done, export."""
    three_curators(seeded_store)
    queue = review.review_queue(seeded_store, only_open=True)
    assert queue and queue[0].open >= queue[-1].open
    for entry in queue:
        r = review.load_review(seeded_store, entry.doc_id)
        review.auto_accept(seeded_store, r, "rita", min_agree=2)
        r = review.load_review(seeded_store, entry.doc_id)
        while (d := r.next_open()) is not None:
            review.take_version(seeded_store, r, "rita", d.id, "alice")
            r = review.load_review(seeded_store, entry.doc_id)
        review.mark_done(seeded_store, r, "rita")
    assert review.review_queue(seeded_store, only_open=True) == []
    from annotator.core.export import export_spacy

    out = tmp_path / "gold.spacy"
    report = export_spacy(seeded_store, out, GOLD)
    assert report.documents == 5 and report.entities > 50
    conn = sqlite3.connect(seeded_store.path)
    origins = {
        r[0] for r in conn.execute("SELECT origin FROM annotations WHERE annotator = ?", (GOLD,))
    }
    conn.close()
    assert origins == {"adjudicated"}
