"""Das-Dennis reference points and the check of user-given ones."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hpint.samplers._nsga3._reference_points import check_reference_points, das_dennis_points


@pytest.mark.parametrize(("m", "h"), [(1, 3), (2, 1), (2, 4), (3, 2), (3, 12), (4, 4), (5, 3), (8, 2)])
def test_count_is_binomial_and_every_point_lies_on_the_grid_of_the_simplex(m: int, h: int) -> None:
    points = das_dennis_points(m, h)
    assert points.shape == (math.comb(h + m - 1, m - 1), m)
    np.testing.assert_allclose(points.sum(axis=1), 1.0)
    assert (points >= 0).all()
    np.testing.assert_allclose(points * h, np.round(points * h), atol=1e-12)  # multiples of 1 / h
    assert len(np.unique(np.round(points * h), axis=0)) == len(points)  # no point twice


def test_three_objectives_two_divisions_by_hand() -> None:
    expected = {(0, 0, 2), (0, 1, 1), (0, 2, 0), (1, 0, 1), (1, 1, 0), (2, 0, 0)}
    assert {tuple(int(v) for v in row) for row in np.round(das_dennis_points(3, 2) * 2)} == expected


def test_the_corners_are_reference_points() -> None:
    points = das_dennis_points(4, 3)
    for axis in np.eye(4):
        assert np.any(np.all(points == axis, axis=1))


@pytest.mark.parametrize(("m", "h"), [(0, 3), (3, 0)])
def test_degenerate_grids_are_refused(m: int, h: int) -> None:
    with pytest.raises(ValueError, match="division"):
        das_dennis_points(m, h)


@pytest.mark.parametrize(
    "points", [[1.0, 0.0], [], [[1.0, -0.5]], [[0.0, 0.0]], [[np.nan, 1.0]], "abc", [[1, 2], [3]]]
)
def test_bad_user_reference_points_are_refused(points: object) -> None:
    with pytest.raises(ValueError, match="reference_points"):
        check_reference_points(points)


def test_user_reference_points_become_a_float_array() -> None:
    points = check_reference_points([[1, 0], [0, 2]])
    assert points.dtype == float and points.shape == (2, 2)
