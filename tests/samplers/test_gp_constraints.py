"""GPSampler with constraints: the log-PF math, the constrained acquisition's gradient, and the sampler."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

import hpint
from hpint.samplers import GPSampler
from hpint.samplers._gp._acquisition import Acquisition
from hpint.samplers._gp._model import build
from hpint.samplers._gp._normal import log_cdf_and_grad, log_pf_and_grads

scipy = pytest.importorskip("scipy")
hpint.logging.set_verbosity(hpint.logging.WARNING)


def test_log_cdf_matches_the_naive_formula_where_that_is_stable() -> None:
    from scipy.stats import norm

    z = np.linspace(-8.0, 8.0, 161)
    value, grad = log_cdf_and_grad(z)
    np.testing.assert_allclose(value, np.log(norm.cdf(z)), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grad, norm.pdf(z) / norm.cdf(z), rtol=1e-9, atol=1e-12)


def test_log_cdf_stays_finite_far_in_the_tail() -> None:
    # Phi(-40) underflows to 0 and phi / Phi is 0 / 0; both come from the asymptotic series here.
    z = np.array([-40.0, -1e3, -1e5])
    value, grad = log_cdf_and_grad(z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    mills = (1.0 - 1.0 / z**2 + 3.0 / z**4) / -z  # Phi / phi for z -> -inf
    asymptote = -0.5 * z**2 - 0.5 * math.log(2 * math.pi) + np.log(mills)
    np.testing.assert_allclose(value, asymptote, rtol=1e-9)
    np.testing.assert_allclose(grad, 1.0 / mills, rtol=1e-6)


def test_log_pf_gradients_match_finite_differences() -> None:
    mean = np.array([-1.0, 0.0, 0.5, 3.0, 40.0])
    sigma = np.array([0.3, 1.0, 0.01, 2.0, 1.0])
    value, d_mean, d_sigma = log_pf_and_grads(mean, sigma, 0.2)
    eps = 1e-6
    num_mean = (log_pf_and_grads(mean + eps, sigma, 0.2)[0] - log_pf_and_grads(mean - eps, sigma, 0.2)[0]) / (
        2 * eps
    )
    num_sigma = (
        log_pf_and_grads(mean, sigma + eps, 0.2)[0] - log_pf_and_grads(mean, sigma - eps, 0.2)[0]
    ) / (2 * eps)
    np.testing.assert_allclose(d_mean, num_mean, rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(d_sigma, num_sigma, rtol=1e-4, atol=1e-9)
    assert np.all(np.isfinite(value))


def _acquisitions() -> list[Acquisition]:
    rng = np.random.RandomState(4)
    x = rng.uniform(size=(12, 3))
    y = np.cos(4 * x[:, 0]) + x[:, 2]
    y = (y - y.mean()) / y.std()
    c1 = x[:, 0] + x[:, 1] - 1.0
    c2 = np.sin(3 * x[:, 2]) - 0.5
    objective = build(x, y, np.array([2.0, 1.0, 0.5, 0.0, math.log(1e-4)]))
    constraints = (
        (build(x, (c1 - c1.mean()) / c1.std(), np.array([1.0, 1.0, 0.1, 0.0, math.log(1e-4)])), -0.3),
        (build(x[:8], c2[:8], np.array([0.5, 0.5, 3.0, 0.2, math.log(1e-3)])), 0.1),
    )
    return [Acquisition((objective, float(y.min())), constraints), Acquisition(None, constraints)]


@pytest.mark.parametrize("index", [0, 1], ids=["with_objective", "feasibility_only"])
def test_constrained_acquisition_gradient_matches_finite_differences(index: int) -> None:
    acquisition = _acquisitions()[index]
    points = np.random.RandomState(5).uniform(size=(4, 3))
    value, grad = acquisition.value_and_grad(points)
    np.testing.assert_allclose(value, acquisition.value(points), rtol=1e-12)
    eps = 1e-6
    for d in range(3):
        step = np.zeros(3)
        step[d] = eps
        numeric = (acquisition.value(points + step) - acquisition.value(points - step)) / (2 * eps)
        np.testing.assert_allclose(grad[:, d], numeric, rtol=1e-4, atol=1e-6)


def _circle(trial: hpint.Trial) -> float:
    x, y = trial.suggest_float("x", -2.0, 2.0), trial.suggest_float("y", -2.0, 2.0)
    return x * x + y * y


def _sum_constraint(trial: hpint.trial.FrozenTrial) -> list[float]:
    return [1.0 - trial.params["x"] - trial.params["y"]]  # x + y >= 1


def _run(sampler: GPSampler, objective: Callable[[hpint.Trial], float], n_trials: int) -> hpint.Study:
    study = hpint.create_study(sampler=sampler)
    study.optimize(objective, n_trials=n_trials)
    return study


def _is_feasible(trial: hpint.trial.FrozenTrial) -> bool:
    return _sum_constraint(trial)[0] <= 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_finds_the_constrained_optimum_where_the_unconstrained_gp_is_mostly_infeasible(seed: int) -> None:
    # min x^2 + y^2 s.t. x + y >= 1: the optimum 0.5 sits on the boundary, the free minimum (0) outside.
    constrained = _run(GPSampler(seed=seed, constraints_func=_sum_constraint), _circle, 30)
    best = min(t.value for t in constrained.trials if _is_feasible(t))
    assert best < 0.55
    assert constrained.best_value == pytest.approx(best)
    plain = _run(GPSampler(seed=seed), _circle, 30)
    model_based = plain.trials[10:]
    assert sum(_is_feasible(t) for t in model_based) < len(model_based) / 2


def test_set_constraint_and_constraints_func_give_the_same_suggestions() -> None:
    def with_set_constraint(trial: hpint.Trial) -> float:
        value = _circle(trial)
        trial.set_constraint("x_plus_y_at_least_1", 1.0 - trial.params["x"] - trial.params["y"])
        return value

    by_func = _run(GPSampler(seed=3, n_startup_trials=5, constraints_func=_sum_constraint), _circle, 12)
    by_set = _run(GPSampler(seed=3, n_startup_trials=5), with_set_constraint, 12)
    assert [t.params for t in by_func.trials] == [t.params for t in by_set.trials]
    assert [t.params for t in by_func.trials] != [
        t.params for t in _run(GPSampler(seed=3, n_startup_trials=5), _circle, 12).trials
    ]


def test_without_a_feasible_trial_it_moves_toward_feasibility() -> None:
    # Feasible only in the corner x + y >= 3.2; the start-up trials are all far from it.
    def far_corner(trial: hpint.trial.FrozenTrial) -> list[float]:
        return [3.2 - trial.params["x"] - trial.params["y"]]

    study = hpint.create_study(sampler=GPSampler(seed=0, n_startup_trials=5, constraints_func=far_corner))
    for x, y in ((-1.5, -1.0), (0.0, -2.0), (-2.0, 1.0), (0.5, 0.5), (1.0, -0.5)):
        study.enqueue_trial({"x": x, "y": y})
    study.optimize(_circle, n_trials=9)
    start, model_based = study.trials[:5], study.trials[5:]
    assert not any(far_corner(t)[0] <= 0 for t in start)
    assert far_corner(model_based[0])[0] < min(far_corner(t)[0] for t in start)
    assert any(far_corner(t)[0] <= 0 for t in model_based)


def test_trials_without_constraint_values_keep_the_study_unconstrained() -> None:
    # An empty list of constraint values is stored, but there is nothing to model: plain GP suggestions.
    def no_constraint(trial: hpint.trial.FrozenTrial) -> list[float]:
        return []

    with_empty = _run(GPSampler(seed=1, n_startup_trials=5, constraints_func=no_constraint), _circle, 9)
    plain = _run(GPSampler(seed=1, n_startup_trials=5), _circle, 9)
    assert [t.params for t in with_empty.trials] == [t.params for t in plain.trials]


def test_the_incumbent_is_the_best_feasible_trial_and_feasible_trials_lead_the_incumbents() -> None:
    from hpint.samplers._gp._propose import _constrained

    rng = np.random.RandomState(6)
    x = rng.uniform(size=(6, 2))
    y = np.array([-3.0, -2.0, -1.0, -0.5, -2.5, 0.0])  # the best two are infeasible
    constraints = [{"a": 1.0}, {"a": 0.5, "b": 2.0}, {"a": -1.0}, {"a": 0.0}, {"b": -0.2}, {"a": 0.1}]
    acquisition, order = _constrained(x, y, constraints, deterministic=False)
    assert acquisition.objective is not None and acquisition.objective[1] == -2.5
    assert len(acquisition.constraints) == 2  # "a" over five trials, "b" over two
    assert list(order) == [4, 2, 3, 5, 0, 1]  # feasible by value, then by total violation
    infeasible = [{"a": c["a"] + 5.0} if "a" in c else {"b": 1.0} for c in constraints]
    acquisition, order = _constrained(x, y, infeasible, deterministic=False)
    assert acquisition.objective is None and len(acquisition.constraints) == 2
