"""The one-sided Wilcoxon signed-rank test, in numpy (no scipy needed), for :class:`WilcoxonPruner`.

Zeros are handled by "zsplit": they are ranked with the other differences and half of each zero's rank
counts as positive. With up to ``EXACT_MAX_N`` differences the p-value is exact: the distribution of the
positive rank sum over every sign flip of the non-zero differences (ties keep their average ranks), the
same null distribution as scipy's exact and permutation methods. Beyond that, the normal approximation
with the tie correction (no continuity correction), as scipy's asymptotic method.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

EXACT_MAX_N = 50


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n of ``values``, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2.0 + 1.0
        start = end + 1
    return ranks


def positive_rank_sum(diffs: Sequence[float]) -> float:
    """The statistic: sum of the ranks of ``|diffs|`` over positive differences, plus half of the zeros'."""
    ranks = average_ranks([abs(d) for d in diffs])
    return sum(r for r, d in zip(ranks, diffs) if d > 0) + sum(r for r, d in zip(ranks, diffs) if d == 0) / 2


def signed_rank_p_value(diffs: Sequence[float], alternative: str) -> float:
    """P-value that the differences lean positive (``"greater"``) or negative (``"less"``).

    Raises:
        ValueError: ``alternative`` is neither, or ``diffs`` is empty or holds a NaN.
    """
    if alternative not in ("greater", "less"):
        raise ValueError(f"`alternative` must be 'greater' or 'less', not {alternative!r}.")
    if not diffs or any(math.isnan(d) for d in diffs):
        raise ValueError(f"`diffs` must be a non-empty sequence of numbers, not {diffs!r}.")
    if alternative == "less":
        diffs = [-d for d in diffs]
    if len(diffs) <= EXACT_MAX_N:
        return _exact_p_greater(diffs)
    return _normal_p_greater(diffs)


def _exact_p_greater(diffs: Sequence[float]) -> float:
    """P(T+ >= observed) over the 2^m equally likely sign patterns of the m non-zero differences."""
    import numpy as np

    ranks = average_ranks([abs(d) for d in diffs])
    # Average ranks are multiples of 1/2 and half-ranks of zeros multiples of 1/4: scale to integers.
    flippable = [round(4 * r) for r, d in zip(ranks, diffs) if d != 0]
    fixed = sum(round(2 * r) for r, d in zip(ranks, diffs) if d == 0)  # 4 * (rank / 2)
    observed = sum(round(4 * r) for r, d in zip(ranks, diffs) if d > 0) + fixed
    counts = np.zeros(sum(flippable) + 1)
    counts[0] = 1.0
    for r in flippable:  # convolve with "rank absent or present", one difference at a time
        counts[r:] = counts[r:] + counts[: len(counts) - r].copy()
    threshold = observed - fixed
    if threshold <= 0:
        return 1.0
    return float(counts[threshold:].sum() / counts.sum())


def _normal_p_greater(diffs: Sequence[float]) -> float:
    n = len(diffs)
    mean = n * (n + 1) / 4.0
    abs_diffs = [abs(d) for d in diffs]
    tie_sizes: dict[float, int] = {}
    for a in abs_diffs:
        tie_sizes[a] = tie_sizes.get(a, 0) + 1
    tie_term = sum(t**3 - t for t in tie_sizes.values())
    variance = (n * (n + 1) * (2 * n + 1) - tie_term / 2.0) / 24.0
    if variance <= 0.0:
        return 0.5
    z = (positive_rank_sum(diffs) - mean) / math.sqrt(variance)
    return 0.5 * math.erfc(z / math.sqrt(2.0))
