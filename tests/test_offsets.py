from __future__ import annotations

import pytest

from annotator.core.offsets import OffsetMap, resize_span, snap_to_tokens, strip_span, token_bounds

TEXT = "🚀 Trade hit $6.1 billion 🇰🇿, up 19.5% 😀"


def test_utf16_round_trip_around_astral_characters() -> None:
    m = OffsetMap(TEXT)
    assert m.utf16_length == len(TEXT.encode("utf-16-le")) // 2
    for cp in range(len(TEXT) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == len(TEXT[:cp].encode("utf-16-le")) // 2
        assert m.to_cp(u16) == cp


def test_utf16_offset_inside_a_surrogate_pair_snaps_to_character_start() -> None:
    m = OffsetMap("a😀b")
    assert [m.to_cp(u) for u in range(5)] == [0, 1, 1, 2, 3]


@pytest.mark.parametrize("bad", [-1, len(TEXT) + 1])
def test_out_of_range_offsets_raise(bad: int) -> None:
    with pytest.raises(IndexError):
        OffsetMap(TEXT).to_utf16(bad)


def test_span_text_is_the_same_seen_from_qt() -> None:
    start = TEXT.index("$6.1")
    end = start + len("$6.1 billion")
    m = OffsetMap(TEXT)
    as_utf16 = TEXT.encode("utf-16-le")
    qt_slice = as_utf16[2 * m.to_utf16(start) : 2 * m.to_utf16(end)].decode("utf-16-le")
    assert qt_slice == "$6.1 billion"


def test_tokens_and_snapping() -> None:
    text = "Kazakh President Kassym-Jomart Tokayev met 740 Korean companies."
    tokens = token_bounds(text)
    # a sloppy selection "dent Kassym-Jo" snaps to whole tokens
    s = text.index("dent")
    e = text.index("Jomart") + 2
    assert text[slice(*snap_to_tokens(tokens, s, e))] == "President Kassym-Jomart"
    assert snap_to_tokens(tokens, 6, 7) is None  # only the space
    s, e = text.index("740"), text.index("740") + 3
    assert text[slice(*resize_span(tokens, s, e, "right", 1))] == "740 Korean"
    assert text[slice(*resize_span(tokens, s, e, "left", 1))] == "met 740"
    assert text[slice(*resize_span(tokens, s, e, "right", -1))] == "740"  # never empty
    assert token_bounds("$6.1 billion, 19.5%") == [
        (0, 1),
        (1, 4),
        (5, 12),
        (12, 13),
        (14, 18),
        (18, 19),
    ]


def test_strip_span() -> None:
    assert strip_span("  Astana  ", 0, 10) == (2, 8)
