"""The intersection search space: the parameters every finished trial has, with one same distribution.

Samplers that draw parameters jointly (CMA-ES, GP, NSGA-II's crossover) model only these.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from hpint._thread_lock import ThreadLock
from hpint.distributions import BaseDistribution
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


def intersection_search_space(
    trials: Iterable[FrozenTrial], include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """The parameters every COMPLETE (and optionally PRUNED) trial has, with one same distribution.

    A parameter whose distribution changed between trials is left out. Sorted by name.
    """
    space: dict[str, BaseDistribution] | None = None
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    for trial in trials:
        if trial.state not in states:
            continue
        space = _intersect(space, trial.distributions)
    return dict(sorted((space or {}).items()))


def _intersect(
    space: dict[str, BaseDistribution] | None, distributions: dict[str, BaseDistribution]
) -> dict[str, BaseDistribution]:
    if space is None:
        return dict(distributions)
    return {k: v for k, v in space.items() if distributions.get(k) == v}


class IntersectionSearchSpace:
    """:func:`intersection_search_space` kept up to date incrementally, one new trial at a time.

    Finished trials never change, so each is folded in once; per call the cost is a scan of trial ids,
    not a re-intersection of every trial's distributions. Given another study, it starts over (Optuna
    raises a ``ValueError`` instead).

    Args:
        include_pruned: count PRUNED trials as well as COMPLETE ones.
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._include_pruned = include_pruned
        self._states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
        self._space: dict[str, BaseDistribution] | None = None
        self._seen: set[int] = set()
        self._study_id: int | None = None
        self._lock = ThreadLock()

    def calculate(self, study: Study, use_cache: bool = False) -> dict[str, BaseDistribution]:
        """The intersection over ``study``'s finished trials, sorted by parameter name.

        ``use_cache`` is accepted for Optuna's signature and has no effect: finished trials never
        change, so each is folded in once whatever it says.
        """
        with self._lock:
            if self._study_id != study._study_id:  # a sampler reused for another study starts over
                self._study_id, self._space, self._seen = study._study_id, None, set()
            for trial in study.get_trials(deepcopy=False, states=self._states):
                if trial._trial_id in self._seen:
                    continue
                self._seen.add(trial._trial_id)
                self._space = _intersect(self._space, trial.distributions)
            return dict(sorted((self._space or {}).items()))
