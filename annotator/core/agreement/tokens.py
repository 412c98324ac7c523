"""The tokens of many documents at once, as numpy arrays: the units of the token-level
agreement figures.

The tokens are exactly those of `annotator.core.offsets.token_bounds` (the regex the
window snaps selections to): numbers with their inner separators, words with inner
apostrophes, a run of word characters started by an underscore, and every other
non-space character alone. Running that regex over a large corpus costs a Python object
per token; here the same rules are applied to the code points of a whole batch of
documents with array operations (a test checks both agree on real and random text).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SPACE, DIGIT, LETTER, UNDERSCORE, SEPARATOR, APOSTROPHE = 1, 2, 4, 8, 16, 32
_SEPARATORS = ".,:/"
_APOSTROPHES = "'’"
_CHUNK_CHARS = 4_000_000  # documents are classified in batches of about this many


def char_class(ch: str) -> int:
    """The class of one character, as the token regex sees it (\\s, \\d, \\w)."""
    if ch.isspace():
        return SPACE
    if ch in _SEPARATORS:
        return SEPARATOR
    if ch in _APOSTROPHES:
        return APOSTROPHE
    if ch == "_":
        return UNDERSCORE
    if ch.isdecimal():
        return DIGIT
    if ch.isalnum():
        return LETTER
    return 0


@functools.cache
def _bmp_classes() -> np.ndarray:
    import numpy as np

    return np.fromiter((char_class(chr(c)) for c in range(0x10000)), dtype=np.uint8, count=0x10000)


def _classify(codes: np.ndarray) -> np.ndarray:
    import numpy as np

    table = _bmp_classes()
    astral = codes > 0xFFFF
    cls = table[np.where(astral, 0, codes)]
    if astral.any():
        where = np.flatnonzero(astral)
        cls[where] = [char_class(chr(int(c))) for c in codes[where]]
    return cls


def _token_starts(cls: np.ndarray) -> np.ndarray:
    """Booleans: which characters start a token (see the module's doc for the rules)."""
    import numpy as np

    n = len(cls)
    space = (cls & SPACE) != 0
    digit = (cls & DIGIT) != 0
    letter = (cls & LETTER) != 0
    under = (cls & UNDERSCORE) != 0
    sep = (cls & SEPARATOR) != 0
    apo = (cls & APOSTROPHE) != 0
    word = digit | letter | under

    def prev(a: np.ndarray, k: int = 1) -> np.ndarray:
        out = np.zeros_like(a)
        out[k:] = a[:-k] if k < n else out[k:]
        return out

    def nxt(a: np.ndarray) -> np.ndarray:
        out = np.zeros_like(a)
        out[:-1] = a[1:]
        return out

    # Inside a run of word characters, everything from its first underscore on is one
    # `\w+` token (the regex reaches that alternative only from an underscore).
    if under.any():
        idx = np.arange(n, dtype=np.int64)
        run_start = word & ~prev(word)
        first = np.maximum.accumulate(np.where(run_start, idx, 0))
        seen = np.cumsum(under, dtype=np.int64)
        before = seen[first] - under[first]
        wmode = word & (seen - before > 0)
    else:  # news text rarely has an underscore: skip the run bookkeeping
        wmode = np.zeros(n, dtype=bool)
    digit_tok = digit & ~wmode  # digits of a number token
    letter_tok = letter & ~wmode  # letters of a word token
    p_word, p_wmode = prev(word), prev(wmode)
    cont = word & p_word & (p_wmode | (~under & ((digit & prev(digit)) | (letter & prev(letter)))))
    cont |= sep & prev(digit_tok) & nxt(digit)
    cont |= digit & prev(sep) & prev(digit_tok, 2)
    cont |= apo & prev(letter_tok) & nxt(letter)
    cont |= letter & prev(apo) & prev(letter_tok, 2)
    return ~space & ~cont


@dataclass(frozen=True)
class Tokens:
    """The tokens of a list of documents, in one numbering.

    Document i's tokens are `starts[first[i]:first[i + 1]]` (offsets into its own text,
    code points), likewise `ends`.
    """

    starts: np.ndarray  # int64, offset of each token in its document
    ends: np.ndarray
    first: np.ndarray  # int64, len(documents) + 1: each document's first token

    def count(self, i: int) -> int:
        return int(self.first[i + 1] - self.first[i])

    def of(self, i: int) -> list[tuple[int, int]]:
        a, b = int(self.first[i]), int(self.first[i + 1])
        return list(zip(self.starts[a:b].tolist(), self.ends[a:b].tolist(), strict=True))


def tokenize(texts: Sequence[str]) -> Tokens:
    """The tokens of every text, computed in batches of a few million characters."""
    import numpy as np

    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and (j == i or size + len(texts[j]) <= _CHUNK_CHARS):
            size += len(texts[j]) + 1
            j += 1
        s, e, c = _tokenize_batch(texts[i:j])
        starts.append(s)
        ends.append(e)
        counts.append(c)
        i = j
    if not texts:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(empty, empty, np.zeros(1, dtype=np.int64))
    n = np.concatenate(counts)
    first = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(n, out=first[1:])
    return Tokens(np.concatenate(starts), np.concatenate(ends), first)


def _tokenize_batch(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import numpy as np

    # One string with a space between documents, so no token crosses from one to the next.
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    cls = _classify(codes)
    is_start = _token_starts(cls)
    # a token ends where the next token or a white space begins: among those positions
    # (stops), each token's start is one, and its end the next
    stop = is_start | ((cls & SPACE) != 0)
    stops = np.append(np.flatnonzero(stop), len(codes))
    which = np.flatnonzero(is_start[stops[:-1]])
    begin = stops[which]
    end = stops[which + 1]
    bases = np.zeros(len(texts), dtype=np.int64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    np.cumsum(lengths[:-1] + 1, out=bases[1:])
    doc = np.searchsorted(bases, begin, side="right") - 1
    counts = np.bincount(doc, minlength=len(texts)).astype(np.int64)
    return begin - bases[doc], end - bases[doc], counts
