"""The slice plot drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import Target
from hpint.visualization._slice import TITLE, slice_info
from hpint.visualization.matplotlib._utils import import_pyplot, new_axes, style_param_axis

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
    set a parameter (conditional search spaces) is left out of that parameter's panel only; trials
    violating a constraint are grey.

    Args:
        study: the study to plot.
        params: the parameters to show (default: all); panels are sorted by name, as in Optuna.
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the y-axis label.

    Returns:
        The Axes for one parameter, otherwise an array of Axes, one per parameter.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    panels, last = slice_info(study, params, target)
    if not panels:
        ax = new_axes(TITLE)
        ax.set_ylabel(target_name)
        return ax
    plt = import_pyplot()
    fig, axes = plt.subplots(1, len(panels), sharey=True, squeeze=False, figsize=(4 * len(panels) + 1, 4))
    axes = axes[0]
    fig.suptitle(TITLE)
    points = None
    for ax, p in zip(axes, panels):
        ok = p.feasible
        points = ax.scatter(
            p.coords[ok],
            p.values[ok],
            c=p.numbers[ok],
            cmap="Blues",
            vmin=0,
            vmax=max(last, 1),
            edgecolors="gray",
        )
        if not ok.all():
            ax.scatter(p.coords[~ok], p.values[~ok], color="#cccccc", label="Infeasible Trial")
        style_param_axis(ax, p.axis, "x")
    axes[0].set_ylabel(target_name)
    fig.colorbar(points, ax=list(axes), label="Trial")
    return axes[0] if len(axes) == 1 else axes
