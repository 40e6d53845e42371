"""Synthetic studies whose parameter importances are known."""

from __future__ import annotations

import hpint

EFFECT = {"a": 0.0, "b": 3.0, "c": -2.0}


def synthetic_study(n_trials: int = 200, seed: int = 0) -> hpint.Study:
    """f = 10x + y**2 + effect(c); z is irrelevant. Exact main-effect shares: x .886, c .112, y .002."""
    study = hpint.create_study(sampler=hpint.samplers.RandomSampler(seed=seed))

    def objective(trial: hpint.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        y = trial.suggest_float("y", -1, 1)
        trial.suggest_float("z", -1, 1)
        c = trial.suggest_categorical("c", list(EFFECT))
        return 10 * x + y**2 + EFFECT[c]

    study.optimize(objective, n_trials=n_trials)
    return study


def study_from_rows(rows: list[dict], values: list, distributions: dict, directions=None) -> hpint.Study:
    """A study holding one COMPLETE trial per row (``values``: a float or a list per trial)."""
    study = hpint.create_study(directions=directions or ["minimize"])
    for params, value in zip(rows, values):
        kwargs = {"values": value} if isinstance(value, list) else {"value": value}
        study.add_trial(hpint.create_trial(params=params, distributions=distributions, **kwargs))
    return study
