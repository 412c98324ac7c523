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
  "HK cents"/"US cents" are their dollar's hundredths; "Crs"/"cr" are crore. Other
  "cents" are the euro's where the document writes euros and no dollars ("rose 45 cents to
  €9.85"), else the dollar's.
* **Percent.** Value is the number as written (19.5, not 0.195). Unit "%" for %, "percent",
  "per cent", "pct"; "pp" for percentage points ("2 percentage points", "2 pp", "2 p.p.");
  "bp" for basis points. All three have kind "percent". "half a percentage point", "a
  quarter of a percentage point", "a quarter-point" are 0.5/0.25 pp; "points" in a sentence
  that names a rate or yield are pp ("raised rates by 0.25 points"), else index points (a
  count). Fractions ("two thirds", "a fifth") are not figures.
* **Measures.** Canonical symbols: km, m, cm, mm, mi, ft, in, km2, ha, acres, m3 ("bcm" is a
  scale of m3), sq mi, t (tonnes and tons alike; "Mt" scales t; "tCO2"/"MtCO2" are t), kg,
  g, l, barrels, W/kW/MW/GW/TW, Wh/kWh/MWh/GWh/TWh, GB/TB/MB, Mbps/Gbps, km/h, mph, TEU, °C/°F.
* **Durations** (kind "duration", unit "years", "months", "weeks", "days", "hours",
  "minutes", "seconds", "decades"). A duration after "first" ("in the first 5 months of
  2023"), after "last/past/next/..." when "of" follows ("the last three months of 2022"),
  after "the/this" ("the six months to June 30") or before "ago"/"old" is a period, age or
  date, not a figure; "over the next five years" and "in the past 12 months" are spans of
  time, so durations. Ages ("45-year-old", "aged 40 to 75") are not figures.
* **Multipliers**: "1.9 times", "1.9x", "twofold", "2.5-fold", "twice" -> unit "times".
* **Ranks**: an ordinal followed by a superlative ("4th largest trading partner", "third
  most valuable company") -> value 4, unit the ranked noun; or after "ranked/finished/placed/
  came" ("finished 4th") with unit None; "No. 3"/"number two" after a determiner or
  possessive ranks the noun after it ("the world's No. 3 economy"), but not a name
  ("Clinic No. 7", "the No. 10 Downing Street") nor a position ("the number one spot").
  Other ordinals ("32nd anniversary", "the 1st quarter", "15th title") are not figures.
* **Counts**: unit is the counted noun as written, lower-cased ("companies", "flights"). A
  number with no counted noun is kept only when it is clearly a quantity (a scale word, or a
  grouped number >= 1000 like "1,340"); "Article 5", "No. 7", "Route 66", scores "2-0",
  phone numbers and codes are dropped. A glued "m"/"k" before a plural noun is a scale
  ("22m homes", "50k jobs"), else metres ("the 100m hurdles"). A number after an index name
  ("the FTSE 250 company") is not a count. A spelled-out number after "the"/a possessive ("the
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
  upper; a scale written only once applies to both ends. "5.25%-5.5%" and "between 3% and
  4%" are ranges too; after "by", "X to Y" is a change and the level it reaches ("rose by
  20,000 to 1.5 million") unless Y is close above X (at most three times).
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
* **period_norm** is the period as an interval, ``{"start", "end", "kind", "label"}``, from
  ``normalise_period(period, doc_date)`` (periods.py says how each form reads); relative
  periods need the document's date, given as ``find_figures(doc, doc_date)``.

spaCy is imported lazily: this package imports fast and without spaCy.
"""

from annotator.core.figures.amounts import parse_amount
from annotator.core.figures.figure import KINDS, Figure
from annotator.core.figures.find import PIPES_USED, find_figures
from annotator.core.figures.periods import Period, normalise_period

__all__ = [
    "KINDS",
    "PIPES_USED",
    "Figure",
    "Period",
    "find_figures",
    "normalise_period",
    "parse_amount",
]
