"""Search as people type it: what a search box or `list --search` says, as an FTS5 query.

By default the input is plain words. Every word must occur in the title or text, in any
order, case and accents aside (`japan` finds "Japan's"); a word is matched as the
index's tokenizer splits it, so `Japan's`, `US-China`, `$50` and `5%` find those very
strings. "Double quotes" keep words together as a phrase, and a `*` at the end of a word
finds every word beginning so (`invest*`). Nothing else is syntax: OR, NOT, AND,
parentheses, colons and a lone `*` are taken as text, so no input is an error. Input
with no word in it at all (`*`, `$`, `--`) filters nothing, as an empty box does.

`fts:` at the start hands the rest to SQLite's FTS5 query syntax as written (`fts:
Astana OR Seoul`, `fts: title:Korea`, `fts: NEAR(trade turnover, 3)`); a query that is
not valid FTS5 is then reported as such.
"""

from __future__ import annotations

import re
import unicodedata

FTS_PREFIX = "fts:"

# A "phrase" (the closing quote may be missing), or a run of anything but white space.
_CHUNK = re.compile(r'"([^"]*)"?|([^\s"]+)')
# What SQLite cannot take inside a query string: NUL, and lone surrogates (from argv
# that was not valid UTF-8), which cannot be encoded.
_UNUSABLE = re.compile(r"[\x00\ud800-\udfff]")


def is_fts(query: str) -> bool:
    """Whether `query` asks for FTS5 syntax (begins with `fts:`)."""
    return query.lstrip()[: len(FTS_PREFIX)].lower() == FTS_PREFIX


def fts_query(query: str | None) -> str | None:
    """The FTS5 MATCH expression for what the user typed, or None when it has nothing
    to search for (no filter)."""
    if query is None:
        return None
    query = _UNUSABLE.sub(" ", query)
    if is_fts(query):
        raw = query.lstrip()[len(FTS_PREFIX) :].strip()
        return raw or None
    terms: list[str] = []
    for m in _CHUNK.finditer(query):
        phrase, word = m.group(1), m.group(2)
        prefix = False
        if word is not None:
            prefix = word.endswith("*")
            phrase = word.rstrip("*")
        if not _has_word(phrase):
            continue
        terms.append('"' + phrase.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms) or None


def _has_word(text: str) -> bool:
    """Whether the index's tokenizer (unicode61) finds a token in `text`: letters,
    digits, private-use characters and marks are token characters, the rest separate."""
    return any(unicodedata.category(c)[0] in "LNM" or unicodedata.category(c) == "Co" for c in text)
