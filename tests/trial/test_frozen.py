import datetime

import pytest

import hpint
from hpint.distributions import FloatDistribution, IntDistribution
from hpint.trial import FixedTrial, TrialState, create_trial


def build(trial):
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if kind == "a":
        return ("a", trial.suggest_float("x", 0.0, 1.0))
    return ("b", trial.suggest_int("n", 1, 5))


def test_frozen_trial_suggest_returns_stored_values():
    study = hpint.create_study(sampler=hpint.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: build(t)[1], n_trials=10)
    best = study.best_trial
    assert build(best) == (best.params["kind"], best.params.get("x", best.params.get("n")))
    assert best.should_prune() is False
    best.report(1.0, 0)  # a no-op on a finished trial


def test_frozen_trial_unknown_param_raises():
    trial = create_trial(value=1.0, params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)})
    with pytest.raises(ValueError, match="Parameter 'y' was not suggested"):
        trial.suggest_float("y", 0, 1)


def test_frozen_trial_properties():
    trial = create_trial(
        value=2.0,
        params={"x": 0.5},
        distributions={"x": FloatDistribution(0, 1)},
        intermediate_values={0: 3.0, 4: 2.0},
    )
    assert trial.value == 2.0 and trial.values == [2.0]
    assert trial.last_step == 4
    assert isinstance(trial.duration, datetime.timedelta)
    multi = create_trial(values=[1.0, 2.0])
    with pytest.raises(RuntimeError, match="use `values`"):
        _ = multi.value


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"state": TrialState.COMPLETE}, "needs `value` or `values`"),
        ({"state": TrialState.FAIL, "value": 1.0}, "has no objective value"),
        (
            {"value": 1.0, "params": {"x": 2.0}, "distributions": {"x": FloatDistribution(0, 1)}},
            "lies outside",
        ),
        ({"value": 1.0, "params": {"x": 0.5}}, "must name the same parameters"),
        ({"value": float("nan")}, "must be a number, not NaN"),
    ],
)
def test_create_trial_validates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        create_trial(**kwargs)


def test_frozen_trial_copy_is_independent():
    trial = create_trial(value=1.0, params={"n": 2}, distributions={"n": IntDistribution(0, 3)})
    copy = trial.copy()
    copy.params["n"] = 3
    assert trial.params["n"] == 2
    assert copy != trial


def test_fixed_trial_runs_an_objective_with_given_params():
    assert build(FixedTrial({"kind": "b", "n": 3})) == ("b", 3)
    with pytest.raises(ValueError, match="'x' is not among the fixed params"):
        build(FixedTrial({"kind": "a"}))
    trial = FixedTrial({"n": 2})
    trial.report(0.1, 0)
    assert trial.should_prune() is False
    assert trial.suggest_int("n", 0, 5) == 2 and trial.params == {"n": 2}
