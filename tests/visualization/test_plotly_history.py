"""plotly figures of the value-over-time plots: history, learning curves, EDF, hypervolume.

Each test reads the figure's traces (no rendering) and compares them with the study's trials.
"""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.trial import TrialState, create_trial
from hpint.visualization import (
    plot_edf,
    plot_hypervolume_history,
    plot_intermediate_values,
    plot_optimization_history,
)

pytest.importorskip("plotly")

VALUES = [3.0, 5.0, 1.0, 4.0, 0.5, 2.0]  # conftest.ROWS' values, trial numbers 0..5


def _with_pruned(study: hpint.Study) -> hpint.Study:
    """``study`` (6 complete trials, then a failed one) plus a pruned trial, number 7."""
    study.add_trial(create_trial(state=TrialState.PRUNED, intermediate_values={0: 9.0}))
    return study


def _names(fig) -> list:
    return [t.name for t in fig.data]


@pytest.mark.parametrize(
    ("direction", "running"), [("minimize", np.minimum.accumulate), ("maximize", np.maximum.accumulate)]
)
def test_history_traces_hold_the_complete_values_and_the_running_best(make_study, direction, running) -> None:
    fig = plot_optimization_history(_with_pruned(make_study(direction)))
    assert _names(fig) == ["Objective Value", "Best Value", "Infeasible Trial"]
    values, best, infeasible = fig.data
    assert list(values.x) == list(range(6)) and list(values.y) == VALUES  # failed and pruned left out
    assert values.mode == "markers" and best.mode == "lines"
    assert list(best.x) == list(range(6)) and list(best.y) == list(running(VALUES))
    assert len(infeasible.x) == 0
    assert fig.layout.title.text == "Optimization History Plot"
    assert fig.layout.xaxis.title.text == "Trial" and fig.layout.yaxis.title.text == "Objective Value"


def test_history_infeasible_trials_are_their_own_trace_and_never_best() -> None:
    study = hpint.create_study()
    for value, constraint in [(2.0, 0.0), (1.0, 1.0), (1.5, -1.0)]:
        study.add_trial(create_trial(value=value, system_attrs={"constraints": [constraint]}))
    values, best, infeasible = plot_optimization_history(study).data
    assert (list(values.x), list(values.y)) == ([0, 2], [2.0, 1.5])
    assert (list(infeasible.x), list(infeasible.y)) == ([1], [1.0])
    assert list(best.y) == [2.0, 2.0, 1.5]


def test_history_target_on_a_multi_objective_study(multi_study) -> None:
    with pytest.raises(ValueError, match="`target`"):
        plot_optimization_history(multi_study)
    fig = plot_optimization_history(multi_study, target=lambda t: t.values[1], target_name="accuracy")
    assert _names(fig) == ["accuracy", "Infeasible Trial"]  # no best line: a target has no direction
    assert list(fig.data[0].y) == [1.0, 3.0, 2.0, 0.2, 3.0]
    assert fig.layout.yaxis.title.text == "accuracy"


def test_history_of_several_studies_and_with_error_bars(make_study) -> None:
    studies = [make_study("minimize"), make_study("minimize")]
    other = hpint.create_study(study_name="other")
    for v in VALUES:
        other.add_trial(create_trial(value=v + 2.0))
    studies[1] = other
    names = [s.study_name for s in studies]
    fig = plot_optimization_history(studies)
    assert _names(fig) == [
        f"Objective Value of {names[0]}",
        f"Best Value of {names[0]}",
        "Infeasible Trial",
        "Objective Value of other",
        "Best Value of other",
        "Infeasible Trial",
    ]
    assert list(fig.data[3].y) == [v + 2.0 for v in VALUES]
    fig = plot_optimization_history(studies, error_bar=True)
    values, best = fig.data[0], fig.data[1]
    np.testing.assert_allclose(values.y, np.add(VALUES, 1.0))
    np.testing.assert_allclose(values.error_y.array, np.ones(6))  # population std of (v, v + 2)
    np.testing.assert_allclose(best.y, np.minimum.accumulate(VALUES) + 1.0)
    assert [t.fill for t in fig.data[2:4]] == [None, "tonexty"]  # the best line's band


def test_history_empty_study_gives_an_empty_figure_and_a_warning(caplog) -> None:
    hpint.logging.enable_propagation()
    try:
        with caplog.at_level("WARNING", logger="hpint"):
            fig = plot_optimization_history(hpint.create_study())
    finally:
        hpint.logging.disable_propagation()
    assert fig.data == () and fig.layout.title.text == "Optimization History Plot"
    assert "nothing to plot" in caplog.text


def _curves_study() -> hpint.Study:
    study = hpint.create_study()
    study.add_trial(create_trial(value=0.3, intermediate_values={0: 1.0, 2: 0.5, 1: 0.8}))
    study.add_trial(create_trial(state=TrialState.PRUNED, intermediate_values={0: 2.0, 1: 1.9}))
    study.add_trial(create_trial(value=1.0))  # reported nothing: no line
    study.add_trial(create_trial(state=TrialState.FAIL, intermediate_values={0: 9.0}))  # failed: left out
    study.add_trial(
        create_trial(value=0.1, intermediate_values={0: 0.4}, system_attrs={"constraints": [2.0]})
    )
    return study


def test_intermediate_values_one_line_per_reporting_trial() -> None:
    fig = plot_intermediate_values(_curves_study())
    assert _names(fig) == ["Trial0", "Trial1", "Trial4"]
    first, pruned, infeasible = fig.data
    assert (list(first.x), list(first.y)) == ([0, 1, 2], [1.0, 0.8, 0.5])  # sorted by step
    assert (list(pruned.x), list(pruned.y)) == ([0, 1], [2.0, 1.9])
    assert pruned.line.dash == "dash" and first.line.dash is None
    assert infeasible.marker.color == "#cccccc" and first.marker.color is None
    assert fig.layout.xaxis.title.text == "Step" and fig.layout.yaxis.title.text == "Intermediate Value"
    assert fig.layout.title.text == "Intermediate Values Plot"


def test_intermediate_values_without_reports_is_empty() -> None:
    study = hpint.create_study()
    study.add_trial(create_trial(value=1.0))
    assert plot_intermediate_values(study).data == ()


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_edf_is_the_exact_step_curve_of_the_complete_values(make_study, direction) -> None:
    study = _with_pruned(make_study(direction))
    (line,) = plot_edf(study).data
    assert line.name == study.study_name and line.line.shape == "hv"
    x, y = np.asarray(line.x), np.asarray(line.y)
    assert x[0] == min(VALUES) and x[-1] == max(VALUES) and y[0] == 0.0 and y[-1] == 1.0
    for v in VALUES:  # the share of values <= v, read off the step curve at v
        assert y[np.searchsorted(x, v, side="right") - 1] == pytest.approx(np.mean(np.array(VALUES) <= v))
    fig = plot_edf(study)
    assert fig.layout.xaxis.title.text == "Objective Value"
    assert fig.layout.yaxis.title.text == "Cumulative Probability"
    assert tuple(fig.layout.yaxis.range) == (0, 1)


def test_edf_several_studies_share_the_range_and_multi_objective_needs_target(study, multi_study) -> None:
    other = hpint.create_study(study_name="other")
    for v in [10.0, 20.0]:
        other.add_trial(create_trial(value=v))
    fig = plot_edf([study, other])
    assert _names(fig) == [study.study_name, "other"]
    assert all((t.x[0], t.x[-1]) == (0.5, 20.0) for t in fig.data)
    with pytest.raises(ValueError, match="`target`"):
        plot_edf(multi_study)
    (line,) = plot_edf(multi_study, target=lambda t: t.values[0], target_name="loss").data
    assert sorted(line.x[1:-1]) == [0.5, 1.0, 2.0, 2.5, 3.0]
    assert plot_edf(hpint.create_study()).data == ()


def test_hypervolume_history_traces_the_hand_computed_volumes() -> None:
    study = hpint.create_study(directions=["minimize", "maximize"])
    for values in [(1.0, 3.0), (2.0, 4.0), (0.5, 1.0), (3.0, 2.0), (5.0, 10.0)]:
        study.add_trial(create_trial(values=list(values)))
    study.add_trial(create_trial(values=[0.0, 10.0], system_attrs={"constraints": [1.0]}))
    study.add_trial(create_trial(state=TrialState.PRUNED))
    fig = plot_hypervolume_history(study, reference_point=[4.0, 0.0])
    (line,) = fig.data
    assert list(line.x) == [0, 1, 2, 3, 4]  # the infeasible and the pruned trial are left out
    assert list(line.y) == pytest.approx([9.0, 11.0, 11.5, 11.5, 11.5])
    assert fig.layout.title.text == "Hypervolume History Plot"
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Trial", "Hypervolume")
    with pytest.raises(ValueError, match="one objective"):
        plot_hypervolume_history(hpint.create_study(), reference_point=[1.0])
    with pytest.raises(ValueError, match="`reference_point`"):
        plot_hypervolume_history(study, reference_point=[1.0])
    empty = plot_hypervolume_history(hpint.create_study(directions=["minimize"] * 2), [1.0, 1.0])
    assert len(empty.data[0].x) == 0


def test_error_bars_average_only_feasible_values() -> None:
    studies = [hpint.create_study(), hpint.create_study()]
    studies[0].add_trial(create_trial(value=1.0))
    studies[0].add_trial(create_trial(value=2.0, system_attrs={"constraints": [1.0]}))  # infeasible
    studies[1].add_trial(create_trial(value=3.0))
    studies[1].add_trial(create_trial(value=6.0))
    values, best = plot_optimization_history(studies, error_bar=True).data[:2]
    assert list(values.x) == [0, 1] and list(values.y) == [2.0, 6.0]  # trial 1: the feasible 6.0 alone
    assert list(values.error_y.array) == [1.0, 0.0]
    assert list(best.y) == [2.0, 2.0]  # bests (1, 1) and (3, 3)
