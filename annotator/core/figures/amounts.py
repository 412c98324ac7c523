"""Read amounts from pieces of text: numbers, scales, currencies, units, ranges; parse_amount."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.figures.lexicon import (
    _BIG_WORDS,
    _CENT_WORDS,
    _CUR_PREFIX,
    _CUR_PREFIX_CASED,
    _CUR_PREFIX_MIXED,
    _FOLD_WORDS,
    _LOOSE_SCALES,
    _MEASURE_CASE,
    _MEASURE_CASED,
    _NUM,
    _ORDINAL_WORDS,
    _SCALES,
    _SKIP_WORDS,
    _SPLIT_RE,
    _TABLES,
    _UNITS_WORDS,
    _lookup,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# One "piece" is a token, or part of a token like "6.1bn" / "KZT500" / "HK$3bn".
_TOKEN_RE = re.compile(
    r"^(?P<pre>[A-Za-z.]{0,4}\$|\$(?:US|A|NZ|C|HK|S)|[€£¥₸₩₽₹₺]|[A-Z]{2,3}|Rs\.?|Rp|Dhs?|Rmb|S[Ff]r)?"
    r"(?P<num>" + _NUM + r")"
    r"(?P<suf>[A-Za-z%°/²³.]+)?$"
)
_NUM_RE = re.compile(r"^(?:" + _NUM + r")$")
_ORD_RE = re.compile(r"^(\d+)(st|nd|rd|th)$", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")


# --------------------------------------------------------------------------- pieces


@dataclass(slots=True)
class _Piece:
    text: str
    low: str
    start: int
    end: int
    tok: int  # token index in the Doc (or -1 for plain strings)
    plural: bool = False  # a whole token tagged as a plural noun ("homes" in "2m homes")


def _split_token(text: str, start: int, tok: int, out: list[_Piece]) -> None:
    m = _TOKEN_RE.match(text)
    if m is None or (m.group("pre") is None and m.group("suf") is None):
        out.append(_Piece(text, text.lower(), start, start + len(text), tok))
        return
    pre, suf = m.group("pre"), m.group("suf")
    if suf is not None and suf.lower() in ("st", "nd", "rd", "th"):
        out.append(_Piece(text, text.lower(), start, start + len(text), tok))
        return
    if pre is not None and pre.lower() not in _CUR_PREFIX:
        out.append(_Piece(text, text.lower(), start, start + len(text), tok))
        return
    for name in ("pre", "num", "suf"):
        part = m.group(name)
        if part is None:
            continue
        s, e = m.span(name)
        if name == "suf" and part.endswith(".") and len(part) > 1 and part.count(".") == 1:
            e -= 1  # "5bn." at the end of a sentence
            part = part[:-1]
        out.append(_Piece(part, part.lower(), start + s, start + e, tok))


def _string_pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for m in re.finditer(r"\S+", text):
        for sub in _SPLIT_RE.finditer(m.group()):
            s = m.start() + sub.start()
            _split_token(sub.group(), s, -1, pieces)
    return pieces


def _doc_pieces(doc: Doc, a: int, b: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    for t in doc[a:b]:
        if t.is_space:
            continue  # "34\npercent": a line break is no word between number and unit
        text = t.text
        m = _DOLLAR_QUALIFIER.match(text)
        if m and pieces and pieces[-1].text == "$" and pieces[-1].end == t.idx:
            # "$US5 million": the tokenizer splits "$" from "US5"
            q = m.group(1)
            pieces.append(_Piece(q, q.lower(), t.idx, t.idx + len(q), t.i))
            _split_token(text[len(q) :], t.idx + len(q), t.i, pieces)
        elif (g := _GLUED_RANGE.match(text)) and _glued_range_ends(g.group("a"), g.group("b")):
            # "5.25%-5.5", "billion-£2": the tokenizer keeps a range's two ends together
            _split_token(g.group("a"), t.idx, t.i, pieces)
            dash = t.idx + g.start("d")
            pieces.append(_Piece(g.group("d"), g.group("d"), dash, dash + 1, t.i))
            _split_token(g.group("b"), t.idx + g.start("b"), t.i, pieces)
        elif text[:1] == "+" and len(text) > 1 and text[1].isdigit():
            # "+29.5%": the sign is a change, the rest an amount
            pieces.append(_Piece("+", "+", t.idx, t.idx + 1, t.i))
            _split_token(text[1:], t.idx + 1, t.i, pieces)
        elif _HAS_DIGIT.search(text):
            _split_token(text, t.idx, t.i, pieces)
        elif (
            len(text) > 1
            and text[-1] == "."
            and (len(text) == 2 or text[:-1].lower() in _END_SPLIT)
        ):
            # "£1m." at the end of a sentence: the scale, then the full stop
            pieces.append(_Piece(text[:-1], text[:-1].lower(), t.idx, t.idx + len(text) - 1, t.i))
        else:
            plural = _counted_plural(t)
            pieces.append(_Piece(text, t.lower_, t.idx, t.idx + len(text), t.i, plural))
    return pieces


# "the 100m hurdles": metres, not millions, before these plural nouns
_SPORT_DISTANCES = {"hurdles", "relays", "heats", "finals", "medleys", "sprints", "laps"}


def _counted_plural(t: Token) -> bool:
    """A plural noun, or a word modifying one right after ("homes", "broadband customers")."""
    plural = ("NNS", "NNPS")
    if t.lower_ in _SPORT_DISTANCES:
        return False
    if t.tag_ in plural:
        return True
    return t.dep_ in ("compound", "amod") and t.head.tag_ in plural and 0 < t.head.i - t.i <= 2


_GLUED_RANGE = re.compile(r"^(?P<a>[^-–]+)(?P<d>[-–])(?P<b>[^-–]+)$")


def _glued_range_ends(a: str, b: str) -> bool:
    """Both ends of "5.25%-5.5" or "billion-£2" (not "A321-200", "COVID-19")."""
    if not (b[:1].isdigit() or (b[:1] in "€£$¥₹" and b[1:2].isdigit())):
        return False
    return a.endswith("%") or a.lower() in _SCALES or b[:1] in "€£$¥₹"


_DOLLAR_QUALIFIER = re.compile(r"^(US|A|NZ|C|HK|S)(?=\d)")
_END_SPLIT = {*_SCALES, *_LOOSE_SCALES, *_TABLES["measure"], *_TABLES["cur"], *_TABLES["dur"]}


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _Reading:
    first: int  # first piece
    last: int  # piece index of the last piece, inclusive
    kind: str
    value: float
    unit: str | None
    value_max: float | None = None
    ordinal: bool = False
    word_number: bool = False
    grouped: bool = False  # "1,340": digits grouped by commas
    scaled: bool = False
    yearlike: bool = False
    has_hyphen_unit: bool = False


def _cur_prefix(p: _Piece) -> str | None:
    code = _CUR_PREFIX.get(p.low)
    if code is None:
        return None
    if p.low in _CUR_PREFIX_CASED and not (p.text.isupper() or p.text in _CUR_PREFIX_MIXED):
        return None
    return code


def _read_number(pieces: Sequence[_Piece], i: int) -> tuple[float, int, dict[str, bool]] | None:
    """A number at piece i: (value, index after it, flags)."""
    p = pieces[i]
    if _NUM_RE.match(p.text):
        text = p.text.replace(",", "")
        if text.count(".") > 1:  # "1.020.8": dots group thousands, the last one is decimal
            head, _, tail = text.rpartition(".")
            text = head.replace(".", "") + "." + tail
        flags = {
            "grouped": "," in p.text or p.text.count(".") > 1,
            "yearlike": len(p.text) == 4 and p.text.isdigit() and 1800 <= int(p.text) <= 2199,
        }
        return float(text), i + 1, flags
    m = _ORD_RE.match(p.text)
    if m:
        return float(m.group(1)), i + 1, {"ordinal": True}
    if p.low in _ORDINAL_WORDS:
        return float(_ORDINAL_WORDS[p.low]), i + 1, {"ordinal": True}
    # spelled-out numbers: "one thousand", "twenty-five", "a dozen", "half a million"
    total, current, j, seen = 0.0, 0.0, i, False
    n = len(pieces)
    while j < n:
        w = pieces[j].low
        nxt = pieces[j + 1].low if j + 1 < n else ""
        if w in _UNITS_WORDS:
            current += _UNITS_WORDS[w]
        elif w == "-" and seen and nxt in _UNITS_WORDS and pieces[j - 1].low in _UNITS_WORDS:
            pass
        elif w == "hundred" and seen:
            current = max(current, 1.0) * 100
        elif w in ("dozen",) and (seen or j == i):
            current = max(current, 1.0) * 12
        elif w in _BIG_WORDS and seen:
            total += max(current, 1.0) * _BIG_WORDS[w]
            current = 0.0
        elif w in ("a", "an") and not seen and (nxt in _BIG_WORDS or nxt in ("hundred", "dozen")):
            current = 1.0
        elif w == "half" and not seen and nxt in ("a", "an"):
            after = pieces[j + 2].low if j + 2 < n else ""
            if after not in _BIG_WORDS and after != "dozen":
                return None
            mult = _BIG_WORDS.get(after, 12.0)
            return 0.5 * mult, j + 3, {"word": True, "scaled": True}
        elif w == "and" and seen and nxt in _UNITS_WORDS and pieces[j - 1].low == "hundred":
            pass
        else:
            break
        seen = True
        j += 1
    if not seen or j == i:
        return None
    if pieces[j - 1].low in ("a", "an", "-", "and"):
        return None
    value = total + current
    flags = {"word": True, "scaled": any(pieces[k].low in _BIG_WORDS for k in range(i, j))}
    return value, j, flags


def _compound(
    pieces: Sequence[_Piece], lows: Sequence[str], value: float, scale: float, j: int
) -> tuple[float, int]:
    """'1 trillion 232 billion 680 million': each further number with a smaller scale adds."""
    n = len(pieces)
    while scale > 1.0 and j + 1 < n and _NUM_RE.match(pieces[j].text):
        nxt = _SCALES.get(lows[j + 1])
        if nxt is None or nxt >= scale or lows[j + 1] in ("th", "hundred"):
            break
        value += float(pieces[j].text.replace(",", "")) * nxt
        scale = nxt
        j += 2
    return value, j


def _read_scale(
    pieces: Sequence[_Piece], lows: Sequence[str], j: int, money: bool
) -> tuple[float, int]:
    """Scale words after a number ("million", "bn", "m" when money)."""
    scale = 1.0
    n = len(pieces)
    while j < n:
        w = pieces[j].low
        if (
            w == "-"
            and scale == 1.0
            and j + 1 < n
            and pieces[j + 1].low in _BIG_WORDS
            and pieces[j].start == pieces[j - 1].end
            and pieces[j + 1].start == pieces[j].end
        ):
            j += 1  # "$4.13-billion shortfall"
            continue
        if w in _SCALES and not (w == "th" and not money):
            scale *= _SCALES[w]
            j += 1
            continue
        if w in _LOOSE_SCALES and pieces[j].text.islower():
            nxt_cur = j + 1 < n and (
                _lookup(lows, j + 1, "cur") is not None
                or _lookup(lows, j + 1, "measure") is not None
            )
            # "2m homes", "50k jobs": a glued "m"/"k" before a plural noun scales a count
            glued = pieces[j].start == pieces[j - 1].end
            counted = glued and j + 1 < n and pieces[j + 1].plural
            if money or nxt_cur or counted:
                scale *= _LOOSE_SCALES[w]
                j += 1
                continue
        break
    return scale, j


def _measure_at(
    pieces: Sequence[_Piece], lows: Sequence[str], j: int
) -> tuple[int, str, float] | None:
    hit = _lookup(lows, j, "measure")
    if hit is None:
        return None
    end, (canon, factor) = hit
    if end == j + 1 and pieces[j].low in _MEASURE_CASED:
        # case-sensitive symbols: accept only the exact usual spelling
        want = _MEASURE_CASE[pieces[j].low]
        if pieces[j].text != want and pieces[j].text.lower() != pieces[j].text:
            return None
        if pieces[j].low == "mt" and pieces[j].text != "Mt":
            canon, factor = "t", 1.0
    return end, canon, factor


def _read(
    pieces: Sequence[_Piece],
    lows: Sequence[str],
    i: int,
    between: bool = False,
    by: bool = False,
) -> _Reading | None:
    """Read one quantity starting at piece ``i`` (no context words, no counted noun).
    ``by``: the amount follows "by", where "X to Y" is mostly a change and the level it
    reaches ("rose by 20,000 to 1.5 million"), a range only when Y is close above X."""
    n = len(pieces)
    point = _point_fraction(lows, i)
    if point is not None:
        return _Reading(i, point[1], "percent", point[0], "pp", word_number=True)
    cur: str | None = None
    j = i
    code = _cur_prefix(pieces[j])
    if code is not None:
        cur = code
        j += 1
        if j < n and pieces[j].low == "." and pieces[j].start == pieces[j - 1].end:
            j += 1  # "Rs. 500": the tokenizer splits the abbreviation's full stop off
        elif (
            code == "USD"
            and j < n
            and pieces[j].start == pieces[j - 1].end
            and "$" + pieces[j].low in _CUR_PREFIX
        ):
            cur = _CUR_PREFIX["$" + pieces[j].low]  # "$US5", "$A3" split by the tokenizer
            j += 1
        if j >= n:
            return None
    num = _read_number(pieces, j)
    if num is None:
        return None
    value, j, flags = num
    if flags.get("ordinal"):
        if cur is not None:
            return None
        return _Reading(i, j - 1, "rank", value, None, ordinal=True, word_number=True)
    scale, j = _read_scale(pieces, lows, j, money=cur is not None)
    total, j = _compound(pieces, lows, value * scale, scale, j)
    rd = _Reading(
        i,
        j - 1,
        "count",
        total,
        None,
        word_number=flags.get("word", False),
        grouped=flags.get("grouped", False),
        scaled=scale != 1.0 or flags.get("scaled", False),
        yearlike=flags.get("yearlike", False) and scale == 1.0,
    )
    # range: "1-2", "10 to 15", "between 10 and 15", "$2 billion to $3 billion"
    if j + 1 < n and (
        pieces[j].low in ("-", "–", "—", "to") or (between and pieces[j].low == "and")
    ):
        k = j + 1
        code2 = _cur_prefix(pieces[k])
        if rd.yearlike and cur is None:
            # "from 95 trillion in 2023 to 119 trillion": a year is no range's low end
            k = n
        if code2 is not None and (cur is None or code2 == cur):
            k += 1
        if k < n and (code2 is None or cur is not None):
            num2 = _read_number(pieces, k)
            near = num2 is not None and value <= num2[0] <= 3 * value
            if by and pieces[j].low == "to" and not near:
                num2 = None
            if num2 is not None and not num2[2].get("ordinal"):
                v2, k2, _f2 = num2
                scale2, k2 = _read_scale(pieces, lows, k2, money=cur is not None)
                if scale2 != 1.0 and scale == 1.0 and value <= v2 * 1.0001 + 1e-9:
                    scale = scale2
                    rd.value = value * scale
                    rd.scaled = True
                    rd.yearlike = False
                hi = v2 * (scale2 if scale2 != 1.0 else scale)
                if hi >= rd.value:
                    rd.value_max = hi
                    rd.last = k2 - 1
                    j = k2
                    rd.yearlike = rd.yearlike or (_f2.get("yearlike", False) and scale2 == 1.0)
    # what follows: currency word, percent, multiplier, unit, duration
    hyphen = j < n and pieces[j].low == "-" and j + 1 < n
    k = j + 1 if hyphen else j
    if k < n:
        if cur is None and not hyphen:
            hit = _lookup(lows, k, "cur")
            if hit is not None and lows[k] == "p" and pieces[k].start != pieces[k - 1].end:
                hit = None  # pence are written "3p"; a lone "p" is something else
            if hit is not None:
                cur = hit[1]
                rd.last = hit[0] - 1
                if lows[hit[0] - 1] in _CENT_WORDS:  # "45 cents", "6.73 HK cents"
                    rd.value /= 100
                    if rd.value_max is not None:
                        rd.value_max /= 100
        if cur is None:
            hit = _lookup(lows, k, "pct")
            if hit is not None and hyphen and lows[k] not in _HYPHEN_PERCENT:
                hit = None
            if hit is not None:
                rd.kind, rd.unit, rd.last = "percent", hit[1], hit[0] - 1
                _percent_range(pieces, lows, rd, between)
                return rd
            hit = _lookup(lows, k, "mult")
            # "1.9x" but not "3 x 4": a bare "x" must be glued to the number
            if hit is not None and (pieces[k].low != "x" or pieces[k].start == pieces[k - 1].end):
                rd.kind, rd.unit, rd.last = "multiplier", "times", hit[0] - 1
                return rd
            meas = _measure_at(pieces, lows, k)
            if meas is not None:
                end, canon, factor = meas
                rd.kind, rd.unit, rd.last = "measure", canon, end - 1
                rd.value *= factor
                if rd.value_max is not None:
                    rd.value_max *= factor
                rd.has_hyphen_unit = hyphen
                return rd
            hit = _lookup(lows, k, "dur")
            if hit is not None:
                rd.kind, rd.unit, rd.last = "duration", hit[1], hit[0] - 1
                rd.has_hyphen_unit = hyphen
                return rd
    if cur is not None:
        rd.kind, rd.unit = "money", cur
        return rd
    return rd


# Fractions of a percentage point, as central banks' moves are written: phrase -> value.
_POINT_FRACTIONS = {
    ("half", "a", "percentage", "point"): 0.5,
    ("a", "quarter", "of", "a", "percentage", "point"): 0.25,
    ("three", "quarters", "of", "a", "percentage", "point"): 0.75,
    ("a", "quarter", "-", "point"): 0.25,
    ("a", "quarter", "point"): 0.25,
    ("a", "half", "point"): 0.5,
    ("a", "half", "-", "point"): 0.5,
    ("quarter", "-", "point"): 0.25,
    ("half", "-", "point"): 0.5,
}
_POINT_MAXLEN = max(len(k) for k in _POINT_FRACTIONS)


def _point_fraction(lows: Sequence[str], i: int) -> tuple[float, int] | None:
    """'half a percentage point', 'a quarter-point': (value in pp, last piece)."""
    if lows[i] not in ("half", "a", "three", "quarter"):
        return None
    for n in range(min(_POINT_MAXLEN, len(lows) - i), 2, -1):
        value = _POINT_FRACTIONS.get(tuple(lows[i : i + n]))
        if value is not None:
            last = i + n - 1
            if last + 1 < len(lows) and lows[last] == "percentage" and lows[last + 1] == "points":
                last += 1
            return value, last
    return None


# "a 5.5-percent rise", "a 25-basis-point cut": percent words that may follow a hyphen
_HYPHEN_PERCENT = {"percent", "per", "pct", "percentage", "basis"}


def _percent_range(
    pieces: Sequence[_Piece], lows: Sequence[str], rd: _Reading, between: bool
) -> None:
    """'5.25%-5.5%', 'between 3% and 4%': the same unit after both ends makes one range."""
    j = rd.last + 1
    n = len(pieces)
    if rd.value_max is not None or j + 1 >= n:
        return
    if not (lows[j] in ("-", "–", "—") or (between and lows[j] == "and")):
        return
    num = _read_number(pieces, j + 1)
    if num is None or num[2].get("ordinal") or num[2].get("word") or num[1] >= n:
        return
    hit = _lookup(lows, num[1], "pct")
    if hit is not None and hit[1] == rd.unit and num[0] >= rd.value:
        rd.value_max, rd.last = num[0], hit[0] - 1


# --------------------------------------------------------------------------- parse_amount


def parse_amount(text: str) -> tuple[float | None, str | None, str | None]:
    """Read a typed amount: ``"$6.1bn"`` -> ``(6.1e9, "USD", "money")``.

    Returns ``(value, unit, kind)``; ``(None, None, None)`` when the text is not one amount.
    Approximation and bound words in front ("about", "more than") are skipped. A count
    keeps the noun after the number as its unit ("740 companies" -> "companies").
    """
    text = text.strip()
    found = _parse_pieces(_string_pieces(text))
    if found[0] is None and text.rstrip(".,;:!?") != text:
        found = _parse_pieces(_string_pieces(text.rstrip(".,;:!?")))  # "$6.1bn."
    return found


def _parse_pieces(pieces: list[_Piece]) -> tuple[float | None, str | None, str | None]:
    i = 0
    while i < len(pieces) and pieces[i].low in _SKIP_WORDS:
        i += 1
    if i >= len(pieces):
        return None, None, None
    lows = [p.low for p in pieces]
    rd = _read(pieces, lows, i, between=i > 0 and lows[i - 1] == "between")
    if rd is None:
        fold = _FOLD_WORDS.get(pieces[i].low)
        if fold is not None and i == len(pieces) - 1:
            return float(fold), "times", "multiplier"
        return None, None, None
    rest = pieces[rd.last + 1 :]
    if rd.kind == "count" and rest:
        if len(rest) == 1 and rest[0].text.isalpha():
            return rd.value, rest[0].low, "count"
        return None, None, None
    if rest and not all(p.low in (".", ",", ";") for p in rest):
        return None, None, None
    return rd.value, rd.unit, rd.kind
