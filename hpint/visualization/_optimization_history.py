"""Data of the optimization history: each complete trial's value by number, and the best value so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.visualization._common import (
    Target,
    as_study_list,
    check_target,
    complete_trials,
    feasibility,
    finite_values,
    target_or_value,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study

TITLE = "Optimization History Plot"


@dataclass
class HistorySeries:
    """One study's points (or, with error bars, the mean over studies) and its best-so-far curve.

    ``best`` is None with a custom ``target``, which has no direction. ``value_std`` and ``best_std``
    are set only for error bars.
    """

    name: str
    best_name: str | None
    numbers: np.ndarray
    values: np.ndarray
    feasible: np.ndarray
    best: np.ndarray | None
    value_std: np.ndarray | None = None
    best_std: np.ndarray | None = None


def optimization_history_info(
    study: Study | Sequence[Study], target: Target | None, target_name: str, error_bar: bool
) -> list[HistorySeries]:
    """The series to draw, one per study, or one of means with ``error_bar``; empty if nothing to plot."""
    studies = as_study_list(study)
    for s in studies:
        check_target(s, target)
    series = []
    for s in studies:
        suffix = f" of {s.study_name}" if len(studies) > 1 else ""
        numbers, values, feasible, best = _study_series(s, target)
        best_name = f"Best Value{suffix}" if best is not None else None
        series.append(HistorySeries(f"{target_name}{suffix}", best_name, numbers, values, feasible, best))
    if not any(len(s.numbers) for s in series):
        warn_empty("plot_optimization_history")
        return []
    return [_mean_over_studies(series, target_name)] if error_bar else series


def _study_series(
    study: Study, target: Target | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Numbers, values, feasibility and best-so-far of the complete trials with a finite value."""
    import numpy as np

    trials, values = finite_values(complete_trials(study), target_or_value(target))
    numbers = np.asarray([t.number for t in trials], dtype=int)
    feasible = feasibility(trials)
    best = best_so_far(values, feasible, study.direction) if target is None else None
    return numbers, values, feasible, best


def best_so_far(values: np.ndarray, feasible: np.ndarray, direction: StudyDirection) -> np.ndarray:
    """The running best of ``values`` (NaN until the first feasible one); infeasible values never count."""
    import numpy as np

    maximize = direction == StudyDirection.MAXIMIZE
    worst = -np.inf if maximize else np.inf
    masked = np.where(feasible, values, worst)
    best = np.maximum.accumulate(masked) if maximize else np.minimum.accumulate(masked)
    return np.where(np.isfinite(best), best, np.nan)


def _mean_over_studies(series: list[HistorySeries], target_name: str) -> HistorySeries:
    """Mean and standard deviation across studies per trial number, over the feasible values only."""
    import numpy as np

    size = int(max(s.numbers.max() for s in series if len(s.numbers))) + 1
    values = np.full((len(series), size), np.nan)
    best = np.full((len(series), size), np.nan)
    for row, s in enumerate(series):
        values[row, s.numbers[s.feasible]] = s.values[s.feasible]
        if s.best is not None:
            best[row, s.numbers] = s.best
    present = ~np.all(np.isnan(values), axis=0)
    mean, std = _nan_mean_std(values[:, present])
    with_best = series[0].best is not None
    best_mean, best_std = _nan_mean_std(best[:, present]) if with_best else (None, None)
    return HistorySeries(
        name=target_name,
        best_name="Best Value" if with_best else None,
        numbers=np.arange(size)[present],
        values=mean,
        feasible=np.ones(int(present.sum()), dtype=bool),
        best=best_mean,
        value_std=std,
        best_std=best_std,
    )


def _nan_mean_std(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and (population) standard deviations ignoring NaN; NaN where a column has none."""
    import numpy as np

    count = np.sum(~np.isnan(matrix), axis=0)
    total = np.nansum(matrix, axis=0)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    sq = np.nansum((matrix - mean) ** 2, axis=0)
    std = np.where(count > 0, np.sqrt(sq / np.maximum(count, 1)), np.nan)
    return mean, std
