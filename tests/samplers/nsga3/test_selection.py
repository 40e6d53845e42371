"""NSGA-III's normalization, association and niching on hand-computed populations."""

from __future__ import annotations

import numpy as np
import pytest

from hpint.samplers._nsga3._reference_points import das_dennis_points
from hpint.samplers._nsga3._selection import (
    associate,
    extreme_points,
    intercepts,
    niche_select,
    normalize,
    select_by_reference_points,
)


def test_normalization_puts_the_ideal_point_at_zero_and_the_intercepts_at_one() -> None:
    # Ideal (1, 1); shifted rows (0, 4), (2, 2), (4, 0); extremes (4, 0) and (0, 4): plane x + y = 4.
    loss = np.array([[1.0, 5.0], [3.0, 3.0], [5.0, 1.0]])
    np.testing.assert_allclose(normalize(loss), [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])


def test_objectives_of_different_scales_are_scaled_by_their_own_intercept() -> None:
    loss = np.array([[0.0, 10.0], [1.0, 0.0], [0.5, 5.0], [0.9, 9.0]])
    np.testing.assert_allclose(extreme_points(loss), [[1.0, 0.0], [0.0, 10.0]])
    np.testing.assert_allclose(intercepts(loss), [1.0, 10.0])
    np.testing.assert_allclose(normalize(loss)[2], [0.5, 0.5])


def test_intercepts_of_a_tilted_plane_by_hand() -> None:
    # Extremes (2, 0, 0), (0, 4, 0), (0, 0, 1) (the other rows are dominated-ish interior points).
    shifted = np.array([[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.5]])
    np.testing.assert_allclose(intercepts(shifted), [2.0, 4.0, 1.0])


def test_degenerate_extremes_fall_back_to_the_largest_value_per_axis() -> None:
    # Row 0 is the ideal point itself: it is every axis's extreme point, so no plane; fall back to
    # the largest values (2, 3, 1); an objective equal in every row is left unscaled (1).
    shifted = np.array([[0.0, 0.0, 0.0], [2.0, 3.0, 1.0]])
    np.testing.assert_allclose(intercepts(shifted), [2.0, 3.0, 1.0])
    np.testing.assert_allclose(intercepts(np.array([[0.0, 1.0], [0.0, 2.0]]) - [0.0, 1.0]), [1.0, 1.0])


def test_a_plane_with_a_negative_intercept_falls_back_to_the_largest_value_per_axis() -> None:
    # Extremes (1, 0, 0), (0, 1, 0) and (0.9, 0.9, 0.01) (closest to axis 3 by the scalarizing function):
    # the plane through them is x + y - 80 z = 1, which meets axis 3 below zero.
    shifted = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.9, 0.9, 0.01]])
    np.testing.assert_allclose(extreme_points(shifted), shifted)
    np.testing.assert_allclose(intercepts(shifted), [1.0, 1.0, 0.01])


def test_association_takes_the_nearest_reference_line_and_its_perpendicular_distance() -> None:
    references = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    points = np.array([[0.2, 0.9], [1.0, 1.0], [0.9, 0.0], [0.0, 0.0]])
    niche, distance = associate(points, references)
    # (0.2, 0.9): 0.9 from the first axis, 0.2 from the second, |0.2 - 0.9| / sqrt(2) from the diagonal.
    assert list(niche) == [1, 2, 0, 0]  # the ideal point is on every line: the first one wins
    np.testing.assert_allclose(distance, [0.2, 0.0, 0.0, 0.0], atol=1e-12)


def test_niching_fills_the_emptiest_niche_with_its_nearest_member_first() -> None:
    niche = np.array([2, 1, 1, 0])  # the cut front's rows
    distance = np.array([0.1, 0.3, 0.2, 0.5])
    already = np.array([1, 0, 2])  # members of the better fronts in each niche
    for seed in range(20):
        rng = np.random.RandomState(seed)
        assert list(niche_select(1, niche, distance, already, rng)) == [2]  # niche 1 was empty: nearest
        # Then niches 0 and 1 hold one each (niche 2 holds two): rows 1 and 3 before row 0.
        assert sorted(niche_select(3, niche, distance, already, rng)) == [1, 2, 3]
        assert sorted(niche_select(9, niche, distance, already, rng)) == [0, 1, 2, 3]


def test_niches_without_a_candidate_are_skipped() -> None:
    niche = np.array([1, 1, 2])
    picks = niche_select(2, niche, np.array([0.3, 0.1, 0.2]), np.array([0, 4, 4]), np.random.RandomState(0))
    assert len(set(picks.tolist())) == 2 and set(picks.tolist()) <= {0, 1, 2}


FRONT = np.array([[0.0, 1.0], [0.1, 0.9], [0.15, 0.85], [0.5, 0.5], [1.0, 0.0]])
LOSS = np.vstack([FRONT, [[1.0, 1.0]]])  # row 5 is dominated


def test_survivors_cover_the_reference_directions() -> None:
    references = das_dennis_points(2, 2)  # (0, 1), (0.5, 0.5), (1, 0)
    for seed in range(20):
        rng = np.random.RandomState(seed)
        assert list(select_by_reference_points(LOSS, None, 3, references, rng)) == [0, 3, 4]
        fourth = set(select_by_reference_points(LOSS, None, 4, references, rng)) - {0, 3, 4}
        assert fourth <= {1, 2} and len(fourth) == 1  # only niche (0, 1) still has candidates
    assert list(select_by_reference_points(LOSS, None, 6, references, rng)) == list(range(6))
    assert list(select_by_reference_points(LOSS, None, 9, references, rng)) == list(range(6))


def test_niches_filled_by_better_fronts_count_when_the_cut_front_is_niched() -> None:
    # Front 0: rows 0 (0, 1) and 1 (1, 0), in the niches of the axes. Front 1: row 2 near the first axis's
    # niche, row 3 exactly on the (1/3, 2/3) line, row 4 near the second axis's niche. One place is
    # left, and only row 3's niche is still empty.
    loss = np.array([[0.0, 1.0], [1.0, 0.0], [0.05, 1.1], [0.5, 1.0], [1.1, 0.05]])
    for seed in range(20):
        kept = select_by_reference_points(loss, None, 3, das_dennis_points(2, 3), np.random.RandomState(seed))
        assert list(kept) == [0, 1, 3]


def test_user_reference_points_decide_which_members_survive() -> None:
    near_second_axis = np.array([[0.1, 0.9], [0.15, 0.85]])
    rng = np.random.RandomState(0)
    assert list(select_by_reference_points(LOSS, None, 2, near_second_axis, rng)) == [1, 2]


def test_whole_better_fronts_survive_before_the_cut_front() -> None:
    loss = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])  # fronts {0}, {1, 2}, {3}
    references = das_dennis_points(2, 3)
    for seed in range(10):
        kept = select_by_reference_points(loss, None, 2, references, np.random.RandomState(seed))
        assert 0 in kept and len(kept) == 2 and 3 not in kept


@pytest.mark.parametrize("k", [2, 3])
def test_feasible_rows_first_and_an_infeasible_cut_front_in_row_order(k: int) -> None:
    loss = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.2, 0.2], [0.1, 0.1]])
    violation = np.array([0.0, 0.0, 2.0, 1.0, 1.0])  # rows 3 and 4 violate equally, row 2 more
    kept = select_by_reference_points(loss, violation, k, das_dennis_points(2, 2), np.random.RandomState(0))
    assert list(kept) == [0, 1, 3][:k]
