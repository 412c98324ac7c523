"""Turn a period phrase ("in the first 5 months of 2023", "at the end of 2021") into an interval.

``normalise_period(text, doc_date)`` returns a :class:`Period` (ISO dates, both ends
inclusive) or ``None`` when the text is no period, or a relative one and no document date is
known. dateparser reads single dates ("May 31", "31 May 2023", "yesterday"); the layer here
reads the intervals it does not ("in 2022" is one day to it, "January–September 2023"
nothing).

Kinds and labels (decisions the knowledge base and the facts view rely on):

* A calendar interval gets the kind and label of what it *is*, however it was written, so
  equal periods group: ``year`` "2022"; ``half`` "2023-H1"; ``quarter`` "2023-Q1" (also
  "the first three months of 2023", "January-March 2023"); ``month`` "2023-05"; ``months``
  for other runs of whole months, "2023-01..2023-09" (also "the year to March 2023",
  "9M 2023"); ``week`` "2023-W21"; ``day`` "2023-05-31".
* ``range``: an interval between two stated periods that is none of the above
  ("between 2019 and 2021", "2019-2021" -> "2019..2021"; "the 2010s").
* ``cumulative``: a total from a start to an end: "from 2005 to the 1st quarter of 2023"
  -> "2005..2023-Q1"; "since 2005" -> start 2005-01-01, end the document's date (or None),
  label "since 2005"; "so far this year" / "year to date" -> "2023 to date".
* ``as_of``: a point in time: "at the end of 2021", "as of May 31", "by 2030" -> start None,
  end the day, label "as of 2021-12-31". News often writes a year's total as "at the end of
  2021"; a consumer comparing flows (trade, sales) may read an ``as_of`` on 31 December as
  that year.
* ``rolling``: a span counted back from the document's date: "the past 12 months", "the
  last five years" -> end the document's date, label "12 months to 2023-06-01".
* ``fiscal_year``: "fiscal 2023", "FY23", "the 2022/23 financial year", "2022-23": the text
  does not say when that fiscal year starts, so start and end are None; label "FY2023" or
  "FY2022/23".

Relative words resolve against the document's date: "this year", "last year", "last
month", "the previous quarter". A period with no year ("the first quarter", "in May",
"the first nine months") is the latest one that has begun by the document's date; a day
with no year ("June 1") is the nearest one to it. "Year-on-year", "a year earlier" and
"annually" are comparisons and rates, not periods: ``None``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache

__all__ = ["Period", "normalise_period"]

_MakePeriod = Callable[[int], "Period | None"]


@dataclass(frozen=True)
class Period:
    """An interval: ISO dates, both ends inclusive (None where the text leaves it open)."""

    start: str | None
    end: str | None
    kind: str
    label: str

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def normalise_period(text: str, doc_date: str | None = None) -> Period | None:
    """The interval a period phrase names, relative words resolved against ``doc_date``
    (ISO ``YYYY-MM-DD``; a longer ISO timestamp is cut to its date)."""
    ref = _parse_ref(doc_date)
    return _normalise(_clean(text), ref)


# --------------------------------------------------------------------------- words

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "fifty": 50, "a": 1, "an": 1,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "final": 4, "last": 4,
}  # fmt: skip
_MONTH_RE = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_NUM_RE = r"(?:\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_YEAR4 = r"(?:1[89]\d\d|20\d\d|2100)"
_WEEKDAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
# what joins the two ends of an interval
_TO = r"(?:\s*-\s*|\s+(?:to|through|thru|till|until)\s+)"

# Words in front that say nothing about the interval itself.
_LEAD = re.compile(
    r"^(?:in|during|for|over|throughout|within|across|of|on|at|the|whole|entire|full|all|"
    r"full-year|calendar|calendar-year|course of|its|year(?= \d{4}))\s+"
)
_NOT_PERIODS = re.compile(
    r"^(?:year-on-year|year on year|y/y|yoy|month-on-month|quarter-on-quarter|annually|yearly|"
    r"monthly|weekly|daily|a year (?:earlier|ago|before)|the same period.*|per .*|each .*|"
    r"every .*|on the year|on an annual basis|year|the year|period|the period)$"
)


def _clean(text: str) -> str:
    s = text.lower().strip()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)  # dashes and the minus sign
    s = s.replace("\u2019", "'")
    s = re.sub(r"\s*-\s*(?=\d|" + _MONTH_RE + r"\b|q\d|h\d)", "-", s)
    s = re.sub(r"\s+", " ", s).strip(" .,;:()")
    s = re.sub(r"\b(" + _MONTH_RE + r")\.", r"\1", s)  # "Oct." -> "oct"
    s = re.sub(r"'s\b", "", s)  # "2022's"
    s = re.sub(r" (?:period|timeframe|time frame|time)$", "", s)  # "the January-May period"
    return s


def _parse_ref(doc_date: str | None) -> dt.date | None:
    if not doc_date:
        return None
    try:
        return dt.date.fromisoformat(str(doc_date).strip()[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- intervals


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months(y1: int, m1: int, y2: int, m2: int) -> Period | None:
    """Whole months y1-m1 .. y2-m2, with the canonical kind and label of that run."""
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or (y2, m2) < (y1, m1):
        return None
    start, end = dt.date(y1, m1, 1), _month_end(y2, m2)
    if y1 == y2:
        if (m1, m2) == (1, 12):
            return Period(_iso(start), _iso(end), "year", f"{y1}")
        if m1 == m2:
            return Period(_iso(start), _iso(end), "month", f"{y1}-{m1:02d}")
        if m2 - m1 == 2 and m1 % 3 == 1:
            return Period(_iso(start), _iso(end), "quarter", f"{y1}-Q{(m1 + 2) // 3}")
        if m2 - m1 == 5 and m1 in (1, 7):
            return Period(_iso(start), _iso(end), "half", f"{y1}-H{(m1 + 5) // 6}")
    elif (m1, m2) == (1, 12):
        return Period(_iso(start), _iso(end), "range", f"{y1}..{y2}")
    return Period(_iso(start), _iso(end), "months", f"{y1}-{m1:02d}..{y2}-{m2:02d}")


def _day(d: dt.date) -> Period:
    return Period(_iso(d), _iso(d), "day", _iso(d))


def _latest_begun(make: _MakePeriod, ref: dt.date | None) -> Period | None:
    """The latest occurrence (this year's or last year's) that has begun by ``ref``."""
    if ref is None:
        return None
    for year in (ref.year, ref.year - 1):
        p = make(year)
        if p is not None and p.start is not None and p.start <= _iso(ref):
            return p
    return None


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------- years


def _year_of(s: str, ref: dt.date | None) -> int | None:
    """A year written as such ("2022", "this year", "last year", "'22" not)."""
    m = re.fullmatch(_YEAR4, s)
    if m:
        return int(s)
    if ref is None:
        return None
    if s in ("this year", "the current year", "current year", "the year", "year",
             "this calendar year"):  # fmt: skip
        return ref.year
    if s in ("last year", "the previous year", "previous year", "the prior year", "prior year",
             "a year ago", "a year earlier", "the year before", "the preceding year"):  # fmt: skip
        return ref.year - 1
    if s in ("next year", "the coming year", "the next year"):
        return ref.year + 1
    if s in ("the year before last", "two years ago"):
        return ref.year - 2
    return None


_YEAR_PHRASE = (
    _YEAR4 + r"|this year|the current year|current year|last year|the previous year|"
    r"previous year|the prior year|prior year|next year|the coming year|the year before last"
)


def _split_year(s: str, ref: dt.date | None) -> tuple[str, int | None, bool]:
    """'first quarter of 2023' -> ('first quarter', 2023, True); no year -> (s, None, False)."""
    m = re.fullmatch(r"(.+?)(?:,)? (?:of |in |for )?(?:the )?(" + _YEAR_PHRASE + r")", s)
    if m:
        year = _year_of(m.group(2), ref)
        if year is not None or re.fullmatch(_YEAR4, m.group(2)) is None:
            return m.group(1), year, True
    m = re.fullmatch(r"(.+?) (?:of|in) (?:the|this) year", s)  # "the first half of the year"
    if m:
        return m.group(1), ref.year if ref else None, True
    m = re.fullmatch(r"(" + _YEAR4 + r") (.+)", s)  # "2023 first quarter", "2023 q1"
    if m:
        return m.group(2), int(m.group(1)), True
    m = re.fullmatch(r"(.+?)[ '/-]?'?(\d\d)", s)  # "q1'23", "1q23", "h1/23", "9m23"
    if m and re.fullmatch(r"q[1-4]|[1-4]q|h[12]|[12]h|\d{1,2}m", m.group(1)):
        return m.group(1), 2000 + int(m.group(2)), True
    return s, None, False


# --------------------------------------------------------------------------- atoms


def _atom(s: str, ref: dt.date | None) -> Period | None:
    """One period with no connective: a year, half, quarter, month run, month, week or day."""
    s = _strip_lead(s)
    if not s:
        return None
    year = _year_of(s, ref)
    if year is not None:
        return _months(year, 1, year, 12)
    m = re.fullmatch(r"(" + _YEAR4 + r")s", s)  # "the 2010s"
    if m:
        y = int(m.group(1))
        if y % 10 == 0:
            return Period(f"{y}-01-01", f"{y + 9}-12-31", "range", f"{y}..{y + 9}")
    special = _relative_unit(s, ref)
    if special is not None:
        return special
    body, year, has_year = _split_year(s, ref)
    if has_year and year is None:
        return None  # "the first quarter of last year" with no document date
    make = _within_year(body)
    if make is not None:
        if year is not None:
            return make(year)
        return _latest_begun(make, ref)
    return _date(s, ref)


def _strip_lead(s: str) -> str:
    prev = None
    while prev != s:
        prev = s
        s = _LEAD.sub("", s)
    return s


def _within_year(body: str) -> _MakePeriod | None:
    """A function year -> Period for a part of a year named without its year, or None."""
    body = _strip_lead(body)
    # quarters: "first quarter", "1st quarter", "q1", "1q", "fourth-quarter", "final quarter"
    m = re.fullmatch(r"(first|second|third|fourth|1st|2nd|3rd|4th|final)[- ]quarter", body)
    q = _ORDINALS[m.group(1)] if m else None
    m = re.fullmatch(r"q([1-4])|([1-4])q", body)
    if m:
        q = int(m.group(1) or m.group(2))
    if q is not None:
        return lambda y: _months(y, 3 * q - 2, y, 3 * q)
    # halves: "first half", "h1", "1h", "second half"
    m = re.fullmatch(r"(first|second|1st|2nd)[- ]half|h([12])|([12])h", body)
    if m:
        h = _ORDINALS[m.group(1)] if m.group(1) else int(m.group(2) or m.group(3))
        return lambda y: _months(y, 6 * h - 5, y, 6 * h)
    # "first N months", "first nine months", "9m", "last three months (of the year)"
    m = re.fullmatch(r"(first|last|final) (" + _NUM_RE + r") months", body)
    if m:
        n = _num(m.group(2))
        if n is None or not 1 <= n <= 12:
            return None
        if m.group(1) == "first":
            return lambda y: _months(y, 1, y, n)
        return lambda y: _months(y, 13 - n, y, 12)
    m = re.fullmatch(r"(\d{1,2})m", body)
    if m and 1 <= int(m.group(1)) <= 12:
        n = int(m.group(1))
        return lambda y: _months(y, 1, y, n)
    # month runs: "january-september", "jan to may", "the january-march period"
    m = re.fullmatch(
        r"(" + _MONTH_RE + r") ?(?:-|to|through|till|until|and) ?(" + _MONTH_RE + r")"
        r"(?: period| quarter)?",
        body,
    )
    if m:
        a, b = _MONTHS[m.group(1)], _MONTHS[m.group(2)]
        if a <= b:
            return lambda y: _months(y, a, y, b)
        return lambda y: _months(y - 1, a, y, b)  # "October-March" crosses a year
    m = re.fullmatch(r"(" + _MONTH_RE + r") quarter", body)  # "the June quarter"
    if m and _MONTHS[m.group(1)] % 3 == 0:
        last_month = _MONTHS[m.group(1)]
        return lambda y: _months(y, last_month - 2, y, last_month)
    m = re.fullmatch(_MONTH_RE + r"(?: month)?", body)
    if m:
        mo = _MONTHS[body.split()[0]]
        return lambda y: _months(y, mo, y, mo)
    if body in ("year", "calendar year", "full year"):
        return lambda y: _months(y, 1, y, 12)
    return None


def _num(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def _relative_unit(s: str, ref: dt.date | None) -> Period | None:
    """'last month', 'this quarter', 'the past 12 months', 'the year to March 2023'."""
    m = re.fullmatch(
        r"(this|last|the previous|previous|the past|past|next|the last|the current|current)"
        r" (month|quarter|week|half)",
        s,
    )
    if m:
        if ref is None:
            return None
        step = {"this": 0, "the current": 0, "current": 0, "next": 1}.get(m.group(1), -1)
        unit = m.group(2)
        if m.group(1) in ("the past", "past", "the last") and unit == "month":
            step = -1
        if unit == "month":
            d = _add_months(ref.replace(day=1), step)
            return _months(d.year, d.month, d.year, d.month)
        if unit in ("quarter", "half"):
            size = 3 if unit == "quarter" else 6
            first = (ref.month - 1) // size * size + 1
            d = _add_months(dt.date(ref.year, first, 1), step * size)
            return _months(d.year, d.month, d.year, d.month + size - 1)
        monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=step)
        iso = monday.isocalendar()
        sunday = monday + dt.timedelta(days=6)
        return Period(_iso(monday), _iso(sunday), "week", f"{iso[0]}-W{iso[1]:02d}")
    # rolling spans back from the document's date: "the past 12 months", "the last 5 years"
    m = re.fullmatch(
        r"(?:the )?(?:past|last|previous|preceding|recent) (?:(" + _NUM_RE + r") )?"
        r"(years?|months?|weeks?|days?|decades?)",
        s,
    )
    if m:
        n = _num(m.group(1)) if m.group(1) else 1
        unit = m.group(2).rstrip("s")
        if ref is None or n is None or (m.group(1) is None and unit in ("day", "week")):
            return None
        if unit in ("year", "decade"):
            months = 12 * n * (10 if unit == "decade" else 1)
            start = _add_months(ref, -months) + dt.timedelta(days=1)
        elif unit == "month":
            start = _add_months(ref, -n) + dt.timedelta(days=1)
        else:
            start = ref - dt.timedelta(days=(7 if unit == "week" else 1) * n - 1)
        plural = f"{n} {unit}s" if n != 1 else unit
        return Period(_iso(start), _iso(ref), "rolling", f"{plural} to {_iso(ref)}")
    # "the year to March 2023", "the 12 months to June", "the three months ended Sept 30"
    m = re.fullmatch(
        r"(?:(" + _NUM_RE + r")[- ]months?|(year|quarter|half[- ]year|half))"
        r" (?:to|ended|ending|through) (?:the end of )?(.+)",
        s,
    )
    if m:
        n = _num(m.group(1)) if m.group(1) else {"year": 12, "quarter": 3}.get(m.group(2), 6)
        end = _atom(m.group(3), ref)
        if end is None or end.end is None or n is None or not 1 <= n <= 36:
            return None
        last = dt.date.fromisoformat(end.end)
        first = _add_months(last.replace(day=1), 1 - n)
        return _months(first.year, first.month, last.year, last.month)
    return None


def _days(s: str, ref: dt.date | None) -> Period | None:
    """A run of days in one month: 'April 18-19', '18-19 April 2024'."""
    m = re.fullmatch(r"(" + _MONTH_RE + r") (\d{1,2})-(\d{1,2})(,? \d{4})?", s)
    if m:
        month, d1, d2, year = m.group(1), m.group(2), m.group(3), m.group(4)
    else:
        m = re.fullmatch(r"(\d{1,2})-(\d{1,2}) (" + _MONTH_RE + r")(,? \d{4})?", s)
        if not m:
            return None
        d1, d2, month, year = m.group(1), m.group(2), m.group(3), m.group(4)
    tail = f" {year.strip(' ,')}" if year else ""
    first = _date(f"{month} {d1}{tail}", ref)
    if first is None or first.start is None:
        return None
    start = dt.date.fromisoformat(first.start)
    end = _safe_date(start.year, start.month, int(d2))
    if end is None or end < start:
        return None
    return Period(_iso(start), _iso(end), "range", f"{_iso(start)}..{_iso(end)}")


def _date(s: str, ref: dt.date | None) -> Period | None:
    """A single day: 'May 31', '31 May 2023', '2023-05-31', 'yesterday' (dateparser)."""
    if ref is not None and s in ("today", "yesterday"):
        return _day(ref - dt.timedelta(days=1 if s == "yesterday" else 0))
    wordy = re.search(r"\b" + _MONTH_RE + r"\b", s) or _WEEKDAY.search(s)
    numeric = re.fullmatch(r"\d{4}-\d\d-\d\d|\d{1,2}[./]\d{1,2}[./]\d{4}", s)
    if not (wordy or numeric) or len(s) > 40:
        return None
    has_year = re.search(r"\b" + _YEAR4 + r"\b", s) is not None
    if not has_year and ref is None:
        return None
    found = _dateparser(s, _iso(ref) if ref else None)
    if found is None:
        return None
    d, granularity = found
    if granularity == "month":
        # "June 2023" reached here only if _within_year missed it; keep the month
        return _months(d.year, d.month, d.year, d.month)
    if granularity != "day":
        return None
    if not has_year and ref is not None and not _WEEKDAY.search(s):
        # a day written without its year is the nearest such day to the document's date
        best = min(
            (_safe_date(y, d.month, d.day) for y in (ref.year - 1, ref.year, ref.year + 1)),
            key=lambda c: abs((c - ref).days) if c else 10**6,
        )
        if best is not None:
            d = best
    return _day(d)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _dateparser(s: str, ref: str | None) -> tuple[dt.date, str] | None:
    # Imported here: dateparser takes ~0.1 s to load its English data on first use.
    from dateparser.date import DateDataParser

    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": False,
    }
    if ref is not None:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(ref)
    data = _parser(tuple(sorted(settings.items(), key=lambda kv: kv[0])), DateDataParser)
    found = data.get_date_data(s)
    if found is None or found.date_obj is None:
        return None
    return found.date_obj.date(), str(found.period)


@lru_cache(maxsize=64)
def _parser(settings: tuple[tuple[str, object], ...], cls: type) -> object:
    return cls(languages=["en"], settings=dict(settings))


# --------------------------------------------------------------------------- phrases


def _normalise(s: str, ref: dt.date | None) -> Period | None:
    if not s or _NOT_PERIODS.fullmatch(s):
        return None
    s = _strip_lead(s)
    if not s or _NOT_PERIODS.fullmatch(s):
        return None
    # as of a point: "at the end of 2021", "as of May 31", "by the end of March", "by 2030"
    m = re.fullmatch(
        r"(?:as of|as at|as on|at|by|until|till|up to|through) (?:the )?"
        r"(?:(end|close|beginning|start) (?:of )?)?(.+)",
        s,
    ) or re.fullmatch(r"(?:the )?(end|close|beginning|start) (?:of )?(.+)", s)
    if m and not re.match(r"(?:at|by) the (?:first|second|third|fourth|same)", s):
        edge = m.group(1)
        inner = _point(m.group(2), ref)
        if inner is None:
            return None
        if edge is None and re.search(r"\b(?:full[- ]year|results)\b", m.group(2)):
            return inner  # "by 2023 full year": by the full year's results, not as of a day
        day = inner.start if edge in ("beginning", "start") else inner.end
        return Period(None, day, "as_of", f"as of {day}") if day else None
    m = re.fullmatch(r"(?:end|year-end|yearend|year end)[- ](.+)", s)  # "end-2022", "end-June"
    if m:
        inner = _point(m.group(1), ref)
        if inner is not None and inner.end is not None:
            return Period(None, inner.end, "as_of", f"as of {inner.end}")
    if s in ("year-end", "the year-end", "year end", "the end of the year") and ref:
        end = f"{ref.year}-12-31"
        return Period(None, end, "as_of", f"as of {end}")
    # totals so far: "so far this year", "year to date", "since the start of the year"
    if re.fullmatch(
        r"(?:so far (?:this|in the) year|this year so far|(?:the )?year[- ]to[- ]date|ytd|"
        r"(?:since|from) the (?:start|beginning) of (?:this|the) year)",
        s,
    ):
        if ref is None:
            return None
        return Period(f"{ref.year}-01-01", _iso(ref), "cumulative", f"{ref.year} to date")
    m = re.fullmatch(r"since (?:the (?:start|beginning) of )?(.+)", s)
    if m:
        inner = _atom(m.group(1), ref)
        if inner is None or inner.start is None:
            return None
        end = _iso(ref) if ref else None
        return Period(inner.start, end, "cumulative", f"since {inner.label}")
    if _year_of(s, ref) is not None:
        return _atom(s, ref)
    fiscal = _fiscal(s) or _relative_unit(s, ref) or _days(s, ref)
    if fiscal is not None:
        return fiscal
    # two ends: "from 2005 to the 1st quarter of 2023", "between 2019 and 2021", "2019-2021"
    for pattern, kind in (
        (r"from (.+?)(?:" + _TO + r"|\s+and\s+)(.+)", "cumulative"),
        (r"between (.+?)(?:\s+and\s+|" + _TO + r")(.+)", "range"),
        (r"(.+?)" + _TO + r"(.+)", "range"),
    ):
        m = re.fullmatch(pattern, s)
        if m:
            p = _two_ends(m.group(1), m.group(2), kind, ref)
            if p is not None:
                return p
    return _atom(s, ref)


def _point(s: str, ref: dt.date | None) -> Period | None:
    s = _strip_lead(s)
    if s in ("year", "this year", "the year"):
        s = "this year"
    return _atom(s, ref)


def _fiscal(s: str) -> Period | None:
    """'fiscal 2023', 'FY23', 'the 2022/23 financial year', '2022-23': dates unknown."""
    m = re.fullmatch(
        r"(?:(?:the )?(?:fiscal|financial|budget)(?: year)?|fy) ?'?(\d{4}|\d\d)"
        r"(?:[/-](\d{2}|\d{4}))?(?: fiscal year| financial year)?",
        s,
    ) or re.fullmatch(
        r"(?:the )?(\d{4})[/-](\d{2})(?: (?:fiscal|financial|budget|marketing|crop)(?: year)?)?",
        s,
    )
    if not m:
        return None
    first = m.group(1)
    y1 = int(first) if len(first) == 4 else 2000 + int(first)
    if m.group(2):
        second = m.group(2)
        y2 = int(second) if len(second) == 4 else y1 // 100 * 100 + int(second)
        if y2 != y1 + 1:
            return None
        return Period(None, None, "fiscal_year", f"FY{y1}/{y2 % 100:02d}")
    return Period(None, None, "fiscal_year", f"FY{y1}")


def _two_ends(a: str, b: str, kind: str, ref: dt.date | None) -> Period | None:
    a, b = _strip_lead(a), _strip_lead(b)
    # "2019-21": a two-digit end is the same century
    if re.fullmatch(_YEAR4, a) and re.fullmatch(r"\d\d", b):
        b = str(int(a) // 100 * 100 + int(b))
    end = _atom(b, ref)
    if end is None or end.start is None or end.end is None:
        return None
    start = _atom(a, ref)
    _b_body, b_year, b_has = _split_year(b, ref)
    if b_has and b_year is not None and not _split_year(a, ref)[2] and _year_of(a, ref) is None:
        # "January to September 2023", "the first quarter to the third quarter of 2023"
        make = _within_year(a)
        start = make(b_year) if make is not None else start
        if start is not None and start.start is not None and start.start > end.start:
            start = make(b_year - 1) if make is not None else None
    if start is None or start.start is None or start.start > end.start:
        return None
    s0, e0 = dt.date.fromisoformat(start.start), dt.date.fromisoformat(end.end)
    whole_months = s0.day == 1 and e0 == _month_end(e0.year, e0.month)
    if whole_months and (s0.year == e0.year or kind == "range"):
        # one canonical label for the same months however written ("2019..2021" for years)
        return _months(s0.year, s0.month, e0.year, e0.month)
    return Period(start.start, end.end, kind, f"{start.label}..{end.label}")
