"""The tokens of many documents at once, as numpy arrays: the units of the token-level
agreement figures.

The tokens are exactly those of `annotator.core.offsets.token_bounds` (the regex the
window snaps selections to), whose alternatives are tried in order at each token start:

1. an abbreviation, two or more letters each followed by a full stop ("U.S.", "e.g.");
2. a number with its inner separators ("1,000.50");
3. a word: letters with inner apostrophes ("O'Brien", "rock'n'roll"), its first letters
   stopping before a clitic ("do" of "don't") and each apostrophe part before one ("'s"
   of "O'Brien's"), though letters after an inner apostrophe run on ("x'don't" is one);
4. a clitic on its own: 's, 'd, 'm, 'll, 're, 've, n't (either apostrophe, the cases
   spaCy splits) when no letter follows ("Korea's" is "Korea" + "'s", "1990's" is
   "1990" + "'s");
5. a run of word characters, reached only from an underscore ("_don" of "_don't");
6. any other non-space character alone.

Running that regex over a large corpus costs a Python object per token; here the same
rules are applied to the code points of a whole batch of documents with array
operations (a test checks both agree on real and random text). Numbers, words and runs
are found from each character's neighbours. Apostrophes are few, and handled on their
own: one with letters on both sides ends up inside a word, starting a clitic or alone
depending on what its left-hand letters became, which in "n't'n't'x'y" depends on every
apostrophe before it; a finite automaton, followed along such chains with prefix sums.
Letters followed by full stops are few too: a chain of them ("a.b.c.") is one
abbreviation from its first letter if that letter starts a token, else from the next.
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
# documents are classified in batches of about this many characters: small enough that
# each batch's temporary arrays (a few MB) are recycled by the allocator rather than
# mapped afresh, and page-faulted in, for every batch (4 million: 40% slower)
_CHUNK_CHARS = 250_000


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
def _bmp_classes(size: int) -> np.ndarray:
    """The classes of the first `size` code points (a multiple of 4096)."""
    import numpy as np

    return np.fromiter((char_class(chr(c)) for c in range(size)), dtype=np.uint8, count=size)


def _classify(codes: np.ndarray) -> np.ndarray:
    import numpy as np

    top = int(codes.max()) if len(codes) else 0
    # the table up to the largest code point of the batch, in steps: news text in a
    # Latin script needs a few thousand, not all 65,536
    table = _bmp_classes(min(0x10000, (top // 4096 + 1) * 4096))
    cls = np.take(table, codes, mode="clip")
    if top > 0xFFFF:
        where = np.flatnonzero(codes > 0xFFFF)
        cls[where] = [char_class(chr(int(c))) for c in codes[where]]
    return cls


def _token_starts(cls: np.ndarray, codes: np.ndarray) -> np.ndarray:
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
    p_word, p_wmode = prev(word), prev(wmode)
    # a letter after a letter continues its token, but for the "n" of "n't" (below)
    cont = word & p_word & (p_wmode | (~under & ((digit & prev(digit)) | (letter & prev(letter)))))
    cont |= sep & prev(digit_tok) & nxt(digit)
    cont |= digit & prev(sep) & prev(digit_tok, 2)
    apostrophes = np.flatnonzero(apo)
    if len(apostrophes):
        _apostrophes(cont, apostrophes, letter, wmode, codes)
    _abbreviations(cont, np.flatnonzero(sep), letter, codes)
    return ~space & ~cont


def _at(a: np.ndarray, where: np.ndarray, fill: int | bool) -> np.ndarray:
    """`a[where]`, with `fill` where `where` is outside the array."""
    import numpy as np

    inside = (where >= 0) & (where < len(a))
    out = np.full(len(where), fill, dtype=a.dtype)
    out[inside] = a[where[inside]]
    return out


def _codes(chars: str) -> list[int]:
    return [ord(c) for c in chars]


_ONE_LETTER = _codes("sSdDmM")  # 's 'd 'm
_TWO_LETTERS = [ord(a) << 21 | ord(b) for a, b in ("ll", "LL", "re", "RE", "ve", "VE")]
_N, _T = _codes("nN"), _codes("tT")
# what a run of letters is: the start of a word, letters after an apostrophe inside one,
# or a clitic (or part of a `\w+` run)
_F, _G, _C = 0, 1, 2


def _apostrophes(
    cont: np.ndarray, at: np.ndarray, letter: np.ndarray, wmode: np.ndarray, codes: np.ndarray
) -> None:
    """Sets `cont` (continues the token before) for the apostrophes at `at` (ascending)
    and the letters beside them."""
    import numpy as np

    before, after = _at(letter, at - 1, False), _at(letter, at + 1, False)
    c1 = _at(codes, at + 1, 0).astype(np.int64)
    c2 = _at(codes, at + 2, 0).astype(np.int64)
    free2, free3 = ~_at(letter, at + 2, False), ~_at(letter, at + 3, False)
    # a clitic starts at the apostrophe ('s, 'll...; no letter after it)
    one = np.isin(c1, _ONE_LETTER) & free2
    two = np.isin(c1 << 21 | c2, _TWO_LETTERS) & free3
    clitic = one | two
    # "n't" with no letter after it: split off when its "n" is among a word's first letters
    nt = np.isin(_at(codes, at - 1, 0), _N) & np.isin(c1, _T) & free2
    link = before & after
    # An apostrophe without letters on both sides starts a token: a clitic, or alone.
    cont[at[~link & clitic] + 1] = True
    q = at[link]
    if not len(q):
        return
    # Along a chain of letter runs joined by apostrophes, the state of each run (F, G or
    # C) follows from the one before and the apostrophe between: a clitic apostrophe
    # gives C; after F or G, "n't" gives C from F (the n is split off) and G from G, any
    # other gives G; after C, F. So from a C or F the states alternate C, F, C, F... for
    # as long as each apostrophe after an F is "n't"; any other makes G, kept until the
    # next clitic apostrophe.
    x = clitic[link]
    plain = ~x & ~nt[link]
    m = len(q)
    joined = np.zeros(m, dtype=bool)  # the run before q[j] is the run after q[j - 1]
    if m > 1:
        joined[1:] = _all_letters(letter, q[:-1] + 1, q[1:])
    # the first run of a chain is C when it is `\w+` or a clitic after an apostrophe
    # with no letter before it, else F
    k = np.searchsorted(at, q - 2)
    k = np.minimum(k, len(at) - 1)
    after_one = (at[k] == q - 2) & one[k]
    k = np.minimum(np.searchsorted(at, q - 3), len(at) - 1)
    after_two = (at[k] == q - 3) & two[k]
    first_c = wmode[q - 1] | after_one | after_two
    reset = ~joined
    reset[1:] |= x[:-1]
    start_c = np.where(joined, True, first_c)
    j = np.arange(m, dtype=np.int64)
    j0 = np.maximum.accumulate(np.where(reset, j, 0))
    f_turn = ((j - j0) % 2 == 0) != start_c[j0]  # the run before q[j] is F, unless G
    makes_g = f_turn & plain
    seen = np.cumsum(makes_g) - makes_g
    state = np.where(seen - seen[j0] > 0, _G, np.where(f_turn, _F, _C))
    split = nt[link] & (state == _F)  # "n't" split off the word
    runs_on = ~x & ((state == _G) | ((state == _F) & plain))  # the next run is G
    cont[q[runs_on | split]] = True
    cont[q[runs_on | split | x] + 1] = True
    cont[q[split] - 1] = False


def _all_letters(
    letter: np.ndarray, lo: np.ndarray, hi: np.ndarray, window: int = 16
) -> np.ndarray:
    """Whether `letter[lo[i]:hi[i]]` is all true, for each i (lo < hi). Most ranges
    are settled by their first `window` characters; only the rest are read in full."""
    import numpy as np

    cols = np.arange(window)
    where = np.minimum(lo[:, None] + cols, len(letter) - 1)
    out = (letter[where] | (cols >= (hi - lo)[:, None])).all(axis=1)
    longer = np.flatnonzero(out & (hi - lo > window))
    if len(longer):
        start = lo[longer] + window
        lengths = hi[longer] - start
        offsets = np.repeat(start - np.cumsum(lengths) + lengths, lengths)
        owner = np.repeat(np.arange(len(longer)), lengths)
        gaps = np.bincount(owner, ~letter[offsets + np.arange(int(lengths.sum()))], len(longer))
        out[longer] = gaps == 0
    return out


def _abbreviations(
    cont: np.ndarray, seps: np.ndarray, letter: np.ndarray, codes: np.ndarray
) -> None:
    """Sets `cont` over abbreviations: in a chain of letters each followed by a full
    stop, from its first letter if that starts a token (else from the second), when two
    or more pairs remain."""
    import numpy as np

    stops = seps[(codes[seps] == 0x2E) & (seps > 0)]
    pairs = stops - 1
    pairs = pairs[letter[pairs]]  # letters followed by a full stop, ascending
    if len(pairs) < 2:
        return
    starts = np.flatnonzero(np.r_[True, np.diff(pairs) != 2])
    count = np.diff(np.r_[starts, len(pairs)])
    c0 = pairs[starts]
    inside = cont[c0]  # its first letter continues a token: start from the next
    first = c0 + 2 * inside
    end = c0 + 2 * count
    keep = count - inside >= 2
    first, end = first[keep], end[keep]
    if not len(first):
        return
    lengths = end - first - 1
    offsets = np.repeat(first + 1 - np.cumsum(lengths) + lengths, lengths)
    cont[offsets + np.arange(int(lengths.sum()))] = True


@dataclass(frozen=True)
class Tokens:
    """The tokens of a list of documents, in one numbering, on one axis: the documents
    joined with one character between each and the next, document i's text starting at
    `base[i]`.

    Document i's tokens are `starts[first[i]:first[i + 1]]` (offsets on that axis, code
    points), likewise `ends`.
    """

    starts: np.ndarray  # offset of each token on the axis (int32 while the axis fits)
    ends: np.ndarray
    first: np.ndarray  # int64, len(documents) + 1: each document's first token
    base: np.ndarray  # int64, len(documents): where each document starts on the axis

    def count(self, i: int) -> int:
        return int(self.first[i + 1] - self.first[i])

    def of(self, i: int) -> list[tuple[int, int]]:
        """Document i's tokens, as offsets in its text."""
        a, b, base = int(self.first[i]), int(self.first[i + 1]), int(self.base[i])
        return list(
            zip((self.starts[a:b] - base).tolist(), (self.ends[a:b] - base).tolist(), strict=True)
        )


def tokenize(texts: Sequence[str]) -> Tokens:
    """The tokens of every text, computed in batches of a few hundred thousand
    characters."""
    import numpy as np

    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    base = np.zeros(len(texts), dtype=np.int64)
    if len(texts):
        np.cumsum(lengths[:-1] + 1, out=base[1:])
    axis = int(base[-1]) + len(texts[-1]) if len(texts) else 0
    kind = np.int32 if axis < 2**31 else np.int64  # half the memory for most corpora
    starts: list[np.ndarray] = [np.zeros(0, dtype=kind)]
    ends: list[np.ndarray] = [np.zeros(0, dtype=kind)]
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and (j == i or size + len(texts[j]) <= _CHUNK_CHARS):
            size += len(texts[j]) + 1
            j += 1
        s, e = _tokenize_batch(texts[i:j])
        starts.append((s + base[i]).astype(kind))
        ends.append((e + base[i]).astype(kind))
        i = j
    all_starts = np.concatenate(starts)
    # each document's first token: the first starting at or after its base
    first = np.append(np.searchsorted(all_starts, base.astype(kind)), len(all_starts))
    first = first.astype(np.int64)
    return Tokens(all_starts, np.concatenate(ends), first, base)


def _tokenize_batch(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The starts and ends of the tokens of the texts joined by line breaks, as offsets
    in that string."""
    import numpy as np

    # One string with a space between documents, so no token crosses from one to the next.
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    cls = _classify(codes)
    is_start = _token_starts(cls, codes)
    # a token ends where the next token or a white space begins: among those positions
    # (stops), each token's start is one, and its end the next
    stop = is_start | ((cls & SPACE) != 0)
    stops = np.append(np.flatnonzero(stop), len(codes))
    which = np.flatnonzero(is_start[stops[:-1]])
    return stops[which], stops[which + 1]
