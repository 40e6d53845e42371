"""A worker process for the cross-process pruner tests: runs trials of shared SQLite studies.

Usage: python _process_worker.py URL N_TRIALS NAME:PRUNER [NAME:PRUNER ...]

Each trial's learning curve depends only on its number (``curve``), so a run's decisions depend only on
the order in which trials report, and can be compared with a single-process run of the same order.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import hpint
from hpint.pruners import BasePruner, HyperbandPruner, MedianPruner, SuccessiveHalvingPruner

N_STEPS = 9

PRUNERS = {
    "median": lambda: MedianPruner(n_startup_trials=2),
    "asha": lambda: SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    "asha_auto": lambda: SuccessiveHalvingPruner(),
    "hyperband": lambda: HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3),
    "hyperband_auto": lambda: HyperbandPruner(min_resource=1, reduction_factor=2),
}


def curve(number: int) -> list[float]:
    """A decreasing loss whose level is a fixed pseudo-random function of the trial number."""
    level = 0.1 + ((number * 7) % 11) / 10.0
    return [level * (1.0 + 1.0 / (step + 1)) for step in range(N_STEPS)]


def objective(trial: hpint.Trial) -> float:
    trial.set_user_attr("pid", os.getpid())
    values = curve(trial.number)
    for step, value in enumerate(values):
        trial.report(value, step)
        if trial.should_prune():
            _note_bracket(trial)
            raise hpint.TrialPruned()
    _note_bracket(trial)
    return values[-1]


def _note_bracket(trial: hpint.Trial) -> None:
    """Record, for Hyperband, the bracket this process's pruner put the trial in."""
    pruner = trial.study.pruner
    if isinstance(pruner, HyperbandPruner) and pruner.n_brackets is not None:
        trial.set_user_attr("bracket", pruner.bracket_id(trial.study, trial.number))
        trial.set_user_attr("n_brackets", pruner.n_brackets)


def run(storage: Any, name: str, pruner: BasePruner, n_trials: int) -> None:
    study = hpint.load_study(study_name=name, storage=storage, pruner=pruner)
    study.optimize(objective, n_trials=n_trials)


if __name__ == "__main__":
    logging.getLogger("hpint").setLevel(logging.WARNING)
    url, n = sys.argv[1], int(sys.argv[2])
    for spec in sys.argv[3:]:
        study_name, kind = spec.split(":")
        run(url, study_name, PRUNERS[kind](), n)
