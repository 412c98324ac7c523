"""Who or what a figure is about: the entities of its clause, as the text writes them.

Decisions (the knowledge base maps these strings to entities, names and demonyms alike):

* Subjects are GPE, ORG, PERSON, NORP, LOC and FAC entities of the figure's clause (else
  its sentence), as written ("Kazakhstani", "the Republic of Korea").
* Not subjects: the source of the figure (the speaker of "X said ...", "according to X",
  "Trend reports"), a dateline ("ASTANA –", "BEIJING, China"), codes the model takes for
  organisations ("YoY", "EUR"), and anything inside the figure's own span.
* When the parse says whose the figure is, only those: the name before "- figure", the
  subject of its verb, the possessor of what it measures, the names that thing is
  "with/between/to/from/of" (``_core``); else every entity of the clause.
* The speaker owns what it reports when nothing else does: "Lloyds said [pre-tax profits
  fell 7 per cent]", "Barclays announced ..., as [profits leapt 82 per cent]" -> the
  organisation that is (or is in) the reporting verb's subject, never a source that only
  reports (a statistics office, a ministry, a news agency: ``_SOURCE_NAME``), and not when
  the measured noun has an owner ("Nomura said Japan's exports rose" -> Japan).
* "it", "its", "the company" stand for the organisation the clause above has for subject,
  else the nearest one before them in the sentence.
* Everything inside "according to ..." is a source ("according to data released by PBS").
* "X, Y and Z rose by 1%, 2% and 3%, respectively": each figure its name, in order.
* Names among the things a count counts are whose they are: "10 OPEC members", "740
  Korean companies" (not "41.3 million iPhones": the things themselves).
* A place opening the sentence before a dash is a dateline: "Amman, Nov. 23 (Petra) --".
* A hyphenated pair is two subjects: "Kazakh-Korea bilateral trade" -> ["Kazakh", "Korea"].
* When the sentence names no two parties but says the figure is between them ("bilateral",
  "mutual", "between the two countries", "the sides"), the subjects are the document's two
  most-mentioned places (GPE entities), written as the document first writes them.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from annotator.core.figures.lexicon import _CUR_PREFIX, _GENERIC_METRIC, _SUBJECT_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_BILATERAL = re.compile(
    r"(?i)\b(?:bilateral|mutual|two-way|between (?:the )?(?:two|both) (?:countries|states|"
    r"nations|sides|economies)|the two countries|both countries|the sides|between them)\b"
)
# what is between two parties by nature, unless it is one country's total with the world
_BETWEEN_METRIC = re.compile(r"(?i)^(?!.*\b(?:foreign|external|total)\b).*\btrade(?: turnover)?$")
_PAIR = re.compile(r"^([A-Z][\w']+)-([A-Z][\w']+)$")
_REPORTING = {
    "said", "says", "say", "told", "tells", "reported", "reports", "report", "noted", "notes",
    "announced", "announces", "stressed", "added", "adds", "stated", "states", "quoted",
    "cited", "estimated", "estimates", "forecast", "forecasts", "expects", "expected",
    "believes", "pointed", "highlighted", "showed", "shows", "indicate", "indicated",
    "according", "wrote", "writes", "explained", "emphasized", "emphasised", "underlined",
}  # fmt: skip
_PARTY_PREPS = {"with", "between", "of", "among", "to", "from"}
_OWN_PREPS = {"with", "between", "of", "among", "in", "to", "for"}
# organisations that report figures rather than own them: a statistics office, a news
# agency, a ministry or regulator, an analyst firm
_SOURCE_NAME = re.compile(
    r"(?i)\b(?:statistic\w*|news|agency|press|reuters|bloomberg|xinhua|interfax|tass|trend|"
    r"kazinform|petra|research|analytics|consult\w*|bureau|office|ministry|department|"
    r"committee|commission|authority|service|institute|council|court)\b"
)
# words that stand for an organisation named before: "it registered a decline", "its bill"
_ORG_ANAPHORS = {"it", "its"}
_ORG_NOUNS = {
    "company", "bank", "group", "firm", "lender", "retailer", "insurer", "carrier", "vendor",
    "manufacturer", "maker", "supermarket", "chain", "airline", "giant",
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
    metric: str | None = None,
    kind: str | None = None,
) -> list[str]:
    """``in_clause(token, clause) -> bool`` is context.py's clause test; ``doc_places`` the
    document's GPE entities, most mentioned first; ``reporters`` the sentence's
    (``sentence_sources``); ``metric`` the figure's (trade turnover with no one named
    is between the document's two places)."""
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
    core = _core(span, sent, sent_ents, sources, doc_places)
    if core:
        found = core
    paired = _respectively(span, sent, sent_ents, sources)
    if paired is not None:
        return paired
    if kind == "count":  # "10 OPEC members", "740 Korean companies": whose they are
        inner = [t for e in _inner_names(span, sent_ents) for t in _parts(e)]
        found = inner + [t for t in found if t not in inner]
    places = [t for t in found if t in doc_places]
    if len(places) < 2 and len(doc_places) >= 2 and _BILATERAL.search(sent.text):
        return doc_places[:2]
    if not found and len(doc_places) >= 2 and metric and _BETWEEN_METRIC.search(metric):
        return doc_places[:2]  # "the trade turnover amounted to ...", no one named
    return found


def _core(
    span: Span, sent: Span, sent_ents: list[Span], sources: set[int], doc_places: list[str]
) -> list[str]:
    """The entities the figure is plainly about, when the parse says so; else [] and the
    clause's entities stand. In order of preference:

    * a name right before the figure and a dash or colon: "China - $3.3bn, Russia -
      $2.9bn", "the Labor Party – 6.7%";
    * the parties of what is measured: the subject of the verb the figure hangs from (or
      the noun the figure is "of"), its possessor ("Jordan's trade deficit"), the names
      it is "with"/"between"/"of"; the verb's object when both are names ("ChemChina
      bought Pirelli in a deal valued at €7.1bn"). "The country's" is the document's
      most mentioned place.
    """
    by_token: dict[int, Span] = {}
    for ent in sent_ents:
        if ent.label_ in _SUBJECT_LABELS and not _not_a_subject(ent, span, sent, sources):
            for t in ent:
                by_token[t.i] = ent
    doc = span.doc
    k = span.start - 1
    if k >= 1 and doc[k].text in ("-", "–", "—", ":") and doc[k - 1].i in by_token:
        return _parts(by_token[doc[k - 1].i])
    nouns, verb = _measured(span)
    of_nouns = [t for t in nouns if t.dep_ not in ("nsubj", "nsubjpass")]
    found: list[Span] = []
    extra: list[str] = []

    def add(tok: Token) -> bool:
        ent = by_token.get(tok.i)
        if ent is not None and ent not in found:
            found.append(ent)
        return ent is not None

    # the figure's own noun, or the one right after it: "15 flights between Kazakhstan
    # and Korea", "the 4th largest trading partner [and ...] in the economy of Kazakhstan"
    own = [
        t
        for t in (span.root, span.root.head)
        if t.pos_ in ("NOUN", "PROPN") and span.start <= t.i <= span.end
    ]
    own += [c for t in own for c in t.conjuncts]
    share_of = False
    for noun in own:
        for prep in noun.children:
            if prep.dep_ != "prep" or prep.lower_ not in _OWN_PREPS:
                continue
            for pobj in prep.children:
                if pobj.dep_ != "pobj":
                    continue
                if add(pobj):
                    for cc in pobj.conjuncts:
                        add(cc)
                    continue
                for p2 in pobj.children:  # "in the economy of X", "of X's total trade"
                    if p2.dep_ == "poss" and prep.lower_ == "of" and add(p2):
                        share_of = True
                    elif p2.dep_ == "prep" and p2.lower_ == "of":
                        for o2 in p2.children:
                            if o2.dep_ == "pobj":
                                add(o2)
    if share_of:  # "6.2 percent of Peru's total trade": whose share it is, settled
        nouns = []
    for n, noun in enumerate(nouns):
        if found and n and nouns[n - 1] in of_nouns and noun not in of_nouns:
            break  # "8.4 percent of Kyrgyzstan's total trade": whose share it is, settled
        if add(noun):
            for c in noun.conjuncts:
                add(c)
            continue
        if _is_org_anaphor(noun):  # "it registered a decline of 11%"
            ante = _antecedent(noun)
            if ante is not None and ante not in found:
                found.append(ante)
            continue
        for c in noun.children:
            if c.dep_ == "poss":
                if add(c):
                    continue
                if c.lower_ in ("country", "nation") and doc_places:
                    extra.append(doc_places[0])
                elif _is_org_anaphor(c):  # "its bill ... soared past £20bn"
                    ante = _antecedent(c)
                    if ante is not None and ante not in found:
                        found.append(ante)
            elif c.dep_ in ("amod", "compound", "nmod") and c.ent_type_ in ("NORP", "GPE"):
                add(c)
            elif c.dep_ == "prep" and c.lower_ in _PARTY_PREPS:
                for pobj in c.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if add(pobj):
                        for cc in pobj.conjuncts:
                            add(cc)
                    elif c.lower_ == "of" and noun.lower_ in _GENERIC_METRIC:
                        # "the volume of investments from Hungary to Kazakhstan"
                        for p2 in pobj.children:
                            if p2.dep_ == "poss":
                                add(p2)
                            elif p2.dep_ == "prep" and p2.lower_ in _PARTY_PREPS:
                                for o2 in p2.children:
                                    if o2.dep_ == "pobj":
                                        add(o2)
    if not found and not extra and verb is not None and nouns and all(map(_unowned, nouns)):
        # "Lloyds said pre-tax profits fell 7 per cent": profits no one else owns are the
        # speaker's, when the speaker is an organisation that does not only report
        owner = _speaker_org(verb, sent_ents)
        if owner is not None:
            found.append(owner)
    if found and verb is not None:
        # "ChemChina bought Pirelli ...", "Uzbekistan exported $426.8mln of goods to
        # Kazakhstan"
        for c in verb.children:
            if c.dep_ == "dobj" and by_token.get(c.i) is not None:
                add(c)
            elif c.dep_ == "prep" and c.lower_ in ("to", "from", "with"):
                for pobj in c.children:
                    if pobj.dep_ == "pobj":
                        add(pobj)
    texts = [t for ent in sorted(found, key=lambda e: e.start) for t in _parts(ent)]
    for place in extra:
        if place in texts:
            rest = [p for p in doc_places if p not in texts]
            place = rest[0] if rest else place
        if place not in texts:
            texts.insert(0, place)
    return texts


def _conj_list(tok: Token) -> list[Token]:
    """The items of the list ``tok`` is in ("Korea, Germany and England", "64.2%, 52.9%
    and 40.7%"), in order; the parser chains them by conj (or appos)."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    out = [tok]
    stack = [tok]
    while stack:
        for c in stack.pop().children:
            if c.dep_ in ("conj", "appos"):
                out.append(c)
                stack.append(c)
    return sorted(out, key=lambda t: t.i)


def _respectively(
    span: Span, sent: Span, sent_ents: list[Span], sources: set[int]
) -> list[str] | None:
    """ "Inflows from Korea, Germany and England rose by 64.2%, 52.9% and 40.7%,
    respectively": the n-th figure of the list is the n-th name's."""
    if not any(t.lower_ == "respectively" for t in sent):
        return None
    figures = _conj_list(span.root)
    if len(figures) < 2 or span.root not in figures:
        return None
    at = figures.index(span.root)
    names = [e for e in sent_ents if e.label_ in _SUBJECT_LABELS]
    names = [e for e in names if not _not_a_subject(e, span, sent, sources)]
    by_token = {t.i: e for e in names for t in e}
    for ent in names:
        items: list[Span] = []
        for tok in _conj_list(ent[-1]):
            item = by_token.get(tok.i)
            if item is None:
                break
            if item not in items:
                items.append(item)
        else:
            if len(items) == len(figures):
                return _parts(items[at])
    return None


def _inner_names(span: Span, sent_ents: list[Span]) -> list[Span]:
    """Names that say whose the counted things are: "10 OPEC members", "740 Korean
    companies" (not the things counted: "41.3 million iPhones")."""
    root = span.root
    while root.dep_ in ("nummod", "compound") and root.head.i > root.i and root.head.like_num:
        root = root.head  # "one thousand"
    if root.dep_ == "nummod" and root.head.i > root.i:
        root = root.head  # the counted noun, when the figure's span is the number alone
    return [
        e
        for e in sent_ents
        if e.label_ in ("NORP", "ORG", "GPE")
        and span.start <= e.start
        and e.end <= max(span.end, root.i)
        and e.root.i != root.i
        and e.root.head.i == root.i
        and e.root.dep_ in ("compound", "amod", "nmod")
    ]


def _is_org_anaphor(tok: Token) -> bool:
    """ "it", "its", "the company", "the bank": words that stand for an organisation."""
    if tok.lower_ in _ORG_ANAPHORS:
        return True
    return tok.lower_ in _ORG_NOUNS and any(
        c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children
    )


def _ent_of(tok: Token) -> Span | None:
    if not tok.ent_type_:
        return None
    return next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)


def _org(ent: Span | None) -> bool:
    """An organisation that can own a figure: not a source ("the Department of
    Statistics"), not a currency code the model took for one ("EUR")."""
    if ent is None or ent.label_ != "ORG" or _SOURCE_NAME.search(ent.text):
        return False
    text = ent.text.strip()
    return not (text.lower() in _NOT_NAMES or (text.isupper() and text.lower() in _CUR_PREFIX))


def _antecedent(tok: Token) -> Span | None:
    """The organisation "it"/"its"/"the company" stands for: the subject of a clause above
    it when that is one ("Lloyds Banking Group ... reported a fall as its bill soared"),
    else the nearest one written before it in its sentence (not further back: "The bank
    was fined £117m by the FCA" is the FCA's, as the clause's names say)."""
    t = tok
    for _ in range(6):
        head = t.head
        if head.i == t.i:
            break
        for c in head.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and c.i != t.i:
                ent = _ent_of(c)
                if _org(ent):
                    return ent
        t = head
    sent = tok.sent
    before = [e for e in sent.ents if e.end <= tok.i and _org(e)]
    return before[-1] if before else None


def _unowned(noun: Token) -> bool:
    """A common noun with no owner written with it: "profits", not "its profits", "China's
    exports" or "Richards" (a name the model took for a noun)."""
    if noun.pos_ != "NOUN" or noun.ent_type_ or not noun.text.islower():
        return False
    return not any(
        (c.dep_ in ("poss", "compound", "amod", "nmod") and c.ent_type_ in _SUBJECT_LABELS)
        or c.dep_ == "poss"
        or (c.dep_ == "prep" and c.lower_ in _PARTY_PREPS)
        for c in noun.children
    )


def _speaker_org(verb: Token, sent_ents: list[Span]) -> Span | None:
    """The organisation that says or does what the figure's clause reports: the subject of
    a verb above it ("Lloyds said [profits fell]", "Barclays announced ..., as [profits
    leapt]"), or the organisation in that subject ("Balbiino marketing director Teet Anier
    said [sales amounted to]")."""
    v = verb
    for _ in range(4):
        if v.dep_ not in ("ccomp", "advcl", "conj", "xcomp", "parataxis") or v.head.i == v.i:
            return None
        v = v.head
        if v.lower_ not in _REPORTING:
            continue
        for c in v.children:
            if c.dep_ not in ("nsubj", "nsubjpass"):
                continue
            words = {t.i for t in c.subtree}
            inside = [e for e in sent_ents if all(t.i in words for t in e)]
            orgs = [e for e in inside if _org(e)]
            if orgs:
                return orgs[-1]
            if c.lower_ in _ORG_ANAPHORS or _is_org_anaphor(c):
                return None
    return None


def _measured(span: Span) -> tuple[list[Token], Token | None]:
    """The nouns that say whose the figure is: the noun it is "of" ("a market share of
    20%"), and the subject of the verb it hangs from (that verb's head's, for an open
    complement or a participle); and that verb."""
    nouns: list[Token] = []
    tok = span.root
    for _ in range(10):
        head = tok.head
        if head is tok:
            return nouns, None
        if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN"):
            nouns.append(head.head)
        if head.pos_ in ("VERB", "AUX") and not (head.dep_ == "acl" and head.tag_ == "VBN"):
            verb = head
            for _ in range(3):
                subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subjects:
                    nouns.extend(subjects)
                    break
                if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
                    verb = verb.head
                    continue
                break
            return nouns, head
        tok = head
    return nouns, None


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
    if ent.label_ == "GPE" and ent.start - sent.start <= 1 and _dateline_dash(ent, sent):
        return True  # "Amman, Nov. 23 (Petra) -- Jordan's deficit ..."
    # "according to statistics from PwC", "according to data released by PBS": a source
    return any(a.lower_ == "according" for a in ent.root.ancestors)


def _dateline_dash(ent: Span, sent: Span) -> bool:
    """A place that opens the sentence and a dash a few words on, with no verb between:
    "Amman, Nov. 23 (Petra) --", "Astana, 5 May –"."""
    doc = ent.doc
    if ent.end >= sent.end or doc[ent.end].text not in (",", "-", "--", "–", "—"):
        return False
    for t in doc[ent.end : min(sent.end, ent.end + 9)]:
        if t.text in ("--", "–", "—", "-") and t.i > ent.end:
            return True
        if t.pos_ in ("VERB", "AUX"):
            return False
    return doc[ent.end].text != ","


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
