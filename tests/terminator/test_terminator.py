"""Terminator and TerminatorCallback: when a study stops, and when it must not."""

from __future__ import annotations

import pytest

import hpint
from hpint.terminator import (
    BaseErrorEvaluator,
    BaseImprovementEvaluator,
    BaseTerminator,
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
)
from hpint.terminator._cross_validation import cross_validation_error
from hpint.terminator._history import improvement_history
from tests.terminator._studies import study_of


class _StopAfter(BaseTerminator):
    """Says stop once ``n`` trials exist; records every call."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen: list[int] = []

    def should_terminate(self, study):
        self.seen.append(len(study.trials))
        return len(study.trials) >= self.n


class _Constant(BaseImprovementEvaluator):
    def __init__(self, value: float) -> None:
        self.value = value

    def evaluate(self, trials, study_direction):
        return self.value


def _values(sequence):
    """An objective returning the given values in order, one per trial."""
    it = iter(sequence)
    return lambda trial: (trial.suggest_float("x", 0, 1), next(it))[1]


def test_callback_stops_optimize_when_the_terminator_says_so_and_not_before():
    terminator = _StopAfter(7)
    study = hpint.create_study()
    study.optimize(_values(range(100)), n_trials=100, callbacks=[TerminatorCallback(terminator)])
    assert len(study.trials) == 7
    assert terminator.seen == [1, 2, 3, 4, 5, 6, 7]  # asked after every trial, stopped at the first yes


def test_callback_calls_study_stop(monkeypatch):
    calls = []
    study = hpint.create_study()
    monkeypatch.setattr(study, "stop", lambda: calls.append(len(study.trials)))
    study.optimize(_values(range(5)), n_trials=5, callbacks=[TerminatorCallback(_StopAfter(3))])
    assert calls == [3, 4, 5]  # stop() is the only way the callback ends the study


def test_stagnation_terminator_stops_after_max_stagnation_trials():
    # best (3.0) at trial 2; improvement = 2 - (trials since best) < 0 first at trial 5
    terminator = Terminator(BestValueStagnationEvaluator(max_stagnation_trials=2), min_n_trials=1)
    study = hpint.create_study()
    values = [5.0, 4.0, 3.0, 3.0, 4.0, 9.0, 1.0, 1.0]
    study.optimize(_values(values), n_trials=len(values), callbacks=[TerminatorCallback(terminator)])
    assert [t.value for t in study.trials] == values[:6]


def test_min_n_trials_counts_complete_trials_only():
    terminator = Terminator(_Constant(-1.0), StaticErrorEvaluator(0.0), min_n_trials=3)
    study = study_of([1.0, None, 2.0, None])
    assert not terminator.should_terminate(study)  # two complete, two failed
    study.add_trial(hpint.trial.create_trial(value=0.5, params={}, distributions={}))
    assert terminator.should_terminate(study)


def test_improvement_must_be_strictly_below_the_error():
    study = study_of([1.0])
    assert not Terminator(_Constant(0.5), StaticErrorEvaluator(0.5), min_n_trials=1).should_terminate(study)
    assert Terminator(_Constant(0.5), StaticErrorEvaluator(0.51), min_n_trials=1).should_terminate(study)


def test_default_evaluators():
    default = Terminator()
    assert isinstance(default._improvement_evaluator, RegretBoundEvaluator)
    assert isinstance(default._error_evaluator, CrossValidationErrorEvaluator)
    assert default._min_n_trials == 20
    stagnation = Terminator(BestValueStagnationEvaluator())
    assert isinstance(stagnation._error_evaluator, StaticErrorEvaluator)
    assert stagnation._error_evaluator.evaluate([], hpint.StudyDirection.MINIMIZE) == 0.0
    assert isinstance(TerminatorCallback()._terminator, Terminator)


def test_multi_objective_study_is_refused_clearly():
    study = hpint.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    terminator = Terminator(BestValueStagnationEvaluator(), min_n_trials=50)
    with pytest.raises(RuntimeError, match="single-objective"):
        terminator.should_terminate(study)
    with pytest.raises(RuntimeError, match="single-objective"):
        study.optimize(lambda t: (0.0, 1.0), n_trials=1, callbacks=[TerminatorCallback(terminator)])
    with pytest.raises(RuntimeError, match="single-objective"):
        improvement_history(study, improvement_evaluator=BestValueStagnationEvaluator())


class _NotAnEvaluator(BaseErrorEvaluator):
    def evaluate(self, trials, study_direction):
        return 0.0


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (lambda: Terminator(min_n_trials=0), "min_n_trials"),
        (lambda: Terminator(min_n_trials=1.5), "min_n_trials"),
        (lambda: Terminator(improvement_evaluator=_NotAnEvaluator()), "improvement_evaluator"),
        (lambda: Terminator(error_evaluator=_Constant(0.0)), "error_evaluator"),
        (lambda: TerminatorCallback(terminator=Terminator), "terminator"),
    ],
)
def test_bad_arguments_are_named(factory, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        factory()


def test_improvement_history_per_trial():
    study = study_of([5.0, None, 3.0, 4.0, 6.0])
    history = improvement_history(
        study, with_errors=True, improvement_evaluator=BestValueStagnationEvaluator(max_stagnation_trials=3)
    )
    assert history.trial_numbers == [0, 1, 2, 3, 4]
    assert history.improvements == [3, 3, 3, 2, 1]  # the failed trial repeats the previous value
    assert history.errors == [0.0] * 5
    without = improvement_history(study, improvement_evaluator=BestValueStagnationEvaluator(3))
    assert without.errors is None and without.improvements == history.improvements
    first_failed = improvement_history(study_of([None, 1.0]), improvement_evaluator=_Constant(2.0))
    assert first_failed.trial_numbers == [1]


def test_cross_validation_terminator_on_every_storage(storage_url):
    # the fold scores survive the storage (JSON in SQL) and drive the default error evaluator
    study = hpint.create_study(storage=storage_url, direction="maximize")
    folds = {0: [0.5, 0.7], 1: [0.8, 0.9, 1.0], 2: [0.6, 0.6]}

    def objective(trial: hpint.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        scores = folds[trial.number]
        hpint.terminator.report_cross_validation_scores(trial, scores)
        return sum(scores) / len(scores)

    study.optimize(objective, n_trials=3)
    loaded = hpint.load_study(study_name=study.study_name, storage=storage_url) if storage_url else study
    error = CrossValidationErrorEvaluator().evaluate(loaded.trials, loaded.direction)
    assert error == pytest.approx(cross_validation_error([0.8, 0.9, 1.0]))
    # improvement 0.01 < that error (about 0.1): stop as soon as min_n_trials trials are complete
    terminator = Terminator(_Constant(0.01), min_n_trials=3)
    assert terminator.should_terminate(loaded)
    assert not Terminator(_Constant(0.01), min_n_trials=4).should_terminate(loaded)
