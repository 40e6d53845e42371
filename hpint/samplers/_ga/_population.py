"""A genetic algorithm's population kept in the storage, so every process sharing a study continues one run.

* Each trial is tagged with its generation (trial system attribute ``nsga2:generation``). A trial joins
  the newest generation until that generation has ``population_size`` COMPLETE trials; then the next
  generation starts. Tags are written before any parameter is drawn, so every worker sees them.
* The parents of generation ``g`` (for NSGA-II and NSGA-III the survivors of generation ``g - 1``'s
  parents and children) are computed by the first worker that needs them and stored as trial numbers
  in the study system attribute ``nsga2:parents:<g>:<n>``, ``n`` being the number of the trial that
  computed them. Other workers, and a sampler resumed later, read them back instead of recomputing from
  a history that has meanwhile grown. Storages have no compare-and-set, so two workers starting a
  generation at the same instant may both store a list: the one of the smaller trial number wins. A
  worker that computed a list re-reads the storage at its next trial and moves to a smaller list it
  finds there, so a losing list usually serves that one trial (more only if the other worker is slow
  to write its list: without compare-and-set the storage cannot say that none will come). Each trial
  records whose list it used in ``nsga2:parents``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study

GENERATION_KEY = "nsga2:generation"
PARENTS_OF_KEY = "nsga2:parents"  # trial attribute: the trial number whose parent list this trial used
_LIST_PREFIX = "nsga2:parents:"  # study attributes nsga2:parents:<generation>:<trial number>

#: ``select_parent(study, generation) -> parent trials``, as ``BaseGASampler.select_parent``.
ParentSelector = Callable[["Study", int], list[FrozenTrial]]


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
    """The parents of each generation: an in-process cache over the study system attributes.

    Entries are ``(writer, parent numbers, settled)``; an entry this process wrote itself is not settled
    until a later read of the storage shows no list by a smaller trial number.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int, int], tuple[int, list[int], bool]] = {}

    def parents(self, study: Study, generation: int, select: ParentSelector, writer: int) -> int:
        """The number of the trial whose parent list ``generation`` uses; computed as ``writer`` if none.

        Missing lists are computed in generation order, so ``select`` may read the previous generation's
        parents (through this store) and find them.
        """
        entry = self._cache.get(self._key(study, generation))
        if entry is not None and entry[2]:
            return entry[0]
        stored = _stored_lists(study)
        known = [g for g in stored if g <= generation]
        for g in known:
            first = min(stored[g])
            self._cache[self._key(study, g)] = (first, stored[g][first], True)
        for g in range(max(known, default=0) + 1, generation + 1):
            self._compute(study, g, select, writer)
        return self._cache[self._key(study, generation)][0]

    def members(
        self, study: Study, trials: Sequence[FrozenTrial], generation: int, writer: int
    ) -> list[FrozenTrial]:
        """The parent trials of ``generation`` in ``writer``'s list (re-reading stale trials if needed)."""
        entry = self._cache.get(self._key(study, generation))
        if entry is not None and entry[0] == writer:
            numbers = entry[1]
        else:
            numbers = _stored_lists(study).get(generation, {}).get(writer, [])
        by_number = _by_number(trials)
        if not all(n in by_number and by_number[n].state == TrialState.COMPLETE for n in numbers):
            # The list names trials that finished after our read of the trials: read them again.
            by_number = _by_number(study.get_trials(deepcopy=False))
        return [by_number[n] for n in numbers if n in by_number and by_number[n].state == TrialState.COMPLETE]

    def _compute(self, study: Study, generation: int, select: ParentSelector, writer: int) -> None:
        """Select the parents of ``generation`` and store them as ``writer``'s list."""
        numbers = sorted(t.number for t in select(study, generation))
        study._storage.set_study_system_attr(study._study_id, f"{_LIST_PREFIX}{generation}:{writer}", numbers)
        self._cache[self._key(study, generation)] = (writer, numbers, False)

    @staticmethod
    def _key(study: Study, generation: int) -> tuple[int, int, int]:
        return (id(study._storage), study._study_id, generation)


def _stored_lists(study: Study) -> dict[int, dict[int, list[int]]]:
    """``{generation: {writer trial number: parent numbers}}`` from the study system attributes."""
    lists: dict[int, dict[int, list[int]]] = {}
    for key, value in study._storage.get_study_system_attrs(study._study_id).items():
        if key.startswith(_LIST_PREFIX):
            generation, _, writer = key[len(_LIST_PREFIX) :].partition(":")
            if writer:
                lists.setdefault(int(generation), {})[int(writer)] = list(value)
    return lists


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
