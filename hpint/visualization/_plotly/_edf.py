"""The empirical distribution function as a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import Target
from hpint.visualization._edf import TITLE, edf_info
from hpint.visualization._plotly._utils import import_plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot, per study, the fraction of complete trials whose value is at most ``x``, as a step curve.

    One line per study (named after it), exact: its points are the sorted values (``line.shape`` "hv"
    holds each level until the next value), from 0 at the smallest value of all studies to 1 at the
    largest, so the studies share the x range and compare directly.

    Args:
        study: a study, or a list of studies.
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the x-axis title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: several objectives and no ``target``.
    """
    go = import_plotly()
    layout = go.Layout(title=TITLE, xaxis={"title": target_name}, yaxis={"title": "Cumulative Probability"})
    curves = edf_info(study, target)
    if not curves:
        return go.Figure(data=[], layout=layout)
    traces = [go.Scatter(x=c.x, y=c.y, name=c.study_name, mode="lines", line={"shape": "hv"}) for c in curves]
    figure = go.Figure(data=traces, layout=layout)
    figure.update_yaxes(range=[0, 1])
    return figure
