"""A storage kept as a log of operations (a journal) that every process appends to and replays.

Each storage object keeps the replayed state in an :class:`InMemoryStorage` and the number of records it
has applied. Before a read it applies the records appended since (a file backend reads only the new
bytes; when there are none, an ``open`` and an ``fstat``), so reads cost what in-memory reads cost.

A write, on a backend with a cross-process lock (:class:`JournalFileBackend`): under the lock, replay the
new records, apply the operation to the replayed state (which raises, appending nothing, if it is not
valid: a finished trial, a taken study name, a parameter's distribution changed), then append its record.
Holding the lock, the state the operation was checked against is exactly what every other process will
have replayed when it reaches the record, so the record does there what it did here. That is also why trial
numbers are unique and gap-free: a trial's number is its position among the study's trials in the log.

On any other backend (no lock to hold across the read and the append) a write appends its record and then
replays up to it: the replay's outcome is the call's result. Records that turn out invalid (two processes
finished the same trial at once) are skipped by every process alike; the writer of the loser gets the error.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Container, Sequence
from typing import Any

from hpint import logging as _logging
from hpint._direction import StudyDirection
from hpint._fork import ForkRegistry
from hpint._thread_lock import ThreadLock
from hpint.exceptions import HpintError
from hpint.storages._base import BaseStorage, FrozenStudy, TrialUpdate, apply_update
from hpint.storages._in_memory import InMemoryStorage, _default_study_name
from hpint.storages.journal import _records
from hpint.storages.journal._base import BaseJournalBackend
from hpint.storages.journal._file import JournalFileBackend, encode_record
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

__all__ = ["JournalStorage"]

_logger = _logging.get_logger("hpint.storages")
_MISSING = object()


class JournalStorage(BaseStorage):
    """A storage that records every operation in an append-only log shared by processes; no database.

    Several processes (on one machine, or over NFS with the file backend) can share one study: each
    appends its operations to the log and replays the others', reading only what is new each time.

    Example::

        import hpint

        storage = hpint.storages.JournalStorage(hpint.storages.journal.JournalFileBackend("./journal.log"))
        study = hpint.create_study(storage=storage, study_name="demo", load_if_exists=True)
        study.optimize(objective, n_trials=100)  # run the same script in several processes

    Args:
        log_storage: Where the log lives, e.g. a :class:`~hpint.storages.journal.JournalFileBackend`.

    Raises:
        TypeError: ``log_storage`` is not a journal backend (e.g. a path was passed).

    Writes raise what every storage raises (``UpdateFinishedTrialError``, ``DuplicatedStudyError``,
    ``ValueError`` for a parameter's changed distribution, ``TypeError`` for an attribute JSON cannot hold)
    and then append nothing. (On a backend without a lock, ``BaseJournalBackend`` written by a user, the
    record is appended first and the replay decides; a record that fails is skipped by every process.)

    The log only grows: a long study's log is replayed in full when a process opens it (about a record
    per suggested parameter, report and trial state). A finished trial is synced to disk before ``tell``
    returns; a running trial's parameters and reports are synced with it, as on SQLite.
    """

    def __init__(self, log_storage: BaseJournalBackend) -> None:
        if not isinstance(log_storage, BaseJournalBackend):
            raise TypeError(
                f"`log_storage` must be a journal backend such as JournalFileBackend(path), "
                f"not {type(log_storage).__name__}."
            )
        self._backend = log_storage
        self._file = log_storage if isinstance(log_storage, JournalFileBackend) else None
        self._lock = ThreadLock()
        self._state = InMemoryStorage()
        self._n_logs = 0  # records replayed into self._state
        self._new_writer_id()
        self._awaited: str | None = None  # op_id of a record this object appended and wants the outcome of
        self._outcome: Any = _MISSING
        _IN_THIS_PROCESS.add(self)

    @property
    def backend(self) -> BaseJournalBackend:
        return self._backend

    def _new_writer_id(self) -> None:
        self._writer_id = uuid.uuid4().hex[:16]
        self._op_numbers = itertools.count()

    def __getstate__(self) -> dict[str, Any]:
        return {"log_storage": self._backend}  # the copy replays the log itself

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["log_storage"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"JournalStorage({self._backend!r})"

    # ---- studies ----
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        return self._write(_records.create_study(directions, study_name or _default_study_name()))

    def delete_study(self, study_id: int) -> None:
        self._write(_records.delete_study(study_id))

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._synced().get_study_id_from_name(study_name)

    def get_all_studies(self) -> list[FrozenStudy]:
        return self._synced().get_all_studies()

    def get_study(self, study_id: int) -> FrozenStudy:
        return self._synced().get_study(study_id)

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        try:  # directions never change: no need to look at the log for a study known here
            return self._state.get_study_directions(study_id)
        except KeyError:
            return self._synced().get_study_directions(study_id)

    def set_study_attrs(
        self,
        study_id: int,
        user_attrs: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
    ) -> None:
        self._write(_records.set_study_attrs(study_id, user_attrs or {}, system_attrs or {}))

    # ---- trials ----
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> FrozenTrial:
        return self._write(_records.create_trial(study_id, template_trial))

    def start_trial(self, study_id: int) -> FrozenTrial:
        return self._write(_records.start_trial(study_id))

    def update_trial(self, trial_id: int, update: TrialUpdate) -> bool:
        return self._write(_records.update_trial(trial_id, update))

    def get_trial(self, trial_id: int) -> FrozenTrial:
        return self._synced().get_trial(trial_id)

    def get_trial_local(self, trial_id: int) -> FrozenTrial:
        try:
            return self._state.get_trial(trial_id)
        except KeyError:
            return self.get_trial(trial_id)

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        return self._synced().get_all_trials(study_id, deepcopy, states)

    def read_trials(self, study_id: int) -> Sequence[FrozenTrial]:
        return self._synced().read_trials(study_id)

    def get_waiting_trial_ids(self, study_id: int) -> list[int]:
        return self._synced().get_waiting_trial_ids(study_id)

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return self._synced().get_n_trials(study_id, states)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        return self._synced().get_trial_id_from_study_id_trial_number(study_id, trial_number)

    # ---- the log ----
    def _synced(self) -> InMemoryStorage:
        """The state after replaying what was appended since the last look."""
        with self._lock:
            self._replay(self._backend.read_logs(self._n_logs))
            return self._state

    def _replay(self, records: Any) -> None:
        """Apply records read from the log (caller holds ``self._lock``); an invalid one changes nothing."""
        for record in records:
            try:
                outcome = _records.apply_record(self._state, record)
            except (HpintError, KeyError, ValueError) as e:
                outcome = e  # the same in every process: the record is skipped
            except Exception as e:  # noqa: BLE001 - a malformed record must not stop every later read
                _logger.warning(f"Skipping a malformed journal record {record!r}: {e!r}")
                outcome = e
            self._n_logs += 1
            if self._awaited is not None and record.get("op_id") == self._awaited:
                self._outcome = outcome

    def _write(self, record: dict[str, Any]) -> Any:
        """Append ``record`` if it is valid; return its outcome (or raise its error)."""
        with self._lock:
            record["op_id"] = f"{self._writer_id}-{next(self._op_numbers)}"
            data = encode_record(record)  # TypeError for a value JSON cannot hold, before anything is written
            decoded = json.loads(data)  # applied here exactly as other processes will read it back
            if self._file is None:
                return self._append_then_replay(decoded)
            with self._file.exclusive():
                self._replay(self._file.read_logs_to_append(self._n_logs))
                outcome = _records.apply_record(self._state, decoded)  # raises: nothing is appended
                if outcome is False:
                    return False  # a claim of a trial that is not WAITING: nothing to record
                try:
                    in_order = self._file.append_encoded(data, 1, _records.is_durable(decoded))
                except BaseException:
                    self._forget_state()  # the state has a record the file may not have
                    raise
                self._n_logs += 1
            if not in_order:
                return self._recover_from_lost_lock(decoded)
            return outcome

    def _append_then_replay(self, record: dict[str, Any]) -> Any:
        """A write on a backend without a lock: the replay decides (caller holds ``self._lock``)."""
        self._replay(self._backend.read_logs(self._n_logs))
        if record["op"] == "update_trial" and not _could_apply(self._state, record):
            return False  # a claim of a trial that is not WAITING (errors were raised)
        self._awaited, self._outcome = record["op_id"], _MISSING
        try:
            self._backend.append_logs([record])
            self._replay(self._backend.read_logs(self._n_logs))
            outcome = self._outcome
        finally:
            self._awaited, self._outcome = None, _MISSING
        return _returned(outcome, record)

    def _recover_from_lost_lock(self, record: dict[str, Any]) -> Any:
        """Another process appended while we held the lock (it removed our lock as stale, see the grace
        period of the lock): our record may sit after theirs, so replay the whole log and take its outcome."""
        _logger.warning("The journal file changed while this process held its lock; replaying the log again.")
        self._forget_state()
        self._awaited, self._outcome = record["op_id"], _MISSING
        try:
            self._replay(self._backend.read_logs(0))
            outcome = self._outcome
        finally:
            self._awaited, self._outcome = None, _MISSING
        return _returned(outcome, record)

    def _forget_state(self) -> None:
        self._state = InMemoryStorage()
        self._n_logs = 0


def _returned(outcome: Any, record: dict[str, Any]) -> Any:
    """What the write of ``record`` returns, given the outcome of its replay (raised if an error)."""
    if outcome is _MISSING:
        raise RuntimeError(f"The journal record just appended ({record['op']}) was not found in the log.")
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def _could_apply(state: InMemoryStorage, record: dict[str, Any]) -> bool:
    """Check an update against the replayed trial: raises its error, or False for a failed claim."""
    trial = state.get_trial(record["trial_id"])  # a copy
    return apply_update(trial, _records.decode_update(record), trial.datetime_start or _records.NO_TIME)


def _new_lock_in_child(storage: JournalStorage) -> None:
    # A thread of the parent may have held the lock at the fork; and the child writes under its own id.
    storage._lock = ThreadLock()
    storage._new_writer_id()


_IN_THIS_PROCESS: ForkRegistry[JournalStorage] = ForkRegistry(after_in_child=_new_lock_in_child)
