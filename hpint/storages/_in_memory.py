"""Storage in this process's memory: the fastest, and gone when the process exits."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Container, Sequence
from typing import Any

from hpint._direction import StudyDirection
from hpint._thread_lock import ThreadLock
from hpint.exceptions import DuplicatedStudyError
from hpint.storages._base import (
    BaseStorage,
    FrozenStudy,
    TrialUpdate,
    apply_update,
    study_not_found,
)
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

DEFAULT_STUDY_NAME_PREFIX = "no-name-"


class InMemoryStorage(BaseStorage):
    """Keeps studies in dictionaries guarded by one lock; safe for ``n_jobs`` threads, not processes."""

    def __init__(self) -> None:
        self._studies: dict[int, FrozenStudy] = {}
        self._trials: dict[int, list[FrozenTrial]] = {}  # study_id -> trials ordered by number
        self._trial_index: dict[int, tuple[int, int]] = {}  # trial_id -> (study_id, number)
        self._name_to_id: dict[str, int] = {}
        self._waiting: dict[int, dict[int, None]] = {}  # study_id -> ids of WAITING trials (ordered set)
        self._next_study_id = 0
        self._next_trial_id = 0
        self._lock = ThreadLock()

    # ---- studies ----
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        with self._lock:
            name = study_name or _default_study_name()
            if name in self._name_to_id:
                raise DuplicatedStudyError(
                    f"A study named {name!r} already exists; pass load_if_exists=True to resume it."
                )
            study_id = self._next_study_id
            self._next_study_id += 1
            self._studies[study_id] = FrozenStudy(study_id, name, list(directions))
            self._trials[study_id] = []
            self._waiting[study_id] = {}
            self._name_to_id[name] = study_id
            return study_id

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            study = self._get_study(study_id)
            for trial in self._trials.pop(study_id):
                del self._trial_index[trial._trial_id]
            del self._waiting[study_id]
            del self._name_to_id[study.study_name]
            del self._studies[study_id]

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            if study_name not in self._name_to_id:
                raise study_not_found(study_name)
            return self._name_to_id[study_name]

    def get_all_studies(self) -> list[FrozenStudy]:
        with self._lock:
            return [copy.deepcopy(s) for s in self._studies.values()]

    def get_study(self, study_id: int) -> FrozenStudy:
        with self._lock:
            return copy.deepcopy(self._get_study(study_id))

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:  # hot path: skip the deep copy of the whole record
            return list(self._get_study(study_id).directions)

    def set_study_attrs(
        self,
        study_id: int,
        user_attrs: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
    ) -> None:
        with self._lock:
            study = self._get_study(study_id)
            study.user_attrs.update(copy.deepcopy(user_attrs or {}))
            study.system_attrs.update(copy.deepcopy(system_attrs or {}))

    def _get_study(self, study_id: int) -> FrozenStudy:
        if study_id not in self._studies:
            raise study_not_found(study_id)
        return self._studies[study_id]

    # ---- trials ----
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> FrozenTrial:
        with self._lock:
            self._get_study(study_id)
            trials = self._trials[study_id]
            trial_id = self._next_trial_id
            self._next_trial_id += 1
            if template_trial is None:
                trial = FrozenTrial(
                    number=len(trials),
                    state=TrialState.RUNNING,
                    value=None,
                    datetime_start=datetime.datetime.now(),
                    datetime_complete=None,
                    params={},
                    distributions={},
                    user_attrs={},
                    system_attrs={},
                    intermediate_values={},
                    trial_id=trial_id,
                )
            else:
                trial = template_trial.copy()
                trial.number = len(trials)
                trial._trial_id = trial_id
            trials.append(trial)
            self._trial_index[trial_id] = (study_id, trial.number)
            if trial.state == TrialState.WAITING:
                self._waiting[study_id][trial_id] = None
            return trial.copy()

    def update_trial(self, trial_id: int, update: TrialUpdate) -> bool:
        return self.update_trial_at(trial_id, update, datetime.datetime.now())

    def update_trial_at(self, trial_id: int, update: TrialUpdate, now: datetime.datetime) -> bool:
        """:meth:`update_trial` with the time a state change records given: a journal replays its log
        through this, so every process records the time the writer saw."""
        with self._lock:
            trial = self._get_trial(trial_id)
            # Apply to a copy first so that a failing update leaves the stored trial untouched.
            updated = trial.copy()
            if not apply_update(updated, update, now):  # copies what it keeps
                return False
            study_id, number = self._trial_index[trial_id]
            self._trials[study_id][number] = updated
            if updated.state != TrialState.WAITING:
                self._waiting[study_id].pop(trial_id, None)
            return True

    def get_waiting_trial_ids(self, study_id: int) -> list[int]:
        with self._lock:
            self._get_study(study_id)
            return list(self._waiting[study_id])

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            return self._get_trial(trial_id).copy()

    def _get_trial(self, trial_id: int) -> FrozenTrial:
        if trial_id not in self._trial_index:
            raise KeyError(f"No trial with id {trial_id}.")
        study_id, number = self._trial_index[trial_id]
        return self._trials[study_id][number]

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        with self._lock:
            self._get_study(study_id)
            trials = self._trials[study_id]
            if states is not None:
                trials = [t for t in trials if t.state in states]
            return [t.copy() for t in trials] if deepcopy else list(trials)

    def read_trials(self, study_id: int) -> Sequence[FrozenTrial]:
        with self._lock:
            self._get_study(study_id)
            return self._trials[study_id]  # trials are replaced, never changed in place; the list grows

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        with self._lock:
            self._get_study(study_id)
            if states is None:
                return len(self._trials[study_id])
            return sum(1 for t in self._trials[study_id] if t.state in states)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            trials = self._trials.get(study_id)
            if trials is None:
                raise study_not_found(study_id)
            if not 0 <= trial_number < len(trials):
                raise KeyError(f"No trial with number {trial_number} in study {study_id}.")
            return trials[trial_number]._trial_id


def _default_study_name() -> str:
    import uuid  # not at module level: it is slow to import and rarely needed

    return DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
