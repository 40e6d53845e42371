"""A real crash: a worker process running a trial is killed with SIGKILL; after the grace period the next
worker's ``optimize`` fails the dead worker's trial and runs it again (``RetryFailedTrialCallback``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hpint
from hpint.storages import RetryFailedTrialCallback
from hpint.trial import TrialState

sa = pytest.importorskip("sqlalchemy")

from hpint.storages import RDBStorage  # noqa: E402
from hpint.storages._cached import CachedStorage  # noqa: E402
from hpint.storages._rdb import models  # noqa: E402

_WORKER = """
import sys, time
import hpint
from hpint.storages import RDBStorage

storage = RDBStorage(sys.argv[1], heartbeat_interval=1, grace_period=2)
study = hpint.load_study(study_name="crash", storage=storage)
study.optimize(lambda trial: trial.suggest_float("x", 0, 1) + time.sleep(60), n_trials=1)
"""
_ROOT = str(Path(hpint.__file__).resolve().parents[1])


class Retry:
    """RetryFailedTrialCallback that also counts the trial numbers it was called with."""

    def __init__(self, max_retry: int) -> None:
        self.retry = RetryFailedTrialCallback(max_retry=max_retry)
        self.numbers: list[int] = []

    def __call__(self, study: hpint.Study, trial: hpint.FrozenTrial) -> None:
        self.numbers.append(trial.number)
        self.retry(study, trial)


def _beating_trial_ids(url: str) -> set[int]:
    """RUNNING trials with a heartbeat and a stored parameter (the worker is inside the objective)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            query = (
                sa.select(models.trials.c.trial_id)
                .join(models.trial_heartbeats, models.trial_heartbeats.c.trial_id == models.trials.c.trial_id)
                .join(models.trial_params, models.trial_params.c.trial_id == models.trials.c.trial_id)
                .where(models.trials.c.state == int(TrialState.RUNNING))
            )
            return set(conn.execute(query).scalars())
    finally:
        engine.dispose()


def _kill_worker_once_its_trial_beats(url: str) -> None:
    """Start a worker, SIGKILL it as soon as its trial is RUNNING with a heartbeat."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([_ROOT, os.environ.get("PYTHONPATH", "")])}
    before = _beating_trial_ids(url)
    worker = subprocess.Popen([sys.executable, "-c", _WORKER, url], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _beating_trial_ids(url) - before:
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker's trial never recorded a heartbeat"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        if worker.stderr:
            worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL


def _wait_until_stale(storage: RDBStorage, study: hpint.Study) -> None:
    deadline = time.monotonic() + 10
    while not storage.stale_trial_ids(study._study_id):
        assert time.monotonic() < deadline, "the killed worker's trial never became stale"
        time.sleep(0.1)


def _setup(url: str, max_retry: int) -> tuple[RDBStorage, hpint.Study, Retry]:
    callback = Retry(max_retry)
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=2, failed_trial_callback=callback)
    study = hpint.create_study(storage=CachedStorage(storage), study_name="crash")
    return storage, study, callback


def test_a_killed_workers_trial_is_failed_and_retried(sql_url):
    storage, study, callback = _setup(sql_url, max_retry=1)
    _kill_worker_once_its_trial_beats(sql_url)
    (killed,) = study.trials
    assert killed.state == TrialState.RUNNING  # the dead worker cannot fail it itself
    _wait_until_stale(storage, study)
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1)
    killed, retried = study.trials
    assert killed.state == TrialState.FAIL and callback.numbers == [killed.number]
    assert retried.state == TrialState.COMPLETE and retried.params == killed.params
    assert retried.value == killed.params["x"]
    assert RetryFailedTrialCallback.retried_trial_number(retried) == killed.number
    assert RetryFailedTrialCallback.retry_history(retried) == [killed.number]
    study._storage.close()


def test_a_retry_that_dies_too_is_not_retried_beyond_max_retry(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    storage, study, callback = _setup(url, max_retry=1)
    _kill_worker_once_its_trial_beats(url)  # trial 0
    _wait_until_stale(storage, study)
    hpint.storages.fail_stale_trials(study)  # enqueues the retry, trial 1
    _kill_worker_once_its_trial_beats(url)  # the next worker claims trial 1, and dies too
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.RUNNING]
    assert RetryFailedTrialCallback.retry_history(study.trials[1]) == [0]
    _wait_until_stale(storage, study)
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1)
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAIL, TrialState.FAIL, TrialState.COMPLETE]
    assert callback.numbers == [0, 1]
    # History [0, 1] would exceed max_retry=1: trial 2 is a new trial, no retry.
    assert RetryFailedTrialCallback.retried_trial_number(study.trials[2]) is None
    study._storage.close()
