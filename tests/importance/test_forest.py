import numpy as np
import pytest

from hpint.importance._forest import fit_forest


def _one_tree(x, y, n_categories=None):
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    n_categories = np.zeros(x.shape[1], dtype=int) if n_categories is None else np.asarray(n_categories)
    return fit_forest(x, np.asarray(y, dtype=float), n_categories, n_trees=1, bootstrap=False, seed=0)


def test_full_depth_tree_without_bootstrap_fits_training_data_exactly():
    rng = np.random.default_rng(0)
    x = rng.random((300, 4))
    x[:, 3] = rng.integers(0, 5, 300)
    y = np.sin(5 * x[:, 0]) + x[:, 1] * x[:, 2] + (x[:, 3] == 2) + rng.normal(size=300)
    forest = _one_tree(x, y, [0, 0, 0, 5])
    np.testing.assert_array_equal(forest.predict(x)[0], y)


def test_step_function_gives_one_split_at_the_midpoint_and_piecewise_constant_predictions():
    forest = _one_tree([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 10.0, 10.0])
    assert forest.feature.tolist() == [0, -1, -1]
    assert forest.threshold[0] == pytest.approx(1.5)
    pred = forest.predict(np.array([[-5.0], [1.49], [1.5], [1.51], [99.0]]))[0]
    assert pred.tolist() == [0.0, 0.0, 0.0, 10.0, 10.0]


def test_three_levels_split_where_the_error_drops_most_first():
    # The jump 0 -> 10 between x=1 and x=2 dominates; the jump 10 -> 11 is split next, on its side.
    forest = _one_tree([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 10.0, 11.0])
    assert forest.threshold[0] == pytest.approx(1.5)
    inner = forest.feature >= 0
    assert sorted(forest.threshold[inner].tolist()) == [1.5, 2.5]
    assert forest.predict(np.array([[0.7], [2.2], [2.7]]))[0].tolist() == [0.0, 10.0, 11.0]


def test_categorical_split_groups_categories_by_mean_target():
    # Categories 1 and 3 are low, 0 and 2 high: one subset split separates them, unlike any threshold.
    forest = _one_tree([0, 1, 2, 3, 0, 1, 2, 3], [5, 1, 5, 1, 5, 1, 5, 1], n_categories=[4])
    assert forest.feature.tolist() == [0, -1, -1]
    assert forest.left_categories[0].tolist() == [False, True, False, True]
    assert forest.predict(np.array([[0], [1], [2], [3]]))[0].tolist() == [5, 1, 5, 1]


def test_constant_target_and_identical_inputs_give_a_single_leaf():
    assert len(_one_tree([0.0, 1.0, 2.0], [3.0, 3.0, 3.0]).feature) == 1
    assert len(_one_tree([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]).feature) == 1


def test_max_depth_limits_the_trees():
    x = np.arange(64.0)[:, None]
    forest = fit_forest(x, x[:, 0] ** 2, np.zeros(1, int), n_trees=3, max_depth=2, seed=0)
    assert forest.depth.max() == 2
    assert len(np.unique(forest.predict(x))) <= 3 * 4


def test_bootstrap_and_max_features_are_seeded():
    rng = np.random.default_rng(1)
    x, y = rng.random((100, 5)), rng.random(100)
    kwargs = {"n_trees": 4, "max_features": 0.4}
    a = fit_forest(x, y, np.zeros(5, int), seed=3, **kwargs).predict(x)
    b = fit_forest(x, y, np.zeros(5, int), seed=3, **kwargs).predict(x)
    c = fit_forest(x, y, np.zeros(5, int), seed=4, **kwargs).predict(x)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_max_features_restricts_each_node_to_a_random_subset():
    # With one feature per node, the useless feature 1 is used at the root of some of the trees.
    rng = np.random.default_rng(2)
    x = rng.random((50, 2))
    forest = fit_forest(x, x[:, 0], np.zeros(2, int), n_trees=40, max_features=1, seed=0)
    roots = forest.feature[: forest.n_trees]
    assert set(roots.tolist()) == {0, 1}
