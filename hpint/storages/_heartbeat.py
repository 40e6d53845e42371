"""Heartbeats: find trials whose worker died (killed, out of memory, preempted) and fail them.

A worker that dies mid-trial cannot say so; its trial would stay RUNNING forever. With heartbeats on
(``RDBStorage(url, heartbeat_interval=...)``), ``Study.optimize`` keeps a background thread recording
the trial's heartbeat, and before each new trial fails the study's RUNNING trials whose last heartbeat is
older than the grace period. Heartbeats are an optional capability of a storage (:class:`HeartbeatStorage`),
not part of :class:`~hpint.storages.BaseStorage`: storages without them simply never fail a trial here.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from hpint import logging as _logging
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study

__all__ = ["fail_stale_trials"]

_logger = _logging.get_logger("hpint.storages")

#: ``callback(study, frozen_trial)``: told of each trial failed because its heartbeat stopped.
FailedTrialCallback = Callable[["Study", FrozenTrial], None]


class HeartbeatStorage(Protocol):
    """What a storage with heartbeats offers (``RDBStorage`` and the cache around it)."""

    heartbeat_interval: int | None
    grace_period: int | None
    failed_trial_callback: FailedTrialCallback | None

    def record_heartbeat(self, trial_id: int) -> None: ...

    def stale_trial_ids(self, study_id: int) -> list[int]: ...

    def fail_stale_trial(self, trial_id: int) -> bool: ...


def heartbeat_storage(storage: object) -> HeartbeatStorage | None:
    """``storage`` if it records heartbeats (and they are on), else None."""
    if getattr(storage, "heartbeat_interval", None) is None or not hasattr(storage, "record_heartbeat"):
        return None
    return storage  # type: ignore[return-value]


def _check_seconds(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer (seconds) or None, not {value!r}.")
    return value


def check_heartbeat_args(
    heartbeat_interval: object,
    grace_period: object,
    failed_trial_callback: object,
    heartbeat_stale_trial_callback: object = None,
) -> tuple[int | None, int | None, FailedTrialCallback | None]:
    """Validate ``RDBStorage``'s heartbeat arguments; return (interval, grace period, callback).

    The grace period defaults to twice the interval. Without an interval, heartbeats are off, and a
    grace period or callback given anyway is ignored with a warning (Optuna ignores them silently).
    """
    interval = _check_seconds("heartbeat_interval", heartbeat_interval)
    grace = _check_seconds("grace_period", grace_period)
    if failed_trial_callback is not None and heartbeat_stale_trial_callback is not None:
        raise ValueError(
            "Pass `failed_trial_callback` or `heartbeat_stale_trial_callback` (its newer name), not both."
        )
    callback = (
        failed_trial_callback if heartbeat_stale_trial_callback is None else heartbeat_stale_trial_callback
    )
    if callback is not None and not callable(callback):
        raise TypeError(
            f"`failed_trial_callback` must be callable as callback(study, frozen_trial), "
            f"not {type(callback).__name__} ({callback!r})."
        )
    if interval is None:
        for name, given in (("grace_period", grace), ("failed_trial_callback", callback)):
            if given is not None:
                warnings.warn(
                    f"`{name}`={given!r} is ignored because `heartbeat_interval` is None (heartbeats are "
                    "off); pass heartbeat_interval=SECONDS to fail the trials of dead workers.",
                    UserWarning,
                    stacklevel=3,
                )
        return None, None, None
    if grace is not None and grace <= interval:
        warnings.warn(
            f"`grace_period`={grace} is not longer than `heartbeat_interval`={interval}: live trials may "
            "be failed as stale between two heartbeats. Use at least twice the interval.",
            UserWarning,
            stacklevel=3,
        )
    return interval, 2 * interval if grace is None else grace, callback  # type: ignore[return-value]


def fail_stale_trials(study: Study) -> None:
    """Fail the study's RUNNING trials whose heartbeat stopped, and tell ``failed_trial_callback``.

    A trial is stale when its last heartbeat is older than the storage's ``grace_period`` by the database
    server's clock; a trial that never recorded one is not. Several workers may call this at once: each
    trial is failed by one of them (its state is checked and changed in one guarded UPDATE), and the
    callback runs once per trial, in the worker that failed it. Does nothing on storages without
    heartbeats. ``Study.optimize`` calls it before each trial; call it yourself in ``ask``/``tell`` loops.

    Raises:
        Whatever the callback raises, after every failed trial's callback has run.
    """
    storage = heartbeat_storage(study._storage)
    if storage is None:
        return
    failed = [tid for tid in storage.stale_trial_ids(study._study_id) if storage.fail_stale_trial(tid)]
    callback = storage.failed_trial_callback
    errors: list[BaseException] = []
    for trial_id in failed:
        frozen = study._storage.get_trial(trial_id)
        _logger.warning(
            f"Trial {frozen.number} failed: no heartbeat for more than {storage.grace_period} s "
            f"(its worker stopped). Parameters: {frozen.params}"
        )
        if callback is None:
            continue
        try:
            callback(study, frozen)
        except Exception as e:  # noqa: BLE001 - re-raised below, once the other trials got their retry
            errors.append(e)
    if errors:
        raise errors[0]


@contextlib.contextmanager
def beating(storage: object, trial_id: int) -> Iterator[None]:
    """Record the trial's heartbeat now and every ``heartbeat_interval`` seconds until the block ends.

    A daemon thread beats while the block (the objective) runs and is stopped and joined when it ends,
    however it ends. Without heartbeats this starts no thread and costs nothing.
    """
    beats = heartbeat_storage(storage)
    if beats is None:
        yield
        return
    _beat(beats, trial_id)  # the first beat before the objective runs: a crash right away is caught too
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat_until, args=(beats, trial_id, stop), name=f"hpint-heartbeat-{trial_id}", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _beat_until(beats: HeartbeatStorage, trial_id: int, stop: threading.Event) -> None:
    interval = float(beats.heartbeat_interval or 1)
    while not stop.wait(interval):
        _beat(beats, trial_id)


def _beat(beats: HeartbeatStorage, trial_id: int) -> None:
    try:
        beats.record_heartbeat(trial_id)
    except Exception as e:  # noqa: BLE001 - a passing database error must not end the trial
        _logger.warning(f"Could not record the heartbeat of trial id {trial_id}: {type(e).__name__}: {e}")
