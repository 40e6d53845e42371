"""The optimization history: each complete trial's value by trial number, and the best value so far."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint._pareto import is_feasible
from hpint.visualization._common import (
    Target,
    as_study_list,
    check_target,
    complete_trials,
    finite_values,
    new_axes,
    target_or_value,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np
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
    that violate constraints; it is drawn only when ``target`` is None, since a custom target has no
    direction.

    Args:
        study: a study, or a list of studies to compare (one series each).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the y-axis label.
        error_bar: with several studies, plot the mean and standard deviation across studies at each
            trial number instead of one series per study.

    Returns:
        The matplotlib Axes.
    """
    studies = as_study_list(study)
    for s in studies:
        check_target(s, target)
    ax = new_axes("Optimization History")
    ax.set_xlabel("Trial")
    ax.set_ylabel(target_name)
    series = [_series(s, target) for s in studies]
    if not any(len(numbers) for numbers, _, _ in series):
        warn_empty("plot_optimization_history")
        return ax
    if error_bar:
        _draw_error_bars(ax, series, target_name, target is None)
    else:
        for s, (numbers, values, best) in zip(studies, series):
            suffix = f" ({s.study_name})" if len(studies) > 1 else ""
            points = ax.scatter(numbers, values, s=16, label=f"{target_name}{suffix}")
            if target is None:  # one study: a contrasting line; several: each line in its points' colour
                color = points.get_facecolor()[0] if len(studies) > 1 else "tab:red"
                ax.plot(numbers, best, color=color, label=f"Best Value{suffix}")
    ax.legend()
    return ax


def _series(study: Study, target: Target | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trial numbers, values and best-so-far values of the study's complete trials with a finite value."""
    import numpy as np

    trials, values = finite_values(complete_trials(study), target_or_value(target))
    numbers = np.asarray([t.number for t in trials], dtype=float)
    if target is not None:
        return numbers, values, values
    feasible = np.asarray([is_feasible(t) for t in trials], dtype=bool)
    return numbers, values, best_so_far(values, feasible, study.direction)


def best_so_far(values: np.ndarray, feasible: np.ndarray, direction: StudyDirection) -> np.ndarray:
    """The running best of ``values`` (NaN until the first feasible one); infeasible values never count."""
    import numpy as np

    maximize = direction == StudyDirection.MAXIMIZE
    worst = -np.inf if maximize else np.inf
    masked = np.where(feasible, values, worst)
    best = np.maximum.accumulate(masked) if maximize else np.minimum.accumulate(masked)
    return np.where(np.isfinite(best), best, np.nan)


def _draw_error_bars(
    ax: Axes, series: list[tuple[np.ndarray, np.ndarray, np.ndarray]], target_name: str, with_best: bool
) -> None:
    """Mean and standard deviation across studies, per trial number (studies lacking a number skip it)."""
    import numpy as np

    size = int(max(numbers.max() for numbers, _, _ in series if len(numbers))) + 1
    values = np.full((len(series), size), np.nan)
    best = np.full((len(series), size), np.nan)
    for row, (numbers, v, b) in enumerate(series):
        values[row, numbers.astype(int)] = v
        best[row, numbers.astype(int)] = b
    present = ~np.all(np.isnan(values), axis=0)
    x = np.arange(size)[present]
    mean, std = _nan_mean_std(values[:, present])
    ax.errorbar(x, mean, yerr=std, fmt="o", markersize=4, capsize=2, label=target_name)
    if with_best:
        best_mean, best_std = _nan_mean_std(best[:, present])
        ax.plot(x, best_mean, label="Best Value")
        ax.fill_between(x, best_mean - best_std, best_mean + best_std, alpha=0.2)


def _nan_mean_std(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations ignoring NaN (NaN where a column has none)."""
    import numpy as np

    count = np.sum(~np.isnan(matrix), axis=0)
    total = np.nansum(matrix, axis=0)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    sq = np.nansum((matrix - mean) ** 2, axis=0)
    std = np.where(count > 0, np.sqrt(sq / np.maximum(count, 1)), np.nan)
    return mean, std
