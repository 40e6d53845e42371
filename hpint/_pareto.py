"""Pareto dominance, as pure functions over arrays of objective values (minimisation form)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.trial._constraints import constraint_values

if TYPE_CHECKING:
    import numpy as np

    from hpint.trial._frozen import FrozenTrial


def to_minimization(values: Sequence[Sequence[float]], directions: Sequence[StudyDirection]) -> np.ndarray:
    """An ``(n, m)`` array where every objective is to be minimised (maximised ones are negated)."""
    import numpy as np

    arr = np.asarray(values, dtype=float).reshape(len(values), len(directions))
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
    return arr * signs


def is_pareto_front(loss: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``loss`` (minimisation). Duplicated points all count.

    Runs in O(n log n) for two objectives (without NaN) and O(n * front) otherwise.
    """
    import numpy as np

    n = loss.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    if loss.shape[1] == 2 and not np.isnan(loss).any():
        return _pareto_front_2d(loss)
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


def _pareto_front_2d(loss: np.ndarray) -> np.ndarray:
    """:func:`is_pareto_front` for two objectives, one sort and one pass.

    Sorted by the first objective, then the second, a row is dominated exactly when an earlier row other
    than a copy of it has a second objective at most its own: the front is the rows that set a new strict
    running minimum of the second objective, with their copies.
    """
    import numpy as np

    order = np.lexsort((loss[:, 1], loss[:, 0]))
    pts = loss[order]
    second = pts[:, 1]
    new_minimum = np.ones(len(pts), dtype=bool)
    new_minimum[1:] = second[1:] < np.minimum.accumulate(second)[:-1]
    starts_run = np.ones(len(pts), dtype=bool)  # the first of each run of equal rows
    starts_run[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    run_start = np.maximum.accumulate(np.where(starts_run, np.arange(len(pts)), 0))
    mask = np.empty(len(pts), dtype=bool)
    mask[order] = new_minimum[run_start]
    return mask


def non_dominated_ranks(loss: np.ndarray, n_below: int | None = None) -> np.ndarray:
    """Rank 0 for the Pareto front, 1 for the front once rank 0 is removed, and so on.

    With ``n_below``, peeling stops once at least that many rows are ranked and the rest all share the
    next rank: selecting the best ``k`` rows never needs the ranks of the others.
    """
    import numpy as np

    if loss.ndim == 2 and loss.shape[1] == 1:  # one objective: ranks are the distinct values' order
        return np.unique(loss[:, 0], return_inverse=True)[1].reshape(-1).astype(int)
    ranks = np.full(loss.shape[0], -1, dtype=int)
    remaining = np.arange(loss.shape[0])
    rank = 0
    while remaining.size:
        if n_below is not None and loss.shape[0] - remaining.size >= n_below:
            ranks[remaining] = rank
            break
        front = is_pareto_front(loss[remaining])
        ranks[remaining[front]] = rank
        remaining = remaining[~front]
        rank += 1
    return ranks


def constrained_ranks(
    loss: np.ndarray, violation: np.ndarray | None = None, n_below: int | None = None
) -> np.ndarray:
    """Non-dominated ranks under constrained domination (Deb's rule).

    ``violation[i]`` is row ``i``'s total constraint violation (0 when feasible). Every feasible row ranks
    before every infeasible one; feasible rows are ranked by Pareto dominance, infeasible ones by their
    violation alone (a smaller violation ranks first, equal violations share a rank).
    """
    import numpy as np

    if violation is None:
        return non_dominated_ranks(loss, n_below)
    violation = np.asarray(violation, dtype=float)
    feasible = violation <= 0
    ranks = np.zeros(loss.shape[0], dtype=int)
    ranks[feasible] = non_dominated_ranks(loss[feasible], n_below)
    first_infeasible = int(ranks[feasible].max()) + 1 if feasible.any() else 0
    _, violation_rank = np.unique(violation[~feasible], return_inverse=True)
    ranks[~feasible] = first_infeasible + violation_rank.reshape(-1)
    return ranks


def crowding_distance(loss: np.ndarray) -> np.ndarray:
    """NSGA-II's crowding distance of each row of ``loss`` within its set; larger means more isolated.

    For each objective the rows are sorted; the two extremes get ``inf`` and each inner row the gap
    between its neighbours, divided by the objective's range (objectives of zero range add nothing).
    Sets of at most two rows are all ``inf``.
    """
    import numpy as np

    n, m = loss.shape
    distance = np.zeros(n)
    if n <= 2:
        distance[:] = np.inf
        return distance
    for j in range(m):
        order = np.argsort(loss[:, j], kind="stable")
        column = loss[order, j]
        span = column[-1] - column[0]
        distance[order[[0, -1]]] = np.inf
        if span > 0 and np.isfinite(span):
            distance[order[1:-1]] += (column[2:] - column[:-2]) / span
    return distance


def pareto_front_trials(
    trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection]
) -> list[FrozenTrial]:
    """The trials whose values no other trial dominates (ordered by number)."""
    if not trials:
        return []
    loss = to_minimization([t.values for t in trials], directions)  # type: ignore[misc]
    mask = is_pareto_front(loss)
    return [t for t, keep in zip(trials, mask) if keep]


def is_feasible(trial: FrozenTrial) -> bool:
    """False only when the trial has constraint values and one of them is positive (violated)."""
    return all(c <= 0.0 for c in constraint_values(trial.system_attrs).values())


def best_feasible_trial(trials: Sequence[FrozenTrial], direction: StudyDirection) -> FrozenTrial:
    """The best of the feasible ``trials`` (COMPLETE, one objective).

    Raises:
        ValueError: no trial is feasible.
    """
    feasible = [t for t in trials if is_feasible(t) and t.value is not None]
    if not feasible:
        raise ValueError("No feasible trial has completed yet: every one violates a constraint.")
    pick = max if direction == StudyDirection.MAXIMIZE else min
    return pick(feasible, key=lambda t: t.value)  # type: ignore[arg-type,return-value]
