"""plot_contour: a filled-contour grid per parameter pair, with the right axes, and the IDW interpolation."""

from __future__ import annotations

import numpy as np
import pytest

from hpint.visualization._contour import GRID_SIZE, idw_grid
from hpint.visualization.matplotlib import plot_contour

X = np.array([1.0, -2.0, 0.5, 3.0, -1.0, 2.0])
LR = np.array([1e-3, 1e-2, 1e-4, 1e-5, 1e-1, 3e-3])


def test_two_parameters_give_one_axes_with_a_grid_and_padded_limits(study) -> None:
    ax = plot_contour(study, params=["x", "lr"])  # sorted by name, as Optuna: lr on x, x on y
    assert ax.get_xlabel() == "lr" and ax.get_ylabel() == "x"
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    np.testing.assert_allclose(ax.get_ylim(), (-2.0 - 0.25, 3.0 + 0.25))  # 5% of the range each side
    np.testing.assert_allclose(np.log10(ax.get_xlim()), (-5.0 - 0.2, -1.0 + 0.2))
    contour = next(c for c in ax.collections if hasattr(c, "levels"))
    assert contour.levels[0] == pytest.approx(0.5) and contour.levels[-1] == pytest.approx(5.0)
    points = next(c for c in ax.collections if c.get_label() == "Trial")
    np.testing.assert_allclose(points.get_offsets(), np.column_stack([LR, X]))


def test_more_parameters_give_an_n_by_n_grid(study) -> None:
    axes = plot_contour(study)
    assert axes.shape == (3, 3)
    names = ["kind", "lr", "x"]
    for i in range(3):
        assert not axes[i, i].axison
        for j in range(3):
            if i != j:
                assert (axes[i, j].get_xlabel(), axes[i, j].get_ylabel()) == (names[j], names[i])
    assert [t.get_text() for t in axes[1, 0].get_xticklabels()] == ["adam", "sgd", "None"]


def test_idw_passes_through_the_points_and_stays_within_their_range() -> None:
    x, y, z = np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0]), np.array([1.0, 2.0, 4.0])
    grid = idw_grid(x, y, z, 11)
    assert grid.shape == (11, 11)
    assert grid[0, 0] == 1.0 and grid[0, 10] == 2.0 and grid[10, 0] == 4.0  # row = y, column = x
    assert grid.min() >= 1.0 and grid.max() <= 4.0
    assert grid[5, 5] == pytest.approx(7.0 / 3.0)  # the centre is equally far from all three
    # (0.5, 0): squared distances 0.25, 0.25 and 1.25, so weights 4, 4 and 0.8.
    assert grid[0, 5] == pytest.approx((4 * 1.0 + 4 * 2.0 + 0.8 * 4.0) / 8.8)


def test_errors_and_degenerate_cases(study, multi_study) -> None:
    with pytest.raises(ValueError, match="'nope'"):
        plot_contour(study, params=["x", "nope"])
    with pytest.raises(ValueError, match="`target`"):
        plot_contour(multi_study)
    assert not plot_contour(study, params=["x"]).collections  # one parameter: empty, with a warning
    assert GRID_SIZE >= 10
