import numpy as np
import pytest

from hpint.importance import MeanDecreaseImpurityImportanceEvaluator, get_param_importances
from hpint.importance._forest import fit_forest
from hpint.importance._mean_decrease_impurity import impurity_decrease
from tests.importance._studies import synthetic_study


def test_single_split_puts_all_decrease_on_its_feature():
    x = np.array([[0.0, 5.0], [1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    forest = fit_forest(x, np.array([0.0, 0.0, 1.0, 1.0]), np.zeros(2, int), n_trees=1, bootstrap=False)
    np.testing.assert_allclose(impurity_decrease(forest, 2), [1.0, 0.0])


def test_decrease_matches_hand_computed_squared_errors():
    # y = (0, 0, 10, 11): root split on x (SSE 100.75 -> 0.5), then a split on z (0.5 -> 0).
    x = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 1.0]])
    forest = fit_forest(x, np.array([0.0, 0.0, 10.0, 11.0]), np.zeros(2, int), n_trees=1, bootstrap=False)
    shares = impurity_decrease(forest, 2)
    # The second split ties between x and z (both separate 10 from 11): its 0.5 goes to one of them.
    assert shares.sum() == pytest.approx(1.0)
    assert shares[0] >= 100.25 / 100.75 - 1e-12


def test_constant_target_gives_zeros():
    x = np.arange(6.0)[:, None]
    forest = fit_forest(x, np.ones(6), np.zeros(1, int), n_trees=2, seed=0)
    assert impurity_decrease(forest, 1).tolist() == [0.0]


def test_synthetic_study_ordering_and_irrelevant_parameter():
    evaluator = MeanDecreaseImpurityImportanceEvaluator(seed=0)
    result = get_param_importances(synthetic_study(), evaluator=evaluator)
    assert list(result)[:2] == ["x", "c"]
    assert result["z"] < 0.02
    raw = evaluator.evaluate(synthetic_study())
    assert sum(raw.values()) == pytest.approx(1.0)
