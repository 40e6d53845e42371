"""MedianPruner: hand-computed medians, Optuna's NaN and rounding rules, and the per-epoch cache."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import hpint
from hpint.pruners import MedianPruner
from hpint.pruners._completed import StepValues
from hpint.pruners._percentile import percentile_of

from ._helpers import make_study


def complete(study, values, steps=None):
    trial = study.ask()
    for step, value in zip(steps if steps is not None else range(len(values)), values):
        trial.report(value, step)
    study.tell(trial, 0.0)


def answers(study, values, steps=None):
    trial = study.ask()
    out = []
    for step, value in zip(steps if steps is not None else range(len(values)), values):
        trial.report(value, step)
        out.append(trial.should_prune())
    return out


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_default_median_by_hand(direction, pruner_storage):
    """Defaults: 5 startup trials. Completed levels 1..5 at steps 0-3: the median is 3 at every step.
    Minimizing, 3.5 > 3 is pruned, 3.0 (equal) is not; maximizing, 2.5 < 3 is pruned, 3.0 is not."""
    study = make_study(MedianPruner(), direction=direction, storage=pruner_storage)
    for level in (1.0, 2.0, 3.0, 4.0):
        complete(study, [level] * 4)
    worse = 3.5 if direction == "minimize" else 2.5
    assert answers(study, [worse] * 2) == [False, False]  # 4 completed < n_startup_trials 5
    complete(study, [5.0] * 4)
    assert answers(study, [worse] * 2) == [True, True]
    assert answers(study, [3.0] * 2) == [False, False]


def test_even_count_interpolates_and_the_best_value_so_far_counts():
    """Completed 1, 2, 3, 4: median 2.5. The trial's best so far (min) is compared, not its latest."""
    study = make_study(MedianPruner(n_startup_trials=1))
    for level in (1.0, 2.0, 3.0, 4.0):
        complete(study, [level] * 3)
    assert answers(study, [2.6, 2.4, 2.6]) == [True, False, False]


def test_the_median_is_rounded_as_numpy_so_ties_are_judged_as_in_optuna():
    """Values -0.01 and 0.25: numpy computes 0.25 - 0.26 * 0.5 = 0.12 exactly, while -0.01 + 0.26 * 0.5
    gives 0.12000000000000001. A maximizing trial at 0.12 ties with the median and is kept."""
    assert percentile_of([-0.01, 0.25], 50.0) == float(np.percentile([-0.01, 0.25], 50.0)) == 0.12
    study = make_study(MedianPruner(n_startup_trials=1), direction="maximize")
    complete(study, [-0.01])
    complete(study, [0.25])
    assert answers(study, [0.12]) == [False]


def test_percentile_of_equals_numpy_exactly():
    rng = np.random.default_rng(0)
    for _ in range(500):
        values = np.round(rng.uniform(-1, 1, int(rng.integers(1, 12))), int(rng.integers(1, 4))).tolist()
        q = float(rng.choice([10.0, 25.0, 50.0, 75.0, 90.0, rng.uniform(0, 100)]))
        assert percentile_of(values, q) == float(np.percentile(values, q))


def test_n_min_trials_counts_nan_reports_as_optuna():
    """At step 0 three completed trials reported NaN, NaN, 1.0: three reports (>= n_min_trials 2 or 3);
    the median is taken over the non-NaN 1.0, so 5.0 is pruned. With n_min_trials 4, not decided."""
    for n_min_trials, expected in ((2, True), (3, True), (4, False)):
        study = make_study(MedianPruner(n_startup_trials=1, n_min_trials=n_min_trials))
        for value in (math.nan, math.nan, 1.0):
            complete(study, [value])
        assert answers(study, [5.0]) == [expected], n_min_trials


def test_only_nan_at_the_step_decides_nothing():
    study = make_study(MedianPruner(n_startup_trials=1))
    complete(study, [math.nan, 1.0])
    complete(study, [math.nan, 2.0])
    assert answers(study, [9.0, 9.0]) == [False, True]  # step 0: no number to compare; step 1: 1.5


def test_steps_other_trials_did_not_report_decide_nothing():
    """Completed trials reported only even steps; at odd steps there is nothing to compare with."""
    study = make_study(MedianPruner(n_startup_trials=1))
    complete(study, [1.0, 1.0, 1.0], steps=[0, 2, 4])
    assert answers(study, [5.0] * 4, steps=[1, 2, 3, 4]) == [False, True, False, True]


def test_completions_between_epochs_are_seen(pruner_storage):
    """A running trial at 2.0: completed [1, 3] -> median 2, kept; then a 1.0 completes -> median 1."""
    study = make_study(MedianPruner(n_startup_trials=1), storage=pruner_storage)
    complete(study, [1.0] * 4)
    complete(study, [3.0] * 4)
    running = study.ask()
    running.report(2.0, 0)
    assert running.should_prune() is False
    complete(study, [1.0] * 4)
    running.report(2.0, 1)
    assert running.should_prune() is True


def test_completed_curves_are_folded_once_not_every_epoch(monkeypatch):
    """GUIDE rule 9: asking every epoch must not re-read every completed curve."""
    folded = []
    original = StepValues._fold

    def counting_fold(self, trial, study):
        folded.append(trial.number)
        original(self, trial, study)

    monkeypatch.setattr(StepValues, "_fold", counting_fold)
    study = make_study(MedianPruner(n_startup_trials=1))
    for level in (1.0, 2.0, 3.0, 4.0, 5.0):
        complete(study, [level] * 20)
    assert answers(study, [2.0] * 20) == [False] * 20
    assert sorted(folded) == [0, 1, 2, 3, 4]  # each completed trial once, for 20 questions
    complete(study, [0.0] * 20)
    assert answers(study, [2.0] * 2) == [False, False]
    assert sorted(folded) == [0, 1, 2, 3, 4, 6]  # trial 5 is still running; 6 completed since


def test_one_pruner_for_two_studies_keeps_them_apart():
    pruner = MedianPruner(n_startup_trials=1)
    low, high = make_study(pruner), make_study(pruner)
    complete(low, [1.0])
    complete(high, [10.0])
    assert answers(low, [5.0]) == [True]
    assert answers(high, [5.0]) == [False]
    assert answers(low, [5.0]) == [True]


def test_a_pickled_pruner_decides_the_same(unique_name):
    storage = hpint.storages.InMemoryStorage()
    pruner = MedianPruner(n_startup_trials=1)
    study = hpint.create_study(storage=storage, pruner=pruner, study_name=unique_name)
    complete(study, [1.0, 1.0])
    complete(study, [3.0, 3.0])
    assert answers(study, [2.5]) == [True]
    copy = pickle.loads(pickle.dumps(study.pruner))
    again = hpint.load_study(study_name=unique_name, storage=storage, pruner=copy)
    assert answers(again, [2.5, 1.5]) == [True, False]
