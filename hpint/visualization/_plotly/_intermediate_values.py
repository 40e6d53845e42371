"""The learning curves as a plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.visualization._intermediate_values import TITLE, intermediate_values_info
from hpint.visualization._plotly._utils import INFEASIBLE_COLOR, import_plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_intermediate_values(study: Study) -> go.Figure:
    """Plot one line per trial (named ``"Trial<number>"``) of the values it reported, by step.

    Pruned trials' lines are dashed; trials violating a constraint are grey. Failed trials are left out.

    Args:
        study: the study whose trials reported intermediate values.

    Returns:
        A ``plotly.graph_objects.Figure``, one trace per trial that reported a value.
    """
    go = import_plotly()
    layout = go.Layout(
        title=TITLE, xaxis={"title": "Step"}, yaxis={"title": "Intermediate Value"}, showlegend=False
    )
    traces = []
    for c in intermediate_values_info(study):
        marker = {"maxdisplayed": 10}
        if not c.feasible:
            marker["color"] = INFEASIBLE_COLOR
        traces.append(
            go.Scatter(
                x=c.steps,
                y=c.values,
                mode="lines+markers",
                marker=marker,
                line={"dash": "dash"} if c.pruned else {},
                name=f"Trial{c.number}",
            )
        )
    return go.Figure(data=traces, layout=layout)
