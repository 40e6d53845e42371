"""The hypervolume history as a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._hypervolume_history import TITLE, hypervolume_history_info
from hpint.visualization._plotly._utils import import_plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> go.Figure:
    """Plot, after each complete trial, the hypervolume the feasible trials so far dominate up to a point.

    One line: x the numbers of the complete, feasible trials, y the hypervolume of their Pareto front
    once that trial is in. A flat tail says the search stopped finding better trade-offs.

    Args:
        study: a study with two or more objectives.
        reference_point: one finite value per objective, worse than the values of interest (a lower
            bound for a maximized objective, an upper bound for a minimized one).

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: the study has one objective, or ``reference_point`` has the wrong length or a value
            that is not finite.
    """
    go = import_plotly()
    numbers, history = hypervolume_history_info(study, reference_point)
    layout = go.Layout(title=TITLE, xaxis={"title": "Trial"}, yaxis={"title": "Hypervolume"})
    return go.Figure(data=go.Scatter(x=numbers, y=history, mode="lines+markers"), layout=layout)
