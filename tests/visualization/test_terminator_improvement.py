"""plot_terminator_improvement: the evaluators recomputed after each trial, faded before min_n_trials."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.terminator import BaseImprovementEvaluator, StaticErrorEvaluator
from hpint.trial import TrialState
from hpint.visualization import plot_terminator_improvement
from hpint.visualization.matplotlib import plot_terminator_improvement as plot_with_matplotlib


class BestSoFar(BaseImprovementEvaluator):
    """A hand-checkable "improvement": the best (lowest) value among the trials it is given."""

    def evaluate(self, trials, study_direction) -> float:
        return min(t.value for t in trials)


@pytest.fixture
def study() -> hpint.Study:
    study = hpint.create_study()
    for value in [5.0, 3.0, None, 4.0, 1.0]:  # trial 2 fails
        trial = study.ask()
        if value is None:
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, value)
    return study


def test_plotly_traces_split_at_min_n_trials(study) -> None:
    fig = plot_terminator_improvement(
        study,
        plot_error=True,
        improvement_evaluator=BestSoFar(),
        error_evaluator=StaticErrorEvaluator(2.5),
        min_n_trials=2,
    )
    faded, solid, error = fig.data
    # After trials 0..4 the best so far is 5, 3, 3 (trial 2 failed: the previous value again), 3, 1.
    assert list(faded.x) == [0, 1, 2] and list(faded.y) == [5.0, 3.0, 3.0]
    assert list(solid.x) == [2, 3, 4] and list(solid.y) == [3.0, 3.0, 1.0]
    assert faded.name == solid.name == "Terminator Improvement" and "0.25" in faded.line.color
    assert error.name == "Error" and list(error.x) == [0, 1, 2, 3, 4] and list(error.y) == [2.5] * 5
    assert fig.layout.title.text == "Terminator Improvement Plot"
    assert fig.layout.xaxis.title.text == "Trial" and fig.layout.yaxis.title.text == "Terminator Improvement"


def test_plotly_without_error_and_min_n_trials_beyond_the_study(study) -> None:
    (faded,) = plot_terminator_improvement(study, improvement_evaluator=BestSoFar(), min_n_trials=20).data
    assert list(faded.x) == [0, 1, 2, 3, 4]
    (solid,) = plot_terminator_improvement(study, improvement_evaluator=BestSoFar(), min_n_trials=0 + 1).data[
        1:
    ]
    assert list(solid.x) == [1, 2, 3, 4]


def test_matplotlib_lines(study) -> None:
    ax = plot_with_matplotlib(
        study,
        plot_error=True,
        improvement_evaluator=BestSoFar(),
        error_evaluator=StaticErrorEvaluator(2.5),
        min_n_trials=2,
    )
    faded, solid, error = ax.get_lines()
    np.testing.assert_array_equal(faded.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(solid.get_ydata(), [3.0, 3.0, 1.0])
    assert faded.get_alpha() == 0.25 and solid.get_alpha() == 1.0
    np.testing.assert_array_equal(error.get_ydata(), [2.5] * 5)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Terminator Improvement", "Error"]


def test_default_evaluator_is_the_regret_bound(study, monkeypatch) -> None:
    from hpint.terminator import RegretBoundEvaluator

    monkeypatch.setattr(RegretBoundEvaluator, "evaluate", lambda self, trials, direction: 10.0 * len(trials))
    (faded,) = plot_terminator_improvement(study).data
    assert list(faded.y) == [10.0, 20.0, 20.0, 30.0, 40.0]


@pytest.mark.parametrize("plot", [plot_terminator_improvement, plot_with_matplotlib])
def test_errors_and_empty(plot, caplog) -> None:
    hpint.logging.enable_propagation()
    try:
        with caplog.at_level("WARNING", logger="hpint"):
            empty = plot(hpint.create_study())
    finally:
        hpint.logging.disable_propagation()
    assert "plot_terminator_improvement: nothing to plot" in caplog.text
    assert (empty.data == ()) if plot is plot_terminator_improvement else not empty.get_lines()
    with pytest.raises(ValueError, match="`min_n_trials`.*0"):
        plot(hpint.create_study(), min_n_trials=0)
    multi = hpint.create_study(directions=["minimize", "minimize"])
    multi.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    with pytest.raises(RuntimeError, match="single-objective"):
        plot(multi)
