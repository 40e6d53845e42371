"""Several processes creating trials at once on one study: unique, gap-free numbers and no trial lost.

Runs on SQLite, PostgreSQL and MySQL (the servers are skipped when their URL is not set). The workers are
started with ``spawn`` (fresh interpreters, as separate machines would be) and wait on a barrier so they
really create trials at the same moment. The study starts with enqueued trials,
so the workers also race to claim them.
"""

from __future__ import annotations

import multiprocessing
import time
from queue import Empty
from typing import Any

import pytest

import hpint
from hpint.trial import TrialState

N_WORKERS = 4
TRIALS_PER_WORKER = 25
TIMEOUT = 120  # seconds for the whole group of workers; spawn start-up is ~1 s each on 2 cores


def _objective(trial: hpint.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    n = trial.suggest_int("n", 0, 100)
    return x + 1000 * n


def _optimize_worker(url: str, study_name: str, worker: int, barrier: Any, queue: Any) -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    study = hpint.load_study(study_name=study_name, storage=url)
    told: list[int] = []

    def record(study: hpint.Study, frozen: hpint.FrozenTrial) -> None:
        told.append(frozen.number)

    barrier.wait(timeout=TIMEOUT)

    def objective(trial: hpint.Trial) -> float:
        trial.set_user_attr("worker", worker)
        return _objective(trial)

    study.optimize(objective, n_trials=TRIALS_PER_WORKER, callbacks=[record])
    queue.put((worker, told))


def _run_workers(target: Any, url: str, study_name: str) -> dict[int, list[int]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(N_WORKERS)
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(url, study_name, w, barrier, queue)) for w in range(N_WORKERS)]
    for p in procs:
        p.start()
    results: dict[int, list[int]] = {}
    try:
        deadline = time.monotonic() + TIMEOUT
        while len(results) < len(procs) and time.monotonic() < deadline:
            try:
                worker, told = queue.get(timeout=0.5)
            except Empty:  # fail at once if a worker died without a result
                assert all(p.exitcode in (None, 0) for p in procs), [p.exitcode for p in procs]
                continue
            results[worker] = told
        assert len(results) == len(procs), "the workers did not finish in time"
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * N_WORKERS
    return results


def _check(url: str, study_name: str, results: dict[int, list[int]], n_total: int) -> None:
    trials = hpint.load_study(study_name=study_name, storage=url).get_trials()
    assert [t.number for t in trials] == list(range(n_total))  # unique and gap-free
    assert all(t.state == TrialState.COMPLETE for t in trials)
    # No trial lost or mixed up: each worker's trials are stored, with its own params and value.
    for worker, told in results.items():
        assert len(told) == TRIALS_PER_WORKER
        for number in told:
            stored = trials[number]
            assert stored.user_attrs["worker"] == worker
            assert stored.value == stored.params["x"] + 1000 * stored.params["n"]
    assert sorted(n for told in results.values() for n in told) == list(range(n_total))


@pytest.fixture
def sql_url(storage_url: str | None) -> str:
    if storage_url is None:
        pytest.skip("processes cannot share an in-memory storage")
    return storage_url


def test_processes_sharing_one_study_get_unique_gap_free_numbers_and_lose_nothing(sql_url):
    """4 processes x 25 trials at once; the first 40 trials are enqueued, so workers race both to claim
    WAITING trials and to create new ones."""
    study = hpint.create_study(storage=sql_url, study_name="shared")
    n_enqueued = 40
    for i in range(n_enqueued):
        study.enqueue_trial({"x": float(i) / 10, "n": i})
    results = _run_workers(_optimize_worker, sql_url, "shared")
    _check(sql_url, "shared", results, N_WORKERS * TRIALS_PER_WORKER)
    trials = study.get_trials()
    enqueued = [(t.params["x"], t.params["n"]) for t in trials[:n_enqueued]]
    assert enqueued == [(float(i) / 10, i) for i in range(n_enqueued)]  # each ran once, as queued
