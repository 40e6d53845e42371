"""Prune a trial whose latest value leaves a fixed range: divergence guards, known-bad regions."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hpint.pruners._base import BasePruner
from hpint.pruners._checks import check_int, is_check_step
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class ThresholdPruner(BasePruner):
    """Prune when the latest intermediate value is below ``lower``, above ``upper``, or NaN.

    Needs no other trial, so it works from the first trial on; the study's direction does not matter.

    Args:
        lower: prune values strictly below this (None: no lower bound).
        upper: prune values strictly above this (None: no upper bound).
        n_warmup_steps: no pruning before this step.
        interval_steps: check at ``n_warmup_steps + k * interval_steps`` (or the first reported step
            inside each such interval).

    Raises:
        TypeError: neither bound is given, or a bound is not a number.
        ValueError: ``lower > upper``, or a step argument is out of range.

    Example::

        # stop a training run as soon as its loss diverges
        study = hpint.create_study(pruner=hpint.pruners.ThresholdPruner(upper=10.0))
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        if lower is None and upper is None:
            raise TypeError("ThresholdPruner needs `lower`, `upper` or both; got neither.")
        lower = _check_bound("lower", lower, -math.inf)
        upper = _check_bound("upper", upper, math.inf)
        if lower > upper:
            raise ValueError(f"`lower` ({lower}) must not be greater than `upper` ({upper}).")
        check_int("n_warmup_steps", n_warmup_steps, minimum=0)
        check_int("interval_steps", interval_steps, minimum=1)
        self._lower = lower
        self._upper = upper
        self._n_warmup_steps = n_warmup_steps
        self._interval_steps = interval_steps

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None:
            return False
        if not is_check_step(trial.intermediate_values, step, self._n_warmup_steps, self._interval_steps):
            return False
        value = trial.intermediate_values[step]
        return math.isnan(value) or value < self._lower or value > self._upper

    def __repr__(self) -> str:
        return (
            f"ThresholdPruner(lower={self._lower}, upper={self._upper}, "
            f"n_warmup_steps={self._n_warmup_steps}, interval_steps={self._interval_steps})"
        )


def _check_bound(name: str, value: float | None, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise TypeError(f"`{name}` must be a number or None, not {value!r}.")
    return float(value)
