"""Tokenising texts for formats that need tokens (Prodigy, CoNLL): a blank spaCy
pipeline of the wanted language run over a batch of texts, with tokens cut at every
span boundary so every span is whole tokens.

Texts made by joining tokens with spaces (CoNLL imports, `meta["tokenized"] ==
"whitespace"`) are split on white space alone, so they come back out token for token.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any

from annotator.core.model import SpanDraft

if TYPE_CHECKING:
    from annotator.formats.spans import AnnotatedText

# (starts, ends, followed by white space) of the tokens of one text, white space left out.
Tokens = tuple[list[int], list[int], list[bool]]

BATCH = 256


@cache
def blank(lang: str = "en") -> Any:
    """A blank pipeline (tokenizer only) of a language, made once per process."""
    import spacy

    return spacy.blank(lang)


def model_language(model: str | None) -> str:
    """The language code of an installed pipeline or pipeline folder, read from its
    meta.json without loading it; "en" when no model is named."""
    if not model:
        return "en"
    import importlib.util
    from pathlib import Path

    import spacy.util

    path = Path(model)
    if not path.exists():
        spec = importlib.util.find_spec(model.replace("-", "_"))
        if spec is None or not spec.origin:
            raise OSError(f"no installed spaCy pipeline or folder named {model!r}")
        path = Path(spec.origin).parent
    meta = path / "meta.json"
    if not meta.is_file():
        raise OSError(f"{model}: no meta.json, so its language is unknown")
    return str(spacy.util.load_meta(meta)["lang"])


def tokenized(
    items: Iterable[AnnotatedText],
    lang: str = "en",
    *,
    spans_of: Callable[[AnnotatedText], Iterable[SpanDraft]] | None = None,
    batch_size: int = BATCH,
    spaces: bool = True,
) -> Iterator[tuple[AnnotatedText, Tokens]]:
    """Each item with its tokens, tokenised a batch at a time (spaCy's tokenizer.pipe).
    Tokens are cut at the boundaries of `spans_of(item)` (default: all its spans).
    Without `spaces`, the third list (followed by white space) is left empty."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    nlp = blank(lang)
    it = iter(items)
    while batch := list(islice(it, batch_size)):
        texts = [i.text for i in batch if i.meta.get("tokenized") != "whitespace"]
        docs = iter(nlp.tokenizer.pipe(texts, batch_size=batch_size))
        for item in batch:
            text = item.text
            if item.meta.get("tokenized") == "whitespace":
                starts, ends = _whitespace_bounds(text)
            else:
                rows = next(docs).to_array([IDX, LENGTH, IS_SPACE]).tolist()
                starts = [r[0] for r in rows if not r[2]]
                ends = [r[0] + r[1] for r in rows if not r[2]]
            spans = item.spans if spans_of is None else spans_of(item)
            starts, ends = _cut(starts, ends, spans)
            if spaces:
                n = len(text)
                yield item, (starts, ends, [e < n and text[e].isspace() for e in ends])
            else:
                yield item, (starts, ends, [])


def _whitespace_bounds(text: str) -> tuple[list[int], list[int]]:
    found = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    return [s for s, _ in found], [e for _, e in found]


def _cut(
    starts: list[int], ends: list[int], spans: Iterable[SpanDraft]
) -> tuple[list[int], list[int]]:
    """Tokens cut at every span boundary that falls inside one."""
    edges = {b for s in spans for b in (s.start, s.end)}
    if not edges:
        return starts, ends
    known = set(starts)
    known.update(ends)
    inner = sorted(b for b in edges if b not in known)
    if not inner:
        return starts, ends  # the usual case: every span is whole tokens already
    new_starts: list[int] = []
    new_ends: list[int] = []
    for s, e in zip(starts, ends, strict=True):
        lo, hi = bisect.bisect_right(inner, s), bisect.bisect_left(inner, e)
        prev = s
        for c in inner[lo:hi]:
            new_starts.append(prev)
            new_ends.append(c)
            prev = c
        new_starts.append(prev)
        new_ends.append(e)
    return new_starts, new_ends


def token_offsets(
    text: str, spans: Iterable[SpanDraft], whitespace_only: bool = False, lang: str = "en"
) -> list[tuple[int, int, bool]]:
    """(start, end, followed by white space) for the tokens of one text: the same
    tokens `tokenized` gives, for callers with a single text."""
    from annotator.formats.spans import AnnotatedText

    meta = {"tokenized": "whitespace"} if whitespace_only else {}
    item = AnnotatedText(text=text, spans=list(spans), meta=meta)
    ((_, (starts, ends, spaces)),) = tokenized([item], lang)
    return list(zip(starts, ends, spaces, strict=True))
