"""The storage contract: a narrow interface every backend implements.

A backend implements ten abstract methods. Everything else a study needs (``set_trial_param``,
``get_best_trial``, ...) is written once here in terms of those. Writes to a trial go through one call,
:meth:`BaseStorage.update_trial`, which applies a :class:`TrialUpdate` atomically: a backend that talks to
a database does it in one transaction, so a trial finishes (parameters, values and state) with one commit,
and a failure leaves the stored trial as it was.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime
from collections.abc import Container, Sequence
from typing import Any

from hpint._direction import StudyDirection
from hpint.distributions import BaseDistribution
from hpint.exceptions import StudyNotFoundError, UpdateFinishedTrialError
from hpint.trial._frozen import FrozenTrial, copy_attrs
from hpint.trial._state import TrialState
from hpint.trial._update import TrialUpdate

__all__ = ["BaseStorage", "TrialUpdate", "FrozenStudy"]


@dataclasses.dataclass
class FrozenStudy:
    """A study's record: its id, name, directions and attributes."""

    study_id: int
    study_name: str
    directions: list[StudyDirection]
    user_attrs: dict[str, Any] = dataclasses.field(default_factory=dict)
    system_attrs: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def direction(self) -> StudyDirection:
        if len(self.directions) > 1:
            raise RuntimeError("This study has several objectives; use `directions`.")
        return self.directions[0]


def apply_update(trial: FrozenTrial, update: TrialUpdate, now: datetime.datetime) -> bool:
    """Apply ``update`` to an in-memory record; the shared semantics every backend must follow.

    Returns False (changing nothing) when the update claims a trial (state RUNNING) that is not WAITING.
    Raises :class:`UpdateFinishedTrialError` if the trial is already finished, and ``ValueError`` if a
    parameter is set twice with different distributions.
    """
    check_updatable(trial)
    if update.state == TrialState.RUNNING and trial.state != TrialState.WAITING:
        return False
    for name, (internal, dist) in (update.params or {}).items():
        if name in trial.distributions and trial.distributions[name] != dist:
            raise ValueError(
                f"Parameter {name!r} is already set in trial {trial.number} with "
                f"{trial.distributions[name]!r}; cannot set it with {dist!r}."
            )
        trial.params[name] = dist.to_external_repr(internal)
        trial.distributions[name] = dist
    if update.intermediate_values:
        trial.intermediate_values.update(update.intermediate_values)
    if update.user_attrs:
        trial.user_attrs.update(copy_attrs(update.user_attrs))
    if update.system_attrs:
        trial.system_attrs.update(copy_attrs(update.system_attrs))
    if update.values is not None:
        trial.values = list(update.values)
    if update.state is not None:
        if update.state == TrialState.RUNNING:
            trial.datetime_start = now
        if update.state.is_finished():
            trial.datetime_complete = now
        trial.state = update.state
    return True


def check_updatable(trial: FrozenTrial) -> None:
    if trial.state.is_finished():
        raise UpdateFinishedTrialError(
            f"Trial {trial.number} is already finished ({trial.state.name}) and cannot be changed."
        )


class BaseStorage(abc.ABC):
    """Where studies and their trials live. Implementations must be safe to call from several threads.

    Trial numbers are assigned by the storage: unique and consecutive (0, 1, 2, ...) within a study, even
    when several processes create trials at once.
    """

    # ---- studies ----
    @abc.abstractmethod
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        """Create a study and return its id. Raises ``DuplicatedStudyError`` if the name is taken."""

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete a study and all its trials. Raises ``StudyNotFoundError``."""

    @abc.abstractmethod
    def get_study_id_from_name(self, study_name: str) -> int:
        """The id of the named study. Raises ``StudyNotFoundError``."""

    @abc.abstractmethod
    def get_all_studies(self) -> list[FrozenStudy]:
        """Every study in the storage, ordered by id."""

    @abc.abstractmethod
    def get_study(self, study_id: int) -> FrozenStudy:
        """One study's record. Raises ``StudyNotFoundError``."""

    @abc.abstractmethod
    def set_study_attrs(
        self,
        study_id: int,
        user_attrs: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
    ) -> None:
        """Set (insert or overwrite) study attributes. Values must be JSON-serialisable."""

    # ---- trials ----
    @abc.abstractmethod
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> FrozenTrial:
        """Append a trial to the study and return it with its number and id.

        Without a template the trial is RUNNING and starts now. With one, it is a copy of the template
        (state, params, values, attributes, times), e.g. WAITING for an enqueued trial or COMPLETE for
        :meth:`hpint.Study.add_trial`.
        """

    @abc.abstractmethod
    def update_trial(self, trial_id: int, update: TrialUpdate) -> bool:
        """Apply ``update`` atomically, following :func:`apply_update`'s semantics.

        Returns False, changing nothing, when ``update.state`` is RUNNING and the trial is not WAITING: that
        is how workers claim enqueued trials without two of them running the same one.
        """

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """One trial. Raises ``KeyError`` if there is no such trial."""

    @abc.abstractmethod
    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        """The study's trials ordered by number, optionally only those in ``states``.

        With ``deepcopy=False`` the caller promises not to modify what it gets (it may be shared).
        """

    # ---- derived, written once for every backend ----
    def get_study_name_from_id(self, study_id: int) -> str:
        return self.get_study(study_id).study_name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        return self.get_study(study_id).directions

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self.get_study(study_id).user_attrs

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self.get_study(study_id).system_attrs

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self.set_study_attrs(study_id, user_attrs={key: value})

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self.set_study_attrs(study_id, system_attrs={key: value})

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        self.update_trial(trial_id, TrialUpdate(params={param_name: (param_value_internal, distribution)}))

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        return self.update_trial(trial_id, TrialUpdate(state=state, values=values))

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        self.update_trial(trial_id, TrialUpdate(intermediate_values={step: intermediate_value}))

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self.update_trial(trial_id, TrialUpdate(user_attrs={key: value}))

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self.update_trial(trial_id, TrialUpdate(system_attrs={key: value}))

    def start_trial(self, study_id: int) -> FrozenTrial:
        """Claim the oldest WAITING trial (it becomes RUNNING) or, if none is left, create a RUNNING one.

        What ``Study.ask`` does. Safe against other workers: a trial they claim (or even finish) between
        the listing and the claim is skipped. SQL storages do it all in one transaction.
        """
        for trial_id in self.get_waiting_trial_ids(study_id):
            try:
                if self.update_trial(trial_id, TrialUpdate(state=TrialState.RUNNING)):
                    return self.get_trial(trial_id)
            except UpdateFinishedTrialError:
                continue  # claimed and already finished by another worker
        return self.create_new_trial(study_id)

    def get_trial_local(self, trial_id: int) -> FrozenTrial:
        """The trial as this storage object knows it, without a database round trip where possible.

        Same as :meth:`get_trial` except behind a cache, whose view of a trial it runs itself misses what
        other processes did to it (e.g. failed it); writes to such a trial still fail as they should.
        """
        return self.get_trial(trial_id)

    def read_trials(self, study_id: int) -> Sequence[FrozenTrial]:
        """All of the study's trials ordered by number, possibly the storage's own live sequence.

        For readers that look at a few positions each time (a sampler folding in the trials that are new
        since its last look): unlike ``get_all_trials(deepcopy=False)`` nothing is copied, which on a long
        study touches every trial. Do not modify it or keep it; it may grow or change after the call.
        """
        return self.get_all_trials(study_id, deepcopy=False)

    def get_waiting_trial_ids(self, study_id: int) -> list[int]:
        """Ids of the study's WAITING (enqueued) trials, oldest first; ``ask`` claims them in this order."""
        return [
            t._trial_id for t in self.get_all_trials(study_id, deepcopy=False, states=(TrialState.WAITING,))
        ]

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return len(self.get_all_trials(study_id, deepcopy=False, states=states))

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        trials = self.get_all_trials(study_id, deepcopy=False)
        if 0 <= trial_number < len(trials) and trials[trial_number].number == trial_number:
            return trials[trial_number]._trial_id
        for t in trials:
            if t.number == trial_number:
                return t._trial_id
        raise KeyError(f"No trial with number {trial_number} in study {study_id}.")

    def get_trial_number_from_id(self, trial_id: int) -> int:
        return self.get_trial(trial_id).number

    def get_trial_params(self, trial_id: int) -> dict[str, Any]:
        return self.get_trial(trial_id).params

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        return self.get_trial(trial_id).user_attrs

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        return self.get_trial(trial_id).system_attrs

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        """The best COMPLETE trial of a single-objective study (lowest number wins ties).

        Raises:
            ValueError: no trial is complete yet.
            RuntimeError: the study has several objectives (use ``Study.best_trials``).
        """
        directions = self.get_study_directions(study_id)
        if len(directions) > 1:
            raise RuntimeError("Best trial is ambiguous for several objectives; use `best_trials`.")
        complete = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
        if not complete:
            raise ValueError("No trials are completed yet.")
        sign = -1.0 if directions[0] == StudyDirection.MAXIMIZE else 1.0
        best = min(complete, key=lambda t: (sign * t.values[0], t.number))  # type: ignore[index]
        return best.copy()

    def check_trial_is_updatable(self, trial_id: int, trial_state: TrialState) -> None:
        if trial_state.is_finished():
            raise UpdateFinishedTrialError(
                f"Trial {self.get_trial_number_from_id(trial_id)} is already finished "
                f"({trial_state.name}) and cannot be changed."
            )

    def remove_session(self) -> None:
        """Release connections held for this thread (a no-op for storages without any)."""

    def close(self) -> None:
        """Release every resource (connections, files); the storage is not used afterwards."""


def study_not_found(study: int | str) -> StudyNotFoundError:
    what = f"name {study!r}" if isinstance(study, str) else f"id {study}"
    return StudyNotFoundError(f"No study with {what} exists in this storage.")
