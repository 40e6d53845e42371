"""Whatever goes wrong in a trial, the trials stored before it are neither lost nor altered (any storage)."""

from __future__ import annotations

import pytest

import hpint
from hpint.trial import TrialState


def _raise(exc: BaseException):
    def objective(trial):
        trial.suggest_float("x", 0, 1)
        raise exc

    return objective


def _returns(value):
    def objective(trial):
        trial.suggest_float("x", 0, 1)
        return value

    return objective


def _reports_twice(trial):
    trial.suggest_float("x", 0, 1)
    trial.report(1.0, 0)
    trial.report(2.0, 0)  # ValueError


def _conflicting_distribution(trial):
    trial.suggest_float("x", 0, 1)
    trial.suggest_int("x", 0, 1)  # ValueError


def _bad_bounds(trial):
    trial.suggest_float("y", 2, 1)  # ValueError at the call


# (objective, what optimize raises or None, state of the bad trial)
CASES = {
    "exception": (_raise(RuntimeError("boom")), RuntimeError, TrialState.FAIL),
    "keyboard-interrupt": (_raise(KeyboardInterrupt()), KeyboardInterrupt, TrialState.FAIL),
    "pruned": (_raise(hpint.TrialPruned()), None, TrialState.PRUNED),
    "nan": (_returns(float("nan")), None, TrialState.FAIL),
    "inf": (_returns(float("inf")), None, TrialState.COMPLETE),  # a value (a diverged loss), as in Optuna
    "-inf": (_returns(float("-inf")), None, TrialState.COMPLETE),
    "none": (_returns(None), None, TrialState.FAIL),
    "string": (_returns("0.5"), None, TrialState.FAIL),
    "two-values": (_returns((1.0, 2.0)), ValueError, TrialState.FAIL),
    "report-twice": (_reports_twice, ValueError, TrialState.FAIL),
    "conflicting-distribution": (_conflicting_distribution, ValueError, TrialState.FAIL),
    "low-above-high": (_bad_bounds, ValueError, TrialState.FAIL),
}


@pytest.mark.filterwarnings("ignore:Trial 2 failed")
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_trial_leaves_earlier_trials_untouched(storage_url, case):
    study = hpint.create_study(storage=storage_url, sampler=hpint.samplers.RandomSampler(seed=0))

    def good(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, 0)
        trial.set_user_attr("note", [1, 2])
        return x

    study.optimize(good, n_trials=2)
    before = study.trials
    objective, raised, state = CASES[case]
    if raised is None:
        study.optimize(objective, n_trials=1)
    else:
        with pytest.raises(raised):
            study.optimize(objective, n_trials=1)
    fresh = storage_url or study._storage  # a URL opens a new storage object: a fresh read
    reloaded = hpint.load_study(study_name=study.study_name, storage=fresh).trials
    for trials in (study.trials, reloaded):
        assert trials[:2] == before
        assert len(trials) == 3 and trials[2].state == state
    if state == TrialState.FAIL:
        assert study.trials[2].system_attrs["fail_reason"]
    study.optimize(good, n_trials=1)  # the study goes on
    assert study.trials[3].state == TrialState.COMPLETE
