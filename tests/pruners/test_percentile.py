"""PercentilePruner and MedianPruner: warm-up, interval, startup and n_min_trials, hand-computed."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from hpint.pruners import MedianPruner, PercentilePruner
from hpint.pruners._checks import is_check_step
from hpint.pruners._percentile import best_value, percentile_of
from hpint.trial import TrialState

from ._helpers import make_study

N_STEPS = 8


def study_with_history(pruner, direction="minimize", storage=None, levels=(1.0, 2.0, 3.0, 4.0)):
    """Completed trials reporting a constant level at steps 0..N_STEPS-1; the median is 2.5 at every step."""
    study = make_study(pruner, direction=direction, storage=storage)
    for level in levels:
        trial = study.ask()
        for step in range(N_STEPS):
            trial.report(level, step)
        study.tell(trial, level if not math.isnan(level) else 0.0)
    return study


def answers(study, values, steps=None):
    """The pruner's answer after each report of ``values`` by a new trial (it is never stopped)."""
    trial = study.ask()
    steps = list(range(len(values))) if steps is None else steps
    out = []
    for step, value in zip(steps, values):
        trial.report(value, step)
        out.append(trial.should_prune())
    return out


def test_median_with_warmup_and_interval(pruner_storage):
    """Checked at steps 2, 4, 6 only (warm-up 2, interval 2); 3.0 is worse than the median 2.5."""
    pruner = MedianPruner(n_startup_trials=4, n_warmup_steps=2, interval_steps=2)
    study = study_with_history(pruner, storage=pruner_storage)
    assert answers(study, [3.0] * 7) == [False, False, True, False, True, False, True]
    # 2.4 beats the median; the best value so far counts, not the latest
    assert answers(study, [2.4] * 7) == [False] * 7
    assert answers(study, [1.0, 3.0, 3.0, 3.0, 3.0]) == [False] * 5


def test_interval_check_happens_at_the_first_report_inside_each_interval():
    """Checks every 2 steps, but the trial reports at 0, 3, 6: each is the first report of its interval
    ([0,2), [2,4), [6,8)), so step 3 is checked although 3 is not a multiple of 2."""
    study = study_with_history(MedianPruner(n_startup_trials=1, interval_steps=2))
    assert answers(study, [3.0] * 3, steps=[0, 3, 6]) == [True, True, True]
    # reporting every step, only the even steps are checked
    assert answers(study, [3.0] * 4) == [True, False, True, False]


def test_n_startup_trials_counts_completed_trials(pruner_storage):
    study = study_with_history(MedianPruner(n_startup_trials=5), storage=pruner_storage)
    assert answers(study, [100.0] * 3) == [False] * 3
    for state in (TrialState.PRUNED, TrialState.FAIL):  # only COMPLETE trials count
        study.tell(study.ask(), state=state)
    assert answers(study, [100.0] * 2) == [False] * 2
    study.tell(study.ask(), 1.0)
    assert answers(study, [100.0] * 2) == [True, True]


def test_n_min_trials_needs_enough_values_at_the_step():
    """Only two completed trials reach step 9: with n_min_trials=3 nothing is decided there."""
    study = study_with_history(MedianPruner(n_startup_trials=1, n_min_trials=3))
    for level in (1.0, 2.0):
        trial = study.ask()
        for step in range(10):
            trial.report(level, step)
        study.tell(trial, level)
    trial = study.ask()
    for step in range(N_STEPS):
        trial.report(100.0 + step, step)
    assert trial.should_prune() is True  # six completed values at step 7
    trial.report(100.0, 9)
    assert trial.should_prune() is False  # two completed values at step 9


def test_percentile_25_is_stricter_than_the_median():
    """Percentile 25 of [1, 2, 3, 4] is 1.75: 2.4 survives the median but not the 25th percentile."""
    assert answers(study_with_history(PercentilePruner(25.0, n_startup_trials=1)), [2.4]) == [True]
    assert answers(study_with_history(PercentilePruner(25.0, n_startup_trials=1)), [1.7]) == [False]


def test_maximize_uses_the_mirrored_percentile():
    """Maximizing, percentile 25 keeps the top quarter: threshold is the 75th percentile, 3.25."""
    assert answers(study_with_history(PercentilePruner(25.0, 1), direction="maximize"), [3.2]) == [True]
    assert answers(study_with_history(PercentilePruner(25.0, 1), direction="maximize"), [3.3]) == [False]
    assert answers(study_with_history(MedianPruner(1), direction="maximize"), [2.4, 2.6]) == [True, False]


def test_nan_values():
    """A trial with only NaN values is pruned; other trials' NaNs are left out of the percentile."""
    study = study_with_history(MedianPruner(n_startup_trials=1))
    assert answers(study, [math.nan]) == [True]
    assert answers(study, [math.nan, 0.5]) == [True, False]
    # as in Optuna, NaN reports count towards n_min_trials (3 >= 3) but the percentile is of [1.0]
    nan_history = study_with_history(MedianPruner(1, n_min_trials=3), levels=(math.nan, math.nan, 1.0))
    assert answers(nan_history, [5.0]) == [True]


def test_no_completed_trial_means_no_pruning_even_for_nan():
    study = make_study(MedianPruner(n_startup_trials=0))
    assert answers(study, [math.nan, 1.0]) == [False, False]


def test_percentile_of_matches_numpy():
    rng = random.Random(1)
    for _ in range(200):
        values = [rng.uniform(-5, 5) for _ in range(rng.randint(1, 9))]
        q = rng.choice([0.0, 10.0, 25.0, 50.0, 75.0, 99.0, 100.0, rng.uniform(0, 100)])
        assert percentile_of(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_best_value():
    assert best_value([3.0, math.nan, 1.0], maximize=False) == 1.0
    assert best_value([3.0, math.nan, 1.0], maximize=True) == 3.0
    assert math.isnan(best_value([math.nan], maximize=True))


@pytest.mark.parametrize(
    "step, previous, warmup, interval, expected",
    [
        (0, [], 0, 1, True),
        (1, [0], 0, 1, True),
        (1, [], 2, 1, False),  # warm-up
        (2, [0, 1], 2, 3, True),
        (3, [0, 1, 2], 2, 3, False),
        (5, [0, 1, 2, 3, 4], 2, 3, True),
        (4, [0, 3], 2, 3, False),  # 3 already checked the interval [2, 5)
        (6, [0, 3, 5], 2, 3, False),  # 5 already checked the interval [5, 8)
        (7, [0, 3], 2, 3, True),  # first report in [5, 8)
    ],
)
def test_is_check_step(step, previous, warmup, interval, expected):
    assert is_check_step([*previous, step], step, warmup, interval) is expected


@pytest.mark.parametrize(
    "args, kwargs, name",
    [
        ((101.0,), {}, "percentile"),
        ((-1.0,), {}, "percentile"),
        ((50.0, -1), {}, "n_startup_trials"),
        ((50.0, 0, -1), {}, "n_warmup_steps"),
        ((50.0, 0, 0, 0), {}, "interval_steps"),
        ((50.0,), {"n_min_trials": 0}, "n_min_trials"),
        ((50.0, 1.5), {}, "n_startup_trials"),
    ],
)
def test_bad_arguments_name_the_parameter(args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        PercentilePruner(*args, **kwargs)
    if name != "percentile":
        with pytest.raises(ValueError, match=name):
            MedianPruner(*args[1:], **kwargs)
