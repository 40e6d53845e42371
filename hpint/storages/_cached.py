"""A cache and write buffer around :class:`RDBStorage`: fewer queries and one commit per trial step.

What it caches: finished trials are immutable, so once read they are kept, and each read of a study's
trials fetches only trials that are new or were unfinished last time. Study directions never change and
are cached too.

What it buffers: parameters and user attributes set on a RUNNING trial that this storage object created
or claimed ("owned") are kept in memory and written together with the trial's next intermediate value,
system attribute or final state, in ONE transaction. Consequences worth knowing:

* reads through this storage object see buffered writes at once;
* other processes (and other storage objects) see a trial's parameters at the latest when it reports an
  intermediate value or finishes (or when this storage is pickled, closed or :meth:`flush` is called);
* if the process dies while a trial runs, its unflushed parameters are lost with it: the trial stays
  RUNNING (or is failed by a heartbeat) and finished trials are never affected;
* a finished trial is committed before ``update_trial`` (hence ``Study.tell``) returns.

State changes, WAITING -> RUNNING claims and system attributes are written through immediately.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Container, Sequence
from typing import TYPE_CHECKING, Any

from hpint._direction import StudyDirection
from hpint._fork import ForkRegistry
from hpint.exceptions import UpdateFinishedTrialError
from hpint.storages._base import BaseStorage, FrozenStudy, TrialUpdate, apply_update
from hpint.trial._frozen import FrozenTrial, copy_attrs
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.storages._heartbeat import FailedTrialCallback
    from hpint.storages._rdb.storage import RDBStorage

__all__ = ["CachedStorage"]


class _StudyCache:
    """What this process knows of one study's trials, and the lists last returned from it.

    A pruner asks for the COMPLETE trials every epoch. Building that list anew (a pass over every trial
    and its state) would cost O(trials) per epoch, and more than the database read when the CPU's caches
    are cold; so each list is kept with the version it was built at and reused while no trial it could
    contain changed. ``finished_version`` moves only when a finished record is added or replaced, so a
    running trial's reports do not invalidate the lists of finished trials.
    """

    def __init__(self) -> None:
        self.records: dict[int, FrozenTrial] = {}  # number -> latest known record
        self.max_seen = -1  # every trial numbered up to this was read (numbers are gap-free)
        self.unfinished: dict[int, int] = {}  # trial_id -> number, for trials owned elsewhere
        self.version = 0  # moves on any change to what get_all_trials could return
        self.finished_version = 0  # moves on a change to a finished record (or to max_seen)
        self._views: dict[frozenset[TrialState] | None, tuple[int, list[FrozenTrial]]] = {}

    def put(self, trial: FrozenTrial) -> None:
        old = self.records.get(trial.number)
        self.records[trial.number] = trial
        self.version += 1
        if trial.state.is_finished() or (old is not None and old.state.is_finished()):
            self.finished_version += 1

    def seen_up_to(self, number: int) -> None:
        if number > self.max_seen:
            self.max_seen = number
            self.version += 1
            self.finished_version += 1

    def view(self, key: frozenset[TrialState] | None) -> list[FrozenTrial]:
        """The known trials in ``key``'s states (all if None) numbered up to ``max_seen``, by number.

        The list is shared with later calls: the caller must copy it before handing it out.
        """
        version = self.finished_version if _finished_only(key) else self.version
        kept = self._views.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        records = self.records
        trials = [records[n] for n in range(self.max_seen + 1) if n in records]
        if key is not None:
            trials = [t for t in trials if t.state in key]
        self._views[key] = (version, trials)
        return trials


class _OwnedTrial:
    """A RUNNING trial this object created or claimed: its full record and its unwritten changes."""

    def __init__(self, study_id: int, record: FrozenTrial) -> None:
        self.study_id = study_id
        self.record = record
        self.pending: TrialUpdate | None = None  # buffered params and user attributes, if any
        self.lock = threading.Lock()


class CachedStorage(BaseStorage):
    """Wraps an :class:`RDBStorage`; see the module docstring for what is cached and buffered."""

    def __init__(self, backend: RDBStorage) -> None:
        self._backend = backend
        self._lock = threading.RLock()
        _IN_THIS_PROCESS.add(self)
        self._studies: dict[int, _StudyCache] = {}
        self._directions: dict[int, list[StudyDirection]] = {}
        self._finished: dict[int, FrozenTrial] = {}  # trial_id -> finished trial
        self._owned: dict[int, _OwnedTrial] = {}

    @property
    def backend(self) -> RDBStorage:
        return self._backend

    @property
    def url(self) -> str:
        return self._backend.url

    # ---- lifecycle ----
    def flush(self) -> None:
        """Write every buffered parameter and user attribute now (one transaction per trial)."""
        with self._lock:
            owned = list(self._owned.items())
        for trial_id, entry in owned:
            with entry.lock:
                if entry.pending is None:
                    continue
                self._backend.update_trial(trial_id, entry.pending)
                entry.pending = None

    def close(self) -> None:
        self.flush()
        self._backend.close()

    def __getstate__(self) -> dict[str, Any]:
        # The copy starts with an empty cache and owns nothing; so that it sees this process's running
        # trials as they are, write the buffers first.
        self.flush()
        return {"backend": self._backend}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["backend"])  # type: ignore[misc]

    # ---- studies: written through; directions cached ----
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        return self._backend.create_new_study(directions, study_name)

    def delete_study(self, study_id: int) -> None:
        self._backend.delete_study(study_id)
        with self._lock:
            cache = self._studies.pop(study_id, None)
            self._directions.pop(study_id, None)
            for trial in cache.records.values() if cache else ():
                self._finished.pop(trial._trial_id, None)
                self._owned.pop(trial._trial_id, None)

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._backend.get_study_id_from_name(study_name)

    def get_all_studies(self) -> list[FrozenStudy]:
        return self._backend.get_all_studies()

    def get_study(self, study_id: int) -> FrozenStudy:
        return self._backend.get_study(study_id)

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        directions = self._directions.get(study_id)
        if directions is None:
            directions = self._backend.get_study_directions(study_id)
            self._directions[study_id] = directions
        return list(directions)

    def set_study_attrs(
        self,
        study_id: int,
        user_attrs: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
    ) -> None:
        self._backend.set_study_attrs(study_id, user_attrs, system_attrs)

    # ---- trials ----
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> FrozenTrial:
        trial = self._backend.create_new_trial(study_id, template_trial)
        with self._lock:
            self._remember(study_id, trial, own=trial.state == TrialState.RUNNING)
        return trial.copy()

    def start_trial(self, study_id: int) -> FrozenTrial:
        trial = self._backend.start_trial(study_id)
        with self._lock:
            self._remember(study_id, trial, own=True)
        return trial.copy()

    def update_trial(self, trial_id: int, update: TrialUpdate) -> bool:
        entry = self._owned.get(trial_id)
        if entry is None:
            return self._update_unowned(trial_id, update)
        with entry.lock:
            if self._owned.get(trial_id) is not entry:  # finished meanwhile by another thread
                return self._update_unowned(trial_id, update)
            now = None  # the time is recorded only with a state change
            if update.is_report() and entry.record.state == TrialState.RUNNING:
                record = _with_reported(entry.record, update)
            else:
                now = datetime.datetime.now()
                record = entry.record.copy()
                if not apply_update(record, update, now):  # raises like the backend would
                    return False
            if _bufferable(update):
                _check_json(update.user_attrs)
                buffered = TrialUpdate(params=update.params, user_attrs=copy_attrs(update.user_attrs or {}))
                entry.pending = buffered if entry.pending is None else entry.pending.merge(buffered)
            else:
                try:
                    write = update if entry.pending is None else entry.pending.merge(update)
                    self._backend.update_trial_at(trial_id, write, now)
                except UpdateFinishedTrialError:
                    self._disown(trial_id)  # finished elsewhere (e.g. failed as stale): drop our view
                    raise
                entry.pending = None
            self._publish(entry, record)
            return True

    def _update_unowned(self, trial_id: int, update: TrialUpdate) -> bool:
        if trial_id in self._finished:
            # Fails with the backend's own error; a finished trial never changes.
            return self._backend.update_trial(trial_id, update)
        if not self._backend.update_trial(trial_id, update):
            return False
        if update.state == TrialState.RUNNING:  # claimed: this process now runs it
            study_id, trial = self._backend.get_trial_and_study_id(trial_id)
            if trial.state == TrialState.RUNNING:
                with self._lock:
                    self._remember(study_id, trial, own=True)
        return True

    def get_trial(self, trial_id: int) -> FrozenTrial:
        finished = self._finished.get(trial_id)
        if finished is not None:
            return finished.copy()
        entry = self._owned.get(trial_id)
        if entry is not None:
            # Only the state can change behind our back (another process failing a stale trial).
            if self._backend.get_trial_state(trial_id) == TrialState.RUNNING:
                with entry.lock:
                    return entry.record.copy()
            self._disown(trial_id)
        trial = self._backend.get_trial(trial_id)
        if trial.state.is_finished():
            with self._lock:
                self._finished[trial_id] = trial
            return trial.copy()
        return trial

    def get_trial_local(self, trial_id: int) -> FrozenTrial:
        entry = self._owned.get(trial_id)
        if entry is not None:
            with entry.lock:
                return entry.record.copy()
        return self.get_trial(trial_id)

    def reload_trial(self, trial_id: int) -> FrozenTrial:
        """Forget this object's view of a trial and read it again from the database.

        For a running trial that another process wrote to meanwhile (a worker that got the storage by
        pickling, as under Lightning's ddp_spawn): the cached view misses those writes, and finishing the
        trial from it would hide them from this process. Buffered writes are flushed first.
        """
        self.flush()
        self._disown(trial_id)
        return self.get_trial(trial_id)

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        key = _states_key(states)
        # A read of finished trials only (a pruner's, every epoch) need not refresh others' running ones.
        self._refresh(study_id, _finished_only(key))
        with self._lock:
            trials = self._studies.setdefault(study_id, _StudyCache()).view(key)
            return [t.copy() for t in trials] if deepcopy else list(trials)

    def read_trials(self, study_id: int) -> Sequence[FrozenTrial]:
        self._refresh(study_id, False)
        with self._lock:
            return self._studies.setdefault(study_id, _StudyCache()).view(None)  # replaced, not changed

    def get_waiting_trial_ids(self, study_id: int) -> list[int]:
        return self._backend.get_waiting_trial_ids(study_id)

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return len(self.get_all_trials(study_id, deepcopy=False, states=states))

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        cache = self._studies.get(study_id)
        trial = cache.records.get(trial_number) if cache else None
        if trial is not None:
            return trial._trial_id
        return self._backend.get_trial_id_from_study_id_trial_number(study_id, trial_number)

    # ---- bookkeeping (callers hold self._lock where noted) ----
    def _refresh(self, study_id: int, finished_only: bool = False) -> None:
        """Read what changed in the study since the last read.

        ``finished_only``: others' trials that are still unfinished keep their last-read records (the
        caller filters them out), so only new trials and those that finished since are read.
        """
        with self._lock:
            cache = self._studies.setdefault(study_id, _StudyCache())
            after, unfinished = cache.max_seen, list(cache.unfinished)
        fresh = self._backend.get_trials_since(study_id, after, unfinished, finished_only)
        with self._lock:
            cache = self._studies.setdefault(study_id, _StudyCache())
            for trial in fresh:
                entry = self._owned.get(trial._trial_id)
                if entry is not None and not trial.state.is_finished():
                    cache.seen_up_to(trial.number)
                    continue  # our own view (with buffered writes) is newer
                if entry is not None:
                    self._owned.pop(trial._trial_id, None)
                self._remember(study_id, trial, own=False)
                cache.seen_up_to(trial.number)

    def _remember(self, study_id: int, trial: FrozenTrial, own: bool) -> None:
        """Record ``trial`` in the cache (caller holds ``self._lock``)."""
        cache = self._studies.setdefault(study_id, _StudyCache())
        cache.put(trial)
        trial_id = trial._trial_id
        if trial.state.is_finished():
            cache.unfinished.pop(trial_id, None)
            self._finished[trial_id] = trial
        elif own:
            cache.unfinished.pop(trial_id, None)
            self._owned[trial_id] = _OwnedTrial(study_id, trial)
        else:
            cache.unfinished[trial_id] = trial.number
        if trial.number == cache.max_seen + 1:
            # Numbers are gap-free, so every trial up to this one is known: the next read need not fetch
            # it (with its children) again. Unfinished trials of others are re-read through `unfinished`.
            cache.seen_up_to(trial.number)

    def _publish(self, entry: _OwnedTrial, record: FrozenTrial) -> None:
        """Make ``record`` the owned trial's current view (caller holds ``entry.lock``)."""
        entry.record = record
        with self._lock:
            cache = self._studies.setdefault(entry.study_id, _StudyCache())
            cache.put(record)
            if record.state.is_finished():
                self._finished[record._trial_id] = record
                self._owned.pop(record._trial_id, None)

    def _disown(self, trial_id: int) -> None:
        with self._lock:
            entry = self._owned.pop(trial_id, None)
            if entry is not None:
                self._studies[entry.study_id].unfinished[trial_id] = entry.record.number

    # ---- heartbeats: the backend's, when it has them on (see _heartbeat.py) ----
    @property
    def heartbeat_interval(self) -> int | None:
        return self._backend.heartbeat_interval

    @property
    def grace_period(self) -> int | None:
        return self._backend.grace_period

    @property
    def failed_trial_callback(self) -> FailedTrialCallback | None:
        return self._backend.failed_trial_callback

    def record_heartbeat(self, trial_id: int) -> None:
        self._backend.record_heartbeat(trial_id)

    def stale_trial_ids(self, study_id: int) -> list[int]:
        return self._backend.stale_trial_ids(study_id)

    def fail_stale_trial(self, trial_id: int) -> bool:
        """Fail a stale trial in the database; if this object ran it (a hung thread), stop treating it as
        running here, so that reads see the FAIL and the late ``tell`` is refused."""
        failed = self._backend.fail_stale_trial(trial_id)
        if failed:
            self._disown(trial_id)
        return failed

    def __repr__(self) -> str:
        return f"CachedStorage({self._backend!r})"


def _states_key(states: Container[TrialState] | None) -> frozenset[TrialState] | None:
    """``states`` as a hashable set (None for all states)."""
    if states is None:
        return None
    if isinstance(states, (tuple, list, set, frozenset)):
        return frozenset(states)
    return frozenset(s for s in TrialState if s in states)  # any other container


def _finished_only(key: frozenset[TrialState] | None) -> bool:
    return key is not None and TrialState.RUNNING not in key and TrialState.WAITING not in key


def _check_json(attrs: dict[str, Any] | None) -> None:
    """Fail at ``set_user_attr`` rather than at the later write if a value cannot be stored."""
    for key, value in (attrs or {}).items():
        try:
            json.dumps(value)
        except (TypeError, ValueError) as e:
            raise TypeError(
                f"User attribute {key!r} must be JSON-serialisable to be stored in a database: {e}"
            ) from None


def _with_reported(record: FrozenTrial, update: TrialUpdate) -> FrozenTrial:
    """``record`` with ``update``'s intermediate values: :func:`apply_update` for a report, cheaper.

    The new record shares its other dicts with ``record``. That is safe because a record is never
    changed in place once published: every later update starts from a full copy.
    """
    new = object.__new__(FrozenTrial)
    new.__dict__ = record.__dict__.copy()
    new.intermediate_values = {**record.intermediate_values, **(update.intermediate_values or {})}
    return new


def _bufferable(update: TrialUpdate) -> bool:
    """Params and user attributes of an owned RUNNING trial can wait for the next real write."""
    return (
        update.state is None
        and update.values is None
        and not update.intermediate_values
        and not update.system_attrs
    )


# ---- fork: a lock held by a parent's thread stays held in the child, where no thread will release it ----
# Lightning's "ddp_fork" forks its ranks from the study's process, where other threads (``n_jobs``) may be
# inside this storage at that moment; so, as the standard library's logging module does for its handlers'
# locks, a child re-creates the locks of the storages it inherited. (The engines drop their inherited
# connections, see ``_rdb/engine.py``.)
def _new_locks_in_child(storage: CachedStorage) -> None:
    storage._lock = threading.RLock()
    for entry in storage._owned.values():
        entry.lock = threading.Lock()


_IN_THIS_PROCESS: ForkRegistry[CachedStorage] = ForkRegistry(after_in_child=_new_locks_in_child)
