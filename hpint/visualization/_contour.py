"""Contour plot: the value over pairs of parameters, interpolated on a grid by inverse distance weighting.

Interpolation is plain numpy (no scipy): inverse distance weighting with power 2, in the space where each
axis is linear (log10 for log parameters, the choice index for categorical ones), both axes scaled to
[0, 1] so that a parameter's units do not dominate the distance. It passes exactly through every trial
and never overshoots the observed values, but it is a rough picture far from the trials.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.visualization._common import (
    ParamAxis,
    Target,
    check_target,
    complete_trials,
    finite_values,
    import_pyplot,
    new_axes,
    padded_range,
    param_axis,
    resolve_params,
    style_param_axis,
    target_or_value,
    trials_with,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.colors import Normalize

    from hpint.study import Study
    from hpint.trial import FrozenTrial

#: Grid points along each axis.
GRID_SIZE = 100


def plot_contour(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot the value as filled contours over each pair of parameters, with the trials as dots.

    See the module docstring for the interpolation. Log-scaled parameters get log axes and categorical
    ones a tick per choice; the axis limits are the trials' range widened by 5%.

    Args:
        study: the study to plot.
        params: the parameters to pair (default: all); at least two. They are sorted by name, as in
            Optuna: with two, the first name alphabetically is on the x-axis.
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the colour bar's label.

    Returns:
        For two parameters one Axes; for more, an ``n x n`` array of
        Axes where ``[i, j]`` has parameter ``j`` on x and ``i`` on y (the diagonal is blank).

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    check_target(study, target)
    trials, values = finite_values(complete_trials(study), target_or_value(target))
    names = sorted(set(resolve_params(trials, params))) if trials else []  # sorted even if given, as Optuna
    if len(names) < 2:
        warn_empty("plot_contour (it needs complete trials and two or more parameters)")
        ax = new_axes("Contour Plot")
        return ax
    from matplotlib.colors import Normalize

    value_of = {t.number: v for t, v in zip(trials, values)}
    norm = Normalize(float(values.min()), float(values.max()))
    cmap = "Blues" if target is None and study.direction == StudyDirection.MAXIMIZE else "Blues_r"
    plt = import_pyplot()
    n = len(names)
    side = 1 if n == 2 else n  # two parameters: one panel; more: every ordered pair
    fig, axes = plt.subplots(side, side, squeeze=False, figsize=(1 + 3 * side + 2, 3 * side + 1))
    fig.suptitle("Contour Plot")
    if n == 2:
        _draw_pair(axes[0, 0], trials, value_of, names[0], names[1], norm, cmap)
    else:
        for i, j in ((i, j) for i in range(n) for j in range(n)):
            if i == j:
                axes[i, j].set_axis_off()
                axes[i, j].text(0.5, 0.5, names[i], ha="center", va="center", transform=axes[i, j].transAxes)
            else:
                _draw_pair(axes[i, j], trials, value_of, names[j], names[i], norm, cmap)
    from matplotlib.cm import ScalarMappable

    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes.ravel().tolist(), label=target_name)
    return axes[0, 0] if n == 2 else axes


def _draw_pair(
    ax: Axes,
    trials: Sequence[FrozenTrial],
    value_of: dict[int, float],
    x_name: str,
    y_name: str,
    norm: Normalize,
    cmap: str,
) -> None:
    import numpy as np

    subset = trials_with(trials, [x_name, y_name])
    x_axis, y_axis = param_axis(subset, x_name), param_axis(subset, y_name)
    xs = _space(x_axis, [t.params[x_name] for t in subset])
    ys = _space(y_axis, [t.params[y_name] for t in subset])
    zs = np.asarray([value_of[t.number] for t in subset], dtype=float)
    x_lo, x_hi = _limits(x_axis, xs)
    y_lo, y_hi = _limits(y_axis, ys)
    if len(subset) >= 2 and np.ptp(zs) > 0:
        xi, yi = np.linspace(x_lo, x_hi, GRID_SIZE), np.linspace(y_lo, y_hi, GRID_SIZE)
        grid = idw_grid((xs - x_lo) / (x_hi - x_lo), (ys - y_lo) / (y_hi - y_lo), zs, GRID_SIZE)
        levels = np.linspace(norm.vmin, norm.vmax, 16)
        ax.contourf(x_axis.from_space(xi), y_axis.from_space(yi), grid, levels=levels, cmap=cmap, norm=norm)
    ax.scatter(x_axis.from_space(xs), y_axis.from_space(ys), s=10, color="black", label="Trial")
    style_param_axis(ax, x_axis, "x")
    style_param_axis(ax, y_axis, "y")
    ax.set_xlim(*x_axis.from_space(np.array([x_lo, x_hi])))
    ax.set_ylim(*y_axis.from_space(np.array([y_lo, y_hi])))


def _space(axis: ParamAxis, raw: Sequence[object]) -> np.ndarray:
    return axis.to_space(axis.encode(raw))


def _limits(axis: ParamAxis, space: np.ndarray) -> tuple[float, float]:
    """The trials' range widened by 5% (every choice's index, for a categorical parameter)."""
    import numpy as np

    if axis.kind == "categorical":
        space = np.array([0.0, len(axis.choices) - 1.0])
    return padded_range(space)


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
