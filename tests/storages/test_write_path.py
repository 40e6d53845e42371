"""The SQL path of a trial's epochs: intermediate values written as upserts, the cache's refresh read, on
SQLite which commits are synced to disk, and the one-statement epoch path of SQLite files."""

from __future__ import annotations

import math

import pytest

import hpint
from hpint._direction import StudyDirection
from hpint.exceptions import StudyNotFoundError
from hpint.storages import TrialUpdate

sa = pytest.importorskip("sqlalchemy")

from hpint.storages import RDBStorage, get_storage  # noqa: E402


@pytest.fixture
def sql_url(storage_url: str | None) -> str:
    if storage_url is None:
        pytest.skip("in-memory storage has no SQL path")
    return storage_url


def test_intermediate_values_overwrite_and_add_in_one_write(sql_url):
    storage = RDBStorage(sql_url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE])
    trial_id = storage.create_new_trial(study_id)._trial_id
    storage.update_trial(trial_id, TrialUpdate(intermediate_values={0: 1.0, 1: math.inf}))
    storage.update_trial(trial_id, TrialUpdate(intermediate_values={1: 2.0, 2: math.nan, 3: -math.inf}))
    fresh = RDBStorage(sql_url)  # reads the database, not anything the first object remembers
    values = fresh.get_trial(trial_id).intermediate_values
    assert list(values) == [0, 1, 2, 3]
    assert (values[0], values[1], values[3]) == (1.0, 2.0, -math.inf)
    assert math.isnan(values[2])
    storage.close()
    fresh.close()


def test_trials_since_reads_what_changed_and_checks_the_study(sql_url):
    storage = RDBStorage(sql_url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE])
    other_id = storage.create_new_study([StudyDirection.MINIMIZE])
    first = storage.create_new_trial(study_id)
    storage.create_new_trial(other_id)
    storage.update_trial(first._trial_id, TrialUpdate(intermediate_values={0: 0.5}))
    second = storage.create_new_trial(study_id)

    assert [t.number for t in storage.get_trials_since(study_id, -1, [])] == [0, 1]
    assert storage.get_trials_since(study_id, 1, []) == []  # nothing new: the study row alone
    again = storage.get_trials_since(study_id, 1, [first._trial_id])
    assert [(t._trial_id, t.intermediate_values) for t in again] == [(first._trial_id, {0: 0.5})]
    assert [t._trial_id for t in storage.get_trials_since(study_id, 0, [])] == [second._trial_id]

    storage.delete_study(study_id)
    for after, ids in ((1, []), (-1, [first._trial_id])):
        with pytest.raises(StudyNotFoundError):
            storage.get_trials_since(study_id, after, ids)
    assert [t.number for t in storage.get_trials_since(other_id, -1, [])] == [0]
    storage.close()


def test_trials_since_can_skip_running_trials_of_others(sql_url):
    """``finished_only``: of the listed (unfinished) trials, only those finished since are read again."""
    storage = RDBStorage(sql_url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE])
    running, finishing = (storage.create_new_trial(study_id)._trial_id for _ in range(2))
    new = storage.create_new_trial(study_id)
    storage.update_trial(finishing, TrialUpdate(state=hpint.TrialState.COMPLETE, values=[1.0]))
    listed = [running, finishing]
    assert [t._trial_id for t in storage.get_trials_since(study_id, 1, listed)] == [
        running,
        finishing,
        new._trial_id,
    ]
    found = storage.get_trials_since(study_id, 1, listed, finished_only=True)
    assert [(t._trial_id, t.state) for t in found] == [
        (finishing, hpint.TrialState.COMPLETE),
        (new._trial_id, hpint.TrialState.RUNNING),  # numbered after 1: new, so read whatever its state
    ]
    assert storage.get_trials_since(study_id, 2, [running], finished_only=True) == []
    storage.close()


def test_cache_reads_finished_trials_of_others_without_their_running_ones(sql_url):
    """A read of COMPLETE trials (the pruner's) sees another worker's trial as soon as it completes, curve
    included; a read of every trial still sees the latest values of the other's running trial."""
    mine, other = get_storage(sql_url), get_storage(sql_url)
    study_id = mine.create_new_study([StudyDirection.MINIMIZE])
    theirs = other.create_new_trial(study_id)._trial_id
    complete = (hpint.TrialState.COMPLETE,)
    assert mine.get_all_trials(study_id, states=complete) == []
    other.update_trial(theirs, TrialUpdate(intermediate_values={0: 3.0}))
    assert mine.get_all_trials(study_id, states=complete) == []
    assert mine.get_all_trials(study_id)[0].intermediate_values == {0: 3.0}
    other.update_trial(theirs, TrialUpdate(intermediate_values={1: 2.0}))
    other.update_trial(theirs, TrialUpdate(state=hpint.TrialState.COMPLETE, values=[2.0]))
    (done,) = mine.get_all_trials(study_id, states=complete)
    assert (done._trial_id, done.intermediate_values, done.values) == (theirs, {0: 3.0, 1: 2.0}, [2.0])
    mine.close()
    other.close()


def test_cache_skips_only_the_trials_it_knows(sql_url):
    """A cache takes its own new trial as read only when no other writer numbered one before it."""
    mine, other = get_storage(sql_url), get_storage(sql_url)  # two caches, as two processes have
    study_id = mine.create_new_study([StudyDirection.MINIMIZE])
    assert mine.get_all_trials(study_id) == []
    mine.create_new_trial(study_id)  # number 0
    other.create_new_trial(study_id)  # number 1, unknown to `mine`
    mine.create_new_trial(study_id)  # number 2
    assert [t.number for t in mine.get_all_trials(study_id)] == [0, 1, 2]
    other.create_new_trial(study_id)  # number 3
    assert [t.number for t in mine.get_all_trials(study_id)] == [0, 1, 2, 3]
    mine.close()
    other.close()


def test_sqlite_syncs_every_commit_but_a_running_trials_reports(tmp_path):
    study = hpint.create_study(storage=f"sqlite:///{tmp_path / 'sync.db'}", study_name="s")
    backend = study._storage.backend
    levels: list[int] = []  # PRAGMA synchronous at each write commit: 2 = FULL (synced), 1 = NORMAL

    def on_commit(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("hpint_write"):
            cursor = conn.connection.driver_connection.execute("PRAGMA synchronous")
            levels.append(cursor.fetchone()[0])

    epoch_connection = backend._epoch._connection()  # where a plain report is written
    epoch_writes: list[str] = []
    epoch_connection.set_trace_callback(
        lambda sql: epoch_writes.append(sql) if sql.startswith("INSERT") else None
    )
    sa.event.listen(backend.engine, "commit", on_commit)
    try:
        trial = study.ask()
        trial.suggest_float("x", 0, 1)
        trial.report(0.5, 0)  # written with the buffered parameter, through SQLAlchemy
        trial.report(0.4, 1)  # a plain report: one statement on the epoch connection
        trial.set_system_attr("k", 1)
        study.tell(trial, 0.3)
        study.set_user_attr("a", 1)
    finally:
        sa.event.remove(backend.engine, "commit", on_commit)
        epoch_connection.set_trace_callback(None)
    assert levels == [2, 1, 1, 2, 2]
    assert len(epoch_writes) == 1 and "hpint_trial_intermediate_values" in epoch_writes[0]
    assert epoch_connection.execute("PRAGMA synchronous").fetchone()[0] == 1
    stored = hpint.load_study(study_name="s", storage=f"sqlite:///{tmp_path / 'sync.db'}").trials[0]
    assert (stored.state, stored.intermediate_values, stored.params) == (
        hpint.TrialState.COMPLETE,
        {0: 0.5, 1: 0.4},
        {"x": trial.params["x"]},
    )


def _epoch_statements(connection) -> list[str]:
    """A list that fills with the SQL run on ``connection`` (a ``sqlite3`` connection) from now on."""
    seen: list[str] = []
    connection.set_trace_callback(seen.append)
    return seen


def test_sqlite_epoch_is_one_statement_to_write_and_one_to_read(tmp_path):
    """Once a trial's parameters are written, an epoch's report + should_prune runs two statements on
    SQLite, outside SQLAlchemy: the upsert of the value and the pruner's probe for new trials."""
    url = f"sqlite:///{tmp_path / 'epoch.db'}"
    study = hpint.create_study(storage=url, pruner=hpint.pruners.MedianPruner(n_startup_trials=1))
    done = study.ask()
    done.report(1.0, 0)
    study.tell(done, 1.0)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    trial.report(2.0, 0)  # also writes the buffered parameter, through SQLAlchemy
    assert trial.should_prune()  # worse than the completed trial: the pruner did read it

    backend = study._storage.backend
    through_sqlalchemy: list[str] = []
    sa.event.listen(backend.engine, "before_cursor_execute", lambda *a: through_sqlalchemy.append(a[2]))
    epoch = _epoch_statements(backend._epoch._connection())
    for step in (1, 2):
        trial.report(0.5, step)
        assert not trial.should_prune()
    assert through_sqlalchemy == []
    assert [sql.split()[0] for sql in epoch] == ["INSERT", "SELECT"] * 2
    assert hpint.load_study(study_name=study.study_name, storage=url).trials[1].intermediate_values == {
        0: 2.0,
        1: 0.5,
        2: 0.5,
    }


def test_sqlite_epoch_path_falls_back_to_the_usual_path(tmp_path):
    """When the epoch path cannot write (its connection broke, the trial is finished or unknown), the
    usual path writes the value or raises its usual error; the epoch path reconnects afterwards."""
    from hpint.exceptions import UpdateFinishedTrialError

    storage = RDBStorage(f"sqlite:///{tmp_path / 'fallback.db'}")
    study_id = storage.create_new_study([StudyDirection.MINIMIZE])
    trial_id = storage.create_new_trial(study_id)._trial_id
    storage.update_trial(trial_id, TrialUpdate(intermediate_values={0: 1.0}))
    storage._epoch._connection().close()  # broken behind the path's back
    storage.update_trial(trial_id, TrialUpdate(intermediate_values={1: 2.0}))
    storage._epoch._connection().close()
    assert storage.get_trials_since(study_id, -1, [])[0].intermediate_values == {0: 1.0, 1: 2.0}
    epoch = _epoch_statements(storage._epoch._connection())  # a new connection
    storage.update_trial(trial_id, TrialUpdate(intermediate_values={2: 3.0}))
    assert [sql.split()[0] for sql in epoch] == ["INSERT"]

    storage.update_trial(trial_id, TrialUpdate(state=hpint.TrialState.COMPLETE, values=[3.0]))
    with pytest.raises(UpdateFinishedTrialError):
        storage.update_trial(trial_id, TrialUpdate(intermediate_values={3: 4.0}))
    with pytest.raises(KeyError):
        storage.update_trial(10**6, TrialUpdate(intermediate_values={0: 1.0}))
    assert storage.get_trial(trial_id).intermediate_values == {0: 1.0, 1: 2.0, 2: 3.0}
    storage.close()


@pytest.mark.parametrize("heartbeat_interval", [None, 60])
def test_storage_object_is_cached_unless_it_beats(sql_url, heartbeat_interval):
    """An RDBStorage object gets a URL's cache, which holds a running trial's parameters until its first
    report; with heartbeats on it is used as it is, so a retry of a trial that died before reporting still
    finds its parameters in the database."""
    storage = RDBStorage(sql_url, heartbeat_interval=heartbeat_interval)
    study = hpint.create_study(storage=storage)
    assert (study._storage is storage) == (heartbeat_interval is not None)
    trial = study.ask()
    trial.suggest_float("x", 0.0, 1.0)
    fresh = RDBStorage(sql_url)
    seen = fresh.get_trial(trial._trial_id).params
    assert list(seen) == ([] if heartbeat_interval is None else ["x"])
    trial.report(0.5, 0)
    assert list(fresh.get_trial(trial._trial_id).params) == ["x"]
    study.tell(trial, 0.5)
    fresh.close()
    storage.close()
