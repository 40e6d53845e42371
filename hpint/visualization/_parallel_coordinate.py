"""Data of the parallel coordinates: each trial as a line through its value and its parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint._pareto import non_dominated_ranks, to_minimization
from hpint.visualization._common import (
    ParamAxis,
    Target,
    check_target,
    complete_trials,
    finite_rows,
    finite_values,
    param_axis,
    resolve_params,
    target_or_value,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study
    from hpint.trial import FrozenTrial

TITLE = "Parallel Coordinate Plot"


@dataclass
class Dimension:
    """One vertical axis: its coordinates in the linear space (log10, choice index) and their range."""

    axis: ParamAxis
    space: np.ndarray
    lo: float
    hi: float

    @property
    def normalized(self) -> np.ndarray:
        """The coordinates mapped to [0, 1] over the range."""
        return (self.space - self.lo) / (self.hi - self.lo)


@dataclass
class ParallelInfo:
    """The value's dimension first (one per objective in a multi-objective study without ``target``),
    then one per parameter; trials in drawing order (the best last).

    ``color`` colours the lines: the value, or the Pareto rank (0 the best front) with several objectives.
    ``reverse`` is True when smaller colours are better (the colour scale is reversed, as in Optuna).
    """

    dims: list[Dimension]
    color: np.ndarray
    color_title: str
    reverse: bool


def parallel_coordinate_info(
    study: Study, params: Sequence[str] | None, target: Target | None, target_name: str
) -> ParallelInfo | None:
    """The dimensions to draw, or None (with a warning) when no complete trial sets all ``params``.

    Trials missing one of the parameters (conditional search spaces) are left out. A multi-objective
    study without ``target`` gets one dimension per objective (named by ``study.set_metric_names``, else
    "Objective i"), and its lines are coloured by Pareto rank over the objectives, constraints ignored.

    Raises:
        ValueError: a name in ``params`` is not a parameter.
    """
    import numpy as np

    if target is not None and not callable(target):
        check_target(study, target)  # raises the TypeError naming `target`
    if target is None and len(study.directions) > 1:
        trials, values = finite_rows(complete_trials(study), _objective_values)
    else:
        trials, single = finite_values(complete_trials(study), target_or_value(target))
        values = single[:, None]
    names = sorted(set(resolve_params(trials, params))) if trials else []
    keep = [all(name in t.params for name in names) for t in trials]
    kept = [t for t, k in zip(trials, keep) if k]
    if not names or not kept:
        warn_empty("plot_parallel_coordinate")
        return None
    values = values[np.asarray(keep)]
    if values.shape[1] > 1:
        color = non_dominated_ranks(to_minimization(values, study.directions)).astype(float)
        color_title, reverse, goodness = "Pareto Rank", True, -color
        labels = study.metric_names or [f"Objective {i}" for i in range(values.shape[1])]
    else:
        color, color_title = values[:, 0], target_name
        reverse = not (target is None and study.direction == StudyDirection.MAXIMIZE)
        goodness, labels = (-color if reverse else color), [target_name]
    order = np.argsort(goodness, kind="stable")  # best drawn last, on top
    kept = [kept[i] for i in order]
    dims = [_dimension(ParamAxis(label, "linear"), values[order, i]) for i, label in enumerate(labels)]
    for name in names:
        axis = param_axis(kept, name)
        dims.append(_dimension(axis, axis.to_space(axis.encode([t.params[name] for t in kept]))))
    return ParallelInfo(dims, color[order], color_title, reverse)


def _objective_values(trial: FrozenTrial) -> Sequence[float]:
    return trial.values


def _dimension(axis: ParamAxis, space: np.ndarray) -> Dimension:
    if axis.kind == "categorical":
        lo, hi = 0.0, float(len(axis.choices) - 1)
    else:
        lo, hi = float(space.min()), float(space.max())
    if hi <= lo:  # a single value: centre it
        lo, hi = lo - 0.5, hi + 0.5
    return Dimension(axis, space, lo, hi)
