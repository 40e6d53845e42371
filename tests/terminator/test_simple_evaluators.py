"""Stagnation, static, median and cross-validation evaluators on cases checked by hand."""

from __future__ import annotations

import math

import pytest

import hpint
from hpint.study import StudyDirection
from hpint.terminator import (
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    MedianErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)
from hpint.terminator._cross_validation import cross_validation_error
from tests.terminator._studies import study_of

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


@pytest.mark.parametrize(
    ("values", "direction", "expected"),
    [
        ([5.0], MIN, 3),  # the only trial is the best: nothing stagnant yet
        ([5.0, 4.0, 3.0, 6.0, 7.0], MIN, 1),  # best at index 2, two trials since
        ([5.0, 4.0, 3.0, 3.0, 3.0], MIN, 1),  # ties do not reset the count
        ([1.0, 9.0, 2.0, 3.0, 4.0, 5.0], MAX, -1),  # best (9) at index 1, four trials since
        ([1.0, None, 0.5, None], MIN, 3),  # failed trials are not counted
    ],
)
def test_stagnation_counts_complete_trials_since_the_best(values, direction, expected):
    trials = study_of(values).trials
    assert BestValueStagnationEvaluator(max_stagnation_trials=3).evaluate(trials, direction) == expected


def test_stagnation_needs_a_complete_trial():
    with pytest.raises(ValueError, match="complete trial"):
        BestValueStagnationEvaluator().evaluate(study_of([None]).trials, MIN)


def test_static_error_is_the_constant():
    assert StaticErrorEvaluator(0.25).evaluate(study_of([1.0]).trials, MIN) == 0.25
    assert StaticErrorEvaluator(constant=0).evaluate([], MAX) == 0.0


def test_cross_validation_error_formula_by_hand():
    # scores 1..4: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25; factor 1/4 + 1/3 = 7/12
    assert cross_validation_error([1.0, 2.0, 3.0, 4.0]) == pytest.approx(math.sqrt(1.25 * 7 / 12))
    # two folds: variance 0.25, factor 1/2 + 1 = 1.5
    assert cross_validation_error([0.0, 1.0]) == pytest.approx(math.sqrt(0.375))
    assert cross_validation_error([0.7, 0.7, 0.7]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("direction", "expected_scores"), [(MIN, [0.0, 1.0]), (MAX, [1.0, 2.0, 3.0, 4.0])])
def test_cross_validation_evaluator_reads_the_best_trials_scores(direction, expected_scores):
    study = study_of([2.5, 0.5, None], scores=[[1.0, 2.0, 3.0, 4.0], [0.0, 1.0], [9.0, 9.5]])
    got = CrossValidationErrorEvaluator().evaluate(study.trials, direction)
    assert got == pytest.approx(cross_validation_error(expected_scores))


def test_cross_validation_evaluator_without_scores_says_how_to_record_them():
    study = study_of([1.0, 0.0], scores=[[1.0, 2.0], None])
    with pytest.raises(ValueError, match="report_cross_validation_scores"):
        CrossValidationErrorEvaluator().evaluate(study.trials, MIN)


def test_report_cross_validation_scores_stores_optunas_key():
    study = hpint.create_study()

    def objective(trial: hpint.Trial) -> float:
        import numpy as np

        report_cross_validation_scores(trial, np.array([0.5, 0.75, 1.0]))
        return 0.75

    study.optimize(objective, n_trials=1)
    assert study.trials[0].system_attrs["terminator:cv_scores"] == [0.5, 0.75, 1.0]
    optuna_erroreval = pytest.importorskip("optuna.terminator.erroreval")
    assert optuna_erroreval._CROSS_VALIDATION_SCORES_KEY == "terminator:cv_scores"


@pytest.mark.parametrize("scores", [[0.5], [], [0.5, float("nan")], [0.5, "x"], [0.5, float("inf")]])
def test_report_cross_validation_scores_refuses_bad_scores(scores):
    trial = hpint.create_study().ask()
    with pytest.raises(ValueError, match="`scores`"):
        report_cross_validation_scores(trial, scores)
    assert "terminator:cv_scores" not in trial.system_attrs


class _CountingEvaluator(BaseImprovementEvaluator):
    """Returns the number of complete trials it was given; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def evaluate(self, trials, study_direction):
        self.calls += 1
        return float(sum(t.state == hpint.TrialState.COMPLETE for t in trials))


def test_median_error_is_the_ratio_times_the_median_of_early_values():
    paired = _CountingEvaluator()
    evaluator = MedianErrorEvaluator(paired, warm_up_trials=2, n_initial_trials=4, threshold_ratio=0.5)
    study = study_of([1.0, 2.0, None, 3.0, 4.0, 5.0])  # 5 complete: fewer than 2 + 4
    assert evaluator.evaluate(study.trials, MIN) == -math.inf
    assert paired.calls == 0
    study = study_of([1.0, 2.0, None, 3.0, 4.0, 5.0, 6.0, 7.0])
    # after the warm-up, prefixes of 1..4 complete trials: values 1, 2, 3, 4; upper median 3; times 0.5
    assert evaluator.evaluate(study.trials, MIN) == 1.5
    assert paired.calls == 4
    assert evaluator.evaluate(study_of([0.0] * 50).trials, MIN) == 1.5  # computed once, then kept
    assert paired.calls == 4


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (lambda: BestValueStagnationEvaluator(-1), "max_stagnation_trials"),
        (lambda: BestValueStagnationEvaluator(2.5), "max_stagnation_trials"),
        (lambda: StaticErrorEvaluator(float("nan")), "constant"),
        (lambda: StaticErrorEvaluator("0.1"), "constant"),
        (lambda: MedianErrorEvaluator(StaticErrorEvaluator(0)), "paired_improvement_evaluator"),
        (lambda: MedianErrorEvaluator(_CountingEvaluator(), warm_up_trials=-1), "warm_up_trials"),
        (lambda: MedianErrorEvaluator(_CountingEvaluator(), n_initial_trials=0), "n_initial_trials"),
        (lambda: MedianErrorEvaluator(_CountingEvaluator(), threshold_ratio=0), "threshold_ratio"),
        (lambda: MedianErrorEvaluator(_CountingEvaluator(), threshold_ratio=math.inf), "threshold_ratio"),
    ],
)
def test_bad_arguments_are_named(factory, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        factory()
