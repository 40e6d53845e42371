"""Mutation operators: bounds, spread around the parent, and how the samplers apply them."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hpint
from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.samplers import NSGAIIISampler, NSGAIISampler
from hpint.samplers._nsga2._child import mutate
from hpint.samplers.nsgaii import BaseMutation, PolynomialMutation

STUDY = hpint.create_study()
UNIT = np.array([0.0, 1.0])


@pytest.fixture(autouse=True)
def _quiet() -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)


def _mutations(eta: float, param: float, bounds: np.ndarray = UNIT, n: int = 4000) -> np.ndarray:
    rng = np.random.RandomState(0)
    return np.array([PolynomialMutation(eta).mutation(param, rng, STUDY, bounds) for _ in range(n)])


def test_polynomial_mutation_stays_in_random_bounds_for_any_eta() -> None:
    rng = np.random.RandomState(1)
    for _ in range(3000):
        low = rng.uniform(-10, 10)
        bounds = np.array([low, low + rng.choice([0.0, 1e-9, rng.exponential(5)])])
        param = rng.choice([bounds[0], bounds[1], rng.uniform(*bounds)])
        y = PolynomialMutation(rng.choice([0.0, 1.0, 20.0, 500.0])).mutation(param, rng, STUDY, bounds)
        assert bounds[0] <= y <= bounds[1], (bounds, param, y)


def test_polynomial_mutation_centres_on_the_parent_and_eta_narrows_it() -> None:
    wide, narrow = _mutations(2.0, 0.5), _mutations(100.0, 0.5)
    for values in (wide, narrow):
        assert (values > 0.5).mean() == pytest.approx(0.5, abs=0.03)  # either way, equally often
        assert values.mean() == pytest.approx(0.5, abs=0.01)
    assert np.abs(narrow - 0.5).mean() < np.abs(wide - 0.5).mean() / 10
    # Far from the bounds P(|change| > t) = (1 - t) ** (eta + 1): 90% of the moves within ~2% of the range.
    assert np.quantile(np.abs(narrow - 0.5), 0.9) == pytest.approx(1 - 0.1 ** (1 / 101), rel=0.1)
    assert np.all(narrow != 0.5)  # a mutated value changes (almost surely)


def test_polynomial_mutation_never_steps_past_a_near_bound() -> None:
    values = _mutations(1.0, 0.9, np.array([0.0, 1.0]))
    assert values.max() <= 1.0 and (values > 0.9).mean() == pytest.approx(0.5, abs=0.03)
    assert values.max() > 0.99  # the whole room up to the bound is used
    np.testing.assert_array_equal(_mutations(20.0, 3.0, np.array([3.0, 3.0]), n=5), 3.0)


SPACE = {
    "x": FloatDistribution(-2.0, 3.0),
    "lr": FloatDistribution(1e-5, 1e-1, log=True),
    "s": FloatDistribution(0.0, 1.0, step=0.1),
    "n": IntDistribution(1, 9),
    "w": IntDistribution(2, 512, log=True),
    "k": IntDistribution(0, 30, step=5),
    "c": CategoricalDistribution(["a", "b"]),
}


@pytest.mark.parametrize("eta", [0.0, 5.0])
def test_mutate_gives_legal_values_and_leaves_categoricals_to_independent_sampling(eta: float) -> None:
    rng = np.random.RandomState(0)
    child = {"x": 3.0, "lr": 1e-5, "s": 0.3, "n": 9, "w": 2, "k": 30, "c": "a"}
    changed = {name: 0 for name in SPACE}
    for _ in range(400):
        result = mutate(STUDY, child, list(SPACE), SPACE, PolynomialMutation(eta), rng)
        assert "c" not in result and set(result) == set(SPACE) - {"c"}
        for name, value in result.items():
            assert SPACE[name]._contains(SPACE[name].to_internal_repr(value)), (name, value)
            changed[name] += value != child[name]
    assert all(changed[name] > 100 for name in result)  # rounding back onto the grid keeps most moves
    untouched = mutate(STUDY, child, ["x"], SPACE, PolynomialMutation(eta), rng)
    assert {k: v for k, v in untouched.items() if k != "x"} == {k: v for k, v in child.items() if k != "x"}


class _ToUpperBound(BaseMutation):
    """A user's operator written against Optuna's signature."""

    def mutation(self, param, rng, study, search_space_bounds):
        return search_space_bounds[1] + 100.0  # beyond the bound: clipped


class _Broken(BaseMutation):
    def mutation(self, param, rng, study, search_space_bounds):
        return math.nan


def test_user_mutations_are_clipped_and_bad_values_named() -> None:
    result = mutate(
        STUDY, {"lr": 1e-3, "n": 3}, ["lr", "n"], SPACE, _ToUpperBound(), np.random.RandomState(0)
    )
    assert result == {"lr": pytest.approx(1e-1), "n": 9}
    with pytest.raises(ValueError, match="_Broken.*'lr'"):
        mutate(STUDY, {"lr": 1e-3}, ["lr"], SPACE, _Broken(), np.random.RandomState(0))
    assert str(PolynomialMutation()) == "PolynomialMutation"
    with pytest.raises(TypeError):
        BaseMutation()  # abstract


@pytest.mark.parametrize("sampler", [NSGAIISampler, NSGAIIISampler])
@pytest.mark.parametrize("bad", ["polynomial", PolynomialMutation, lambda p, *a: p])
def test_samplers_reject_a_mutation_that_is_not_a_base_mutation(sampler, bad) -> None:
    with pytest.raises(ValueError, match="`mutation` must be a BaseMutation"):
        sampler(mutation=bad)
    with pytest.raises(ValueError, match="eta"):
        PolynomialMutation(eta=-1.0)


def _parent_of(child: hpint.FrozenTrial, parents: list[hpint.FrozenTrial]) -> hpint.FrozenTrial:
    return max(parents, key=lambda p: sum(p.params[k] == v for k, v in child.params.items()))


@pytest.mark.parametrize("sampler", [NSGAIISampler, NSGAIIISampler])
def test_samplers_move_mutated_parameters_near_the_parent(sampler) -> None:
    """Copies of one parent (no crossover): a quarter of the values move, and only a little."""

    def objective(trial: hpint.Trial) -> tuple[float, float]:
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(4)]
        return sum(x), sum((1 - v) ** 2 for v in x)

    pop = 8
    make = sampler(
        population_size=pop,
        mutation=PolynomialMutation(100.0),
        mutation_prob=0.25,
        crossover_prob=0.0,
        seed=0,
    )
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=make)
    study.optimize(objective, n_trials=6 * pop)
    trials = study.trials
    moves = []
    for child in trials[pop:]:
        generation = child.system_attrs["nsga2:generation"]
        parents = [
            t for t in trials if t.number < child.number and t.system_attrs["nsga2:generation"] < generation
        ]
        parent = _parent_of(child, parents)
        moves += [abs(v - parent.params[k]) for k, v in child.params.items()]
    moves = np.array(moves)
    assert (moves > 0).mean() == pytest.approx(0.25, abs=0.08)
    assert np.median(moves[moves > 0]) < 0.02  # mutation=None would redraw: median ~0.3
