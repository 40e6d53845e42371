"""Data of the terminator improvement plot: the room left for improvement (and the error) trial by trial."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint.visualization._common import warn_empty

if TYPE_CHECKING:
    from hpint.study import Study
    from hpint.terminator import BaseErrorEvaluator, BaseImprovementEvaluator

TITLE = "Terminator Improvement Plot"
IMPROVEMENT = "Terminator Improvement"
ERROR = "Error"


@dataclass
class ImprovementInfo:
    """Trial numbers, the improvement after each, the error after each (None unless asked for), and
    ``split``: the index of the first point at or after ``min_n_trials`` trials (where a terminator may
    start to stop the study; the points before it are drawn faded)."""

    numbers: list[int]
    improvements: list[float]
    errors: list[float] | None
    split: int


def terminator_improvement_info(
    study: Study,
    plot_error: bool,
    improvement_evaluator: BaseImprovementEvaluator | None,
    error_evaluator: BaseErrorEvaluator | None,
    min_n_trials: int,
) -> ImprovementInfo | None:
    """The evaluators' values recomputed on the trials up to each trial, or None (with a warning) when no
    trial is complete. Costs one evaluation per trial (a GP fit with the default evaluator).

    Raises:
        ValueError: ``min_n_trials`` is not a positive integer.
        RuntimeError: the study has several objectives.
    """
    from hpint.terminator._common import check_int
    from hpint.terminator._history import improvement_history

    check_int("min_n_trials", min_n_trials, 1)
    history = improvement_history(study, plot_error, improvement_evaluator, error_evaluator)
    if not history.trial_numbers:
        warn_empty("plot_terminator_improvement")
        return None
    numbers = history.trial_numbers
    split = next((i for i, n in enumerate(numbers) if n >= min_n_trials), len(numbers))
    return ImprovementInfo(numbers, history.improvements, history.errors, split)
