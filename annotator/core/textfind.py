"""Find in the open article: where a curator's typed text occurs, so the window can
select it and a label key can turn it into a span.

Matching is what a curator typing the beginning of a name expects: white space in the
query matches any run of white space (a line break included), lower-case queries ignore
case while a capital makes the search case-sensitive ("smart case"), and matches start
where a word starts ("kor" finds "Korea" and "Kazakh-Korean", not "Tokor"). When nothing
starts a word, matches anywhere are offered instead. Offsets are code points.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence


def _pattern(query: str, word_start: bool) -> re.Pattern[str] | None:
    words = query.split()
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    if word_start and re.match(r"\w", words[0]):
        body = r"(?<!\w)" + body
    flags = 0 if any(c.isupper() for c in query) else re.IGNORECASE
    return re.compile(body, flags)


def find_matches(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of every match of `query` in `text`, in text order: matches at the
    start of a word, or, when there are none, matches anywhere."""
    for word_start in (True, False):
        pattern = _pattern(query, word_start)
        if pattern is None:
            return []
        found = [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]
        if found:
            return found
    return []


def match_from(matches: Sequence[tuple[int, int]], origin: int, *, backward: bool = False) -> int:
    """Index of the first match after `origin` (going forward: starting after it; going
    backward: starting before it), wrapping round the text. `matches` must not be empty."""
    starts = [m[0] for m in matches]
    if backward:
        i = bisect.bisect_left(starts, origin) - 1
        return i % len(matches)
    i = bisect.bisect_right(starts, origin)
    return i % len(matches)
