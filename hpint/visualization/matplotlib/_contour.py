"""The contour plot drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import Target
from hpint.visualization._contour import TITLE, ContourPair, contour_info
from hpint.visualization.matplotlib._utils import import_pyplot, new_axes, style_param_axis

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.colors import Normalize

    from hpint.study import Study


def plot_contour(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot the value as filled contours over each pair of parameters, with the trials as dots.

    The grid is interpolated by inverse distance weighting (see ``hpint.visualization._contour``).
    Log-scaled parameters get log axes and categorical ones a tick per choice; the axis limits are the
    trials' range widened by 5%. Trials violating a constraint are grey dots.

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
    info = contour_info(study, params, target)
    if info is None:
        return new_axes(TITLE)
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    norm = Normalize(info.vmin, info.vmax)
    cmap = "Blues_r" if info.reverse else "Blues"
    plt = import_pyplot()
    names, n = info.names, len(info.names)
    side = 1 if n == 2 else n  # two parameters: one panel; more: every ordered pair
    fig, axes = plt.subplots(side, side, squeeze=False, figsize=(1 + 3 * side + 2, 3 * side + 1))
    fig.suptitle(TITLE)
    if n == 2:
        _draw_pair(axes[0, 0], info.pairs[names[0], names[1]], norm, cmap)
    else:
        for i, j in ((i, j) for i in range(n) for j in range(n)):
            if i == j:
                axes[i, j].set_axis_off()
                axes[i, j].text(0.5, 0.5, names[i], ha="center", va="center", transform=axes[i, j].transAxes)
            else:
                _draw_pair(axes[i, j], info.pairs[names[j], names[i]], norm, cmap)
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes.ravel().tolist(), label=target_name)
    return axes[0, 0] if n == 2 else axes


def _draw_pair(ax: Axes, p: ContourPair, norm: Normalize, cmap: str) -> None:
    import numpy as np

    if p.grid is not None:
        levels = np.linspace(norm.vmin, norm.vmax, 16)
        ax.contourf(p.x.from_space(p.xi), p.y.from_space(p.yi), p.grid, levels=levels, cmap=cmap, norm=norm)
    ok = p.feasible
    ax.scatter(p.x.from_space(p.xs[ok]), p.y.from_space(p.ys[ok]), s=10, color="black", label="Trial")
    if not ok.all():
        xs, ys = p.x.from_space(p.xs[~ok]), p.y.from_space(p.ys[~ok])
        ax.scatter(xs, ys, s=10, color="#cccccc", label="Infeasible Trial")
    style_param_axis(ax, p.x, "x")
    style_param_axis(ax, p.y, "y")
    ax.set_xlim(*p.x.from_space(np.array(p.x_limits)))
    ax.set_ylim(*p.y.from_space(np.array(p.y_limits)))
