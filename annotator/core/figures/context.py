"""What the sentence says about a figure: approx, bound, rate, change, metric, period, subjects."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.core.figures.figure import Figure
from annotator.core.figures.lexicon import (
    _AFTER_BOUNDS,
    _APPROX,
    _BOUNDS,
    _CHANGE_AFTER_WORDS,
    _CHANGE_BEFORE,
    _CLAUSE_DEPS,
    _COMPARATIVES,
    _RATE_ADJ,
    _RATE_ADVERBS,
    _words,
)
from annotator.core.figures.metric import figure_metric
from annotator.core.figures.periods import normalise_period
from annotator.core.figures.restated import restate
from annotator.core.figures.subjects import document_places, figure_subjects, sentence_sources

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

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


_RUPEE_COUNTRIES = {
    "INR": re.compile(r"\b(?:India|Indian|New Delhi|Delhi|Mumbai|Bengaluru|Chennai)\b"),
    "PKR": re.compile(r"\b(?:Pakistan|Pakistani|Karachi|Lahore|Islamabad)\b"),
    "LKR": re.compile(r"\b(?:Sri Lanka|Sri Lankan|Colombo)\b"),
    "NPR": re.compile(r"\b(?:Nepal|Nepalese|Nepali|Kathmandu)\b"),
}


_DOLLAR_COUNTRIES = {
    "USD": re.compile(
        r"\b(?:U\.S\.|US|USA|United States|American|Americans|Washington|New York|"
        r"Wall Street|Nasdaq|NYSE|California|Texas)\b"
    ),
    "AUD": re.compile(
        r"\b(?:Australia|Australian|Australians|ASX|Sydney|Melbourne|Brisbane|Perth|"
        r"Canberra|Adelaide|Queensland|NSW|New South Wales)\b"
    ),
    "CAD": re.compile(
        r"\b(?:Canada|Canadian|Canadians|Toronto|Ottawa|Montreal|Vancouver|TSX|Alberta|"
        r"Ontario|Quebec)\b"
    ),
    "NZD": re.compile(r"\b(?:New Zealand|Auckland|Wellington|NZX)\b"),
    "SGD": re.compile(r"\b(?:Singapore|Singaporean|SGX)\b"),
    "HKD": re.compile(r"\b(?:Hong Kong|HKEX)\b"),
}


_EUROS = re.compile(r"€|\b(?:euros?|EUR)\b")
_DOLLARS = re.compile(r"\$|\b(?:dollars?|USD|dlrs)\b")


@dataclass
class _DocInfo:
    """Per-call lookups, computed lazily: sentence starts, entities, the context Matcher."""

    doc: Doc
    matcher: PhraseMatcher
    labels: dict[int, tuple[str, str]]
    # Doc.text joins every token anew on each access: read it once.
    text: str = ""
    doc_date: str | None = None
    _sent_starts: list[int] | None = None
    _ents: list[Span] | None = None
    _rupee: str | None = None
    _places: list[str] | None = None

    _reporters: dict[int, frozenset[int]] = field(default_factory=dict)
    # the figures read so far, in order (a figure may restate one before it)
    figures: list[tuple[Span, Figure]] = field(default_factory=list)

    def reporters(self, sent: Span) -> frozenset[int]:
        found = self._reporters.get(sent.start)
        if found is None:
            found = self._reporters[sent.start] = sentence_sources(sent)
        return found

    def places(self) -> list[str]:
        if self._places is None:
            self._places = document_places(self.doc)
        return self._places

    _dollar: str | None = None

    def dollar(self) -> str:
        """The dollar a bare "$" means: the local one where the document is plainly about
        Australia, Canada, New Zealand, Singapore or Hong Kong (two mentions or more, and
        more than of the United States); else the US dollar."""
        if self._dollar is None:
            counts = {code: len(rx.findall(self.text)) for code, rx in _DOLLAR_COUNTRIES.items()}
            best = max(counts, key=lambda code: counts[code])
            local = best != "USD" and counts[best] >= 2 and counts[best] > counts["USD"]
            self._dollar = best if local else "USD"
        return self._dollar

    def cent(self) -> str:
        """The currency "cents" are hundredths of: the euro where the document writes euros
        and no dollars ("rose 45 cents to €9.85"); else the dollar a bare "$" means."""
        if _EUROS.search(self.text) and not _DOLLARS.search(self.text):
            return "EUR"
        return self.dollar()

    def rupee(self) -> str:
        """The rupee a document means by "Rs": the country it names most (India's if none)."""
        if self._rupee is None:
            counts = {code: len(rx.findall(self.text)) for code, rx in _RUPEE_COUNTRIES.items()}
            best = max(counts, key=lambda code: counts[code])
            self._rupee = best if counts[best] > counts["INR"] else "INR"
        return self._rupee

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
    fig.metric = figure_metric(span, root, fig.kind)
    clause = _clause_root(root)
    ents = info.ents(sent)
    fig.period = _period(doc, span, clause, ents) or _now(sent, clause)
    if fig.period is not None:
        norm = normalise_period(fig.period, info.doc_date)
        fig.period_norm = norm.to_dict() if norm is not None else None
    fig.subjects = figure_subjects(
        span,
        clause,
        sent,
        ents,
        _in_clause,
        info.places(),
        info.reporters(sent),
        fig.metric,
        fig.kind,
    )
    restate(fig, span, info.figures)
    info.figures.append((span, fig))


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


_NOW_WORDS = {("currently",), ("presently",), ("now",), ("so", "far"), ("to", "date"),
              ("at", "present"), ("thus", "far")}  # fmt: skip


_NOW_RE = re.compile(r"(?i)\b(?:currently|presently|now|so far|to date|at present|thus far)\b")


def _now(sent: Span, clause: Token) -> str | None:
    """'Currently, there are 15 flights', '740 companies have been registered so far': the
    figure holds at the article's date."""
    if not _NOW_RE.search(sent.text):
        return None  # most sentences: no need to look at their tokens
    words = [t.lower_ for t in sent]
    for i, t in enumerate(sent):
        for cue in _NOW_WORDS:
            if tuple(words[i : i + len(cue)]) == cue and _in_clause(t, clause):
                return sent[i : i + len(cue)].text
    return None


def _joined_dates(doc: Doc, ents: list[Span]) -> list[Span]:
    """Dates the model cut in two: "the third quarter (Q3) of 2014", "the first half of
    2023" -> one span (the aside in brackets kept inside)."""
    out: list[Span] = []
    for ent in ents:
        if out:
            prev = out[-1]
            gap = doc[prev.end : ent.start]
            words = [t.text for t in gap]
            inside = words[:1] == ["("] and ")" in words
            tail = words[words.index(")") + 1 :] if inside else words
            if tail == ["of"] and (inside or len(words) == 1):
                out[-1] = doc[prev.start : ent.end]
                continue
        out.append(ent)
    return out


def _period(doc: Doc, span: Span, clause: Token, sent_ents: list[Span]) -> str | None:
    cands: list[tuple[int, int, int]] = []  # (score, start, end)
    ents = _joined_dates(doc, [e for e in sent_ents if e.label_ == "DATE"])
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
        while e - 1 > s and doc[e - 1].lower_ in ("alone", "only"):
            e -= 1  # "in the last quarter of the year alone"
        if s > 0 and doc[s - 1].dep_ == "prep" and doc[s - 1].pos_ == "ADP":
            if doc[s - 1].head.lower_ in ("compared", "comparing"):
                pass  # "compared to 2022": the base's year, not "to 2022" (an end)
            else:
                s -= 1
                if s > 0 and doc[s].lower_ == "of" and doc[s - 1].lower_ == "as":
                    s -= 1  # "as of March 31, 2021"
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
