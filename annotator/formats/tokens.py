"""Tokenising texts for formats that need tokens (Prodigy, CoNLL): spaCy's blank English
tokenizer, with tokens cut at every span boundary so every span is whole tokens."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from annotator.core.model import SpanDraft


@cache
def _blank() -> Any:
    import spacy

    return spacy.blank("en")


def token_offsets(
    text: str, spans: Iterable[SpanDraft], whitespace_only: bool = False
) -> list[tuple[int, int, bool]]:
    """(start, end, followed by a space) for each token, white-space tokens left out.

    `whitespace_only` splits on white space alone (for texts that were made by joining
    tokens with spaces, as CoNLL imports are), so they come back out token for token.
    """
    if whitespace_only:
        bounds: list[tuple[int, int]] = []
        start = None
        for i, ch in enumerate(text):
            if ch.isspace():
                if start is not None:
                    bounds.append((start, i))
                    start = None
            elif start is None:
                start = i
        if start is not None:
            bounds.append((start, len(text)))
    else:
        doc = _blank().make_doc(text)
        bounds = [(t.idx, t.idx + len(t)) for t in doc if not t.is_space]
    cuts = {b for s in spans for b in (s.start, s.end)}
    out: list[tuple[int, int]] = []
    for start, end in bounds:
        prev = start
        for c in sorted(c for c in cuts if start < c < end):
            out.append((prev, c))
            prev = c
        out.append((prev, end))
    return [(s, e, e < len(text) and text[e].isspace()) for s, e in out]
