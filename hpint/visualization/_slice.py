"""Slice plot: the objective value against each parameter, one panel per parameter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import (
    Target,
    check_target,
    complete_trials,
    finite_values,
    import_pyplot,
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


def plot_slice(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Scatter each complete trial's value against each parameter, coloured by trial number.

    Log-scaled parameters get a log x-axis; categorical ones one tick per choice. A trial that did not
    set a parameter (conditional search spaces) is left out of that parameter's panel only.

    Args:
        study: the study to plot.
        params: the parameters to show (default: all, sorted by name).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the y-axis label.

    Returns:
        The Axes for one parameter, otherwise an array of Axes, one per parameter.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    check_target(study, target)
    trials, values = finite_values(complete_trials(study), target_or_value(target))
    names = resolve_params(trials, params) if trials else []
    if not names:
        warn_empty("plot_slice")
        ax = new_axes("Slice Plot")
        ax.set_ylabel(target_name)
        return ax
    plt = import_pyplot()
    fig, axes = plt.subplots(1, len(names), sharey=True, squeeze=False, figsize=(4 * len(names) + 1, 4))
    axes = axes[0]
    fig.suptitle("Slice Plot")
    value_of = dict(zip((t.number for t in trials), values))
    last = max(t.number for t in trials)
    points = None
    for ax, name in zip(axes, names):
        subset = trials_with(trials, [name])
        axis = param_axis(subset, name)
        points = ax.scatter(
            axis.encode([t.params[name] for t in subset]),
            [value_of[t.number] for t in subset],
            c=[t.number for t in subset],
            cmap="Blues",
            vmin=0,
            vmax=max(last, 1),
            edgecolors="gray",
        )
        style_param_axis(ax, axis, "x")
    axes[0].set_ylabel(target_name)
    fig.colorbar(points, ax=list(axes), label="Trial")
    return axes[0] if len(axes) == 1 else axes
