"""TerminatorCallback: ask a terminator after every trial and stop ``study.optimize`` when it says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint import logging as _logging
from hpint.terminator._base import BaseTerminator
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study

_logger = _logging.get_logger("hpint.terminator")


class TerminatorCallback:
    """A ``study.optimize`` callback that calls ``study.stop()`` when ``terminator`` says to stop.

    Trials already running in other threads (``n_jobs > 1``) finish; no new trial starts.

    Args:
        terminator: the stop rule; default :class:`Terminator` with its default evaluators (a GP regret
            bound against the best trial's cross-validation error, which needs
            :func:`report_cross_validation_scores` in the objective).

    Raises:
        ValueError: ``terminator`` is not a :class:`BaseTerminator`.

    Example::

        study.optimize(objective, n_trials=100, callbacks=[TerminatorCallback()])
    """

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        if terminator is not None and not isinstance(terminator, BaseTerminator):
            raise ValueError(f"`terminator` must be a BaseTerminator, not {terminator!r}.")
        if terminator is None:
            from hpint.terminator._terminator import Terminator

            terminator = Terminator()
        self._terminator = terminator

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study):
            _logger.info(f"The terminator stopped the study after trial {trial.number}.")
            study.stop()

    def __repr__(self) -> str:
        return f"TerminatorCallback({self._terminator!r})"
