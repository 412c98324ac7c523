from __future__ import annotations

import pytest

from annotator.core.pieces import split_text


def _check(text: str, size: int) -> list[tuple[int, str]]:
    pieces = split_text(text, size)
    assert "".join(p for _, p in pieces) == text
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece
        assert 0 < len(piece) <= size or text == ""
    return pieces


def test_short_text_is_one_piece() -> None:
    assert split_text("Astana and Seoul.", 100) == [(0, "Astana and Seoul.")]
    assert split_text("", 100) == [(0, "")]


def test_cuts_at_paragraph_breaks_first() -> None:
    para = "🇰🇿 Trade reached $6.1 billion in 2022. Tokayev met Yoon in Seoul.\nA second line."
    text = "\n\n".join([para] * 40)
    pieces = _check(text, 1000)
    assert len(pieces) > 1
    # every piece but the last ends with the blank line, so it starts a paragraph
    assert all(p.endswith("\n\n") for _, p in pieces[:-1])
    assert all(p.startswith("🇰🇿") for _, p in pieces)


def test_a_paragraph_longer_than_a_piece_is_cut_after_a_sentence() -> None:
    text = "Kazakhstan and Korea agreed on 15 flights per week. " * 100 + "\r\n\r\nEnd."
    pieces = _check(text, 700)
    assert all(p.endswith("week. ") for _, p in pieces[:-2])


@pytest.mark.parametrize(
    "text",
    [
        "x" * 2501,  # no boundary at all: hard cuts
        "词" * 1500 + "。" + "语" * 1500,  # CJK: a sentence end without a space
        "word " * 600,
        "\r\n" * 1500,
    ],
)
def test_any_text_is_covered_exactly(text: str) -> None:
    pieces = _check(text, 1000)
    assert len(pieces) >= 2


def test_cjk_text_is_cut_after_a_full_stop() -> None:
    text = "词" * 900 + "。" + "语" * 900
    ((_, first), _) = split_text(text, 1000)
    assert first.endswith("。")


def test_size_must_leave_room() -> None:
    with pytest.raises(ValueError):
        split_text("abc", 1)
