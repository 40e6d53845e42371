"""Data of the parallel coordinates: each trial as a line through its value and its parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.visualization._common import (
    ParamAxis,
    Target,
    check_target,
    complete_trials,
    finite_values,
    param_axis,
    resolve_params,
    target_or_value,
    trials_with,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study

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
    """The value's dimension first, then one per parameter; trials in drawing order (the best last).

    ``reverse`` is True when smaller values are better (the colour scale is reversed, as in Optuna).
    """

    dims: list[Dimension]
    values: np.ndarray
    reverse: bool


def parallel_coordinate_info(
    study: Study, params: Sequence[str] | None, target: Target | None, target_name: str
) -> ParallelInfo | None:
    """The dimensions to draw, or None (with a warning) when no complete trial sets all ``params``.

    Trials missing one of the parameters (conditional search spaces) are left out.

    Raises:
        ValueError: a name in ``params`` is not a parameter, or several objectives and no ``target``.
    """
    import numpy as np

    check_target(study, target)
    trials, values = finite_values(complete_trials(study), target_or_value(target))
    names = sorted(set(resolve_params(trials, params))) if trials else []
    kept = trials_with(trials, names)
    if not names or not kept:
        warn_empty("plot_parallel_coordinate")
        return None
    value_of = dict(zip((t.number for t in trials), values))
    kept_values = np.asarray([value_of[t.number] for t in kept], dtype=float)
    maximize = target is None and study.direction == StudyDirection.MAXIMIZE
    order = np.argsort(kept_values if maximize else -kept_values, kind="stable")  # best drawn last, on top
    kept = [kept[i] for i in order]
    dims = [_dimension(ParamAxis(target_name, "linear"), kept_values[order])]
    for name in names:
        axis = param_axis(kept, name)
        dims.append(_dimension(axis, axis.to_space(axis.encode([t.params[name] for t in kept]))))
    return ParallelInfo(dims, kept_values[order], not maximize)


def _dimension(axis: ParamAxis, space: np.ndarray) -> Dimension:
    if axis.kind == "categorical":
        lo, hi = 0.0, float(len(axis.choices) - 1)
    else:
        lo, hi = float(space.min()), float(space.max())
    if hi <= lo:  # a single value: centre it
        lo, hi = lo - 0.5, hi + 0.5
    return Dimension(axis, space, lo, hi)
