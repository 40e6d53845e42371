"""Terminator: stop when the room left for improvement is smaller than the objective's own error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.terminator._base import BaseErrorEvaluator, BaseImprovementEvaluator, BaseTerminator
from hpint.terminator._common import check_int
from hpint.terminator._regret_bound import DEFAULT_MIN_N_TRIALS
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


def check_single_objective(study: Study) -> None:
    """``RuntimeError`` for a study with several objectives, which the terminator cannot judge."""
    if study._is_multi_objective():
        raise RuntimeError(
            "The terminator supports single-objective studies only; this study has "
            f"{len(study.directions)} objectives."
        )


def default_error_evaluator(improvement_evaluator: BaseImprovementEvaluator) -> BaseErrorEvaluator:
    """The error a given improvement is compared with when none is given.

    A stagnation count is compared with zero; a regret bound (or any other improvement in the objective's
    units) with the cross-validation error of the best trial.
    """
    from hpint.terminator._cross_validation import CrossValidationErrorEvaluator
    from hpint.terminator._stagnation import BestValueStagnationEvaluator
    from hpint.terminator._static import StaticErrorEvaluator

    if isinstance(improvement_evaluator, BestValueStagnationEvaluator):
        return StaticErrorEvaluator(constant=0)
    return CrossValidationErrorEvaluator()


class Terminator(BaseTerminator):
    """Stops a study once the estimated improvement left is below the estimated error (Makarova et al.).

    Past that point a better value found is as likely to be noise in the objective (e.g. which folds a
    cross-validation drew) as a better configuration, so further trials are mostly wasted.

    Args:
        improvement_evaluator: the room left for improvement; default :class:`RegretBoundEvaluator`.
        error_evaluator: the error it is compared with; default ``StaticErrorEvaluator(0)`` for a
            :class:`BestValueStagnationEvaluator`, else :class:`CrossValidationErrorEvaluator` (which needs
            :func:`report_cross_validation_scores` in the objective).
        min_n_trials: never stop before this many COMPLETE trials (``>= 1``).

    Raises:
        ValueError: a bad argument.

    Example::

        terminator = Terminator(BestValueStagnationEvaluator(max_stagnation_trials=10))
        while not terminator.should_terminate(study):
            trial = study.ask()
            study.tell(trial, objective(trial))
    """

    def __init__(
        self,
        improvement_evaluator: BaseImprovementEvaluator | None = None,
        error_evaluator: BaseErrorEvaluator | None = None,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
    ) -> None:
        improvement_ok = isinstance(improvement_evaluator, (BaseImprovementEvaluator, type(None)))
        if not improvement_ok:
            raise ValueError(
                f"`improvement_evaluator` must be a BaseImprovementEvaluator, not {improvement_evaluator!r}."
            )
        if error_evaluator is not None and not isinstance(error_evaluator, BaseErrorEvaluator):
            raise ValueError(f"`error_evaluator` must be a BaseErrorEvaluator, not {error_evaluator!r}.")
        self._min_n_trials = check_int("min_n_trials", min_n_trials, 1)
        if improvement_evaluator is None:
            from hpint.terminator._regret_bound import RegretBoundEvaluator

            improvement_evaluator = RegretBoundEvaluator()
        self._improvement_evaluator = improvement_evaluator
        self._error_evaluator = error_evaluator or default_error_evaluator(improvement_evaluator)

    def should_terminate(self, study: Study) -> bool:
        """True once ``min_n_trials`` trials are COMPLETE and the improvement left is below the error.

        Raises:
            RuntimeError: the study has several objectives.
        """
        check_single_objective(study)
        trials = study.get_trials(deepcopy=False)
        if sum(t.state == TrialState.COMPLETE for t in trials) < self._min_n_trials:
            return False
        improvement = self._improvement_evaluator.evaluate(trials, study.direction)
        error = self._error_evaluator.evaluate(trials, study.direction)
        return improvement < error

    def __repr__(self) -> str:
        return (
            f"Terminator({self._improvement_evaluator!r}, {self._error_evaluator!r}, "
            f"min_n_trials={self._min_n_trials!r})"
        )
