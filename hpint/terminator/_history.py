"""Per-trial improvement and error, recomputed as the study grew: the data of a terminator plot.

Not public; a plot (``plot_terminator_improvement``) can be drawn from :func:`improvement_history`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from hpint.terminator._base import BaseErrorEvaluator, BaseImprovementEvaluator
from hpint.terminator._terminator import check_single_objective, default_error_evaluator
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


@dataclasses.dataclass(frozen=True)
class ImprovementHistory:
    """What the evaluators said after each trial, from the first COMPLETE one on.

    ``errors`` is None when they were not asked for.
    """

    trial_numbers: list[int]
    improvements: list[float]
    errors: list[float] | None


def improvement_history(
    study: Study,
    with_errors: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
) -> ImprovementHistory:
    """The improvement (and error) the evaluators give on the COMPLETE trials up to each trial.

    Trials are taken in number order; a trial that did not complete repeats the previous values under its
    own number. Each point costs one evaluation (a GP fit for the GP-based evaluators).

    Raises:
        RuntimeError: the study has several objectives.
    """
    check_single_objective(study)
    if improvement_evaluator is None:
        from hpint.terminator._regret_bound import RegretBoundEvaluator

        improvement_evaluator = RegretBoundEvaluator()
    if with_errors and error_evaluator is None:
        error_evaluator = default_error_evaluator(improvement_evaluator)
    direction = study.direction
    numbers: list[int] = []
    improvements: list[float] = []
    errors: list[float] = []
    complete: list[FrozenTrial] = []
    for trial in sorted(study.get_trials(deepcopy=False), key=lambda t: t.number):
        if trial.state == TrialState.COMPLETE:
            complete.append(trial)
        if not complete:
            continue
        numbers.append(trial.number)
        improvements.append(float(improvement_evaluator.evaluate(list(complete), direction)))
        if with_errors:
            assert error_evaluator is not None
            errors.append(float(error_evaluator.evaluate(list(complete), direction)))
    return ImprovementHistory(numbers, improvements, errors if with_errors else None)
