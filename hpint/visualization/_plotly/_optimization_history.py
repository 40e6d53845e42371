"""The optimization history as a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target
from hpint.visualization._optimization_history import TITLE, HistorySeries, optimization_history_info
from hpint.visualization._plotly._utils import INFEASIBLE_COLOR, import_plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> go.Figure:
    """Plot each complete trial's value against its number, with the best value found so far.

    Per study the figure has three traces: the feasible trials' values (markers), the best value so
    far (a line, left out with a custom ``target``, which has no direction), and the trials violating a
    constraint (grey markers, possibly empty). The best line never improves on an infeasible trial.

    Args:
        study: a study, or a list of studies to compare (one set of traces each).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the y-axis title and the values' trace name.
        error_bar: plot the mean and standard deviation across the studies at each trial number
            instead of one series per study.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: several objectives and no ``target``.
    """
    go = import_plotly()
    series = optimization_history_info(study, target, target_name, error_bar)
    layout = go.Layout(title=TITLE, xaxis={"title": "Trial"}, yaxis={"title": target_name})
    return go.Figure(data=[trace for s in series for trace in _traces(go, s)], layout=layout)


def _traces(go: Any, s: HistorySeries) -> list[Any]:
    error_y = None if s.value_std is None else {"type": "data", "array": s.value_std, "visible": True}
    traces = [
        go.Scatter(
            x=s.numbers[s.feasible], y=s.values[s.feasible], error_y=error_y, mode="markers", name=s.name
        )
    ]
    if s.best is not None:
        traces.append(go.Scatter(x=s.numbers, y=s.best, mode="lines", name=s.best_name))
        if s.best_std is not None:  # a band: the upper edge, then the lower one filled up to it
            upper, lower = s.best + s.best_std, s.best - s.best_std
            traces.append(go.Scatter(x=s.numbers, y=upper, mode="lines", line={"width": 0}, showlegend=False))
            traces.append(
                go.Scatter(
                    x=s.numbers,
                    y=lower,
                    mode="none",
                    fill="tonexty",
                    fillcolor="rgba(255,0,0,0.2)",
                    showlegend=False,
                )
            )
    traces.append(
        go.Scatter(
            x=s.numbers[~s.feasible],
            y=s.values[~s.feasible],
            mode="markers",
            name="Infeasible Trial",
            marker={"color": INFEASIBLE_COLOR},
            showlegend=False,
        )
    )
    return traces
