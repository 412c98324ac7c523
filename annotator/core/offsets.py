"""Offsets: code points (how the project stores them) <-> UTF-16 code units (how Qt
counts), and snapping character spans to token boundaries.

Every conversion between code points and UTF-16 goes through `OffsetMap`; nothing
else in the project does that arithmetic.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets into one text between code points and UTF-16 code units.

    Characters outside the Basic Multilingual Plane (emoji, some CJK, math letters)
    take two UTF-16 code units and one code point. Texts without any convert as the
    identity, at no cost.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # Code-point positions of astral characters, ascending.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 positions where each astral character starts.
        self._astral16 = [cp + n for n, cp in enumerate(self._astral)]

    @property
    def utf16_length(self) -> int:
        return len(self.text) + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code-point offset `cp` (0 <= cp <= len(text))."""
        if not 0 <= cp <= len(self.text):
            raise IndexError(f"offset {cp} outside text of length {len(self.text)}")
        return cp + bisect.bisect_left(self._astral, cp)

    def to_cp(self, u16: int) -> int:
        """Code-point offset of UTF-16 offset `u16`. An offset that falls between the two
        halves of a surrogate pair is moved to the start of that character."""
        if not 0 <= u16 <= self.utf16_length:
            raise IndexError(f"UTF-16 offset {u16} outside text of length {self.utf16_length}")
        n = bisect.bisect_right(self._astral16, u16 - 1)
        if n and self._astral16[n - 1] == u16 - 1:
            # inside a surrogate pair: snap back to the character's start
            return self._astral[n - 1]
        return u16 - n


# Close to spaCy's English tokenizer for snapping purposes: abbreviations with dots
# ("U.S."), numbers with their separators, words with inner apostrophes ("O'Brien"), the
# clitics spaCy splits off as tokens of their own (possessive "'s", "n't", "'ll"...), and
# every other non-space character alone (so "Kazakh-Korean" is three tokens).
_CLITIC = r"(?:['’](?:s|S|d|D|m|M|ll|LL|re|RE|ve|VE)|[nN]['’][tT])(?![^\W\d_])"
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    r"|\d+(?:[.,:/]\d+)*"
    rf"|(?:(?!{_CLITIC})[^\W\d_])+(?:(?!{_CLITIC})['’][^\W\d_]+)*"
    rf"|{_CLITIC}"
    r"|\w+|\S",
    re.UNICODE,
)


def token_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of the tokens of `text`."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def snap_to_tokens(
    tokens: Sequence[tuple[int, int]], start: int, end: int
) -> tuple[int, int] | None:
    """Widen [start, end) to whole tokens. Returns None when the selection touches no
    token (only white space)."""
    if start > end:
        start, end = end, start
    starts = [t[0] for t in tokens]
    first = bisect.bisect_right(starts, start) - 1
    if first < 0 or tokens[first][1] <= start:
        first += 1
    last = bisect.bisect_left(starts, end) - 1
    if first >= len(tokens) or last < first:
        return None
    return tokens[first][0], tokens[last][1]


# Punctuation a span edge does not stop on when it moves by tokens. Narrowing steps
# over hyphens, dashes, brackets, quotes, commas, colons and semicolons ("Kazakh-South
# Korean" narrows to "Kazakh-South", then to "Kazakh"); widening steps over hyphens,
# dashes and commas ("Kazakh" widens to "Kazakh-South") but stops at a bracket or quote,
# which a title may need. Full stops, per cent signs and currency symbols are kept
# ("U.S.", "19.5%", "$6.1"); the character steps reach any other edge.
_PUNCT_CATEGORIES = ("Pd", "Ps", "Pe", "Pi", "Pf")
_PUNCT_CHARS = frozenset(",;:'\"")
_WIDEN_OVER = frozenset(",;")


def _dangling(text: str, token: tuple[int, int], widening: bool) -> bool:
    piece = text[token[0] : token[1]]
    if not piece:
        return False
    if widening:
        return all(c in _WIDEN_OVER or unicodedata.category(c) == "Pd" for c in piece)
    return all(c in _PUNCT_CHARS or unicodedata.category(c) in _PUNCT_CATEGORIES for c in piece)


def resize_span(
    tokens: Sequence[tuple[int, int]],
    start: int,
    end: int,
    side: str,
    delta: int,
    text: str | None = None,
) -> tuple[int, int]:
    """Move the `side` ("left" or "right") edge of a span by `delta` tokens (+1 widens,
    -1 narrows); the other edge stays where it is. An edge inside a token first moves
    to that token's boundary. A span never shrinks below one token nor leaves the text.
    Given the `text`, an edge that would stop on punctuation nobody wants at a span's
    edge (a hyphen, a comma; narrowing, also a quote or bracket) moves one token
    further, and a step that would leave only punctuation is not taken."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    starts = [t[0] for t in tokens]
    ends = [t[1] for t in tokens]
    widen = delta > 0
    for _ in range(abs(delta)):
        new = _edge_step(tokens, starts, ends, start, end, side, widen, text)
        if new is None:
            break
        start, end = new
    return start, end


def _edge_step(
    tokens: Sequence[tuple[int, int]],
    starts: list[int],
    ends: list[int],
    start: int,
    end: int,
    side: str,
    widen: bool,
    text: str | None,
) -> tuple[int, int] | None:
    """One token step of one edge, or None when the edge cannot move."""
    s, e = start, end
    for _ in range(len(tokens)):
        if side == "left":
            if widen:
                i = bisect.bisect_left(starts, s) - 1  # the last token start before s
                if i < 0:
                    return None
                s = starts[i]
            else:
                i = bisect.bisect_right(starts, s)  # the first token start after s
                if i >= len(starts) or starts[i] >= e:
                    return None
                s = starts[i]
            edge = tokens[i]
        else:
            if widen:
                i = bisect.bisect_right(ends, e)  # the first token end after e
                if i >= len(ends):
                    return None
                e = ends[i]
            else:
                i = bisect.bisect_left(ends, e) - 1  # the last token end before e
                if i < 0 or ends[i] <= s:
                    return None
                e = ends[i]
            edge = tokens[i]
        if text is None or not _dangling(text, edge, widen):
            break
    inside = tokens[bisect.bisect_left(starts, s) : bisect.bisect_right(ends, e)]
    if text is not None and not widen and all(_dangling(text, t, False) for t in inside):
        return None  # a span of punctuation alone is never the goal
    return s, e


def _joins_previous(c: str) -> bool:
    """A code point drawn as part of the character before it: combining marks, variation
    selectors, the zero-width joiner and skin-tone modifiers."""
    return (
        unicodedata.category(c) in ("Mn", "Me", "Mc")
        or c in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= c <= "\U0001f3ff"
    )


def _regional(c: str) -> bool:
    return "\U0001f1e6" <= c <= "\U0001f1ff"


def char_boundaries(text: str, start: int, end: int) -> list[int]:
    """Offsets in [start, end] where a span edge may sit without splitting what shows as
    one character (an accented letter written with a combining mark, an emoji with a
    modifier or joiner, a flag made of two regional indicators)."""
    out: list[int] = []
    run = 0  # regional indicators in a row so far
    for i in range(start, end + 1):
        if i == 0 or i == len(text):
            out.append(i)
            run = 0
            continue
        prev, c = text[i - 1], text[i]
        run = run + 1 if _regional(prev) else 0
        if _joins_previous(c) or prev == "\u200d":
            continue
        if _regional(prev) and _regional(c) and run % 2 == 1:
            continue
        out.append(i)
    return out


def resize_span_chars(text: str, start: int, end: int, side: str, delta: int) -> tuple[int, int]:
    """Move the `side` edge of a span by `delta` characters (+1 widens, -1 narrows), for
    the edges tokens do not reach ("Koreans'", "U.S", a stray quote). The edge passes
    over white space rather than stop on it; a span never becomes empty nor leaves the
    text, and never splits a character drawn from several code points."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    lo = max(0, start - 64)
    hi = min(len(text), end + 64)
    marks = char_boundaries(text, lo, hi)
    for _ in range(abs(delta)):
        widen = delta > 0
        if side == "left":
            new = _next_mark(marks, start, -1 if widen else +1)
            while new is not None and 0 <= new < len(text) and text[new].isspace():
                new = _next_mark(marks, new, -1 if widen else +1)
            if new is None or new >= end:
                break
            start = new
        else:
            new = _next_mark(marks, end, +1 if widen else -1)
            while new is not None and 0 < new <= len(text) and text[new - 1].isspace():
                new = _next_mark(marks, new, +1 if widen else -1)
            if new is None or new <= start:
                break
            end = new
    return start, end


def _next_mark(marks: Sequence[int], at: int, direction: int) -> int | None:
    i = bisect.bisect_left(marks, at)
    if direction > 0:
        j = i + 1 if i < len(marks) and marks[i] == at else i
        return marks[j] if j < len(marks) else None
    return marks[i - 1] if i > 0 else None


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space from both ends of a span."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
