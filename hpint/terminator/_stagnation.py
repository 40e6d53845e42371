"""BestValueStagnationEvaluator: trials left before the best value has not improved for too long."""

from __future__ import annotations

from hpint._direction import StudyDirection
from hpint.terminator._base import BaseImprovementEvaluator
from hpint.terminator._common import best_index, check_int, complete_trials, loss_sign
from hpint.trial._frozen import FrozenTrial


class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """``max_stagnation_trials`` minus the COMPLETE trials since the best value last improved.

    Paired (by default, in :class:`Terminator`) with ``StaticErrorEvaluator(0)``: the study stops once
    the best value has not improved for more than ``max_stagnation_trials`` complete trials. Only a strict
    improvement counts; a trial that ties the best value does not reset the count.

    Args:
        max_stagnation_trials: complete trials allowed without improvement (``>= 0``).

    Raises:
        ValueError: a bad ``max_stagnation_trials``; at ``evaluate``, no COMPLETE trial.
    """

    def __init__(self, max_stagnation_trials: int = 30) -> None:
        self._max_stagnation_trials = check_int("max_stagnation_trials", max_stagnation_trials, 0)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        sign = loss_sign(study_direction)
        losses = [sign * t.values[0] for t in complete_trials(trials)]
        if not losses:
            raise ValueError("BestValueStagnationEvaluator needs at least one complete trial.")
        since_best = len(losses) - 1 - best_index(losses)
        return self._max_stagnation_trials - since_best

    def __repr__(self) -> str:
        return f"BestValueStagnationEvaluator(max_stagnation_trials={self._max_stagnation_trials!r})"
