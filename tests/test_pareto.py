"""Pareto math on hand-computed cases (ranks, constrained ranks, crowding distance) and the front against
the pairwise definition."""

from __future__ import annotations

import numpy as np
import pytest

from hpint._pareto import (
    constrained_ranks,
    crowding_distance,
    is_pareto_front,
    non_dominated_ranks,
)

LOSS = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [5.0, 5.0]])


def test_non_dominated_ranks_and_early_stop() -> None:
    assert list(non_dominated_ranks(LOSS)) == [0, 0, 0, 1, 2]
    # Once 3 rows are ranked, the others share the next rank.
    assert list(non_dominated_ranks(LOSS, n_below=3)) == [0, 0, 0, 1, 1]


def test_constrained_ranks_put_feasible_first_then_order_by_violation() -> None:
    violation = np.array([0.0, 0.0, 1.0, 0.0, 0.5])
    assert list(constrained_ranks(LOSS, violation)) == [0, 0, 3, 1, 2]
    assert list(constrained_ranks(LOSS, np.array([1.0, 1.0, 2.0, 3.0, 3.0]))) == [0, 0, 1, 2, 2]
    assert list(constrained_ranks(LOSS, None)) == list(non_dominated_ranks(LOSS))


def test_crowding_distance_by_hand() -> None:
    # Row 3 (3, 3): neighbours 2 and 4 on both objectives, ranges 4 and 4 -> 0.5 + 0.5.
    np.testing.assert_allclose(crowding_distance(LOSS), [np.inf, 1.0, np.inf, 1.0, np.inf])
    assert np.isinf(crowding_distance(LOSS[:2])).all()
    flat = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])  # a zero-range objective adds nothing
    np.testing.assert_allclose(crowding_distance(flat), [np.inf, 1.0, np.inf])


def test_feasibility_reads_the_constraints_attribute() -> None:
    import hpint
    from hpint._pareto import best_feasible_trial, is_feasible
    from hpint.distributions import FloatDistribution

    def trial(value: float, constraints: list[float] | None) -> hpint.FrozenTrial:
        attrs = {} if constraints is None else {"constraints": constraints}
        dist = {"x": FloatDistribution(0, 1)}
        return hpint.create_trial(params={"x": 0.5}, distributions=dist, value=value, system_attrs=attrs)

    free, ok, edge, bad = (
        trial(3.0, None),
        trial(2.0, [-1.0, 0.0]),
        trial(1.5, [0.0]),
        trial(1.0, [-1.0, 0.1]),
    )
    assert [is_feasible(t) for t in (free, ok, edge, bad)] == [True, True, True, False]
    assert best_feasible_trial([free, ok, edge, bad], hpint.StudyDirection.MINIMIZE) is edge
    assert best_feasible_trial([free, ok, edge, bad], hpint.StudyDirection.MAXIMIZE) is free


def _dominated_pairwise(loss: np.ndarray) -> np.ndarray:
    """The definition, pair by pair: some other row is at most as bad everywhere and better somewhere."""
    n = len(loss)
    return np.array(
        [any(np.all(loss[j] <= loss[i]) and np.any(loss[j] < loss[i]) for j in range(n)) for i in range(n)],
        dtype=bool,
    )


@pytest.mark.parametrize("n_objectives", [2, 3])
def test_pareto_front_equals_the_pairwise_definition(n_objectives: int) -> None:
    # Two objectives take a one-pass path; ties, repeated rows and infinities must come out the same.
    rng = np.random.RandomState(0)
    for case in range(400):
        n = rng.randint(1, 30)
        if case % 3 == 0:
            loss = rng.uniform(size=(n, n_objectives))
        else:  # few distinct values: many ties and repeated rows
            loss = rng.randint(0, 4, size=(n, n_objectives)).astype(float)
        if case % 5 == 0:
            loss[rng.uniform(size=loss.shape) < 0.1] = np.inf
            loss[rng.uniform(size=loss.shape) < 0.05] = -np.inf
        np.testing.assert_array_equal(is_pareto_front(loss), ~_dominated_pairwise(loss), err_msg=repr(loss))
