"""trial.set_constraint / trial.constraints (Optuna 5's API): storage, validation, feasibility of best."""

from __future__ import annotations

import math

import pytest

import hpint
from hpint.samplers import NSGAIISampler, RandomSampler
from hpint.trial import FixedTrial, TrialState, create_trial
from hpint.trial._constraints import CONSTRAINTS_KEY, constraint_values, violation


def test_set_constraint_is_stored_and_read_back_by_every_trial_kind(storage_url) -> None:
    study = hpint.create_study(storage=storage_url)
    trial = study.ask()
    trial.set_constraint("memory", 2)
    trial.set_constraint("latency", -0.5)
    assert trial.constraints == {"memory": 2.0, "latency": -0.5}
    study.tell(trial, 1.0)
    again = (
        study if storage_url is None else hpint.load_study(study_name=study.study_name, storage=storage_url)
    )
    stored = again.trials[0]
    assert stored.constraints == {"memory": 2.0, "latency": -0.5}
    fixed = FixedTrial({})
    fixed.set_constraint("c", 0)
    assert fixed.constraints == {"c": 0.0}


def test_a_constraint_keeps_its_first_value() -> None:
    trial = hpint.create_study().ask()
    trial.set_constraint("c", 1.0)
    with pytest.warns(UserWarning, match="'c' is already set"):
        trial.set_constraint("c", -1.0)
    assert trial.constraints == {"c": 1.0}


@pytest.mark.parametrize(
    ("key", "value", "error", "match"),
    [
        ("c", math.nan, ValueError, "'c'.*NaN"),
        ("c", "high", TypeError, "'c'.*'high'"),
        (3, 1.0, TypeError, "key"),
    ],
)
def test_bad_constraints_name_what_is_wrong(key, value, error, match) -> None:
    trial = hpint.create_study().ask()
    with pytest.raises(error, match=match):
        trial.set_constraint(key, value)
    assert trial.constraints == {}


def test_listed_and_named_constraints_merge() -> None:
    attrs = {CONSTRAINTS_KEY: [0.5, -1.0], "constraints:mem": 3.0, "other": 9.0}
    assert constraint_values(attrs) == {"0": 0.5, "1": -1.0, "mem": 3.0}
    assert violation(attrs) == 3.5
    assert create_trial(value=1.0, system_attrs=attrs).constraints == {"0": 0.5, "1": -1.0, "mem": 3.0}


def test_best_trial_and_best_trials_skip_infeasible_trials() -> None:
    study = hpint.create_study(sampler=RandomSampler(seed=0))

    def objective(trial: hpint.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_constraint("x_at_least_0.6", 0.6 - x)
        return x

    study.optimize(objective, n_trials=40)
    feasible = [t for t in study.trials if t.params["x"] >= 0.6]
    assert 0 < len(feasible) < 40
    assert study.best_value == min(t.value for t in feasible)
    assert [t.number for t in study.best_trials] == [study.best_trial.number]


def test_no_feasible_trial_means_no_best_trial(caplog) -> None:
    study = hpint.create_study()
    study.add_trial(create_trial(value=1.0, system_attrs={"constraints:c": 1.0}))
    trial = study.ask()
    trial.set_constraint("c", 2.0)
    hpint.logging.enable_propagation()
    try:
        with caplog.at_level("INFO", logger="hpint"):
            study.tell(trial, 0.5)  # logging the result must not need a best trial
    finally:
        hpint.logging.disable_propagation()
    assert "No trial is feasible yet." in caplog.text
    with pytest.raises(ValueError, match="feasible"):
        study.best_trial  # noqa: B018
    assert study.best_trials == []


def test_nsga2_ranks_by_set_constraint_without_a_constraints_func() -> None:
    """Parents of a generation are the feasible trials first, as with a constraints_func."""
    population = 8

    def objective(trial: hpint.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        trial.set_constraint("x_at_most_0.3", x - 0.3)
        return x + y, 1 - x + y

    sampler = NSGAIISampler(population_size=population, seed=3)
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=6 * population)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    feasible = [t.params["x"] <= 0.3 for t in study.trials]
    assert sum(feasible[-2 * population :]) > sum(feasible[: 2 * population])
    assert all(t.params["x"] <= 0.3 for t in study.best_trials)


def test_create_trial_takes_constraints_as_set_constraint_stores_them(storage_url) -> None:
    study = hpint.create_study(storage=storage_url)
    study.add_trial(create_trial(value=0.1, constraints={"memory": 2.0}))  # infeasible, better value
    study.add_trial(create_trial(value=0.5, constraints={"memory": -1.0, "latency": 0.0}))
    stored = hpint.load_study(study_name=study.study_name, storage=storage_url or study._storage).trials
    assert [t.constraints for t in stored] == [{"memory": 2.0}, {"latency": 0.0, "memory": -1.0}]
    assert stored[0].system_attrs == {f"{CONSTRAINTS_KEY}:memory": 2.0}
    assert study.best_trial.number == 1
    with pytest.raises(ValueError, match="'memory'.*NaN"):
        create_trial(value=0.1, constraints={"memory": math.nan})
    with pytest.raises(TypeError, match="'memory'"):
        create_trial(value=0.1, constraints={"memory": "high"})
