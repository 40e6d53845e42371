"""Data of the parallel coordinates: each trial as a line through its value and its parameters."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint._pareto import non_dominated_ranks
from hpint.logging import get_logger
from hpint.visualization._common import (
    ParamAxis,
    Target,
    check_target,
    complete_trials,
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
_logger = get_logger("hpint.visualization")


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
        trials, values = _finite_objectives(complete_trials(study))
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
        signs = np.asarray([1.0 if d == StudyDirection.MINIMIZE else -1.0 for d in study.directions])
        color = non_dominated_ranks(values * signs).astype(float)
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


def _finite_objectives(trials: Sequence[FrozenTrial]) -> tuple[list[FrozenTrial], np.ndarray]:
    """The trials whose objective values are all finite, and those values (a row per trial)."""
    import numpy as np

    kept = [t for t in trials if all(math.isfinite(v) for v in t.values)]
    if len(kept) < len(trials):
        _logger.warning(f"{len(trials) - len(kept)} trial(s) with a non-finite value are not plotted.")
    return kept, np.asarray([t.values for t in kept], dtype=float).reshape(len(kept), -1)


def _dimension(axis: ParamAxis, space: np.ndarray) -> Dimension:
    if axis.kind == "categorical":
        lo, hi = 0.0, float(len(axis.choices) - 1)
    else:
        lo, hi = float(space.min()), float(space.max())
    if hi <= lo:  # a single value: centre it
        lo, hi = lo - 0.5, hi + 0.5
    return Dimension(axis, space, lo, hi)
