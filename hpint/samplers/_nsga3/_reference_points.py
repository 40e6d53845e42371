"""Das and Dennis's structured reference points: a regular grid on the unit simplex.

NSGA-III keeps its population spread by filling niches around reference directions; by default these
are every point of the simplex ``{w >= 0, sum(w) = 1}`` whose coordinates are multiples of
``1 / divisions``, ``C(divisions + M - 1, M - 1)`` points for ``M`` objectives.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def das_dennis_points(n_objectives: int, divisions: int) -> np.ndarray:
    """The ``(C(divisions + M - 1, M - 1), M)`` grid points of the unit simplex, ``M = n_objectives``.

    Each point is a way to share ``divisions`` equal parts among the objectives ("stars and bars": the
    positions of ``M - 1`` bars among ``divisions + M - 1`` slots), divided by ``divisions``.
    """
    import numpy as np

    if n_objectives < 1 or divisions < 1:
        raise ValueError(f"Need at least one objective and one division, not {n_objectives}, {divisions}.")
    slots = divisions + n_objectives - 1
    combinations = list(itertools.combinations(range(slots), n_objectives - 1))
    bars = np.array(combinations, dtype=float).reshape(len(combinations), n_objectives - 1)
    ends = np.column_stack([np.full(len(bars), -1.0), bars, np.full(len(bars), float(slots))])
    return (np.diff(ends, axis=1) - 1.0) / divisions


def check_reference_points(points: object) -> np.ndarray:
    """User ``reference_points`` as a float array, or a ``ValueError`` saying what is wrong.

    Only each point's direction from the origin matters (niches are lines through the ideal point), so
    points must be non-negative and not all zero.
    """
    import numpy as np

    try:
        array = np.array(points, dtype=float)
    except (TypeError, ValueError) as e:
        raise ValueError(f"`reference_points` must be a 2-D array of floats, not {points!r}.") from e
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"`reference_points` must be a non-empty 2-D array, not shape {array.shape}.")
    if not np.isfinite(array).all() or (array < 0).any() or not (array.sum(axis=1) > 0).all():
        raise ValueError(
            "`reference_points` must be finite and non-negative, with a positive entry in every row "
            "(each row is a direction from the ideal point in normalized objective space)."
        )
    return array
