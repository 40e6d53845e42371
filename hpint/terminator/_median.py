"""MedianErrorEvaluator: a threshold relative to the improvement evaluator's own early values."""

from __future__ import annotations

import math
import numbers
import sys

from hpint._direction import StudyDirection
from hpint.terminator._base import BaseErrorEvaluator, BaseImprovementEvaluator
from hpint.terminator._common import check_int, complete_trials
from hpint.trial._frozen import FrozenTrial


class MedianErrorEvaluator(BaseErrorEvaluator):
    """``threshold_ratio`` times the median of the paired evaluator's values over the early trials.

    A heuristic of Ishibashi et al. (2023) for improvements in arbitrary units (such as
    :class:`EMMREvaluator`'s): once ``warm_up_trials + n_initial_trials`` trials are COMPLETE, the paired
    evaluator is run on the trials after the warm-up, first one, then two, ... up to ``n_initial_trials``;
    the threshold is the median (the upper one, for an even count) of those values times
    ``threshold_ratio``, computed once and kept. Before that the error is ``-inf``, which stops nothing.

    Args:
        paired_improvement_evaluator: the improvement evaluator this error is compared with.
        warm_up_trials: first trials left out (typically the sampler's random start-up trials).
        n_initial_trials: trials after the warm-up whose values set the median (``>= 1``).
        threshold_ratio: a positive, finite factor.

    Raises:
        ValueError: a bad argument.
    """

    def __init__(
        self,
        paired_improvement_evaluator: BaseImprovementEvaluator,
        warm_up_trials: int = 10,
        n_initial_trials: int = 20,
        threshold_ratio: float = 0.01,
    ) -> None:
        if not isinstance(paired_improvement_evaluator, BaseImprovementEvaluator):
            raise ValueError(
                "`paired_improvement_evaluator` must be a BaseImprovementEvaluator, "
                f"not {paired_improvement_evaluator!r}."
            )
        ok = isinstance(threshold_ratio, numbers.Real) and not isinstance(threshold_ratio, bool)
        if not ok or not math.isfinite(threshold_ratio) or threshold_ratio <= 0:
            raise ValueError(f"`threshold_ratio` must be a positive finite number, not {threshold_ratio!r}.")
        self._paired = paired_improvement_evaluator
        self._warm_up_trials = check_int("warm_up_trials", warm_up_trials, 0)
        self._n_initial_trials = check_int("n_initial_trials", n_initial_trials, 1)
        self._threshold_ratio = float(threshold_ratio)
        self._threshold: float | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        if self._threshold is not None:
            return self._threshold
        complete = sorted(complete_trials(trials), key=lambda t: t.number)
        if len(complete) < self._warm_up_trials + self._n_initial_trials:
            return -math.inf
        start = self._warm_up_trials
        values = sorted(
            self._paired.evaluate(complete[start : start + i], study_direction)
            for i in range(1, self._n_initial_trials + 1)
        )
        self._threshold = min(values[len(values) // 2] * self._threshold_ratio, sys.float_info.max)
        return self._threshold

    def __repr__(self) -> str:
        return (
            f"MedianErrorEvaluator({self._paired!r}, warm_up_trials={self._warm_up_trials!r}, "
            f"n_initial_trials={self._n_initial_trials!r}, threshold_ratio={self._threshold_ratio!r})"
        )
