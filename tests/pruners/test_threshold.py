"""ThresholdPruner: bounds, NaN, warm-up and interval, for either direction."""

from __future__ import annotations

import math

import pytest

from hpint.pruners import ThresholdPruner

from ._helpers import make_study


def answers(pruner, values, steps=None, direction="minimize", storage=None):
    """The pruner's answer after each report of ``values`` by the first trial of a fresh study."""
    study = make_study(pruner, direction=direction, storage=storage)
    trial = study.ask()
    steps = list(range(len(values))) if steps is None else steps
    out = []
    for step, value in zip(steps, values):
        trial.report(value, step)
        out.append(trial.should_prune())
    return out


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_bounds_are_exclusive_and_nan_prunes(direction, pruner_storage):
    pruner = ThresholdPruner(lower=0.0, upper=1.0)
    values = [0.5, 0.0, 1.0, -0.1, 1.1, math.nan, math.inf, -math.inf]
    expected = [False, False, False, True, True, True, True, True]
    assert answers(pruner, values, direction=direction, storage=pruner_storage) == expected


def test_only_the_latest_value_counts():
    assert answers(ThresholdPruner(upper=1.0), [5.0, 0.5]) == [True, False]


def test_one_sided_bounds():
    assert answers(ThresholdPruner(upper=2.0), [-1e9, 2.5]) == [False, True]
    assert answers(ThresholdPruner(lower=2.0), [1e9, 1.5]) == [False, True]


def test_warmup_and_interval():
    """Warm-up 2, interval 3: checked at steps 2, 5, 8 (or the first report after them)."""
    pruner = ThresholdPruner(upper=1.0, n_warmup_steps=2, interval_steps=3)
    assert answers(pruner, [9.0] * 9) == [False, False, True, False, False, True, False, False, True]
    pruner = ThresholdPruner(upper=1.0, n_warmup_steps=2, interval_steps=3)
    assert answers(pruner, [9.0] * 4, steps=[0, 3, 4, 6]) == [False, True, False, True]


def test_bad_arguments():
    with pytest.raises(TypeError, match="lower"):
        ThresholdPruner()
    with pytest.raises(ValueError, match="lower"):
        ThresholdPruner(lower=2.0, upper=1.0)
    with pytest.raises(TypeError, match="upper"):
        ThresholdPruner(upper="1.0")
    with pytest.raises(TypeError, match="lower"):
        ThresholdPruner(lower=math.nan)
    with pytest.raises(ValueError, match="n_warmup_steps"):
        ThresholdPruner(upper=1.0, n_warmup_steps=-1)
    with pytest.raises(ValueError, match="interval_steps"):
        ThresholdPruner(upper=1.0, interval_steps=0)
