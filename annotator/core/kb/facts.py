"""Facts: one row per figure with what it measures, between whom and when, grouped by
metric + subjects + period across articles; conflicts and series.

- A figure's value stands for an interval its writing allows: "$6.1 billion" is
  6.05–6.15 bn (half a unit of the last digit written), "6,100 million dollars" is
  6,050–6,150 million (trailing zeros of a whole number are not taken as precise), so the
  two are equal. "about"/"nearly" widen it to at least ±10%; "more than" opens it upwards;
  a range ("$1-2 billion") runs from its low to its high end.
- A **conflict** is a group whose intervals do not all overlap, compared only within one
  unit and rate: a value in another currency (or per another time) is listed as not
  compared, since no exchange rate is known.
- A **series** is one metric and subjects in one unit over two or more periods, in time
  order (2021 $3.2 bn → 2022 $6.1 bn).
- Figures without a metric, a period or subjects stay facts, in no group: nothing to
  compare them with.

Sources: "suggested" (the models' figures, linked by the `kb` source's pre-links), a
curator's name (their figure annotations with the links they set, the rest resolved
from their entity links), or "gold" (the adjudicated `@gold`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.kb.figure_links import (
    FigureLinks,
    Mention,
    figure_links,
    metric_phrases,
    resolve_figure,
    sentence_of,
)
from annotator.core.kb.index import get_index
from annotator.core.model import GOLD

if TYPE_CHECKING:
    from annotator.core.model import Entity
    from annotator.core.store import Store

APPROX = 0.10
Measure = tuple[str, str | None, str | None, str]
_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass
class Fact:
    doc_id: int
    source: str
    date: str | None
    start: int
    end: int
    text: str
    kind: str
    value: float | None
    unit: str | None
    links: FigureLinks
    sentence: str
    sentence_start: int
    attrs: dict[str, Any] = field(default_factory=dict)
    group: str | None = None
    conflict: bool = False

    @property
    def metric(self) -> Entity | None:
        return self.links.metric

    @property
    def subjects(self) -> tuple[Entity, ...]:
        return self.links.subjects

    @property
    def period(self) -> dict[str, Any] | None:
        return self.links.period

    @property
    def rate(self) -> str | None:
        rate = self.attrs.get("rate")
        return str(rate).lower() if rate else None

    @property
    def is_change(self) -> bool:
        """A change of the metric ("19.5% more than in 2021", "an increase of 1.9
        times"), not its level."""
        return bool(self.attrs.get("change")) and self.kind in ("percent", "multiplier")

    @property
    def measure(self) -> Measure:
        """What must be equal for two values to be compared: kind, unit, rate, and
        whether it is a change."""
        return (self.kind, self.unit, self.rate, "change" if self.is_change else "")

    @property
    def interval(self) -> tuple[float, float] | None:
        return value_interval(self.attrs, self.text)

    @property
    def group_key(self) -> tuple[str, tuple[str, ...], tuple[str | None, str | None]] | None:
        period = self.period
        if self.metric is None or not self.subjects or not period:
            return None
        if not (period.get("start") or period.get("end")):
            return None
        subjects = tuple(sorted(e.key for e in self.subjects))
        return (self.metric.key, subjects, (period.get("start"), period.get("end")))


@dataclass
class Group:
    id: str
    metric: Entity
    subjects: tuple[Entity, ...]
    period: dict[str, Any]
    facts: list[Fact]
    # pairs of facts whose intervals do not overlap
    conflicts: list[tuple[Fact, Fact]] = field(default_factory=list)
    # facts not compared with the others, and why
    not_compared: list[tuple[Fact, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        who = ", ".join(sorted(e.name for e in self.subjects))
        return f"{self.metric.name} · {who} · {self.period.get('label')}"


@dataclass
class Series:
    metric: Entity
    subjects: tuple[Entity, ...]
    measure: Measure
    steps: list[tuple[dict[str, Any], list[Fact]]]  # (period, facts), in time order

    @property
    def title(self) -> str:
        who = ", ".join(sorted(e.name for e in self.subjects))
        change = " (change)" if self.measure[3] else ""
        return f"{self.metric.name}{change} · {who}"


# -- values as intervals -----------------------------------------------------------------


def _half_unit(value: float, text: str) -> float:
    """Half a unit of the last digit the text writes, scaled as the value is
    ("$6.1 billion": 0.05e9); from the value's own digits when the text has no numeral
    matching it ("one thousand")."""
    for numeral in _NUMERAL.findall(text):
        digits = numeral.replace(",", "")
        try:
            written = float(digits)
        except ValueError:
            continue
        if written <= 0 or value <= 0:
            continue
        scale = value / written
        if abs(scale - 10 ** round(math.log10(scale))) > 1e-6 * scale:
            continue  # not this numeral (a "2" of "2 flights" in "$6.1 bn for 2 flights")
        if "." in digits:
            ulp = 10.0 ** -len(digits.split(".")[1])
        else:
            whole = digits.rstrip("0")
            ulp = 10.0 ** (len(digits) - len(whole)) if whole else 1.0
        return ulp * scale / 2
    if value == 0:
        return 0.0
    mantissa = f"{abs(value):.12e}".split("e")
    sig = mantissa[0].replace(".", "").rstrip("0") or "0"
    exponent = int(mantissa[1]) - (len(sig) - 1)
    return 10.0**exponent / 2


def value_interval(attrs: dict[str, Any], text: str) -> tuple[float, float] | None:
    """The values a figure's writing allows (see the module's rules); None without a
    value."""
    value = attrs.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    value = float(value)
    half = _half_unit(abs(value), text)
    high_value = attrs.get("value_max")
    high = float(high_value) if isinstance(high_value, int | float) else value
    low, high = value - half, high + _half_unit(abs(high), text) if high != value else value + half
    if attrs.get("approx"):
        low = min(low, value - APPROX * abs(value))
        high = max(high, value + APPROX * abs(value))
    bound = attrs.get("bound")
    if bound in (">", ">="):
        high = math.inf
    elif bound in ("<", "<="):
        low = -math.inf
    return low, high


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


# -- collecting ------------------------------------------------------------------------------


def collect_facts(
    store: Store,
    source: str = "suggested",
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Fact]:
    """Every figure of the project as a fact, in document and text order."""
    ids = store.document_ids()
    facts: list[Fact] = []
    for n, doc in enumerate(store.documents(ids), 1):
        facts += list(_document_facts(store, doc, source))
        if on_progress:
            on_progress(n, len(ids))
    return facts


def _fact(
    doc: Any, start: int, end: int, label: str, attrs: dict[str, Any], links: FigureLinks
) -> Fact:
    s, e = sentence_of(doc.text, start, end)
    value = attrs.get("value")
    return Fact(
        doc_id=doc.id,
        source=doc.source,
        date=doc.date,
        start=start,
        end=end,
        text=doc.text[start:end],
        kind=str(attrs.get("kind") or label),
        value=float(value) if isinstance(value, int | float) else None,
        unit=attrs.get("unit"),
        links=links,
        sentence=" ".join(doc.text[s:e].split()),
        sentence_start=s,
        attrs=attrs,
    )


def _document_facts(store: Store, doc: Any, source: str) -> Iterator[Fact]:
    if source == "suggested":
        suggestions = store.suggestions(doc.id)
        mentions = [
            Mention(s.start, s.end, doc.text[s.start : s.end], s.attrs["kb_id"])
            for s in suggestions
            if s.layer == "ents" and s.attrs.get("kb_id") and s.attrs["kb_id"] != "NIL"
        ]
        index = get_index(store)
        seen: set[str] = set()
        figures = []
        for s in suggestions:
            if s.layer != "figures" or s.key in seen or not 0 <= s.start < s.end <= len(doc.text):
                continue
            seen.add(s.key)
            figures.append(s)
        phrases = metric_phrases(
            doc.text,
            [(s.start, s.end, str(s.attrs.get("kind") or s.label), s.attrs) for s in figures],
        )
        for s, phrase in zip(figures, phrases, strict=True):
            attrs = {**s.attrs, "metric": phrase}
            links = resolve_figure(
                store, doc.text, doc.date, s.start, s.end, attrs, mentions, index=index
            )
            yield _fact(doc, s.start, s.end, s.label, s.attrs, links)
        return
    from annotator.core import curation

    who = GOLD if source == "gold" else source
    state = curation.load(store, doc.id, who)
    for item in state.items:
        if item.layer == "figures" and not item.is_suggestion and item.drawable:
            yield _fact(
                doc, item.start, item.end, item.label, item.attrs, figure_links(store, state, item)
            )


# -- grouping -----------------------------------------------------------------------------


def group_facts(facts: Sequence[Fact]) -> list[Group]:
    """Groups of facts with the same metric, subjects and period (two or more facts, or
    one), each checked for conflicts; marks each fact's group and conflict."""
    by_key: dict[Any, list[Fact]] = {}
    for f in facts:
        key = f.group_key
        if key is not None:
            by_key.setdefault(key, []).append(f)
    groups: list[Group] = []
    for n, (_, members) in enumerate(sorted(by_key.items(), key=lambda kv: str(kv[0])), 1):
        first = members[0]
        assert first.metric is not None and first.period is not None
        group = Group(f"g{n}", first.metric, first.subjects, first.period, members)
        for f in members:
            f.group = group.id
        _check(group)
        groups.append(group)
    return groups


def _check(group: Group) -> None:
    measures: dict[Measure, list[Fact]] = {}
    for f in group.facts:
        if f.interval is None:
            group.not_compared.append((f, "no value"))
            continue
        measures.setdefault(f.measure, []).append(f)
    if not measures:
        return
    # the measure most facts share is compared; the others are listed with the reason
    main = max(measures, key=lambda m: (len(measures[m]), m[0] == "money"))
    for measure, members in measures.items():
        if measure == main:
            continue
        for f in members:
            group.not_compared.append((f, _why_not(main, measure)))
    compared = measures[main]
    for i, a in enumerate(compared):
        for b in compared[i + 1 :]:
            if not overlap(a.interval, b.interval):  # type: ignore[arg-type]
                group.conflicts.append((a, b))
                a.conflict = b.conflict = True


def _why_not(main: Measure, other: Measure) -> str:
    if main[0] == other[0] == "money" and main[1] != other[1]:
        return f"in {other[1]}, the others in {main[1]}: no exchange rate to compare them"
    if main[3] != other[3]:
        return "a change, the others are levels" if other[3] else "a level, the others changes"
    if main[0] != other[0]:
        return f"a {other[0]}, the others are {main[0]}"
    if main[1] != other[1]:
        return f"in {other[1] or 'no unit'}, the others in {main[1] or 'no unit'}"
    return f"{other[2] or 'no rate'}, the others {main[2] or 'no rate'}"


def find_series(facts: Sequence[Fact]) -> list[Series]:
    """Metric + subjects + measure over two or more periods, in time order."""
    by_key: dict[Any, list[Fact]] = {}
    for f in facts:
        key = f.group_key
        if key is None or f.interval is None:
            continue
        by_key.setdefault((key[0], key[1], f.measure), []).append(f)
    out: list[Series] = []
    for (_, _, measure), members in sorted(by_key.items(), key=lambda kv: str(kv[0])):
        periods: dict[tuple[str | None, str | None], list[Fact]] = {}
        for f in members:
            period = f.period or {}
            periods.setdefault((period.get("start"), period.get("end")), []).append(f)
        if len(periods) < 2:
            continue
        order = sorted(periods, key=lambda se: (se[1] or se[0] or "", se[0] or ""))
        steps = [(periods[p][0].period or {}, periods[p]) for p in order]
        first = members[0]
        assert first.metric is not None
        out.append(Series(first.metric, first.subjects, measure, steps))
    return out


def fact_amount(f: Fact) -> str:
    """The fact's value as the facts view and the CLI show it ("6.1 bn USD")."""
    from annotator.core.curation import format_figure

    return format_figure(f.attrs) or f.text


def series_steps(s: Series) -> str:
    """A series' steps in time order: "2021 3.2 bn USD → 2022 6.1 bn USD / 6.53 bn USD"."""
    return " → ".join(
        f"{p.get('label')} {' / '.join(fact_amount(f) for f in members)}" for p, members in s.steps
    )
