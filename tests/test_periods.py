"""Period normalisation: phrases from real news, each with its article's date and source."""

from __future__ import annotations

import pytest

from annotator.core.figures.periods import Period, normalise_period

# (phrase as printed, article date or None, expected label or None, start, end, source)
# The sources are the articles the phrase was read in; the date is the article's own
# (dateline or header), never a guess; phrases with no date are ones that need none.
INFORM_UZ = "https://www.inform.kz/en/kazakhstan-uzbekistan-see-moderate-growth-in-trade-turnover-since-year-start_a4069886"
TREND_KG = "https://en.trend.az/casia/kyrgyzstan/3903697.html"
MENAFN_CN = "https://menafn.com/1106993905/Kazakhstan-China-Eye-Boosting-Bilateral-Trade-By-2030"
ASTANA_CN = "https://astanatimes.com/2023/04/trade-between-china-central-asian-states-reach-32-1-billion-in-2022/"
YPOST = "https://www.yorkshirepost.co.uk/business/barclays-reports-82-per-cent-leap-in-first-half-profits-1-9909100"
MACAU = "https://macaudailytimes.com.mo/exports-drop-mop9-5-billion.html"
JORDAN = (
    "https://menafn.com/1107477022/Trade-Deficit-Shrinks-11-In-2023-Department-Of-Statistics-Report"
)
PAKISTAN = "https://dailytimes.com.pk/1015599/exports-increase-by-40-to-rs-1-6-trillion-in-q1/"
PHIL = "https://headtopics.com/ph/philippines-trade-deficit-narrows-in-september-48702607"
NTIC = "https://reportify.ai/news/1008873584363573248"
ASTEC = "https://br.advfn.com/noticias/EDGAR2/2024/artigo/94355636"
APPLE = "https://mactrast.com/2024/10/apple-reports-fiscal-q4-2024-financial-results-14-7b-profit-on-94-9b-revenue/amp"
LLOYDS = "https://ukinvestormagazine.co.uk/?p=1993"
CYPRUS = "https://forum.cy/threads/pio-foreign-trade-statistics-september-2023-final-data-and-october-2023-preliminary-data.162081/"
JJTV = "https://jjtv.kz/en/news/business/30506-bilateral-trade-volume-between-kazakhstan-russia-exceeds-us-26-billion"
SEED = "seeds/"

PHRASES: list[tuple[str, str | None, str | None, str | None, str | None, str]] = [
    # the bundled seeds
    ("In 2022", "2023-06-01", "2022", "2022-01-01", "2022-12-31", SEED + "000"),
    ("in 2022", "2023-11-02", "2022", "2022-01-01", "2022-12-31", SEED + "002"),
    ("At the end of 2021", None, "as of 2021-12-31", None, "2021-12-31", SEED + "003"),
    # seed 003 has no date: "this year" cannot be resolved, so no interval
    ("Over the first three months of this year", None, None, None, None, SEED + "003"),
    ("in the first 5 months of 2023", "2023-07-13", "2023-01..2023-05", "2023-01-01",
     "2023-05-31", SEED + "004"),
    ("From 2005 to the 1st quarter of 2023", "2023-07-13", "2005..2023-Q1", "2005-01-01",
     "2023-03-31", SEED + "004"),
    ("by 2023 full year", "2024-08-16", "2023", "2023-01-01", "2023-12-31", SEED + "001"),
    # Central Asian trade news
    ("from January through April 2023", "2023-05-22", "2023-01..2023-04", "2023-01-01",
     "2023-04-30", INFORM_UZ),
    ("January-April 2022", "2023-05-22", "2022-01..2022-04", "2022-01-01", "2022-04-30",
     INFORM_UZ),
    ("over the same period of 2022", "2023-05-22", None, None, None, INFORM_UZ),
    ("year-on-year", "2023-05-22", None, None, None, INFORM_UZ),
    ("for 2023-2024", "2023-04-12", "2023..2024", "2023-01-01", "2024-12-31", JJTV),
    ("during last year", "2024-05-24", "2023", "2023-01-01", "2023-12-31", TREND_KG),
    ("since the beginning of the year", "2024-05-24", "2024 to date", "2024-01-01",
     "2024-05-24", TREND_KG),
    ("on April 18-19", "2024-05-24", "2024-04-18..2024-04-19", "2024-04-18", "2024-04-19",
     TREND_KG),
    ("last year", "2023-08-31", "2022", "2022-01-01", "2022-12-31", MENAFN_CN),
    ("Over the first half of 2023", "2023-08-31", "2023-H1", "2023-01-01", "2023-06-30",
     MENAFN_CN),
    ("by 2030", "2023-08-31", "as of 2030-12-31", None, "2030-12-31", MENAFN_CN),
    ("this year", "2023-08-31", "2023", "2023-01-01", "2023-12-31", MENAFN_CN),
    ("over the year", "2023-04-20", None, None, None, ASTANA_CN),
    ("April 18", "2023-04-20", "2023-04-18", "2023-04-18", "2023-04-18", ASTANA_CN),
    # British bank results
    ("the six months to June 30", "2019-08-01", "2019-H1", "2019-01-01", "2019-06-30", YPOST),
    ("a year earlier", "2019-08-01", None, None, None, YPOST),
    ("for 2019", "2019-08-01", "2019", "2019-01-01", "2019-12-31", YPOST),
    ("in the second quarter", "2019-08-01", "2019-Q2", "2019-04-01", "2019-06-30", YPOST),
    ("On Wednesday", "2019-08-01", "2019-07-31", "2019-07-31", "2019-07-31", YPOST),
    ("between March 2012 and May 2013", None, "2012-03..2013-05", "2012-03-01", "2013-05-31",
     LLOYDS),
    ("by the end of 2017", None, "as of 2017-12-31", None, "2017-12-31", LLOYDS),
    ("the first half of 2014", None, "2014-H1", "2014-01-01", "2014-06-30", LLOYDS),
    # trade statistics offices
    ("From January to September", "2023-10-31", "2023-01..2023-09", "2023-01-01",
     "2023-09-30", MACAU),
    ("in the first nine months of 2023", "2023-10-31", "2023-01..2023-09", "2023-01-01",
     "2023-09-30", MACAU),
    ("in the January-September 2023 period", "2023-11-23", "2023-01..2023-09", "2023-01-01",
     "2023-09-30", JORDAN),
    ("in January-September 2022", "2023-11-23", "2022-01..2022-09", "2022-01-01",
     "2022-09-30", JORDAN),
    ("in September 2023", "2023-11-23", "2023-09", "2023-09-01", "2023-09-30", JORDAN),
    ("in October 2022", "2023-11-23", "2022-10", "2022-10-01", "2022-10-31", JORDAN),
    ("during July – September, 2022", None, "2022-Q3", "2022-07-01", "2022-09-30", PAKISTAN),
    ("in August, 2022", None, "2022-08", "2022-08-01", "2022-08-31", PAKISTAN),
    ("in the first nine months", "2023-11-07", "2023-01..2023-09", "2023-01-01", "2023-09-30",
     PHIL),
    ("a year ago", "2023-11-07", None, None, None, PHIL),
    ("for January-October 2023", None, "2023-01..2023-10", "2023-01-01", "2023-10-31", CYPRUS),
    # company results (fiscal years, "ended" periods)
    ("for the three months ended May 31, 2024", None, "2024-03..2024-05", "2024-03-01",
     "2024-05-31", NTIC),
    ("the nine months ended May 31, 2024", None, "2023-09..2024-05", "2023-09-01",
     "2024-05-31", NTIC),
    ("fiscal 2024", None, "FY2024", None, None, NTIC),
    ("for the quarter ended June 30, 2024", None, "2024-Q2", "2024-04-01", "2024-06-30", ASTEC),
    ("for the nine months ended June 30, 2024", None, "2023-10..2024-06", "2023-10-01",
     "2024-06-30", ASTEC),
    ("for fiscal 2023", "2024-10-31", "FY2023", None, None, APPLE),
    # a day written without its year is the nearest one: here a coming payment date
    ("on November 14", "2024-10-31", "2024-11-14", "2024-11-14", "2024-11-14", APPLE),
    ("as of November 11", "2024-10-31", "as of 2024-11-11", None, "2024-11-11", APPLE),
]  # fmt: skip


@pytest.mark.parametrize(("phrase", "doc_date", "label", "start", "end", "source"), PHRASES)
def test_news_period_phrases(
    phrase: str,
    doc_date: str | None,
    label: str | None,
    start: str | None,
    end: str | None,
    source: str,
) -> None:
    got = normalise_period(phrase, doc_date)
    if label is None:
        assert got is None, f"{phrase!r} ({source}) read as {got}"
        return
    assert got is not None, f"{phrase!r} ({source}) not read"
    assert (got.label, got.start, got.end) == (label, start, end), source


def test_the_table_has_thirty_phrases_from_news() -> None:
    from_news = [p for p in PHRASES if not p[5].startswith(SEED)]
    assert len(PHRASES) >= 30 and len(from_news) >= 30


@pytest.mark.parametrize(
    ("phrase", "doc_date", "kind", "label"),
    [
        # equal intervals get one label however they are written, so figures group
        ("the first three months of 2023", None, "quarter", "2023-Q1"),
        ("January-March 2023", None, "quarter", "2023-Q1"),
        ("Q1 2023", None, "quarter", "2023-Q1"),
        ("1Q23", None, "quarter", "2023-Q1"),
        ("the first quarter of this year", "2023-06-01", "quarter", "2023-Q1"),
        ("H1 2023", None, "half", "2023-H1"),
        ("the first six months of 2023", None, "half", "2023-H1"),
        ("January–September 2023", None, "months", "2023-01..2023-09"),
        ("9M 2023", None, "months", "2023-01..2023-09"),
        ("May 2023", None, "month", "2023-05"),
        ("the whole of 2022", None, "year", "2022"),
        ("2019-21", None, "range", "2019..2021"),
        ("the 2010s", None, "range", "2010..2019"),
        ("the year to March 2023", None, "months", "2022-04..2023-03"),
        ("October-March", "2023-06-01", "months", "2022-10..2023-03"),
        # relative to the document's date
        ("last month", "2023-06-01", "month", "2023-05"),
        ("the previous quarter", "2023-06-01", "quarter", "2023-Q1"),
        ("last week", "2023-06-01", "week", "2023-W21"),
        ("yesterday", "2023-06-01", "day", "2023-05-31"),
        ("the fourth quarter", "2023-02-10", "quarter", "2022-Q4"),
        ("in December", "2024-01-15", "month", "2023-12"),
        ("the second half of last year", "2023-06-01", "half", "2022-H2"),
        ("so far this year", "2023-06-01", "cumulative", "2023 to date"),
        ("since 2005", "2023-07-13", "cumulative", "since 2005"),
        ("the past 12 months", "2023-06-01", "rolling", "12 months to 2023-06-01"),
        ("over the last five years", "2023-06-01", "rolling", "5 years to 2023-06-01"),
        ("at the end of the first quarter", "2023-06-01", "as_of", "as of 2023-03-31"),
        ("end-2022", None, "as_of", "as of 2022-12-31"),
        ("as at 31 March 2023", None, "as_of", "as of 2023-03-31"),
        ("in the June quarter", "2023-08-10", "quarter", "2023-Q2"),
        # fiscal years whose dates the text does not give
        ("FY23", None, "fiscal_year", "FY2023"),
        ("the 2022/23 financial year", None, "fiscal_year", "FY2022/23"),
        ("2022-23", None, "fiscal_year", "FY2022/23"),
    ],
)
def test_canonical_kinds_and_labels(
    phrase: str, doc_date: str | None, kind: str, label: str
) -> None:
    got = normalise_period(phrase, doc_date)
    assert got is not None and (got.kind, got.label) == (kind, label)


@pytest.mark.parametrize(
    "phrase",
    ["last year", "this year", "the first quarter", "in May", "the past 12 months", "June 1"],
)
def test_relative_periods_need_a_document_date(phrase: str) -> None:
    assert normalise_period(phrase) is None
    assert normalise_period(phrase, "2023-06-01") is not None


@pytest.mark.parametrize(
    "phrase",
    ["", "annually", "year-on-year", "per year", "the same period last year", "mid-2024",
     "the year-ago quarter", "Article 5", "the 32nd anniversary", "tomorrow's meeting"],
)  # fmt: skip
def test_not_periods(phrase: str) -> None:
    assert normalise_period(phrase, "2023-06-01") is None


def test_bad_document_dates_are_ignored_not_raised() -> None:
    assert normalise_period("in 2022", "not a date") == Period(
        "2022-01-01", "2022-12-31", "year", "2022"
    )
    assert normalise_period("last year", "2023-13-45") is None
    assert normalise_period("last year", "2023-06-01T10:00:00Z") is not None


def test_to_dict_is_what_figures_store() -> None:
    got = normalise_period("In 2022", "2023-06-01")
    assert got is not None
    assert got.to_dict() == {"start": "2022-01-01", "end": "2022-12-31", "kind": "year",
                             "label": "2022"}  # fmt: skip
