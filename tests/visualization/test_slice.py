"""plot_slice: one panel per parameter with (parameter, value) points; log and categorical axes."""

from __future__ import annotations

import numpy as np
import pytest

from hpint.visualization.matplotlib import plot_slice

X = [1.0, -2.0, 0.5, 3.0, -1.0, 2.0]
VALUES = [3.0, 5.0, 1.0, 4.0, 0.5, 2.0]


def test_one_panel_per_parameter_sorted_by_name(study) -> None:
    axes = plot_slice(study)
    assert isinstance(axes, np.ndarray) and [ax.get_xlabel() for ax in axes] == ["kind", "lr", "x"]
    assert axes[0].get_ylabel() == "Objective Value"


def test_points_are_the_parameter_and_value_of_each_trial(study) -> None:
    ax = plot_slice(study, params=["x"])
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.column_stack([X, VALUES]))


def test_log_parameter_gets_a_log_axis_and_categorical_one_tick_per_choice(study) -> None:
    kind, lr, x = plot_slice(study)
    assert lr.get_xscale() == "log" and x.get_xscale() == "linear"
    assert [t.get_text() for t in kind.get_xticklabels()] == ["adam", "sgd", "None"]
    # adam, sgd, None, adam, sgd, None -> their indices among the choices
    np.testing.assert_array_equal(kind.collections[0].get_offsets()[:, 0], [0, 1, 2, 0, 1, 2])


def test_unknown_parameter_is_named_with_the_existing_ones(study) -> None:
    with pytest.raises(ValueError, match=r"'nope'.*\['kind', 'lr', 'x'\]"):
        plot_slice(study, params=["x", "nope"])
    with pytest.raises(TypeError, match="`params`"):
        plot_slice(study, params="x")


def test_target_and_multi_objective(multi_study) -> None:
    with pytest.raises(ValueError, match="`target`"):
        plot_slice(multi_study)
    ax = plot_slice(multi_study, target=lambda t: t.values[0], target_name="first")
    assert ax.get_ylabel() == "first"
    np.testing.assert_array_equal(ax.collections[0].get_offsets()[:, 1], [1.0, 2.0, 3.0, 0.5, 2.5])
