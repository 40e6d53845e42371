"""RegretBoundEvaluator and EMMREvaluator on sampled functions, and the GP pieces they add."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hpint
from hpint.distributions import FloatDistribution
from hpint.samplers._gp._space import EncodedSpace
from hpint.study import StudyDirection
from hpint.terminator import EMMREvaluator, RegretBoundEvaluator
from hpint.terminator._emmr import expected_positive_part, posterior_kl
from hpint.terminator._gp import confidence_width, regret_bound
from hpint.trial import create_trial
from tests.terminator._studies import study_of

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


def _parabola(n: int, scale: float = 1.0, offset: float = 0.0) -> tuple[list[float], list[float]]:
    xs = np.linspace(0.0, 1.0, n)
    return list(scale * (xs - 0.3) ** 2 + offset), list(xs)


def _bound(values, xs, direction=MIN, **kwargs) -> float:
    return RegretBoundEvaluator(seed=0, **kwargs).evaluate(study_of(values, xs).trials, direction)


def test_regret_bound_shrinks_as_the_gp_becomes_confident():
    bounds = [_bound(*_parabola(n)) for n in (5, 10, 40)]
    assert bounds[0] > 2 * bounds[1] > 4 * bounds[2] > 0
    # and it still covers the true regret of the best point (the optimum is 0 at x = 0.3)
    for n, bound in zip((5, 10, 40), bounds):
        assert bound >= min(_parabola(n)[0])


def test_regret_bound_is_in_the_objectives_units_and_mirrors_for_maximization():
    base = _bound(*_parabola(10))
    assert _bound(*_parabola(10, scale=10.0, offset=3.0)) == pytest.approx(10 * base, rel=1e-3)
    values, xs = _parabola(10)
    assert _bound([-v for v in values], xs, MAX) == pytest.approx(base, rel=1e-9)


def test_regret_bound_fits_the_top_trials_only():
    values, xs = _parabola(20)
    bad_xs = list(np.linspace(0.01, 0.99, 20))
    with_bad = _bound(values + [100.0] * 20, xs + bad_xs, top_trials_ratio=0.5, min_n_trials=2)
    assert with_bad == pytest.approx(_bound(values, xs, top_trials_ratio=1.0), rel=1e-9)
    # below min_n_trials every trial is fitted, so the bad ones change the bound
    assert _bound(values + [100.0] * 20, xs + bad_xs, min_n_trials=40) != pytest.approx(with_bad, rel=1e-3)


def test_top_rows_by_hand():
    evaluator = RegretBoundEvaluator(top_trials_ratio=0.5, min_n_trials=2)
    mask = evaluator._top_rows(np.array([5.0, 1.0, 3.0, 1.0, 4.0, 2.0]))  # 3 best: 1, 1, 2
    assert mask.tolist() == [False, True, False, True, False, True]
    evaluator = RegretBoundEvaluator(top_trials_ratio=0.5, min_n_trials=1)
    ties = evaluator._top_rows(np.array([1.0, 1.0, 1.0, 2.0]))
    assert ties.tolist() == [True, True, True, False]  # ties with the last kept trial are kept
    assert RegretBoundEvaluator(min_n_trials=20)._top_rows(np.arange(5.0)).all()


def test_confidence_width_by_hand():
    # beta = 2 log(d t^2 pi^2 / (6 delta)) / 5 with d = 2, t = 10, delta = 0.1
    expected = math.sqrt(2 * math.log(2 * 100 * math.pi**2 / 0.6) / 5)
    assert confidence_width(2, 10, 0.1) == pytest.approx(expected)


class _LinearModel:
    """A stand-in posterior: mean ``x``, variance 0.01 everywhere."""

    def posterior(self, x):
        return x[:, 0].copy(), np.full(len(x), 0.01)


def test_regret_bound_by_hand():
    space = EncodedSpace({"x": FloatDistribution(0.0, 1.0)})
    candidates = np.array([[0.5], [0.2]])
    # lowest UCB among the candidates: 0.2 + 2 * 0.1; lowest LCB over [0, 1]: about 0 - 2 * 0.1
    bound = regret_bound(_LinearModel(), space, candidates, 2.0, np.random.RandomState(0))
    assert 0.595 < bound <= 0.6
    assert regret_bound(_LinearModel(), space, candidates, 0.0, np.random.RandomState(0)) < 0.2 + 1e-12


def test_emmr_pieces_by_hand():
    def positive_part(z):  # sd = 1
        return math.exp(-z * z / 2) / math.sqrt(2 * math.pi) + z * 0.5 * (1 + math.erf(z / math.sqrt(2)))

    assert expected_positive_part(0.0, 1.0) == pytest.approx(1 / math.sqrt(2 * math.pi))
    assert expected_positive_part(1.0, 2.0) == pytest.approx(2 * positive_part(0.5))
    assert expected_positive_part(3.0, 1e-6) == pytest.approx(3.0)
    assert expected_positive_part(-3.0, 1e-6) == pytest.approx(0.0, abs=1e-12)
    # 0.5 * (log(1 + var / noise) - var / (var + noise) + var * residual^2 / (var + noise)^2)
    assert posterior_kl(1.0, 1.0, 0.0) == pytest.approx(0.5 * (math.log(2) - 0.5))
    assert posterior_kl(1.0, 1.0, 2.0) == pytest.approx(0.5 * (math.log(2) - 0.5 + 1.0))
    assert posterior_kl(1e-12, 1.0, 5.0) == pytest.approx(0.0, abs=1e-10)  # nothing learned


def test_emmr_is_the_sum_of_its_terms():
    evaluator = EMMREvaluator(seed=3)
    values, xs = _parabola(8)
    space = EncodedSpace({"x": FloatDistribution(0.0, 1.0)})
    x = np.array(xs)[:, None]
    y = (np.array(values) - np.mean(values)) / np.std(values)
    moved, kappa, kl = evaluator._terms(space, x, y)
    assert moved > 0 and kappa > 0 and kl > 0
    total = EMMREvaluator(seed=3).evaluate(study_of(values, xs).trials, MIN)
    assert total == pytest.approx(moved + kappa * math.sqrt(kl / 2), rel=1e-9)


def test_regret_bound_needs_complete_trials_sharing_parameters():
    with pytest.raises(ValueError, match="complete trial"):
        RegretBoundEvaluator().evaluate(study_of([None]).trials, MIN)
    study = hpint.create_study()
    for name in ("a", "b"):
        dist = {name: FloatDistribution(0, 1)}
        study.add_trial(create_trial(value=1.0, params={name: 0.5}, distributions=dist))
    with pytest.raises(ValueError, match="intersection search space is empty"):
        RegretBoundEvaluator().evaluate(study.trials, MIN)


def test_emmr_falls_as_new_trials_stop_changing_the_model():
    values = [EMMREvaluator(seed=0).evaluate(study_of(*_parabola(n)).trials, MIN) for n in (5, 10, 40)]
    assert values[0] > 3 * values[1] > 9 * values[2] > 0
    v, xs = _parabola(10)
    mirrored = EMMREvaluator(seed=0).evaluate(study_of([-y for y in v], xs).trials, MAX)
    assert mirrored == pytest.approx(values[1], rel=1e-6)


def test_emmr_is_inf_until_min_n_trials_and_without_a_search_space():
    assert EMMREvaluator(min_n_trials=3).evaluate(study_of([1.0, None, 2.0]).trials, MIN) == math.inf
    assert math.isfinite(EMMREvaluator(min_n_trials=3).evaluate(study_of([1.0, 3.0, 2.0]).trials, MIN))
    study = hpint.create_study()
    for _ in range(3):
        study.add_trial(create_trial(value=1.0, params={}, distributions={}))
    with pytest.warns(UserWarning, match="share no parameter"):
        assert EMMREvaluator().evaluate(study.trials, MIN) == math.inf


def test_gp_covariance_and_theta_round_trip():
    from hpint.samplers._gp._model import build, fit

    rng = np.random.RandomState(0)
    x = rng.uniform(size=(12, 2))
    y = np.sin(3 * x[:, 0]) + x[:, 1]
    y = (y - y.mean()) / y.std()
    model = fit(x, y)
    points = rng.uniform(size=(5, 2))
    cov = model.covariance(points, points)
    np.testing.assert_allclose(cov, cov.T, atol=1e-12)
    np.testing.assert_allclose(np.diag(cov), model.posterior(points)[1], rtol=1e-8)
    assert np.all(np.linalg.eigvalsh(cov) > -1e-9)
    rebuilt = build(x, y, model.theta, fixed_noise=model.noise)
    np.testing.assert_allclose(rebuilt.posterior(points)[0], model.posterior(points)[0], atol=1e-6)


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (lambda: RegretBoundEvaluator(top_trials_ratio=0.0), "top_trials_ratio"),
        (lambda: RegretBoundEvaluator(top_trials_ratio=1.5), "top_trials_ratio"),
        (lambda: RegretBoundEvaluator(top_trials_ratio=float("nan")), "top_trials_ratio"),
        (lambda: RegretBoundEvaluator(min_n_trials=0), "min_n_trials"),
        (lambda: EMMREvaluator(min_n_trials=1), "min_n_trials"),
        (lambda: EMMREvaluator(delta=0.0), "delta"),
        (lambda: EMMREvaluator(delta=1.0), "delta"),
        (lambda: EMMREvaluator(deterministic_objective="yes"), "deterministic_objective"),
    ],
)
def test_bad_arguments_are_named(factory, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        factory()


@pytest.mark.parametrize("cls", [RegretBoundEvaluator, EMMREvaluator])
def test_seed_must_be_an_integer(cls):
    with pytest.raises(TypeError, match="`seed`"):
        cls(seed="0")
