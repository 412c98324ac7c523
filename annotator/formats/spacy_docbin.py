"""spaCy's binary training format (`.spacy`, a serialised `DocBin`), out and in.

What one exported `Doc` holds:

- `doc.ents`: the entity annotations, `kb_id_` set where the curator linked one.
  Entity spans that overlap cannot all be `doc.ents`; the longest of each overlapping
  group is kept there (spaCy's `filter_spans`: longest first, then earliest) and the
  others go to `doc.spans["ents_overlapping"]`, and each is reported. So
  `doc.ents` + `doc.spans["ents_overlapping"]` is every entity annotation.
- `doc.spans["figures"]`: the figure annotations, labelled with the figure kind.
- Figures are also in `doc.ents` with the OntoNotes label of their kind
  (`FIGURE_ENT_LABELS`), where they overlap no entity annotation, so a model trained
  on the export keeps finding MONEY, PERCENT and the other numeric labels. Their spans
  follow OntoNotes: a count, rank or multiplier is the number only ("15" of "15
  flights", "4th" of "4th largest partner"); money, percents, measures and durations
  keep their whole span; the qualifier before an approximate or bounded figure joins
  it ("About 70", "more than 300 kilometers"). Which `doc.ents` came from figures is
  listed in the user data under `("._.", "figure_ents", None, None)`, so reading the
  file back gives each figure once. `figures_as_ents=False` leaves them out of `doc.ents`.
- Span groups have no attributes of their own, so the figures' attributes (value, unit,
  kind, metric, period, subjects, ...) live in `doc.user_data` under the key that
  spaCy's own span extensions use, `("._.", "figure", start_char, end_char)`, and the
  non-empty attributes of entity spans (e.g. relations) under
  `("._.", "ent_attrs", start_char, end_char)`. The document's metadata (project
  document id, title, date, source, meta, curator) is under `("._.", "annotator",
  None, None)`. The DocBin is written with `store_user_data=True`; after
  `register_extensions()` they read as `span._.figure`, `span._.ent_attrs` and
  `doc._.annotator`. msgpack gives lists back as tuples.
- A DocBin keeps only the token attributes an export sets (`DOCBIN_ATTRS`: words,
  spaces, norms, entities) and is written with `docbin_to_disk`, field by field, so an
  export of any size holds one shard's token arrays once; `spacy train` reads the
  result like any DocBin, and a folder of them like one.
- Spans that do not start and end on token boundaries are aligned by cutting tokens
  at every span boundary (the Doc is rebuilt from words and spaces, so the text stays
  exact). A span that starts or ends inside the white space after a token cannot be
  aligned; it is left out and reported, never dropped silently.

spaCy is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.model import SpanDraft
from annotator.formats.records import Rejection, file_name
from annotator.formats.spans import AnnotatedText, Item, fit_span, kb_id_problem

if TYPE_CHECKING:
    from spacy.tokens import Doc, DocBin, Span

FIGURE_KEY = "figure"
ENT_ATTRS_KEY = "ent_attrs"
DOC_KEY = "annotator"
FIGURE_ENTS_KEY = "figure_ents"
FIGURES_GROUP = "figures"
OVERLAP_GROUP = "ents_overlapping"

# The OntoNotes label (what spaCy's English pipelines predict) a figure of each kind
# takes in doc.ents. A duration in hours, minutes or seconds is TIME, any longer one DATE,
# as OntoNotes marks "3 hours" and "18 months".
FIGURE_ENT_LABELS = {
    "money": "MONEY",
    "percent": "PERCENT",
    "count": "CARDINAL",
    "measure": "QUANTITY",
    "rank": "ORDINAL",
    "multiplier": "CARDINAL",
    "duration": "DATE",
}
TIME_UNITS = frozenset({"hours", "minutes", "seconds"})
# Kinds whose entity is the number only: OntoNotes marks "15" in "15 flights", "4th" in
# "4th largest partner", "1.9" in "1.9 times" (and nothing in "twice").
NUMBER_ONLY_KINDS = frozenset({"count", "rank", "multiplier"})
NUMBER_WORDS = frozenset({"dozen", "dozens", "hundreds", "thousands", "millions", "billions"})
# OntoNotes counts a figure's qualifier in its entity ("About 70", "more than 300
# kilometers"); a figure keeps it in its attributes (approx, bound) instead. These words
# right before an approximate or bounded figure join its entity.
QUALIFIERS = frozenset(
    tuple(q.split())
    for q in (
        "about", "around", "approximately", "roughly", "some", "nearly", "almost", "circa",
        "over", "under", "above", "below", "just over", "just under", "well over",
        "more than", "less than", "fewer than", "at least", "at most", "up to",
        "no more than", "no less than", "close to", "an estimated", "estimated",
    )
)  # fmt: skip


@dataclass
class DocProblems:
    """What happened to one document's spans on the way into a Doc."""

    realigned: int = 0  # spans that needed tokens cut at their boundaries
    figure_ents: int = 0  # figures also put in doc.ents
    overlapping: list[str] = field(default_factory=list)
    unaligned: list[str] = field(default_factory=list)
    duplicate_attrs: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [*self.overlapping, *self.unaligned, *self.duplicate_attrs]


def register_extensions() -> None:
    """Make the user data readable as `span._.figure`, `span._.ent_attrs` and
    `doc._.annotator`."""
    from spacy.tokens import Doc, Span

    for name in (FIGURE_KEY, ENT_ATTRS_KEY):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension(DOC_KEY):
        Doc.set_extension(DOC_KEY, default=None)


def doc_metadata(item: AnnotatedText) -> dict[str, Any]:
    return {
        "doc_id": item.doc_id,
        "title": item.title,
        "date": item.date,
        "source": item.source,
        "meta": item.meta,
        "curator": item.curator,
    }


def annotated_to_doc(
    doc: Doc, item: AnnotatedText, *, figures_as_ents: bool = True
) -> tuple[Doc, DocProblems]:
    """Put `item`'s spans on `doc`, a tokenised Doc of `item.text`; with
    `figures_as_ents`, figures that overlap no entity go into doc.ents too.

    Returns the Doc (a new one when tokens had to be cut) and what was reported.
    """
    from spacy.util import filter_spans

    problems = DocProblems()
    spans = item.spans
    doc, problems.realigned = _align(doc, spans)
    ents: list[Span] = []
    figures: list[Span] = []
    user_data = doc.user_data
    for s in spans:
        span = doc.char_span(s.start, s.end, label=s.label, kb_id=s.kb_id or "")
        if span is None:
            problems.unaligned.append(
                f"{s.layer} span {s.start}-{s.end} {s.label} {item.text[s.start : s.end]!r} "
                "starts or ends in white space between tokens; left out"
            )
            continue
        if s.layer == "figures":
            figures.append(span)
            key = ("._.", FIGURE_KEY, s.start, s.end)
        else:
            ents.append(span)
            key = ("._.", ENT_ATTRS_KEY, s.start, s.end)
            if not s.attrs:
                continue
        if key in user_data:
            problems.duplicate_attrs.append(
                f"two {s.layer} spans at {s.start}-{s.end}; the attributes of the last "
                f"({s.label}) are kept"
            )
        user_data[key] = s.attrs
    kept = filter_spans(ents)
    if len(kept) < len(ents):
        kept_set = {(e.start, e.end, e.label) for e in kept}
        overlapping = [e for e in ents if (e.start, e.end, e.label) not in kept_set]
        doc.spans[OVERLAP_GROUP] = overlapping
        for e in overlapping:
            other = next(k for k in kept if k.start < e.end and e.start < k.end)
            problems.overlapping.append(
                f"entity {e.start_char}-{e.end_char} {e.label_} {e.text!r} overlaps "
                f"{other.start_char}-{other.end_char} {other.label_} {other.text!r}; "
                f'kept in doc.spans["{OVERLAP_GROUP}"]'
            )
    figure_ents = figure_entities(figures, ents) if figures_as_ents else []
    doc.ents = sorted([*kept, *figure_ents], key=lambda e: e.start)
    if figure_ents:
        problems.figure_ents = len(figure_ents)
        user_data[("._.", FIGURE_ENTS_KEY, None, None)] = [
            (e.start_char, e.end_char) for e in figure_ents
        ]
    if figures:
        doc.spans[FIGURES_GROUP] = figures
    user_data[("._.", DOC_KEY, None, None)] = doc_metadata(item)
    return doc, problems


def figure_entities(figures: list[Span], ents: list[Span]) -> list[Span]:
    """The doc.ents spans the figures give: the OntoNotes label of each figure's kind,
    on the whole figure or (counts, ranks, multipliers) its number only, with the
    qualifier words before an approximate or bounded figure; left out where they
    overlap an entity annotation or a longer figure entity."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    found: list[Span] = []
    for fig in figures:
        label = FIGURE_ENT_LABELS.get(fig.label_)
        if label is None:
            continue  # a kind a curator made up: the span group keeps it
        start, end = fig.start, fig.end
        attrs = _figure_attrs(fig)
        if fig.label_ == "duration" and str(attrs.get("unit")) in TIME_UNITS:
            label = "TIME"
        if attrs.get("approx") or attrs.get("bound"):
            start -= _qualifier_before(fig)
        if fig.label_ in NUMBER_ONLY_KINDS:
            numbers = [t.i for t in fig if t.like_num or t.lower_ in NUMBER_WORDS]
            if not numbers:
                if fig.label_ == "multiplier":
                    continue  # "twice", "doubled": no number for OntoNotes to mark
            else:
                end = numbers[-1] + 1
        if any(e.start < end and start < e.end for e in ents):
            continue
        found.append(Span(fig.doc, start, end, label=label))
    return filter_spans(found)


def _qualifier_before(fig: Span) -> int:
    """How many tokens of a qualifier ("about", "more than") come right before `fig`."""
    for n in (3, 2, 1):
        if fig.start >= n and tuple(t.lower_ for t in fig.doc[fig.start - n : fig.start]) in (
            QUALIFIERS
        ):
            return n
    return 0


def _figure_attrs(fig: Span) -> dict[str, Any]:
    attrs = fig.doc.user_data.get(("._.", FIGURE_KEY, fig.start_char, fig.end_char))
    return attrs if isinstance(attrs, dict) else {}


def _align(doc: Doc, spans: list[SpanDraft]) -> tuple[Doc, int]:
    """Cut tokens at span boundaries that fall inside a token. Returns the Doc and how
    many spans needed it."""
    if all(doc.char_span(s.start, s.end) is not None for s in spans):
        return doc, 0  # the usual case, and cheap: no Python loop over the tokens
    from spacy.attrs import IDX, LENGTH

    bounds = doc.to_array([IDX, LENGTH]).tolist()
    starts = {b[0] for b in bounds}
    ends = {b[0] + b[1] for b in bounds}
    cuts: set[int] = set()
    needing = 0
    for s in spans:
        missing = [b for b, ok in ((s.start, s.start in starts), (s.end, s.end in ends)) if not ok]
        if missing:
            needing += 1
            cuts.update(missing)
    if not cuts:
        return doc, 0
    from spacy.tokens import Doc

    text = doc.text
    words: list[str] = []
    spaces: list[bool] = []
    for tok in doc:
        start, end = tok.idx, tok.idx + len(tok)
        prev = start
        for c in sorted(c for c in cuts if start < c < end):
            words.append(text[prev:c])
            spaces.append(False)
            prev = c
        words.append(text[prev:end])
        spaces.append(bool(tok.whitespace_))
    return Doc(doc.vocab, words=words, spaces=spaces), needing


# The token attributes an exported Doc has: its words and spaces (SPACY is always kept),
# norms from tokenizer exceptions, and the entities. Tags, parses and lemmas are never
# set by an export; leaving them out halves a DocBin's memory and size.
DOCBIN_ATTRS = ("ORTH", "NORM", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")


def new_docbin() -> DocBin:
    from spacy.tokens import DocBin

    return DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)


def docbin_to_disk(db: DocBin, path: Path) -> None:
    """`DocBin.to_disk` in a fraction of its memory: the same message, packed field by
    field into a streaming zlib compressor. `DocBin.to_bytes` stacks every token array
    into one, copies it to bytes, packs those into a growing buffer and compresses the
    lot, holding about five copies of the tokens at once; here each array is written
    as it is. The bytes decompress to exactly what `to_bytes` packs (a test keeps it so).
    """
    import zlib

    import numpy
    from srsly.msgpack import Packer

    packer = Packer(use_bin_type=True)
    fields: list[tuple[str, Any]] = [
        ("version", db.version),
        ("attrs", db.attrs),
        ("tokens", db.tokens),
        ("spaces", db.spaces),
        ("lengths", numpy.asarray([len(t) for t in db.tokens], dtype="int32").tobytes("C")),
        ("strings", sorted(db.strings)),
        ("cats", db.cats),
        ("flags", db.flags),
        ("span_groups", db.span_groups),
    ]
    if db.store_user_data:
        fields.append(("user_data", db.user_data))
    z = zlib.compressobj()
    with path.open("wb") as f:

        def out(data: bytes) -> None:
            f.write(z.compress(data))

        out(packer.pack_map_header(len(fields)))
        for key, value in fields:
            out(packer.pack(key))
            if key in ("tokens", "spaces"):
                # numpy.vstack(arrays).tobytes() is the arrays' bytes one after another
                out(_bin_header(sum(a.nbytes for a in value)))
                for array in value:
                    out(numpy.ascontiguousarray(array).tobytes("C"))
            else:
                out(packer.pack(value))
        f.write(z.flush())


def _bin_header(n: int) -> bytes:
    """msgpack's header of a byte string of length n (bin 8, 16 or 32)."""
    if n < 1 << 8:
        return b"\xc4" + n.to_bytes(1, "big")
    if n < 1 << 16:
        return b"\xc5" + n.to_bytes(2, "big")
    return b"\xc6" + n.to_bytes(4, "big")


@contextlib.contextmanager
def msgpack_encoders_read_once() -> Iterator[None]:
    """srsly asks its registry for msgpack encoders each time it packs an object, and the
    registry scans every installed package's entry points to answer: about 1 ms, three
    times per Doc added to a DocBin (user data, span groups), most of an export's time.
    The encoders cannot change while we pack, so read them once and answer from that."""
    from srsly.msgpack import msgpack_encoders

    encoders = msgpack_encoders.get_all()
    msgpack_encoders.get_all = lambda: encoders  # type: ignore[method-assign]
    try:
        yield
    finally:
        del msgpack_encoders.get_all


def make_tokenizer(model: str | None) -> Callable[[Iterable[str]], Iterator[Doc]]:
    """A function from texts to tokenised Docs: spaCy's blank English tokenizer, or the
    tokenizer of the named pipeline (only its tokenizer runs)."""
    import spacy

    nlp = spacy.blank("en") if model is None else spacy.load(model)

    def tokenize(texts: Iterable[str]) -> Iterator[Doc]:
        return nlp.tokenizer.pipe(texts, batch_size=256)

    return tokenize


def docbin_to_annotated(path: Path) -> Iterator[Item]:
    """Read a `.spacy` file: `doc.ents`, every span group (figures stay figures, other
    groups are entity spans) and the user data this module writes."""
    import spacy
    from spacy.tokens import DocBin

    name = file_name(path)
    try:
        db = DocBin().from_disk(path)
    except Exception as exc:  # DocBin raises ValueError, KeyError, msgpack errors...
        yield Rejection(name, 0, f"not a spaCy DocBin ({type(exc).__name__}: {exc})")
        return
    vocab = spacy.blank("en").vocab
    for number, doc in enumerate(db.get_docs(vocab), start=1):
        meta = doc.user_data.get(("._.", DOC_KEY, None, None)) or {}
        from_figures = {
            tuple(e) for e in doc.user_data.get(("._.", FIGURE_ENTS_KEY, None, None), ())
        }
        seen: set[tuple[int, int, str, str]] = set()
        spans: list[SpanDraft] = []
        problems: list[Rejection] = []
        trimmed: list[Rejection] = []
        ents = [e for e in doc.ents if (e.start_char, e.end_char) not in from_figures]
        groups: list[tuple[str, Iterable[Span]]] = [("ents", ents)]
        for key, group in doc.spans.items():
            groups.append(("figures" if key == FIGURES_GROUP else "ents", group))
        for layer, group in groups:
            for sp in group:
                k = (sp.start_char, sp.end_char, sp.label_, layer)
                if k in seen:
                    continue
                seen.add(k)
                attr_key = FIGURE_KEY if layer == "figures" else ENT_ATTRS_KEY
                attrs = doc.user_data.get(("._.", attr_key, sp.start_char, sp.end_char))
                fit = fit_span(doc.text, sp.start_char, sp.end_char, sp.label_)
                if not isinstance(fit, str):
                    fit = kb_id_problem(sp.kb_id_) or fit
                if isinstance(fit, str):
                    problems.append(Rejection(name, number, f"doc {number}: {fit}"))
                    continue
                if fit.trimmed:
                    trimmed.append(Rejection(name, number, f"doc {number}: {fit.trimmed}"))
                spans.append(
                    SpanDraft(
                        fit.start,
                        fit.end,
                        sp.label_,
                        layer=layer,
                        kb_id=sp.kb_id_ or None,
                        attrs=_lists(dict(attrs)) if attrs else {},
                    )
                )
        yield AnnotatedText(
            text=doc.text,
            spans=spans,
            curator=meta.get("curator"),
            title=meta.get("title") or "",
            date=meta.get("date"),
            source=f"{name}:{number}",
            meta=_lists(dict(meta.get("meta") or {})),
            problems=problems,
            trimmed=trimmed,
        )


def _lists(value: Any) -> Any:
    """msgpack hands lists back as tuples; JSON attributes want lists."""
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value
