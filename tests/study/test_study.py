import math

import pytest

import hpint
from hpint.distributions import FloatDistribution
from hpint.exceptions import UpdateFinishedTrialError
from hpint.trial import TrialState, create_trial


@pytest.fixture
def study(storage_url):
    return hpint.create_study(storage=storage_url, sampler=hpint.samplers.RandomSampler(seed=0))


def test_ask_tell_and_best(study):
    for value in (3.0, 1.0, 2.0):
        trial = study.ask()
        trial.suggest_float("x", 0, 1)
        frozen = study.tell(trial, value)
        assert frozen.state == TrialState.COMPLETE and frozen.value == value
    assert study.best_value == 1.0
    assert study.best_trial.number == 1
    assert study.best_params == study.trials[1].params
    assert [t.number for t in study.best_trials] == [1]


def test_tell_by_number_and_twice(study):
    trial = study.ask()
    study.tell(trial.number, 1.0)
    with pytest.raises(UpdateFinishedTrialError, match="Trial 0 is already finished"):
        study.tell(trial, 2.0)
    assert study.tell(trial, 2.0, skip_if_finished=True).value == 1.0
    assert study.trials[0].value == 1.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({}, "`values` are required"),
        ({"values": 1.0, "state": TrialState.FAIL}, "cannot be given with state FAIL"),
        ({"values": 1.0, "state": TrialState.RUNNING}, "`state` must be COMPLETE, PRUNED or FAIL"),
    ],
)
def test_tell_usage_errors(study, kwargs, match):
    trial = study.ask()
    with pytest.raises(ValueError, match=match):
        study.tell(trial, **kwargs)
    assert study.trials[0].state == TrialState.RUNNING


def test_tell_unknown_trial_number(study):
    with pytest.raises(ValueError, match="`trial` 7 is not a trial number"):
        study.tell(7, 1.0)


def test_tell_with_infinite_values_stores_them(storage_url):
    # Every storage keeps +-inf as a value (MySQL's DOUBLE cannot hold inf natively).
    study = hpint.create_study(storage=storage_url)
    for value in (float("inf"), float("-inf")):
        study.tell(study.ask(), value)
    fresh = storage_url or study._storage  # a URL opens a new storage object: a fresh read
    reloaded = hpint.load_study(study_name=study.study_name, storage=fresh).trials
    for trials in (study.trials, reloaded):
        assert [(t.state, t.value) for t in trials] == [
            (TrialState.COMPLETE, float("inf")),
            (TrialState.COMPLETE, float("-inf")),
        ]


@pytest.mark.parametrize("bad", [float("nan"), None, "0.5", [1.0, 2.0]])
def test_tell_with_bad_values_fails_the_trial_with_reason(study, bad):
    trial = study.ask()
    if bad is None:
        frozen = study.tell(trial, state=TrialState.FAIL)
        assert frozen.state == TrialState.FAIL
        return
    if isinstance(bad, list):
        with pytest.raises(ValueError, match=r"returned 2 value\(s\)"):
            study.tell(trial, bad)
        frozen = study.trials[0]
    else:
        with pytest.warns(UserWarning, match="failed"):
            frozen = study.tell(trial, bad)
    assert frozen.state == TrialState.FAIL
    assert frozen.values is None
    assert frozen.system_attrs["fail_reason"]


def test_pruned_trial_keeps_last_intermediate_value(study):
    trial = study.ask()
    trial.report(5.0, 0)
    trial.report(4.0, 3)
    frozen = study.tell(trial, state=TrialState.PRUNED)
    assert frozen.state == TrialState.PRUNED and frozen.value == 4.0


def test_enqueue_trial_runs_first_and_skip_if_exists(study):
    study.enqueue_trial({"x": 0.25, "opt": "sgd"}, user_attrs={"why": "baseline"})
    study.enqueue_trial({"x": 0.25, "opt": "sgd"}, skip_if_exists=True)  # same params: not queued again

    def objective(trial):
        return trial.suggest_float("x", 0, 1) + len(trial.suggest_categorical("opt", ["adam", "sgd"]))

    study.optimize(objective, n_trials=2)
    first, second = study.trials
    assert first.params == {"x": 0.25, "opt": "sgd"} and first.user_attrs == {"why": "baseline"}
    assert second.params != first.params
    study.enqueue_trial({"x": 0.25, "opt": "sgd"}, skip_if_exists=True)  # already ran: skipped
    assert len(study.trials) == 2


def test_enqueued_partial_params_sample_the_rest(study):
    study.enqueue_trial({"x": 0.5})
    trial = study.ask()
    assert trial.suggest_float("x", 0, 1) == 0.5
    assert 0 <= trial.suggest_float("y", 0, 1) <= 1


def test_add_trial_and_add_trials(study):
    dist = {"x": FloatDistribution(0, 1)}
    study.add_trial(create_trial(value=0.5, params={"x": 0.2}, distributions=dist))
    study.add_trials(
        [
            create_trial(value=0.1, params={"x": 0.9}, distributions=dist),
            create_trial(state=TrialState.FAIL, params={"x": 0.3}, distributions=dist),
        ]
    )
    assert [t.number for t in study.trials] == [0, 1, 2]
    assert study.best_trial.params == {"x": 0.9}
    with pytest.raises(ValueError, match=r"has 2 value\(s\) but the study has 1"):
        study.add_trial(create_trial(values=[1.0, 2.0]))


def test_best_trial_errors(storage_url):
    study = hpint.create_study(storage=storage_url)
    with pytest.raises(ValueError, match="No trials are completed yet"):
        _ = study.best_trial
    multi = hpint.create_study(storage=storage_url, directions=["minimize", "maximize"])
    with pytest.raises(RuntimeError, match="best_trials"):
        _ = multi.best_trial
    with pytest.raises(RuntimeError, match="directions"):
        _ = multi.direction


def test_best_trials_is_the_pareto_front(storage_url):
    study = hpint.create_study(storage=storage_url, directions=["minimize", "maximize"])
    points = [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (0.5, 0.5), (2.0, 3.0)]
    for p in points:
        study.tell(study.ask(), list(p))
    assert sorted(t.number for t in study.best_trials) == [0, 1, 3, 4]


def test_wrong_number_of_values_raises(storage_url):
    study = hpint.create_study(storage=storage_url, directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match=r"returned 1 value\(s\) \(1.0\) but the study has 2 objective"):
        study.optimize(lambda t: 1.0, n_trials=1)
    assert study.trials[0].state == TrialState.FAIL


def test_attrs_and_metric_names(study):
    study.set_user_attr("dataset", "digits")
    assert study.user_attrs == {"dataset": "digits"}
    study.set_metric_names(["loss"])
    assert study.metric_names == ["loss"]
    with pytest.raises(ValueError, match=r"`metric_names` has 2 names \(\['a', 'b'\]\) but the study has 1"):
        study.set_metric_names(["a", "b"])


def test_trials_dataframe(study):
    pd = pytest.importorskip("pandas")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    df = study.trials_dataframe()
    assert isinstance(df, pd.DataFrame) and len(df) == 3
    assert {"number", "value", "params_x", "state", "duration"} <= set(df.columns)
    assert list(df["state"]) == ["COMPLETE"] * 3
    assert math.isclose(df["value"].min(), study.best_value)
