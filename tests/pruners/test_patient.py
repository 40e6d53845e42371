"""PatientPruner: patience, min_delta, the wrapped pruner, both directions."""

from __future__ import annotations

import math

import pytest

from hpint.pruners import MedianPruner, NopPruner, PatientPruner, ThresholdPruner
from hpint.pruners._patient import is_stalled

from ._helpers import make_study

# patience 2: at step k the last 3 values are compared with the best value before them
CURVE = [1.0, 0.9, 0.95, 0.92, 0.91]


def answers(pruner, values, direction="minimize", storage=None):
    study = make_study(pruner, direction=direction, storage=storage)
    trial = study.ask()
    out = []
    for step, value in enumerate(values):
        trial.report(value, step)
        out.append(trial.should_prune())
    return out


def mirrored(values):
    return [-v for v in values]


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_patience(direction, pruner_storage):
    """Step 3: best before [1.0] is 1.0, recent [0.9, 0.95, 0.92] best 0.9: improving.
    Step 4: best before [1.0, 0.9] is 0.9, recent [0.95, 0.92, 0.91] best 0.91: stalled."""
    values = CURVE if direction == "minimize" else mirrored(CURVE)
    result = answers(PatientPruner(None, patience=2), values, direction, pruner_storage)
    assert result == [False, False, False, False, True]


def test_min_delta_tolerates_small_regressions():
    """0.91 is worse than 0.9 by 0.01: tolerated with min_delta 0.02, not with 0.005."""
    assert answers(PatientPruner(None, patience=2, min_delta=0.02), CURVE) == [False] * 5
    assert answers(PatientPruner(None, patience=2, min_delta=0.005), CURVE)[-1] is True
    maximize = answers(PatientPruner(None, 2, min_delta=0.02), mirrored(CURVE), direction="maximize")
    assert maximize == [False] * 5


def test_wrapped_pruner_decides_once_stalled():
    assert answers(PatientPruner(NopPruner(), patience=2), CURVE) == [False] * 5
    # the threshold alone would prune at every step; patience holds it back until step 4
    assert answers(PatientPruner(ThresholdPruner(upper=0.5), patience=2), CURVE) == [False] * 4 + [True]
    # a median pruner without completed trials never prunes
    assert answers(PatientPruner(MedianPruner(), patience=2), CURVE) == [False] * 5


def test_patience_zero_compares_the_latest_value_with_all_before():
    assert answers(PatientPruner(None, patience=0), [1.0, 0.5, 0.7, 0.4]) == [False, False, True, False]


def test_flat_curves_are_not_stalled_as_in_optuna():
    assert answers(PatientPruner(None, patience=1), [1.0, 1.0, 1.0, 1.0]) == [False] * 4


def test_is_stalled_with_nan_and_unordered_steps():
    assert is_stalled({2: 0.95, 0: 1.0, 1: 0.9, 3: 0.96}, 1, 0.0, maximize=False) is True
    assert is_stalled({0: math.nan, 1: 2.0, 2: 3.0}, 1, 0.0, maximize=False) is False
    assert is_stalled({0: 1.0, 1: math.nan, 2: math.nan}, 1, 0.0, maximize=False) is False
    assert is_stalled({0: 1.0, 1: 2.0}, 1, 0.0, maximize=False) is False  # not enough values


def test_bad_arguments():
    with pytest.raises(ValueError, match="patience"):
        PatientPruner(None, patience=-1)
    with pytest.raises(ValueError, match="min_delta"):
        PatientPruner(None, patience=1, min_delta=-0.1)
    with pytest.raises(ValueError, match="min_delta"):
        PatientPruner(None, patience=1, min_delta=math.nan)
    with pytest.raises(TypeError, match="wrapped_pruner"):
        PatientPruner("median", patience=1)
