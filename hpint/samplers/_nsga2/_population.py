"""NSGA-II's population kept in the storage, so every process sharing a study continues one run.

* Each trial is tagged with its generation (trial system attribute ``nsga2:generation``). A trial joins
  the newest generation until that generation has ``population_size`` COMPLETE trials; then the next
  generation starts. Trial tags are written before any parameter is drawn, so every worker sees them.
* The parents of generation ``g`` (the survivors of generation ``g - 1``'s parents and children) are
  computed once, by the first worker that needs them, and stored as trial numbers in the study system
  attribute ``nsga2:parents:<g>``; other workers, and a sampler resumed later, read them back instead of
  recomputing from a history that has meanwhile grown. A race of two workers at the same instant can
  give each its own list for one trial; the first stored list wins from then on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study

GENERATION_KEY = "nsga2:generation"
PARENTS_KEY = "nsga2:parents:{}"

EliteSelector = Callable[["Study", list[FrozenTrial]], list[FrozenTrial]]


def current_generation(trials: Sequence[FrozenTrial], population_size: int) -> int:
    """The generation a new trial joins: the newest one, or the next once it has enough COMPLETE trials.

    Scans from the newest trial back, stopping after ``population_size`` trials of older generations:
    tags grow with trial numbers, except for a few workers' trials tagged out of order, so the scan
    costs O(population), not O(history).
    """
    newest = -1
    complete = 0
    older = 0
    for t in reversed(trials):
        g = t.system_attrs.get(GENERATION_KEY)
        if g is None:
            continue
        if g > newest:
            newest, complete, older = g, 0, 0
        if g == newest:
            complete += t.state == TrialState.COMPLETE
        else:
            older += 1
            if older >= population_size:
                break
    if newest < 0:
        return 0
    return newest + 1 if complete >= population_size else newest


class ParentStore:
    """The parents of each generation: an in-process cache over the study system attributes."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int, str, int], list[int]] = {}

    def parents(
        self, study: Study, trials: Sequence[FrozenTrial], generation: int, select: EliteSelector
    ) -> list[FrozenTrial]:
        """The parent population of ``generation`` (empty for generation 0)."""
        if generation <= 0:
            return []
        by_number = _by_number(trials)
        stored = self._stored_from(study, generation)
        start = max(stored) if stored else 0
        numbers = stored.get(start, [])
        for g in range(start + 1, generation + 1):
            numbers = self._compute(study, trials, by_number, numbers, g, select)
        if not all(n in by_number and by_number[n].state == TrialState.COMPLETE for n in numbers):
            # Another worker chose parents that finished after our read of the trials: read again.
            by_number = _by_number(study.get_trials(deepcopy=False))
        return [by_number[n] for n in numbers if n in by_number and by_number[n].state == TrialState.COMPLETE]

    def _stored_from(self, study: Study, generation: int) -> dict[int, list[int]]:
        """``{generation: parent numbers}`` for the newest known generation at most ``generation``."""
        key = self._key(study, generation)
        if key in self._cache:
            return {generation: self._cache[key]}
        attrs = study._storage.get_study_system_attrs(study._study_id)
        for g in range(generation, 0, -1):
            value = attrs.get(PARENTS_KEY.format(g))
            if value is not None:
                self._cache[self._key(study, g)] = list(value)
                return {g: list(value)}
        return {}

    def _compute(
        self,
        study: Study,
        trials: Sequence[FrozenTrial],
        by_number: Any,
        previous: list[int],
        generation: int,
        select: EliteSelector,
    ) -> list[int]:
        """Select and store the parents of ``generation``, unless another worker stored them first."""
        children = [
            t
            for t in trials
            if t.state == TrialState.COMPLETE and t.system_attrs.get(GENERATION_KEY) == generation - 1
        ]
        seen = set(previous)
        survivors = [by_number[n] for n in previous if n in by_number]
        survivors = [t for t in survivors if t.state == TrialState.COMPLETE]  # all, unless our read is stale
        pool = survivors + [t for t in children if t.number not in seen]
        numbers = sorted(t.number for t in select(study, pool))
        key = PARENTS_KEY.format(generation)
        attrs = study._storage.get_study_system_attrs(study._study_id)
        if key not in attrs:
            study._storage.set_study_system_attr(study._study_id, key, numbers)
            attrs = study._storage.get_study_system_attrs(study._study_id)
        numbers = list(attrs.get(key, numbers))
        self._cache[self._key(study, generation)] = numbers
        return numbers

    @staticmethod
    def _key(study: Study, generation: int) -> tuple[int, int, str, int]:
        return (id(study._storage), study._study_id, study.study_name, generation)


def _by_number(trials: Sequence[FrozenTrial]) -> Any:
    """Trials indexable by number: the list itself when, as storages guarantee, trial ``k`` is at ``k``."""
    if trials and trials[-1].number == len(trials) - 1 and trials[0].number == 0:
        return _NumberedList(trials)
    return {t.number: t for t in trials}


class _NumberedList:
    """A read-only mapping view of a list whose item ``k`` is trial number ``k``."""

    def __init__(self, trials: Sequence[FrozenTrial]) -> None:
        self._trials = trials

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and 0 <= number < len(self._trials)

    def __getitem__(self, number: int) -> FrozenTrial:
        return self._trials[number]
