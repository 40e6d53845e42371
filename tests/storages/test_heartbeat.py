"""Heartbeats on SQL storages: which trials are stale, failing them exactly once, the retry callback,
argument checks and the 0003 migration. Stale heartbeats are made by back-dating them on the server's
clock, so these tests do not wait out grace periods (``test_heartbeat_crash.py`` does, once)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest

import hpint
from hpint.storages import RetryFailedTrialCallback, fail_stale_trials, upgrade_storage
from hpint.trial import TrialState

sa = pytest.importorskip("sqlalchemy")

from hpint.storages import RDBStorage  # noqa: E402
from hpint.storages._cached import CachedStorage  # noqa: E402
from hpint.storages._rdb import heartbeat, models  # noqa: E402


class Recorder:
    """A failed_trial_callback that counts the trial numbers it is told of (thread-safe)."""

    def __init__(self) -> None:
        self.numbers: Counter[int] = Counter()
        self._lock = threading.Lock()

    def __call__(self, study: hpint.Study, trial: hpint.FrozenTrial) -> None:
        assert trial.state == TrialState.FAIL
        with self._lock:
            self.numbers[trial.number] += 1


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def storage(sql_url: str, recorder: Recorder) -> Iterator[RDBStorage]:
    rdb = RDBStorage(sql_url, heartbeat_interval=1, grace_period=2, failed_trial_callback=recorder)
    yield rdb
    rdb.close()


def backdate(storage: RDBStorage, trial_id: int, seconds: int = 3600) -> None:
    """Make the trial's last heartbeat ``seconds`` old, by the database server's clock."""
    with storage.engine.begin() as conn:
        cutoff = heartbeat.server_cutoff(conn.dialect.name, seconds)
        stmt = sa.update(models.trial_heartbeats).where(models.trial_heartbeats.c.trial_id == trial_id)
        assert conn.execute(stmt.values(heartbeat=cutoff)).rowcount == 1


def running_trial(study: hpint.Study, beat: bool = True) -> hpint.Trial:
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    study._storage.flush() if isinstance(study._storage, CachedStorage) else None
    if beat:
        study._storage.record_heartbeat(trial._trial_id)
    return trial


def test_only_running_trials_with_an_old_heartbeat_are_stale(storage, recorder):
    study = hpint.create_study(storage=storage)
    old, fresh, never = (running_trial(study, beat=b) for b in (True, True, False))
    finished = running_trial(study)
    study.tell(finished, 1.0)
    backdate(storage, old._trial_id)
    backdate(storage, finished._trial_id)
    assert storage.stale_trial_ids(study._study_id) == [old._trial_id]
    fail_stale_trials(study)
    states = {t.number: t.state for t in study.trials}
    assert states == {
        old.number: TrialState.FAIL,
        fresh.number: TrialState.RUNNING,
        never.number: TrialState.RUNNING,  # never beat: not stale (as in Optuna)
        finished.number: TrialState.COMPLETE,
    }
    assert recorder.numbers == {old.number: 1}
    assert "No heartbeat for more than 2 s" in study.trials[old.number].system_attrs["fail_reason"]
    fail_stale_trials(study)  # nothing left to fail: the callback is not called again
    assert recorder.numbers == {old.number: 1}


def test_a_heartbeat_within_the_grace_period_is_fresh(storage):
    study = hpint.create_study(storage=storage)
    trial = running_trial(study)
    backdate(storage, trial._trial_id, seconds=1)  # one second old, grace period 2 s
    assert storage.stale_trial_ids(study._study_id) == []
    backdate(storage, trial._trial_id, seconds=3)
    assert storage.stale_trial_ids(study._study_id) == [trial._trial_id]
    storage.record_heartbeat(trial._trial_id)  # a new beat overwrites the old one: fresh again
    assert storage.stale_trial_ids(study._study_id) == []
    assert not storage.fail_stale_trial(trial._trial_id)  # the guarded UPDATE re-checks staleness
    assert study.trials[0].state == TrialState.RUNNING


def test_two_workers_fail_each_stale_trial_exactly_once(sql_url, storage, recorder):
    study = hpint.create_study(storage=storage, study_name="shared")
    trials = [running_trial(study) for _ in range(6)]
    for trial in trials:
        backdate(storage, trial._trial_id)
    # A second worker: its own engine and connections, and the caching layer `optimize` workers use.
    other = RDBStorage(sql_url, heartbeat_interval=1, grace_period=2, failed_trial_callback=recorder)
    studies = [study, hpint.load_study(study_name="shared", storage=CachedStorage(other))]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(s: hpint.Study) -> None:
        try:
            barrier.wait()
            fail_stale_trials(s)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in studies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert errors == []
    assert recorder.numbers == {t.number: 1 for t in trials}
    assert all(t.state == TrialState.FAIL for t in study.trials)


def test_the_cache_shows_a_trial_another_process_failed(sql_url, storage):
    cached = CachedStorage(RDBStorage(sql_url, heartbeat_interval=1))
    watcher = hpint.create_study(storage=cached, study_name="watched")
    trial = running_trial(watcher)
    assert watcher.trials[0].state == TrialState.RUNNING  # cached, as this process runs it
    backdate(storage, trial._trial_id)
    fail_stale_trials(hpint.load_study(study_name="watched", storage=storage))
    assert cached.get_trial(trial._trial_id).state == TrialState.FAIL
    assert [t.state for t in watcher.trials] == [TrialState.FAIL]
    with pytest.raises(hpint.exceptions.UpdateFinishedTrialError):
        watcher.tell(trial, 1.0)  # the late result of the dead worker is refused; FAIL stays
    assert hpint.load_study(study_name="watched", storage=storage).trials[0].state == TrialState.FAIL
    cached.close()


def test_retry_callback_copies_the_trial_and_keeps_its_history(sql_url):
    retry = RetryFailedTrialCallback(max_retry=2, inherit_intermediate_values=True)
    storage = RDBStorage(sql_url, heartbeat_interval=1, failed_trial_callback=retry)
    study = hpint.create_study(storage=storage)
    trial = running_trial(study)
    trial.report(0.5, step=3)
    trial.set_user_attr("note", "kept")
    for expected_history in ([0], [0, 1], [0, 1, 2]):
        backdate(storage, trial._trial_id)
        fail_stale_trials(study)
        if len(expected_history) > 2:
            break
        waiting = study.trials[-1]
        assert waiting.state == TrialState.WAITING
        assert RetryFailedTrialCallback.retried_trial_number(waiting) == 0
        assert RetryFailedTrialCallback.retry_history(waiting) == expected_history
        assert (waiting.params, waiting.user_attrs) == (study.trials[0].params, {"note": "kept"})
        assert waiting.intermediate_values == {3: 0.5}
        assert "fail_reason" not in waiting.system_attrs
        trial = study.ask()  # claims the retry
        assert trial.number == waiting.number and trial.suggest_float("x", 0, 1) == waiting.params["x"]
        storage.record_heartbeat(trial._trial_id)
    # max_retry=2: the third failure of the chain is not retried.
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 3
    assert RetryFailedTrialCallback.retried_trial_number(study.trials[0]) is None
    assert RetryFailedTrialCallback.retry_history(study.trials[0]) == []
    storage.close()


def test_without_heartbeats_nothing_is_failed(storage_url):
    study = hpint.create_study(storage=storage_url)
    trial = study.ask()
    fail_stale_trials(study)  # in-memory storage or heartbeats off: a no-op
    assert study.trials[0].state == TrialState.RUNNING
    if storage_url is not None:
        assert study._storage.stale_trial_ids(study._study_id) == []
        assert not study._storage.fail_stale_trial(trial._trial_id)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"heartbeat_interval": 0}, ValueError, r"`heartbeat_interval` must be a positive integer .* not 0"),
        ({"heartbeat_interval": 1.5}, ValueError, r"`heartbeat_interval` .* not 1.5"),
        ({"heartbeat_interval": True}, ValueError, r"`heartbeat_interval` .* not True"),
        ({"heartbeat_interval": 1, "grace_period": -3}, ValueError, r"`grace_period` .* not -3"),
        ({"heartbeat_interval": 1, "failed_trial_callback": 3}, TypeError, r"`failed_trial_callback` .* int"),
        (
            {
                "heartbeat_interval": 1,
                "failed_trial_callback": print,
                "heartbeat_stale_trial_callback": print,
            },
            ValueError,
            "not both",
        ),
    ],
)
def test_bad_heartbeat_arguments_are_named(tmp_path, kwargs, error, message):
    with pytest.raises(error, match=message):
        RDBStorage(f"sqlite:///{tmp_path / 'x.db'}", **kwargs)


def test_heartbeat_defaults_and_ignored_arguments(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    storage = RDBStorage(url, heartbeat_interval=5)
    assert (storage.heartbeat_interval, storage.grace_period, storage.failed_trial_callback) == (5, 10, None)
    with pytest.warns(UserWarning, match=r"`grace_period`=7 is ignored because `heartbeat_interval` is None"):
        off = RDBStorage(url, grace_period=7)
    assert (off.heartbeat_interval, off.grace_period) == (None, None)
    with pytest.warns(UserWarning, match=r"`failed_trial_callback`=.* is ignored"):
        RDBStorage(url, failed_trial_callback=RetryFailedTrialCallback())
    with pytest.warns(UserWarning, match="not longer than `heartbeat_interval`"):
        RDBStorage(url, heartbeat_interval=5, grace_period=5)
    with pytest.raises(ValueError, match=r"`max_retry` must be a non-negative integer or None, not -1"):
        RetryFailedTrialCallback(max_retry=-1)


def test_a_0002_database_is_upgraded_to_heartbeats(sql_url):
    engine = sa.create_engine(sql_url, poolclass=sa.pool.NullPool)
    existing = sa.MetaData()
    existing.reflect(engine, only=lambda name, _: name.startswith("hpint_"))
    existing.drop_all(engine)
    assert upgrade_storage(sql_url, revision="0002") == (None, "0002")
    assert "hpint_trial_heartbeats" not in sa.inspect(engine).get_table_names()
    assert upgrade_storage(sql_url) == ("0002", "0003")
    assert "hpint_trial_heartbeats" in sa.inspect(engine).get_table_names()
    engine.dispose()
    storage = RDBStorage(sql_url, heartbeat_interval=1)
    study = hpint.create_study(storage=storage)
    trial = running_trial(study)
    backdate(storage, trial._trial_id)
    fail_stale_trials(study)
    assert study.trials[0].state == TrialState.FAIL
    storage.close()


def test_a_new_database_has_the_heartbeat_table(sql_url):
    RDBStorage(sql_url).close()
    engine = sa.create_engine(sql_url, poolclass=sa.pool.NullPool)
    assert "hpint_trial_heartbeats" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_deleting_a_study_deletes_its_heartbeats(storage):
    study = hpint.create_study(storage=storage, study_name="gone")
    running_trial(study)
    hpint.delete_study(study_name="gone", storage=storage)
    with storage.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(models.trial_heartbeats)).scalar() == 0


def test_the_retry_callback_has_optuna_5s_name_and_the_old_one() -> None:
    from hpint.storages import RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback

    assert RetryFailedTrialCallback is RetryHeartbeatStaleTrialCallback
    callback = RetryHeartbeatStaleTrialCallback(max_retry=2, inherit_intermediate_values=True)
    assert callable(callback)
