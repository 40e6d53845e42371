"""The parallel coordinates drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import Target
from hpint.visualization._parallel_coordinate import TITLE, Dimension, ParallelInfo, parallel_coordinate_info
from hpint.visualization.matplotlib._utils import new_axes, style_param_axis

if TYPE_CHECKING:
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
        target: a function of a trial giving the value to plot. Without it, a multi-objective study gets
            one axis per objective and its lines are coloured by Pareto rank.
        target_name: the name of the value's axis and of the colour bar.

    Returns:
        The matplotlib Axes holding the lines.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study.
    """
    ax = new_axes(TITLE)
    info = parallel_coordinate_info(study, params, target, target_name)
    if info is not None:
        _draw(ax, info)
    return ax


def _draw(ax: Axes, info: ParallelInfo) -> None:
    import numpy as np
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize

    n = len(info.dims)
    for i, dim in enumerate(info.dims):
        _add_axis(ax, i, n, dim)
    normalized = np.column_stack([dim.normalized for dim in info.dims])
    cmap = "Blues_r" if info.reverse else "Blues"
    norm = Normalize(info.color.min(), info.color.max())
    xs = np.arange(n)
    lines = LineCollection([np.column_stack([xs, row]) for row in normalized], cmap=cmap, norm=norm)
    lines.set_array(info.color)
    ax.add_collection(lines)
    ax.set_xlim(0, max(n - 1, 1))
    ax.set_ylim(0, 1)
    ax.set_xticks(xs, [dim.axis.name for dim in info.dims])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.figure.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, label=info.color_title, pad=0.12)


def _add_axis(ax: Axes, i: int, n: int, dim: Dimension) -> None:
    """Add dimension ``i``'s vertical axis (a twin of ``ax``)."""
    import numpy as np

    twin = ax.twinx()
    twin.set_label(dim.axis.name)
    twin.spines["right"].set_position(("axes", i / max(n - 1, 1)))
    for side in ("left", "top", "bottom"):
        twin.spines[side].set_visible(False)
    style_param_axis(twin, dim.axis, "y")
    twin.set_ylabel("")
    twin.set_ylim(*dim.axis.from_space(np.array([dim.lo, dim.hi])))
