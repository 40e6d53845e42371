import math

import numpy as np
import pytest

from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.importance import FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator
from hpint.importance._transform import encode, select
from tests.importance._studies import study_from_rows


def test_encoding_log_step_int_and_categorical():
    dists = {
        "c": CategoricalDistribution(["a", "b", "c"]),
        "i": IntDistribution(2, 10, step=2),
        "l": FloatDistribution(1e-3, 1.0, log=True),
        "q": FloatDistribution(0.0, 1.0, step=0.25),
        "n": IntDistribution(1, 100, log=True),
    }
    row = {"c": "b", "i": 4, "l": 0.01, "q": 0.5, "n": 10}
    study = study_from_rows([row, row], [1.0, 2.0], dists)
    trials, space = select(study, None)
    encoded = encode(trials, space, lambda t: t.value)
    assert encoded.params == ["c", "i", "l", "n", "q"]
    np.testing.assert_allclose(encoded.x[0], [1, 4, math.log(0.01), math.log(10), 0.5])
    expected_bounds = [
        [0, 3],
        [1, 11],
        [math.log(1e-3), 0],
        [math.log(0.5), math.log(100.5)],
        [-0.125, 1.125],
    ]
    np.testing.assert_allclose(encoded.bounds, expected_bounds)
    assert encoded.n_categories.tolist() == [3, 0, 0, 0, 0]


def test_non_finite_targets_are_left_out():
    dists = {"x": FloatDistribution(0, 1)}
    study = study_from_rows([{"x": 0.1}, {"x": 0.2}, {"x": 0.3}], [1.0, 2.0, 3.0], dists)
    trials, space = select(study, None)
    encoded = encode(trials, space, lambda t: {0: math.inf, 1: math.nan}.get(t.number, t.value))
    assert encoded.y.tolist() == [3.0]
    assert encoded.x.tolist() == [[0.3]]


def test_conditional_and_changed_distributions_are_excluded_unless_asked_for():
    # Trial 0 has x, y, w in [0, 1]; trial 1 has no y (conditional) and w in [0, 2] (changed).
    unit = FloatDistribution(0, 1)
    study = study_from_rows([{"x": 0.1, "y": 0.5, "w": 0.2}], [1.0], {"x": unit, "y": unit, "w": unit})
    other = study_from_rows([{"x": 0.6, "w": 0.1}], [2.0], {"x": unit, "w": FloatDistribution(0, 2)})
    study.add_trial(other.trials[0])
    assert list(select(study, None)[1]) == ["x"]
    trials, space = select(study, ["y"])
    assert [t.params["y"] for t in trials] == [0.5]
    with pytest.raises(ValueError, match="changed distribution"):
        select(study, ["w"])


@pytest.mark.parametrize("evaluator", [FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator])
def test_log_parameter_is_ranked_in_log_space(evaluator):
    # The same function of log10(lr) and of a linear u = log10(lr) must get the same importances.
    rng = np.random.default_rng(0)
    u, v = rng.uniform(-4, -1, 150), rng.uniform(0, 1, 150)
    values = list((u + 2.5) ** 2 + v)
    log_dists = {"lr": FloatDistribution(1e-4, 1e-1, log=True), "v": FloatDistribution(0, 1)}
    lin_dists = {"lr": FloatDistribution(-4, -1), "v": FloatDistribution(0, 1)}
    log_study = study_from_rows([{"lr": 10**a, "v": b} for a, b in zip(u, v)], values, log_dists)
    lin_study = study_from_rows([{"lr": a, "v": b} for a, b in zip(u, v)], values, lin_dists)
    log_result = evaluator(seed=0).evaluate(log_study)
    lin_result = evaluator(seed=0).evaluate(lin_study)
    assert log_result == pytest.approx(lin_result, rel=1e-6)
    if evaluator is MeanDecreaseImpurityImportanceEvaluator:
        return  # impurity decrease depends only on the order of values, which log keeps
    # A linear treatment of lr would crowd 90% of the range into the top decade and change the result.
    wrong = evaluator(seed=0).evaluate(
        study_from_rows(
            [{"lr": 10**a, "v": b} for a, b in zip(u, v)],
            values,
            {"lr": FloatDistribution(1e-4, 1e-1), "v": FloatDistribution(0, 1)},
        )
    )
    assert wrong["lr"] != pytest.approx(lin_result["lr"], rel=1e-3)
