"""TPE's incrementally kept "rest" kernels give exactly what a Parzen estimator built from scratch gives."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hpint
from hpint.samplers import TPESampler
from hpint.samplers._tpe import _propose
from hpint.samplers._tpe._parzen import CategoricalDim, NumericalDim, ParzenEstimator, _sum_exp
from hpint.samplers._tpe._parzen_parameters import ParzenParameters
from hpint.samplers._tpe._rest_kernels import RestKernels, supports

_DIMS = [NumericalDim(0.0, 10.0, False, None), NumericalDim(1e-3, 1.0, True, None)]


def _assert_same(a: ParzenEstimator, b: ParzenEstimator, points: np.ndarray) -> None:
    np.testing.assert_array_equal(a._log_weights, b._log_weights)
    np.testing.assert_array_equal(a._mus, b._mus)
    np.testing.assert_array_equal(a._sigmas, b._sigmas)
    np.testing.assert_array_equal(a._log_norm, b._log_norm)
    assert a._use_matmul == b._use_matmul
    if a._use_matmul:
        np.testing.assert_array_equal(a._coef, b._coef)
    np.testing.assert_array_equal(a.log_pdf(points), b.log_pdf(points))


@pytest.mark.parametrize(
    "params",
    [
        ParzenParameters(),
        ParzenParameters(consider_endpoints=True),
        ParzenParameters(consider_magic_clip=False),  # needle-thin kernels: the non-matmul path
        ParzenParameters(prior_weight=3.0),
    ],
)
def test_kept_kernels_equal_a_fresh_estimator(params: ParzenParameters) -> None:
    rng = np.random.RandomState(0)
    n = 400
    table = np.column_stack([rng.choice([0.0, 2.5, 2.5, 7.0, 10.0], n), rng.uniform(1e-3, 1.0, n)])
    table[rng.rand(n) < 0.3, 1] = 0.5  # many ties in both columns, some at the bounds
    points = np.column_stack([rng.uniform(0, 10, 16), rng.uniform(1e-3, 1.0, 16)])
    kernels = RestKernels(_DIMS, params)
    member = np.zeros(n, dtype=bool)
    for step in range(200):
        if step == 120:
            member[rng.choice(np.flatnonzero(member), 3, replace=False)] = False  # rows leave: rebuilt
        elif step == 150:
            member[rng.choice(n, 40, replace=False)] = True  # many at once: rebuilt
        else:
            member[rng.choice(np.flatnonzero(~member), rng.choice([1, 1, 2]), replace=False)] = True
        rows = np.flatnonzero(member)
        weights = rng.uniform(0.1, 1.0, len(rows))
        kept = kernels.estimator(rows, table, weights)
        _assert_same(kept, ParzenEstimator(_DIMS, table[rows], weights, params), points)


def test_kept_kernels_equal_a_fresh_estimator_with_many_columns() -> None:
    """Sums over nine columns round differently with the memory layout unless taken column by column."""
    rng = np.random.RandomState(1)
    dims = [NumericalDim(-1.0, 1.0, False, None)] * 9
    table = rng.uniform(-1.0, 1.0, (300, 9)) ** 3
    points = rng.uniform(-1.0, 1.0, (24, 9))
    kernels = RestKernels(dims, ParzenParameters())
    for n in range(1, 300, 3):
        rows = np.arange(n)
        weights = np.linspace(0.1, 1.0, n)
        kept = kernels.estimator(rows, table, weights)
        _assert_same(kept, ParzenEstimator(dims, table[rows], weights, ParzenParameters()), points)


def test_sum_exp_equals_the_plain_sum_of_exp() -> None:
    rng = np.random.RandomState(2)
    x = -rng.exponential(400.0, (8, 300))
    x[:, 0] = 0.0
    x[:, 1:6] = [-744.5, -745.2, -746.0, -np.inf, -708.5]  # denormal results, exact zeros, -inf
    x[3, 7] = np.nan
    expected = np.exp(x).sum(axis=1)
    np.testing.assert_array_equal(_sum_exp(x.copy()), expected)


def test_log_pdf_with_kernels_of_probability_zero() -> None:
    """Without the prior a kernel gives the categories its trial did not take probability 0 (log -inf);
    such kernels add nothing to the density instead of turning it into NaN."""
    dims = [CategoricalDim(3), NumericalDim(0.0, 1.0, False, None)]
    obs = np.array([[0.0, 0.2], [1.0, 0.7]])
    with np.errstate(divide="ignore"):  # log(0) of the categories a kernel excludes
        est = ParzenEstimator(dims, obs, np.ones(2), ParzenParameters(consider_prior=False))
        value = est.log_pdf(np.array([[0.0, 0.25]]))[0]
    mu, sigma = 0.2, float(est._sigmas[0, 0])  # only the first kernel took category 0; it weighs 1/2

    def cdf(z: float) -> float:
        return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))

    mass = cdf((1.0 - mu) / sigma) - cdf(-mu / sigma)
    density = math.exp(-0.5 * ((0.25 - mu) / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi) * mass)
    assert value == pytest.approx(math.log(0.5 * density), rel=1e-6)


def test_supports_only_continuous_dims_with_a_prior() -> None:
    assert supports(_DIMS, ParzenParameters())
    assert not supports(_DIMS + [NumericalDim(0.0, 1.0, False, 0.1)], ParzenParameters())
    assert not supports(_DIMS, ParzenParameters(consider_prior=False))
    assert not supports(_DIMS, ParzenParameters(bandwidth="scott"))


def _objective(trial: hpint.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", 1e-3, 10.0, log=True)
    if trial.number % 7 == 0:
        raise hpint.TrialPruned()
    return (x - 1.0) ** 2 + abs(np.log(y))


@pytest.mark.parametrize("kwargs", [{}, {"multivariate": False}, {"multivariate": True, "group": True}])
def test_tpe_suggests_the_same_with_and_without_kept_kernels(
    kwargs: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def run() -> list[dict]:
        study = hpint.create_study(sampler=TPESampler(seed=3, n_startup_trials=5, **kwargs))
        study.optimize(_objective, n_trials=160)
        return [t.params for t in study.trials]

    kept = run()
    monkeypatch.setattr(_propose, "supports", lambda dims, params: False)
    assert run() == kept
