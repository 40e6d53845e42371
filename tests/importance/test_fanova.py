import itertools

import numpy as np
import pytest

import hpint
from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.importance import FanovaImportanceEvaluator, get_param_importances
from hpint.importance._fanova import leaf_cells, main_effect_fractions
from hpint.importance._forest import fit_forest
from tests.importance._studies import study_from_rows, synthetic_study


def _exact_fractions(grid_x, grid_y, f, n_categories=(0, 0)):
    """fANOVA of one unbootstrapped full-depth tree on a full grid: the grid function's exact shares."""
    points = np.array(list(itertools.product(grid_x, grid_y)), dtype=float)
    y = np.array([f(a, b) for a, b in points])
    forest = fit_forest(points, y, np.array(n_categories), n_trees=1, bootstrap=False, seed=0)
    bounds = np.array([[min(g) - 0.5, max(g) + 0.5] for g in (grid_x, grid_y)])
    for j, k in enumerate(n_categories):
        if k:
            bounds[j] = [0, k]
    return main_effect_fractions(forest, bounds)


def test_additive_function_on_a_grid_gives_the_exact_variance_shares():
    # f = a(x) + b(y): Var(a) = Var(0..7) = 5.25, Var(b) = Var({0, 2}) = 1, no interaction.
    fractions = _exact_fractions(range(8), range(6), lambda x, y: x + 2 * (y % 2))
    np.testing.assert_allclose(fractions, [5.25 / 6.25, 1 / 6.25], rtol=1e-12)


def test_pure_interaction_has_no_main_effect():
    np.testing.assert_allclose(_exact_fractions([-1, 1], [-1, 1], lambda x, y: x * y), [0, 0], atol=1e-12)


def test_product_on_binary_grid_splits_variance_a_third_each():
    # x*y on {0,1}^2: total variance 3/16, each main effect 1/16, the interaction 1/16.
    np.testing.assert_allclose(_exact_fractions([0, 1], [0, 1], lambda x, y: x * y), [1 / 3, 1 / 3])


def test_categorical_main_effect_uses_the_uniform_measure_over_choices():
    # Category codes 0..3 with effects (0, 0, 0, 4): Var = 3; numeric part Var(0..3) = 1.25.
    fractions = _exact_fractions(range(4), range(4), lambda c, y: 4.0 * (c == 3) + y, n_categories=(4, 0))
    np.testing.assert_allclose(fractions, [3 / 4.25, 1.25 / 4.25], rtol=1e-12)


def test_leaf_cells_partition_the_bounded_space():
    rng = np.random.default_rng(0)
    x = rng.random((60, 3))
    x[:, 2] = rng.integers(0, 3, 60)
    forest = fit_forest(x, rng.random(60), np.array([0, 0, 3]), n_trees=2, seed=0)
    bounds = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 3.0]])
    lower, upper, cats = leaf_cells(forest, bounds)
    for tree in range(2):
        leaves = np.flatnonzero((forest.feature < 0) & (forest.tree == tree))
        volume = np.prod(upper[leaves, :2] - lower[leaves, :2], axis=1) * cats[leaves, 0, :3].sum(1) / 3
        assert volume.sum() == pytest.approx(1.0)
        assert (volume > 0).all()


def test_forest_recovers_additive_shares_from_a_grid_study():
    # Same shares as above (Var(a) = 5.25, Var(b) = 1) with a step for b, which bootstraps keep.
    dists = {"x": IntDistribution(0, 7), "y": IntDistribution(0, 5)}
    rows = [{"x": a, "y": b} for a, b in itertools.product(range(8), range(6))]
    study = study_from_rows(rows, [r["x"] + 2.0 * (r["y"] >= 3) for r in rows], dists)
    result = FanovaImportanceEvaluator(seed=0).evaluate(study)
    assert result["x"] == pytest.approx(0.84, abs=0.05)
    assert result["y"] == pytest.approx(0.16, abs=0.05)


def test_synthetic_study_ordering_and_irrelevant_parameter():
    result = get_param_importances(synthetic_study(), evaluator=FanovaImportanceEvaluator(seed=0))
    assert list(result)[:2] == ["x", "c"]
    assert result["z"] < 0.02
    assert result["x"] == pytest.approx(0.886, abs=0.06)
    assert result["c"] == pytest.approx(0.112, abs=0.06)


def test_constant_target_raises_a_clear_runtime_error():
    dists = {"x": FloatDistribution(0, 1), "c": CategoricalDistribution(["a", "b"])}
    rows = [{"x": i / 10, "c": "ab"[i % 2]} for i in range(10)]
    study = study_from_rows(rows, [1.0] * 10, dists)
    with pytest.raises(RuntimeError, match="zero variance"):
        FanovaImportanceEvaluator(seed=0).evaluate(study)


def test_thousand_trials_of_ten_params_rank_the_active_ones_first():
    # Behaviour, not timing: 1,000 x 10 runs end to end (the benchmark reports the seconds).
    rng = np.random.default_rng(0)
    dists = {f"p{i}": FloatDistribution(0, 1) for i in range(10)}
    x = rng.random((1000, 10))
    rows = [dict(zip(dists, row)) for row in x]
    study = study_from_rows(rows, list(5 * x[:, 0] + x[:, 1] ** 2 + 0.01 * rng.random(1000)), dists)
    result = FanovaImportanceEvaluator(seed=0).evaluate(study)
    assert list(result)[:2] == ["p0", "p1"]


def test_interface_is_a_base_evaluator():
    assert isinstance(FanovaImportanceEvaluator(), hpint.importance.BaseImportanceEvaluator)
