from __future__ import annotations

import pytest

from annotator.core.offsets import (
    OffsetMap,
    resize_span,
    resize_span_chars,
    snap_to_tokens,
    strip_span,
    token_bounds,
)

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


def test_tokens_split_clitics_like_spacy_and_keep_abbreviations() -> None:
    def words(text: str) -> list[str]:
        return [text[a:b] for a, b in token_bounds(text)]

    assert words("South Korea's ties") == ["South", "Korea", "'s", "ties"]
    assert words("KOREA’S O'Brien's don't") == ["KOREA", "’S", "O'Brien", "'s", "do", "n't"]
    assert words("Koreans' U.S. officials") == ["Koreans", "'", "U.S.", "officials"]
    assert words("Kazakh-South Korean") == ["Kazakh", "-", "South", "Korean"]


@pytest.mark.parametrize(
    ("text", "span", "side", "delta", "expected"),
    [
        # a possessive is a token of its own: one step takes it off
        ("met South Korea's envoy", "South Korea's", "right", -1, "South Korea"),
        # a hyphen is never left at an edge: narrowing passes over it
        ("the Kazakh-South Korean ties", "Kazakh-South Korean", "right", -2, "Kazakh"),
        ("the Kazakh-South Korean ties", "Kazakh-South Korean", "left", -1, "South Korean"),
        ("the Kazakh-South Korean ties", "Kazakh", "right", +1, "Kazakh-South"),
        # an opening quote goes with the word narrowed away
        ("the Korean “System of Labor Permits”.", "Korean “System of Labor Permits",
         "left", -1, "System of Labor Permits"),
        # widening stops at a closing quote (a title may want it), never after it
        ("the Korean “System of Labor Permits”.", "System of Labor Permits",
         "right", +1, "System of Labor Permits”"),
        ("said Tokayev, who", "Tokayev", "right", +1, "Tokayev, who"),
        # per cent signs and currency symbols stay
        ("up 19.5% growth", "19.5% growth", "right", -1, "19.5%"),
        ("paid $6.1 billion", "6.1 billion", "left", +1, "$6.1 billion"),
        # a span never shrinks to punctuation alone or to nothing
        ("the Kazakh-South ties", "Kazakh", "right", -1, "Kazakh"),
    ],
)  # fmt: skip
def test_token_steps(text: str, span: str, side: str, delta: int, expected: str) -> None:
    s = text.index(span)
    start, end = resize_span(token_bounds(text), s, s + len(span), side, delta, text)
    assert text[start:end] == expected


@pytest.mark.parametrize(
    ("text", "span", "side", "delta", "expected"),
    [
        ("the Koreans' ties", "Koreans'", "right", -1, "Koreans"),
        ("the U.S. embassy", "U.S", "right", +1, "U.S."),
        ("a “quote”", "“quote”", "left", -1, "quote”"),
        ("South Korea said", "Korea", "left", +1, "h Korea"),  # over the space, one letter
        ("x", "x", "right", -1, "x"),  # never empty
        ("x", "x", "right", +1, "x"),  # never past the end
        # characters drawn from several code points move as one
        ("Seoul 🇰🇷 flag", "Seoul", "right", +1, "Seoul 🇰🇷"),
        ("Seoul 🇰🇷 flag", "Seoul 🇰🇷", "right", -1, "Seoul"),
        ("Cafe\u0301 du", "Cafe\u0301", "right", -1, "Caf"),
        ("a 👍🏽 b", "a 👍🏽", "right", -1, "a"),
    ],
)
def test_character_steps(text: str, span: str, side: str, delta: int, expected: str) -> None:
    s = text.index(span)
    start, end = resize_span_chars(text, s, s + len(span), side, delta)
    assert text[start:end] == expected
