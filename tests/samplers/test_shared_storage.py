"""Samplers whose state lives in the storage, driven from several processes.

Two worker processes share one SQLite study: NSGA-II continues one population (generations fill with
both workers' trials, and every child inherits from the parents stored for its generation) and CMA-ES
one optimizer (both workers' trials make up its generations). A new process resuming a study draws what
the uninterrupted run would have.
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import pytest

import hpint
from hpint.trial import TrialState

from ._worker import POPULATION, directions, make_objective, make_sampler

WORKER = str(Path(__file__).with_name("_worker.py"))
N_PER_WORKER = 15


def _run_workers(url: str, kind: str, n_trials: int, tags: list[str], barrier: Path) -> None:
    """Run one worker process per tag on the study, released together once all have loaded it."""
    barrier.mkdir(exist_ok=True)
    procs = [
        subprocess.Popen(
            [sys.executable, WORKER, url, "shared", kind, "0", str(n_trials), tag, str(barrier)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for tag in tags
    ]
    outputs = []
    try:
        deadline = time.monotonic() + 120
        while not all((barrier / f"ready-{tag}").exists() for tag in tags) and time.monotonic() < deadline:
            if any(proc.poll() is not None for proc in procs):
                break  # a worker died while loading: its output says why
            time.sleep(0.01)
        (barrier / "go").touch()
        for proc in procs:
            outputs.append(proc.communicate(timeout=150)[0])
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for proc, out in zip(procs, outputs):
        assert proc.returncode == 0, out


def _shared_study(tmp_path: Path, kind: str) -> hpint.Study:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    hpint.create_study(storage=url, study_name="shared", directions=directions(kind))
    _run_workers(url, kind, N_PER_WORKER, ["a", "b"], tmp_path / "barrier")
    study = hpint.load_study(study_name="shared", storage=url)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(trials) == 2 * N_PER_WORKER
    assert Counter(t.user_attrs["worker"] for t in trials) == {"a": N_PER_WORKER, "b": N_PER_WORKER}
    return study


@pytest.mark.parametrize("kind", ["nsga2", "nsga3"])  # one population machinery (BaseGASampler)
def test_two_processes_continue_one_nsga_population(tmp_path: Path, kind: str) -> None:
    study = _shared_study(tmp_path, kind)
    trials = study.trials
    generation = [t.system_attrs["nsga2:generation"] for t in trials]
    sizes = Counter(generation)
    last = max(sizes)
    assert last >= 2 * N_PER_WORKER // POPULATION - 2  # one population: generations fill at twice the pace
    assert all(
        POPULATION <= sizes[g] <= POPULATION + 1 for g in range(last)
    )  # one trial of overshoot at most
    mixed = [
        g
        for g in range(last)
        if {trials[i].user_attrs["worker"] for i in range(len(trials)) if generation[i] == g} == {"a", "b"}
    ]
    assert len(mixed) >= last // 2
    attrs = study.system_attrs
    for t in trials:
        g = t.system_attrs["nsga2:generation"]
        if g == 0:
            continue
        parents = [trials[n] for n in attrs[f"nsga2:parents:{g}:{t.system_attrs['nsga2:parents']}"]]
        assert len(parents) == POPULATION
        assert all(p.state == TrialState.COMPLETE and p.system_attrs["nsga2:generation"] < g for p in parents)
        for name, value in t.params.items():  # mutation_prob=0 and uniform crossover: inherited values
            assert value in [p.params[name] for p in parents], (t.number, name)
    # Two workers starting a generation at once may both store a list. A worker that stored the larger
    # one moves to the smaller as soon as a re-read shows it (usually at its next trial; later if the other
    # worker was slow to write it), and never back: in trial order, each worker's lists only shrink.
    for g in range(1, last + 1):
        for tag in ("a", "b"):
            writers = [
                t.system_attrs["nsga2:parents"]
                for t in trials
                if t.system_attrs["nsga2:generation"] == g and t.user_attrs["worker"] == tag
            ]
            assert writers == sorted(writers, reverse=True), (g, tag, writers)


def test_two_processes_share_one_cmaes_optimizer(tmp_path: Path) -> None:
    study = _shared_study(tmp_path, "cmaes")
    tags = {}
    for t in study.trials:
        for key, value in t.system_attrs.items():
            if key.startswith("cma:") and key.endswith(":generation"):
                tags[t.number] = tuple(value)
    by_generation: dict[tuple, set[str]] = {}
    for number, tag in tags.items():
        by_generation.setdefault(tag, set()).add(study.trials[number].user_attrs["worker"])
    n_cma_trials = len(tags)
    assert n_cma_trials >= 2 * N_PER_WORKER - 3  # every trial after the start-up drew from CMA-ES
    assert len(by_generation) >= n_cma_trials // (POPULATION + 1) - 1
    assert sum(workers == {"a", "b"} for workers in by_generation.values()) >= len(by_generation) // 2
    assert max(Counter(tags.values()).values()) <= POPULATION + 1


@pytest.mark.parametrize("kind", ["tpe", "nsga2", "nsga3"])
def test_a_new_process_resumes_like_an_uninterrupted_run(tmp_path: Path, kind: str) -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    n_before, n_after = 15, 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        straight = hpint.create_study(directions=directions(kind), sampler=make_sampler(kind, 0))
        straight.optimize(make_objective(kind, "a"), n_trials=n_before + n_after)
        url = f"sqlite:///{tmp_path / 'resume.db'}"
        study = hpint.create_study(
            storage=url, study_name="shared", directions=directions(kind), sampler=make_sampler(kind, 0)
        )
        study.optimize(make_objective(kind, "a"), n_trials=n_before)
    _run_workers(url, kind, n_after, ["a"], tmp_path / "barrier")
    resumed = hpint.load_study(study_name="shared", storage=url).trials
    assert [t.params for t in resumed[n_before:]] == [t.params for t in straight.trials[n_before:]]
