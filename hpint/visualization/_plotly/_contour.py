"""The contour plot as a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target
from hpint.visualization._contour import TITLE, ContourInfo, ContourPair, contour_info
from hpint.visualization._plotly._utils import (
    COLOR_SCALE,
    INFEASIBLE_COLOR,
    import_plotly,
    make_subplots,
    numeric_axis_layout,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_contour(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the value as a contour over each pair of parameters, with the trials as markers.

    Each panel holds a ``Contour`` trace (the value interpolated on a 100 x 100 grid by inverse
    distance weighting, see ``hpint.visualization._contour``; absent when fewer than two trials or a
    constant value), a "Feasible Trial" and an "Infeasible Trial" scatter. Log parameters get log axes,
    categorical ones their choices as ticks at indices 0, 1, ...; ranges are the trials' padded by 5%.

    Args:
        study: the study to plot.
        params: the parameters to pair (default: all); at least two, sorted by name as in Optuna.
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the colour bar's title.

    Returns:
        A ``plotly.graph_objects.Figure``: one panel for two parameters, else an ``n x n`` grid whose
        row ``i``, column ``j`` has parameter ``j`` on x and ``i`` on y (the diagonal is empty).

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    go = import_plotly()
    info = contour_info(study, params, target)
    layout = go.Layout(title=TITLE)
    if info is None:
        return go.Figure(data=[], layout=layout)
    names, n = info.names, len(info.names)
    if n == 2:
        figure = go.Figure(layout=layout)
        _add_pair(go, figure, info, info.pairs[names[0], names[1]], target_name, {}, True)
        return figure
    figure = make_subplots(rows=n, cols=n, shared_xaxes=True, shared_yaxes=True)
    figure.update_layout(layout)
    for i, j in ((i, j) for i in range(n) for j in range(n)):
        where = {"row": i + 1, "col": j + 1}
        if i == j:
            figure.add_trace(go.Scatter(), **where)
            continue
        pair = info.pairs[names[j], names[i]]
        _add_pair(go, figure, info, pair, target_name, where, (i, j) == (0, 1))
        if j != 0:
            figure.update_yaxes(title_text="", **where)
        if i != n - 1:
            figure.update_xaxes(title_text="", **where)
    return figure


def _add_pair(
    go: Any, figure: Any, info: ContourInfo, p: ContourPair, target_name: str, where: dict, scale: bool
) -> None:
    if p.grid is not None:
        figure.add_trace(
            go.Contour(
                x=p.x.from_space(p.xi),
                y=p.y.from_space(p.yi),
                z=p.grid,
                zmin=info.vmin,
                zmax=info.vmax,
                colorscale=COLOR_SCALE,
                reversescale=info.reverse,
                colorbar={"title": target_name},
                showscale=scale,
                contours_coloring="heatmap",
                hoverinfo="none",
            ),
            **where,
        )
    ok = p.feasible
    for keep, name, color in ((ok, "Feasible Trial", "black"), (~ok, "Infeasible Trial", INFEASIBLE_COLOR)):
        figure.add_trace(
            go.Scatter(
                x=p.x.from_space(p.xs[keep]),
                y=p.y.from_space(p.ys[keep]),
                mode="markers",
                name=name,
                marker={"color": color, "line": {"width": 2.0, "color": "Gray"}},
                showlegend=False,
            ),
            **where,
        )
    figure.update_xaxes(**numeric_axis_layout(p.x, p.x_limits), **where)
    figure.update_yaxes(**numeric_axis_layout(p.y, p.y_limits), **where)
