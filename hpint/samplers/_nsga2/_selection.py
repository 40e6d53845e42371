"""NSGA-II selection, as pure functions over objective values: who survives, and who becomes a parent.

Survival (elitism): the best ``k`` of parents and offspring together, front by front under constrained
domination, the last front cut by crowding distance so the survivors stay spread along the front.
Mating: binary tournaments with the crowded-comparison operator (lower rank wins, then the more
isolated point).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint._pareto import constrained_ranks, crowding_distance

if TYPE_CHECKING:
    import numpy as np


def rank_and_crowding(
    loss: np.ndarray, violation: np.ndarray | None, n_below: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's constrained non-dominated rank and its crowding distance within its own front."""
    import numpy as np

    ranks = constrained_ranks(loss, violation, n_below)
    crowding = np.zeros(loss.shape[0])
    for rank in np.unique(ranks):
        members = np.flatnonzero(ranks == rank)
        crowding[members] = crowding_distance(loss[members])
    return ranks, crowding


def select_elite(loss: np.ndarray, violation: np.ndarray | None, k: int) -> np.ndarray:
    """Indices of the ``k`` survivors among the rows of ``loss`` (all of them if there are at most ``k``).

    Whole fronts are taken in rank order; the front that does not fit is cut by decreasing crowding
    distance, ties going to the earlier row, so the result depends on the values alone.
    """
    import numpy as np

    n = loss.shape[0]
    if n <= k:
        return np.arange(n)
    ranks = constrained_ranks(loss, violation, n_below=k)
    order = np.argsort(ranks, kind="stable")
    cut_rank = ranks[order[k - 1]]
    chosen = order[ranks[order] < cut_rank]
    last = np.flatnonzero(ranks == cut_rank)
    crowding = crowding_distance(loss[last])
    keep = last[np.argsort(-crowding, kind="stable")[: k - chosen.size]]
    return np.sort(np.concatenate([chosen, keep]))


def tournament(
    ranks: np.ndarray, crowding: np.ndarray, candidates: np.ndarray, rng: np.random.RandomState
) -> int:
    """The winner of a binary tournament between two distinct random ``candidates`` (indices)."""
    if candidates.size == 1:
        return int(candidates[0])
    a, b = (int(i) for i in rng.choice(candidates, size=2, replace=False))
    if ranks[a] != ranks[b]:
        return a if ranks[a] < ranks[b] else b
    if crowding[a] != crowding[b]:
        return a if crowding[a] > crowding[b] else b
    return a  # ``a`` is already a random pick of the two


def select_parents(
    ranks: np.ndarray, crowding: np.ndarray, n_parents: int, rng: np.random.RandomState
) -> list[int]:
    """``n_parents`` distinct indices, each the winner of a tournament among those not yet chosen."""
    import numpy as np

    remaining = np.arange(len(ranks))
    chosen: list[int] = []
    for _ in range(min(n_parents, len(ranks))):
        winner = tournament(ranks, crowding, remaining, rng)
        chosen.append(winner)
        remaining = remaining[remaining != winner]
    return chosen
