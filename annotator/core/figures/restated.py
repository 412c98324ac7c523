"""A figure that restates another, or is the base another is compared with, measures
what that one measures.

* A conversion or aside in brackets right after a figure: "€7.1bn (£5.1bn)", "£11m ($15m,
  €13m)" -> the metric, period and subjects of the figure before the bracket.
* A change with no metric of its own, said after it ("172.2 million US dollars, 19.5%
  more than in 2021") -> the metric of its sentence's figure before it. (A subject that
  only points back, "this indicator", stays no metric here: kb/figure_links.py resolves
  it across sentences.)
* The base of a comparison: "£1.19bn, compared with £863m a year earlier", "compared to
  2022 ($6.3 billion)", "10.2 percent lower than $105.06 billion", "up to £2.9bn from
  £3.1bn" -> the metric and subjects of the nearest earlier figure of the same kind in the
  sentence (its period is its own: the base is another time).

The figure before must have been read already: ``find_figures`` reads figures in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.figures.figure import Figure

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_COMPARE = {"compared", "comparing", "compare", "versus", "vs", "vs.", "against"}
_BRACKETS = {"(", "["}


def restate(fig: Figure, span: Span, earlier: list[tuple[Span, Figure]]) -> None:
    """Take the metric (and subjects, and for a conversion the period) of the figure
    ``fig`` restates; ``earlier`` holds the figures read before it, in order."""
    sent = span.sent if span.doc.has_annotation("SENT_START") else span.doc[:]
    before = [(s, f) for s, f in earlier if s.start >= sent.start and s.end <= span.start]
    if not before:
        return
    source = _converted(span, before)
    if source is not None:
        if fig.kind == source.kind:
            _copy(fig, source, period=True)
        elif source.subjects:
            fig.subjects = list(source.subjects)  # "China - $3.3bn (17% of the total)"
        return
    if _is_base(span):
        same = [f for _s, f in before if f.kind == fig.kind and f.metric]
        if same:
            _copy(fig, same[-1], period=False)
    elif fig.metric is None and fig.kind in ("percent", "multiplier") and _change_after(fig):
        # "172.2 million US dollars, 19.5% more than in 2021": the change of the figure
        named = [f for _s, f in before if f.metric]
        if named:
            fig.metric = named[-1].metric


def _change_after(fig: Figure) -> bool:
    """The change is said after the figure only ("19.5% more than in 2021"); a change
    verb or noun before it ("rose by", "a decline of", "up") has a subject of its own."""
    parts = [p.strip().lower() for p in (fig.change or "").split(",") if p.strip()]

    def before(part: str) -> bool:
        if part.endswith((" by", " of")) or part in ("up", "down"):
            return True
        return part.isalpha() and part not in ("more", "less", "higher", "lower")

    return bool(parts) and not any(before(p) for p in parts)


def _copy(fig: Figure, source: Figure, *, period: bool) -> None:
    if source.metric:
        fig.metric = source.metric
    if source.subjects:
        fig.subjects = list(source.subjects)
    if period and source.period is not None:
        fig.period, fig.period_norm = source.period, source.period_norm


def _converted(span: Span, before: list[tuple[Span, Figure]]) -> Figure | None:
    """The figure right before the bracket this one opens, or is listed in."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].text == ",":
        # "£11m ($15m, €13m)": skip back over the figures listed in the bracket
        prev = next((s for s, _f in reversed(before) if s.end == i), None)
        if prev is None:
            return None
        i = prev.start - 1
    if i < 1 or doc[i].text not in _BRACKETS:
        return None
    return next((f for s, f in reversed(before) if s.end == i and f.kind == "money"), None)


def _is_base(span: Span) -> bool:
    """Is the figure what another is compared with?"""
    doc = span.doc
    k = span.start - 1
    if k >= 1 and doc[k].text in _BRACKETS:
        # "compared to 2022 ($6.3 billion)": the bracket restates the base
        return _is_base_token(doc[k - 1])
    return _is_base_token(span.root)


def _is_base_token(tok: Token) -> bool:
    if tok.dep_ not in ("pobj", "nummod", "compound") or tok.head is tok:
        return False
    prep = tok.head if tok.dep_ == "pobj" else tok.head.head
    if prep.dep_ != "prep" and prep.lower_ != "than":
        return False
    word = prep.lower_
    if word in ("to", "with") and prep.head.lower_ in _COMPARE:
        return True
    if word in _COMPARE or word == "than":
        return True
    return word == "from" and any(c.dep_ == "prep" and c.lower_ == "to" for c in prep.head.children)
