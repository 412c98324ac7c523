"""Offsets: code points (how the project stores them) <-> UTF-16 code units (how Qt
counts), and snapping character spans to token boundaries.

Every conversion between code points and UTF-16 goes through `OffsetMap`; nothing
else in the project does that arithmetic.
"""

from __future__ import annotations

import bisect
import re
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


# Close to spaCy's English tokenizer for snapping purposes: numbers with their
# separators, words with inner apostrophes, and every other non-space character alone.
_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*|\w+|\S", re.UNICODE)


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


def resize_span(
    tokens: Sequence[tuple[int, int]], start: int, end: int, side: str, delta: int
) -> tuple[int, int]:
    """Move the `side` ("left" or "right") edge of a span by `delta` tokens (+1 widens,
    -1 narrows). A span never shrinks below one token nor leaves the text."""
    snapped = snap_to_tokens(tokens, start, end)
    if snapped is None:
        return start, end
    starts = [t[0] for t in tokens]
    ends = [t[1] for t in tokens]
    first = bisect.bisect_left(starts, snapped[0])
    last = bisect.bisect_left(ends, snapped[1])
    if side == "left":
        first = min(max(first - delta, 0), last)
    elif side == "right":
        last = max(min(last + delta, len(tokens) - 1), first)
    else:
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    return tokens[first][0], tokens[last][1]


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space from both ends of a span."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
