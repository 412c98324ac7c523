"""What a figure measures: the noun phrase the dependency parse ties it to.

"pre-tax profits fell 15 per cent to £3.1bn" -> "pre-tax profits" for both figures (the
subject of the verb they hang from); "a pretax profit of £983m" -> "pretax profit" (the noun
the figure is "of"); "a 23% increase in profit before tax" -> "profit before tax" (what the
change is in); "a £3m investment scam" -> "investment scam" (the noun a money or measure
figure describes). Looking through "volume/value/amount of": "the volume of mutual trade"
-> "mutual trade"; "the number of people claiming benefits" -> "people claiming benefits"
(an -ing clause or a trailing adjective says which). Durations: "25 years of experience"
-> "experience", "the trial lasted 6 weeks" -> "trial", "the duration of flights is 6
hours" -> "duration of flights"; a distance gone is the going ("travel 300 km" ->
"travel"). Pronouns, names and actors ("the
company", "the bank") are not metrics; nor are words that only point back ("this figure",
"the same index").
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from annotator.core.figures.lexicon import (
    _CLIMB_DEPS,
    _GENERIC_METRIC,
    _MODIFIER_DEPS,
    _QUANTITY_VERBS,
    _SUBJECT_LABELS,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Doers, not things measured: "the company sold 19 million devices".
_ACTORS = {
    "company", "companies", "group", "bank", "banks", "firm", "firms", "government", "country",
    "countries", "state", "states", "lender", "lenders", "business", "we", "they", "he",
    "she", "it", "who", "which", "that", "investors", "manufacturer", "producer", "producers",
    "exporters", "importers", "side", "sides", "ministry", "authorities", "people", "duo",
    "gang", "pair", "trio", "man", "woman", "men", "women", "vendor", "brand", "operator",
    "carrier",
}  # fmt: skip
# Words that only point back to a metric named earlier, or name no metric at all.
_POINTERS = {"figure", "figures", "indicator", "index", "number", "amount", "value", "total",
             "sum", "level", "this", "that", "it", "mark", "threshold", "yoy", "qoq", "y/y",
             "q/q", "year", "years", "month", "quarter", "statistics", "data", "report",
             "survey", "study", "work", "results"}  # fmt: skip
# Adjectives that say something about the figure, not about what it measures.
_NOT_METRIC_WORDS = {"record", "new", "current", "existing", "reduced", "original", "whopping",
                     "mere", "further", "additional", "estimated", "expected"}  # fmt: skip
# A change verb with an object: what changes is the object ("boost trade turnover to $3bn").
_OBJECT_VERBS = {
    "boost", "boosted", "boosting", "raise", "raised", "raising", "increase", "increased",
    "increasing", "cut", "cutting", "reduce", "reduced", "reducing", "slash", "slashed",
    "bring", "bringing", "brought", "lift", "lifted", "lower", "lowered", "grow", "grew",
    "double", "doubled", "triple", "tripled", "expand", "expanded", "trim", "trimmed",
    "limit", "limited", "limiting", "reduces", "cuts", "boosts", "raises", "increases",
}  # fmt: skip
_CHANGE_NOUNS = {
    "increase", "rise", "growth", "fall", "decline", "decrease", "drop", "jump", "surge",
    "gain", "loss", "cut", "reduction", "uptick", "slump", "dip", "contraction", "expansion",
}  # fmt: skip
_COMPLEMENT_PREPS = ("in", "of")
_COMPARE_WORDS = {"compared", "comparing", "compare", "versus", "vs", "vs."}
_TAIL_PREPS = {"before", "per"}
# Change verbs as participles ("with smartphone shipments increasing by 20%"): a count's
# verb like these has its subject as the metric, as the finite forms do.
_CHANGE_PARTICIPLES = {
    "increasing", "decreasing", "rising", "falling", "growing", "declining", "dropping",
    "climbing", "jumping", "surging", "reaching", "totalling", "totaling", "amounting",
}  # fmt: skip
# What a duration measures is the subject of these ("the trial lasted 6 weeks", "a trial
# that lasted over five months", "prison sentences totalling over 35 years").
_LASTING_VERBS = {
    "last", "lasts", "lasted", "lasting", "total", "totals", "totalled", "totaled",
    "totalling", "totaling", "span", "spans", "spanned", "spanning",
}  # fmt: skip
# A distance said as how far one goes: the going is the metric ("travel 300 km").
_MOTION_VERBS = {"travel", "drive", "walk", "fly", "commute", "sail", "cycle"}
# Nouns that name a dimension of what follows "of": "the duration of flights".
_DIMENSIONS = {"duration", "length", "distance", "span"}
# Qualifiers of a change that the parser may make the head of the figure ("20% QoQ").
_CHANGE_QUALIFIERS = {"yoy", "qoq", "y/y", "q/q", "mom", "m/m"}


@cache
def _kb_metric_words() -> frozenset[str]:
    """The starter KB's one-word METRIC aliases ("revenue", "turnover"): such a word is a
    metric also when the parser takes it, capitalised, for a name ("The Revenue for the
    quarter ... grew")."""
    words: set[str] = set()
    path = resources.files("annotator.resources") / "kb" / "metrics.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        for form in (rec.get("name", ""), *rec.get("aliases", [])):
            if form and " " not in form:
                words.add(form.lower())
    return frozenset(words)


def _metric_name(tok: Token) -> bool:
    """A capitalised word the parser took for a name that is a KB metric word."""
    return tok.pos_ == "PROPN" and not tok.ent_type_ and tok.lower_ in _kb_metric_words()


def figure_metric(span: Span, root: Token, kind: str = "money") -> str | None:
    found = _headline(span)
    if found is not None:
        return found
    if kind == "duration":
        found = _of_complement(root, span)  # "25 years of experience", "70 years of reign"
        if found is not None:
            return found
    tok = root
    for _ in range(8):
        head = tok.head
        if head is tok:
            return None
        if tok.dep_ in _MODIFIER_DEPS and head.pos_ in ("NOUN", "PROPN") and head.i >= span.end:
            # "a 23% increase in profit", "a £3m investment scam", "a 1 GW plant"
            if head.lower_ in _CHANGE_NOUNS:
                found = _complement(head, span)
                if found is not None:
                    return found
                tok = head
                continue
            if head.lower_ in _CHANGE_QUALIFIERS:
                tok = head  # "increasing by 20% QoQ": the figure's change, not a metric
                continue
            if head.lower_ in _GENERIC_METRIC:
                found = _of_complement(head, span)  # "three times the rate of growth"
                if found is not None:
                    return found
            return np_text(head, span) if head.lower_ not in _POINTERS else None
        if (
            tok.dep_ == "appos"
            and span.start <= tok.i < span.end
            and (head.pos_ == "NOUN" or _metric_name(head))
            and head.i < span.start
            and head.lower_ not in _ACTORS | _POINTERS | _CHANGE_NOUNS | _GENERIC_METRIC
            and len(head.text) > 2
            and not any(c.like_num or c.tag_ == "$" for c in head.lefts)  # not a figure
        ):
            if _metric_name(head):
                return head.lower_
            return np_text(head, span)  # "a pretax profit of £983m" parsed "profit, £983m"
        if (
            tok.dep_ == "appos"
            and tok.lower_ in _CHANGE_NOUNS
            and head.i < tok.i
            and (head.pos_ == "NOUN" or _metric_name(head))
            and head.lower_ not in _ACTORS | _POINTERS | _CHANGE_NOUNS
            and not head.ent_type_  # not "49.8 million US dollars (an increase of 1.9 times)"
            and _complement(tok, span) is None
        ):
            return _subject_metric(head, span)  # "a profit of £4.4bn, an increase of 15%"
        if tok.dep_ == "pobj" and head.lower_ == "by" and head.head.lower_ in _CHANGE_NOUNS:
            found = _complement(head.head, span)  # "a decrease in its production by 6.3%"
            if found is not None:
                return found
        if tok.dep_ == "pobj" and head.lower_ in ("of", "at") and head.head.pos_ == "NOUN":
            noun = head.head
            if span.start <= noun.i < span.end:
                return None
            if noun.lower_ in _CHANGE_NOUNS:
                found = _complement(noun, span) or _in_complement(tok, span)
                if found is not None:
                    return found  # "an uptick of 5% in deal volume" hung on the figure
                tok = noun
                continue
            if noun.lower_ in _GENERIC_METRIC and _named_by_compound(noun):
                found = np_text(noun, span)  # "a market share of 20%", "a face value of ₹10"
                if found is not None and found.lower() != noun.lower_:
                    return found
            if noun.lower_ in _GENERIC_METRIC or noun.lower_ in ("record", "high", "low"):
                tok = noun  # "reached a record of $1.5 billion": climb to the verb
                continue
            return np_text(noun, span)
        if head.lower_ in _COMPARE_WORDS and tok.dep_ == "prep" and head.head is not head:
            # "rose 11.6% compared to $1.181 billion": the base measures what the verb's does
            tok = head
            continue
        if head.pos_ in ("VERB", "AUX"):
            if tok.dep_ == "prep" and head.lower_ in _OBJECT_VERBS:
                obj = next((c for c in head.children if c.dep_ == "dobj"), None)
                if obj is not None and not span.start <= obj.i < span.end:
                    return _subject_metric(obj, span)  # "cut its production by 209 kb/d"
            if tok.dep_ == "prep" and tok.lower_ == "by":
                obj = next((c for c in head.children if c.dep_ == "dobj"), None)
                if obj is not None and obj.lower_ in _CHANGE_NOUNS:
                    found = _complement(obj, span)  # "saw a decrease in output by 6.3%"
                    if found is not None:
                        return found
            if kind == "measure" and tok.dep_ == "dobj" and head.lemma_ in _MOTION_VERBS:
                return head.lemma_  # "need not travel more than 300 kilometers"
            if kind == "duration" and head.lemma_ == "be" and tok.dep_ == "attr":
                subj = _subject(head)  # "the duration of flights ... is 6 hours"
                if subj is not None and subj.lower_ in _DIMENSIONS:
                    of = _of_complement(subj, span)
                    return f"{subj.lower_} of {of}" if of else subj.lower_
            if kind == "duration" and head.lower_ in _LASTING_VERBS:
                subj = _subject(head)
                if subj is not None and subj.lower_ in ("that", "which") and head.dep_ == "relcl":
                    subj = head.head  # "a trial that lasted over five months"
                return _subject_metric(subj, span) if subj is not None else None
            if kind in ("duration", "rank") or (
                kind in ("count", "measure")
                and head.lower_ not in _QUANTITY_VERBS | _CHANGE_PARTICIPLES
            ):
                return None  # "citizens need not travel 300 km": not a metric of citizens
            subj = _subject(head)
            return _subject_metric(subj, span) if subj is not None else None
        if (
            tok.lower_ in ("up", "down")
            and head.pos_ == "NOUN"
            and head.i < span.start
            and head.lower_ not in _ACTORS
        ):
            return _subject_metric(head, span)  # a headline: "Total assets up 31 per cent"
        if tok.dep_ in _CLIMB_DEPS:
            if head.pos_ == "NOUN" and head.lower_ in _CHANGE_NOUNS:
                found = _complement(head, span)
                if found is not None:
                    return found
            tok = head
            continue
        return None
    return None


def _headline(span: Span) -> str | None:
    """A line of its own that starts with what it measures: "Earnings per share up 37 per
    cent to 30.6p" (results tables and bullet lists run together into one parse, so the
    parse does not say which line a figure belongs to; the line does)."""
    doc = span.doc
    start = span.start
    while start > 0 and "\n" not in doc[start - 1].text and "\n" not in doc[start - 1].whitespace_:
        start -= 1
    end = span.start
    nxt = span.end
    while nxt < len(doc) and "\n" not in doc[nxt - 1].whitespace_ and "\n" not in doc[nxt].text:
        nxt += 1
    if start == 0 and nxt >= len(doc):
        return None  # no line of its own: the parse knows better
    cue = next((i for i in range(start, end) if doc[i].lower_ in ("up", "down")), None)
    if cue is None or cue == start or cue - start > 6:
        return None
    words = doc[start:cue]
    if any(t.pos_ in ("VERB", "AUX", "PRON", "NUM") or t.like_num for t in words):
        return None
    if any(t.ent_type_ in _SUBJECT_LABELS for t in words):
        return None
    text = words.text.strip()
    if not text[:1].isalpha():
        return None
    first = words[0]
    if not first.is_upper:
        text = first.text.lower() + text[len(first.text) :]
    return text


def _subject(verb: Token) -> Token | None:
    """The verb's subject; a conjoined or open-complement verb shares its head's; a
    participle that modifies a noun has that noun ("with bilateral trade reaching $5
    billion", "a deal valued at €7.1bn")."""
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            nouns = [s for s in subjects if s.pos_ in ("NOUN", "PROPN", "PRON")]
            return (nouns or subjects)[-1]
        if verb.dep_ == "acl" and verb.tag_ in ("VBG", "VBN") and verb.head.i < verb.i:
            # not "a fall of 6.25 per cent bagging $3,905.07 million"
            return verb.head if verb.head.lower_ not in _CHANGE_NOUNS else None
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
            verb = verb.head
            continue
        return None
    return None


def _named_by_compound(noun: Token) -> bool:
    """'market share', 'transaction value', 'dividend rate': a generic noun that a noun
    before it makes a metric of its own (not 'the total value', 'a record high')."""
    return any(c.dep_ == "compound" and c.pos_ == "NOUN" for c in noun.lefts)


def _of_complement(noun: Token, span: Span) -> str | None:
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                inside = span.start <= pobj.i < span.end
                if pobj.dep_ == "pobj" and pobj.pos_ == "NOUN" and not inside:
                    return np_text(pobj, span)
    return None


def _subject_metric(subj: Token, span: Span) -> str | None:
    if _metric_name(subj):
        return subj.lower_  # "The Revenue for the quarter ... grew by 9.57%"
    if subj.pos_ in ("PRON", "PROPN", "NUM") or subj.ent_type_ in _SUBJECT_LABELS:
        return None
    if subj.lower_ in _ACTORS or subj.like_num:
        return None
    if subj.lower_ in _GENERIC_METRIC or subj.lower_ in _POINTERS:
        # "the volume of mutual trade", "the total value of merchandise exports"
        for prep in subj.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN", "ADJ"):
                        if pobj.lower_ in _GENERIC_METRIC:
                            return _subject_metric(pobj, span)
                        return _counted(subj, pobj, span)
        if subj.lower_ in _POINTERS:
            return None
    return np_text(subj, span)


def _counted(generic: Token, noun: Token, span: Span) -> str | None:
    """What "the number/value of" counts, with the clause that says which: "the number of
    people claiming Jobseeker's Allowance" -> "people claiming Jobseeker's Allowance", "the
    number of jobless aged 16 to 24" -> "jobless aged 16 to 24" (not "last month")."""
    text = np_text(noun, span) if noun.pos_ != "ADJ" else noun.text
    if text is None:
        return None
    # an -ing clause or an adjective says which ("foreign capital actually used in ..."
    # is still foreign capital)
    tail = [c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBG" and c.i > noun.i]
    tail += [c for c in generic.children if c.dep_ == "amod" and c.i > noun.i]
    for clause in tail[:1]:
        words = [t for t in clause.subtree if t.ent_type_ != "DATE" and t.i >= clause.i]
        end = clause.i
        for t in words:
            if t.i > end + 1:
                break
            end = t.i
        while end > clause.i and span.doc[end].dep_ in ("prep", "punct", "cc"):
            end -= 1  # "... Allowance in [November]"
        if span.start <= end and clause.i < span.end:
            break
        text = f"{text} {span.doc[clause.i : end + 1].text}"
    return text


def _in_complement(tok: Token, span: Span) -> str | None:
    """'an uptick of 5% in deal volume' parsed with 'in deal volume' on the figure."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "in":
            for pobj in prep.children:
                if (
                    pobj.dep_ == "pobj"
                    and pobj.pos_ == "NOUN"
                    and not pobj.ent_type_
                    and not span.start <= pobj.i < span.end
                ):
                    return np_text(pobj, span)
    return None


def _complement(noun: Token, span: Span) -> str | None:
    """'increase in profit before tax' -> 'profit before tax' (not the figure itself)."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in _COMPLEMENT_PREPS:
            for pobj in prep.children:
                inside = span.start <= pobj.i < span.end
                if (
                    pobj.dep_ == "pobj"
                    and pobj.pos_ == "NOUN"
                    and not inside
                    and pobj.ent_type_ not in _SUBJECT_LABELS
                ):
                    return np_text(pobj, span)
    return None


def np_text(noun: Token, span: Span | None = None) -> str | None:
    """'the interim pre-tax profits' -> 'interim pre-tax profits'; 'profit before tax' keeps
    its 'before'/'per' tail; drops articles, possessives, names, numbers and participles."""
    doc = noun.doc
    keep: set[int] = {noun.i}
    for t in noun.lefts:
        if t.dep_ not in ("compound", "amod", "nmod") or t.ent_type_ in _SUBJECT_LABELS:
            continue
        subtree = list(t.subtree)
        if any(c.dep_ == "poss" for c in subtree):
            continue
        for x in subtree:
            if x.dep_ in ("det", "poss", "case") or x.like_num or x.tag_ in ("VBN", "VBG", "$"):
                continue
            if x.lower_ in _NOT_METRIC_WORDS:
                continue
            keep.add(x.i)
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in _TAIL_PREPS:
            keep.update(x.i for x in prep.subtree if x.dep_ != "det")
    last = max(keep)
    if (
        last + 2 < len(doc)
        and doc[last + 1].lower_ in _TAIL_PREPS
        and doc[last + 2].pos_ == "NOUN"
        and (span is None or not span.start <= last + 1 < span.end)
    ):
        keep.update((last + 1, last + 2))  # "profit before tax" the parser split up
    if span is not None:
        if span.start <= noun.i < span.end:
            return None  # "5,000 visitors are expected": the figure is its own subject
        keep -= set(range(span.start, span.end))
    if not keep:
        return None
    # "profit before taxes" when the parser made "taxes" the head
    first = min(keep)
    if (
        first >= 2
        and doc[first - 1].lower_ in _TAIL_PREPS
        and doc[first - 2].pos_ == "NOUN"
        and (span is None or not span.start <= first - 2 < span.end)
    ):
        keep.update((first - 1, first - 2))
        keep.update(c.i for c in doc[first - 2].lefts if c.dep_ in ("compound", "amod"))
    # a hyphenated word the parser split ("re-exports", "pre-tax", "run-rate"): take it whole
    first = min(keep)
    if doc[first].text == "-" and first >= 1 and doc[first - 1].is_alpha:
        keep.add(first - 1)
        first -= 1
    while (
        first >= 2
        and doc[first - 1].text == "-"
        and doc[first - 1].idx + 1 == doc[first].idx
        and doc[first - 2].idx + len(doc[first - 2].text) == doc[first - 1].idx
        and doc[first - 2].is_alpha
    ):
        keep.update((first - 1, first - 2))
        first -= 2
    lo, hi = min(keep), max(keep)
    for i in range(lo, hi + 1):
        if doc[i].text == "-" and i - 1 in keep and i + 1 in keep:
            keep.add(i)
    order = sorted(keep)
    parts: list[str] = []
    for n, i in enumerate(order):
        t = doc[i]
        word = (
            t.text.lower() if t.is_sent_start and t.pos_ != "PROPN" and not t.is_upper else t.text
        )
        parts.append(word)
        if n + 1 < len(order):
            glued = order[n + 1] == i + 1 and not t.whitespace_
            parts.append("" if glued else " ")
    text = "".join(parts).strip()
    return text or None
