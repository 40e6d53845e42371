"""plot_optimization_history: the scatter holds every complete value, the best line the running best."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.trial import create_trial
from hpint.visualization.matplotlib import plot_optimization_history

VALUES = [3.0, 5.0, 1.0, 4.0, 0.5, 2.0]  # conftest.ROWS' values, trial numbers 0..5


def _best_line(ax):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "Best Value"]
    return line


@pytest.mark.parametrize(
    ("direction", "expected"),
    [("minimize", np.minimum.accumulate(VALUES)), ("maximize", np.maximum.accumulate(VALUES))],
)
def test_best_line_is_the_running_best_for_the_direction(make_study, direction, expected) -> None:
    ax = plot_optimization_history(make_study(direction))
    line = _best_line(ax)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(6))
    np.testing.assert_array_equal(line.get_ydata(), expected)
    (points,) = ax.collections
    np.testing.assert_array_equal(points.get_offsets(), np.column_stack([np.arange(6), VALUES]))
    assert ax.get_ylabel() == "Objective Value" and ax.get_xlabel() == "Trial"


def test_target_replaces_the_value_and_drops_the_best_line(study) -> None:
    ax = plot_optimization_history(study, target=lambda t: -t.value, target_name="Negated")
    assert not [ln for ln in ax.get_lines() if ln.get_label() == "Best Value"]
    np.testing.assert_array_equal(ax.collections[0].get_offsets()[:, 1], [-v for v in VALUES])
    assert ax.get_ylabel() == "Negated"


def test_infeasible_trials_do_not_improve_the_best() -> None:
    study = hpint.create_study()
    for value, constraint in [(2.0, 0.0), (1.0, 1.0), (1.5, -1.0)]:  # the 1.0 trial violates its constraint
        study.add_trial(create_trial(value=value, system_attrs={"constraints": [constraint]}))
    np.testing.assert_array_equal(_best_line(plot_optimization_history(study)).get_ydata(), [2.0, 2.0, 1.5])


def test_several_studies_give_one_series_each(make_study) -> None:
    studies = [make_study("minimize"), make_study("maximize")]
    ax = plot_optimization_history(studies)
    best = [ln for ln in ax.get_lines() if ln.get_label().startswith("Best Value")]
    assert len(best) == 2 and len(ax.collections) == 2
    np.testing.assert_array_equal(best[1].get_ydata(), np.maximum.accumulate(VALUES))


def test_error_bar_plots_mean_over_studies(make_study) -> None:
    study = hpint.create_study()
    for v in VALUES:
        study.add_trial(create_trial(value=v + 2.0))
    ax = plot_optimization_history([make_study(), study], error_bar=True)
    (best,) = [ln for ln in ax.get_lines() if ln.get_label() == "Best Value"]
    np.testing.assert_allclose(best.get_ydata(), np.minimum.accumulate(VALUES) + 1.0)


def test_multi_objective_needs_target(multi_study) -> None:
    with pytest.raises(ValueError, match="`target`"):
        plot_optimization_history(multi_study)
    ax = plot_optimization_history(multi_study, target=lambda t: t.values[1])
    np.testing.assert_array_equal(ax.collections[0].get_offsets()[:, 1], [1.0, 3.0, 2.0, 0.2, 3.0])


def test_empty_study_gives_an_empty_plot_and_a_warning(caplog) -> None:
    hpint.logging.enable_propagation()
    try:
        with caplog.at_level("WARNING", logger="hpint"):
            ax = plot_optimization_history(hpint.create_study())
    finally:
        hpint.logging.disable_propagation()
    assert not ax.collections and not ax.get_lines()
    assert "nothing to plot" in caplog.text


def test_rejects_what_is_not_a_study() -> None:
    with pytest.raises(TypeError, match="`study`"):
        plot_optimization_history(["not a study"])
