"""Many integers out of SQLite at once.

Moving a row from SQLite into Python costs about as much as all the rest of the work
on it, so the agreement figures and the review queue have SQLite pack each span into
integers and join a whole stretch of them into one string (group_concat) that numpy
parses: about half the time of a row each. Stretches run over a few hundred documents
(`doc_ranges`): one string per curator would be megabytes, and freeing blocks that large
makes the C allocator keep later arrays in memory it does not give back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DOCS_PER_RANGE = 256


def doc_ranges(doc_ids: Sequence[int], size: int | None = None) -> list[tuple[int, int]]:
    """Inclusive (first, last) ranges covering the sorted `doc_ids`, `size` of them each
    (default DOCS_PER_RANGE)."""
    size = size or DOCS_PER_RANGE
    return [
        (doc_ids[i], doc_ids[min(i + size, len(doc_ids)) - 1]) for i in range(0, len(doc_ids), size)
    ]


def ints(joined: str | None) -> np.ndarray:
    """The int64s of a group_concat of integers (None or "": no rows)."""
    import numpy as np

    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")
