"""WilcoxonPruner and its numpy signed-rank test: hand-computed p-values, scipy agreement, decisions."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hpint
from hpint.pruners import WilcoxonPruner
from hpint.pruners._signed_rank import EXACT_MAX_N, positive_rank_sum, signed_rank_p_value

from ._helpers import make_study


# ---- the test statistic and p-value, by hand ----
@pytest.mark.parametrize(
    "diffs, greater, less",
    [
        # ranks 1, 2, 3 all positive: T+ = 6, reached by 1 of the 2**3 sign patterns
        ([1.0, 2.0, 3.0], 1 / 8, 1.0),
        # T+ = 1 + 2 = 3; subsets of {1, 2, 3} summing to >= 3: {3} {1,2} {1,3} {2,3} {1,2,3} -> 5/8;
        # <= 3: {} {1} {2} {3} {1,2} -> 5/8
        ([1.0, 2.0, -3.0], 5 / 8, 5 / 8),
        # zsplit: |0| has rank 1 and adds 1/2 to T+ whatever the signs; ranks 2, 3 flip: only {2, 3}
        # reaches the observed 5 -> 1/4
        ([0.0, 2.0, 3.0], 1 / 4, 1.0),
        # |1| |-1| tie at rank 1.5, 2 has rank 3: T+ = 4.5; of 0 1.5 1.5 3 3 4.5 4.5 6, three are >= 4.5
        ([1.0, -1.0, 2.0], 3 / 8, 7 / 8),
        ([1.0, 1.0, 1.0], 1 / 8, 1.0),  # all tied at 2: only all-positive reaches T+ = 6
    ],
)
def test_exact_p_values_by_hand(diffs, greater, less):
    assert signed_rank_p_value(diffs, "greater") == pytest.approx(greater, abs=1e-12)
    assert signed_rank_p_value(diffs, "less") == pytest.approx(less, abs=1e-12)


def test_positive_rank_sum_splits_zeros():
    # |d| = 0, 1, 1, 3 -> ranks 1, 2.5, 2.5, 4; positives 1 and 3: 2.5 + 4, plus half the zero's 1
    assert positive_rank_sum([0.0, 1.0, -1.0, 3.0]) == 7.0


def test_normal_approximation_by_hand():
    """60 distinct positive differences 1..60: T+ = 1830, mean 60*61/4 = 915,
    variance 60*61*121/24 = 18452.5, z = 915 / 135.84 = 6.736, p = P(Z >= z) ~ 8.1e-12."""
    p = signed_rank_p_value(list(range(1, 61)), "greater")
    assert p == pytest.approx(0.5 * math.erfc(915 / math.sqrt(18452.5) / math.sqrt(2)), rel=1e-12)
    assert 8.0e-12 < p < 8.3e-12


def test_bad_input():
    with pytest.raises(ValueError, match="alternative"):
        signed_rank_p_value([1.0, 2.0], "two-sided")
    with pytest.raises(ValueError, match="diffs"):
        signed_rank_p_value([], "greater")
    with pytest.raises(ValueError, match="diffs"):
        signed_rank_p_value([1.0, math.nan], "greater")


# ---- agreement with scipy on many random cases ----
def _random_diffs(rng, n, ties):
    if ties:  # few distinct magnitudes, and zeros
        return rng.integers(-3, 4, size=n).astype(float)
    return rng.normal(0.3, 1.0, size=n)


def test_agrees_with_scipy_exact_without_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    for _ in range(25):
        d = _random_diffs(rng, int(rng.integers(2, EXACT_MAX_N + 1)), ties=False)
        for alt in ("greater", "less"):
            expected = stats.wilcoxon(d, alternative=alt, zero_method="zsplit", method="exact").pvalue
            assert signed_rank_p_value(d, alt) == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_agrees_with_scipy_permutation_with_ties_and_zeros():
    """scipy enumerates all 2**n sign flips for n <= 13 (its "auto" method with ties: ~0.3 s a call)."""
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    checked = 0
    for _ in range(25):
        d = _random_diffs(rng, int(rng.integers(2, 9)), ties=True)
        if not np.any(d):
            continue  # all zeros: scipy's permutation test is undefined
        for alt in ("greater", "less"):
            expected = stats.wilcoxon(d, alternative=alt, zero_method="zsplit").pvalue
            assert signed_rank_p_value(d, alt) == pytest.approx(expected, rel=1e-9), (d, alt)
            checked += 1
    assert checked > 40


def test_exact_beyond_scipys_exact_range_by_brute_force():
    """From 14 tied differences on, scipy's default is asymptotic; we stay exact up to EXACT_MAX_N.
    Checked against the plain enumeration of all 2**n sign patterns."""
    rng = np.random.default_rng(2)
    for n in (14, 16):
        d = _random_diffs(rng, n, ties=True)
        a = np.abs(d)
        # average rank of each |d|: 1 + (number smaller) + (number of others equal) / 2
        ranks = 1 + (a[None, :] < a[:, None]).sum(axis=1) + ((a[None, :] == a[:, None]).sum(axis=1) - 1) / 2
        observed = ranks[d > 0].sum() + ranks[d == 0].sum() / 2
        positive = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)  # bit i: d_i > 0
        # a zero stays zero under a sign flip: it adds half its rank to every pattern
        null = (positive & (a != 0)) @ ranks + ranks[a == 0].sum() / 2
        expected = float(np.mean(null >= observed - 1e-9))
        assert signed_rank_p_value(d, "greater") == pytest.approx(expected, rel=1e-12)


def test_agrees_with_scipy_asymptotic_for_large_samples():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    for _ in range(100):
        d = _random_diffs(rng, int(rng.integers(EXACT_MAX_N + 1, 300)), ties=bool(rng.integers(2)))
        for alt in ("greater", "less"):
            expected = stats.wilcoxon(d, alternative=alt, zero_method="zsplit", method="asymptotic").pvalue
            assert signed_rank_p_value(d, alt) == pytest.approx(expected, rel=1e-9, abs=1e-300)


# ---- the pruner ----
def completed(study, values, value=None):
    """A COMPLETE trial reporting ``values`` at instances 0, 1, ... and returning their mean."""
    trial = study.ask()
    for step, v in enumerate(values):
        trial.report(v, step)
    study.tell(trial, sum(values) / len(values) if value is None else value)


def answers(study, values, steps=None):
    trial = study.ask()
    out = []
    for step, value in zip(steps if steps is not None else range(len(values)), values):
        trial.report(value, step)
        out.append(trial.should_prune())
    return out


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_prunes_when_the_test_says_worse(direction, pruner_storage):
    """Best trial: 1.0 on instances 0-4. A trial scoring 2.0 (minimize; -2.0 vs -1.0 maximizing):
    1 instance: too few (< 2). 2: diffs [1, 1] tie at 1.5, T+ = 3 reached by 1 of 4 -> p = 0.25.
    3: p = 1/8 = 0.125. 4: p = 1/16 = 0.0625 < 0.1 -> pruned."""
    sign = 1.0 if direction == "minimize" else -1.0
    study = make_study(WilcoxonPruner(p_threshold=0.1), direction=direction, storage=pruner_storage)
    completed(study, [sign * 1.0] * 5)
    assert answers(study, [sign * 2.0] * 4) == [False, False, False, True]
    # a threshold of 0.3 already prunes at 0.25 (2 instances), 0.2 at 0.125 (3 instances)
    study.pruner = WilcoxonPruner(p_threshold=0.3)
    assert answers(study, [sign * 2.0] * 2) == [False, True]
    study.pruner = WilcoxonPruner(p_threshold=0.2)
    assert answers(study, [sign * 2.0] * 3) == [False, False, True]


def test_never_prunes_a_trial_better_on_average_than_the_best():
    """Best: [1, 1, 1, 1, 10] (mean 2.8). The trial's [2, 2, 2, 2] loses on each shared instance
    (p = 1/16 < 0.1), but its mean 2 is better than 2.8: not pruned, as in Optuna."""
    study = make_study(WilcoxonPruner(p_threshold=0.1))
    completed(study, [1.0, 1.0, 1.0, 1.0, 10.0])
    assert answers(study, [2.0] * 4) == [False] * 4
    # the same losses with a worse mean (reporting instance 4 as 12) are pruned
    assert answers(study, [12.0, 2.0, 2.0, 2.0], steps=[4, 0, 1, 2]) == [False, False, False, True]


def test_n_startup_steps_and_the_minimum_of_two_instances():
    study = make_study(WilcoxonPruner(p_threshold=0.3, n_startup_steps=3))
    completed(study, [1.0] * 5)
    assert answers(study, [2.0] * 3) == [False, False, True]  # 0.125 at 3 instances
    study.pruner = WilcoxonPruner(p_threshold=0.6, n_startup_steps=0)
    # one instance: p would be 0.5 < 0.6, but a test needs two shared instances (as in Optuna)
    assert answers(study, [2.0]) == [False]


def test_only_instances_both_trials_reported_are_paired():
    """The best trial reported instances 0-4; the trial's instances 7 and 8 are ignored."""
    study = make_study(WilcoxonPruner(p_threshold=0.3))
    completed(study, [1.0] * 5)
    assert answers(study, [5.0, 5.0, 2.0, 2.0], steps=[7, 8, 0, 1]) == [False, False, False, True]


def test_non_finite_values_never_prune():
    study = make_study(WilcoxonPruner(p_threshold=0.5))
    completed(study, [1.0] * 5)
    assert answers(study, [2.0, math.nan, 2.0, 2.0]) == [False] * 4
    assert answers(study, [2.0, math.inf, 2.0, 2.0]) == [False] * 4
    other = make_study(WilcoxonPruner(p_threshold=0.5))
    completed(other, [1.0, math.inf, 1.0, 1.0, 1.0], value=1.0)
    assert answers(other, [2.0] * 4) == [False] * 4
    assert other.best_trial.intermediate_values[1] == math.inf  # the best trial has the inf


def test_no_completed_trial_no_pruning():
    study = make_study(WilcoxonPruner(p_threshold=1.0))
    assert answers(study, [5.0] * 4) == [False] * 4


def test_follows_the_best_trial_as_better_ones_complete(pruner_storage):
    """The paired trial is the current best: once a better trial completes, the comparison changes."""
    study = make_study(WilcoxonPruner(p_threshold=0.2), storage=pruner_storage)
    completed(study, [3.0] * 4)
    assert answers(study, [2.0] * 4) == [False] * 4  # better than the best (mean 2 < 3)
    completed(study, [1.0] * 4)  # the new best
    assert answers(study, [2.0] * 4) == [False, False, True, True]  # p: 0.25, 0.125 < 0.2


def test_same_decision_from_another_handle_on_the_storage(pruner_storage, unique_name):
    storage = pruner_storage if pruner_storage is not None else hpint.storages.InMemoryStorage()
    writer = hpint.create_study(storage=storage, study_name=unique_name, pruner=WilcoxonPruner())
    reader = hpint.load_study(study_name=unique_name, storage=storage, pruner=WilcoxonPruner())
    completed(writer, [1.0] * 4)
    assert answers(reader, [2.0] * 4) == [False, False, False, True]
    completed(writer, [0.5] * 4)
    assert answers(reader, [0.9] * 4) == [False, False, False, True]  # against 0.5, no longer 1.0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"p_threshold": -0.1}, "p_threshold"),
        ({"p_threshold": 1.5}, "p_threshold"),
        ({"p_threshold": math.nan}, "p_threshold"),
        ({"n_startup_steps": -1}, "n_startup_steps"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        WilcoxonPruner(**kwargs)
