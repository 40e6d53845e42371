"""``Study.optimize`` with heartbeats: a beating thread per running trial (none when heartbeats are off),
stopped however the trial ends, and a trial failed by another worker keeps its FAIL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

import hpint
from hpint.storages import fail_stale_trials
from hpint.trial import TrialState

sa = pytest.importorskip("sqlalchemy")

from hpint.storages import RDBStorage  # noqa: E402
from hpint.storages._cached import CachedStorage  # noqa: E402
from hpint.storages._rdb import heartbeat, models  # noqa: E402


def heartbeat_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("hpint-heartbeat-")]


@pytest.fixture
def storage(storage_url: str | None) -> Iterator[RDBStorage]:
    if storage_url is None:
        pytest.skip("in-memory storage has no heartbeats")
    rdb = RDBStorage(storage_url, heartbeat_interval=1, grace_period=2)
    yield rdb
    rdb.close()


@pytest.fixture
def study(storage: RDBStorage) -> hpint.Study:
    return hpint.create_study(storage=CachedStorage(storage), study_name="beats")


def last_beat(storage: RDBStorage, trial_id: int) -> object:
    query = sa.select(models.trial_heartbeats.c.heartbeat).where(
        models.trial_heartbeats.c.trial_id == trial_id
    )
    with storage.engine.connect() as conn:
        return conn.execute(query).scalar()


def test_no_thread_when_heartbeats_are_off(storage_url):
    seen: list[list[threading.Thread]] = []
    study = hpint.create_study(storage=storage_url)
    study.optimize(lambda trial: seen.append(heartbeat_threads()) or 1.0, n_trials=2)
    assert seen == [[], []]


def test_a_trial_beats_while_it_runs_and_not_after(storage, study):
    beats: list[object] = []

    def objective(trial: hpint.Trial) -> float:
        assert [t.name for t in heartbeat_threads()] == [f"hpint-heartbeat-{trial._trial_id}"]
        beats.append(last_beat(storage, trial._trial_id))  # the first beat is recorded before the objective
        time.sleep(1.3)
        beats.append(last_beat(storage, trial._trial_id))
        return 1.0

    study.optimize(objective, n_trials=1)
    assert heartbeat_threads() == []
    (trial,) = study.trials
    assert trial.state == TrialState.COMPLETE
    assert beats[0] is not None and beats[1] > beats[0]
    after = last_beat(storage, trial._trial_id)
    time.sleep(1.2)
    assert last_beat(storage, trial._trial_id) == after  # stopped with the trial


def _raise(error: BaseException):
    def objective(trial: hpint.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise error

    return objective


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt(), hpint.TrialPruned()])
def test_the_thread_stops_however_the_trial_ends(study, error):
    if isinstance(error, hpint.TrialPruned):
        study.optimize(_raise(error), n_trials=1)
    else:
        with pytest.raises(type(error)):
            study.optimize(_raise(error), n_trials=1)
    assert heartbeat_threads() == []
    assert study.trials[0].state in (TrialState.FAIL, TrialState.PRUNED)


def test_a_trial_failed_by_another_worker_stays_failed(storage, study):
    """A worker that stopped beating (hung, suspended) and comes back cannot complete its failed trial."""
    other = hpint.load_study(study_name="beats", storage=storage)

    def objective(trial: hpint.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        with storage.engine.begin() as conn:  # the heartbeat looks old to the other worker
            cutoff = heartbeat.server_cutoff(conn.dialect.name, 3600)
            conn.execute(sa.update(models.trial_heartbeats).values(heartbeat=cutoff))
        fail_stale_trials(other)
        return 1.0

    with pytest.warns(UserWarning, match="was failed by another worker while it ran"):
        study.optimize(objective, n_trials=1)
    study.optimize(lambda trial: 2.0, n_trials=1)  # the study goes on
    for s in (study, other):
        assert [(t.state, t.value) for t in s.trials] == [(TrialState.FAIL, None), (TrialState.COMPLETE, 2.0)]


def test_stale_trials_are_failed_before_each_new_trial(storage, study):
    stale = study.ask()
    storage.record_heartbeat(stale._trial_id)
    with storage.engine.begin() as conn:
        cutoff = heartbeat.server_cutoff(conn.dialect.name, 3600)
        conn.execute(sa.update(models.trial_heartbeats).values(heartbeat=cutoff))
    study.optimize(lambda trial: 1.0, n_trials=1)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE]
