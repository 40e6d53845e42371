"""Wait for a plateau before asking another pruner: tolerate slow or noisy learning curves."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.pruners._base import BasePruner
from hpint.pruners._checks import check_int
from hpint.pruners._percentile import best_value
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class PatientPruner(BasePruner):
    """Prune only after ``patience`` reported steps without improvement, then defer to ``wrapped_pruner``.

    The trial has stalled when the best of its last ``patience + 1`` values is worse than the best value
    reported before them by more than ``min_delta``. Until then it is never pruned; once stalled,
    ``wrapped_pruner`` decides (or, if it is None, the trial is pruned). As in Optuna, ``min_delta`` is a
    tolerance for getting worse, and a flat curve (recent best equal to the earlier best) is not stalled.

    Args:
        wrapped_pruner: asked once the trial has stalled; None prunes every stalled trial.
        patience: how many steps without improvement to tolerate (>= 0).
        min_delta: how much worse the recent best may be than the earlier best before the trial counts as
            stalled (>= 0).

    Raises:
        ValueError: ``patience`` or ``min_delta`` is negative, naming it and its value.
        TypeError: ``wrapped_pruner`` is neither None nor a pruner.

    Example::

        pruner = hpint.pruners.PatientPruner(hpint.pruners.MedianPruner(), patience=3)
    """

    def __init__(self, wrapped_pruner: BasePruner | None, patience: int, min_delta: float = 0.0) -> None:
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, BasePruner):
            raise TypeError(f"`wrapped_pruner` must be a pruner or None, not {wrapped_pruner!r}.")
        check_int("patience", patience, minimum=0)
        if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float)) or not min_delta >= 0:
            raise ValueError(f"`min_delta` must be a number >= 0, not {min_delta!r}.")
        self._wrapped_pruner = wrapped_pruner
        self._patience = patience
        self._min_delta = float(min_delta)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        maximize = study.direction == StudyDirection.MAXIMIZE
        if not is_stalled(trial.intermediate_values, self._patience, self._min_delta, maximize):
            return False
        if self._wrapped_pruner is None:
            return True
        return self._wrapped_pruner.prune(study, trial)

    def __repr__(self) -> str:
        return (
            f"PatientPruner(wrapped_pruner={self._wrapped_pruner!r}, patience={self._patience}, "
            f"min_delta={self._min_delta})"
        )


def is_stalled(values: dict[int, float], patience: int, min_delta: float, maximize: bool) -> bool:
    """True if the best of the last ``patience + 1`` values (by step) is worse than the best earlier value
    by more than ``min_delta``. False while there are at most ``patience + 1`` values, or if either side is
    all NaN.
    """
    if len(values) <= patience + 1:
        return False
    ordered = [values[step] for step in sorted(values)]
    split = len(ordered) - patience - 1
    before = best_value(ordered[:split], maximize)
    recent = best_value(ordered[split:], maximize)
    if math.isnan(before) or math.isnan(recent):
        return False
    if maximize:
        return recent < before - min_delta
    return recent > before + min_delta
