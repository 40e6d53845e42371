"""NSGAIISampler: argument checks, generations and parents kept in the storage, constraints, inheritance."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hpint
from hpint._hypervolume import hypervolume
from hpint.samplers import NSGAIISampler
from hpint.samplers.nsgaii import (
    BLXAlphaCrossover,
    PolynomialMutation,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from hpint.trial import TrialState

POP = 6


@pytest.fixture(autouse=True)
def _quiet() -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)


def _objective(trial: hpint.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_int("y", 0, 10)
    c = trial.suggest_categorical("c", ["a", "b", None])
    return x + y / 10, (1 - x) ** 2 + (c != "a")


def _parents(study: hpint.Study, generation: int) -> list[int]:
    """The parent list of ``generation`` that won: the one stored by the smallest trial number."""
    prefix = f"nsga2:parents:{generation}:"
    lists = {int(k[len(prefix) :]): v for k, v in study.system_attrs.items() if k.startswith(prefix)}
    return lists[min(lists)]


def _generation(trial: hpint.FrozenTrial) -> int:
    return trial.system_attrs["nsga2:generation"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"population_size": 1}, ValueError, "population_size"),
        ({"population_size": 2.5}, ValueError, "population_size"),
        ({"mutation_prob": 1.5}, ValueError, "mutation_prob"),
        ({"crossover_prob": -0.1}, ValueError, "crossover_prob"),
        ({"swapping_prob": 2}, ValueError, "swapping_prob"),
        ({"crossover": "uniform"}, ValueError, "crossover"),
        ({"mutation": "polynomial"}, ValueError, "mutation"),
        ({"crossover": UNDXCrossover(), "population_size": 2}, ValueError, "population_size"),
        ({"crossover": SPXCrossover(), "population_size": 2}, ValueError, "population_size"),
        ({"constraints_func": 3}, ValueError, "constraints_func"),
        ({"child_generation_strategy": {}}, ValueError, "child_generation_strategy"),
        ({"seed": "0"}, TypeError, "seed"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        NSGAIISampler(**kwargs)


def test_generations_advance_once_a_population_completes_and_parents_are_stored() -> None:
    study = hpint.create_study(
        directions=["minimize", "minimize"], sampler=NSGAIISampler(population_size=POP, seed=0)
    )
    study.optimize(_objective, n_trials=4 * POP)
    assert [_generation(t) for t in study.trials] == [g for g in range(4) for _ in range(POP)]
    for g in range(1, 4):
        parents = _parents(study, g)
        assert len(parents) == POP
        assert all(_generation(study.trials[n]) < g for n in parents)


def test_single_objective_parents_are_the_best_of_parents_and_children() -> None:
    def objective(trial: hpint.Trial) -> float:
        return sum((trial.suggest_float(f"x{i}", -2, 2) - 0.5) ** 2 for i in range(3))

    study = hpint.create_study(direction="maximize", sampler=NSGAIISampler(population_size=POP, seed=1))
    study.optimize(objective, n_trials=5 * POP)
    trials = study.trials
    previous: list[int] = []
    for g in range(1, 5):
        pool = set(previous) | {t.number for t in trials if _generation(t) == g - 1}
        best = sorted(pool, key=lambda n: -trials[n].value)[:POP]
        assert sorted(_parents(study, g)) == sorted(best)
        previous = _parents(study, g)


def test_children_inherit_values_from_their_generation_s_parents() -> None:
    sampler = NSGAIISampler(population_size=POP, seed=2, mutation_prob=0.0, crossover=UniformCrossover())
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_objective, n_trials=3 * POP)
    for t in study.trials[POP:]:
        parents = [study.trials[n] for n in _parents(study, _generation(t))]
        for name, value in t.params.items():
            assert value in [p.params[name] for p in parents], (t.number, name, value)


def test_constraints_are_stored_and_feasible_trials_survive_first() -> None:
    seen: list[hpint.FrozenTrial] = []

    def constraints(trial: hpint.FrozenTrial) -> list[float]:
        seen.append(trial)
        return [trial.params["x"] - 0.3, -1.0]  # feasible when x <= 0.3

    sampler = NSGAIISampler(population_size=POP, seed=3, constraints_func=constraints)
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_objective, n_trials=6 * POP)
    assert all(t.state == TrialState.COMPLETE and t.values is not None for t in seen)
    for t in study.trials:
        assert t.system_attrs["constraints"] == [t.params["x"] - 0.3, -1.0]
    feasible = [t.params["x"] <= 0.3 for t in study.trials]
    assert sum(feasible[-POP:]) > sum(feasible[:POP])  # the search moves into the feasible region
    for g in range(1, 6):
        pool = {t.number for t in study.trials if _generation(t) < g}
        n_feasible = sum(feasible[n] for n in pool)
        parents_feasible = sum(feasible[n] for n in _parents(study, g))
        assert parents_feasible == min(POP, n_feasible)


def test_constraints_func_returning_nan_is_an_error() -> None:
    sampler = NSGAIISampler(population_size=POP, constraints_func=lambda t: [math.nan])
    study = hpint.create_study(sampler=sampler)
    with pytest.raises(ValueError, match="NaN"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


def test_custom_elite_selector_decides_the_parents() -> None:
    def newest(study: hpint.Study, population: list[hpint.FrozenTrial]) -> list[hpint.FrozenTrial]:
        return sorted(population, key=lambda t: -t.number)[:POP]

    with pytest.warns(hpint.exceptions.ExperimentalWarning):
        sampler = NSGAIISampler(population_size=POP, seed=4, elite_population_selector_func=newest)
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_objective, n_trials=3 * POP)
    assert _parents(study, 2) == list(range(POP, 2 * POP))


@pytest.mark.parametrize(
    "crossover",
    [
        UniformCrossover(0.3),
        BLXAlphaCrossover(),
        SBXCrossover(),
        SPXCrossover(),
        UNDXCrossover(),
        VSBXCrossover(),
    ],
    ids=repr,
)
def test_every_crossover_gives_legal_values(crossover) -> None:
    def objective(trial: hpint.Trial) -> tuple[float, float]:
        a = trial.suggest_float("a", 1e-3, 1.0, log=True)
        b = trial.suggest_int("b", 1, 100, log=True)
        s = trial.suggest_float("s", -1.0, 1.0, step=0.25)
        k = trial.suggest_int("k", 0, 9, step=3)
        return math.log(a) ** 2 + s, b / 10 + k - s

    study = hpint.create_study(
        directions=["minimize", "minimize"],
        sampler=NSGAIISampler(population_size=POP, seed=5, crossover=crossover),
    )
    study.optimize(objective, n_trials=4 * POP)
    for t in study.trials:
        for name, value in t.params.items():
            dist = t.distributions[name]
            assert dist._contains(dist.to_internal_repr(value)), (name, value)
    assert len({t.params["a"] for t in study.trials[POP:]}) > POP  # crossover or mutation: new values


def test_best_trial_and_best_trials_consider_only_feasible_trials() -> None:
    def feasible_below_half(trial: hpint.FrozenTrial) -> list[float]:
        return [trial.params["x"] - 0.5]

    sampler = NSGAIISampler(population_size=POP, seed=6, constraints_func=feasible_below_half)
    study = hpint.create_study(direction="maximize", sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=3 * POP)
    feasible = [t for t in study.trials if t.params["x"] <= 0.5]
    assert max(t.value for t in study.trials) > 0.5  # the unconstrained best is infeasible
    assert study.best_trial.number == max(feasible, key=lambda t: t.value).number
    assert [t.number for t in study.best_trials] == [study.best_trial.number]

    mo = hpint.create_study(
        directions=["minimize", "minimize"],
        sampler=NSGAIISampler(population_size=POP, seed=6, constraints_func=feasible_below_half),
    )
    mo.optimize(lambda t: (t.suggest_float("x", 0.0, 1.0), 1.0 - t.params["x"]), n_trials=2 * POP)
    assert mo.best_trials and all(t.params["x"] <= 0.5 for t in mo.best_trials)

    never = hpint.create_study(sampler=NSGAIISampler(constraints_func=lambda t: [1.0]))
    never.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=2)
    with pytest.raises(ValueError, match="feasible"):
        _ = never.best_trial


def _zdt1(trial: hpint.Trial) -> tuple[float, float]:
    """ZDT1 over eight variables, its front moved inside to ``x1 = ... = x7 = 0.35``.

    Inside, so that children clipped to the bounds do not land on it by accident.
    """
    x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(8)]
    g = 1 + 9 * sum(abs(v - 0.35) for v in x[1:]) / (7 * 0.65)
    return x[0], g * (1 - math.sqrt(x[0] / g))


@pytest.mark.parametrize(
    "operators",
    [{"crossover": UNDXCrossover()}, {"crossover": VSBXCrossover()}, {"mutation": PolynomialMutation()}],
    ids=lambda ops: repr(next(iter(ops.values()))),
)
def test_new_operators_improve_hypervolume_over_generation_zero(operators: dict[str, Any]) -> None:
    pop, generations, reference = 12, 10, [1.1, 11.0]
    first, last = [], []
    for seed in (0, 1, 2):
        sampler = NSGAIISampler(population_size=pop, seed=seed, **operators)
        study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(_zdt1, n_trials=pop * generations)
        values = [t.values for t in study.trials]
        first.append(hypervolume(np.array(values[:pop]), reference))
        last.append(hypervolume(np.array([values[i] for i in _parents(study, generations - 1)]), reference))
    # The best possible is ~11.4; generation 0 gets ~8.6 and the parents after ten generations ~10.
    assert np.mean(last) > np.mean(first) + 1.0, (first, last)
