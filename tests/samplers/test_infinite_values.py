"""Objectives that return +-inf (a diverged run): the trial is COMPLETE, as in Optuna, and the model-based
samplers learn from it instead of failing or returning to the region."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.samplers._gp._propose import clip_infinite
from hpint.trial import TrialState


def _diverges_above_half(trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    return float("inf") if x > 0.5 else (x - 0.2) ** 2


def test_clip_infinite_uses_the_finite_extremes() -> None:
    np.testing.assert_array_equal(
        clip_infinite(np.array([1.0, np.inf, -2.0, -np.inf])), [1.0, 1.0, -2.0, -2.0]
    )
    np.testing.assert_array_equal(clip_infinite(np.array([np.inf, np.inf])), [0.0, 0.0])
    finite = np.array([3.0, 1.0])
    assert clip_infinite(finite) is finite


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tpe_leaves_a_region_that_returns_inf(seed) -> None:
    # Were inf a FAIL (ignored by the sampler, as before), TPE would sample x > 0.5 in all 30 late trials
    # (measured: the empty region's prior wins the ratio, and a failed trial changes nothing). With inf as
    # the worst value it samples there 2-4 times in 30 (seeds 0-7).
    study = hpint.create_study(sampler=hpint.samplers.TPESampler(seed=seed))
    study.optimize(_diverges_above_half, n_trials=60)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert sum(t.params["x"] > 0.5 for t in study.trials[30:]) <= 8
    assert study.best_value < 0.01


def test_gp_fits_around_infinite_values() -> None:
    pytest.importorskip("scipy")
    study = hpint.create_study(sampler=hpint.samplers.GPSampler(seed=0))
    study.optimize(_diverges_above_half, n_trials=20)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert any(t.value == float("inf") for t in study.trials)
    assert sum(t.params["x"] > 0.5 for t in study.trials[10:]) <= 2
    assert study.best_value < 0.01


def test_maximize_with_minus_inf() -> None:
    study = hpint.create_study(direction="maximize", sampler=hpint.samplers.TPESampler(seed=0))
    study.optimize(lambda t: -_diverges_above_half(t), n_trials=40)
    assert study.best_value > -0.01
    assert sum(t.params["x"] > 0.5 for t in study.trials[20:]) <= 6


def test_terminator_evaluators_take_infinite_values() -> None:
    pytest.importorskip("scipy")
    from hpint.terminator import EMMREvaluator, RegretBoundEvaluator

    study = hpint.create_study(sampler=hpint.samplers.RandomSampler(seed=0))
    study.optimize(_diverges_above_half, n_trials=30)
    assert any(t.value == float("inf") for t in study.trials)
    for evaluator in (EMMREvaluator(), RegretBoundEvaluator()):
        assert np.isfinite(evaluator.evaluate(study.trials, study.direction))
