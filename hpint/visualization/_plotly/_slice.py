"""The slice plot as a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target
from hpint.visualization._plotly._utils import (
    COLOR_SCALE,
    INFEASIBLE_COLOR,
    axis_values,
    category_axis_layout,
    import_plotly,
    make_subplots,
)
from hpint.visualization._slice import TITLE, SlicePanel, slice_info

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_slice(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Scatter each complete trial's value against each parameter, coloured by trial number.

    One subplot per parameter (sorted by name, sharing the y-axis), each with a "Feasible Trial" trace
    and, when some trial violates a constraint, an "Infeasible Trial" one. Log parameters get a log
    x-axis; categorical ones a category axis whose points are the choices' labels. A trial that did not
    set a parameter is left out of that parameter's subplot only.

    Args:
        study: the study to plot.
        params: the parameters to show (default: all).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the y-axis title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study, or several objectives and no
            ``target``.
    """
    go = import_plotly()
    panels, last = slice_info(study, params, target)
    layout = go.Layout(title=TITLE)
    if not panels:
        return go.Figure(data=[], layout=layout)
    if len(panels) == 1:
        figure = go.Figure(layout=layout)
    else:
        figure = make_subplots(rows=1, cols=len(panels), shared_yaxes=True)
        figure.update_layout(layout)
        if len(panels) > 3:
            figure.update_layout(width=300 * len(panels))
    for col, panel in enumerate(panels, start=1):
        where = {} if len(panels) == 1 else {"row": 1, "col": col}
        for trace in _traces(go, panel, last, show_scale=col == 1):
            figure.add_trace(trace, **where)
        figure.update_xaxes(**category_axis_layout(panel.axis), **where)
        if col == 1:
            figure.update_yaxes(title_text=target_name, **where)
    return figure


def _traces(go: Any, p: SlicePanel, last: int, show_scale: bool) -> list[Any]:
    ok = p.feasible
    x = axis_values(p.axis, p.raw)
    marker = {
        "line": {"width": 0.5, "color": "Grey"},
        "color": p.numbers[ok],
        "colorscale": COLOR_SCALE,
        "cmin": 0,
        "cmax": max(last, 1),
        "showscale": show_scale,
        "colorbar": {"title": "Trial", "x": 1.0, "xpad": 40},
    }
    traces = [
        go.Scatter(
            x=[v for v, keep in zip(x, ok) if keep],
            y=p.values[ok],
            mode="markers",
            name="Feasible Trial",
            marker=marker,
            showlegend=False,
        )
    ]
    if not ok.all():
        traces.append(
            go.Scatter(
                x=[v for v, keep in zip(x, ok) if not keep],
                y=p.values[~ok],
                mode="markers",
                name="Infeasible Trial",
                marker={"color": INFEASIBLE_COLOR},
                showlegend=False,
            )
        )
    return traces
