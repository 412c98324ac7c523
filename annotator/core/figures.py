"""Find quantities ("figures") in a parsed spaCy Doc and normalise them.

``find_figures(doc)`` returns :class:`Figure` objects: a code-point span of ``doc.text`` plus a
normalised reading (kind, value with scale applied, unit) and what the sentence says about it
(approximation, bound, rate, metric, period, change, subject entities).

How the text is read (decisions, so that curators and other modules can rely on them):

* **Span.** The quantity itself: currency, number(s), scale and unit ("$6.1 billion",
  "172.2 million US dollars", "19.5%", "1 GW", "6 hours"). For counts and ranks the span runs
  to the counted/ranked noun ("740 Korean companies", "4th largest trading partner"). Words
  that qualify the quantity ("about", "more than", "between", "from") and rates ("per week")
  are *not* in the span; they become ``approx``/``bound``/``rate``. Never leading or trailing
  whitespace or punctuation.
* **Money.** Unit is ISO 4217. A bare ``$`` is USD; ``US$``, ``C$``/``CA$`` (CAD),
  ``A$``/``AU$`` (AUD), ``HK$``, ``NZ$``, ``S$`` (SGD), ``NT$`` (TWD), ``R$`` (BRL), ``MX$``
  resolve by their prefix. "dollars"/"dlrs" alone are USD unless an adjective names another
  dollar ("Canadian dollars"). "pounds" after a number is GBP (weights in pounds are rare in
  this news and are written "lb"). ``¥`` is JPY (CNY is written "yuan"/"RMB"/"CNY").
* **Percent.** Value is the number as written (19.5, not 0.195). Unit "%" for %, "percent",
  "per cent", "pct"; "pp" for percentage points ("2 percentage points", "2 pp", "2 p.p.");
  "bp" for basis points. All three have kind "percent".
* **Measures.** Canonical symbols: km, m, cm, mm, mi, ft, in, km2, ha, acres, m3 ("bcm" is a
  scale of m3), t (tonnes and tons alike; "Mt" scales t), kg, g, l, barrels, W/kW/MW/GW/TW,
  Wh/kWh/MWh/GWh/TWh, GB/TB/MB, Mbps/Gbps, km/h, mph, TEU, °C/°F.
* **Durations** (kind "duration", unit "years", "months", "weeks", "days", "hours",
  "minutes", "seconds", "decades"). A duration after "first/last/past/next/previous/coming"
  ("in the first 5 months of 2023") or before "ago"/"old" is a period, age or date, not a
  figure. Ages ("45-year-old", "aged 40 to 75") are not figures.
* **Multipliers**: "1.9 times", "1.9x", "twofold", "2.5-fold", "twice" -> unit "times".
* **Ranks**: an ordinal followed by a superlative ("4th largest trading partner", "third
  most valuable company") -> value 4, unit the ranked noun; or after "ranked/finished/placed/
  came" ("finished 4th") with unit None. Other ordinals ("32nd anniversary", "the 1st
  quarter", "15th title") are not figures.
* **Counts**: unit is the counted noun as written, lower-cased ("companies", "flights"). A
  number with no counted noun is kept only when it is clearly a quantity (a scale word, or a
  grouped number >= 1000 like "1,340"); "Article 5", "No. 7", "Route 66", scores "2-0",
  phone numbers and codes are dropped. A spelled-out number after "the"/a possessive ("the
  two countries") is a reference, not a count; "one" alone is never a count. Vague plurals
  ("hundreds of", "millions of dollars") are not figures.
* **Dates are not figures.** Years, "June 1", "2023-06-01", "the 1st quarter", times of day
  are dropped; DATE entities become the ``period`` of nearby figures instead.
* **Approximation**: "about", "around", "approximately", "roughly", "some", "nearly",
  "almost", "circa", "close to", "an estimated", "or so" set ``approx``. "nearly"/"almost"
  do not also set a bound.
* **Bounds**: ">" more than / over / above / exceeding / exceeded / in excess of / upwards
  of / just over; ">=" at least / no less than / not less than / a minimum of / or more;
  "<=" up to / at most / no more than / not more than / a maximum of / or less; "<" less
  than / fewer than / under / below / just under. "over"/"under" before a duration are
  left alone ("over three seasons" is a span of time, not a bound).
* **Ranges**: "$1-2 billion", "3-3.5%", "between 10 and 12 percent", "5 to 6 billion euros",
  "from $2 billion to $3 billion" are one figure: ``value`` the lower end, ``value_max`` the
  upper; a scale written only once applies to both ends.
* **Rate** is what follows the figure ("per week", "a year", "annually", "per kWh") or a
  frequency adjective before a counted noun ("11 weekly flights" -> "weekly"). "annually"
  goes to ``rate`` only, not ``period``.
* **metric / period / change / subjects** come from the dependency parse and the entities:
  metric is the subject noun phrase of the verb the figure attaches to ("trade turnover"
  reached ...), looking through "volume/value/amount of"; or the noun the figure is "of"
  ("net income of ..."). Period is the nearest DATE entity in the clause with its
  preposition ("in 2022", "From 2005 to the 1st quarter of 2023"). Change is the
  comparative or change cue ("more than in 2021", "year-on-year", "increase of").
  Subjects are GPE/ORG/PERSON/NORP entities of the figure's clause (else its sentence).

spaCy is imported lazily: this module imports fast and without spaCy.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

__all__ = ["KINDS", "PIPES_USED", "Figure", "find_figures", "parse_amount"]

KINDS: tuple[str, ...] = ("money", "percent", "count", "measure", "multiplier", "rank", "duration")

# The lemmatizer is not needed: every word list below holds the inflected forms.
PIPES_USED: frozenset[str] = frozenset({"tok2vec", "tagger", "attribute_ruler", "parser", "ner"})


@dataclass
class Figure:
    """One quantity in a text; ``start``/``end`` are code-point offsets, end-exclusive."""

    start: int
    end: int
    text: str
    kind: str
    value: float | None
    unit: str | None
    value_max: float | None = None
    approx: bool = False
    bound: str | None = None
    rate: str | None = None
    metric: str | None = None
    period: str | None = None
    change: str | None = None
    subjects: list[str] = field(default_factory=list)

    def to_attrs(self) -> dict[str, Any]:
        """Everything except the span, JSON-serialisable."""
        attrs = asdict(self)
        for key in ("start", "end", "text"):
            del attrs[key]
        return attrs


# --------------------------------------------------------------------------- lexicon

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_BIG_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
_FOLD_WORDS = {
    "twofold": 2, "threefold": 3, "fourfold": 4, "fivefold": 5, "sixfold": 6, "sevenfold": 7,
    "eightfold": 8, "ninefold": 9, "tenfold": 10, "hundredfold": 100, "thousandfold": 1000,
    "twice": 2, "thrice": 3,
}  # fmt: skip
# Scale words that always scale; "m"/"b"/"k" are handled separately (metres? bytes?).
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "thousands": 1e3, "th": 1e3, "million": 1e6,
    "millions": 1e6, "mln": 1e6, "mn": 1e6, "mio": 1e6, "mil": 1e6, "billion": 1e9,
    "billions": 1e9, "bn": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12,
    "lakh": 1e5, "crore": 1e7,
}  # fmt: skip
_LOOSE_SCALES = {"m": 1e6, "b": 1e9, "k": 1e3}

_CUR_PREFIX = {
    "$": "USD", "us$": "USD", "u.s.$": "USD", "usd": "USD", "c$": "CAD", "ca$": "CAD",
    "cad": "CAD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "hk$": "HKD", "hkd": "HKD",
    "nz$": "NZD", "nzd": "NZD", "s$": "SGD", "sgd": "SGD", "nt$": "TWD", "twd": "TWD",
    "r$": "BRL", "brl": "BRL", "mx$": "MXN", "mxn": "MXN", "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP", "stg": "GBP", "¥": "JPY", "jpy": "JPY", "₸": "KZT",
    "kzt": "KZT", "₩": "KRW", "krw": "KRW", "₽": "RUB", "rub": "RUB", "rur": "RUB",
    "₹": "INR", "inr": "INR", "rs": "INR", "rs.": "INR", "cny": "CNY", "rmb": "CNY",
    "chf": "CHF", "₺": "TRY", "try": "TRY", "uzs": "UZS", "kgs": "KGS", "aed": "AED",
    "sar": "SAR", "azn": "AZN", "uah": "UAH", "gel": "GEL", "amd": "AMD", "byn": "BYN",
    "tjs": "TJS", "tmt": "TMT", "mnt": "MNT", "pln": "PLN", "huf": "HUF", "czk": "CZK",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "zar": "ZAR", "idr": "IDR", "myr": "MYR",
    "thb": "THB", "vnd": "VND", "ils": "ILS", "qar": "QAR", "kwd": "KWD", "egp": "EGP",
}  # fmt: skip
# ISO codes and "Rs" must be written as such (upper case) to count as a prefix: "try", "gel",
# "amd" are ordinary words too.
_CUR_PREFIX_CASED = {k for k in _CUR_PREFIX if k.isalpha() and k not in {"stg"}}

_DOLLAR_ADJ = {
    "us": "USD", "u.s.": "USD", "american": "USD", "canadian": "CAD", "australian": "AUD",
    "hong kong": "HKD", "singapore": "SGD", "new zealand": "NZD", "taiwan": "TWD",
    "taiwanese": "TWD", "new taiwan": "TWD",
}  # fmt: skip
_CUR_SUFFIX = {
    "dollars": "USD", "dollar": "USD", "dlrs": "USD", "dlr": "USD", "usd": "USD",
    "cents": "USD", "cent": "USD", "cts": "USD",
    "euros": "EUR", "euro": "EUR", "eur": "EUR", "pounds": "GBP", "pound": "GBP",
    "pounds sterling": "GBP", "sterling": "GBP", "stg": "GBP", "gbp": "GBP",
    "british pounds": "GBP", "tenge": "KZT", "kzt": "KZT", "kazakh tenge": "KZT",
    "won": "KRW", "krw": "KRW", "korean won": "KRW", "south korean won": "KRW",
    "yen": "JPY", "jpy": "JPY", "japanese yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "cny": "CNY", "rmb": "CNY", "chinese yuan": "CNY", "rubles": "RUB", "roubles": "RUB",
    "ruble": "RUB", "rouble": "RUB", "rub": "RUB", "russian rubles": "RUB",
    "russian roubles": "RUB", "francs": "CHF", "swiss francs": "CHF", "franc": "CHF",
    "chf": "CHF", "rupees": "INR", "rupee": "INR", "indian rupees": "INR", "lira": "TRY",
    "liras": "TRY", "turkish lira": "TRY", "soums": "UZS", "sums": "UZS", "uzbek soums": "UZS",
    "uzs": "UZS", "soms": "KGS", "som": "KGS", "kyrgyz soms": "KGS", "manat": "AZN",
    "manats": "AZN", "hryvnia": "UAH", "hryvnias": "UAH", "lari": "GEL", "drams": "AMD",
    "dram": "AMD", "somoni": "TJS", "dirhams": "AED", "dirham": "AED", "riyals": "SAR",
    "riyal": "SAR", "zlotys": "PLN", "zloty": "PLN", "forints": "HUF", "forint": "HUF",
    "rand": "ZAR", "ringgit": "MYR", "baht": "THB", "rupiah": "IDR", "dong": "VND",
    "tugriks": "MNT", "shekels": "ILS",
}  # fmt: skip
for _adj, _code in _DOLLAR_ADJ.items():
    _CUR_SUFFIX[f"{_adj} dollars"] = _code
    _CUR_SUFFIX[f"{_adj} dollar"] = _code

# US cents, as share prices and dividends are quoted ("98 cents", Reuters' "21 cts").
_CENT_WORDS = {"cents", "cent", "cts"}

_PERCENT = {
    "%": "%", "percent": "%", "per cent": "%", "pct": "%", "per-cent": "%",
    "percentage points": "pp", "percentage point": "pp", "pp": "pp", "p.p.": "pp",
    "p.p": "pp", "ppt": "pp", "ppts": "pp", "pps": "pp", "percent points": "pp",
    "per cent points": "pp", "basis points": "bp", "basis point": "bp", "bp": "bp",
    "bps": "bp",
}  # fmt: skip
_MULT = {"times": "times", "fold": "times", "x": "times", "-fold": "times"}

# measure surface -> (canonical unit, factor)
_MEASURE: dict[str, tuple[str, float]] = {}
for _names, _canon, _factor in [
    (("km", "kms", "kilometres", "kilometers", "kilometre", "kilometer"), "km", 1.0),
    (("m", "metres", "meters", "metre", "meter"), "m", 1.0),
    (("cm", "centimetres", "centimeters"), "cm", 1.0),
    (("mm", "millimetres", "millimeters"), "mm", 1.0),
    (("miles", "mile", "mi"), "mi", 1.0),
    (("feet", "foot", "ft"), "ft", 1.0),
    (("inches", "inch"), "in", 1.0),
    (("km2", "sq km", "square kilometres", "square kilometers", "km²"), "km2", 1.0),
    (("hectares", "hectare", "ha"), "ha", 1.0),
    (("acres", "acre"), "acres", 1.0),
    (("cubic metres", "cubic meters", "cubic metre", "cubic meter", "m3", "m³", "cu m"), "m3", 1),
    (("bcm",), "m3", 1e9),
    (("tonnes", "tonne", "tons", "ton", "t", "metric tons", "metric tonnes"), "t", 1.0),
    (("mt", "megatonnes"), "t", 1e6),
    (("kg", "kilograms", "kilogrammes", "kilos"), "kg", 1.0),
    (("grams", "g"), "g", 1.0),
    (("lb", "lbs"), "lb", 1.0),
    (("litres", "liters", "litre", "liter"), "l", 1.0),
    (("barrels", "barrel", "bbl"), "barrels", 1.0),
    (("bpd", "b/d"), "barrels", 1.0),
    (("w", "watts"), "W", 1.0),
    (("kw", "kilowatts", "kilowatt"), "kW", 1.0),
    (("mw", "megawatts", "megawatt"), "MW", 1.0),
    (("gw", "gigawatts", "gigawatt"), "GW", 1.0),
    (("tw", "terawatts"), "TW", 1.0),
    (("kwh", "kilowatt-hours", "kilowatt hours"), "kWh", 1.0),
    (("mwh", "megawatt-hours", "megawatt hours"), "MWh", 1.0),
    (("gwh", "gigawatt-hours", "gigawatt hours"), "GWh", 1.0),
    (("twh", "terawatt-hours", "terawatt hours"), "TWh", 1.0),
    (("gb", "gigabytes"), "GB", 1.0),
    (("tb", "terabytes"), "TB", 1.0),
    (("mb", "megabytes"), "MB", 1.0),
    (("mbps", "mbit/s"), "Mbps", 1.0),
    (("gbps", "gbit/s"), "Gbps", 1.0),
    (("km/h", "kph", "kmh", "km / h"), "km/h", 1.0),
    (("mph",), "mph", 1.0),
    (("teu", "teus"), "TEU", 1.0),
    (("degrees celsius", "°c", "° c", "degrees c", "c°"), "°C", 1.0),
    (("degrees fahrenheit", "°f", "° f"), "°F", 1.0),
    (("degrees", "°"), "°", 1.0),
]:
    for _n in _names:
        _MEASURE[_n] = (_canon, float(_factor))
# Symbols whose case matters ("M" is not metres, "G" in "5G" is not grams, "T" not tonnes).
_MEASURE_CASED = {"m", "t", "g", "w", "mt", "mb", "tb", "gb", "kw", "mw", "gw", "tw", "mi"}
_MEASURE_CASE = {
    "m": "m", "t": "t", "g": "g", "w": "W", "mt": "Mt", "mb": "MB", "tb": "TB", "gb": "GB",
    "kw": "kW", "mw": "MW", "gw": "GW", "tw": "TW", "mi": "mi",
}  # fmt: skip

_DURATION = {
    "years": "years", "year": "years", "yrs": "years", "months": "months", "month": "months",
    "weeks": "weeks", "week": "weeks", "days": "days", "day": "days", "hours": "hours",
    "hour": "hours", "hrs": "hours", "minutes": "minutes", "minute": "minutes",
    "mins": "minutes", "seconds": "seconds", "second": "seconds", "secs": "seconds",
    "decades": "decades", "decade": "decades", "centuries": "centuries", "century": "centuries",
    "nights": "nights", "night": "nights",
}  # fmt: skip

# Longest-first multi-word lookup tables: category -> {tuple(words): canonical}
_TABLES: dict[str, dict[str, Any]] = {
    "cur": _CUR_SUFFIX,
    "pct": _PERCENT,
    "mult": _MULT,
    "measure": _MEASURE,
    "dur": _DURATION,
}


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(_SPLIT_RE.findall(phrase))


# One "piece" is a token, or part of a token like "6.1bn" / "KZT500" / "HK$3bn".
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SPLIT_RE = re.compile(
    r"\d+(?:st|nd|rd|th)\b|[A-Za-z.]{0,4}\$|[€£¥₸₩₽₹₺]|" + _NUM + r"|%|[°][CF]?|"
    r"(?:[^\W\d_]\.){2,}|[^\W\d_]+\.?|\S",
)
_TOKEN_RE = re.compile(
    r"^(?P<pre>[A-Za-z.]{0,4}\$|[€£¥₸₩₽₹₺]|[A-Z]{3}|Rs\.?)?(?P<num>" + _NUM + r")"
    r"(?P<suf>[A-Za-z%°/²³.]+)?$"
)
_NUM_RE = re.compile(r"^(?:" + _NUM + r")$")
_ORD_RE = re.compile(r"^(\d+)(st|nd|rd|th)$", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")

_MAXLEN = {name: max(len(_words(k)) for k in table) for name, table in _TABLES.items()}


def _lookup(lows: Sequence[str], i: int, table: str) -> tuple[int, Any] | None:
    """Longest phrase of ``table`` starting at piece ``i``: (end piece, canonical)."""
    entries = _TABLES[table]
    for n in range(min(_MAXLEN[table], len(lows) - i), 0, -1):
        key = " ".join(lows[i : i + n])
        if key in entries:
            return i + n, entries[key]
    return None


# --------------------------------------------------------------------------- pieces


@dataclass(slots=True)
class _Piece:
    text: str
    low: str
    start: int
    end: int
    tok: int  # token index in the Doc (or -1 for plain strings)


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
    if p.low in _CUR_PREFIX_CASED and not (p.text.isupper() or p.text in ("Rs", "Rs.")):
        return None
    return code


def _read_number(pieces: Sequence[_Piece], i: int) -> tuple[float, int, dict[str, bool]] | None:
    """A number at piece i: (value, index after it, flags)."""
    p = pieces[i]
    if _NUM_RE.match(p.text):
        flags = {
            "grouped": "," in p.text,
            "yearlike": len(p.text) == 4 and p.text.isdigit() and 1000 <= int(p.text) <= 2199,
        }
        return float(p.text.replace(",", "")), i + 1, flags
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


def _read_scale(
    pieces: Sequence[_Piece], lows: Sequence[str], j: int, money: bool
) -> tuple[float, int]:
    """Scale words after a number ("million", "bn", "m" when money)."""
    scale = 1.0
    n = len(pieces)
    while j < n:
        w = pieces[j].low
        if w in _SCALES and not (w == "th" and not money):
            scale *= _SCALES[w]
            j += 1
            continue
        if w in _LOOSE_SCALES and pieces[j].text.islower():
            nxt_cur = j + 1 < n and (
                _lookup(lows, j + 1, "cur") is not None
                or _lookup(lows, j + 1, "measure") is not None
            )
            if money or nxt_cur:
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
    pieces: Sequence[_Piece], lows: Sequence[str], i: int, between: bool = False
) -> _Reading | None:
    """Read one quantity starting at piece ``i`` (no context words, no counted noun)."""
    n = len(pieces)
    cur: str | None = None
    j = i
    code = _cur_prefix(pieces[j])
    if code is not None:
        cur = code
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
    rd = _Reading(
        i,
        j - 1,
        "count",
        value * scale,
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
            if hit is not None:
                cur = hit[1]
                rd.last = hit[0] - 1
                if lows[k] in _CENT_WORDS:
                    rd.value /= 100
        if cur is None:
            hit = None if hyphen else _lookup(lows, k, "pct")
            if hit is not None:
                rd.kind, rd.unit, rd.last = "percent", hit[1], hit[0] - 1
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


_SKIP_WORDS = {
    "about", "around", "approximately", "approx", "approx.", "roughly", "some", "nearly",
    "almost", "over", "under", "above", "below", "more", "less", "than", "at", "least",
    "most", "up", "to", "between", "from", "circa", "ca.", "~", "≈", "<", ">", "≥", "≤",
}  # fmt: skip


# --------------------------------------------------------------------------- doc context

_APPROX = [
    "about", "around", "approximately", "approx", "approx.", "roughly", "some", "nearly",
    "almost", "circa", "ca.", "close to", "an estimated", "estimated", "est.", "~",
    "just about", "an approximate", "approximate",
]  # fmt: skip
_BOUNDS = {
    ">": ["more than", "over", "above", "exceeding", "exceeded", "exceeds", "exceed",
          "in excess of", "upwards of", "just over", "greater than", "surpassed", "topped",
          "well over", ">"],
    ">=": ["at least", "no less than", "not less than", "a minimum of", "minimum of",
           "no fewer than", "not fewer than", "≥", ">="],
    "<=": ["up to", "at most", "no more than", "not more than", "a maximum of", "maximum of",
           "not exceeding", "≤", "<="],
    "<": ["less than", "fewer than", "under", "below", "just under", "lower than", "<"],
}  # fmt: skip
_AFTER_BOUNDS = {"or more": ">=", "and more": ">=", "or less": "<=", "or fewer": "<=", "plus": ">="}
_CHANGE_BEFORE = {
    "increase", "increased", "increases", "increasing", "rise", "rose", "rises", "rising",
    "risen", "grew", "grow", "grows", "growing", "grown", "growth", "fell", "fall", "falls",
    "falling", "fallen", "decline", "declined", "declines", "decrease", "decreased",
    "decreases", "drop", "dropped", "drops", "jump", "jumped", "jumps", "surge", "surged",
    "climbed", "climb", "gained", "gain", "lost", "shrank", "shrink", "contracted",
    "expanded", "up", "down", "slipped", "plunged", "plunge", "soared", "widened",
    "narrowed", "eased", "reduction", "reduced", "cut", "boosted", "added", "slumped",
    "tumbled", "advanced", "declining", "higher", "lower",
}  # fmt: skip
_CHANGE_AFTER_WORDS = [
    "year-on-year", "year on year", "y/y", "yoy", "y-o-y", "on-year", "on the year",
    "month-on-month", "month on month", "m/m", "quarter-on-quarter", "quarter on quarter",
    "q/q", "year over year", "compared with", "compared to", "from a year earlier",
    "from a year ago", "from a year before", "than a year earlier", "on an annual basis",
]  # fmt: skip
_COMPARATIVES = {"more", "less", "higher", "lower", "greater", "fewer", "bigger", "smaller",
                 "larger", "up", "down", "above", "below"}  # fmt: skip
_RATE_ADVERBS = [
    "annually", "yearly", "monthly", "weekly", "daily", "hourly", "per annum", "a year",
    "a month", "a week", "a day", "an hour", "a night", "each year", "every year",
    "each month", "every month", "each day", "every day", "per year", "per month",
    "per week", "per day", "per hour", "a quarter", "per quarter", "a season", "a head",
    "per capita", "per head", "per person", "a barrel", "per barrel", "a tonne",
    "per tonne", "a ton", "per ton", "per night", "a share", "per share",
]  # fmt: skip
_RATE_ADJ = {"weekly", "daily", "monthly", "annual", "yearly", "hourly", "quarterly"}
_GENERIC_METRIC = {
    "volume", "value", "amount", "level", "total", "number", "size", "sum", "figure",
    "record", "high", "indicator", "share", "rate", "index", "portion", "part", "proportion",
}  # fmt: skip
_PERIOD_BLOCK = {"first", "last", "past", "next", "previous", "coming", "recent", "preceding",
                 "following", "initial", "final", "latest"}  # fmt: skip
_RANK_VERBS = {"ranked", "ranks", "rank", "ranking", "finished", "placed", "came", "come",
               "finishing", "placing", "coming"}  # fmt: skip
_SUPERLATIVE_WORDS = {"most", "least"}
_POSSESSIVE = {"the", "these", "those", "its", "their", "his", "her", "our", "my", "your",
               "both", "all", "every", "each"}  # fmt: skip
# "two states", "three sides": in diplomatic news a spelled-out small number before these
# nouns names the parties, it does not count anything worth curating.
_PARTY_NOUNS = {
    "countries", "states", "sides", "parties", "nations", "leaders", "presidents", "heads",
    "ministers", "governments", "peoples", "delegations", "capitals", "republics",
}  # fmt: skip
_QUANTITY_VERBS = {
    "reach", "reached", "reaches", "reaching", "amount", "amounted", "amounts", "amounting",
    "total", "totaled", "totalled", "totals", "totaling", "totalling", "stand", "stood",
    "stands", "exceed", "exceeded", "exceeds", "be", "is", "was", "were", "are", "been",
    "rise", "rose", "rises", "risen", "grew", "grow", "grows", "grown", "fell", "fall",
    "falls", "fallen", "increase", "increased", "increases", "decrease", "decreased",
    "decline", "declined", "drop", "dropped", "account", "accounted", "accounts", "hit",
    "hits", "top", "topped", "surpass", "surpassed", "climb", "climbed", "jump", "jumped",
    "double", "doubled", "equal", "equaled", "equalled", "remain", "remained", "narrow",
    "narrowed", "widen", "widened", "ease", "eased", "shrank", "shrink", "expanded",
    "contracted", "slow", "slowed", "gain", "gained", "lose", "lost", "surge", "surged",
    "soar", "soared", "come", "came", "make", "made", "generate", "generated", "cost",
    "costs", "average", "averaged", "hover", "hovered", "range", "ranged", "last", "lasted",
    "take", "takes", "took",
}  # fmt: skip
_SUBJECT_LABELS = {"GPE", "ORG", "PERSON", "NORP", "LOC", "FAC"}
_MODIFIER_DEPS = {"compound", "nummod", "amod"}
_CLIMB_DEPS = {
    "pobj", "prep", "dobj", "attr", "npadvmod", "quantmod", "nummod", "compound", "appos",
    "advmod", "amod", "nmod", "conj", "pcomp",
}  # fmt: skip
_CLAUSE_DEPS = {"ROOT", "conj", "ccomp", "advcl", "relcl", "xcomp", "parataxis", "acl", "pcomp"}

_MATCHERS: dict[int, tuple[Vocab, PhraseMatcher, dict[int, tuple[str, str]]]] = {}


def _matcher(vocab: Vocab) -> tuple[PhraseMatcher, dict[int, tuple[str, str]]]:
    """Matcher for the words around a figure, built once per Vocab. Every cue is a fixed
    phrase, so a PhraseMatcher on LOWER does it (several times faster than a Matcher)."""
    cached = _MATCHERS.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1], cached[2]
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    matcher = PhraseMatcher(vocab, attr="LOWER")
    labels: dict[int, tuple[str, str]] = {}

    def add(category: str, value: str, phrases: Sequence[str]) -> None:
        key = f"figures:{category}:{value}"
        patterns = [Doc(vocab, words=list(_words(p))) for p in phrases]
        matcher.add(key, patterns)
        labels[vocab.strings[key]] = (category, value)

    add("approx", "~", _APPROX)
    for sign, phrases in _BOUNDS.items():
        add("bound", sign, phrases)
    for phrase, sign in _AFTER_BOUNDS.items():
        add("after_bound", sign, [phrase])
    add("change_after", "", _CHANGE_AFTER_WORDS)
    add("rate", "", _RATE_ADVERBS)
    _MATCHERS[id(vocab)] = (vocab, matcher, labels)
    return matcher, labels


def _doc_pieces(doc: Doc, a: int, b: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    for t in doc[a:b]:
        text = t.text
        if _HAS_DIGIT.search(text):
            _split_token(text, t.idx, t.i, pieces)
        else:
            pieces.append(_Piece(text, t.lower_, t.idx, t.idx + len(text), t.i))
    return pieces


_CAND_RE = re.compile(
    r"\d|[$€£¥₸₩₽₹₺]|(?i:\b(?:"
    + "|".join(
        sorted(
            {*_UNITS_WORDS, *_ORDINAL_WORDS, *_FOLD_WORDS, *_BIG_WORDS, "dozen", "half"}, key=len
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
    if low == "dozen":
        return True
    return low in _CUR_PREFIX


@dataclass
class _DocInfo:
    """Per-call lookups, computed lazily: sentence starts, entities, the context Matcher."""

    doc: Doc
    matcher: PhraseMatcher
    labels: dict[int, tuple[str, str]]
    # Doc.text joins every token anew on each access: read it once.
    text: str = ""
    _sent_starts: list[int] | None = None
    _ents: list[Span] | None = None

    def sent(self, i: int) -> Span:
        if self._sent_starts is None:
            try:
                self._sent_starts = [s.start for s in self.doc.sents]
            except ValueError:
                # a pipeline with no parser, senter or sentencizer (one trained for NER
                # alone): the document is one sentence; values and units still work
                self._sent_starts = [0]
        k = bisect.bisect_right(self._sent_starts, i) - 1
        start = self._sent_starts[k]
        end = self._sent_starts[k + 1] if k + 1 < len(self._sent_starts) else len(self.doc)
        return self.doc[start:end]

    def ents(self, sent: Span) -> list[Span]:
        if self._ents is None:
            self._ents = list(self.doc.ents)
        return [e for e in self._ents if sent.start <= e.start and e.end <= sent.end]

    def cues(
        self, start: int, end: int
    ) -> tuple[dict[int, list[tuple[int, str, str]]], dict[int, list[tuple[int, str, str]]]]:
        """Matcher hits near a figure: by end token (cues before) and by start (cues after)."""
        a, b = max(0, start - 6), min(len(self.doc), end + 12)
        before: dict[int, list[tuple[int, str, str]]] = {}
        after: dict[int, list[tuple[int, str, str]]] = {}
        # a PhraseMatcher gives offsets into the Doc, also when given a Span
        for match_id, s, e in self.matcher(self.doc[a:b]):
            cat, value = self.labels[match_id]
            before.setdefault(e, []).append((s, cat, value))
            after.setdefault(s, []).append((e, cat, value))
        return before, after


def _segments(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Token ranges worth reading: around every digit, currency sign or number word."""
    starts: list[int] | None = None
    spans: list[tuple[int, int]] = []
    n = len(doc)
    for m in _CAND_RE.finditer(text):
        if starts is None:
            starts = [t.idx for t in doc]
        t = bisect.bisect_right(starts, m.start()) - 1
        a, b = max(0, t - 1), min(n, t + 14)
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


def find_figures(doc: Doc) -> list[Figure]:
    """Figures in ``doc`` (needs the parser, tagger and NER), sorted by start, non-overlapping."""
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
                info = _DocInfo(doc, matcher, labels, text)
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
    if i > 0 and pieces[i - 1].tok == p.tok:
        return None, i  # middle of a token such as "A321LR"
    prev_low = pieces[i - 1].low if i > 0 else ""
    if low in _FOLD_WORDS:
        rd = _Reading(i, i, "multiplier", float(_FOLD_WORDS[low]), "times", word_number=True)
    else:
        rd = _read(pieces, lows, i, between=prev_low == "between")
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

    # phone numbers, codes, ages
    if prev_lower in ("+", "aged", "age", "ages", "tel", "tel.", "phone", "call", "dial", "no."):
        return None, rd.last
    if prev_lower == "(" and nxt_lower == ")" and rd.kind in ("count",):
        return None, rd.last
    if nxt_lower in ("-", "–") and rd.kind in ("count",):
        return None, rd.last

    kind = rd.kind
    unit = rd.unit
    end_tok = last_tok
    if kind == "duration":
        if prev_lower in _PERIOD_BLOCK or nxt_lower in ("ago", "old", "-", "later", "earlier"):
            return None, rd.last
        if nxt_lower == "-" or (rd.has_hyphen_unit and nxt_lower in ("old",)):
            return None, rd.last
    if kind == "measure" and rd.has_hyphen_unit and nxt_lower == "-":
        return None, rd.last
    if kind == "rank":
        unit, end_tok = _rank(doc, first_tok, prev_lower)
        if end_tok is None:
            return None, rd.last
    elif kind == "count":
        glued = rd.last + 1 < len(pieces) and pieces[rd.last + 1].start == pieces[rd.last].end
        if glued and pieces[rd.last + 1].low[:1].isalpha():
            # "5G", "4K", "3D": a name with a digit in it, not a number of things
            return None, rd.last + 1
        res = _count(doc, pieces, rd, first_tok, last_tok, prev_lower, nxt_tok)
        if res is None:
            return None, rd.last
        unit, end_tok = res
    start = pieces[rd.first].start
    end = max(pieces[rd.last].end, end_tok.idx + len(end_tok.text))
    fig = Figure(start, end, info.text[start:end], kind, rd.value, unit, rd.value_max)
    span = doc[first_tok.i : end_tok.i + 1]
    _context(doc, fig, span, info)
    last_piece = rd.last
    while last_piece + 1 < len(pieces) and pieces[last_piece + 1].tok <= end_tok.i:
        last_piece += 1
    return fig, last_piece


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
        if prev_lower in _RANK_VERBS:
            return None, first
        return None, None
    k = j + 1
    last_noun = None
    while k < len(doc) and k <= j + 4 and doc[k].pos_ in ("NOUN", "PROPN", "ADJ"):
        if doc[k].pos_ in ("NOUN", "PROPN"):
            last_noun = doc[k]
            if doc[k].dep_ != "compound":
                break
        k += 1
    if last_noun is None:
        return None, doc[j]
    noun_start = j + 1
    unit = doc[noun_start : last_noun.i + 1].text.lower()
    return unit, last_noun


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
        if rd.value == 1 or prev_lower in _POSSESSIVE:
            return None
        if nxt is not None and nxt.lower_ == "of":
            return None
    if last.ent_type_ in ("DATE", "TIME") and not rd.scaled:
        return None
    noun = _counted_noun(doc, first, last)
    if noun is not None:
        if noun.ent_type_ in ("DATE", "TIME") and noun.lower_ not in _RATE_ADJ:
            return None
        if rd.word_number and not rd.scaled and rd.value < 10 and noun.lower_ in _PARTY_NOUNS:
            return None
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
        return None
    while head.dep_ == "compound" and head.head.i > head.i and head.head.i - last.i <= 6:
        head = head.head
    if head.pos_ == "PROPN" and head.tag_ != "NNPS":
        return None
    for t in doc[last.i + 1 : head.i]:
        if t.is_punct and t.text != "-":
            return None
    return head


# --------------------------------------------------------------------------- context


def _context(doc: Doc, fig: Figure, span: Span, info: _DocInfo) -> None:
    start_i, end_i = span.start, span.end
    before, after = info.cues(start_i, end_i)
    # approx / bound words in front (up to two cues: "some more than", "just over")
    pos = start_i
    if pos > 0 and doc[pos - 1].lower_ in ("between", "from"):
        pos -= 1
    for _ in range(2):
        cues = before.get(pos)
        if not cues:
            break
        s, cat, value = min(cues)
        if cat == "approx":
            fig.approx = True
        elif cat == "bound":
            if (
                value in (">", "<")
                and fig.kind == "duration"
                and doc[s].lower_ in ("over", "under")
            ):
                break
            if value in (">", "<") and doc[s].lower_ in ("over", "under", "above", "below"):
                # "rose above $80" is a bound; "fell over the year" is not reached here
                pass
            fig.bound = value
        else:
            break
        pos = s
    # rate and bounds after
    k = end_i
    if fig.kind in ("count", "measure", "money") and k < len(doc) and doc[k].lower_ == "of":
        j = k + 1
        while j < len(doc) and j <= k + 3 and doc[j].pos_ in ("NOUN", "PROPN", "ADJ"):
            j += 1
        if j > k + 1:
            k = j
    for e, cat, value in sorted(after.get(k, []), reverse=True):
        if cat == "rate" and fig.rate is None:
            fig.rate = doc[k:e].text
        elif cat == "after_bound" and fig.bound is None:
            fig.bound = value
        elif cat == "approx" and doc[k:e].text.lower() == "or so":
            fig.approx = True
    if fig.rate is None and k < len(doc) and doc[k].lower_ in ("per", "/") and k + 1 < len(doc):
        nxt = doc[k + 1]
        if nxt.is_alpha and nxt.pos_ in ("NOUN", "PROPN", "X"):
            fig.rate = doc[k : k + 2].text
    if fig.rate is None and fig.kind == "count":
        for t in span:
            if t.lower_ in _RATE_ADJ:
                fig.rate = t.text
                break
    if fig.rate is None and fig.unit == "barrels" and doc[span.end - 1].lower_ in ("bpd", "b/d"):
        fig.rate = "per day"
    root = span.root
    sent = info.sent(root.i)
    fig.change = _change(doc, span, root, after)
    fig.metric = _metric(doc, span, root)
    clause = _clause_root(root)
    ents = info.ents(sent)
    fig.period = _period(doc, span, clause, ents)
    fig.subjects = _subjects(clause, ents)


def _change(
    doc: Doc, span: Span, root: Token, after: dict[int, list[tuple[int, str, str]]]
) -> str | None:
    parts: list[str] = []
    # cue before: "increase of X", "rose by X", "rose X"
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in ("by", "of") and head.head.lower_ in _CHANGE_BEFORE:
        parts.append(f"{head.head.text} {head.text}")
    elif root.dep_ in ("dobj", "npadvmod", "advmod", "attr") and head.lower_ in _CHANGE_BEFORE:
        if head.i < span.start:
            parts.append(head.text)
    else:
        k = span.start - 1
        if k >= 0 and doc[k].lower_ in ("by", "of") and k >= 1:
            if doc[k - 1].lower_ in _CHANGE_BEFORE:
                parts.append(doc[k - 1 : k + 1].text)
        elif k >= 0 and doc[k].lower_ in ("up", "down"):
            parts.append(doc[k].text)
    # cue after: "19.5% more than in 2021", "year-on-year", "compared with 2022"
    k = span.end
    if k < len(doc) and doc[k].lower_ in ("a", "an") and k + 1 < len(doc):
        pass
    if k < len(doc) and doc[k].lower_ in _COMPARATIVES:
        e = k + 1
        while e < len(doc) and not doc[e].is_punct and e - k < 12:
            if e > k + 1 and doc[e].lower_ in ("and", "while", "but", "which"):
                break
            e += 1
        if e > k + 1 or doc[k].lower_ in ("more", "less", "higher", "lower"):
            parts.append(doc[k:e].text)
    for kk in (span.end, span.end + 1, span.end + 2):
        for e, cat, _v in sorted(after.get(kk, []), reverse=True):
            if cat == "change_after":
                text = doc[kk:e].text
                if doc[kk].lower_ in ("compared",):
                    e2 = e
                    while e2 < len(doc) and not doc[e2].is_punct and e2 - e < 8:
                        e2 += 1
                    text = doc[kk:e2].text
                if not any(text in part for part in parts):
                    parts.append(text)
                break
    return ", ".join(parts) if parts else None


def _np_text(noun: Token) -> str | None:
    """'the trade turnover' -> 'trade turnover'; drops articles, possessives, entity adjectives."""
    keep = []
    for t in noun.lefts:
        if t.dep_ in ("compound", "amod", "nmod") and t.ent_type_ not in _SUBJECT_LABELS:
            subtree = t.doc[t.left_edge.i : t.right_edge.i + 1]
            if any(c.dep_ == "poss" for c in subtree):
                continue
            keep.extend(x for x in subtree if x.dep_ not in ("det", "poss", "case", "punct"))
    keep.append(noun)
    keep = [t for t in keep if not (t.is_digit or t.like_num)]
    if not keep:
        return None
    keep.sort(key=lambda t: t.i)
    # "Trade turnover ..." at the start of a sentence is still "trade turnover"
    words = [
        t.text.lower() if t.is_sent_start and t.pos_ != "PROPN" and not t.is_upper else t.text
        for t in keep
    ]
    text = " ".join(words)
    text = text.replace(" - ", "-")
    return text or None


def _metric(doc: Doc, span: Span, root: Token) -> str | None:
    tok = root
    for _ in range(6):
        head = tok.head
        if head is tok:
            return None
        if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
            noun = head.head
            if (
                noun.lower_ not in _GENERIC_METRIC
                and noun.lower_ not in _CHANGE_BEFORE
                and not (span.start <= noun.i < span.end)
            ):
                return _np_text(noun)
            tok = noun
            continue
        if tok.dep_ in _MODIFIER_DEPS and head.pos_ in ("NOUN", "PROPN") and head.i >= span.end:
            return None  # "a 1 GW plant": the figure describes the noun
        if head.pos_ in ("VERB", "AUX"):
            if head.lower_ not in _QUANTITY_VERBS:
                return None
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i not in range(
                    span.start, span.end
                ):
                    return _subject_metric(child)
            return None
        if tok.dep_ in _CLIMB_DEPS:
            tok = head
            continue
        return None
    return None


def _subject_metric(subj: Token) -> str | None:
    if subj.pos_ == "PRON" or subj.ent_type_ in _SUBJECT_LABELS or subj.pos_ == "PROPN":
        return None
    if subj.lower_ in _GENERIC_METRIC:
        for prep in subj.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                        return _np_text(pobj)
    return _np_text(subj)


def _clause_root(tok: Token) -> Token:
    for _ in range(12):
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ in _CLAUSE_DEPS:
            return tok
        if tok.head is tok:
            return tok
        tok = tok.head
    return tok


def _in_clause(tok: Token, clause: Token) -> bool:
    t = tok
    for _ in range(20):
        if t is clause or t.i == clause.i:
            return True
        if t.pos_ in ("VERB", "AUX") and t.dep_ in _CLAUSE_DEPS - {"xcomp", "pcomp"}:
            return False
        if t.head is t:
            return False
        t = t.head
    return False


_NOT_PERIOD = re.compile(
    r"(?i)^(annually|yearly|monthly|weekly|daily|each|every|a year|a month|a week|a day|"
    r"per |year-on-year|year on year|a year (earlier|ago|before)|.*\bago$|.*\bold$)"
)


def _period(doc: Doc, span: Span, clause: Token, sent_ents: list[Span]) -> str | None:
    cands: list[tuple[int, int, int]] = []  # (score, start, end)
    ents = [e for e in sent_ents if e.label_ == "DATE"]
    for idx, ent in enumerate(ents):
        if ent.start < span.end and span.start < ent.end:
            continue
        if _NOT_PERIOD.match(ent.text):
            continue
        # a date inside a comparison after the figure ("more than in 2021") is the change
        between = doc[min(span.end, ent.start) : max(span.end, ent.start)]
        if ent.start >= span.end and any(t.lower_ == "than" for t in between):
            continue
        if ent.start >= span.end and any(t.lower_ == "compared" for t in between):
            continue
        s, e = ent.start, ent.end
        if s > 0 and doc[s - 1].dep_ == "prep" and doc[s - 1].pos_ == "ADP":
            s -= 1
        # "from 2005 to the 1st quarter of 2023"
        if idx + 1 < len(ents) and doc[s].lower_ in ("from", "between"):
            nxt = ents[idx + 1]
            if nxt.start - e == 1 and doc[e].lower_ in ("to", "and", "till", "until", "-"):
                e = nxt.end
        dist = s - span.end if s >= span.end else span.start - e
        score = dist + (0 if _in_clause(ent.root, clause) else 50)
        cands.append((score, s, e))
    if not cands:
        return None
    _score, s, e = min(cands)
    return doc[s:e].text


def _subjects(clause: Token, sent_ents: list[Span]) -> list[str]:
    in_clause: list[str] = []
    in_sent: list[str] = []
    for ent in sent_ents:
        if ent.label_ not in _SUBJECT_LABELS:
            continue
        text = ent.text
        if text not in in_sent:
            in_sent.append(text)
        if _in_clause(ent.root, clause) and text not in in_clause:
            in_clause.append(text)
    return in_clause or in_sent
