"""Cutting a text too long for a spaCy pipeline into pieces at natural boundaries.

spaCy refuses texts over `nlp.max_length` (E088; 1,000,000 characters by default), and
its parser and entity recogniser need memory in proportion to the text they are given.
`split_text` cuts such a text into pieces of at most `size` code points, preferring a
paragraph break, then a line break, then the end of a sentence, then any white space;
only a stretch with none of these is cut hard. The pieces, joined, are the text again,
and each carries its offset, so spans found in a piece shift back to exact offsets in
the whole text.
"""

from __future__ import annotations

import re

# spaCy's default `Language.max_length`: the size over which `import` warns that a
# document will be suggested in pieces (the model's own limit is only known in suggest).
SPACY_MAX_LENGTH = 1_000_000

# The size of the pieces a too-long document is cut into: what spaCy's E088 message
# names as needing about 1 GB of parser memory, so a giant document costs no more
# memory than an ordinary long article.
PIECE_CHARS = 100_000

# Boundaries to cut after, best first; a cut lands after the whole match.
_BOUNDARIES = (
    re.compile(r"\n[^\S\n]*\n\s*"),  # a blank line: a paragraph break
    re.compile(r"\n\s*"),  # a line break
    re.compile(r"[.!?…][\"'”’)\]]*\s+|[。！？]"),  # the end of a sentence
    re.compile(r"\s+"),  # any white space
)


def split_text(text: str, size: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering `text` in order, each piece at most `size` code
    points long and cut at the best boundary in the second half of its allowance."""
    if size < 2:
        raise ValueError(f"piece size must be at least 2, not {size}")
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        cut = _cut(text, start, size)
        pieces.append((start, text[start:cut]))
        start = cut
    if start < len(text) or not pieces:
        pieces.append((start, text[start:]))
    return pieces


def _cut(text: str, start: int, size: int) -> int:
    """Where the piece beginning at `start` ends: after the last boundary of the best
    kind that ends between half and all of `size` (a hard cut at `size` when none)."""
    low, high = start + size // 2, start + size
    for pattern in _BOUNDARIES:
        ends = [m.end() for m in pattern.finditer(text, start, high) if m.end() >= low]
        if ends:
            return ends[-1]
    return high
