"""plot_parallel_coordinate: one line per trial through one vertical axis per dimension."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.distributions import FloatDistribution
from hpint.trial import create_trial
from hpint.visualization.matplotlib import plot_parallel_coordinate


def _dimension_axes(ax) -> dict:
    return {a.get_label(): a for a in ax.figure.axes if a is not ax and a.get_label() != "<colorbar>"}


def test_one_axis_per_dimension_log_for_log_parameters(study) -> None:
    ax = plot_parallel_coordinate(study)
    dims = _dimension_axes(ax)
    assert set(dims) == {"Objective Value", "kind", "lr", "x"}
    assert dims["lr"].get_yscale() == "log"
    assert dims["x"].get_yscale() == "linear" and dims["Objective Value"].get_yscale() == "linear"
    np.testing.assert_allclose(dims["lr"].get_ylim(), (1e-5, 1e-1))
    assert [t.get_text() for t in dims["kind"].get_yticklabels()] == ["adam", "sgd", "None"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Objective Value", "kind", "lr", "x"]


def test_lines_pass_through_each_trial_scaled_to_its_axis(study) -> None:
    ax = plot_parallel_coordinate(study, params=["lr", "x"])
    (lines,) = ax.collections
    paths = lines.get_segments()
    assert len(paths) == 6
    # Best (value 0.5: x=-1, lr=1e-1) drawn last: objective at the bottom, lr (log) and x scaled to [0, 1].
    np.testing.assert_allclose(paths[-1], [[0, 0.0], [1, 1.0], [2, (-1.0 + 2.0) / 5.0]])
    np.testing.assert_allclose(paths[-1][1, 1], (np.log10(1e-1) - np.log10(1e-5)) / 4)


def test_trials_missing_a_parameter_are_left_out(study) -> None:
    study.add_trial(create_trial(value=0.0, params={"x": 0.0}, distributions={"x": FloatDistribution(-5, 5)}))
    assert len(plot_parallel_coordinate(study).collections[0].get_segments()) == 6
    assert len(plot_parallel_coordinate(study, params=["x"]).collections[0].get_segments()) == 7


def test_errors_and_empty(study, multi_study) -> None:
    with pytest.raises(ValueError, match="'nope'"):
        plot_parallel_coordinate(study, params=["nope"])
    assert not plot_parallel_coordinate(hpint.create_study()).collections


def test_multi_objective_one_axis_per_objective_coloured_by_pareto_rank(multi_study) -> None:
    ax = plot_parallel_coordinate(multi_study)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Objective 0", "Objective 1", "x"]
    (lines,) = ax.collections
    # Fronts of trials 0-4 (see the plotly test): ranks 0, 0, 2, 0, 1; the worst drawn first.
    assert list(lines.get_array()) == [2, 1, 0, 0, 0]
    assert lines.get_cmap().name == "Blues_r"
    assert ax.figure.axes[-1].get_ylabel() == "Pareto Rank"
