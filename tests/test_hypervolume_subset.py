"""Reusing a greedy hypervolume subset when one point is appended: always the answer of a fresh run."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hpint._hypervolume_subset import GreedySubset, greedy_hypervolume_subset
from hpint._pareto import is_pareto_front
from hpint.samplers._tpe._split import (
    first_front,
    multi_objective_below,
    reference_point,
    select_spread,
)


def test_no_rows_asked_for_and_all_rows_asked_for() -> None:
    points = np.random.RandomState(0).rand(5, 4)
    assert greedy_hypervolume_subset(points, 0, np.ones(4)).tolist() == []
    assert greedy_hypervolume_subset(points, 5, np.ones(4)).tolist() == [0, 1, 2, 3, 4]
    assert greedy_hypervolume_subset(points, 9, np.ones(4)).tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("m", [3, 4, 5, 6])
@pytest.mark.parametrize("integers", [True, False], ids=["ties", "reals"])
def test_with_appended_is_reused_only_when_a_fresh_run_agrees(m: int, integers: bool) -> None:
    # Integer points tie often (the appended row must lose ties); real ones on a sphere never do.
    rng = np.random.RandomState(m + 10 * integers)
    ref = np.full(m, 5.0 if integers else 1.1)
    reused = refused = 0
    for _ in range(60):
        n = rng.randint(3, 14)
        if integers:
            points = rng.randint(0, 5, size=(n + 1, m)).astype(float)
        else:
            points = np.abs(rng.normal(size=(n + 1, m)))
            points /= np.linalg.norm(points, axis=1, keepdims=True)
        k = rng.randint(1, n)
        run = GreedySubset(points[:n], k, ref)
        fresh = GreedySubset(points, k, ref)
        again = run.with_appended(points, k, ref)
        if again is None:
            refused += 1
        else:
            reused += 1
            assert again.indices.tolist() == fresh.indices.tolist(), (points, k)
            assert again.chosen_gains == fresh.chosen_gains  # to the last bit
            assert np.array_equal(again.points, points)
        if fresh.order[: len(run.order)] == run.order:  # the new row was never chosen: reuse is due
            assert again is not None, (points, k)
    assert reused > 5 and refused > 5  # both outcomes were exercised
    assert run.with_appended(points[:n], k, ref) is run  # the same points: the same run
    assert run.with_appended(points, k + 1, ref) is None
    assert run.with_appended(points, k, ref + 1.0) is None
    assert run.with_appended(points[::-1], k, ref) is None


@pytest.mark.parametrize("m", [3, 5])
def test_select_spread_with_a_memo_answers_as_without(m: int) -> None:
    # As in TPE: a front that grows by one point per call, and 10% of it (rounded up) to choose.
    rng = np.random.RandomState(m)
    points = np.abs(rng.normal(size=(160, m)))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    points *= 1.0 + 0.05 * rng.rand(len(points), 1)
    memo: dict[str, object] = {}
    reused = 0
    for n in range(20, len(points) + 1):
        front = points[:n][is_pareto_front(points[:n])]
        k = math.ceil(0.1 * len(front))
        before = memo.get("greedy subset")
        assert select_spread(front, k, memo).tolist() == select_spread(front, k).tolist(), n
        reused += before is not None and memo["greedy subset"].order is before.order  # type: ignore[attr-defined]
        kept = GreedySubset(front, k, reference_point(front))
        assert memo["greedy subset"].chosen_gains == kept.chosen_gains  # type: ignore[attr-defined]
        mask = multi_objective_below(points[:n], k, memo)
        assert np.flatnonzero(mask).tolist() == np.flatnonzero(multi_objective_below(points[:n], k)).tolist()
    assert reused > 20  # of 141 calls


@pytest.mark.parametrize("m", [2, 3, 5])
def test_first_front_kept_up_to_date_row_by_row(m: int) -> None:
    # Few distinct values: copies (which all count) and rows that push front rows out.
    rng = np.random.RandomState(m)
    loss = rng.randint(0, 4, size=(120, m)).astype(float)
    loss[60:] -= 1.0  # later rows dominate earlier ones
    memo: dict[str, object] = {}
    for n in range(len(loss) + 1):
        assert first_front(loss[:n], memo).tolist() == is_pareto_front(loss[:n]).tolist(), n
        assert first_front(loss[:n], memo).tolist() == is_pareto_front(loss[:n]).tolist(), n  # the same
    assert first_front(loss[::-1], memo).tolist() == is_pareto_front(loss[::-1]).tolist()  # not appended
