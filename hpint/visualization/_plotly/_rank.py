"""The rank plot as a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target
from hpint.visualization._plotly._utils import (
    axis_values,
    category_axis_layout,
    hover_text,
    import_plotly,
    make_subplots,
)
from hpint.visualization._rank import COLOR_SCALE, RankPanel, rank_info

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study

#: Marker colour of trials that violate a constraint.
INFEASIBLE_RGB = "rgb(204, 204, 204)"


def plot_rank(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Scatter the complete trials over pairs of parameters, coloured by the rank of their value.

    A trial's colour is its value's average rank among the complete trials, from blue (lowest) to red
    (highest); a last, empty trace carries the colour bar, labelled with the values' quantiles. Trials
    violating a constraint are grey; a trial missing one of a pair's parameters is left out of that
    panel. Categorical parameters get category axes; log ones log axes.

    Args:
        study: the study to plot.
        params: the parameters to show, in this order (default: all, sorted by name).
        target: a function of a trial giving the value to rank; required for several objectives.
        target_name: named in the title, ``"Rank (<target_name>)"``.

    Returns:
        A ``plotly.graph_objects.Figure``: one panel for one or two parameters (the first on x), else an
        ``n x n`` grid whose row ``i``, column ``j`` has parameter ``j`` on x and ``i`` on y.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    go = import_plotly()
    layout = go.Layout(title=f"Rank ({target_name})")
    info = rank_info(study, params, target)
    if info is None:
        return go.Figure(data=[], layout=layout)
    names, n = info.params, len(info.params)
    if n <= 2:
        figure = go.Figure(layout=layout)
        _add_panel(go, figure, info.panels[names[0], names[-1]], target_name, {})
    else:
        spacing = 0.08 / n
        figure = make_subplots(
            rows=n,
            cols=n,
            shared_xaxes=True,
            shared_yaxes=True,
            horizontal_spacing=spacing,
            vertical_spacing=spacing,
        )
        figure.update_layout(layout)
        for i, j in ((i, j) for i in range(n) for j in range(n)):
            where = {"row": i + 1, "col": j + 1}
            _add_panel(go, figure, info.panels[names[j], names[i]], target_name, where)
            if j != 0:
                figure.update_yaxes(title_text="", **where)
            if i != n - 1:
                figure.update_xaxes(title_text="", **where)
    colorbar = {
        "thickness": 10,
        "tickvals": [q for q, _ in info.ticks],
        "ticktext": [t for _, t in info.ticks],
    }
    marker = {"colorscale": COLOR_SCALE, "showscale": True, "cmin": 0, "cmax": 1, "colorbar": colorbar}
    figure.add_trace(
        go.Scatter(x=[None], y=[None], mode="markers", marker=marker, hoverinfo="none", showlegend=False)
    )
    return figure


def _add_panel(go: Any, figure: Any, p: RankPanel, target_name: str, where: dict) -> None:
    from plotly.colors import sample_colorscale

    colors = sample_colorscale(COLOR_SCALE, list(p.color)) if len(p.color) else []
    colors = [c if ok else INFEASIBLE_RGB for c, ok in zip(colors, p.feasible)]
    figure.add_trace(
        go.Scatter(
            x=axis_values(p.x, p.x_raw),
            y=axis_values(p.y, p.y_raw),
            mode="markers",
            marker={"color": colors, "line": {"width": 0.5, "color": "Grey"}},
            text=[f"{hover_text(t)}<br><b>{target_name}: {v}</b>" for t, v in zip(p.trials, p.values)],
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
        ),
        **where,
    )
    figure.update_xaxes(**category_axis_layout(p.x), range=list(p.x_limits), **where)
    figure.update_yaxes(**category_axis_layout(p.y), range=list(p.y_limits), **where)
