"""The terminator improvement plot drawn with matplotlib."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.visualization._terminator_improvement import ERROR, IMPROVEMENT, TITLE, terminator_improvement_info
from hpint.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study
    from hpint.terminator import BaseErrorEvaluator, BaseImprovementEvaluator


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Axes:
    """Plot, after each trial, the improvement a terminator estimates is still possible (and the error).

    Where the improvement line falls below the error line, a :class:`~hpint.terminator.Terminator` with
    the same evaluators would stop the study; the points before ``min_n_trials`` trials are faded.

    Args:
        study: a single-objective study.
        plot_error: also plot the error.
        improvement_evaluator: default :class:`~hpint.terminator.RegretBoundEvaluator`.
        error_evaluator: default as for :class:`~hpint.terminator.Terminator`.
        min_n_trials: the trials before which the points are faded.

    Returns:
        The matplotlib Axes: the improvement as two lines (faded before ``min_n_trials``), then the
        error when asked for.

    Raises:
        ValueError: ``min_n_trials`` is not a positive integer.
        RuntimeError: the study has several objectives.
    """
    ax = new_axes(TITLE)
    ax.set_xlabel("Trial")
    ax.set_ylabel(IMPROVEMENT)
    info = terminator_improvement_info(
        study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
    )
    if info is None:
        return ax
    for part, alpha in [(slice(0, info.split + 1), 0.25), (slice(info.split, None), 1.0)]:
        if info.numbers[part]:
            ax.plot(
                info.numbers[part], info.improvements[part], "o-", color="C0", alpha=alpha, label=IMPROVEMENT
            )
    if info.errors is not None:
        ax.plot(info.numbers, info.errors, "o-", color="C3", label=ERROR)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys())
    return ax
