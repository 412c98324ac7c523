"""Which undecided entity suggestions "accept all" takes when suggestions overlap.

Two sources suggest entities: the model, and the knowledge base's pre-links (source
`kb`). They often propose the same words differently ("Tokayev" PERSON pre-linked, ORG
from the model; "Kazakh" NORP, "Kazakh-Korea" GPE), and accepting both would give the
curator, or a silver export, two contradicting entities over one stretch of text. So
"accept all" (the window's Shift+A, `annotator accept`) takes at most a consistent set:

1. what the curator already decided stays, and nothing overlapping it is taken;
2. then the pre-linked suggestions (an entity of the knowledge base named by one of its
   aliases): the KB's type and edges are facts curators wrote, the model's a guess;
3. then the rest (the model's; an ambiguous alias the KB could not link), in text order.

A suggestion overlapping one taken before is left open, for the curator to settle.
Figures are a layer of their own and never compete with entities here.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    linked: bool = False  # pre-linked by the knowledge base
    decided: bool = False  # the curator's own annotation already


def accept_all_choice(spans: Sequence[Candidate]) -> list[bool]:
    """For each span, whether accept-all takes it (decided spans: False, they are taken
    already). Spans in any order."""
    taken = _Intervals()
    out = [False] * len(spans)
    tiers = (
        [i for i, s in enumerate(spans) if s.decided],
        [i for i, s in enumerate(spans) if not s.decided and s.linked],
        [i for i, s in enumerate(spans) if not s.decided and not s.linked],
    )
    for tier, indices in enumerate(tiers):
        for i in sorted(indices, key=lambda i: (spans[i].start, spans[i].end)):
            s = spans[i]
            if tier == 0:
                taken.add(s.start, s.end)
            elif not taken.overlaps(s.start, s.end):
                taken.add(s.start, s.end)
                out[i] = True
    return out


class _Intervals:
    """Non-overlapping [start, end) intervals, sorted, for overlap tests in log time
    (decided spans may overlap each other: they are merged)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.ends, start + 1)  # first interval ending after start
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        lo = bisect.bisect_left(self.ends, start + 1)
        hi = bisect.bisect_left(self.starts, end)
        if lo < hi:  # merge with the overlapping ones
            start = min(start, self.starts[lo])
            end = max(end, self.ends[hi - 1])
        self.starts[lo:hi] = [start]
        self.ends[lo:hi] = [end]
