"""CoNLL-2003 style token-per-line files (IOB1, IOB2 and BILUO tags), in and out.

Reading: one token a line, the token in the first column and its tag in the last
(`Sebastian NNP _ B-PERSON`, or just `Sebastian B-PERSON`); a blank line ends a
sentence; a `-DOCSTART-` line starts a new document (a file without one is one
document). CRLF line endings are read like LF. CoNLL keeps no original text, so the text
is rebuilt: the tokens of a sentence joined by single spaces, sentences joined by "\\n".
Such documents get `meta["tokenized"] = "whitespace"`, so exporting them to CoNLL again
gives the same tokens. Tags: `B-X` starts an entity; `I-X` continues one of type X and
starts one after `O` or another type (so IOB1 and IOB2 read alike); `L-`/`U-`
(BILUO) are read too. Anything else is reported with its line. No curator is named
(use `--annotator`).

Writing: IOB2 in four columns (`token -X- _ TAG`), a `-DOCSTART- -X- O O` line and a
blank line before each document, sentences broken at line breaks of the text. Tokens
come from spaCy's blank English tokenizer, cut at span boundaries. Only entities are
written (figures are a separate layer); where entities overlap, the longest is written
and the others are listed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from annotator.core.model import SpanDraft
from annotator.formats.records import Rejection, first_line_title
from annotator.formats.spans import AnnotatedText, Item, span_problem
from annotator.formats.tokens import token_offsets

DOCSTART = "-DOCSTART-"


def read_conll(path: Path) -> Iterator[Item]:
    name = path.name
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        yield Rejection(name, 0, "not valid UTF-8; save the file as UTF-8")
        return
    builder = _Builder(name)
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
        builder.add(number, cols[0], cols[-1] if len(cols) > 1 else "O")
    yield from builder.finish()


class _Builder:
    """Collects the tokens and tags of one document."""

    def __init__(self, name: str, first_line: int = 1) -> None:
        self.name = name
        self.first_line = first_line
        self.sentences: list[list[tuple[int, str, str]]] = [[]]

    def add(self, number: int, token: str, tag: str) -> None:
        self.sentences[-1].append((number, token, tag))

    def end_sentence(self) -> None:
        if self.sentences[-1]:
            self.sentences.append([])

    def finish(self) -> Iterator[Item]:
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
        for s in spans:
            reason = span_problem(text, s.start, s.end, s.label)
            if reason:  # cannot happen with whole tokens; kept as a guard
                problems.append(Rejection(self.name, self.first_line, reason))
        yield AnnotatedText(
            text=text,
            spans=[s for s in spans if not span_problem(text, s.start, s.end, s.label)],
            title=first_line_title(text),
            source=f"{self.name}:{self.first_line}",
            meta={"tokenized": "whitespace"},
            problems=problems,
        )


def annotated_to_lines(item: AnnotatedText) -> tuple[list[str], list[str]]:
    """The lines of one document, and what could not be written."""
    ents = sorted(
        (s for s in item.spans if s.layer == "ents"), key=lambda s: (s.start, -(s.end - s.start))
    )
    # longest first wins, like spaCy's filter_spans
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
    whitespace = item.meta.get("tokenized") == "whitespace"
    toks = token_offsets(item.text, kept, whitespace_only=whitespace)
    starts = {s.start: s for s in kept}
    lines = [f"{DOCSTART} -X- O O", ""]
    current: SpanDraft | None = None
    prev_end = 0
    for start, end, _ in toks:
        if lines[-1] != "" and "\n" in item.text[prev_end:start]:
            lines.append("")
        prev_end = end
        if current and start >= current.end:
            current = None
        if start in starts:
            current = starts[start]
            tag = f"B-{current.label}"
        elif current:
            tag = f"I-{current.label}"
        else:
            tag = "O"
        lines.append(f"{item.text[start:end]} -X- _ {tag}")
    if lines[-1] != "":
        lines.append("")
    return lines, messages


def write_conll(items: Sequence[AnnotatedText], path: Path) -> list[str]:
    messages: list[str] = []
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for item in items:
            lines, problems = annotated_to_lines(item)
            messages += problems
            f.write("\n".join(lines) + "\n")
    return messages
