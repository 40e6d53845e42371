"""TPE's candidate choice from truncated densities is exactly the choice the full densities give."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.samplers import TPESampler
from hpint.samplers._tpe import _propose, _ratio
from hpint.samplers._tpe._parzen import NumericalDim, ParzenEstimator, _truncated_normal, log_sum_exp
from hpint.samplers._tpe._parzen_parameters import ParzenParameters
from hpint.samplers._tpe._rest_kernels import RestKernels

_DIMS = [NumericalDim(-5.0, 5.0, False, None), NumericalDim(1e-3, 1.0, True, None)]


def _full_choice(good: ParzenEstimator, rest: ParzenEstimator, candidates: np.ndarray) -> int:
    return int(np.argmax(good.log_pdf(candidates) - rest.log_pdf(candidates)))


def _estimators(seed: int, n_rest: int) -> tuple[ParzenEstimator, ParzenEstimator, np.ndarray]:
    rng = np.random.RandomState(seed)
    table = np.column_stack([rng.normal(0.0, 1.0, n_rest + 30), np.exp(rng.uniform(-6.9, 0.0, n_rest + 30))])
    table[:, 0] = np.clip(table[:, 0], -5.0, 5.0)
    good = ParzenEstimator(_DIMS, table[:30], np.ones(30), ParzenParameters())
    rest = RestKernels(_DIMS, ParzenParameters()).estimator(
        np.arange(30, n_rest + 30), table, np.linspace(0.1, 1.0, n_rest)
    )
    candidates = good.sample(rng, 24)
    return good, rest, candidates


@pytest.mark.parametrize("seed", range(6))
def test_choice_equals_the_full_computation(seed: int) -> None:
    good, rest, candidates = _estimators(seed, 1500)
    assert rest.n_kernels >= _ratio._MIN_KERNELS  # the truncated path is the one tested
    assert _ratio.best_candidate(good, rest, candidates) == _full_choice(good, rest, candidates)


def test_exact_ties_go_to_the_first_candidate_as_in_the_full_computation() -> None:
    good, rest, candidates = _estimators(7, 800)
    best = _full_choice(good, rest, candidates)
    tied = np.vstack([candidates[:best], candidates[best], candidates[best:]])  # the best one twice
    assert _ratio.best_candidate(good, rest, tied) == best
    far = np.array([[4.9, 0.9], [-4.9, 0.002], [4.95, 0.0015]])  # only the prior kernels reach these
    both = np.vstack([far, far])
    assert _ratio.best_candidate(good, rest, both) == _full_choice(good, rest, both)


class _Fixed:
    """Stands in for an estimator whose log terms are given: candidate ``[i]`` has row ``i``'s terms."""

    def __init__(self, terms: np.ndarray) -> None:
        self.terms, self.n_kernels = terms, terms.shape[1]

    def log_terms_and_error(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        return self.terms[x[:, 0].astype(int)], 0.0

    def log_pdf(self, x: np.ndarray) -> np.ndarray:
        return log_sum_exp(self.log_terms_and_error(x)[0])


def test_near_ties_are_settled_by_the_full_computation() -> None:
    """Candidates whose densities are equal but for rounding: the truncated sums (taken in another order)
    sometimes rank them the other way round; the choice must still be the full computation's."""
    flipped = 0
    for seed in range(100):
        rng = np.random.RandomState(seed)
        row = -rng.exponential(3.0, 600)  # many terms near the largest: the rounding of the sum matters
        row[0] = 0.0
        terms = np.vstack([row, row[::-1], rng.permutation(row), rng.permutation(row)])
        good, rest = _Fixed(np.zeros((4, 1))), _Fixed(terms)
        full = int(np.argmax(-log_sum_exp(terms.copy())))
        flipped += int(np.argmax(-_ratio._truncated(terms)[0])) != full
        rows = np.arange(4.0)[:, None]
        assert _ratio.best_candidate(good, rest, rows) == full  # type: ignore[arg-type]
    assert flipped > 0  # the case arose


def test_truncated_density_is_within_its_bound() -> None:
    rng = np.random.RandomState(3)
    terms = -rng.exponential(300.0, (16, 3000))
    terms[:, 0] = 0.0
    terms[:4, 1:40] = rng.uniform(-745.5, -708.0, (4, 39))  # underflowing and subnormal exponentials
    terms += rng.uniform(-50.0, 50.0, (16, 1))
    values, bound = _ratio._truncated(terms)
    full = log_sum_exp(terms.copy())
    assert np.all(np.abs(values - full) <= bound)
    assert np.all(bound < 1e-4)  # 3,000 terms, each left out below e^-19 of the largest


def test_truncation_steps_aside_for_infinities() -> None:
    terms = np.zeros((3, 400))
    terms[1] = -np.inf
    assert _ratio._truncated(terms) is None


def test_full_rows_do_not_depend_on_the_other_rows() -> None:
    """Near-ties are settled with some rows computed in full; they must equal those of all rows."""
    rng = np.random.RandomState(4)
    terms = -rng.exponential(200.0, (24, 2000))
    rows = np.array([2, 3, 17])
    np.testing.assert_array_equal(log_sum_exp(terms[rows]), log_sum_exp(terms.copy())[rows])


def test_redrawing_one_value_at_a_time_gives_the_vectorised_draws() -> None:
    def vectorised(rng: np.random.RandomState, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
        out = rng.normal(mu, sigma)
        outside = (out < 0.0) | (out > 1.0)
        while outside.any():
            out[outside] = rng.normal(mu[outside], sigma[outside])
            outside = (out < 0.0) | (out > 1.0)
        return out

    draws = np.random.RandomState(5)
    for seed in range(200):
        n = draws.randint(1, 30)
        mu = draws.uniform(0.0, 1.0, n)
        sigma = np.where(draws.rand(n) < 0.3, 1.0, draws.uniform(1e-3, 0.5, n))
        a, b = np.random.RandomState(seed), np.random.RandomState(seed)
        np.testing.assert_array_equal(_truncated_normal(a, mu, sigma), vectorised(b, mu, sigma))
        assert a.normal() == b.normal()  # the generators are left in the same state


def _objective(trial: hpint.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", 1e-3, 10.0, log=True)
    return (x - 1.0) ** 2 + abs(np.log(y))


def test_tpe_suggests_the_same_with_the_full_densities(monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> list[dict]:
        study = hpint.create_study(sampler=TPESampler(seed=11))
        study.optimize(_objective, n_trials=400)
        return [t.params for t in study.trials]

    calls = []

    def counting(good: ParzenEstimator, rest: ParzenEstimator, candidates: np.ndarray) -> int:
        calls.append(rest.n_kernels >= _ratio._MIN_KERNELS)
        return _ratio.best_candidate(good, rest, candidates)

    monkeypatch.setattr(_propose, "best_candidate", counting)
    truncated = run()
    assert sum(calls) > 100  # the truncated densities were used
    monkeypatch.setattr(_propose, "best_candidate", _full_choice)
    assert run() == truncated


def test_terms_are_within_their_bound_whichever_rows_are_computed_with_them() -> None:
    """The near-ties are settled with a few rows' terms computed on their own: each entry, however BLAS
    blocks and orders the product, must stay within the stated bound of the exact value."""
    rng = np.random.RandomState(8)
    dims = [NumericalDim(0.0, 1.0, False, None)] * 20  # 41 coefficients: blocks of a few hundred kernels
    table = rng.beta(2.0, 5.0, (1500, 20))
    rest = RestKernels(dims, ParzenParameters()).estimator(np.arange(1500), table, np.ones(1500))
    candidates = rng.uniform(0.0, 1.0, (24, 20))
    terms, error = rest.log_terms_and_error(candidates)
    terms = terms.copy()
    assert 0.0 < error < 1e-6
    # the same terms from the unexpanded formula, weight - 0.5 * sum(((u - mu) / sigma)^2)
    z = (candidates[:, None, :] - rest._mus[None]) / rest._sigmas[None]
    direct = rest._log_norm - 0.5 * np.sum(np.square(z), axis=2)
    slack = 1e-13 * (1.0 + np.abs(direct))  # the direct formula's own rounding
    assert np.all(np.abs(terms - direct) <= error + slack)
    for rows in ([3], [0, 23], [5, 6, 7, 20]):
        alone = rest.log_terms(candidates[rows])
        assert np.all(np.abs(alone - direct[rows]) <= error + slack[rows])
