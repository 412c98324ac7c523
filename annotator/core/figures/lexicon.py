"""Word tables: number, scale, currency, percent, unit and duration words, and context cues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# --------------------------------------------------------------------------- amounts

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
    "lakh": 1e5, "crore": 1e7, "lakhs": 1e5, "crores": 1e7, "cr": 1e7, "crs": 1e7,
}  # fmt: skip
_LOOSE_SCALES = {"m": 1e6, "b": 1e9, "k": 1e3}

_CUR_PREFIX = {
    "$": "USD", "$us": "USD", "$a": "AUD", "$nz": "NZD", "$c": "CAD", "$hk": "HKD",
    "$s": "SGD", "us$": "USD", "u.s.$": "USD", "usd": "USD", "c$": "CAD", "ca$": "CAD",
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
    "ron": "RON", "bgn": "BGN", "hrk": "HRK", "isk": "ISK", "rsd": "RSD", "mdl": "MDL",
    "eek": "EEK", "kes": "KES", "ngn": "NGN", "ghs": "GHS", "zmw": "ZMW", "etb": "ETB",
    "ugx": "UGX", "tzs": "TZS", "pkr": "PKR", "lkr": "LKR", "npr": "NPR", "bdt": "BDT",
    "mop": "MOP", "jod": "JOD", "bhd": "BHD", "omr": "OMR", "iqd": "IQD", "irr": "IRR",
    "lbp": "LBP", "dzd": "DZD", "tnd": "TND", "ars": "ARS", "clp": "CLP", "uyu": "UYU",
    "sfr": "CHF", "jd": "JOD", "kd": "KWD", "rm": "MYR", "rp": "IDR", "dh": "AED", "dhs": "AED",
}  # fmt: skip
# Written this way (not upper case) and still a currency: "Rs 500", "Rp 5 trillion", "Dh10".
_CUR_PREFIX_MIXED = {"Rs", "Rs.", "Rp", "Dh", "Dhs", "Rmb", "SFr", "Sfr"}
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
    "tugriks": "MNT", "shekels": "ILS", "kroons": "EEK", "kroon": "EEK", "lei": "RON",
    "leva": "BGN", "kuna": "HRK", "naira": "NGN", "cedis": "GHS", "taka": "BDT",
    "patacas": "MOP", "kronor": "SEK", "swedish kronor": "SEK", "norwegian kroner": "NOK",
    "danish kroner": "DKK", "pence": "GBP", "p": "GBP", "pakistani rupees": "PKR",
    "sri lankan rupees": "LKR", "nepalese rupees": "NPR", "jordanian dinars": "JOD",
    "kuwaiti dinars": "KWD", "mexican pesos": "MXN", "philippine pesos": "PHP",
    "argentine pesos": "ARS", "emirati dirhams": "AED", "uae dirhams": "AED",
}  # fmt: skip
for _adj, _code in _DOLLAR_ADJ.items():
    _CUR_SUFFIX[f"{_adj} dollars"] = _code
    _CUR_SUFFIX[f"{_adj} dollar"] = _code

# US cents, as share prices and dividends are quoted ("98 cents", Reuters' "21 cts").
_CENT_WORDS = {"cents", "cent", "cts", "pence", "p"}
# Cents named by their dollar ("6.73 HK cents", "1 HK cent").
for _pre, _code in (("hk", "HKD"), ("us", "USD"), ("nz", "NZD"), ("s", "SGD"), ("nt", "TWD")):
    _CUR_SUFFIX[f"{_pre} cents"] = _code
    _CUR_SUFFIX[f"{_pre} cent"] = _code

_PERCENT = {
    "%": "%", "percent": "%", "per cent": "%", "pct": "%", "per-cent": "%",
    "percentage points": "pp", "percentage point": "pp", "pp": "pp", "p.p.": "pp",
    "p.p": "pp", "pc": "%", "ppt": "pp", "ppts": "pp", "pps": "pp", "percent points": "pp",
    "per cent points": "pp", "basis points": "bp", "basis point": "bp", "bp": "bp",
    "bps": "bp", "basis-point": "bp", "percentage-point": "pp",
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
    (("sq mi", "square miles", "square mile", "sq miles"), "sq mi", 1.0),
    (("sq ft", "square feet", "square foot", "sq. ft", "sqft"), "sq ft", 1.0),
    (
        ("sq m", "square metres", "square meters", "square metre", "square meter", "m2", "m²"),
        "m2",
        1.0,
    ),
    (("knots",), "knots", 1.0),
    (("megalitres", "megaliters", "megalitre"), "l", 1e6),
    (("gigalitres", "gigaliters", "gigalitre"), "l", 1e9),
    (("millilitres", "milliliters", "ml"), "ml", 1.0),
    (("milligrams", "mg"), "mg", 1.0),
    (("mtpa",), "t", 1e6),
    (("cubic feet",), "ft3", 1.0),
    (("cubic metres", "cubic meters", "cubic metre", "cubic meter", "m3", "m³", "cu m"), "m3", 1),
    (("bcm",), "m3", 1e9),
    (("tonnes", "tonne", "tons", "ton", "t", "metric tons", "metric tonnes"), "t", 1.0),
    (("mt", "megatonnes"), "t", 1e6),
    (("tco2", "tco2e", "tco₂"), "t", 1.0),  # tonnes of CO2 written as one symbol
    (("mtco2", "mtco2e"), "t", 1e6),
    (("kg", "kilograms", "kilogrammes", "kilos"), "kg", 1.0),
    (("grams", "g"), "g", 1.0),
    (("lb", "lbs"), "lb", 1.0),
    (("litres", "liters", "litre", "liter"), "l", 1.0),
    (("barrels", "barrel", "bbl"), "barrels", 1.0),
    (("bpd", "b/d"), "barrels", 1.0),
    (("kb/d", "kbd", "kbpd"), "barrels", 1e3),
    (("mb/d", "mbd", "mbpd", "mmbpd", "mmb/d"), "barrels", 1e6),
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
    (("mph", "miles per hour", "miles an hour"), "mph", 1.0),
    (("kilometres per hour", "kilometers per hour", "kilometres an hour"), "km/h", 1.0),
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


# How a phrase splits into pieces (see amounts.py); table keys are split the same way.
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+\.\d+|\d+(?:\.\d+)?|\.\d+"
_SPLIT_RE = re.compile(
    r"\d+(?:st|nd|rd|th)\b|\$(?:US|A|NZ|C|HK|S)(?=\d)|[A-Za-z.]{0,4}\$|[€£¥₸₩₽₹₺]|"
    + _NUM
    + r"|%|[°][CF]?|"
    r"(?:[^\W\d_]\.){2,}|[^\W\d_]+\.?|\S",
)

# every key also as its pieces ("mb/d" -> "mb / d"), the form a typed amount splits into
for _table in _TABLES.values():
    for _key, _val in list(_table.items()):
        _table.setdefault(" ".join(_words(_key)), _val)
_MAXLEN = {name: max(len(_words(k)) for k in table) for name, table in _TABLES.items()}


def _lookup(lows: Sequence[str], i: int, table: str) -> tuple[int, Any] | None:
    """Longest phrase of ``table`` starting at piece ``i``: (end piece, canonical)."""
    entries = _TABLES[table]
    for n in range(min(_MAXLEN[table], len(lows) - i), 0, -1):
        key = " ".join(lows[i : i + n])
        if key in entries:
            return i + n, entries[key]
    return None


# Qualifying words parse_amount skips in front of a typed amount.
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
# "the first 5 months of 2023" is a period of the calendar; "over the next five years" and
# "in the past 12 months" are spans of time (durations) unless "of" ties them to a year.
_PERIOD_BLOCK = {"first", "initial", "final", "opening", "closing"}
_SPAN_WORDS = {"last", "past", "next", "previous", "coming", "recent", "preceding", "following",
               "latest"}  # fmt: skip
_RANK_VERBS = {"ranked", "ranks", "rank", "ranking", "finished", "placed", "came", "come",
               "finishing", "placing", "coming"}  # fmt: skip
# "slipped to sixth", "rose to third": a move in a ranking
_RANK_MOVES = {"slipped", "slips", "fell", "falls", "dropped", "drops", "rose", "rises",
               "climbed", "climbs", "moved", "moves", "jumped", "jumps", "returned",
               "advanced", "sank", "slid", "slumped", "tumbled", "surged", "leapt"}  # fmt: skip
_SUPERLATIVE_WORDS = {"most", "least"}
# "the FTSE 250 company", "an S&P 500 firm": the number names an index (or a list)
_INDEX_NAMES = {"ftse", "s&p", "nikkei", "stoxx", "fortune", "russell", "dax", "cac", "topix",
                "sensex", "nifty", "asx", "kospi", "nasdaq", "dow", "aim", "mdax"}  # fmt: skip
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
