"""The Pareto front drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hpint.visualization._pareto_front import TITLE, pareto_front_info
from hpint.visualization.matplotlib._utils import import_pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study
    from hpint.trial import FrozenTrial

#: Series label and colour: the non-dominated trials, the dominated ones, those violating constraints.
SERIES = {"Best Trial": "tab:red", "Trial": "tab:blue", "Infeasible Trial": "lightgray"}


def plot_pareto_front(
    study: Study,
    *,
    target_names: Sequence[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
    axis_order: Sequence[int] | None = None,
) -> Axes:
    """Scatter the complete trials in objective space; the Pareto-optimal ones form the "Best Trial" series.

    "Best" means non-dominated in the study's own objectives and directions, among the trials that
    satisfy their constraints (as ``study.best_trials``); ``targets`` only changes what is plotted.

    Args:
        study: a study with two or three objectives (or any study, with ``targets``).
        target_names: one axis label per plotted value (default: the metric names, or "Objective i").
        include_dominated_trials: also plot the dominated and the infeasible trials.
        constraints_func: a function of a trial giving its constraint values (``<= 0`` is satisfied);
            by default the constraints the trial stored (``NSGAIISampler(constraints_func=...)``).
        targets: a function of a trial giving the 2 or 3 values to plot.
        axis_order: the objectives' indices in plotting order (without ``targets``), e.g. ``[1, 0]``
            (Optuna removed this argument in 5.0; hpint keeps it).

    Returns:
        An Axes (a 3D Axes for three values); each series is a collection labelled as in ``SERIES``.

    Raises:
        ValueError: not 2 or 3 values to plot, a wrong ``axis_order`` or ``target_names``.
    """
    info = pareto_front_info(
        study, target_names, include_dominated_trials, constraints_func, targets, axis_order
    )
    plt = import_pyplot()
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d" if info.n_values == 3 else None)
    ax.set_title(TITLE)
    setters = [ax.set_xlabel, ax.set_ylabel] + ([ax.set_zlabel] if info.n_values == 3 else [])  # type: ignore[attr-defined]
    for set_label, name in zip(setters, info.names):
        set_label(name)
    if not info.trials:
        return ax
    for label, color in SERIES.items():
        points = [info.coords[i] for i in info.groups[label]]
        if points:
            ax.scatter(*zip(*points), color=color, label=label, s=20)
    ax.legend()
    return ax
