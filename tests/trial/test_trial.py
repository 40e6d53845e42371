import datetime

import pytest

import hpint
from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution


@pytest.fixture
def study(storage_url):
    return hpint.create_study(storage=storage_url, sampler=hpint.samplers.RandomSampler(seed=0))


def test_suggestions_lie_in_their_domain_and_keep_their_type(study):
    for _ in range(20):
        trial = study.ask()
        x = trial.suggest_float("x", -1.0, 1.0)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
        n = trial.suggest_int("n", 1, 9, step=2)
        u = trial.suggest_int("u", 1, 1024, log=True)
        c = trial.suggest_categorical("c", [None, True, 3, 0.5, "s"])
        assert -1.0 <= x <= 1.0 and isinstance(x, float)
        assert 1e-5 <= lr <= 1e-1
        assert q in (0.0, 0.25, 0.5, 0.75, 1.0)
        assert n in (1, 3, 5, 7, 9) and isinstance(n, int)
        assert 1 <= u <= 1024 and isinstance(u, int)
        assert c in (None, True, 3, 0.5, "s")
        study.tell(trial, x)
    stored = study.trials[-1]
    assert type(stored.params["c"]) in (type(None), bool, int, float, str)
    assert stored.distributions["lr"] == FloatDistribution(1e-5, 1e-1, log=True)


def test_same_name_same_distribution_returns_same_value(study):
    trial = study.ask()
    assert trial.suggest_int("n", 0, 100) == trial.suggest_int("n", 0, 100)


def test_same_name_different_distribution_in_one_trial_raises(study):
    trial = study.ask()
    trial.suggest_float("x", 0.0, 1.0)
    with pytest.raises(ValueError, match="'x' was already suggested in this trial"):
        trial.suggest_float("x", 0.0, 2.0)


def test_same_name_different_kind_across_trials_raises(study):
    trial = study.ask()
    trial.suggest_float("x", 0.0, 1.0)
    study.tell(trial, 1.0)
    trial = study.ask()
    with pytest.raises(ValueError, match="Parameter 'x': Cannot use a categorical distribution"):
        trial.suggest_categorical("x", ["a", "b"])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda t: t.suggest_float("a", 2.0, 1.0), r"Parameter 'a': `low` \(2.0\)"),
        (lambda t: t.suggest_float("b", 0.0, 1.0, log=True), r"Parameter 'b': `low` \(0.0\) must be larger"),
        (lambda t: t.suggest_float("c", 0.1, 1.0, step=0.1, log=True), r"Parameter 'c': `step` \(0.1\)"),
        (lambda t: t.suggest_int("d", 5, 1), r"Parameter 'd': `low` \(5\)"),
        (lambda t: t.suggest_int("e", 0, 5, log=True), r"Parameter 'e': `low` \(0\) must be at least 1"),
    ],
)
def test_bad_suggest_arguments_raise_at_the_call(study, call, match):
    trial = study.ask()
    with pytest.raises(ValueError, match=match):
        call(trial)


def test_deprecated_suggest_methods_warn_and_work(study):
    trial = study.ask()
    with pytest.warns(FutureWarning, match="suggest_uniform is deprecated"):
        assert 0 <= trial.suggest_uniform("u", 0, 1) <= 1
    with pytest.warns(FutureWarning, match="suggest_loguniform is deprecated"):
        assert 1e-3 <= trial.suggest_loguniform("l", 1e-3, 1) <= 1
    with pytest.warns(FutureWarning, match="suggest_discrete_uniform is deprecated"):
        assert trial.suggest_discrete_uniform("d", 1, 5, 1) in (1.0, 2.0, 3.0, 4.0, 5.0)


def test_report_stores_intermediate_values(study):
    trial = study.ask()
    trial.report(0.5, 0)
    trial.report(0.25, 1)
    study.tell(trial, 0.25)
    assert study.trials[0].intermediate_values == {0: 0.5, 1: 0.25}


def test_report_twice_at_one_step_raises(study):
    trial = study.ask()
    trial.report(0.5, 3)
    with pytest.raises(ValueError, match="already has an intermediate value at step 3"):
        trial.report(0.4, 3)
    assert study.get_trials()[0].intermediate_values == {3: 0.5}


@pytest.mark.parametrize(
    "value, step, exc, match",
    [
        ("x", 0, TypeError, "`value` passed to trial.report must be a number"),
        (1.0, 1.5, TypeError, "`step` must be an integer"),
        (1.0, -1, ValueError, "`step` must be non-negative"),
    ],
)
def test_report_rejects_bad_input(study, value, step, exc, match):
    trial = study.ask()
    with pytest.raises(exc, match=match):
        trial.report(value, step)


def test_report_and_should_prune_reject_multi_objective(storage_url):
    study = hpint.create_study(storage=storage_url, directions=["minimize", "maximize"])
    trial = study.ask()
    with pytest.raises(NotImplementedError):
        trial.report(1.0, 0)
    with pytest.raises(NotImplementedError):
        trial.should_prune()


def test_attributes_and_identity(study):
    trial = study.ask()
    trial.set_user_attr("note", {"a": [1, 2]})
    trial.suggest_categorical("opt", ["adam"])
    assert trial.number == 0
    assert isinstance(trial.datetime_start, datetime.datetime)
    assert trial.user_attrs == {"note": {"a": [1, 2]}}
    assert trial.params == {"opt": "adam"}
    assert trial.distributions == {"opt": CategoricalDistribution(["adam"])}
    study.tell(trial, 1.0)
    assert study.trials[0].user_attrs == {"note": {"a": [1, 2]}}


def test_single_value_domains_need_no_sampling(study):
    trial = study.ask()
    assert trial.suggest_int("one", 4, 4) == 4
    assert trial.suggest_float("f", 2.5, 2.5) == 2.5


def test_fixed_distributions_in_ask(study):
    trial = study.ask(fixed_distributions={"n": IntDistribution(0, 3)})
    assert set(trial.params) == {"n"}
    assert 0 <= trial.params["n"] <= 3
