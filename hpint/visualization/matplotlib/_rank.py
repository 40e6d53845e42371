"""The rank plot drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import Target
from hpint.visualization._rank import COLOR_SCALE, RankPanel, rank_info
from hpint.visualization.matplotlib._utils import colormap, import_pyplot, new_axes, style_param_axis

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from hpint.study import Study


def plot_rank(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Scatter the complete trials over pairs of parameters, coloured by the rank of their value.

    A trial's colour is its value's average rank among the complete trials, from blue (lowest) to red
    (highest); the colour bar is labelled with the values' quantiles. Trials violating a constraint are
    grey; trials missing one of the pair's parameters are left out of that panel.

    Args:
        study: the study to plot.
        params: the parameters to show, in this order (default: all, sorted by name).
        target: a function of a trial giving the value to rank; required for several objectives.
        target_name: named in the title, ``"Rank (<target_name>)"``.

    Returns:
        One Axes for one or two parameters (the first on x), else an ``n x n`` array whose ``[i, j]``
        has parameter ``j`` on x and ``i`` on y.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    title = f"Rank ({target_name})"
    info = rank_info(study, params, target)
    if info is None:
        return new_axes(title)
    from matplotlib.cm import ScalarMappable

    plt = import_pyplot()
    names, n = info.params, len(info.params)
    if n <= 2:
        fig, ax = plt.subplots()
        ax.set_title(title)
        _draw(ax, info.panels[names[0], names[-1]])
        axes = ax
    else:
        fig, axes = plt.subplots(n, n, figsize=(3 * n + 2, 3 * n))
        fig.suptitle(title)
        for i, j in ((i, j) for i in range(n) for j in range(n)):
            _draw(axes[i, j], info.panels[names[j], names[i]], x_label=i == n - 1, y_label=j == 0)
    bar = fig.colorbar(ScalarMappable(cmap=COLOR_SCALE), ax=axes, ticks=[q for q, _ in info.ticks])
    bar.ax.set_yticklabels([text for _, text in info.ticks])
    return axes


def _draw(ax: Axes, p: RankPanel, x_label: bool = True, y_label: bool = True) -> None:
    import numpy as np

    colors = colormap(COLOR_SCALE)(p.color)
    colors[~p.feasible] = (0.8, 0.8, 0.8, 1.0)
    ax.scatter(p.xs, p.ys, c=colors, edgecolors="grey")
    style_param_axis(ax, p.x, "x")
    style_param_axis(ax, p.y, "y")
    ax.set_xlim(*p.x.from_space(np.array(p.x_limits)))
    ax.set_ylim(*p.y.from_space(np.array(p.y_limits)))
    if not x_label:
        ax.set_xlabel("")
    if not y_label:
        ax.set_ylabel("")
