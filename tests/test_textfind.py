"""Find in text (core, no Qt): where typed text matches, and which match comes next."""

from __future__ import annotations

from annotator.core.textfind import find_matches, match_from

TEXT = "Tokayev met Kazakh-Korean envoys.\nSouth Korea's Park said KOREA and Korea."


def starts(query: str) -> list[str]:
    return [TEXT[a:b] for a, b in find_matches(TEXT, query)]


def test_matches_start_words_and_ignore_case_unless_a_capital_is_typed() -> None:
    assert starts("kor") == ["Kor", "Kor", "KOR", "Kor"]  # not the "kay" of Tokayev
    assert starts("ka") == ["Kaz"[:2]]
    assert starts("Korea") == ["Korea", "Korea", "Korea"]  # a capital: case-sensitive
    assert starts("KOREA") == ["KOREA"]


def test_white_space_in_the_query_matches_any_white_space() -> None:
    assert starts("envoys. south") == ["envoys.\nSouth"]


def test_falls_back_to_matches_inside_words() -> None:
    assert starts("ayev") == ["ayev"]
    assert starts("zzz") == [] and starts("   ") == []


def test_match_from_goes_forward_or_back_from_the_caret_and_wraps() -> None:
    matches = find_matches(TEXT, "kor")
    first = matches[0][0]
    assert match_from(matches, 0) == 0
    assert match_from(matches, first) == 1  # a match at the caret comes last
    assert match_from(matches, len(TEXT)) == 0  # wraps round
    assert match_from(matches, first, backward=True) == len(matches) - 1
    assert match_from(matches, matches[2][0], backward=True) == 1
