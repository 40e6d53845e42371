"""BaseGASampler: the generations and parent populations a genetic algorithm keeps in the storage.

A subclass says how a generation's parents are chosen (``select_parent``) and how a child is made
(``sample_relative``); this class tags every trial with its generation before any parameter is drawn
and stores each generation's parent list once, so several processes sharing a study continue one run.
"""

from __future__ import annotations

import abc
import threading
from typing import TYPE_CHECKING, Any

from hpint.samplers._base import BaseSampler
from hpint.samplers._ga._population import GENERATION_KEY, PARENTS_OF_KEY, ParentStore, current_generation
from hpint.storages._base import TrialUpdate
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study

#: Per thread: the trials ``before_trial`` read, by trial id, for ``sample_relative`` to reuse.
_local = threading.local()


class BaseGASampler(BaseSampler, abc.ABC):
    """Base class of genetic-algorithm samplers: generations, populations and stored parent lists.

    A trial joins the newest generation until that generation has ``population_size`` COMPLETE trials.
    The first trial of generation ``g`` calls :meth:`select_parent` once and stores the numbers of the
    chosen trials in the study, so other workers (and a resumed study) read the list instead of
    recomputing it from a history that has meanwhile grown.

    Subclasses implement :meth:`select_parent`, ``sample_relative``, ``sample_independent`` and
    ``infer_relative_search_space``; in ``sample_relative`` they typically read
    ``self.get_parent_population(study, self.get_trial_generation(study, trial))``.

    Args:
        population_size: trials per generation.
    """

    def __init__(self, population_size: int) -> None:
        self._population_size = population_size
        self._parents = ParentStore()

    @property
    def population_size(self) -> int:
        """Trials per generation."""
        return self._population_size

    @abc.abstractmethod
    def select_parent(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The parents of ``generation`` (at least 1), chosen from earlier generations' trials.

        Called once per generation, in generation order, by the first trial of the generation; the
        result is stored in the study, so it must depend only on the study's trials.
        """

    def get_trial_generation(self, study: Study, trial: FrozenTrial) -> int:
        """The generation of ``trial``, tagged (and stored) now if it was not yet."""
        if GENERATION_KEY not in trial.system_attrs:
            self.before_trial(study, trial)
        return int(trial.system_attrs[GENERATION_KEY])

    def get_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The COMPLETE trials of ``generation``, by number."""
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        return [t for t in trials if t.system_attrs.get(GENERATION_KEY) == generation]

    def get_parent_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The parents of ``generation`` (empty for generation 0), selecting and storing them if needed."""
        if generation == 0:
            return []
        trials = study.get_trials(deepcopy=False)
        # A list not yet stored is written under the next trial number: no trial claimed it.
        writer = self._parents.parents(study, generation, self.select_parent, len(trials))
        return self._parents.members(study, trials, generation, writer)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        """Tag the trial with its generation and the parent list it uses, before anything is drawn."""
        if GENERATION_KEY in trial.system_attrs:
            return
        trials = study.get_trials(deepcopy=False)
        _local.snapshot = (trial._trial_id, trials)  # sample_relative reuses it: one read less per trial
        attrs: dict[str, Any] = {GENERATION_KEY: current_generation(trials, self._population_size)}
        if attrs[GENERATION_KEY] > 0:
            attrs[PARENTS_OF_KEY] = self._parents.parents(
                study, attrs[GENERATION_KEY], self.select_parent, trial.number
            )
        study._storage.update_trial(trial._trial_id, TrialUpdate(system_attrs=attrs))
        trial.system_attrs.update(attrs)

    def _trials_seen_by(self, study: Study, trial: FrozenTrial) -> list[FrozenTrial]:
        """The trials ``before_trial`` read for ``trial`` (read once more if another trial came between)."""
        snapshot = getattr(_local, "snapshot", None)
        _local.snapshot = None
        if snapshot and snapshot[0] == trial._trial_id:
            return snapshot[1]
        return study.get_trials(deepcopy=False)
