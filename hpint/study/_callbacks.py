"""Ready-made callbacks for ``Study.optimize(callbacks=[...])``."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


class MaxTrialsCallback:
    """Stop the study once it holds ``n_trials`` trials in ``states``, counting every worker's trials.

    ``optimize(n_trials=...)`` limits one process; this limits the whole study shared in a storage.
    """

    def __init__(self, n_trials: int, states: Container[TrialState] | None = (TrialState.COMPLETE,)) -> None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0:
            raise ValueError(f"`n_trials` must be a non-negative integer, not {n_trials!r}.")
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if study._storage.get_n_trials(study._study_id, states=self._states) >= self._n_trials:
            study.stop()
