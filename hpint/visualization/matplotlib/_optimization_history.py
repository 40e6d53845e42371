"""The optimization history drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import Target
from hpint.visualization._optimization_history import TITLE, HistorySeries, optimization_history_info
from hpint.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> Axes:
    """Plot each complete trial's value against its number, with the best value found so far.

    The best-so-far line follows the study's direction (running minimum or maximum) and skips trials
    that violate constraints (drawn grey); it is drawn only when ``target`` is None, since a custom
    target has no direction.

    Args:
        study: a study, or a list of studies to compare (one series each).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the y-axis label.
        error_bar: plot the mean and standard deviation across the studies at each trial number
            instead of one series per study.

    Returns:
        The matplotlib Axes.

    Raises:
        ValueError: several objectives and no ``target``.
    """
    ax = new_axes(TITLE)
    ax.set_xlabel("Trial")
    ax.set_ylabel(target_name)
    series = optimization_history_info(study, target, target_name, error_bar)
    if not series:
        return ax
    for s in series:
        if s.value_std is not None:
            _draw_error_bars(ax, s)
            continue
        points = ax.scatter(s.numbers[s.feasible], s.values[s.feasible], s=16, label=s.name)
        if not s.feasible.all():
            ax.scatter(
                s.numbers[~s.feasible], s.values[~s.feasible], s=16, color="#cccccc", label="Infeasible Trial"
            )
        if s.best is not None:  # one study: a contrasting line; several: each line in its points' colour
            color = points.get_facecolor()[0] if len(series) > 1 else "tab:red"
            ax.plot(s.numbers, s.best, color=color, label=s.best_name)
    ax.legend()
    return ax


def _draw_error_bars(ax: Axes, s: HistorySeries) -> None:
    ax.errorbar(s.numbers, s.values, yerr=s.value_std, fmt="o", markersize=4, capsize=2, label=s.name)
    if s.best is not None and s.best_std is not None:
        ax.plot(s.numbers, s.best, label=s.best_name)
        ax.fill_between(s.numbers, s.best - s.best_std, s.best + s.best_std, alpha=0.2)
