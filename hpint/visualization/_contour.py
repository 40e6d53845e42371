"""Data of the contour plot: the value over pairs of parameters, interpolated on a grid.

Interpolation is plain numpy (no scipy): inverse distance weighting with power 2, in the space where each
axis is linear (log10 for log parameters, the choice index for categorical ones), both axes scaled to
[0, 1] so that a parameter's units do not dominate the distance. It passes exactly through every trial
and never overshoots the observed values, but it is a rough picture far from the trials.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.visualization._common import (
    ParamAxis,
    Target,
    check_target,
    complete_trials,
    feasibility,
    finite_values,
    param_axis,
    resolve_params,
    target_or_value,
    trials_with,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study
    from hpint.trial import FrozenTrial

TITLE = "Contour Plot"

#: Grid points along each axis.
GRID_SIZE = 100


@dataclass
class ContourPair:
    """One panel: parameter ``x`` against ``y``, everything in the axes' linear space (log10, index).

    ``grid[r, c]`` is the interpolated value at ``(xi[c], yi[r])``; it is None when fewer than two
    trials set both parameters or their values are all equal (then only the points are drawn).
    """

    x: ParamAxis
    y: ParamAxis
    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    feasible: np.ndarray
    x_limits: tuple[float, float]
    y_limits: tuple[float, float]
    xi: np.ndarray
    yi: np.ndarray
    grid: np.ndarray | None


@dataclass
class ContourInfo:
    """The parameters (sorted by name) and one :class:`ContourPair` per ordered pair ``(x, y)``.

    ``reverse`` is True when smaller values are better (minimize, or a custom ``target``): the colour
    scale is then reversed so that the best region is darkest, as in Optuna.
    """

    names: list[str]
    pairs: dict[tuple[str, str], ContourPair]
    vmin: float
    vmax: float
    reverse: bool


def contour_info(study: Study, params: Sequence[str] | None, target: Target | None) -> ContourInfo | None:
    """The panels to draw, or None (with a warning) when there are not two parameters with values.

    Raises:
        ValueError: a name in ``params`` is not a parameter, or several objectives and no ``target``.
    """
    check_target(study, target)
    trials, values = finite_values(complete_trials(study), target_or_value(target))
    names = sorted(set(resolve_params(trials, params))) if trials else []  # sorted even if given, as Optuna
    if len(names) < 2:
        warn_empty("plot_contour (it needs complete trials and two or more parameters)")
        return None
    value_of = {t.number: v for t, v in zip(trials, values)}
    pairs = {(x, y): _pair(trials, value_of, x, y) for x in names for y in names if x != y}
    reverse = target is not None or study.direction != StudyDirection.MAXIMIZE
    return ContourInfo(names, pairs, float(values.min()), float(values.max()), reverse)


def _pair(trials: Sequence[FrozenTrial], value_of: dict[int, float], x_name: str, y_name: str) -> ContourPair:
    import numpy as np

    subset = trials_with(trials, [x_name, y_name])
    x_axis, y_axis = param_axis(subset, x_name), param_axis(subset, y_name)
    xs = x_axis.to_space(x_axis.encode([t.params[x_name] for t in subset]))
    ys = y_axis.to_space(y_axis.encode([t.params[y_name] for t in subset]))
    zs = np.asarray([value_of[t.number] for t in subset], dtype=float)
    (x_lo, x_hi), (y_lo, y_hi) = x_axis.limits(xs), y_axis.limits(ys)
    xi, yi = np.linspace(x_lo, x_hi, GRID_SIZE), np.linspace(y_lo, y_hi, GRID_SIZE)
    grid = None
    if len(subset) >= 2 and np.ptp(zs) > 0:
        grid = idw_grid((xs - x_lo) / (x_hi - x_lo), (ys - y_lo) / (y_hi - y_lo), zs, GRID_SIZE)
    return ContourPair(
        x_axis, y_axis, xs, ys, zs, feasibility(subset), (x_lo, x_hi), (y_lo, y_hi), xi, yi, grid
    )


def idw_grid(x: np.ndarray, y: np.ndarray, z: np.ndarray, size: int, power: float = 2.0) -> np.ndarray:
    """Inverse-distance-weighted values of points ``(x, y, z)`` on a ``size x size`` grid over [0, 1]^2.

    Row ``r``, column ``c`` is the estimate at ``(c / (size - 1), r / (size - 1))``, as ``contourf``
    expects. A grid node on a point takes that point's value (the mean, for coincident points).
    """
    import numpy as np

    ticks = np.linspace(0.0, 1.0, size)
    grid = np.empty((size, size))
    for row, gy in enumerate(ticks):  # one row at a time: memory stays size * n_points
        d2 = (ticks[:, None] - x[None, :]) ** 2 + (gy - y[None, :]) ** 2
        exact = d2 == 0
        with np.errstate(divide="ignore"):
            weights = np.where(exact.any(axis=1, keepdims=True), exact, d2 ** (-power / 2))
        grid[row] = weights @ z / weights.sum(axis=1)
    return grid
