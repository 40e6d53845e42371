"""plot_pareto_front: the "Best Trial" series holds exactly the non-dominated trials."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.trial import create_trial
from hpint.visualization.matplotlib import plot_pareto_front

# multi_study's values (minimize, maximize); the non-dominated ones are trials 0, 1 and 3.
BEST = [(1.0, 1.0), (2.0, 3.0), (0.5, 0.2)]
DOMINATED = [(3.0, 2.0), (2.5, 3.0)]


def _series(ax) -> dict:
    return {c.get_label(): np.asarray(c.get_offsets()) for c in ax.collections}


def test_best_series_is_exactly_the_front(multi_study) -> None:
    ax = plot_pareto_front(multi_study)
    series = _series(ax)
    np.testing.assert_array_equal(series["Best Trial"], BEST)
    np.testing.assert_array_equal(series["Trial"], DOMINATED)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Objective 0", "Objective 1")
    best = {tuple(t.values) for t in multi_study.best_trials}
    assert {tuple(p) for p in series["Best Trial"]} == best


def test_include_dominated_false_and_names_and_order(multi_study) -> None:
    multi_study.set_metric_names(["loss", "accuracy"])
    ax = plot_pareto_front(multi_study, include_dominated_trials=False, axis_order=[1, 0])
    assert set(_series(ax)) == {"Best Trial"}
    np.testing.assert_array_equal(_series(ax)["Best Trial"], [(b, a) for a, b in BEST])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("accuracy", "loss")


def test_targets_change_the_coordinates_not_the_front(multi_study) -> None:
    ax = plot_pareto_front(
        multi_study, targets=lambda t: (t.values[0] * 10, t.values[1]), target_names=["a", "b"]
    )
    np.testing.assert_array_equal(_series(ax)["Best Trial"], [(10 * a, b) for a, b in BEST])


def test_infeasible_trials_are_their_own_series() -> None:
    study = hpint.create_study(directions=["minimize", "minimize"])
    study.add_trial(create_trial(values=[0.0, 0.0], system_attrs={"constraints": [1.0]}))
    study.add_trial(create_trial(values=[1.0, 1.0], system_attrs={"constraints": [0.0]}))
    series = _series(plot_pareto_front(study))
    np.testing.assert_array_equal(series["Infeasible Trial"], [(0.0, 0.0)])
    np.testing.assert_array_equal(series["Best Trial"], [(1.0, 1.0)])
    # constraints_func overrides the stored constraints: now the second trial is the infeasible one.
    series = _series(plot_pareto_front(study, constraints_func=lambda t: [t.values[0] - 0.5]))
    np.testing.assert_array_equal(series["Infeasible Trial"], [(1.0, 1.0)])
    np.testing.assert_array_equal(series["Best Trial"], [(0.0, 0.0)])


def test_three_objectives_give_a_3d_axes() -> None:
    study = hpint.create_study(directions=["minimize"] * 3)
    for values in [(1, 2, 3), (3, 2, 1), (3, 3, 3)]:
        study.add_trial(create_trial(values=list(map(float, values))))
    ax = plot_pareto_front(study)
    assert ax.name == "3d" and ax.get_zlabel() == "Objective 2"
    best = next(c for c in ax.collections if c.get_label() == "Best Trial")
    np.testing.assert_array_equal(np.column_stack(best._offsets3d), [(1, 2, 3), (3, 2, 1)])


def test_bad_arguments_are_named(multi_study, study) -> None:
    with pytest.raises(ValueError, match="2 or 3"):
        plot_pareto_front(study)
    with pytest.raises(ValueError, match="`target_names`"):
        plot_pareto_front(multi_study, target_names=["only one"])
    with pytest.raises(ValueError, match="`axis_order`"):
        plot_pareto_front(multi_study, axis_order=[0, 0])
    with pytest.raises(ValueError, match="`axis_order` or `targets`"):
        plot_pareto_front(multi_study, axis_order=[0, 1], targets=lambda t: t.values)


def test_empty_study_gives_an_empty_plot() -> None:
    assert not plot_pareto_front(hpint.create_study(directions=["minimize", "maximize"])).collections
