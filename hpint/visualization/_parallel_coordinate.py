"""Parallel coordinates: each trial as a line through its value and its parameters, one vertical axis each."""

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
    new_axes,
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

    from hpint.study import Study


def plot_parallel_coordinate(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Draw each complete trial as a line across vertical axes: the value first, then each parameter.

    Every dimension has its own vertical axis (a twin Axes whose label is the dimension's name, found in
    ``ax.figure.axes``): log-scaled parameters get a log axis, categorical ones a tick per choice. Lines
    are coloured by value, the best drawn darkest and on top. Trials missing one of the parameters
    (conditional search spaces) are left out.

    Args:
        study: the study to plot.
        params: the parameters to show (default: all, sorted by name).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the name of the value's axis and of the colour bar.

    Returns:
        The matplotlib Axes holding the lines.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    check_target(study, target)
    trials, values = finite_values(complete_trials(study), target_or_value(target))
    names = resolve_params(trials, params) if trials else []
    ax = new_axes("Parallel Coordinate Plot")
    kept = trials_with(trials, names)
    if not names or not kept:
        warn_empty("plot_parallel_coordinate")
        return ax
    value_of = dict(zip((t.number for t in trials), values))
    dims = [(ParamAxis(target_name, "linear"), [value_of[t.number] for t in kept])]
    for name in names:
        axis = param_axis(kept, name)
        dims.append((axis, axis.encode([t.params[name] for t in kept])))
    maximize = target is None and study.direction == StudyDirection.MAXIMIZE
    _draw(ax, dims, maximize)
    return ax


def _draw(ax: Axes, dims: list[tuple[ParamAxis, Sequence[float]]], maximize: bool) -> None:
    import numpy as np
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize

    n = len(dims)
    normalized = np.column_stack([_add_axis(ax, i, n, axis, coords) for i, (axis, coords) in enumerate(dims)])
    values = np.asarray(dims[0][1], dtype=float)
    order = np.argsort(values if maximize else -values, kind="stable")  # best drawn last, on top
    cmap = "Blues" if maximize else "Blues_r"
    norm = Normalize(values.min(), values.max())
    xs = np.arange(n)
    lines = LineCollection([np.column_stack([xs, normalized[i]]) for i in order], cmap=cmap, norm=norm)
    lines.set_array(values[order])
    ax.add_collection(lines)
    ax.set_xlim(0, max(n - 1, 1))
    ax.set_ylim(0, 1)
    ax.set_xticks(xs, [axis.name for axis, _ in dims])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.figure.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, label=dims[0][0].name, pad=0.12)


def _add_axis(ax: Axes, i: int, n: int, axis: ParamAxis, coords: Sequence[float]) -> np.ndarray:
    """Add dimension ``i``'s vertical axis (a twin of ``ax``); return its coordinates mapped to [0, 1]."""
    import numpy as np

    space = axis.to_space(np.asarray(coords, dtype=float))
    if axis.kind == "categorical":
        lo, hi = 0.0, float(len(axis.choices) - 1)
    else:
        lo, hi = float(space.min()), float(space.max())
    if hi <= lo:  # a single value: centre it
        lo, hi = lo - 0.5, hi + 0.5
    twin = ax.twinx()
    twin.set_label(axis.name)
    twin.spines["right"].set_position(("axes", i / max(n - 1, 1)))
    for side in ("left", "top", "bottom"):
        twin.spines[side].set_visible(False)
    style_param_axis(twin, axis, "y")
    twin.set_ylabel("")
    twin.set_ylim(*axis.from_space(np.array([lo, hi])))
    return (space - lo) / (hi - lo)
