"""The terminator improvement plot as a plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.visualization._plotly._utils import import_plotly
from hpint.visualization._terminator_improvement import ERROR, IMPROVEMENT, TITLE, terminator_improvement_info

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study
    from hpint.terminator import BaseErrorEvaluator, BaseImprovementEvaluator

_BLUE, _FADED_BLUE, _RED = "rgb(99, 110, 250)", "rgba(99, 110, 250, 0.25)", "rgb(239, 85, 59)"


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> go.Figure:
    """Plot, after each trial, the improvement a terminator estimates is still possible (and the error).

    Where the improvement line falls below the error line, a :class:`~hpint.terminator.Terminator` with
    the same evaluators would stop the study. The points before ``min_n_trials`` trials are faded: a
    terminator does not stop there.

    Args:
        study: a single-objective study.
        plot_error: also plot the error (for the default evaluators, the best trial's cross-validation
            error, which needs :func:`~hpint.terminator.report_cross_validation_scores`).
        improvement_evaluator: default :class:`~hpint.terminator.RegretBoundEvaluator`.
        error_evaluator: default as for :class:`~hpint.terminator.Terminator`.
        min_n_trials: the trials before which the points are faded.

    Returns:
        A ``plotly.graph_objects.Figure``: the improvement as two traces (before and from
        ``min_n_trials``, sharing the point where they meet), then the error when asked for.

    Raises:
        ValueError: ``min_n_trials`` is not a positive integer.
        RuntimeError: the study has several objectives.
    """
    go = import_plotly()
    layout = go.Layout(title=TITLE, xaxis={"title": "Trial"}, yaxis={"title": IMPROVEMENT})
    info = terminator_improvement_info(
        study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
    )
    if info is None:
        return go.Figure(data=[], layout=layout)
    traces = []
    parts = [(slice(0, info.split + 1), _FADED_BLUE), (slice(info.split, None), _BLUE)]
    for part, color in parts:
        if info.numbers[part]:
            traces.append(
                go.Scatter(
                    x=info.numbers[part],
                    y=info.improvements[part],
                    mode="markers+lines",
                    name=IMPROVEMENT,
                    marker={"color": color},
                    line={"color": color},
                )
            )
    if info.errors is not None:
        traces.append(
            go.Scatter(
                x=info.numbers,
                y=info.errors,
                mode="markers+lines",
                name=ERROR,
                marker={"color": _RED},
                line={"color": _RED},
            )
        )
    return go.Figure(data=traces, layout=layout)
