"""Who or what a figure is about: the entities of its clause, as the text writes them.

Decisions (the knowledge base maps these strings to entities, names and demonyms alike):

* Subjects are GPE, ORG, PERSON, NORP, LOC and FAC entities of the figure's clause (else
  its sentence), as written ("Kazakhstani", "the Republic of Korea").
* Not subjects: the source of the figure (the speaker of "X said ...", "according to X",
  "Trend reports"), a dateline ("ASTANA –", "BEIJING, China"), codes the model takes for
  organisations ("YoY", "EUR"), and anything inside the figure's own span.
* A hyphenated pair is two subjects: "Kazakh-Korea bilateral trade" -> ["Kazakh", "Korea"].
* When the sentence names no two parties but says the figure is between them ("bilateral",
  "mutual", "between the two countries", "the sides"), the subjects are the document's two
  most-mentioned places (GPE entities), written as the document first writes them.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from annotator.core.figures.lexicon import _CUR_PREFIX, _SUBJECT_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_BILATERAL = re.compile(
    r"(?i)\b(?:bilateral|mutual|two-way|between (?:the )?(?:two|both) (?:countries|states|"
    r"nations|sides|economies)|the two countries|both countries|the sides|between them)\b"
)
_PAIR = re.compile(r"^([A-Z][\w']+)-([A-Z][\w']+)$")
_REPORTING = {
    "said", "says", "say", "told", "tells", "reported", "reports", "report", "noted", "notes",
    "announced", "announces", "stressed", "added", "adds", "stated", "states", "quoted",
    "cited", "estimated", "estimates", "forecast", "forecasts", "expects", "expected",
    "believes", "pointed", "highlighted", "showed", "shows", "indicate", "indicated",
    "according", "wrote", "writes", "explained", "emphasized", "emphasised", "underlined",
}  # fmt: skip
_NOT_NAMES = {"yoy", "qoq", "y/y", "q/q", "mom", "m/m", "ytd", "ceo", "cfo", "gdp"}


def figure_subjects(
    span: Span,
    clause: Token,
    sent: Span,
    sent_ents: list[Span],
    in_clause: object,
    doc_places: list[str],
    reporters: frozenset[int] = frozenset(),
) -> list[str]:
    """``in_clause(token, clause) -> bool`` is context.py's clause test; ``doc_places`` the
    document's GPE entities, most mentioned first; ``reporters`` the sentence's
    (``sentence_sources``)."""
    sources = _source_tokens(span, sent) | reporters
    in_cl: list[str] = []
    in_sent: list[str] = []
    for ent in sent_ents:
        if ent.label_ not in _SUBJECT_LABELS or _not_a_subject(ent, span, sent, sources):
            continue
        for text in _parts(ent):
            if text not in in_sent:
                in_sent.append(text)
            if in_clause(ent.root, clause) and text not in in_cl:  # type: ignore[operator]
                in_cl.append(text)
    found = in_cl or in_sent
    places = [t for t in found if t in doc_places]
    if len(places) < 2 and len(doc_places) >= 2 and _BILATERAL.search(sent.text):
        return doc_places[:2]
    return found


def document_places(doc: Doc) -> list[str]:
    """GPE entities of the document, most mentioned first (ties: first written first)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for ent in doc.ents:
        if ent.label_ == "GPE" and not ent.text.isupper():
            for text in _parts(ent):
                counts[text] += 1
                first.setdefault(text, ent.start)
    return sorted(counts, key=lambda t: (-counts[t], first[t]))


def _parts(ent: Span) -> list[str]:
    text = ent.text.strip(" -–—,.;:")  # "South Korea -" when a dash follows the name
    m = _PAIR.match(text)
    return [m.group(1), m.group(2)] if m else [text]


def _not_a_subject(ent: Span, span: Span, sent: Span, sources: set[int]) -> bool:
    if ent.start < span.end and span.start < ent.end:
        return True  # "41.3 million iPhones": part of the figure
    text = ent.text.strip()
    if text.lower() in _NOT_NAMES or (text.isupper() and text.lower() in _CUR_PREFIX):
        return True
    if any(t.i in sources for t in ent):
        return True
    # a dateline: "ASTANA –", "BEIJING, China –", "ABU DHABI," at the start of a sentence
    letters = sum(c.isalpha() for c in text)
    if text.isupper() and letters >= 5 and ent.start - sent.start <= 2:
        return True
    root = ent.root
    return (
        root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ == ("according")
    )


def _source_tokens(span: Span, sent: Span) -> set[int]:
    """Tokens of whoever reports the figure: the subject of the reporting verb whose
    complement holds the figure ("X said ...", "..., Trend reports")."""
    out: set[int] = set()
    tok = span.root
    for _ in range(12):
        head = tok.head
        if head is tok:
            break
        if head.lower_ in _REPORTING and tok.dep_ in ("ccomp", "parataxis", "advcl", "xcomp"):
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass", "agent"):
                    out.update(t.i for t in child.subtree)
        tok = head
    return out


def sentence_sources(sent: Span) -> frozenset[int]:
    """Reporters of a whole sentence: "..., Trend reports" / "..., he said" hang off the
    main verb, not above the figure. One answer per sentence (callers cache it)."""
    out: set[int] = set()
    for t in sent:
        if t.lower_ in _REPORTING and t.dep_ in ("parataxis", "ccomp", "advcl", "conj"):
            for child in t.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    out.update(c.i for c in child.subtree)
    return frozenset(out)
