"""The curation state and actions, without Qt: merge, every action, undo and redo as writes."""

from __future__ import annotations

import pytest

from annotator.core import curation
from annotator.core.model import span_key
from annotator.core.store import NewDocument, Store, SuggestionDraft

TEXT = "Samsung paid $6.1 billion to Kazakhstan 🇰🇿 in 2022, said Park Jin 😀."


def _doc(store: Store, text: str = TEXT, title: str = "T") -> int:
    return store.add_documents([NewDocument(text, title, "2023-06-01", "t.txt", {})])[0]


def _span(text: str, part: str, layer: str, label: str, **attrs: object) -> SuggestionDraft:
    start = text.index(part)
    return SuggestionDraft(layer, start, start + len(part), label, dict(attrs))


@pytest.fixture
def doc(store: Store) -> int:
    doc_id = _doc(store)
    store.replace_suggestions(
        doc_id,
        "m",
        "1",
        [
            _span(TEXT, "Samsung", "ents", "ORG"),
            _span(TEXT, "$6.1 billion", "ents", "MONEY"),
            _span(TEXT, "$6.1 billion", "figures", "money", value=6.1e9, unit="USD"),
            _span(TEXT, "Kazakhstan", "ents", "GPE"),
            _span(TEXT, "Park Jin", "ents", "PERSON"),
            SuggestionDraft("ents", 60, 500, "ORG", {}),  # does not fit the text
        ],
    )
    return doc_id


def _state(store: Store, doc_id: int) -> curation.DocState:
    return curation.load(store, doc_id, "ann")


def _find(state: curation.DocState, text: str, layer: str = "ents") -> curation.SpanItem:
    return next(it for it in state.items if it.text == text and it.layer == layer)


def test_load_merges_in_text_order_and_lists_invalid(store: Store, doc: int) -> None:
    st = _state(store, doc)
    assert [it.text for it in st.items if it.drawable] == [
        "Samsung",
        "$6.1 billion",
        "$6.1 billion",
        "Kazakhstan",
        "Park Jin",
    ]
    invalid = [it for it in st.items if it.state == "invalid"]
    assert len(invalid) == 1 and "do not fit" in (invalid[0].problem or "")
    assert st.open_count == 5
    assert st.status == "open"


def test_accept_writes_and_undo_is_a_write(store: Store, doc: int) -> None:
    st = _state(store, doc)
    change = curation.accept(store, st, _find(st, "Samsung"))
    assert change is not None
    anns = store.annotations(doc, "ann")
    assert [(a.label, a.origin, a.source_key) for a in anns] == [
        ("ORG", "accepted", span_key("ents", 0, 7, "ORG"))
    ]
    assert store.status(doc, "ann") == "in_progress"
    st = _state(store, doc)
    assert _find(st, "Samsung").state == "accepted"
    assert st.resolve(change.focus) == _find(st, "Samsung")

    redo = curation.revert(store, change)
    assert store.annotations(doc, "ann") == []
    assert store.status(doc, "ann") == "open"
    assert _find(_state(store, doc), "Samsung").state == "suggested"

    again = curation.revert(store, redo)
    assert [a.origin for a in store.annotations(doc, "ann")] == ["accepted"]
    assert store.status(doc, "ann") == "in_progress"
    curation.revert(store, again)
    assert store.annotations(doc, "ann") == []
    actions = [r[0] for r in store.conn.execute("SELECT action FROM events ORDER BY id")]
    assert actions.count("add") == 2 and actions.count("delete") == 2


def test_reject_restore_and_reject_of_accepted(store: Store, doc: int) -> None:
    st = _state(store, doc)
    item = _find(st, "Kazakhstan")
    curation.reject(store, st, item)
    st = _state(store, doc)
    assert _find(st, "Kazakhstan").state == "rejected"
    assert store.rejected_keys(doc, "ann") == {item.source_key}
    # Rejecting a rejected one restores it.
    curation.reject(store, st, _find(st, "Kazakhstan"))
    assert _find(_state(store, doc), "Kazakhstan").state == "suggested"

    st = _state(store, doc)
    curation.accept(store, st, _find(st, "Samsung"))
    st = _state(store, doc)
    change = curation.reject(store, st, _find(st, "Samsung"))
    assert store.annotations(doc, "ann") == []
    assert _find(_state(store, doc), "Samsung").state == "rejected"
    assert change is not None
    curation.revert(store, change)
    assert _find(_state(store, doc), "Samsung").state == "accepted"


def test_rejection_survives_a_model_rerun(store: Store, doc: int) -> None:
    st = _state(store, doc)
    curation.reject(store, st, _find(st, "Samsung"))
    store.replace_suggestions(doc, "m", "2", [_span(TEXT, "Samsung", "ents", "ORG")])
    assert _find(_state(store, doc), "Samsung").state == "rejected"


def test_accept_all_leaves_rejected_alone_and_undoes_in_one_step(store: Store, doc: int) -> None:
    st = _state(store, doc)
    curation.reject(store, st, _find(st, "Park Jin"))
    st = _state(store, doc)
    change = curation.accept_all(store, st)
    assert change is not None and "4" in change.text
    st = _state(store, doc)
    assert st.open_count == 0
    assert _find(st, "Park Jin").state == "rejected"
    assert len(store.annotations(doc, "ann")) == 4
    curation.revert(store, change)
    assert store.annotations(doc, "ann") == []
    assert curation.accept_all(store, _state(store, doc)) is not None
    assert curation.accept_all(store, _state(store, doc)) is None


def test_relabel_suggestion_and_annotation(store: Store, doc: int) -> None:
    st = _state(store, doc)
    change = curation.relabel(store, st, _find(st, "Kazakhstan"), "LOC")
    assert change is not None
    (a,) = store.annotations(doc, "ann")
    assert (a.label, a.origin, a.source_key) == (
        "LOC",
        "corrected",
        span_key("ents", a.start, a.end, "GPE"),
    )
    assert change.focus == f"a{a.id}"
    st = _state(store, doc)
    item = _find(st, "Kazakhstan")
    assert item.state == "corrected"
    # The suggestion it came from is not listed a second time.
    assert [it.text for it in st.items].count("Kazakhstan") == 1
    curation.relabel(store, st, item, "GPE")
    assert store.annotations(doc, "ann")[0].label == "GPE"
    # Accepted then relabelled becomes corrected.
    curation.accept(store, st, _find(st, "Samsung"))
    st = _state(store, doc)
    curation.relabel(store, st, _find(st, "Samsung"), "PERSON")
    ann = next(a for a in store.annotations(doc, "ann") if a.start == 0)
    assert (ann.label, ann.origin) == ("PERSON", "corrected")


def test_resize_by_tokens(store: Store, doc: int) -> None:
    st = _state(store, doc)
    change = curation.resize(store, st, _find(st, "Park Jin"), "left", +1)
    assert change is not None
    st = _state(store, doc)
    item = next(it for it in st.items if it.state == "corrected")
    assert item.text == "said Park Jin"
    curation.resize(store, st, item, "right", +1)
    st = _state(store, doc)
    assert st.item(item.id).text == "said Park Jin 😀"  # type: ignore[union-attr]
    curation.resize(store, st, st.item(item.id), "left", -1)  # type: ignore[arg-type]
    st = _state(store, doc)
    assert st.item(item.id).text == "Park Jin 😀"  # type: ignore[union-attr]
    # Never below one token.
    one = _find(st, "Samsung")
    assert curation.resize(store, st, one, "right", -1) is None


def test_create_snaps_to_tokens_and_exact_variant(store: Store, doc: int) -> None:
    st = _state(store, doc)
    start = TEXT.index("in 2022") + 4  # inside "2022"
    change = curation.create(store, st, start, start + 1, "ents", "DATE")
    assert change is not None
    a = store.annotations(doc, "ann")[0]
    assert (TEXT[a.start : a.end], a.origin) == ("2022", "manual")
    st = _state(store, doc)
    k = TEXT.index("Kazakhstan")
    curation.create(store, st, k + 1, k + 5, "ents", "GPE", exact=True)
    texts = {TEXT[a.start : a.end] for a in store.annotations(doc, "ann")}
    assert "azak" in texts
    # White space alone makes no span.
    assert curation.create(store, _state(store, doc), 7, 8, "ents", "ORG") is None
    # A selection that matches a suggestion accepts it rather than adding a duplicate.
    st = _state(store, doc)
    curation.create(store, st, 0, 3, "ents", "ORG")
    sam = next(a for a in store.annotations(doc, "ann") if a.start == 0)
    assert sam.origin == "accepted"


def test_resize_by_characters(store: Store, doc: int) -> None:
    st = _state(store, doc)
    change = curation.resize(store, st, _find(st, "Kazakhstan"), "right", -1, "char")
    assert change is not None
    (a,) = store.annotations(doc, "ann")
    assert (TEXT[a.start : a.end], a.origin) == ("Kazakhsta", "corrected")
    st = _state(store, doc)
    curation.resize(store, st, st.item(f"a{a.id}"), "right", +2, "char")  # type: ignore[arg-type]
    assert TEXT[slice(*_extent(store, doc))] == "Kazakhstan 🇰🇿"  # the flag is one step
    with pytest.raises(ValueError, match="unit"):
        curation.resize(store, st, _find(st, "Samsung"), "left", 1, "word")


def _extent(store: Store, doc: int) -> tuple[int, int]:
    (a,) = store.annotations(doc, "ann")
    return a.start, a.end


def test_adding_a_span_over_the_words_of_another_relabels_it(store: Store, doc: int) -> None:
    st = _state(store, doc)
    k = TEXT.index("Kazakhstan")
    # the model said GPE: adding those words as LOC corrects it, no second span on top
    curation.create(store, st, k, k + len("Kazakhstan"), "ents", "LOC")
    (a,) = store.annotations(doc, "ann")
    assert (a.label, a.origin) == ("LOC", "corrected")
    assert a.source_key == span_key("ents", k, k + len("Kazakhstan"), "GPE")
    st = _state(store, doc)
    assert [(it.label, it.state) for it in st.items if it.text == "Kazakhstan"] == [
        ("LOC", "corrected")
    ]
    # the same on a decided span; the same label again adds nothing
    curation.create(store, st, k, k + len("Kazakhstan"), "ents", "GPE")
    assert [(a.label, a.origin) for a in store.annotations(doc, "ann")] == [("GPE", "corrected")]
    assert curation.create(store, _state(store, doc), k, k + 10, "ents", "GPE") is None


def test_create_figure_parses_amount(store: Store, doc: int) -> None:
    pytest.importorskip("annotator.core.figures")
    text = "Exports grew to 172.2 million US dollars."
    doc_id = _doc(store, text)
    st = _state(store, doc_id)
    s = text.index("172.2")
    curation.create(store, st, s, len(text) - 1, "figures", "money")
    (a,) = store.annotations(doc_id, "ann")
    assert a.attrs["value"] == pytest.approx(172.2e6)
    assert a.attrs["unit"] == "USD"


def test_delete_annotation_rejects_its_suggestion_and_undo_restores_id(
    store: Store, doc: int
) -> None:
    st = _state(store, doc)
    curation.accept(store, st, _find(st, "Samsung"))
    st = _state(store, doc)
    item = _find(st, "Samsung")
    change = curation.delete(store, st, item)
    assert change is not None
    assert store.annotations(doc, "ann") == []
    assert _find(_state(store, doc), "Samsung").state == "rejected"
    curation.revert(store, change)
    (a,) = store.annotations(doc, "ann")
    assert f"a{a.id}" == item.id
    assert store.rejected_keys(doc, "ann") == set()


def test_edit_figure_value_unit_kind(store: Store, doc: int) -> None:
    st = _state(store, doc)
    fig = _find(st, "$6.1 billion", "figures")
    change = curation.edit_figure(store, st, fig, value=6.2e9, unit="USD", kind="money")
    assert change is not None
    (a,) = store.annotations(doc, "ann")
    assert (a.layer, a.origin, a.attrs["value"], a.label) == (
        "figures",
        "corrected",
        6.2e9,
        "money",
    )
    st = _state(store, doc)
    curation.edit_figure(store, st, st.item(f"a{a.id}"), value=2.0, unit="times", kind="multiplier")  # type: ignore[arg-type]
    a = store.annotation(a.id)
    assert (a.label, a.attrs["unit"]) == ("multiplier", "times")
    assert curation.edit_figure(store, st, _find(st, "Samsung"), value=1, unit=None) is None


def test_done_skip_and_next_open_document(store: Store, doc: int) -> None:
    other = _doc(store, "Another text about Almaty.", "Other")
    third = _doc(store, "A third text.", "Third")
    st = _state(store, doc)
    change = curation.mark_done(store, st)
    assert change is not None and store.status(doc, "ann") == "done"
    assert curation.next_open_document(store, "ann", doc) == other
    curation.skip(store, _state(store, other))
    assert curation.next_open_document(store, "ann", other) == third
    curation.mark_done(store, _state(store, third))
    assert curation.next_open_document(store, "ann", third) is None
    curation.revert(store, change)
    assert store.status(doc, "ann") == "open"
    assert curation.next_open_document(store, "ann", third) == doc  # wraps round


def test_next_open_span_wraps(store: Store, doc: int) -> None:
    st = _state(store, doc)
    first = st.next_open(None)
    assert first is not None and first.text == "Samsung"
    last = _find(st, "Park Jin")
    assert st.next_open(last.id) == first


def test_count_listed_matches_list_documents(store: Store, doc: int) -> None:
    other = _doc(store, "Another text about Almaty.", "Other")
    store.set_status(other, "ann", "done")
    assert store.count_listed("ann") == 2
    assert store.count_listed("ann", status="done") == 1
    assert store.count_listed("ann", search="Almaty") == 1
    assert store.count_listed("ann", before_id=other) == 1
    assert store.count_listed("ann", search='"unterminated') == 0  # plain words never fail
    with pytest.raises(ValueError):
        store.count_listed("ann", search='fts:"unterminated')


def test_format_figure() -> None:
    assert curation.format_figure({"value": 6.1e9, "unit": "USD"}) == "6.1 bn USD"
    assert curation.format_figure({"value": 172.2e6, "unit": "USD"}) == "172.2 M USD"
    assert curation.format_figure({"value": 19.5, "unit": "%"}) == "19.5%"
    assert curation.format_figure({"value": 740, "unit": "companies"}) == "740 companies"
    assert (
        curation.format_figure({"value": 15, "unit": "flights", "rate": "per week", "bound": ">"})
        == "> 15 flights per week"
    )
    assert curation.format_figure({"value": 1e9, "value_max": 2e9, "unit": "USD", "approx": True})
    assert curation.format_figure({}) == ""
