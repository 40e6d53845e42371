import warnings

import pytest

import hpint
from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.importance import (
    BaseImportanceEvaluator,
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    get_param_importances,
)
from tests.importance._studies import study_from_rows, synthetic_study

EVALUATORS = [FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator]
XY = {"x": FloatDistribution(-1, 1), "y": FloatDistribution(-1, 1)}


@pytest.fixture(scope="module")
def study():
    return synthetic_study()


def _xy_study(n=40, directions=None):
    rows = [{"x": ((i * 7) % n) / n * 2 - 1, "y": ((i * 13) % n) / n * 2 - 1} for i in range(n)]
    values = [[5 * r["x"] + r["y"], r["y"]] if directions else 5 * r["x"] + r["y"] for r in rows]
    return study_from_rows(rows, values, XY, directions=directions)


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_normalized_sums_to_one_and_is_ordered(study, evaluator):
    result = get_param_importances(study, evaluator=evaluator(seed=0))
    assert sum(result.values()) == pytest.approx(1.0)
    assert list(result.values()) == sorted(result.values(), reverse=True)
    assert set(result) == {"x", "y", "z", "c"}
    assert all(isinstance(v, float) for v in result.values())


def test_unnormalized_fanova_values_are_raw_variance_shares(study):
    raw = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0), normalize=False)
    normalized = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert 0.9 < sum(raw.values()) <= 1.0 + 1e-9
    assert raw == pytest.approx({k: v * sum(raw.values()) for k, v in normalized.items()})


def test_default_evaluator_is_fanova(study):
    assert list(get_param_importances(study))[:2] == ["x", "c"]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_params_subset(study, evaluator):
    # The forest sees only the named parameters (the others' effect becomes noise).
    result = get_param_importances(study, evaluator=evaluator(seed=0), params=["z", "x"])
    assert list(result) == ["x", "z"]
    assert get_param_importances(study, params=[]) == {}


def test_unknown_param_is_named_with_the_existing_ones(study):
    with pytest.raises(ValueError, match=r"\['nope'\].*\['c', 'x', 'y', 'z'\]"):
        get_param_importances(study, params=["x", "nope"])


def test_multi_objective_needs_target():
    study = _xy_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match="target"):
        get_param_importances(study)
    evaluator = FanovaImportanceEvaluator(seed=0)
    first = get_param_importances(study, target=lambda t: t.values[0], evaluator=evaluator)
    second = get_param_importances(study, target=lambda t: t.values[1], evaluator=evaluator)
    assert list(first) == ["x", "y"]
    assert second["y"] > 0.99


def test_target_changes_what_is_explained():
    study = _xy_study()
    result = get_param_importances(study, target=lambda t: t.params["y"] ** 3)
    assert list(result) == ["y", "x"]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_fewer_than_two_trials_gives_zeros_with_a_warning(evaluator):
    empty = hpint.create_study()
    assert get_param_importances(empty, evaluator=evaluator()) == {}
    one = study_from_rows([{"x": 0.1, "y": 0.2}], [1.0], XY)
    with pytest.warns(UserWarning, match="Only 1 completed trial"):
        assert get_param_importances(one, evaluator=evaluator(), normalize=False) == {"x": 0.0, "y": 0.0}
    with pytest.warns(UserWarning):
        assert get_param_importances(one, evaluator=evaluator()) == {"x": 0.5, "y": 0.5}


def test_single_valued_distributions_get_zero():
    dists = {
        **XY,
        "one_int": IntDistribution(3, 3),
        "one_cat": CategoricalDistribution(["only"]),
        "one_float": FloatDistribution(2.0, 2.0),
    }
    rows = [
        {"x": i / 20 - 1, "y": (i * 7 % 20) / 20 - 1, "one_int": 3, "one_cat": "only", "one_float": 2.0}
        for i in range(20)
    ]
    study = study_from_rows(rows, [r["x"] + r["y"] for r in rows], dists)
    result = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert set(list(result)[2:]) == {"one_cat", "one_float", "one_int"}
    assert result["one_int"] == result["one_cat"] == result["one_float"] == 0.0
    only = get_param_importances(study, params=["one_int"])
    assert only == {"one_int": 1.0}


def test_only_complete_trials_count():
    study = _xy_study()
    study.add_trial(
        hpint.create_trial(params={"x": 0.0}, distributions={"x": XY["x"]}, state=hpint.TrialState.FAIL)
    )
    study.add_trial(
        hpint.create_trial(
            params={"y": 0.0, "w": 1.0},
            distributions={"y": XY["y"], "w": XY["x"]},
            value=1.0,
            state=hpint.TrialState.PRUNED,
        )
    )
    assert set(get_param_importances(study)) == {"x", "y"}


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_seeded_evaluators_are_deterministic(study, evaluator):
    first = get_param_importances(study, evaluator=evaluator(seed=7, n_trees=16))
    assert get_param_importances(study, evaluator=evaluator(seed=7, n_trees=16)) == first
    assert get_param_importances(study, evaluator=evaluator(seed=8, n_trees=16)) != first


def test_evaluator_must_be_a_base_evaluator(study):
    with pytest.raises(TypeError, match="BaseImportanceEvaluator"):
        get_param_importances(study, evaluator=object())


def test_custom_evaluator_plugs_in(study):
    class ByName(BaseImportanceEvaluator):
        def evaluate(self, study, params=None, *, target=None):
            return {"z": 3.0, "x": 1.0}

    assert get_param_importances(study, evaluator=ByName()) == {"z": 0.75, "x": 0.25}


def test_import_does_not_load_numpy():
    import subprocess
    import sys

    code = "import sys, hpint.importance; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_warning_on_a_normal_study(study):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        get_param_importances(study, evaluator=MeanDecreaseImpurityImportanceEvaluator(seed=0))
