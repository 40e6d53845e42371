"""plot_rank in both backends: points at the trials' parameters, coloured by the rank of their value."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib import colormaps

import hpint
import hpint.visualization
import hpint.visualization.matplotlib
from hpint.trial import create_trial
from hpint.visualization._rank import rank_positions

X = [1.0, -2.0, 0.5, 3.0, -1.0, 2.0]
LR = [1e-3, 1e-2, 1e-4, 1e-5, 1e-1, 3e-3]
VALUES = [3.0, 5.0, 1.0, 4.0, 0.5, 2.0]
#: Each value's rank among VALUES (0 = smallest), scaled to [0, 1].
POSITIONS = [3 / 5, 5 / 5, 1 / 5, 4 / 5, 0 / 5, 2 / 5]


def test_rank_positions_average_ties() -> None:
    np.testing.assert_allclose(rank_positions(np.array(VALUES)), POSITIONS)
    np.testing.assert_allclose(rank_positions(np.array([2.0, 1.0, 2.0, 3.0])), [0.5, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(rank_positions(np.array([7.0])), [0.5])


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_plotly_two_parameters_one_panel(make_study, direction) -> None:
    pytest.importorskip("plotly")
    from plotly.colors import sample_colorscale

    fig = hpint.visualization.plot_rank(make_study(direction), params=["x", "lr"])  # given order kept
    points, colorbar = fig.data
    assert list(points.x) == X and list(points.y) == LR
    assert list(points.marker.color) == sample_colorscale("RdYlBu_r", POSITIONS)  # same for both directions
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "lr"
    assert fig.layout.yaxis.type == "log"
    np.testing.assert_allclose(fig.layout.yaxis.range, (-5.2, -0.8))
    np.testing.assert_allclose(fig.layout.xaxis.range, (-2.25, 3.25))
    assert list(colorbar.marker.colorbar.ticktext) == [
        "min. (0.5)",
        "25% (1.25)",
        "50% (2.5)",
        "75% (3.75)",
        "max. (5)",
    ]
    assert fig.layout.title.text == "Rank (Objective Value)"


def test_plotly_grid_categorical_infeasible_and_target(study, multi_study) -> None:
    pytest.importorskip("plotly")
    study.add_trial(
        create_trial(
            value=9.0,
            params={"x": 0.0, "lr": 1e-3, "kind": "sgd"},
            distributions=study.trials[0].distributions,
            system_attrs={"constraints": [1.0]},
        )
    )
    fig = hpint.visualization.plot_rank(study)
    assert len(fig.data) == 3 * 3 + 1  # every cell, diagonal included, plus the colour bar's trace
    kind_on_x = fig.data[6]  # row 3 (x on y), column 1 (kind on x)
    assert list(kind_on_x.x) == ["adam", "sgd", "None", "adam", "sgd", "None", "sgd"]
    assert list(kind_on_x.y) == X + [0.0]
    assert kind_on_x.marker.color[-1] == "rgb(204, 204, 204)"  # the infeasible trial is grey
    assert fig.layout.xaxis7.type == "category" and fig.layout.xaxis7.title.text == "kind"
    assert fig.layout.yaxis7.title.text == "x" and fig.layout.xaxis8.title.text == "lr"
    with pytest.raises(ValueError, match="`target`"):
        hpint.visualization.plot_rank(multi_study)
    fig = hpint.visualization.plot_rank(multi_study, target=lambda t: -t.values[1], target_name="neg")
    assert fig.layout.title.text == "Rank (neg)" and list(fig.data[0].x) == [0.0, 1.0, 2.0, 3.0, 4.0]
    with pytest.raises(ValueError, match="'nope'"):
        hpint.visualization.plot_rank(study, params=["nope"])
    assert hpint.visualization.plot_rank(hpint.create_study()).data == ()


def test_matplotlib_two_parameters_one_axes(study) -> None:
    ax = hpint.visualization.matplotlib.plot_rank(study, params=["x", "lr"])
    (points,) = ax.collections
    np.testing.assert_allclose(points.get_offsets(), np.column_stack([X, LR]))
    np.testing.assert_allclose(points.get_facecolors(), colormaps["RdYlBu_r"](POSITIONS))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "lr") and ax.get_yscale() == "log"
    np.testing.assert_allclose(np.log10(ax.get_ylim()), (-5.2, -0.8))
    assert ax.get_title() == "Rank (Objective Value)"
    colorbar = ax.figure.axes[-1]
    assert [t.get_text() for t in colorbar.get_yticklabels()][0] == "min. (0.5)"


def test_matplotlib_grid_and_errors(study, multi_study) -> None:
    axes = hpint.visualization.matplotlib.plot_rank(study)
    assert axes.shape == (3, 3)
    assert [t.get_text() for t in axes[2, 0].get_xticklabels()] == ["adam", "sgd", "None"]
    np.testing.assert_array_equal(
        axes[2, 0].collections[0].get_offsets(), np.column_stack([[0, 1, 2] * 2, X])
    )
    assert axes[2, 0].get_xlabel() == "kind" and axes[0, 1].get_xlabel() == ""
    with pytest.raises(ValueError, match="`target`"):
        hpint.visualization.matplotlib.plot_rank(multi_study)
    assert not hpint.visualization.matplotlib.plot_rank(hpint.create_study()).collections
    one = hpint.visualization.matplotlib.plot_rank(study, params=["x"])
    assert (one.get_xlabel(), one.get_ylabel()) == ("x", "x")
