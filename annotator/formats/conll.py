"""CoNLL-2003 style token-per-line files (IOB1, IOB2 and BILUO tags), in and out.

Reading: one token a line, the token in the first column and its tag in the last
(`Sebastian NNP _ B-PERSON`, or just `Sebastian B-PERSON`); a blank line ends a
sentence; a `-DOCSTART-` line starts a new document (a file without one is one
document). CRLF line endings are read like LF. CoNLL keeps no original text, so the text
is rebuilt: the tokens of a sentence joined by single spaces, sentences joined by "\\n".
Such documents get `meta["tokenized"] = "whitespace"`, so exporting them to CoNLL again
gives the same tokens. Tags: `B-X` starts an entity; `I-X` continues one of type X and
starts one after `O` or another type (so IOB1 and IOB2 read alike); `L-`/`U-`
(BILUO) are read too. An unknown tag is reported with its line (the token stays, tagged
O). Every token line must have as many columns as the file's first one: a line with
more or fewer (a token with a space in it, a missing tag) is reported, and its document
is not imported, since its text cannot be rebuilt. A file whose first token lines hold
no tag at all is not CoNLL: it is refused. No curator is named (use `--annotator`).

Writing: IOB2 in four columns (`token -X- _ TAG`), a `-DOCSTART- -X- O O` line and a
blank line before each document, sentences broken at line breaks of the text. Tokens
come from a blank spaCy pipeline's tokenizer, cut at span boundaries, and never hold
white space. Only entities are written (figures are a separate layer); where entities
overlap, the longest is written and the others are listed. A label with white space
inside would break the columns: it is written with `_` for each space, and listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.model import SpanDraft
from annotator.formats.records import Rejection, decode_text, file_name, first_line_title
from annotator.formats.spans import AnnotatedText, Item, fit_span
from annotator.formats.tokens import Tokens, tokenized

DOCSTART = "-DOCSTART-"
# How many token lines without one valid tag make a file "not CoNLL".
SNIFF_LINES = 20


def _tag_ok(tag: str) -> bool:
    prefix, _, label = tag.partition("-")
    return tag == "O" or (prefix in ("B", "I", "L", "U") and bool(label))


def read_conll(path: Path) -> Iterator[Item]:
    name = file_name(path)
    raw = decode_text(name, path.read_bytes(), "CoNLL")
    if isinstance(raw, Rejection):
        yield raw
        return
    builder = _Builder(name)
    columns = 0
    sniffed = 0  # token lines looked at while no valid tag was seen
    tagged = False
    for number, line in enumerate(raw.split("\n"), start=1):
        line = line.rstrip("\r")
        cols = line.split()
        if cols and cols[0] == DOCSTART:
            yield from builder.finish()
            builder = _Builder(name, number)
            continue
        if not cols:
            builder.end_sentence()
            continue
        columns = columns or len(cols)
        tag = cols[-1] if len(cols) > 1 else "O"
        if not tagged:
            if _tag_ok(tag):
                tagged = True
            else:
                sniffed += 1
                if sniffed >= SNIFF_LINES:
                    yield _not_conll(name, builder.first_bad or (number, tag))
                    return
        if len(cols) != columns:
            builder.malformed(
                number, f"{len(cols)} columns where the file's token lines have {columns}"
            )
            continue
        builder.add(number, cols[0], tag)
    if not tagged and sniffed:
        yield _not_conll(name, builder.first_bad or (0, ""))
        return
    yield from builder.finish()


def _not_conll(name: str, first: tuple[int, str]) -> Rejection:
    number, tag = first
    return Rejection(
        name,
        number,
        f"does not look like CoNLL: the last column {tag!r} is not an IOB or BILUO tag "
        "(O, B-TYPE, I-TYPE, ...), nor is any tag of the lines after it. The file is not read",
    )


class _Builder:
    """Collects the tokens and tags of one document."""

    def __init__(self, name: str, first_line: int = 1) -> None:
        self.name = name
        self.first_line = first_line
        self.sentences: list[list[tuple[int, str, str]]] = [[]]
        self.broken: list[Rejection] = []
        self.first_bad: tuple[int, str] | None = None

    def add(self, number: int, token: str, tag: str) -> None:
        if self.first_bad is None and not _tag_ok(tag):
            self.first_bad = (number, tag)
        self.sentences[-1].append((number, token, tag))

    def malformed(self, number: int, reason: str) -> None:
        self.broken.append(Rejection(self.name, number, reason))

    def end_sentence(self) -> None:
        if self.sentences[-1]:
            self.sentences.append([])

    def finish(self) -> Iterator[Item]:
        if self.broken:
            first, *rest = self.broken
            more = f" (and {len(rest)} more such lines)" if rest else ""
            yield Rejection(
                first.file,
                first.line,
                f"{first.reason}{more}; the document from line {self.first_line} is not "
                "imported, as its text cannot be rebuilt",
            )
            return
        sentences = [s for s in self.sentences if s]
        if not sentences:
            return
        parts: list[str] = []
        pos = 0
        problems: list[Rejection] = []
        spans: list[SpanDraft] = []
        open_span: tuple[int, int, str] | None = None  # start, end, label

        def close() -> None:
            nonlocal open_span
            if open_span:
                spans.append(SpanDraft(*open_span))
                open_span = None

        for s_index, sentence in enumerate(sentences):
            if s_index:
                parts.append("\n")
                pos += 1
                close()
            for t_index, (number, token, tag) in enumerate(sentence):
                if t_index:
                    parts.append(" ")
                    pos += 1
                start, end = pos, pos + len(token)
                parts.append(token)
                pos = end
                prefix, _, label = tag.partition("-")
                if tag == "O":
                    close()
                elif prefix in ("B", "U") and label:
                    close()
                    open_span = (start, end, label)
                elif prefix in ("I", "L") and label:
                    if open_span and open_span[2] == label:
                        open_span = (open_span[0], end, label)
                    else:
                        close()
                        open_span = (start, end, label)
                else:
                    close()
                    problems.append(
                        Rejection(self.name, number, f"unknown tag {tag!r}; token {token!r} left O")
                    )
                    continue
                if prefix in ("L", "U"):
                    close()
        close()
        text = "".join(parts)
        kept: list[SpanDraft] = []
        for s in spans:
            fit = fit_span(text, s.start, s.end, s.label)
            if isinstance(fit, str):  # a label the project refuses (control characters)
                problems.append(Rejection(self.name, self.first_line, fit))
            else:  # tokens hold no white space: nothing to trim
                kept.append(s)
        yield AnnotatedText(
            text=text,
            spans=kept,
            title=first_line_title(text),
            source=f"{self.name}:{self.first_line}",
            meta={"tokenized": "whitespace"},
            problems=problems,
        )


def _kept_ents(item: AnnotatedText) -> tuple[list[SpanDraft], list[str]]:
    """The entities CoNLL can hold (longest first wins, like spaCy's filter_spans), and
    a message for each one left out."""
    ents = [s for s in item.spans if s.layer == "ents"]
    kept: list[SpanDraft] = []
    messages: list[str] = []
    for s in sorted(ents, key=lambda s: (-(s.end - s.start), s.start)):
        clash = next((k for k in kept if k.start < s.end and s.start < k.end), None)
        if clash:
            messages.append(
                f"doc {item.doc_id}: entity {s.start}-{s.end} {s.label} overlaps "
                f"{clash.start}-{clash.end} {clash.label}; not written to CoNLL"
            )
        else:
            kept.append(s)
    return kept, messages


def annotated_to_lines(item: AnnotatedText, toks: Tokens, kept: list[SpanDraft]) -> list[str]:
    """The lines of one document, given its tokens (cut at the kept entities' edges)."""
    text = item.text
    find = text.find
    starts_at = {s.start: s for s in kept}
    lines = [f"{DOCSTART} -X- O O", ""]
    append = lines.append
    current: SpanDraft | None = None
    inside = ""
    prev_end = 0
    for start, end in zip(toks[0], toks[1], strict=True):
        if find("\n", prev_end, start) >= 0 and lines[-1]:
            append("")  # a line break of the text ends a sentence
        prev_end = end
        if current and start >= current.end:
            current = None
        if start in starts_at:
            current = starts_at[start]
            label = "_".join(current.label.split())
            tag, inside = f"B-{label}", f"I-{label}"
        else:
            tag = inside if current else "O"
        append(f"{text[start:end]} -X- _ {tag}")
    if lines[-1] != "":
        append("")
    return lines


def write_conll(items: Iterable[AnnotatedText], path: Path, lang: str = "en") -> list[str]:
    messages: list[str] = []
    kept_of: dict[int, list[SpanDraft]] = {}

    def kept_ents(item: AnnotatedText) -> list[SpanDraft]:
        kept, problems = _kept_ents(item)
        messages.extend(problems)
        kept_of[id(item)] = kept
        for s in kept:
            if s.label != "_".join(s.label.split()):
                messages.append(
                    f"doc {item.doc_id}: label {s.label!r} holds white space, which would "
                    f"break CoNLL's columns; written as {'_'.join(s.label.split())!r}"
                )
        return kept

    with path.open("w", encoding="utf-8", newline="\n") as f:
        for item, toks in tokenized(items, lang, spans_of=kept_ents, spaces=False):
            kept = kept_of.pop(id(item))
            if DOCSTART in item.text and any(
                item.text[s:e] == DOCSTART for s, e in zip(toks[0], toks[1], strict=True)
            ):
                messages.append(
                    f"doc {item.doc_id}: the text holds the word {DOCSTART}, which CoNLL "
                    "readers take for the start of a new document"
                )
            f.write("\n".join(annotated_to_lines(item, toks, kept)) + "\n")
    return messages
