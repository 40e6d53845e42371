"""A storage inherited through ``fork`` (Lightning's ddp_fork, multiprocessing on Linux, DataLoader workers):
the child works on connections of its own, and the parent's keep working."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading

import pytest

import hpint
from hpint.storages import TrialUpdate, get_storage

sa = pytest.importorskip("sqlalchemy")

TIMEOUT = 60  # seconds; a child that waits on a lock held in the parent would hang


@pytest.fixture
def sql_url(storage_url: str | None) -> str:
    if storage_url is None:
        pytest.skip("an in-memory storage is copied by fork, not shared")
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    return storage_url


def _session_id(engine: sa.Engine) -> int | None:
    """The server's id of the session a pooled connection of ``engine`` is (None on SQLite)."""
    query = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}.get(
        engine.dialect.name
    )
    if query is None:
        return None
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(query).scalar_one())


def _child(storage, study_id: int, running_id: int, parent_sessions: set, results) -> None:
    try:
        if storage.backend.engine.pool.checkedin() != 0:
            results.put("the child's pool holds the parent's connections")
            return
        storage.update_trial(running_id, TrialUpdate(intermediate_values={1: 0.5}))  # the parent's trial
        own = storage.create_new_trial(study_id)._trial_id
        storage.update_trial(own, TrialUpdate(intermediate_values={0: 2.0}))
        storage.update_trial(own, TrialUpdate(state=hpint.TrialState.COMPLETE, values=[2.0]))
        session = _session_id(storage.backend.engine)
        results.put("ok" if session is None or session not in parent_sessions else f"parent's {session}")
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put(f"{type(e).__name__}: {e}")


@contextlib.contextmanager
def _held_by_another_thread(lock):
    """Hold ``lock`` in a thread other than this one for the duration of the block."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            taken.set()
            release.wait()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    taken.wait()
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_forked_child_uses_connections_of_its_own(sql_url):
    storage = get_storage(sql_url)
    study_id = storage.create_new_study([hpint.StudyDirection.MINIMIZE])
    running = storage.create_new_trial(study_id)._trial_id
    storage.update_trial(running, TrialUpdate(intermediate_values={0: 1.0}))  # connections now open
    parent_sessions = {_session_id(storage.backend.engine)} - {None}
    ctx = multiprocessing.get_context("fork")
    results = ctx.SimpleQueue()
    epoch = storage.backend._epoch
    # Threads of the parent in the middle of an epoch's statement and of a cache update when the fork
    # happens: the locks they hold are copied held into the child, which must not wait for them.
    with contextlib.ExitStack() as held:
        if epoch is not None:
            held.enter_context(epoch._lock)
        held.enter_context(_held_by_another_thread(storage._lock))
        child = ctx.Process(target=_child, args=(storage, study_id, running, parent_sessions, results))
        child.start()
    child.join(TIMEOUT)
    if child.is_alive():
        child.kill()
        pytest.fail(f"the child did not finish within {TIMEOUT} s")
    assert child.exitcode == 0
    assert results.get() == "ok"

    # The parent goes on with its own connections and sees what the child stored.
    storage.update_trial(running, TrialUpdate(intermediate_values={2: 0.25}))
    trials = storage.get_all_trials(study_id)
    assert [t.state for t in trials] == [hpint.TrialState.RUNNING, hpint.TrialState.COMPLETE]
    assert (trials[1].intermediate_values, trials[1].values) == ({0: 2.0}, [2.0])
    assert storage.backend.get_trial(running).intermediate_values == {0: 1.0, 1: 0.5, 2: 0.25}
    storage.close()
