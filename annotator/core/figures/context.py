"""What the sentence says about a figure: approx, bound, rate, change, metric, period, subjects."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.figures.figure import Figure
from annotator.core.figures.lexicon import (
    _AFTER_BOUNDS,
    _APPROX,
    _BOUNDS,
    _CHANGE_AFTER_WORDS,
    _CHANGE_BEFORE,
    _CLAUSE_DEPS,
    _CLIMB_DEPS,
    _COMPARATIVES,
    _GENERIC_METRIC,
    _MODIFIER_DEPS,
    _QUANTITY_VERBS,
    _RATE_ADJ,
    _RATE_ADVERBS,
    _SUBJECT_LABELS,
    _words,
)
from annotator.core.figures.periods import normalise_period

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
    fig.metric = _metric(doc, span, root)
    clause = _clause_root(root)
    ents = info.ents(sent)
    fig.period = _period(doc, span, clause, ents)
    if fig.period is not None:
        norm = normalise_period(fig.period, info.doc_date)
        fig.period_norm = norm.to_dict() if norm is not None else None
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
