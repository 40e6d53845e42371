"""TPE's shortcuts for long histories give exactly what the plain computations give."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import hpint
from hpint.distributions import FloatDistribution
from hpint.samplers import TPESampler
from hpint.samplers._tpe import _propose
from hpint.samplers._tpe._history import TrialHistory
from hpint.samplers._tpe._normal import log_mass, log_mass_wide
from hpint.samplers._tpe._parzen import (
    NumericalDim,
    ParzenEstimator,
    _truncation_log_z,
    is_stable_order,
    numerical_kernels,
)
from hpint.samplers._tpe._parzen_parameters import ParzenParameters
from hpint.samplers._tpe._propose import first_k_stable
from hpint.samplers._tpe._split import _hypervolume_subset_2d, reference_point

_DIST = {"x": FloatDistribution(0.0, 1.0)}


def _trial(number: int, x: float | None) -> hpint.trial.FrozenTrial:
    params = {} if x is None else {"x": x}
    dists = {} if x is None else {"x": FloatDistribution(0.0, 10.0)}
    return hpint.trial.create_trial(value=float(number), params=params, distributions=dists)


def test_sorted_rows_kept_by_insertion_equal_a_stable_sort() -> None:
    rng = np.random.RandomState(0)
    values = rng.choice([1.0, 2.5, 3.0, 7.0, None], size=300).tolist()  # many ties, some missing
    trials = []
    history = TrialHistory([hpint.StudyDirection.MINIMIZE])
    for number, x in enumerate(values):
        trial = _trial(number, x)
        trial.number = number
        trials.append(trial)
        history.update(trials)
        if number % 7 == 0 or number > 250:  # both the sorting and the inserting path
            col = history.column("x")
            if col is None:
                assert history.sorted_rows("x") is None
                continue
            rows = np.flatnonzero(~np.isnan(col))
            expected = rows[np.argsort(col[rows], kind="stable")]
            np.testing.assert_array_equal(history.sorted_rows("x"), expected)


def test_is_stable_order() -> None:
    values = np.array([0.3, 0.1, 0.3, 0.2])
    assert is_stable_order(values, np.array([1, 3, 0, 2]))
    assert not is_stable_order(values, np.array([1, 3, 2, 0]))  # ties out of index order
    assert not is_stable_order(values, np.array([3, 1, 0, 2]))  # not sorted
    assert not is_stable_order(values, np.array([1, 3, 0]))


@pytest.mark.parametrize("k", [0, 1, 5, 13, 40])
def test_first_k_stable_equals_the_head_of_a_stable_argsort(k: int) -> None:
    rng = np.random.RandomState(k)
    loss = rng.choice([0.0, 1.0, 2.0, np.nan, -1.0], size=40)
    expected = np.zeros(40, dtype=bool)
    expected[np.argsort(np.where(np.isnan(loss), np.inf, loss), kind="stable")[:k]] = True
    np.testing.assert_array_equal(first_k_stable(loss, k), expected)


def test_kernels_from_a_given_order_equal_kernels_from_sorting() -> None:
    rng = np.random.RandomState(1)
    mus = np.round(rng.uniform(size=(500, 3)), 2)  # rounded: plenty of ties
    params = ParzenParameters()
    plain = numerical_kernels(mus, params, 3)
    good = [np.argsort(mus[:, i], kind="stable") for i in range(3)]
    bad = [good[0][::-1], None, np.arange(500)]
    for orders in (good, bad):
        given = numerical_kernels(mus, params, 3, orders)
        np.testing.assert_array_equal(given[0], plain[0])
        np.testing.assert_array_equal(given[1], plain[1])


def test_skipping_negligible_truncation_changes_no_bit() -> None:
    rng = np.random.RandomState(2)
    mu = rng.uniform(size=5000)
    sigma = np.clip(rng.uniform(0.0, 0.2, size=5000), 0.01, 1.0)
    full = log_mass(-mu / sigma, (1.0 - mu) / sigma) + np.log(sigma)
    fast = _truncation_log_z(mu, sigma) + np.log(sigma)
    np.testing.assert_array_equal(fast, full)


def test_log_mass_wide_equals_log_mass_on_wide_intervals() -> None:
    rng = np.random.RandomState(4)
    a = rng.uniform(-40.0, 5.0, size=2000)
    b = a + rng.uniform(0.01, 50.0, size=2000)
    np.testing.assert_array_equal(log_mass_wide(a, b), log_mass(a, b))


def test_log_pdf_matches_a_direct_mixture_of_truncated_normals() -> None:
    from scipy.stats import truncnorm

    dims = [NumericalDim(-2.0, 3.0, False, None), NumericalDim(1e-3, 1.0, True, None)]
    rng = np.random.RandomState(3)
    obs = np.column_stack([rng.uniform(-2, 3, size=40), np.exp(rng.uniform(math.log(1e-3), 0.0, size=40))])
    weights = rng.uniform(0.5, 1.0, size=40)
    est = ParzenEstimator(dims, obs, weights, ParzenParameters())
    x = np.column_stack([rng.uniform(-2, 3, size=6), np.exp(rng.uniform(math.log(1e-3), 0.0, size=6))])
    units = [d.to_unit(x[:, j]) for j, d in enumerate(dims)]
    w = np.append(weights, 1.0)
    w = w / w.sum()
    density = np.zeros(len(x))
    for k in range(len(w)):
        term = np.full(len(x), w[k])
        for j in range(2):
            mu, sigma = est._kernels[j][0][k], est._kernels[j][1][k]
            term *= truncnorm.pdf(units[j], -mu / sigma, (1 - mu) / sigma, loc=mu, scale=sigma)
        density += term
    # the normal CDF is a Chebyshev fit with relative error below 1.2e-7 (see _normal.py)
    np.testing.assert_allclose(est.log_pdf(x), np.log(density), rtol=1e-6)


def _five(trial: hpint.Trial) -> float:
    return sum(trial.suggest_float(f"x{i}", -10.0, 10.0) ** 2 for i in range(5))


def test_suggestions_on_a_long_history_do_not_depend_on_the_shortcuts(monkeypatch) -> None:
    def run() -> list[dict]:
        study = hpint.create_study(sampler=TPESampler(seed=5))
        study.optimize(_five, n_trials=300)
        return [t.params for t in study.trials]

    from hpint.samplers._tpe import _parzen

    accepted = []

    def counting(values: np.ndarray, order: np.ndarray) -> bool:
        accepted.append(is_stable_order(values, order))
        return accepted[-1]

    monkeypatch.setattr(_propose, "_SORTED_ROWS_MIN", 64)  # use the kept sort order early
    monkeypatch.setattr(_parzen, "is_stable_order", counting)
    fast = run()
    assert len(accepted) > 500 and all(accepted)  # the shortcut was taken, and its orders were right
    monkeypatch.setattr(_propose, "_sort_orders", lambda *args: None)
    monkeypatch.setattr(_propose, "first_k_stable", lambda loss, k: _plain_first_k(loss, k))
    assert run() == fast


def _plain_first_k(loss: np.ndarray, k: int) -> np.ndarray:
    mask = np.zeros(len(loss), dtype=bool)
    mask[np.argsort(np.where(np.isnan(loss), np.inf, loss), kind="stable")[:k]] = True
    return mask


def test_table_kept_by_appending_equals_stacking_the_columns() -> None:
    rng = np.random.RandomState(6)
    history = TrialHistory([hpint.StudyDirection.MINIMIZE])
    trials = []
    for number in range(150):
        params = {name: float(rng.uniform()) for name in ("a", "b") if rng.rand() < 0.8}
        dists = {name: FloatDistribution(0.0, 1.0) for name in params}
        trial = hpint.trial.create_trial(value=float(number), params=params, distributions=dists)
        trial.number = number
        trials.append(trial)
        history.update(trials)
        found = history.table(["a", "b"])
        columns = [history.column("a"), history.column("b")]
        if any(col is None for col in columns):
            assert found is None
            continue
        assert found is not None
        expected = np.column_stack(columns)
        np.testing.assert_array_equal(found[0], expected)
        np.testing.assert_array_equal(found[1], np.flatnonzero(~np.isnan(expected).any(axis=1)))


def test_split_from_the_previous_split_equals_a_split_from_scratch() -> None:
    rng = np.random.RandomState(7)
    history = TrialHistory([hpint.StudyDirection.MINIMIZE])
    ks = iter([3, 3, 5, 2, 2, 8, 8] * 40)  # growing, shrinking and steady numbers of good trials
    settings = _propose.Settings(ParzenParameters(), 24, None, None, False, False)
    trials = []
    for number in range(200):
        value = float(rng.choice([0.0, 1.0, 2.0, 3.0]) if number % 3 else rng.uniform())  # many ties
        trial = hpint.trial.create_trial(value=value, params={"x": 0.5}, distributions=_DIST)
        trial.number = number
        trials.append(trial)
        history.update(trials)
        rows = history.table(["x"])[1]  # type: ignore[index]
        k = next(ks)
        settings = dataclasses.replace(settings, gamma=lambda n, k=k: k)
        kept = _propose.split(history, rows, settings, "x")
        plain = _propose.split(history, rows, settings)
        np.testing.assert_array_equal(kept[0], plain[0])
        np.testing.assert_array_equal(kept[1], plain[1])


def test_good_trials_weigh_by_the_rank_the_split_gives_them() -> None:
    """COMPLETE trials first by value, then PRUNED ones by the step they reached, then their last value;
    the best weighs log(k + 1), the last good one log(1 + 1 / k)."""
    from hpint.samplers._tpe._propose import _good_ranks
    from hpint.samplers._tpe._split import good_rank_weights
    from hpint.trial import TrialState, create_trial

    dist = {"x": FloatDistribution(0.0, 1.0)}
    specs = [  # (state, value, intermediate values)
        (TrialState.PRUNED, None, {0: 0.3}),  # step 0 like the last row, worse value: last
        (TrialState.COMPLETE, 0.7, None),
        (TrialState.PRUNED, None, {0: 0.5, 1: 0.9}),  # reached step 1: first of the pruned
        (TrialState.COMPLETE, 0.2, None),
        (TrialState.PRUNED, None, {0: 0.1}),
    ]
    trials = []
    for number, (state, value, curve) in enumerate(specs):
        trial = create_trial(
            state=state, value=value, params={"x": 0.5}, distributions=dist, intermediate_values=curve
        )
        trial.number = number
        trials.append(trial)
    history = TrialHistory([hpint.StudyDirection.MINIMIZE])
    history.update(trials)
    ranks = _good_ranks(history, np.arange(5))
    np.testing.assert_array_equal(ranks, [4, 1, 2, 0, 3])
    weights = good_rank_weights(ranks)
    assert weights[3] == pytest.approx(math.log(6.0)) and weights[0] == pytest.approx(math.log(1.2))
    assert list(np.argsort(-weights)) == [3, 1, 2, 4, 0]


class _GrowingList(list):
    """A storage's live list of trials, which another thread extends while the history reads it."""

    def __init__(self, items: list, late: hpint.trial.FrozenTrial) -> None:
        super().__init__(items)
        self._late = late

    def __getitem__(self, i):  # noqa: ANN001, ANN204
        if self._late is not None:  # another worker's ask lands during the read
            late, self._late = self._late, None
            self.append(late)
        return super().__getitem__(i)


def test_a_trial_appended_during_the_read_is_not_lost() -> None:
    from hpint.trial import TrialState

    trials = []
    for number in range(3):
        trial = _trial(number, float(number))
        trial.number = number
        trials.append(trial)
    running = _trial(3, 3.0)
    running.number, running.state, running.values = 3, TrialState.RUNNING, None
    history = TrialHistory([hpint.StudyDirection.MINIMIZE])
    history.update(_GrowingList(trials, late=running))
    assert history.n == 3
    finished = _trial(3, 3.0)
    finished.number = 3
    history.update(trials + [finished])  # the next read: trial 3 has finished meanwhile
    assert history.n == 4


def _drop_least_contributors(points: np.ndarray, k: int) -> list[int]:
    """The plain greedy: recompute every kept point's rectangle, drop the smallest (lowest index on ties)."""
    ref = reference_point(points)
    keep = list(range(len(points)))
    while len(keep) > k:
        along = sorted(keep, key=lambda i: (points[i, 0], points[i, 1], i))
        contribution = {}
        for pos, i in enumerate(along):
            right = points[along[pos + 1], 0] if pos + 1 < len(along) else ref[0]
            above = points[along[pos - 1], 1] if pos > 0 else ref[1]
            contribution[i] = (right - points[i, 0]) * (above - points[i, 1])
        keep.remove(min(keep, key=lambda i: (contribution[i], i)))
    return keep


def test_hypervolume_subset_equals_dropping_the_least_contributor_one_at_a_time() -> None:
    # The subset is kept with a heap of contributions updated at the removed point's neighbours only.
    rng = np.random.RandomState(0)
    for case in range(300):
        n = rng.randint(2, 25)
        if case % 2:
            t = np.sort(rng.uniform(size=n))
            points = np.c_[t, 1.0 - t ** rng.uniform(0.3, 3.0)]
        else:  # integer fronts: equal contributions (ties) and repeated points
            t = np.sort(rng.randint(0, 8, size=n)).astype(float)
            points = np.c_[t, 10.0 - t]
        points = points[rng.permutation(n)]
        k = rng.randint(1, n)
        assert _hypervolume_subset_2d(points, k).tolist() == _drop_least_contributors(points, k), (points, k)
