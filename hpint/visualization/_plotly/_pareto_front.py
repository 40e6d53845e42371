"""The Pareto front as a plotly figure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._pareto_front import TITLE, ParetoInfo, pareto_front_info
from hpint.visualization._plotly._utils import INFEASIBLE_COLOR, hover_text, import_plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study
    from hpint.trial import FrozenTrial


def plot_pareto_front(
    study: Study,
    *,
    target_names: Sequence[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
    axis_order: Sequence[int] | None = None,
) -> go.Figure:
    """Scatter the complete trials in objective space; the Pareto-optimal ones form the "Best Trial" trace.

    Traces, in drawing order: "Infeasible Trial" (grey; only when the study has constraints or
    ``constraints_func`` is given), "Trial" (dominated, coloured by number) and "Best Trial" (coloured by
    number in reds); ``Scatter3d`` traces for three values. "Best" means non-dominated in the study's
    own objectives and directions among the feasible trials (as ``study.best_trials``); ``targets`` only
    changes what is plotted. Each marker's tooltip lists the trial's number, values and parameters.

    Args:
        study: a study with two or three objectives (or any study, with ``targets``).
        target_names: one axis title per plotted value (default: the metric names, or "Objective i").
        include_dominated_trials: also plot the dominated and the infeasible trials.
        constraints_func: a function of a trial giving its constraint values (``<= 0`` is satisfied);
            by default the constraints the trial stored (``NSGAIISampler(constraints_func=...)``).
        targets: a function of a trial giving the 2 or 3 values to plot.
        axis_order: the objectives' indices in plotting order (without ``targets``), e.g. ``[1, 0]``
            (Optuna removed this argument in 5.0; hpint keeps it).

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: not 2 or 3 values to plot, a wrong ``axis_order`` or ``target_names``.
    """
    go = import_plotly()
    info = pareto_front_info(
        study, target_names, include_dominated_trials, constraints_func, targets, axis_order
    )
    series = (["Infeasible Trial"] if info.has_constraints else []) + ["Trial", "Best Trial"]
    data = [_scatter(go, info, name, include_dominated_trials) for name in series]
    if info.n_values == 2:
        layout = go.Layout(title=TITLE, xaxis_title=info.names[0], yaxis_title=info.names[1])
    else:
        scene = {f"{axis}axis_title": name for axis, name in zip("xyz", info.names)}
        layout = go.Layout(title=TITLE, scene=scene)
    return go.Figure(data=data, layout=layout)


def _scatter(go: Any, info: ParetoInfo, name: str, include_dominated: bool) -> Any:
    indices = info.groups[name]
    numbers = [info.trials[i].number for i in indices]
    if name == "Infeasible Trial":
        marker: dict[str, Any] = {"color": INFEASIBLE_COLOR}
    elif name == "Trial":
        marker = {"color": numbers, "colorscale": "Blues", "colorbar": {"title": "Trial"}}
    else:
        colorbar = {"title": "Best Trial", "x": 1.1 if include_dominated else 1.0, "xpad": 40}
        marker = {"color": numbers, "colorscale": "Reds", "colorbar": colorbar}
    if name != "Infeasible Trial":
        marker["line"] = {"width": 0.5, "color": "Grey"}
    columns = list(zip(*(info.coords[i] for i in indices))) or [()] * info.n_values
    xyz = {axis: list(column) for axis, column in zip("xyz", columns)}
    return (go.Scatter if info.n_values == 2 else go.Scatter3d)(
        **xyz,
        text=[hover_text(info.trials[i]) for i in indices],
        mode="markers",
        name=name,
        hovertemplate="%{text}<extra>" + name + "</extra>",
        marker=marker,
        showlegend=False,
    )
