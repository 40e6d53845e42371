"""Asynchronous Successive Halving (ASHA): keep the top 1/eta of trials at each rung, decided on arrival."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hpint._direction import StudyDirection
from hpint.pruners._base import BasePruner
from hpint.pruners._checks import check_int
from hpint.pruners._rung_values import RUNG_KEY_PREFIX, FinishedRungValues
from hpint.pruners._rungs import auto_min_resource, is_promotable_by_rank, rung_step
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState
from hpint.trial._update import TrialUpdate

if TYPE_CHECKING:
    from hpint.study._study import Study

#: Study system attribute fixing an "auto" ``min_resource`` once, for every process of the study.
MIN_RESOURCE_KEY = "successive_halving:min_resource"


def rung_key(rung: int) -> str:
    """The trial system attribute holding the value with which the trial competed at ``rung``."""
    return f"{RUNG_KEY_PREFIX}{rung}"


def count_rungs(system_attrs: dict[str, Any]) -> int:
    """How many rungs a trial has competed at, from its system attributes."""
    return sum(1 for key in system_attrs if key.startswith(RUNG_KEY_PREFIX))


class SuccessiveHalvingPruner(BasePruner):
    """Asynchronous Successive Halving (ASHA): at each rung, only the best ``1/reduction_factor`` go on.

    Rung ``k`` is reached at step ``min_resource * reduction_factor ** (min_early_stopping_rate + k)``. When
    a trial first reports at or past a rung's step, its latest value is recorded for that rung and compared
    with the values every other trial recorded there; unless it is among the top ``1/reduction_factor``
    (or the best so far, while fewer than ``reduction_factor`` trials have reached the rung) it is pruned.
    Decisions never wait for other trials, so workers stay busy.

    Rung values live in each trial's system attributes in the storage (``completed_rung_<k>``), so workers
    in other processes sharing the storage see them. The maximum resource is the objective's own loop
    bound; this pruner never stops a trial for having trained long enough.

    Args:
        min_resource: steps before the first rung (``r``), or ``"auto"``: as in Optuna, the largest step
            reported by a completed trial, divided by 100 (rounded down, at least 1); nothing is pruned until
            a trial has completed. The value is then stored in the study, so every worker uses the same.
        reduction_factor: ``eta``, >= 2; about ``1/eta`` of the trials reaching a rung are promoted.
        min_early_stopping_rate: ``s``, >= 0; the first rung is at ``min_resource * eta**s``.
        bootstrap_count: prune every trial at a rung until more than this many trials have reached it
            (needs an integer ``min_resource``).

    Raises:
        ValueError: an argument is out of range, naming it and its value.
    """

    def __init__(
        self,
        min_resource: str | int = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        bootstrap_count: int = 0,
    ) -> None:
        if min_resource != "auto":
            check_int("min_resource", min_resource, minimum=1)
        check_int("reduction_factor", reduction_factor, minimum=2)
        check_int("min_early_stopping_rate", min_early_stopping_rate, minimum=0)
        check_int("bootstrap_count", bootstrap_count, minimum=0)
        if bootstrap_count > 0 and min_resource == "auto":
            raise ValueError(
                f"`bootstrap_count` > 0 ({bootstrap_count}) needs an integer `min_resource`, not 'auto'."
            )
        self._min_resource: int | None = None if min_resource == "auto" else int(min_resource)
        self._reduction_factor = int(reduction_factor)
        self._min_early_stopping_rate = int(min_early_stopping_rate)
        self._bootstrap_count = int(bootstrap_count)
        # The rungs this process saw each trial complete, so steps between rungs need no storage read
        # (the trial handed to ``prune`` is a copy that lacks attributes written by earlier calls).
        self._known_rungs: dict[tuple[str, int, Any], int] = {}
        self._finished = FinishedRungValues()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return self._prune(study, trial)

    def _prune(
        self, study: Study, trial: FrozenTrial, same_group: Callable[[FrozenTrial], bool] | None = None
    ) -> bool:
        """The decision among the trials ``same_group`` accepts (all when None; Hyperband: its bracket)."""
        step = trial.last_step
        if step is None:
            return False
        if self._min_resource is None and self._init_min_resource(study) is None:
            return False
        memo_key = (study.study_name, trial._trial_id, trial.datetime_start)
        rung = max(count_rungs(trial.system_attrs), self._known_rungs.get(memo_key, 0))
        if step < self._rung_step(rung):
            return False
        trials = study.get_trials(deepcopy=False)
        stored = _find(trials, trial)
        if stored is not None:
            rung = max(rung, count_rungs(stored.system_attrs))
        running = self._finished.update(study, trials, trial._trial_id, same_group)
        value = trial.intermediate_values[step]
        written: dict[str, float] = {}
        try:
            return self._climb(study, value, step, rung, running, written)
        finally:
            if written:
                study._storage.update_trial(trial._trial_id, TrialUpdate(system_attrs=written))
                self._known_rungs[memo_key] = rung + len(written)

    def _climb(
        self, study: Study, value: float, step: int, rung: int, running: list[FrozenTrial], written: dict
    ) -> bool:
        """Compete at every rung the trial has newly reached; True (prune) at the first one it loses.

        The competitors are the finished trials' values (counted in the sorted table) and those of the
        other running trials of the group (read afresh: they may have just reached the rung).
        """
        maximize = study.direction == StudyDirection.MAXIMIZE
        while step >= self._rung_step(rung):
            if math.isnan(value):
                return True
            key = rung_key(rung)
            written[key] = value
            n_competitors, n_better = self._finished.count(key, value, maximize)
            for t in running:
                other = t.system_attrs.get(key)
                if other is not None:
                    n_competitors += 1
                    n_better += int(other > value if maximize else other < value)
            n_competitors += 1  # the trial itself
            if n_competitors <= self._bootstrap_count:
                return True
            if not is_promotable_by_rank(n_better, n_competitors, self._reduction_factor):
                return True
            rung += 1
        return False

    def _rung_step(self, rung: int) -> int:
        assert self._min_resource is not None
        return rung_step(self._min_resource, self._reduction_factor, self._min_early_stopping_rate, rung)

    def _init_min_resource(self, study: Study) -> int | None:
        """Resolve "auto" from the study (if another worker fixed it) or from the finished trials."""
        stored = study.system_attrs.get(MIN_RESOURCE_KEY)
        if stored is None:
            last_step = completed_last_step(study)
            if last_step is None:
                return None
            stored = auto_min_resource(last_step)
            study.set_system_attr(MIN_RESOURCE_KEY, stored)
        self._min_resource = int(stored)
        return self._min_resource

    def __repr__(self) -> str:
        return (
            f"SuccessiveHalvingPruner(min_resource={self._min_resource or 'auto'!r}, "
            f"reduction_factor={self._reduction_factor}, "
            f"min_early_stopping_rate={self._min_early_stopping_rate}, "
            f"bootstrap_count={self._bootstrap_count})"
        )


def completed_last_step(study: Study) -> int | None:
    """The largest step reported by a COMPLETE trial, or None: what the "auto" resources derive from."""
    completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    steps = [t.last_step for t in completed if t.last_step is not None]
    return max(steps) if steps else None


def _find(trials: list[FrozenTrial], trial: FrozenTrial) -> FrozenTrial | None:
    """``trial``'s stored record in ``trials`` (ordered by number), or None."""
    n = trial.number
    if 0 <= n < len(trials) and trials[n]._trial_id == trial._trial_id:
        return trials[n]
    return next((t for t in trials if t._trial_id == trial._trial_id), None)
