"""The crossover operators: shapes, where children fall relative to their parents, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.samplers.nsgaii import BLXAlphaCrossover, SBXCrossover, SPXCrossover, UniformCrossover

BOUNDS = np.array([[0.0, 1.0], [-5.0, 5.0], [10.0, 20.0]])
STUDY = hpint.create_study()
MO_STUDY = hpint.create_study(directions=["minimize", "minimize"])


def _children(crossover, parents: np.ndarray, n: int = 2000, study=STUDY) -> np.ndarray:
    rng = np.random.RandomState(0)
    return np.array([crossover.crossover(parents, rng, study, BOUNDS) for _ in range(n)])


def _assert_close(actual: np.ndarray, expected: np.ndarray, tolerance: np.ndarray) -> None:
    assert np.all(np.abs(actual - expected) <= tolerance), (actual, expected, tolerance)


def _distance_to_parents(children: np.ndarray, parents: np.ndarray) -> float:
    return float(np.abs(children[:, None, :] - parents[None]).min(axis=1).mean())


def _parents(k: int) -> np.ndarray:
    return np.array([[0.2, -1.0, 12.0], [0.6, 3.0, 14.0], [0.4, 1.0, 19.0]])[:k]


@pytest.mark.parametrize(
    "crossover", [UniformCrossover(), BLXAlphaCrossover(), SBXCrossover(), SPXCrossover()], ids=repr
)
def test_identical_parents_give_that_same_child(crossover) -> None:
    parents = np.tile([0.3, 2.0, 15.0], (crossover.n_parents, 1))
    child = crossover.crossover(parents, np.random.RandomState(1), STUDY, BOUNDS)
    assert child.shape == (3,)
    np.testing.assert_allclose(child, [0.3, 2.0, 15.0])


def test_uniform_takes_each_gene_from_one_parent_with_the_swapping_probability() -> None:
    parents = _parents(2)
    assert np.array_equal(_children(UniformCrossover(0.0), parents, 5)[0], parents[0])
    assert np.array_equal(_children(UniformCrossover(1.0), parents, 5)[0], parents[1])
    children = _children(UniformCrossover(0.3), parents)
    from_second = children == parents[1]
    assert np.all(from_second | (children == parents[0]))
    assert np.allclose(from_second.mean(axis=0), 0.3, atol=0.04)


def test_blx_alpha_draws_uniformly_on_the_widened_parent_interval() -> None:
    parents = _parents(2)
    low, high = parents.min(axis=0), parents.max(axis=0)
    children = _children(BLXAlphaCrossover(0.5), parents)
    spread = 0.5 * (high - low)
    assert np.all(children >= low - spread) and np.all(children <= high + spread)
    _assert_close(children.min(axis=0), low - spread, 0.02 * (high - low))
    _assert_close(children.max(axis=0), high + spread, 0.02 * (high - low))
    inside = _children(BLXAlphaCrossover(0.0), parents)
    assert np.all(inside >= low) and np.all(inside <= high)


def test_sbx_stays_in_bounds_centres_on_the_parents_and_eta_controls_spread() -> None:
    parents = np.array([[0.02, -4.9, 11.0], [0.1, -4.0, 13.0]])  # near the lower bounds
    wide = _children(SBXCrossover(eta=1.0), parents)
    narrow = _children(SBXCrossover(eta=30.0), parents)
    for children in (wide, narrow):
        assert np.all(children >= BOUNDS[:, 0]) and np.all(children <= BOUNDS[:, 1])
    assert _distance_to_parents(narrow, parents) < _distance_to_parents(wide, parents) / 3
    # Far from the bounds SBX keeps the parents' mean.
    far = _children(SBXCrossover(eta=2.0), _parents(2), n=4000)
    _assert_close(far.mean(axis=0), _parents(2).mean(axis=0), 0.05 * np.ptp(BOUNDS, axis=1))


def test_sbx_default_eta_is_wider_for_one_objective_than_for_several() -> None:
    parents = _parents(2)
    one = _children(SBXCrossover(), parents, study=STUDY)
    several = _children(SBXCrossover(), parents, study=MO_STUDY)
    assert _distance_to_parents(one, parents) > 3 * _distance_to_parents(several, parents)


def test_spx_keeps_the_parents_centre_and_spreads_beyond_them() -> None:
    parents = _parents(3)
    children = _children(SPXCrossover(), parents, n=4000)
    _assert_close(children.mean(axis=0), parents.mean(axis=0), 0.05 * np.ptp(parents, axis=0))
    assert np.all(children.max(axis=0) > parents.max(axis=0))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: UniformCrossover(1.5), "swapping_prob"),
        (lambda: BLXAlphaCrossover(-0.1), "alpha"),
        (lambda: SBXCrossover(eta=-1), "eta"),
        (lambda: SPXCrossover(epsilon=0), "epsilon"),
    ],
)
def test_bad_arguments_name_the_parameter(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()
