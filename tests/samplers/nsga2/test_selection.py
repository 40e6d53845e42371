"""Survival and mating selection of NSGA-II on hand-computed populations."""

from __future__ import annotations

import numpy as np

from hpint.samplers._nsga2._selection import rank_and_crowding, select_elite, select_parents, tournament

# Front 0: rows 0, 1, 2, 5 (5 lies between 1 and 2). Front 1: row 3. Front 2: row 4.
LOSS = np.array([[1.0, 9.0], [3.0, 5.0], [9.0, 1.0], [4.0, 6.0], [8.0, 8.0], [5.0, 4.5]])


def test_elite_takes_whole_fronts_then_the_most_isolated_of_the_cut_front() -> None:
    assert list(select_elite(LOSS, None, 5)) == [0, 1, 2, 3, 5]
    # Three of front 0's four rows fit: the two extremes (infinite crowding), then the more isolated of
    # rows 1 and 5. Both objectives range over 8. Row 1 (3, 5): neighbours 1 and 5 on the first, 4.5
    # and 9 on the second: 4/8 + 4.5/8 = 1.0625. Row 5 (5, 4.5): 6/8 + 4/8 = 1.25, so row 5 stays.
    assert list(select_elite(LOSS, None, 3)) == [0, 2, 5]
    assert list(select_elite(LOSS, None, 10)) == [0, 1, 2, 3, 4, 5]


def test_elite_prefers_feasible_rows_then_smaller_violations() -> None:
    violation = np.array([0.0, 2.0, 0.0, 0.0, 0.5, 0.0])
    # Feasible rows 0, 2, 3, 5 first (all four fit), then row 4 (violation 0.5) before row 1 (2.0).
    assert list(select_elite(LOSS, violation, 5)) == [0, 2, 3, 4, 5]
    assert list(select_elite(LOSS, violation, 4)) == [0, 2, 3, 5]


def test_rank_and_crowding_are_per_front() -> None:
    ranks, crowding = rank_and_crowding(LOSS, None)
    assert list(ranks) == [0, 0, 0, 1, 2, 0]
    assert np.isinf(crowding[[0, 2, 3, 4]]).all()  # extremes of front 0, and one-row fronts
    np.testing.assert_allclose(crowding[[1, 5]], [1.0625, 1.25])


def test_tournament_prefers_lower_rank_then_larger_crowding() -> None:
    ranks = np.array([0, 1])
    crowding = np.array([0.1, np.inf])
    rng = np.random.RandomState(0)
    assert all(tournament(ranks, crowding, np.arange(2), rng) == 0 for _ in range(20))
    same_rank = np.array([0, 0])
    assert all(tournament(same_rank, crowding, np.arange(2), rng) == 1 for _ in range(20))
    assert tournament(ranks, crowding, np.array([1]), rng) == 1


def test_select_parents_gives_distinct_parents() -> None:
    ranks, crowding = rank_and_crowding(LOSS, None)
    rng = np.random.RandomState(3)
    for _ in range(50):
        parents = select_parents(ranks, crowding, 3, rng)
        assert len(set(parents)) == 3
    assert sorted(select_parents(ranks, crowding, 10, rng)) == list(range(6))
