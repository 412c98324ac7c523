"""The review mode's way through a document, without Qt: stops, the panel's rows, which
gold span an edit acts on, the queue's counts after an action, auto-accept's rule."""

from __future__ import annotations

import itertools
import random

import pytest
from _review_helpers import three_curators

from annotator.core import review
from annotator.core.model import GOLD
from annotator.core.review import walk
from annotator.core.store import NewDocument, Store

TEXT = "Samsung and Hyundai met Kazakh officials in Astana on Monday, the ministry said."
#       0      7   11     19  23     30        40 43     50      58   63       72


def mark(store: Store, who: str, spans: list[tuple[int, int, str]], doc_id: int = 1) -> None:
    for start, end, label in spans:
        store.add_annotation(doc_id, who, "ents", start, end, label, "manual")
    store.set_status(doc_id, who, "done")


@pytest.fixture
def disputed(store: Store) -> Store:
    """Samsung agreed; Hyundai ORG/ORG/PRODUCT; Kazakh NORP/-/GPE; Astana's edges."""
    store.add_documents([NewDocument(TEXT, "Samsung in Astana", None, "s", {})])
    mark(store, "alice", [(0, 7, "ORG"), (12, 19, "ORG"), (24, 30, "NORP"), (44, 50, "GPE")])
    mark(store, "bob", [(0, 7, "ORG"), (12, 19, "ORG"), (44, 50, "GPE")])
    mark(store, "carol", [(0, 7, "ORG"), (12, 19, "PRODUCT"), (24, 30, "GPE"), (41, 50, "GPE")])
    return store


def test_auto_accept_rules() -> None:
    assert walk.min_agree("off", 3) is None
    assert [walk.min_agree("all", n) for n in (2, 3, 4)] == [2, 3, 4]
    assert [walk.min_agree("majority", n) for n in (2, 3, 4, 5)] == [2, 2, 3, 3]
    assert [walk.min_agree("two", n) for n in (1, 2, 5)] == [1, 2, 2]
    assert walk.min_agree("all", 0) is None
    with pytest.raises(ValueError, match="one of off, all"):
        walk.min_agree("most", 3)


def test_how_many_auto_accept_would_take(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    assert walk.acceptable(r, 3) == 1  # Samsung
    assert walk.acceptable(r, 2) == 3  # and Hyundai ORG, Astana 44-50
    review.auto_accept(disputed, r, "rita", min_agree=2)
    assert walk.acceptable(review.load_review(disputed, 1), 2) == 0


def test_j_and_k_go_through_disagreements_and_every_stop(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    first = walk.step(r, None, +1)
    assert first is not None and first.id == "ents:12:19"  # Samsung is agreed: skipped
    assert walk.step(r, "ents:12:19", +1).id == "ents:24:30"  # type: ignore[union-attr]
    assert walk.step(r, "ents:41:50", +1) is None  # the end: no wrap
    assert walk.step(r, "ents:12:19", -1) is None
    assert walk.step(r, "ents:12:19", -1, every=True).id == "ents:0:7"  # type: ignore[union-attr]
    assert walk.step(r, None, -1).id == "ents:41:50"  # type: ignore[union-attr]


def test_next_open_wraps_and_skips_settled(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    review.take_version(disputed, r, "rita", "ents:24:30", "alice")
    r = review.load_review(disputed, 1)
    assert walk.next_open(r, "ents:24:30").id == "ents:41:50"  # type: ignore[union-attr]
    assert walk.next_open(r, "ents:41:50").id == "ents:12:19"  # type: ignore[union-attr]
    for d in r.open_disputes:
        review.reject_all(disputed, review.load_review(disputed, 1), "rita", d.id)
    assert walk.next_open(review.load_review(disputed, 1), None) is None


def test_a_gold_span_no_curator_marked_is_a_stop_of_its_own(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    review.add_gold(disputed, r, "rita", 54, 60, "ents", "DATE")  # "Monday"
    r = review.load_review(disputed, 1)
    stop = walk.resolve(r, "ents:54:60")
    assert stop is not None and not stop.options and not walk.is_disagreement(stop)
    assert [row.key for row in walk.rows(r, stop)] == [f"gold:{r.gold[0].annotation_id}"]
    # J skips it, Shift+J (every) reaches it
    assert walk.step(r, "ents:41:50", +1) is None
    assert walk.step(r, "ents:41:50", +1, every=True) == stop
    # resized ("Monday,"), it keeps being found from its old id
    review.resize_gold(disputed, r, "rita", r.gold[0].annotation_id, "right", +1, "char")
    r = review.load_review(disputed, 1)
    moved = walk.resolve(r, "ents:54:60")
    assert moved is not None and (moved.start, moved.end) == (54, 61)
    assert walk.stop_at(r, 56) == moved and walk.stop_at(r, 62) is None


def test_rows_say_who_said_what_and_show_the_reviewers_edits(disputed: Store) -> None:
    r = review.load_review(disputed, 1)
    hyundai = r.dispute("ents:12:19")
    rows = walk.rows(r, hyundai)
    assert [(x.sig.label, x.curators, x.state) for x in rows] == [
        ("ORG", ("alice", "bob"), "pending"),
        ("PRODUCT", ("carol",), "pending"),
    ]
    assert walk.default_row(rows) == rows[0]
    kazakh = r.dispute("ents:24:30")
    assert walk.nothing_from(kazakh) == ("bob",)
    review.take_version(disputed, r, "rita", hyundai.id, "carol")
    r = review.load_review(disputed, 1)
    rows = walk.rows(r, r.dispute(hyundai.id))
    product = walk.default_row(rows)
    assert product is not None and product.sig.label == "PRODUCT" and product.in_gold
    # an edit makes the gold span the reviewer's own: a row of its own, found by its id
    review.relabel_gold(disputed, r, "rita", product.gold_id, "FAC")  # type: ignore[arg-type]
    r = review.load_review(disputed, 1)
    rows = walk.rows(r, r.dispute(hyundai.id))
    assert [(x.sig.label, x.state) for x in rows] == [
        ("ORG", "rejected"),
        ("PRODUCT", "rejected"),
        ("FAC", "gold"),
    ]
    edited = walk.find_row(rows, product.key, product.gold_id)
    assert edited is not None and edited.sig.label == "FAC" and edited.curators == ()


def test_counts_follow_the_queue_after_each_action(store: Store, seeds_dir) -> None:  # type: ignore[no-untyped-def]
    """The queue row the window updates after an action equals a fresh queue's, with and
    without filters, as disputes get settled at random."""
    from annotator.core.importer import import_paths

    import_paths(store, [seeds_dir])
    three_curators(store)
    rng = random.Random(3)
    filters: list[dict] = [{}, {"label": "GPE"}, {"pair": ("alice", "bob")}]
    for doc_id in store.document_ids()[:2]:
        for _ in range(6):
            r = review.load_review(store, doc_id)
            for f in filters:
                fresh = {e.doc_id: e for e in review.review_queue(store, **f)}[doc_id]
                assert walk.updated_entry(fresh, r, **f) == fresh, f
            open_ = r.open_disputes
            if not open_:
                break
            d = rng.choice(open_)
            review.take_version(store, r, "rita", d.id, rng.choice(r.curators))
    assert store.annotations(1, GOLD)


def test_a_gold_span_resized_by_words_passes_over_a_comma(disputed: Store) -> None:
    """Review edges move as a curator's do: a word step never stops on a comma."""
    r = review.load_review(disputed, 1)
    review.add_gold(disputed, r, "rita", 54, 60, "ents", "DATE")
    r = review.load_review(disputed, 1)
    review.resize_gold(disputed, r, "rita", r.gold[0].annotation_id, "right", +1)
    assert [(a.start, a.end) for a in disputed.annotations(1, GOLD)] == [(54, 65)]
    with pytest.raises(ValueError, match="unit must be"):
        review.resize_gold(disputed, r, "rita", r.gold[0].annotation_id, "right", 1, "line")


def test_a_gold_figure_edited_as_the_figure_dialog_answers(store: Store) -> None:
    text = "Trade reached $6.1 billion in 2022."
    store.add_documents([NewDocument(text, "t", None, "s", {})])
    for who, value in (("alice", 6.1e9), ("bob", 6.1e6)):
        store.add_annotation(
            1, who, "figures", 14, 26, "money", "manual", attrs={"value": value, "unit": "USD"}
        )
        store.set_status(1, who, "done")
    r = review.load_review(store, 1)
    (d,) = r.disputes
    review.take_version(store, r, "rita", d.id, "alice")
    r = review.load_review(store, 1)
    gid = r.gold[0].annotation_id
    assert (
        review.edit_gold_figure(
            store, r, "rita", gid, value=6.1e9, unit="USD", value_max=None, kind="money"
        )
        is None
    )
    review.edit_gold_figure(
        store, r, "rita", gid, value=6.2e9, unit="USD", value_max=6.3e9, kind="count"
    )
    a = store.annotation(gid)
    assert (a.label, a.attrs) == ("count", {"value": 6.2e9, "unit": "USD", "value_max": 6.3e9})
    r = review.load_review(store, 1)
    review.edit_gold_figure(store, r, "rita", gid, value=6.2e9, unit="USD", value_max=None)
    assert "value_max" not in store.annotation(gid).attrs


def test_reload_gold_equals_a_full_load_after_any_action(store: Store, seeds_dir) -> None:  # type: ignore[no-untyped-def]
    """The window re-reads only the gold after an action (and after undo): the review it
    gets is the one `load_review` reads, for every kind of action and its undo."""
    from annotator.core.curation import revert
    from annotator.core.importer import import_paths

    import_paths(store, [seeds_dir])
    three_curators(store)
    rng = random.Random(5)
    doc_id = 1
    r = review.load_review(store, doc_id)
    changes = []
    for n in range(40):
        d = rng.choice([x for x in r.disputes if x.options])
        o = rng.choice(d.options)
        g = r.gold[0] if r.gold else None
        kind = n % 8
        if kind == 0:
            change = review.auto_accept(store, r, "rita", min_agree=2)
        elif kind == 1:
            change = review.take_version(store, r, "rita", d.id, rng.choice(r.curators))
        elif kind == 2:
            change = review.reject_all(store, r, "rita", d.id)
        elif kind == 3:
            change = review.accept_option(store, r, "rita", d.id, o.key)
        elif kind == 4 and g is not None:
            change = review.relabel_gold(store, r, "rita", g.annotation_id, "FAC")
        elif kind == 5 and g is not None:
            change = review.resize_gold(store, r, "rita", g.annotation_id, "right", 1)
        elif kind == 6:
            change = review.mark_done(store, r, "rita")
        elif changes:
            change = None
            revert(store, changes.pop())
        else:
            change = review.settle(store, r, "rita", d.id)
        if change is not None:
            changes.append(change)
        fresh = review.load_review(store, doc_id)
        assert review.reload_gold(store, r) == fresh, (n, kind)
        r = fresh
    assert r.gold


def test_stops_cover_every_dispute_and_every_gold_span(store: Store, seeds_dir) -> None:  # type: ignore[no-untyped-def]
    """Every gold span is in exactly the stops it overlaps; gold spans outside every
    dispute are stops of their own (checked the plain way, on random gold)."""
    from annotator.core.importer import import_paths
    from annotator.core.offsets import token_bounds

    import_paths(store, [seeds_dir])
    three_curators(store)
    rng = random.Random(9)
    text = store.document(2).text
    tokens = token_bounds(text)
    r = review.load_review(store, 2)
    for _ in range(25):
        i = rng.randrange(len(tokens) - 2)
        start, end = tokens[i][0], tokens[i + rng.randrange(1, 3)][1]
        review.add_gold(store, r, "rita", start, end, "ents", rng.choice(["FAC", "EVENT"]))
        r = review.load_review(store, 2)
    found = walk.stops(r)
    assert [d for d in found if d.options] == list(r.disputes)
    for g in r.gold:
        s = g.sig
        overlapping = [
            d for d in found if d.layer == s.layer and d.start < s.end and d.end > s.start
        ]
        assert overlapping, s
        in_dispute = any(d.start < s.end and d.end > s.start for d in r.disputes)
        assert in_dispute or any(not d.options for d in overlapping)
    lone = [d for d in found if not d.options]
    assert lone and all(a.end <= b.start for a, b in itertools.pairwise(lone))
