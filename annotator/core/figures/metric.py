"""What a figure measures: the noun phrase the dependency parse ties it to.

"pre-tax profits fell 15 per cent to £3.1bn" -> "pre-tax profits" for both figures (the
subject of the verb they hang from); "a pretax profit of £983m" -> "pretax profit" (the noun
the figure is "of"); "a 23% increase in profit before tax" -> "profit before tax" (what the
change is in); "a £3m investment scam" -> "investment scam" (the noun a money or measure
figure describes). Looking through "volume/value/amount of": "the volume of mutual trade"
-> "mutual trade". Pronouns, names and actors ("the company", "the bank") are not metrics;
nor are words that only point back ("this figure", "the same index").
"""

from __future__ import annotations

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
    "gang", "man", "woman", "men", "women", "vendor", "brand", "operator", "carrier",
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
}  # fmt: skip
_CHANGE_NOUNS = {
    "increase", "rise", "growth", "fall", "decline", "decrease", "drop", "jump", "surge",
    "gain", "loss", "cut", "reduction", "uptick", "slump", "dip", "contraction", "expansion",
}  # fmt: skip
_COMPLEMENT_PREPS = ("in", "of")
_TAIL_PREPS = {"before", "per"}


def figure_metric(span: Span, root: Token, kind: str = "money") -> str | None:
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
            if head.lower_ in _GENERIC_METRIC:
                found = _of_complement(head, span)  # "three times the rate of growth"
                if found is not None:
                    return found
            return np_text(head, span) if head.lower_ not in _POINTERS else None
        if tok.dep_ == "pobj" and head.lower_ in ("of", "at") and head.head.pos_ == "NOUN":
            noun = head.head
            if span.start <= noun.i < span.end:
                return None
            if noun.lower_ in _CHANGE_NOUNS:
                found = _complement(noun, span)
                if found is not None:
                    return found
                tok = noun
                continue
            if noun.lower_ in _GENERIC_METRIC or noun.lower_ in ("record", "high", "low"):
                tok = noun  # "reached a record of $1.5 billion": climb to the verb
                continue
            return np_text(noun, span)
        if head.pos_ in ("VERB", "AUX"):
            if kind in ("duration", "rank") or (
                kind in ("count", "measure") and head.lower_ not in _QUANTITY_VERBS
            ):
                return None  # "citizens need not travel 300 km": not a metric of citizens
            if tok.dep_ == "prep" and head.lower_ in _OBJECT_VERBS:
                obj = next((c for c in head.children if c.dep_ == "dobj"), None)
                if obj is not None and not span.start <= obj.i < span.end:
                    return _subject_metric(obj, span)
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


def _subject(verb: Token) -> Token | None:
    """The verb's subject; a conjoined or open-complement verb shares its head's."""
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            nouns = [s for s in subjects if s.pos_ in ("NOUN", "PROPN", "PRON")]
            return (nouns or subjects)[-1]
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
            verb = verb.head
            continue
        return None
    return None


def _of_complement(noun: Token, span: Span) -> str | None:
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.pos_ == "NOUN" and not span.start <= pobj.i:
                    return np_text(pobj, span)
    return None


def _subject_metric(subj: Token, span: Span) -> str | None:
    if subj.pos_ in ("PRON", "PROPN", "NUM") or subj.ent_type_ in _SUBJECT_LABELS:
        return None
    if subj.lower_ in _ACTORS or subj.like_num:
        return None
    if subj.lower_ in _GENERIC_METRIC or subj.lower_ in _POINTERS:
        # "the volume of mutual trade", "the total value of merchandise exports"
        for prep in subj.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                        if pobj.lower_ in _GENERIC_METRIC:
                            return _subject_metric(pobj, span)
                        return np_text(pobj, span)
        if subj.lower_ in _POINTERS:
            return None
    return np_text(subj, span)


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
