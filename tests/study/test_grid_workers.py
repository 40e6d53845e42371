"""GridSampler with two worker processes on one SQLite study: every grid point is evaluated exactly once."""

from __future__ import annotations

import multiprocessing
import time
import warnings
from queue import Empty
from typing import Any

import pytest

import hpint
from hpint.trial import TrialState

pytest.importorskip("sqlalchemy")

SPACE = {"a": list(range(6)), "b": ["x", "y", "z", "w"]}  # 24 points
TIMEOUT = 120


def _worker(url: str, barrier: Any, queue: Any) -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    study = hpint.load_study(study_name="grid", storage=url, sampler=hpint.samplers.GridSampler(SPACE))
    barrier.wait(timeout=TIMEOUT)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # No n_trials: each worker stops by itself once every point is taken.
        study.optimize(lambda t: t.suggest_int("a", 0, 5) + len(t.suggest_categorical("b", SPACE["b"])))
    queue.put([str(w.message) for w in caught if "grid" in str(w.message)])


def _result(queue: Any, procs: list[Any]) -> Any:
    """The next worker's result; fails at once if a worker died without one."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            return queue.get(timeout=0.5)
        except Empty:
            if any(p.exitcode not in (None, 0) for p in procs):
                pytest.fail(f"a worker failed: exit codes {[p.exitcode for p in procs]}")
    pytest.fail("the workers did not finish in time")


def test_two_processes_never_evaluate_a_grid_point_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'grid.db'}"
    hpint.create_study(storage=url, study_name="grid")
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, barrier, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    try:
        messages = [_result(queue, procs) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0, 0]
    trials = hpint.load_study(study_name="grid", storage=url).trials
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    points = [(t.params["a"], t.params["b"]) for t in complete]
    assert len(points) == len(set(points)) == 24  # every point once, none twice
    extra = [t for t in trials if t.state != TrialState.COMPLETE]  # trials started when all were taken
    assert all(t.state == TrialState.PRUNED and t.params == {} for t in extra)
    assert messages == [[], []]  # no grid warnings
