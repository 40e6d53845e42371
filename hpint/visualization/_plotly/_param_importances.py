"""The parameter importances as a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target
from hpint.visualization._param_importances import TITLE, importance_label, param_importances_info
from hpint.visualization._plotly._utils import import_plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_param_importances(
    study: Study,
    evaluator: Any = None,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot :func:`hpint.importance.get_param_importances` as horizontal bars, most important on top.

    One ``Bar`` trace per objective (named after it; with several objectives and no ``target``, one
    each instead of an error), ``x`` the importances and ``y`` the parameter names in the first
    objective's order, least important first, so that the most important is drawn at the top.

    Args:
        study: the study whose complete trials are evaluated.
        evaluator: the importance evaluator (default: hpint.importance's default).
        params: the parameters to evaluate (default: all).
        target: a function of a trial giving the value whose importances to compute.
        target_name: the trace name (a metric name set on the study takes its place without ``target``).

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study.
    """
    go = import_plotly()
    layout = go.Layout(
        title=TITLE, xaxis={"title": "Hyperparameter Importance"}, yaxis={"title": "Hyperparameter"}
    )
    groups = param_importances_info(study, evaluator, params, target, target_name)
    order = list(groups[0][1])[::-1] if groups else []
    traces = []
    for label, importances in groups:
        widths = [float(importances.get(name, 0.0)) for name in order]
        traces.append(
            go.Bar(
                x=widths,
                y=order,
                name=label,
                text=[importance_label(w) for w in widths],
                textposition="outside",
                cliponaxis=False,
                orientation="h",
                hovertemplate=[f"{name}: {w}<extra></extra>" for name, w in zip(order, widths)],
            )
        )
    return go.Figure(data=traces, layout=layout)
