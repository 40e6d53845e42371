"""The SQL path of a trial's epochs: intermediate values written as upserts, the cache's refresh read, and
on SQLite which commits are synced to disk."""

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
    engine = study._storage.backend.engine
    levels: list[int] = []  # PRAGMA synchronous at each write commit: 2 = FULL (synced), 1 = NORMAL

    def on_commit(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("hpint_write"):
            cursor = conn.connection.driver_connection.execute("PRAGMA synchronous")
            levels.append(cursor.fetchone()[0])

    sa.event.listen(engine, "commit", on_commit)
    try:
        trial = study.ask()
        trial.suggest_float("x", 0, 1)
        trial.report(0.5, 0)
        trial.report(0.4, 1)
        trial.set_system_attr("k", 1)
        study.tell(trial, 0.3)
        study.set_user_attr("a", 1)
    finally:
        sa.event.remove(engine, "commit", on_commit)
    assert levels == [2, 1, 1, 1, 2, 2]
    stored = hpint.load_study(study_name="s", storage=f"sqlite:///{tmp_path / 'sync.db'}").trials[0]
    assert (stored.state, stored.intermediate_values, stored.params) == (
        hpint.TrialState.COMPLETE,
        {0: 0.5, 1: 0.4},
        {"x": trial.params["x"]},
    )
