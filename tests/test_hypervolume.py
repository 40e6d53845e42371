"""Hypervolume by hand, by Monte Carlo and by inclusion-exclusion; the greedy subset against the plain
greedy that recomputes every gain."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hpint import _hypervolume
from hpint._hypervolume import greedy_hypervolume_subset, hypervolume
from hpint._pareto import is_pareto_front

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


@pytest.mark.parametrize("n_objectives", [2, 3, 4])
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


@pytest.mark.parametrize("path", ["batch", "cut to each row", "slab by slab"])
@pytest.mark.parametrize("n_objectives", [2, 3, 4, 5, 6])
def test_greedy_subset_equals_the_plain_greedy(n_objectives: int, path: str, monkeypatch) -> None:
    # Integer coordinates keep every volume exact, so equal gains are equal and ties are tested too.
    # The paths for large grids (three and four objectives) are taken here on small ones.
    if path == "cut to each row":
        monkeypatch.setattr(_hypervolume, "_CELLS", 0)
    elif path == "slab by slab":
        monkeypatch.setattr(_hypervolume, "_MAX_PREFIX_CELLS", 0)
    rng = np.random.RandomState(10 + n_objectives)
    ref = np.full(n_objectives, 5.0)
    for _ in range(60):
        n = rng.randint(2, 9)
        points = rng.randint(0, 6, size=(n, n_objectives)).astype(float)
        points = points[is_pareto_front(points)] if rng.rand() < 0.5 else points
        k = rng.randint(1, len(points) + 1)
        got = greedy_hypervolume_subset(points, k, ref).tolist()
        assert got == _plain_greedy(points, min(k, len(points)), ref), (points, k)
