"""Plots draw off-screen (Agg), and every figure a test opens is closed after it."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import hpint  # noqa: E402
from hpint.distributions import CategoricalDistribution, FloatDistribution  # noqa: E402
from hpint.trial import TrialState, create_trial  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


X = FloatDistribution(-5.0, 5.0)
LR = FloatDistribution(1e-5, 1e-1, log=True)
KIND = CategoricalDistribution(["adam", "sgd", None])

#: (x, lr, kind, value) of the complete trials in ``study``.
ROWS = [
    (1.0, 1e-3, "adam", 3.0),
    (-2.0, 1e-2, "sgd", 5.0),
    (0.5, 1e-4, None, 1.0),
    (3.0, 1e-5, "adam", 4.0),
    (-1.0, 1e-1, "sgd", 0.5),
    (2.0, 3e-3, None, 2.0),
]


def _make_study(direction: str = "minimize") -> hpint.Study:
    """Six complete trials over x (linear), lr (log) and kind (categorical), plus a failed one."""
    study = hpint.create_study(direction=direction)
    for x, lr, kind, value in ROWS:
        study.add_trial(
            create_trial(
                value=value,
                params={"x": x, "lr": lr, "kind": kind},
                distributions={"x": X, "lr": LR, "kind": KIND},
            )
        )
    study.add_trial(create_trial(state=TrialState.FAIL))
    return study


@pytest.fixture
def study() -> hpint.Study:
    return _make_study()


@pytest.fixture
def make_study() -> Callable[..., hpint.Study]:
    """``make_study(direction)``: the ``study`` fixture's trials, in a study of that direction."""
    return _make_study


@pytest.fixture
def multi_study() -> hpint.Study:
    study = hpint.create_study(directions=["minimize", "maximize"])
    for i, values in enumerate([(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (0.5, 0.2), (2.5, 3.0)]):
        study.add_trial(create_trial(values=values, params={"x": float(i)}, distributions={"x": X}))
    return study


@pytest.fixture
def fake_importance(monkeypatch) -> list[dict]:
    """Replace hpint.importance with a stub that records its calls and returns fixed importances."""
    calls: list[dict] = []

    def get_param_importances(study, *, evaluator=None, params=None, target=None, normalize=True):
        calls.append({"evaluator": evaluator, "params": params, "target": target})
        return {"lr": 0.7, "x": 0.29, "kind": 0.005}

    module = types.ModuleType("hpint.importance")
    module.get_param_importances = get_param_importances
    monkeypatch.setitem(sys.modules, "hpint.importance", module)
    return calls
