"""plot_param_importances: horizontal bars equal to get_param_importances, most important at the top.

The drawing is checked against a stand-in ``hpint.importance``; ``test_matches_hpint_importance`` runs
against the real module once it exists (it is written on another branch).
"""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.visualization.matplotlib import plot_param_importances


def _bars(ax) -> dict[str, float]:
    """Parameter name -> bar width, read from the y tick labels (bottom to top) and the bars."""
    names = [t.get_text() for t in ax.get_yticklabels()]
    rows = [round(float(y)) for y in ax.get_yticks()]
    (container,) = ax.containers
    width_at = {round(p.get_y() + p.get_height() / 2): p.get_width() for p in container.patches}
    return {name: width_at[row] for name, row in zip(names, rows)}


def test_bars_follow_the_importances_most_important_on_top(study, fake_importance) -> None:
    ax = plot_param_importances(study, evaluator="ev", params=["lr", "x", "kind"], target_name="loss")
    assert _bars(ax) == {"lr": 0.7, "x": 0.29, "kind": 0.005}
    top_to_bottom = [t.get_text() for t in ax.get_yticklabels()][::-1]
    assert top_to_bottom == ["lr", "x", "kind"]
    assert sorted(t.get_text() for t in ax.texts) == ["0.29", "0.70", "<0.01"]
    assert ax.get_xlabel() == "Importance for loss"
    assert fake_importance == [{"evaluator": "ev", "params": ["lr", "x", "kind"], "target": None}]


def test_bad_params_are_named_before_evaluating(study, fake_importance) -> None:
    with pytest.raises(ValueError, match="'nope'"):
        plot_param_importances(study, params=["nope"])
    assert fake_importance == []


def test_multi_objective_gets_one_group_per_objective(multi_study, fake_importance) -> None:
    ax = plot_param_importances(multi_study)
    assert len(ax.containers) == 2 and len(fake_importance) == 2
    trial = multi_study.trials[1]
    assert [call["target"](trial) for call in fake_importance] == trial.values
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Objective Value 0", "Objective Value 1"]


def test_empty_study_gives_an_empty_plot(fake_importance) -> None:
    assert not plot_param_importances(hpint.create_study()).containers
    assert fake_importance == []


def test_matches_hpint_importance() -> None:
    importance = pytest.importorskip("hpint.importance")
    if not hasattr(importance, "get_param_importances"):
        pytest.skip("hpint.importance has no get_param_importances yet")
    fanova = getattr(importance, "FanovaImportanceEvaluator", None)

    def evaluator():  # a fresh seeded evaluator per call, so both calls compute the same importances
        return fanova(seed=0) if fanova is not None else None

    study = hpint.create_study(sampler=hpint.samplers.RandomSampler(seed=0))
    verbosity = hpint.logging.get_verbosity()
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    try:
        study.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2 + 0.01 * t.suggest_float("y", -5, 5), 30)
    finally:
        hpint.logging.set_verbosity(verbosity)
    expected = importance.get_param_importances(study, evaluator=evaluator())
    bars = _bars(plot_param_importances(study, evaluator=evaluator()))
    assert list(bars)[::-1] == list(expected) == ["x", "y"]  # x dominates: on top
    assert sum(bars.values()) == pytest.approx(1.0)
    if fanova is not None:
        np.testing.assert_allclose([bars[k] for k in expected], list(expected.values()))
