"""find_figures: scan a parsed Doc for amounts and assemble each into a Figure."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.core.figures.amounts import _HAS_DIGIT, _doc_pieces, _Piece, _read, _Reading
from annotator.core.figures.context import _context, _DocInfo, _matcher
from annotator.core.figures.figure import Figure
from annotator.core.figures.lexicon import (
    _BIG_WORDS,
    _CUR_PREFIX,
    _DURATION,
    _FOLD_WORDS,
    _INDEX_NAMES,
    _ORDINAL_WORDS,
    _PARTY_NOUNS,
    _PERIOD_BLOCK,
    _POSSESSIVE,
    _RANK_MOVES,
    _RANK_VERBS,
    _RATE_ADJ,
    _SPAN_WORDS,
    _SUPERLATIVE_WORDS,
    _UNITS_WORDS,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_DEFINITE = {"the", "this", "that", "these", "those"}
_POSITION_WORDS = {"spot", "place", "position", "slot", "ranked", "placed", "seeded"}
_PARTITIVE_DETS = {"those", "these", "the", "its", "their", "them"}
_RATE_NOUNS = {"rate", "rates", "yield", "yields", "inflation"}
_FRACTIONS = {"thirds", "fifths", "sixths", "sevenths", "eighths", "ninths", "tenths", "halves"}
_RANK_LEAD = {"the", "'s", "’s", "its", "their", "his", "her", "our"}

# The lemmatizer is not needed: every word list in lexicon.py holds the inflected forms.
PIPES_USED: frozenset[str] = frozenset({"tok2vec", "tagger", "attribute_ruler", "parser", "ner"})


_CAND_RE = re.compile(
    r"\d|[$€£¥₸₩₽₹₺]|(?i:\b(?:"
    + "|".join(
        sorted(
            {*_UNITS_WORDS, *_ORDINAL_WORDS, *_FOLD_WORDS, *_BIG_WORDS, "dozen", "half", "quarter"},
            key=len,
        )[::-1]
    )
    + r")\b)"
)


def _is_start(p: _Piece, nxt: str) -> bool:
    low = p.low
    if _HAS_DIGIT.search(low):
        return True
    if low in _UNITS_WORDS or low in _ORDINAL_WORDS or low in _FOLD_WORDS:
        return True
    if low in ("a", "an", "half") and (nxt in _BIG_WORDS or nxt in ("dozen", "hundred", "a")):
        return True
    if low in ("a", "half", "quarter") and nxt in ("quarter", "half", "-"):
        return True  # "a quarter of a percentage point", "a half-point cut"
    if low == "dozen":
        return True
    return low in _CUR_PREFIX


def _segments(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Token ranges worth reading: around every digit, currency sign or number word."""
    starts: list[int] | None = None
    spans: list[tuple[int, int]] = []
    n = len(doc)
    for m in _CAND_RE.finditer(text):
        if starts is None:
            starts = [t.idx for t in doc]
        t = bisect.bisect_right(starts, m.start()) - 1
        a, b = max(0, t - 2), min(n, t + 14)  # "Rs. 500": the prefix may be two back
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


def find_figures(doc: Doc, doc_date: str | None = None) -> list[Figure]:
    """Figures in ``doc`` (needs the parser, tagger and NER), sorted by start, non-overlapping.
    ``doc_date`` (ISO) resolves relative periods ("last year") in ``period_norm``."""
    figures: list[Figure] = []
    info: _DocInfo | None = None
    text = doc.text
    for a, b in _segments(doc, text):
        pieces = _doc_pieces(doc, a, b)
        lows = [p.low for p in pieces]
        n = len(pieces)
        i = 0
        while i < n:
            if figures and pieces[i].start < figures[-1].end:
                i += 1
                continue
            nxt = lows[i + 1] if i + 1 < n else ""
            if not _is_start(pieces[i], nxt):
                i += 1
                continue
            if info is None:
                matcher, labels = _matcher(doc.vocab)
                info = _DocInfo(doc, matcher, labels, text, doc_date)
            fig, last = _figure_at(doc, pieces, lows, i, info)
            if fig is None:
                i += 1
                continue
            figures.append(fig)
            i = last + 1
    return figures


def _tok_before(pieces: Sequence[_Piece], i: int) -> int:
    """Index of the token before piece i's token (or -1)."""
    return pieces[i].tok - 1 if i > 0 and pieces[i - 1].tok != pieces[i].tok else -2


def _figure_at(
    doc: Doc,
    pieces: Sequence[_Piece],
    lows: Sequence[str],
    i: int,
    info: _DocInfo,
) -> tuple[Figure | None, int]:
    p = pieces[i]
    low = p.low
    if i > 0 and pieces[i - 1].tok == p.tok and pieces[i - 1].text != "+":
        return None, i  # middle of a token such as "A321LR"
    prev_low = pieces[i - 1].low if i > 0 else ""
    if low in _FOLD_WORDS:
        rd = _Reading(i, i, "multiplier", float(_FOLD_WORDS[low]), "times", word_number=True)
    else:
        rd = _read(pieces, lows, i, between=prev_low == "between", by=prev_low == "by")
        if rd is None:
            return None, i
    # a reading must end at a token boundary ("1GW" is fine, "3-" is not split)
    if rd.last + 1 < len(pieces) and pieces[rd.last + 1].tok == pieces[rd.last].tok:
        return None, i
    first_tok = doc[pieces[rd.first].tok]
    last_tok = doc[pieces[rd.last].tok]
    tok_prev = doc[first_tok.i - 1] if first_tok.i > 0 else None
    prev_lower = tok_prev.lower_ if tok_prev is not None else ""
    nxt_tok = doc[last_tok.i + 1] if last_tok.i + 1 < len(doc) else None
    nxt_lower = nxt_tok.lower_ if nxt_tok is not None else ""

    if rd.kind == "count" and rd.value_max is None and not (rd.scaled or rd.grouped):
        sign = _number_sign(doc, first_tok) if 1 <= rd.value <= 100 else None
        if sign is not None and (
            (nxt_tok is not None and nxt_tok.pos_ == "PROPN")  # "the No. 10 Downing Street"
            or (sign.lower_ == "number" and doc[sign.i - 1].lower_ == "the" and not rd.word_number)
        ):
            sign = None  # "the number 10 bus"
        if sign is not None:  # "the world's No. 3 economy": a rank
            unit, noun = _ranked_noun(doc, last_tok.i + 1)
            if unit in _POSITION_WORDS:
                return None, rd.last  # "the number one spot": left to the curator
            end_tok = noun or last_tok
            start, end = sign.idx, end_tok.idx + len(end_tok.text)
            fig = Figure(start, end, info.text[start:end], "rank", rd.value, unit)
            _context(doc, fig, doc[sign.i : end_tok.i + 1], info)
            return fig, _last_piece(pieces, rd.last, end_tok)

    # phone numbers, codes, ages
    if prev_lower in ("aged", "age", "ages", "tel", "tel.", "phone", "call", "dial", "no."):
        return None, rd.last
    if rd.kind == "count" and tok_prev is not None and tok_prev.text in ("-", "–", "/"):
        glued = tok_prev.idx + len(tok_prev.text) == first_tok.idx
        if glued and first_tok.i >= 2 and doc[first_tok.i - 2].like_num:
            return None, rd.last  # the tail of a code or phone number: "71-80-10"
    if prev_lower == "+" and rd.kind == "count":
        return None, rd.last  # "+7 (7172) ...": a phone number; "+29.5%" is a change
    if prev_lower == "(" and nxt_lower == ")" and rd.kind in ("count",):
        return None, rd.last
    glued_dash = nxt_tok is not None and nxt_tok.idx == last_tok.idx + len(last_tok.text)
    if nxt_lower in ("-", "–") and rd.kind in ("count",) and glued_dash:
        return None, rd.last  # "71-80-10"; "rose to 943,000 – a rate of" is a figure

    kind = rd.kind
    unit = rd.unit
    end_tok = last_tok
    if kind == "duration":
        of_after = nxt_lower == "of"
        if (
            prev_lower in _PERIOD_BLOCK
            or (prev_lower in _SPAN_WORDS and of_after)
            or nxt_lower in ("ago", "old", "-", "later", "earlier")
        ):
            return None, rd.last
        if prev_lower in _DEFINITE:
            return None, rd.last  # "the six months to June 30", "this three-month period"
        if nxt_lower == "-" or (rd.has_hyphen_unit and nxt_lower in ("old",)):
            return None, rd.last
    if kind == "measure" and rd.has_hyphen_unit and nxt_lower == "-":
        return None, rd.last
    if kind == "rank":
        # "slipped to sixth", "jumping from 25th to 20th", "up two places to 17th"
        recent = {t.lower_ for t in doc[max(0, first_tok.i - 5) : first_tok.i]}
        rank_move = prev_lower in ("to", "from") and bool(recent & _RANK_MOVES)
        unit, end_tok = _rank(doc, first_tok, "ranked" if rank_move else prev_lower)
        if end_tok is None:
            return None, rd.last
    elif kind == "count":
        if prev_lower in ("top", "bottom"):
            return None, rd.last  # "the top three partners": a cut-off in a ranking
        if prev_lower in _INDEX_NAMES:
            return None, rd.last  # "the FTSE 250 company": an index, not 250 companies
        glued = rd.last + 1 < len(pieces) and pieces[rd.last + 1].start == pieces[rd.last].end
        if glued and pieces[rd.last + 1].low[:1].isalpha():
            # "5G", "4K", "3D": a name with a digit in it, not a number of things
            return None, rd.last + 1
        res = _count(doc, pieces, rd, first_tok, last_tok, prev_lower, nxt_tok)
        if res is None:
            return None, rd.last
        unit, end_tok = res
        if unit in ("points", "point") and _rate_sentence(first_tok):
            kind, unit = "percent", "pp"  # "raised interest rates by 0.25 points"
    start = pieces[rd.first].start
    end = pieces[rd.last].end
    if end_tok.i != pieces[rd.last].tok:
        end = max(end, end_tok.idx + len(end_tok.text))  # the counted or ranked noun
    text = info.text[start:end]
    if unit == "INR" and "₹" not in text and "INR" not in text:
        unit = info.rupee()  # "Rs" and "rupees" are Pakistan's, Sri Lanka's, Nepal's too
    elif unit == "USD" and text[:1] == "$" and not text.startswith("$US"):
        unit = info.dollar()  # a bare "$" in Australian news is the Australian dollar
    elif unit == "USD" and text.lower().endswith(("cents", "cent", "cts")):
        unit = info.cent()
    fig = Figure(start, end, text, kind, rd.value, unit, rd.value_max)
    span = doc[first_tok.i : end_tok.i + 1]
    _context(doc, fig, span, info)
    return fig, _last_piece(pieces, rd.last, end_tok)


def _last_piece(pieces: Sequence[_Piece], last: int, end_tok: Token) -> int:
    """The last piece a figure covers, through its counted or ranked noun."""
    while last + 1 < len(pieces) and pieces[last + 1].tok <= end_tok.i:
        last += 1
    return last


def _rate_sentence(tok: Token) -> bool:
    """Whether the sentence before ``tok`` names a rate, so that "points" are percentage
    points ("rates by 0.25 points"), not index points ("the FTSE fell 20 points")."""
    return any(t.lower_ in _RATE_NOUNS for t in tok.sent if t.i < tok.i)


def _rank(doc: Doc, first: Token, prev_lower: str) -> tuple[str | None, Token | None]:
    """'4th largest trading partner' -> ('trading partner', partner); else (None, None).
    A hyphen glued to both words counts as a space: 'ninth-largest country'."""
    j = first.i + 1
    if (
        j + 1 < len(doc)
        and doc[j].text in ("-", "–")
        and doc[j].idx == first.idx + len(first.text)
        and doc[j + 1].idx == doc[j].idx + 1
    ):
        j += 1
    if j < len(doc) and doc[j].lower_ in _SUPERLATIVE_WORDS:
        j += 1
        if j < len(doc) and doc[j].pos_ in ("ADJ", "ADV"):
            pass
        else:
            return None, None
    elif not (j < len(doc) and doc[j].tag_ == "JJS"):
        if j < len(doc) and doc[j].lower_ in _POSITION_WORDS:
            return None, doc[j]  # "the third spot", "fifth place", "third-ranked England"
        if prev_lower in _RANK_VERBS:
            return None, first
        return None, None
    unit, last_noun = _ranked_noun(doc, j + 1)
    return unit, last_noun or doc[j]


def _ranked_noun(doc: Doc, start: int) -> tuple[str | None, Token | None]:
    """The noun phrase a rank ranks, from token ``start``: 'trading partner', 'oil exporter'."""
    k = start
    last_noun = None
    while k < len(doc) and k <= start + 3 and doc[k].pos_ in ("NOUN", "PROPN", "ADJ"):
        if doc[k].pos_ in ("NOUN", "PROPN"):
            last_noun = doc[k]
            if doc[k].dep_ != "compound":
                break
        k += 1
    if last_noun is None:
        return None, None
    return doc[start : last_noun.i + 1].text.lower(), last_noun


def _number_sign(doc: Doc, first: Token) -> Token | None:
    """The "No."/"number" of "the world's No. 3 economy", "its number two carmaker"; None
    for "Clinic No. 7", "Law No. 123" (no determiner or possessive before the sign)."""
    k = first.i - 1
    if k >= 1 and doc[k].text in (".", "-"):
        k -= 1  # "No" "." "3", "number" "-" "one"
    if k < 1 or doc[k].lower_ not in ("no", "no.", "number"):
        return None
    return doc[k] if doc[k - 1].lower_ in _RANK_LEAD else None


def _count(
    doc: Doc,
    pieces: Sequence[_Piece],
    rd: _Reading,
    first: Token,
    last: Token,
    prev_lower: str,
    nxt: Token | None,
) -> tuple[str | None, Token] | None:
    """Counted noun of a bare number, or None when the number is not a figure."""
    if rd.word_number and not rd.scaled:
        # "one of the five biggest seaports" counts; "the two countries" refers
        superlative = nxt is not None and nxt.tag_ == "JJS"
        partitive = first.i >= 2 and doc[first.i - 2].lower_ == "of"
        if rd.value == 1 or (prev_lower in _POSSESSIVE and not (superlative and partitive)):
            return None
        if nxt is not None and nxt.lower_ == "of":
            return None
    noun = _counted_noun(doc, first, last)
    # NER reads many a bare number as a date; a plural noun after it says otherwise
    dated = last.ent_type_ in ("DATE", "TIME") and not rd.scaled
    if dated and (rd.yearlike or noun is None or noun.tag_ != "NNS" or noun.lower_ in _DURATION):
        return None
    if noun is None:
        noun = _partitive_noun(doc, last)
    if noun is not None:
        if noun.lower_ in _FRACTIONS:
            return None  # "shrink two thirds": a share, not a number of thirds
        if (
            noun.ent_type_ in ("DATE", "TIME")
            and (noun.lower_ in _DURATION or noun.tag_ != "NNS")
            and noun.lower_ not in _RATE_ADJ
        ):
            return None
        if (
            rd.word_number
            and not rd.scaled
            and noun.lower_ in _PARTY_NOUNS
            and (rd.value == 2 or prev_lower in ("between", "among", "amongst"))
        ):
            return None  # "between two states": the parties, not a number of states
        if rd.yearlike and (last.ent_type_ == "DATE" or noun.tag_ != "NNS"):
            return None
        return noun.lower_, noun
    if rd.yearlike:
        return None
    rate_after = (
        nxt is not None
        and nxt.lower_ in ("per", "a")
        and last.i + 2 < len(doc)
        and (doc[last.i + 2].lower_ in _DURATION)
    )
    if rd.value_max is not None and not (rd.scaled or rate_after):
        return None
    if not (rd.scaled or rate_after or (rd.grouped and rd.value >= 1000)):
        return None
    if nxt is not None and (nxt.like_num or nxt.is_digit):
        return None
    return None, last


def _partitive_noun(doc: Doc, last: Token) -> Token | None:
    """'2,800 of those jobs' -> jobs (a number of a plural noun named right after)."""
    k = last.i + 1
    if k + 2 < len(doc) and doc[k].lower_ == "of" and doc[k + 1].lower_ in _PARTITIVE_DETS:
        noun = doc[k + 2]
        if noun.tag_ == "NNS":
            return noun
    return None


def _counted_noun(doc: Doc, first: Token, last: Token) -> Token | None:
    head = last
    # climb from the number through compound/quantmod links to the noun it counts
    for _ in range(3):
        if head.dep_ in ("compound", "quantmod", "nummod") and head.head.i > head.i:
            head = head.head
            if head.pos_ in ("NOUN", "PROPN") and head.dep_ != "compound":
                break
            if head.pos_ == "NUM":
                continue
        else:
            break
    if head is last or head.pos_ not in ("NOUN", "PROPN") or head.i - last.i > 5:
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if nxt is not None and nxt.tag_ == "NNS":
            return nxt
        if (
            nxt is not None
            and nxt.dep_ in ("compound", "amod")
            and nxt.head.tag_ == "NNS"
            and 0 < nxt.head.i - nxt.i <= 2
        ):
            return nxt.head  # "4m small businesses": the parse gives up on a lone "m"
        return None
    while head.dep_ == "compound" and head.head.i > head.i and head.head.i - last.i <= 6:
        head = head.head
    if head.pos_ == "PROPN" and head.tag_ != "NNPS":
        return None
    for t in doc[last.i + 1 : head.i]:
        if (t.is_punct and t.text != "-") or t.tag_ == "DT":
            return None  # "939,900 an increase of ...": the noun is another phrase's
    return head
