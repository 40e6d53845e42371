import numpy as np
import pytest

from hpint.distributions import FloatDistribution
from hpint.importance import PedAnovaImportanceEvaluator, get_param_importances
from hpint.importance._ped_anova import category_mass, parzen_mass, pearson_divergence
from tests.importance._studies import study_from_rows, synthetic_study


def test_pearson_divergence_by_hand():
    # 0.25 * (2 - 1)**2 + 0.75 * (2/3 - 1)**2 = 1/3
    assert pearson_divergence(np.array([0.5, 0.5]), np.array([0.25, 0.75])) == pytest.approx(1 / 3)
    assert pearson_divergence(np.array([0.2, 0.8]), np.array([0.2, 0.8])) == 0.0


def test_masses_sum_to_one_and_stay_positive():
    cats = category_mass(np.array([0, 0, 2]), 4)
    np.testing.assert_allclose(cats, [2.25 / 4, 0.25 / 4, 1.25 / 4, 0.25 / 4])
    grid = np.linspace(0.01, 0.99, 50)
    mass = parzen_mass(np.array([0.2, 0.21, 0.19]), grid, np.array([0.0, 1.0]))
    assert mass.sum() == pytest.approx(1.0)
    assert (mass > 0).all()
    assert abs(grid[np.argmax(mass)] - 0.2) < 0.03


def test_synthetic_study_ordering():
    result = get_param_importances(synthetic_study(), evaluator=PedAnovaImportanceEvaluator())
    assert list(result)[:2] == ["x", "c"]
    assert result["z"] < 0.05


@pytest.mark.parametrize(("direction", "first"), [("minimize", "y"), ("maximize", "x")])
def test_default_target_follows_the_study_direction(direction, first):
    # f = 10 * [x > 0.9] + y: the lowest values need only a low y, the highest need x > 0.9.
    rng = np.random.default_rng(0)
    rows = [{"x": float(a), "y": float(b)} for a, b in rng.random((300, 2))]
    values = [10.0 * (r["x"] > 0.9) + r["y"] for r in rows]
    dists = {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}
    study = study_from_rows(rows, values, dists, directions=[direction])
    assert list(get_param_importances(study, evaluator=PedAnovaImportanceEvaluator()))[0] == first


def test_global_and_region_options_change_the_baseline():
    study = synthetic_study()
    local = PedAnovaImportanceEvaluator().evaluate(study)
    assert PedAnovaImportanceEvaluator(evaluate_on_local=False).evaluate(study) != local
    assert PedAnovaImportanceEvaluator(region_quantile=0.5).evaluate(study) != local


@pytest.mark.parametrize(("top", "region"), [(0.5, 0.5), (0.6, 0.5), (0.0, 1.0), (0.1, 1.5)])
def test_quantiles_are_validated(top, region):
    with pytest.raises(ValueError, match="target_quantile < region_quantile"):
        PedAnovaImportanceEvaluator(target_quantile=top, region_quantile=region)


def test_same_top_and_region_trials_warn_and_give_zeros():
    dists = {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}
    study = study_from_rows(
        [{"x": i / 5, "y": 1 - i / 5} for i in range(5)], [float(i) for i in range(5)], dists
    )
    with pytest.warns(UserWarning, match="same 1 trial"):
        result = PedAnovaImportanceEvaluator(target_quantile=0.1, region_quantile=0.15).evaluate(study)
    assert result == {"x": 0.0, "y": 0.0}
