"""Which trials are "good" (modelled by l(x)) and which are the rest (g(x)): pure functions over arrays.

Single objective: COMPLETE trials by value, then PRUNED trials by the step they reached (further is
better), then by their last intermediate value; trials pruned before reporting anything come last. With
constraints, every trial that violates one comes after all the others, the least violating first.
Several objectives: whole non-dominated fronts, and from the front that does not fit entirely, the points
that keep the most hypervolume: with two objectives by dropping the least contributing point until enough
remain, with more by adding the most contributing one (greedy, ``hpint._hypervolume_subset``).
"""

from __future__ import annotations

import functools
import heapq
import math

import numpy as np

from hpint._hypervolume_subset import GreedySubset
from hpint._pareto import is_pareto_front


def default_gamma(n: int) -> int:
    """How many of ``n`` trials count as good: 10%, at most 25."""
    return min(math.ceil(0.1 * n), 25)


def default_gamma_multiobjective(n: int) -> int:
    """How many of ``n`` trials count as good with several objectives: 10%, uncapped."""
    return math.ceil(0.1 * n)


def hyperopt_default_gamma(n: int) -> int:
    """Hyperopt's choice: a quarter of the square root of ``n``, at most 25."""
    return min(math.ceil(0.25 * n**0.5), 25)


@functools.lru_cache(maxsize=8)  # each trial asks for the good and the rest trials' weights
def default_weights(n: int) -> np.ndarray:
    """Observation weights, oldest first: the latest 25 weigh 1, older ones fade linearly to ``1 / n``.

    Recent trials describe where the search is now; old ones still count, a little. Read-only (shared).
    """
    if n < 25:
        w = np.ones(n)
    else:
        w = np.concatenate([np.linspace(1.0 / n, 1.0, num=n - 25), np.ones(25)])
    w.flags.writeable = False
    return w


def good_rank_weights(ranks: np.ndarray) -> np.ndarray:
    """Weights of the good trials from their ranks (0 the best): ``log(k + 1) - log(rank + 1)``.

    ``k`` is the number of good trials. The best trial weighs ``log(k + 1)``, the last good one
    ``log(1 + 1 / k)``: l(x) concentrates around the best trials instead of spreading evenly over all of
    them. Used with one objective when no ``weights`` are given.
    """
    k = len(ranks)
    return np.log(k + 1.0) - np.log(np.asarray(ranks, dtype=float) + 1.0)


def good_min_bandwidth(n: int) -> float:
    """Smallest kernel width of l(x) (unit scale) after ``n`` trials: ``1 / min(100, 1 + n / 3)``.

    The usual clip, ``1 / min(100, 1 + n_kernels)``, counts l(x)'s own kernels, which the default gamma
    keeps at 26 or fewer: a twelfth of the range at 100 trials, never below 1/27, so l(x) cannot resolve
    the optimum more finely than that. Counting the trials instead lets l(x) narrow as the search goes
    on, down to the same 1% floor.
    """
    return 1.0 / min(100.0, 1.0 + n / 3.0)


def single_objective_order(
    complete: np.ndarray,
    loss: np.ndarray,
    pruned_step: np.ndarray,
    pruned_loss: np.ndarray,
    violation: np.ndarray | None = None,
) -> np.ndarray:
    """Indices from best to worst (see the module docstring). ``loss`` is minimised; NaN ranks last.
    ``violation`` (NaN or 0: feasible) puts the infeasible trials last, by how much they violate."""
    has_step = pruned_step >= 0
    group = np.where(complete, 0, np.where(has_step, 1, 2))
    steps = np.where(complete | ~has_step, 0, -pruned_step)
    value = np.where(complete, loss, np.where(has_step, pruned_loss, 0.0))
    value = np.where(np.isnan(value), np.inf, value)
    if violation is None:
        return np.lexsort((value, steps, group))
    infeasible = violation > 0  # NaN compares False: no constraints means feasible
    return np.lexsort((value, steps, group, np.where(infeasible, violation, 0.0), infeasible))


def constrained_below(loss: np.ndarray, violation: np.ndarray, n_below: int) -> np.ndarray:
    """Boolean mask of the ``n_below`` best rows of ``loss`` (``(n, m)``, minimised) under constraints:
    the feasible rows by Pareto rank, then, if too few are feasible, the least violating others."""
    infeasible = violation > 0
    feasible = np.flatnonzero(~infeasible)
    mask = np.zeros(len(loss), dtype=bool)
    mask[feasible] = multi_objective_below(loss[feasible], min(n_below, len(feasible)))
    missing = n_below - len(feasible)
    if missing > 0:
        others = np.flatnonzero(infeasible)
        mask[others[np.argsort(violation[others], kind="stable")[:missing]]] = True
    return mask


def multi_objective_below(
    loss: np.ndarray, n_below: int, memo: dict[str, object] | None = None
) -> np.ndarray:
    """Boolean mask of the ``n_below`` best rows of ``loss`` (``(n, m)``, minimised) by Pareto rank.

    ``memo``, if given, keeps the first front (:func:`first_front`) and the last greedy choice
    (:func:`select_spread`) for the next call.
    """
    n = loss.shape[0]
    mask = np.zeros(n, dtype=bool)
    remaining = np.arange(n)
    while remaining.size and mask.sum() < n_below:
        on_front = first_front(loss, memo) if remaining.size == n else is_pareto_front(loss[remaining])
        front = remaining[on_front]
        room = n_below - int(mask.sum())
        if front.size <= room:
            mask[front] = True
        else:
            mask[front[select_spread(loss[front], room, memo)]] = True
        remaining = np.setdiff1d(remaining, front, assume_unique=True)
    return mask


def first_front(loss: np.ndarray, memo: dict[str, object] | None = None) -> np.ndarray:
    """:func:`~hpint._pareto.is_pareto_front` of ``loss``, updated from the last call's (kept in
    ``memo``) when ``loss`` is that call's with one row appended: the new row joins the front unless a
    front row dominates it, and the front rows it dominates leave."""
    previous = memo.get("first front") if memo is not None else None
    n = len(loss)
    if isinstance(previous, tuple) and len(previous[0]) in (n - 1, n):
        old_loss, old_front = previous
        if np.array_equal(loss[: len(old_loss)], old_loss) and not np.isnan(loss[len(old_loss) :]).any():
            on_front = np.append(old_front, True)[:n]
            if len(old_loss) < n:
                row, kept = loss[-1], loss[:-1]
                front = kept[old_front]
                on_front[-1] = not np.any(np.all(front <= row, axis=1) & np.any(front < row, axis=1))
                on_front[:-1] &= ~(np.all(row <= kept, axis=1) & np.any(row < kept, axis=1))
            if memo is not None:
                memo["first front"] = (loss.copy(), on_front)
            return on_front
    on_front = is_pareto_front(loss)
    if memo is not None:
        memo["first front"] = (loss.copy(), on_front)
    return on_front


def select_spread(points: np.ndarray, k: int, memo: dict[str, object] | None = None) -> np.ndarray:
    """Indices of ``k`` mutually non-dominated ``points`` that keep the most hypervolume (greedily).

    With three or more objectives, ``memo`` (if given) holds the last run under ``"greedy subset"``;
    when this call's points are that run's with one point appended (the usual case from one trial to
    the next) and the new point never gains more than the point chosen in its stead, the run is reused
    (:meth:`~hpint._hypervolume_subset.GreedySubset.with_appended`): the same answer, without the run.
    """
    if k >= len(points):
        return np.arange(len(points))
    if points.shape[1] == 2:
        return _hypervolume_subset_2d(points, k)
    reference = reference_point(points)
    previous = memo.get("greedy subset") if memo is not None else None
    run = previous.with_appended(points, k, reference) if isinstance(previous, GreedySubset) else None
    if run is None:
        run = GreedySubset(points, k, reference)
    if memo is not None:
        memo["greedy subset"] = run
    return run.indices


def _hypervolume_subset_2d(points: np.ndarray, k: int) -> np.ndarray:
    """Drop, one at a time, the point whose loss costs the least hypervolume (on ties the lowest index),
    until ``k`` remain; sorted indices of those kept.

    A point's contribution is the rectangle between it and its two neighbours along the front (or the
    reference point), so a removal changes only its neighbours' contributions: they are kept in a heap,
    and stale entries are skipped, in O(n log n) instead of recomputing all of them per removal.
    """
    n = len(points)
    ref_x, ref_y = (float(v) for v in reference_point(points))
    order = np.lexsort((points[:, 1], points[:, 0]))  # along the front; duplicates stay side by side
    x, y, index = points[order, 0].tolist(), points[order, 1].tolist(), order.tolist()
    prev, nxt = list(range(-1, n - 1)), list(range(1, n + 1))

    def contribution(i: int) -> float:
        right = x[nxt[i]] if nxt[i] < n else ref_x
        above = y[prev[i]] if prev[i] >= 0 else ref_y
        return (right - x[i]) * (above - y[i])

    current = [contribution(i) for i in range(n)]
    heap = [(current[i], index[i], i) for i in range(n)]
    heapq.heapify(heap)
    alive = [True] * n
    for _ in range(n - k):
        value, _, i = heapq.heappop(heap)
        while not alive[i] or value != current[i]:
            value, _, i = heapq.heappop(heap)
        alive[i] = False
        before, after = prev[i], nxt[i]
        if before >= 0:
            nxt[before] = after
        if after < n:
            prev[after] = before
        for j in (before, after):
            if 0 <= j < n:
                current[j] = contribution(j)
                heapq.heappush(heap, (current[j], index[j], j))
    return np.sort(order[np.array(alive)])


def reference_point(points: np.ndarray) -> np.ndarray:
    """A point slightly worse than every given one, so boundary points still add hypervolume."""
    worst = points.max(axis=0)
    span = worst - points.min(axis=0)
    return worst + np.maximum(0.1 * span, 1e-9 * np.maximum(1.0, np.abs(worst)))
