"""NSGA-III's survival (Deb and Jain, 2014) as pure functions over arrays of objective values.

Whole non-dominated fronts survive in rank order, as in NSGA-II; the front that does not fit is cut by
niching instead of crowding distance: objectives are normalized (ideal point at 0, the hyperplane
through the extreme points at 1 on every axis), every member is associated with the reference line it
is closest to, and members of the cut front are taken one at a time from the least-populated niches.
Crowding distance loses its meaning with many objectives (almost every point is non-dominated and
extreme on some axis); a fixed set of reference directions keeps the population spread over the front.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint._pareto import constrained_ranks

if TYPE_CHECKING:
    import numpy as np

#: Weight of the other axes in the achievement scalarizing function that finds extreme points.
_OFF_AXIS_WEIGHT = 1e-6
#: Intercepts below this (a degenerate hyperplane) fall back to the largest value on the axis.
_MIN_INTERCEPT = 1e-10


def extreme_points(shifted: np.ndarray) -> np.ndarray:
    """``(M, M)``: for each axis ``j``, the row of ``shifted`` (ideal point at 0) closest to axis ``j``.

    Closest in the sense of the achievement scalarizing function ``max_i x_i / w_i`` with ``w = e_j``
    (other weights tiny): the row whose other objectives are smallest relative to objective ``j``.
    """
    import numpy as np

    m = shifted.shape[1]
    weights = np.full((m, m), _OFF_AXIS_WEIGHT)
    np.fill_diagonal(weights, 1.0)
    asf = np.max(shifted[None, :, :] / weights[:, None, :], axis=2)  # (axis, row)
    return shifted[np.argmin(asf, axis=1)]


def intercepts(shifted: np.ndarray) -> np.ndarray:
    """Where the hyperplane through the extreme points meets each axis (ideal point at 0).

    Falls back to the largest value on each axis (the nadir of ``shifted``) when the extreme points do
    not span a hyperplane with positive intercepts (duplicates, fewer distinct points than objectives);
    an axis on which every row is 0 gets 1, so dividing by the intercepts is always defined.
    """
    import numpy as np

    worst = shifted.max(axis=0)
    try:
        plane = np.linalg.solve(extreme_points(shifted), np.ones(shifted.shape[1]))  # plane . x = 1
        with np.errstate(divide="ignore"):
            result = 1.0 / plane
    except np.linalg.LinAlgError:
        result = worst
    if not (np.isfinite(result).all() and (result > _MIN_INTERCEPT).all()):
        result = worst
    return np.where(result > _MIN_INTERCEPT, result, 1.0)


def normalize(loss: np.ndarray) -> np.ndarray:
    """``loss`` (minimisation) with the ideal point at 0 and the intercepts at 1 on every axis."""
    shifted = loss - loss.min(axis=0)
    return shifted / intercepts(shifted)


def associate(normalized: np.ndarray, reference_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest reference line (through 0 and a reference point) and its distance to it.

    Returns ``(niche, distance)``: the index of the reference point and the perpendicular distance;
    equally near lines go to the first reference point.
    """
    import numpy as np

    directions = reference_points / np.linalg.norm(reference_points, axis=1, keepdims=True)
    lengths = normalized @ directions.T  # (row, reference): length of the projection on each line
    residuals = normalized[:, None, :] - lengths[:, :, None] * directions[None, :, :]
    distances = np.linalg.norm(residuals, axis=2)
    niche = np.argmin(distances, axis=1)
    return niche, distances[np.arange(len(niche)), niche]


def niche_select(
    n_select: int,
    niche: np.ndarray,
    distance: np.ndarray,
    niche_count: np.ndarray,
    rng: np.random.RandomState,
) -> np.ndarray:
    """Which ``n_select`` rows of the cut front survive, one at a time from the sparsest niche.

    ``niche`` and ``distance`` describe the cut front's rows (see :func:`associate`); ``niche_count``
    counts the members already chosen in each niche. Among the niches with the fewest members that
    still hold a candidate one is drawn at random; an empty niche takes its candidate nearest to the
    reference line, a populated one a random candidate.
    """
    import numpy as np

    counts = np.array(niche_count, dtype=int)
    available = np.ones(len(niche), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(n_select, len(niche))):
        open_niches = np.unique(niche[available])
        sparsest = open_niches[counts[open_niches] == counts[open_niches].min()]
        j = int(sparsest[rng.randint(len(sparsest))])
        members = np.flatnonzero(available & (niche == j))
        if counts[j] == 0:
            pick = int(members[np.argmin(distance[members])])
        else:
            pick = int(members[rng.randint(len(members))])
        chosen.append(pick)
        available[pick] = False
        counts[j] += 1
    return np.array(chosen, dtype=int)


def select_by_reference_points(
    loss: np.ndarray,
    violation: np.ndarray | None,
    k: int,
    reference_points: np.ndarray,
    rng: np.random.RandomState,
) -> np.ndarray:
    """Indices (sorted) of the ``k`` survivors among the rows of ``loss``; all of them if at most ``k``.

    Whole fronts under constrained domination are taken in rank order. A feasible cut front is cut by
    niching against ``reference_points`` (normalized over the survivors and the cut front); an
    infeasible one holds rows of equal violation and is cut in row order.
    """
    import numpy as np

    n = loss.shape[0]
    if n <= k:
        return np.arange(n)
    ranks = constrained_ranks(loss, violation, n_below=k)
    cut_rank = np.sort(ranks, kind="stable")[k - 1]
    chosen = np.flatnonzero(ranks < cut_rank)
    last = np.flatnonzero(ranks == cut_rank)
    n_select = k - chosen.size
    if violation is not None and (np.asarray(violation)[last] > 0).any():
        keep = last[:n_select]
    else:
        members = np.concatenate([chosen, last])
        niche, distance = associate(normalize(loss[members]), reference_points)
        niche_count = np.bincount(niche[: chosen.size], minlength=len(reference_points))
        picks = niche_select(n_select, niche[chosen.size :], distance[chosen.size :], niche_count, rng)
        keep = last[picks]
    return np.sort(np.concatenate([chosen, keep]))
