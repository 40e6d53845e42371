"""CrossValidationErrorEvaluator and report_cross_validation_scores: the error of a cross-validated score.

The scores are the trial system attribute ``terminator:cv_scores`` (a list of floats), Optuna's key, so a
study written by either library is read alike by both.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.terminator._base import BaseErrorEvaluator
from hpint.terminator._common import best_index, complete_trials, loss_sign
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.trial._trial import Trial

CROSS_VALIDATION_SCORES_KEY = "terminator:cv_scores"


def report_cross_validation_scores(trial: Trial, scores: Sequence[float]) -> None:
    """Record the per-fold scores of ``trial``'s cross-validation, for :class:`CrossValidationErrorEvaluator`.

    Call it in the objective, which then usually returns ``mean(scores)``.

    Args:
        trial: the running trial.
        scores: one finite score per fold; at least two (a single fold has no variance).

    Raises:
        ValueError: fewer than two scores, or one that is not a finite number.
    """
    values = list(scores)
    if len(values) < 2:
        raise ValueError(f"`scores` must hold at least two fold scores, not {len(values)}: {values!r}.")
    for value in values:
        real = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not real or not math.isfinite(value):
            raise ValueError(f"`scores` must be finite numbers; got {value!r} in {values!r}.")
    trial.set_system_attr(CROSS_VALIDATION_SCORES_KEY, [float(v) for v in values])


def cross_validation_error(scores: Sequence[float]) -> float:
    """``sqrt((1/k + 1/(k - 1)) * var(scores))`` for ``k`` fold scores (``var`` divides by ``k``).

    The variance of the mean of ``k`` fold scores, corrected for the folds' overlapping training sets
    (Nadeau and Bengio, 2003: ``1/k + n_test/n_train``, which is ``1/(k - 1)`` for k-fold cross-validation).
    """
    k = len(scores)
    mean = sum(scores) / k
    variance = sum((s - mean) ** 2 for s in scores) / k
    return math.sqrt((1.0 / k + 1.0 / (k - 1)) * variance)


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """The statistical error of the best trial's cross-validated score (Makarova et al., 2022).

    Assumes the objective is the mean of the fold scores recorded with
    :func:`report_cross_validation_scores`; see :func:`cross_validation_error` for the formula.

    Raises:
        ValueError: at ``evaluate``, no COMPLETE trial, or the best one recorded no scores.
    """

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        sign = loss_sign(study_direction)
        complete = complete_trials(trials)
        if not complete:
            raise ValueError("CrossValidationErrorEvaluator needs at least one complete trial.")
        best = complete[best_index([sign * t.values[0] for t in complete])]
        scores = best.system_attrs.get(CROSS_VALIDATION_SCORES_KEY)
        if scores is None:
            raise ValueError(
                f"The best trial (number {best.number}) has no cross-validation scores: call "
                "`report_cross_validation_scores(trial, scores)` in the objective with the fold scores."
            )
        return cross_validation_error([float(s) for s in scores])
