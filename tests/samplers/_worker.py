"""A worker process for the shared-storage tests: run trials of an existing study, then exit.

Usage: ``python _worker.py URL STUDY_NAME SAMPLER SEED N_TRIALS WORKER_TAG [BARRIER_DIR]``. With a
barrier directory the worker creates ``ready-<tag>`` there once loaded and waits for ``go``, so that
workers run their trials at the same time rather than one after the other's start-up. Kept free of
test imports so it runs as a plain script in a fresh interpreter.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import hpint
from hpint.samplers import BaseSampler, CmaEsSampler, NSGAIIISampler, NSGAIISampler, TPESampler

POPULATION = 6


def make_sampler(kind: str, seed: int) -> BaseSampler:
    if kind == "nsga2":
        return NSGAIISampler(population_size=POPULATION, seed=seed, mutation_prob=0.0)
    if kind == "nsga3":
        return NSGAIIISampler(population_size=POPULATION, seed=seed, mutation_prob=0.0)
    if kind == "cmaes":
        return CmaEsSampler(seed=seed, popsize=POPULATION, n_startup_trials=2)
    if kind == "tpe":
        return TPESampler(seed=seed, n_startup_trials=5)
    raise ValueError(f"unknown sampler kind {kind!r}")


def make_objective(kind: str, tag: str) -> Callable[[hpint.Trial], float | tuple[float, float]]:
    def objective(trial: hpint.Trial) -> float | tuple[float, float]:
        trial.set_user_attr("worker", tag)
        time.sleep(0.01)  # a trial takes time, so the workers' trials overlap
        x = trial.suggest_float("x", -3.0, 3.0)
        y = trial.suggest_float("y", -3.0, 3.0)
        if kind in ("nsga2", "nsga3"):
            return x**2 + y**2, (x - 1) ** 2 + (y - 1) ** 2
        return (x - 1) ** 2 + (y + 1) ** 2

    return objective


def directions(kind: str) -> list[str]:
    return ["minimize", "minimize"] if kind in ("nsga2", "nsga3") else ["minimize"]


def main(url: str, study_name: str, kind: str, seed: str, n_trials: str, tag: str, barrier: str = "") -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    study = hpint.load_study(study_name=study_name, storage=url, sampler=make_sampler(kind, int(seed)))
    if barrier:
        (Path(barrier) / f"ready-{tag}").touch()
        deadline = time.monotonic() + 120
        while not (Path(barrier) / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    study.optimize(make_objective(kind, tag), n_trials=int(n_trials))


if __name__ == "__main__":
    main(*sys.argv[1:8])
