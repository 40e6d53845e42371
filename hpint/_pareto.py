"""Pareto dominance, as pure functions over arrays of objective values (minimisation form)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection

if TYPE_CHECKING:
    import numpy as np

    from hpint.trial._frozen import FrozenTrial


def to_minimization(values: Sequence[Sequence[float]], directions: Sequence[StudyDirection]) -> np.ndarray:
    """An ``(n, m)`` array where every objective is to be minimised (maximised ones are negated)."""
    import numpy as np

    arr = np.asarray(values, dtype=float).reshape(len(values), len(directions))
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
    return arr * signs


def is_pareto_front(loss: np.ndarray, assume_unique: bool = False) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``loss`` (minimisation). Duplicated points all count.

    Runs in O(n log n) for two objectives and O(n * front) otherwise.
    """
    import numpy as np

    n = loss.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    unique, inverse = np.unique(loss, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.lexsort(unique.T[::-1])  # sort by first objective, then the next ...
    pts = unique[order]
    on_front = np.zeros(len(pts), dtype=bool)
    remaining = np.arange(len(pts))
    while remaining.size:
        head = remaining[0]  # lexicographically smallest remaining point is never dominated
        on_front[head] = True
        rest = remaining[1:]
        dominated = np.all(pts[rest] >= pts[head], axis=1)
        remaining = rest[~dominated]
    mask_unique = np.zeros(len(pts), dtype=bool)
    mask_unique[order] = on_front
    return mask_unique[inverse]


def non_dominated_ranks(loss: np.ndarray) -> np.ndarray:
    """Rank 0 for the Pareto front, 1 for the front once rank 0 is removed, and so on."""
    import numpy as np

    ranks = np.full(loss.shape[0], -1, dtype=int)
    remaining = np.arange(loss.shape[0])
    rank = 0
    while remaining.size:
        front = is_pareto_front(loss[remaining])
        ranks[remaining[front]] = rank
        remaining = remaining[~front]
        rank += 1
    return ranks


def pareto_front_trials(
    trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection]
) -> list[FrozenTrial]:
    """The trials whose values no other trial dominates (ordered by number)."""
    if not trials:
        return []
    loss = to_minimization([t.values for t in trials], directions)  # type: ignore[misc]
    mask = is_pareto_front(loss)
    return [t for t, keep in zip(trials, mask) if keep]
