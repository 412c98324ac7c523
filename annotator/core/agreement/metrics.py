"""The agreement coefficients, in numpy, on category codes (ints from 0).

Each is checked in the tests against a reference implementation to 1e-9:
scikit-learn's `cohen_kappa_score`, statsmodels' `fleiss_kappa` and the `krippendorff`
package (`level_of_measurement="nominal"`). Where a coefficient is undefined (every unit
in one category, so chance agreement is 1) the result is NaN, as the references give.

Multi-rater figures take a matrix of codes, one row per unit and one column per rater,
with no missing values (the units are those every rater finished). Identical rows are
counted once with their number, so a corpus of millions of tokens where most tokens are
unlabelled by everyone costs little.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


# units are counted a stretch at a time: the temporaries of a stretch (a few MB) are
# recycled by the allocator, where those of millions of units at once would be mapped
# and page-faulted in afresh for every count
_STRETCH = 1 << 20


def confusion(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """k x k counts: rows rater a's category, columns rater b's."""
    import numpy as np

    out = np.zeros(k * k, dtype=np.int64)
    for i in range(0, len(a), _STRETCH):
        j = i + _STRETCH
        out += np.bincount(a[i:j].astype(np.int64) * k + b[i:j], minlength=k * k)
    return out.reshape(k, k)


def cohen_kappa(matrix: np.ndarray) -> float:
    """Cohen's kappa of a confusion matrix (observed agreement against the chance
    agreement of each rater's own category frequencies)."""
    import numpy as np

    m = matrix.astype(np.float64)
    n = m.sum()
    if n == 0:
        return float("nan")
    po = np.trace(m) / n
    pe = float(m.sum(axis=1) @ m.sum(axis=0)) / (n * n)
    if pe == 1.0:
        return float("nan")
    return float((po - pe) / (1.0 - pe))


def alpha_from_coincidences(o: np.ndarray) -> float:
    """Krippendorff's alpha, nominal, from a coincidence matrix."""
    import numpy as np

    o = o.astype(np.float64)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    expected = n * n - float(n_c @ n_c)
    if n <= 1 or expected == 0:
        return float("nan")
    return float(1.0 - (n - 1.0) * (n - np.trace(o)) / expected)


def alpha_pair(matrix: np.ndarray) -> float:
    """Krippendorff's alpha, nominal, for two raters without missing values: every unit
    is one pair of values, counted both ways in the coincidence matrix."""
    return alpha_from_coincidences(matrix + matrix.T)


def unit_counts(codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(counts, weights): for each distinct row of `codes` (units x raters), how many
    raters chose each of the k categories, and how many units have that row."""
    return unit_counts_of_columns([codes[:, j] for j in range(codes.shape[1])], k)


def unit_counts_of_columns(columns: Sequence[np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray]:
    """`unit_counts` of the matrix whose columns (one per rater) are given: the same
    without building it."""
    import numpy as np

    n_units, raters = len(columns[0]), len(columns)
    if n_units == 0:
        return np.zeros((0, k), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if k**raters <= 1 << 22:
        # every possible row has a slot: counted without sorting
        tally = np.zeros(k**raters, dtype=np.int64)
        for i in range(0, n_units, _STRETCH):
            key = columns[0][i : i + _STRETCH].astype(np.int64)
            for col in columns[1:]:
                key *= k
                key += col[i : i + _STRETCH]
            tally += np.bincount(key, minlength=k**raters)
        seen = np.flatnonzero(tally)
        weights = tally[seen]
        rows = np.stack([(seen // k ** (raters - 1 - j)) % k for j in range(raters)], axis=1)
    elif k**raters < 2**62:
        key = columns[0].astype(np.int64)
        for col in columns[1:]:
            key *= k
            key += col
        _, first, weights = np.unique(key, return_index=True, return_counts=True)
        rows = np.stack([col[first] for col in columns], axis=1)
    else:
        rows, weights = np.unique(np.stack(columns, axis=1), axis=0, return_counts=True)
    counts = np.zeros((len(rows), k), dtype=np.int64)
    for j in range(raters):
        np.add.at(counts, (np.arange(len(rows)), rows[:, j]), 1)
    return counts, weights.astype(np.int64)


def fleiss_kappa(counts: np.ndarray, weights: np.ndarray) -> float:
    """Fleiss' kappa from per-unit category counts (each row sums to the number of
    raters), rows weighted by how many units have them."""
    import numpy as np

    if counts.size == 0:
        return float("nan")
    c = counts.astype(np.float64)
    w = weights.astype(np.float64)
    m = c[0].sum()
    n_units = w.sum()
    if m < 2:
        return float("nan")
    p_unit = ((c * c).sum(axis=1) - m) / (m * (m - 1.0))
    p_bar = float(w @ p_unit) / n_units
    p_cat = (w @ c) / (n_units * m)
    p_e = float(p_cat @ p_cat)
    if p_e == 1.0:
        return float("nan")
    return (p_bar - p_e) / (1.0 - p_e)


def alpha_multi(counts: np.ndarray, weights: np.ndarray) -> float:
    """Krippendorff's alpha, nominal, from per-unit category counts (no missing values:
    every unit has the same number of raters)."""
    import numpy as np

    if counts.size == 0:
        return float("nan")
    c = counts.astype(np.float64)
    m = c[0].sum()
    if m < 2:
        return float("nan")
    weighted = c * weights.astype(np.float64)[:, None]
    o = (weighted.T @ c - np.diag(weighted.sum(axis=0))) / (m - 1.0)
    return alpha_from_coincidences(o)


def f1(matched_a: int, total_a: int, matched_b: int, total_b: int) -> float:
    """The F1 of two raters' spans: the harmonic mean of the share of a's spans matched
    in b and of b's spans matched in a. NaN when neither rater has a span."""
    if total_a == 0 and total_b == 0:
        return float("nan")
    if total_a == 0 or total_b == 0:
        return 0.0
    p, r = matched_a / total_a, matched_b / total_b
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)
