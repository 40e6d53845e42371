"""What pruners derive from a study's COMPLETE trials, updated with the newly completed ones only.

``trial.should_prune()`` runs every epoch; re-reading every completed trial's curve and re-sorting the
values at a step each time costs O(trials) per epoch for an answer that changes only when a trial
completes. A COMPLETE trial never changes again, so the derived data is updated from the trials that
completed since the last call and reused otherwise. The storage is still asked for the study's COMPLETE
trials on every call (other processes finish trials too); only the work on them is saved.

The caches hold one study at a time (a pruner normally serves one study) and are dropped when the pruner
is pickled, e.g. sent to another process, which rebuilds them from its own storage.
"""

from __future__ import annotations

import bisect
import math
import threading
from typing import TYPE_CHECKING, Any

from hpint._direction import StudyDirection
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


class CompletedCache:
    """Base: tracks which COMPLETE trials were folded in; subclasses fold and reset their own data.

    Methods of subclasses that read the data must hold ``self._lock`` (``Study.optimize(n_jobs=...)``
    asks the pruner from several threads).
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._study_key: tuple[int, int] | None = None
        self._seen: set[int] = set()

    def sync(self, study: Study) -> list[FrozenTrial]:
        """Read the study's COMPLETE trials, fold in those not seen yet, and return them all."""
        completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        key = (id(study._storage), study._study_id)
        with self._lock:
            if key != self._study_key or len(completed) < len(self._seen):  # another study, or deleted
                self._study_key = key
                self._seen = set()
                self._reset()
            if len(completed) != len(self._seen):
                for trial in completed:
                    if trial._trial_id not in self._seen:
                        self._seen.add(trial._trial_id)
                        self._fold(trial, study)
        return completed

    def _reset(self) -> None:
        raise NotImplementedError

    def _fold(self, trial: FrozenTrial, study: Study) -> None:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]


class StepValues(CompletedCache):
    """Per step: how many COMPLETE trials reported there, and their non-NaN values, sorted."""

    def __init__(self) -> None:
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self._n_reported: dict[int, int] = {}
        self._sorted: dict[int, list[float]] = {}

    def _fold(self, trial: FrozenTrial, study: Study) -> None:
        for step, value in trial.intermediate_values.items():
            self._n_reported[step] = self._n_reported.get(step, 0) + 1
            if not math.isnan(value):
                bisect.insort(self._sorted.setdefault(step, []), value)

    def n_reported(self, step: int) -> int:
        with self._lock:
            return self._n_reported.get(step, 0)

    def percentile(self, step: int, q: float) -> float:
        """The ``q``-th percentile (0-100, linear interpolation as numpy's default) of the non-NaN values
        COMPLETE trials reported at ``step``; NaN if there are none."""
        with self._lock:
            ordered = self._sorted.get(step)
            if not ordered:
                return math.nan
            return sorted_percentile(ordered, q)


class BestTrial(CompletedCache):
    """The best COMPLETE trial (the lowest number among equals), as ``study.best_trial`` picks it."""

    def __init__(self) -> None:
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self._best: FrozenTrial | None = None
        self._best_key: tuple[float, int] | None = None

    def _fold(self, trial: FrozenTrial, study: Study) -> None:
        if trial.values is None or len(trial.values) != 1:
            return
        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        key = (sign * trial.values[0], trial.number)
        if self._best_key is None or key < self._best_key:
            self._best, self._best_key = trial, key

    def get(self, study: Study) -> FrozenTrial | None:
        """The best COMPLETE trial of ``study`` (a shared record: do not modify it), or None."""
        self.sync(study)
        with self._lock:
            return self._best


def sorted_percentile(ordered: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of an ascending, non-empty list, interpolating linearly.

    Rounded exactly as ``numpy.percentile`` (index ``(n - 1) * (q / 100)``, and interpolation from the
    upper neighbour past the midpoint), so that a value equal to the threshold is judged as in Optuna.
    """
    pos = (len(ordered) - 1) * (q / 100.0)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    a, b, t = ordered[lo], ordered[hi], pos - lo
    return b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t
