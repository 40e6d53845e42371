"""Hypervolume by hand, by Monte Carlo and by inclusion-exclusion; the uncovered boxes against the same;
the greedy subset against the plain greedy that recomputes every gain from scratch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hpint import _uncovered
from hpint._hypervolume import greedy_hypervolume_subset, hypervolume
from hpint._pareto import is_pareto_front
from hpint._uncovered import UncoveredBoxes, volume_inside

LOSS = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [5.0, 5.0]])


def _inclusion_exclusion(points: np.ndarray, ref: np.ndarray) -> float:
    """The union of the points' boxes, as the alternating sum over every subset of their intersections."""
    points = points[np.all(points < ref, axis=1)]
    total = 0.0
    for size in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), size):
            corner = points[list(subset)].max(axis=0)
            total += (-1.0) ** (size + 1) * float(np.prod(ref - corner))
    return total


def _random_points(rng: np.random.RandomState, n: int, m: int, case: int) -> np.ndarray:
    """Integer coordinates in [0, 5] (every volume exact), in turn: anything, a front, with copies and
    dominated rows, and with rows on or past the reference (5) in some objective."""
    points = rng.randint(0, 5, size=(n, m)).astype(float)
    if case % 4 == 1:
        points = points[is_pareto_front(points)]
    elif case % 4 == 2:
        points = np.concatenate([points, points[: 1 + n // 3], points[:1] + 1.0])
    elif case % 4 == 3:
        points[rng.rand(len(points)) < 0.4, rng.randint(m)] = rng.choice([5.0, 6.0])
    return points[rng.permutation(len(points))]


def test_hypervolume_2d_by_hand_and_against_monte_carlo() -> None:
    # Staircase of (1, 4), (2, 2), (4, 1) under (6, 6): 1 * 2 + 2 * 4 + 2 * 5 = 20; dominated rows add 0.
    assert hypervolume(LOSS, [6.0, 6.0]) == 20.0
    assert hypervolume(LOSS, [0.5, 0.5]) == 0.0
    rng = np.random.RandomState(0)
    points = rng.uniform(0, 1, size=(30, 2))
    samples = rng.uniform(0, 1.2, size=(200_000, 2))
    dominated = np.zeros(len(samples), dtype=bool)
    for p in points:
        dominated |= np.all(samples >= p, axis=1)
    assert abs(hypervolume(points, [1.2, 1.2]) - dominated.mean() * 1.44) < 0.01


def test_three_objectives_by_hand() -> None:
    # Under (2, 2, 2): (0, 1, 1) covers 2 x 1 x 1 = 2, (1, 0, 0) covers 1 x 2 x 2 = 4, and they overlap in
    # the box from (1, 1, 1), of volume 1: 2 + 4 - 1 = 5.
    assert hypervolume(np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), [2.0, 2.0, 2.0]) == 5.0
    assert hypervolume(np.array([[2.0, 0.0, 0.0]]), [2.0, 2.0, 2.0]) == 0.0  # on the reference: nothing
    assert hypervolume(np.zeros((0, 3)), [1.0, 1.0, 1.0]) == 0.0


@pytest.mark.parametrize("m", [5, 6])
def test_many_objectives_by_hand(m: int) -> None:
    ref = np.full(m, 2.0)
    unit = np.eye(m)  # e_i covers 2^(m-1): 1 in objective i, 2 in the others
    # Each pair overlaps in 1 x 1 x 2^(m-2), each triple in 2^(m-3), ...: the union is 2^m - 1.
    assert hypervolume(unit, ref) == 2.0**m - 1.0
    assert hypervolume(np.concatenate([unit, unit, unit + 0.5]), ref) == 2.0**m - 1.0  # copies, dominated
    assert hypervolume(np.zeros((1, m)), ref) == 2.0**m
    on_boundary = np.zeros((1, m))
    on_boundary[0, m - 1] = 2.0
    assert hypervolume(on_boundary, ref) == 0.0  # on the reference in one objective: nothing
    assert hypervolume(np.concatenate([unit, on_boundary]), ref) == 2.0**m - 1.0


@pytest.mark.parametrize("n_objectives", [2, 3, 4, 5, 6])
def test_hypervolume_equals_inclusion_exclusion(n_objectives: int) -> None:
    rng = np.random.RandomState(n_objectives)
    ref = np.full(n_objectives, 1.0)
    for case in range(60):
        n = rng.randint(1, 9)
        if case % 2:
            points = rng.uniform(-0.2, 1.1, size=(n, n_objectives))  # some outside the reference
        else:  # few distinct values: ties and repeated points
            points = rng.randint(0, 4, size=(n, n_objectives)) / 4.0
        expected = _inclusion_exclusion(points, ref)
        assert hypervolume(points, ref) == pytest.approx(expected, rel=1e-12, abs=1e-12), points


@pytest.mark.parametrize("m", [2, 3, 4, 5, 6])
def test_uncovered_boxes_stay_disjoint_and_account_for_every_gain(m: int) -> None:
    # After each cover: the removed corners' volume is the hypervolume gain, the boxes left plus the
    # hypervolume fill the whole box exactly, no two boxes overlap, and none is dominated.
    rng = np.random.RandomState(20 + m)
    ref = np.full(m, 5.0)
    for case in range(30):
        points = _random_points(rng, rng.randint(1, 9), m, case)
        lower = np.full(m, -1.0)
        region = UncoveredBoxes(lower, ref)
        for i in range(len(points)):
            lo, hi = region.cover(points[i])
            before, after = _inclusion_exclusion(points[:i], ref), _inclusion_exclusion(points[: i + 1], ref)
            assert np.prod(hi - lo, axis=0).sum() == after - before
            left_lo, left_hi = region.lo[:, : region.size], region.hi[:, : region.size]
            assert np.all(left_lo < left_hi)
            assert np.prod(left_hi - left_lo, axis=0).sum() + after == np.prod(ref - lower)

            overlap = np.minimum(left_hi[:, :, None], left_hi[:, None]) - np.maximum(
                left_lo[:, :, None], left_lo[:, None]
            )
            assert np.sum(np.all(overlap > 0, axis=0)) == region.size  # each box meets only itself
            assert np.all(np.any(left_hi[:, :, None] <= points[: i + 1].T[:, None], axis=0))  # uncovered


def test_volume_inside_counts_only_the_part_in_each_rows_box(monkeypatch: pytest.MonkeyPatch) -> None:
    lo = np.array([[0.0, 2.0], [0.0, 0.0]])  # boxes [0, 2) x [0, 3) and [2, 4) x [0, 1)
    hi = np.array([[2.0, 4.0], [3.0, 1.0]])
    rows = np.array([[1.0, 1.0], [0.0, 0.0], [2.0, 0.5], [4.0, 0.0], [-1.0, 3.0]])
    expected = [1.0 * 2.0, 6.0 + 2.0, 2.0 * 0.5, 0.0, 0.0]
    assert volume_inside(lo, hi, rows).tolist() == expected
    monkeypatch.setattr(_uncovered, "_CHUNK", 1)  # one row at a time
    assert volume_inside(lo, hi, rows).tolist() == expected


def _plain_greedy(points: np.ndarray, k: int, ref: np.ndarray) -> list[int]:
    """Each step, every row's gain from scratch; the largest wins, the lowest index on ties."""
    chosen: list[int] = []
    for _ in range(k):
        base = _inclusion_exclusion(points[chosen], ref)
        gains = {
            i: _inclusion_exclusion(points[chosen + [i]], ref) - base
            for i in range(len(points))
            if i not in chosen
        }
        chosen.append(min(gains, key=lambda i: (-gains[i], i)))
    return sorted(chosen)


@pytest.mark.parametrize("n_objectives", [2, 3, 4, 5, 6])
def test_greedy_subset_equals_the_plain_greedy(n_objectives: int) -> None:
    # Integer coordinates keep every volume exact, so equal gains are equal and ties are tested too:
    # copies, dominated rows and rows on or past the reference among them.
    rng = np.random.RandomState(10 + n_objectives)
    ref = np.full(n_objectives, 5.0)
    for case in range(80):
        points = _random_points(rng, rng.randint(2, 9), n_objectives, case)
        k = rng.randint(1, len(points) + 1)
        got = greedy_hypervolume_subset(points, k, ref).tolist()
        assert got == _plain_greedy(points, min(k, len(points)), ref), (points, k)


@pytest.mark.parametrize("n_objectives", [3, 5])
def test_greedy_subset_on_a_front_of_real_numbers(n_objectives: int) -> None:
    # Points on a sphere's octant, as the TPE sampler's fronts are; no ties, so any slip shows.
    rng = np.random.RandomState(n_objectives)
    points = np.abs(rng.normal(size=(12, n_objectives)))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    ref = np.full(n_objectives, 1.1)
    for k in (1, 4, 9):
        assert greedy_hypervolume_subset(points, k, ref).tolist() == _plain_greedy(points, k, ref)
