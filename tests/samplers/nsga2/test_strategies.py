"""The strategy hooks of NSGAIISampler and NSGAIIISampler (Optuna's signatures), and unchanged defaults."""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest

import hpint
from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.exceptions import ExperimentalWarning
from hpint.samplers import NSGAIIISampler, NSGAIISampler
from hpint.trial import TrialState
from tests.samplers.nsga2.test_sampler import _generation, _objective, _parents

POP = 4
SAMPLERS = [NSGAIISampler, NSGAIIISampler]
HOOKS = ["elite_population_selection_strategy", "child_generation_strategy", "after_trial_strategy"]


pytestmark = pytest.mark.filterwarnings("ignore:Trial .* failed:UserWarning")


@pytest.fixture(autouse=True)
def _quiet() -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)


def _sampler(cls: type, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        return cls(population_size=POP, seed=0, **kwargs)


@pytest.mark.parametrize("cls", SAMPLERS)
@pytest.mark.parametrize("hook", HOOKS)
def test_a_hook_must_be_callable_and_warns_as_experimental(cls: type, hook: str) -> None:
    with pytest.raises(ValueError, match=f"`{hook}` must be callable or None, not 3"):
        cls(**{hook: 3})
    with pytest.warns(ExperimentalWarning, match=hook):
        cls(**{hook: lambda *args: None})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls(**{hook: None})  # the default: no warning


@pytest.mark.parametrize("cls", SAMPLERS)
def test_child_generation_strategy_gets_the_space_and_the_trial_s_parents_and_its_params_are_used(
    cls: type,
) -> None:
    calls: list[tuple[Any, dict, list[hpint.FrozenTrial], int]] = []

    def child(study: hpint.Study, search_space: dict, parent_population: list) -> dict[str, Any]:
        calls.append((study, search_space, parent_population, len(study.trials) - 1))
        return {"x": 0.25, "c": "b"}  # "y" is left to random sampling

    study = hpint.create_study(
        directions=["minimize", "minimize"], sampler=_sampler(cls, child_generation_strategy=child)
    )
    study.optimize(_objective, n_trials=4 * POP)
    trials = study.trials
    assert [number for *_, number in calls] == list(range(POP, 4 * POP))  # from generation 1 on
    space = {
        "x": FloatDistribution(0.0, 1.0),
        "y": IntDistribution(0, 10),
        "c": CategoricalDistribution(["a", "b", None]),
    }
    for got_study, search_space, parents, number in calls:
        assert got_study is study
        assert search_space == space
        assert all(isinstance(p, hpint.FrozenTrial) and p.state == TrialState.COMPLETE for p in parents)
        assert [p.number for p in parents] == _parents(study, _generation(trials[number]))
    for t in trials[POP:]:
        assert (t.params["x"], t.params["c"]) == (0.25, "b")
    assert len({t.params["y"] for t in trials[POP:]}) > 1  # drawn, not fixed by the strategy
    assert len({t.params["x"] for t in trials[:POP]}) == POP  # generation 0 is random


@pytest.mark.parametrize(
    ("returned", "error", "message"),
    [
        ({"x": 1.5}, ValueError, "child_generation_strategy.*1.5.*'x'"),
        ({"c": "z"}, ValueError, "child_generation_strategy.*'z'.*'c'"),
        ({"y": 11}, ValueError, "child_generation_strategy.*11.*'y'"),
        ([0.5], TypeError, "child_generation_strategy.*dict"),
    ],
)
def test_a_child_strategy_returning_an_illegal_child_is_an_error(
    returned: Any, error: type, message: str
) -> None:
    sampler = _sampler(NSGAIISampler, child_generation_strategy=lambda *args: returned)
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_objective, n_trials=POP)
    with pytest.raises(error, match=message):
        study.optimize(_objective, n_trials=1)


def _ending(trial: Any, lib: Any) -> float:
    """COMPLETE, PRUNED (with an intermediate value), FAIL by exception and FAIL by NaN, in turn."""
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number % 4 == 1:
        trial.report(0.5, 0)
        raise lib.TrialPruned()
    if trial.number % 4 == 2:
        raise ValueError("the objective failed")
    return math.nan if trial.number % 4 == 3 else x


def _after_trial_calls(lib: Any, cls: type) -> tuple[Any, list[tuple]]:
    calls: list[tuple] = []

    def after(study: Any, trial: Any, state: Any, values: Any) -> None:
        calls.append((study, type(trial).__name__, trial.number, trial.state.name, state.name, values))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna's experimental warnings
        sampler = cls(
            population_size=POP, seed=0, after_trial_strategy=after, constraints_func=lambda t: [1.0]
        )
    study = lib.create_study(sampler=sampler)
    study.optimize(lambda t: _ending(t, lib), n_trials=8, catch=(ValueError,))
    return study, calls


@pytest.mark.parametrize("cls", SAMPLERS)
def test_after_trial_strategy_replaces_storing_the_constraints(cls: type) -> None:
    study, calls = _after_trial_calls(hpint, cls)
    assert [c[2] for c in calls] == list(range(8))
    assert all(c[0] is study and c[1] == "FrozenTrial" and c[3] == "RUNNING" for c in calls)
    states = [t.state.name for t in study.trials]
    assert [c[4] for c in calls] == states == ["COMPLETE", "PRUNED", "FAIL", "FAIL"] * 2
    assert [c[5] for c in calls] == [[t.params["x"]] if n % 4 == 0 else [0.5] if n % 4 == 1 else None
                                     for n, t in enumerate(study.trials)]  # fmt: skip
    assert all("constraints" not in t.system_attrs for t in study.trials)  # the default did not run
    default = hpint.create_study(sampler=_sampler(cls, constraints_func=lambda t: [1.0]))
    default.optimize(lambda t: _ending(t, hpint), n_trials=2, catch=(ValueError,))
    assert [t.system_attrs.get("constraints") for t in default.trials] == [[1.0], [1.0]]


@pytest.mark.parametrize("name", ["NSGAIISampler", "NSGAIIISampler"])
def test_after_trial_strategy_is_called_as_optuna_calls_it(name: str) -> None:
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    _, ours = _after_trial_calls(hpint, getattr(hpint.samplers, name))
    _, theirs = _after_trial_calls(optuna, getattr(optuna.samplers, name))

    def shape(calls: list[tuple]) -> list[tuple]:
        """All but the study and the random x: which trial, its state, the state and values passed."""
        return [(c[1:5], c[5] if c[4] != "COMPLETE" else len(c[5])) for c in calls]

    assert shape(ours) == shape(theirs)


@pytest.mark.parametrize("cls", SAMPLERS)
def test_elite_strategy_gets_optunas_candidates_children_then_parents(cls: type) -> None:
    calls: list[list[int]] = []

    def oldest(study: hpint.Study, candidates: list[hpint.FrozenTrial]) -> list[hpint.FrozenTrial]:
        calls.append([t.number for t in candidates])
        return sorted(candidates, key=lambda t: t.number)[:POP]

    study = hpint.create_study(
        directions=["minimize", "minimize"],
        sampler=_sampler(cls, elite_population_selection_strategy=oldest),
    )
    study.optimize(_objective, n_trials=4 * POP)
    assert len(calls) == 3  # generations 1, 2 and 3
    for generation, candidates in enumerate(calls, start=1):
        children = [t.number for t in study.trials if _generation(t) == generation - 1]
        previous = _parents(study, generation - 1) if generation > 1 else []
        assert candidates == children + previous
        assert _parents(study, generation) == list(range(POP))  # what the strategy chose


# Recorded from the code before the strategy hooks existed (main at adff1f3), with /tmp's golden.py:
# 40 trials of population 8, seed 0, three objectives, constraints_func; generation 4's parameters.
_BEFORE = {
    NSGAIISampler: (
        [
            (0.14923883859941656, 0.0020561294116542717, 1, "a"),
            (0.14923883859941656, 0.005281179171044513, 6, None),
            (0.14923883859941656, 0.005281179171044513, 5, "a"),
            (0.14923883859941656, 0.005281179171044513, 4, None),
            (0.14923883859941656, 0.0020561294116542717, 7, None),
            (0.8992199140247279, 0.06513347229320296, 1, "a"),
            (0.14923883859941656, 0.005281179171044513, 5, None),
            (0.8992199140247279, 0.0020561294116542717, 1, "a"),
        ],
        [3, 6, 12, 17, 23, 26, 27, 29],
    ),
    NSGAIIISampler: (
        [
            (0.2670386776685477, 0.005281179171044513, 1, "b"),
            (0.2670386776685477, 0.03781761175742634, 6, "b"),
            (0.2670386776685477, 0.03781761175742634, 1, "b"),
            (0.14923883859941656, 0.005281179171044513, 4, None),
            (0.2670386776685477, 0.11420542788707497, 7, None),
            (0.5755460777199208, 0.009403779684745222, 1, "b"),
            (0.6662665871704945, 0.005281179171044513, 5, "a"),
            (0.14923883859941656, 0.005281179171044513, 1, None),
        ],
        [15, 19, 20, 23, 24, 27, 28, 31],
    ),
}


@pytest.mark.parametrize("cls", SAMPLERS)
def test_without_hooks_seeded_suggestions_are_what_they_were_before_the_hooks(cls: type) -> None:
    def objective(trial: hpint.Trial) -> tuple[float, float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        z = trial.suggest_float("z", 1e-3, 1.0, log=True)
        y = trial.suggest_int("y", 0, 10)
        c = trial.suggest_categorical("c", ["a", "b", None])
        return x + y / 10 + z, (1 - x) ** 2 + (c != "a"), (0.5 - z) ** 2 + abs(y - 5)

    sampler = cls(
        population_size=8,
        seed=0,
        constraints_func=lambda t: [t.params["y"] - 8.0],
        elite_population_selection_strategy=None,
        child_generation_strategy=None,
        after_trial_strategy=None,
    )
    study = hpint.create_study(directions=["minimize"] * 3, sampler=sampler)
    study.optimize(objective, n_trials=40)
    params, parents = _BEFORE[cls]
    got = [tuple(t.params[k] for k in "xzyc") for t in study.trials[32:]]
    assert [(pytest.approx(x, rel=1e-12), pytest.approx(z, rel=1e-12), y, c) for x, z, y, c in params] == got
    assert _parents(study, 4) == parents
