"""The crossover operators: shapes, where children fall relative to their parents, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.distributions import FloatDistribution, IntDistribution
from hpint.samplers._nsga2._child import make_child
from hpint.samplers._random import sample_uniform
from hpint.samplers.nsgaii import (
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)

BOUNDS = np.array([[0.0, 1.0], [-5.0, 5.0], [10.0, 20.0]])
STUDY = hpint.create_study()
MO_STUDY = hpint.create_study(directions=["minimize", "minimize"])
ALL = [
    UniformCrossover(),
    BLXAlphaCrossover(),
    SBXCrossover(),
    SPXCrossover(),
    UNDXCrossover(),
    VSBXCrossover(),
]


def _children(crossover, parents: np.ndarray, n: int = 2000, study=STUDY) -> np.ndarray:
    rng = np.random.RandomState(0)
    return np.array([crossover.crossover(parents, rng, study, BOUNDS) for _ in range(n)])


def _assert_close(actual: np.ndarray, expected: np.ndarray, tolerance: np.ndarray) -> None:
    assert np.all(np.abs(actual - expected) <= tolerance), (actual, expected, tolerance)


def _distance_to_parents(children: np.ndarray, parents: np.ndarray) -> float:
    return float(np.abs(children[:, None, :] - parents[None]).min(axis=1).mean())


def _parents(k: int) -> np.ndarray:
    return np.array([[0.2, -1.0, 12.0], [0.6, 3.0, 14.0], [0.4, 1.0, 19.0]])[:k]


@pytest.mark.parametrize("crossover", [*ALL, VSBXCrossover(use_child_gene_prob=1.0)], ids=repr)
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


def test_sbx_use_child_gene_prob_is_the_share_of_crossed_values() -> None:
    parents = _parents(2)
    for p in (0.3, 0.5, 1.0):
        children = _children(SBXCrossover(eta=2.0, use_child_gene_prob=p), parents)
        inherited = (children == parents[0]) | (children == parents[1])
        assert inherited.mean() == pytest.approx(1.0 - p, abs=0.03), p


def _share_on_one_side(children: np.ndarray, parents: np.ndarray) -> float:
    """The share of children whose values all lie on the same side of the parents' midpoints."""
    below = children < parents.mean(axis=0)
    return float((below.all(axis=1) | ~below.any(axis=1)).mean())


def test_sbx_uniform_crossover_prob_mixes_the_two_children_per_parameter() -> None:
    # The first SBX child is below the parents' midpoint, the second above. Without swaps the kept
    # child is one of them whole; each swap moves one value to the other side.
    parents = _parents(2)
    for q, expected in ((0.0, 1.0), (1.0, 1.0), (0.2, 0.8**3 + 0.2**3), (0.5, 0.25)):
        children = _children(SBXCrossover(uniform_crossover_prob=q, use_child_gene_prob=1.0), parents)
        assert _share_on_one_side(children, parents) == pytest.approx(expected, abs=0.03), q


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"eta": 5.0, "uniform_crossover_prob": 0.1, "use_child_gene_prob": 0.9}],
    ids=repr,
)
def test_sbx_children_are_distributed_like_optunas(kwargs: dict) -> None:
    """Same arguments, same distribution: per parameter (ECDFs) and jointly (the swap statistic)."""
    optuna = pytest.importorskip("optuna")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna marks its SBX experimental
        theirs = optuna.samplers.nsgaii.SBXCrossover(**kwargs)
        optuna_study = optuna.create_study(directions=["minimize", "minimize"])
    # Two values near a bound; the first parent is the lower one in two parameters, not in the third.
    parents = np.array([[0.05, -1.0, 19.5], [0.6, 3.0, 12.0]])
    rng = np.random.RandomState(1)
    reference = np.array([theirs.crossover(parents, rng, optuna_study, BOUNDS) for _ in range(4000)])
    ours = _children(SBXCrossover(**kwargs), parents, n=4000, study=MO_STUDY)
    grid = np.sort(np.concatenate([ours, reference]), axis=0)
    for j in range(parents.shape[1]):
        ecdf_ours = np.searchsorted(np.sort(ours[:, j]), grid[:, j], side="right") / len(ours)
        ecdf_theirs = np.searchsorted(np.sort(reference[:, j]), grid[:, j], side="right") / len(reference)
        assert np.abs(ecdf_ours - ecdf_theirs).max() < 0.05, j  # KS distance; 0.044 is p = 0.001
    assert _share_on_one_side(ours, parents) == pytest.approx(
        _share_on_one_side(reference, parents), abs=0.04
    )


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
        (lambda: SBXCrossover(uniform_crossover_prob=1.5), "uniform_crossover_prob.*1.5"),
        (lambda: SBXCrossover(uniform_crossover_prob=-0.1), "uniform_crossover_prob.*-0.1"),
        (lambda: SBXCrossover(uniform_crossover_prob="0.5"), "uniform_crossover_prob.*'0.5'"),
        (lambda: SBXCrossover(use_child_gene_prob=0.0), "use_child_gene_prob.*0"),
        (lambda: SBXCrossover(use_child_gene_prob=1.01), "use_child_gene_prob.*1.01"),
        (lambda: SBXCrossover(use_child_gene_prob=True), "use_child_gene_prob.*True"),
        (lambda: SPXCrossover(epsilon=0), "epsilon"),
        (lambda: UNDXCrossover(sigma_xi=-0.5), "sigma_xi"),
        (lambda: UNDXCrossover(sigma_eta="0.1"), "sigma_eta"),
        (lambda: VSBXCrossover(eta=-1), "eta"),
        (lambda: VSBXCrossover(uniform_crossover_prob=1.5), "uniform_crossover_prob"),
        (lambda: VSBXCrossover(use_child_gene_prob=0.0), "use_child_gene_prob"),
    ],
)
def test_bad_arguments_name_the_parameter(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_undx_centres_on_the_first_two_parents_and_spreads_along_their_line() -> None:
    parents = _parents(3)
    children = _children(UNDXCrossover(sigma_xi=0.5), parents, n=4000)
    _assert_close(children.mean(axis=0), parents[:2].mean(axis=0), 0.05 * np.ptp(BOUNDS, axis=1))
    # In the unit box, the offset along the first two parents' line is sigma_xi times their distance.
    scale = np.ptp(BOUNDS, axis=1)
    d = (parents[1] - parents[0]) / scale
    along = ((children - parents[:2].mean(axis=0)) / scale) @ (d / np.linalg.norm(d))
    assert along.std() == pytest.approx(0.5 * np.linalg.norm(d), rel=0.05)


def test_undx_spread_across_the_line_follows_the_third_parent() -> None:
    line = np.array([[0.2, -1.0, 12.0], [0.6, 3.0, 14.0]])
    scale = np.ptp(BOUNDS, axis=1)
    d = (line[1] - line[0]) / scale
    d /= np.linalg.norm(d)

    def across(third: np.ndarray, n: int = 2000) -> np.ndarray:
        """Each child's distance from the line, in the unit box."""
        offset = (_children(UNDXCrossover(), np.vstack([line, third]), n=n) - line[0]) / scale
        return np.linalg.norm(offset - np.outer(offset @ d, d), axis=1)

    third_offset = np.array([0.1, -1.0, 0.0])
    near, far = across(line.mean(axis=0) + 0.1 * third_offset), across(line.mean(axis=0) + third_offset)
    assert far.mean() == pytest.approx(10 * near.mean(), rel=0.01)  # same draws, ten times the distance
    # sigma_eta = 0.35 / sqrt(3) per orthogonal direction, two of them, times the third's distance
    distance = np.linalg.norm(third_offset / scale - (third_offset / scale @ d) * d)
    assert np.sqrt((far**2).mean()) == pytest.approx(distance * 0.35 / np.sqrt(3) * np.sqrt(2), rel=0.05)
    assert np.all(across(line.mean(axis=0), n=200) < 1e-9)  # third parent on the line: children on it


def test_vsbx_spreads_around_both_parents_less_as_eta_grows() -> None:
    parents = _parents(2)
    distances = [_distance_to_parents(_children(VSBXCrossover(eta=e), parents), parents) for e in (1, 5, 30)]
    assert distances[0] > 2 * distances[1] > 4 * distances[2] > 0
    children = _children(VSBXCrossover(eta=2.0, use_child_gene_prob=1.0), parents, n=4000)
    nearer_first = np.abs(children - parents[0]) < np.abs(children - parents[1])
    assert nearer_first.mean() == pytest.approx(0.5, abs=0.04)  # one child per parent, either kept
    for k, mine in ((0, nearer_first), (1, ~nearer_first)):  # each child on both sides of its parent
        assert (children[mine] > np.broadcast_to(parents[k], children.shape)[mine]).mean() == pytest.approx(
            0.5, abs=0.05
        )


def test_vsbx_use_child_gene_prob_keeps_parents_values() -> None:
    parents = _parents(2)
    children = _children(VSBXCrossover(use_child_gene_prob=0.3), parents)
    inherited = (children == parents[0]) | (children == parents[1])
    assert inherited.mean() == pytest.approx(0.7, abs=0.04)
    assert not ((_children(VSBXCrossover(use_child_gene_prob=1.0), parents) == parents[0]).any())


SPACE = {
    "x": FloatDistribution(-2.0, 3.0),
    "lr": FloatDistribution(1e-5, 1e-1, log=True),
    "s": FloatDistribution(0.0, 1.0, step=0.1),
    "n": IntDistribution(1, 9),
    "w": IntDistribution(2, 512, log=True),
    "k": IntDistribution(0, 30, step=5),
}


@pytest.mark.parametrize("crossover", ALL, ids=repr)
def test_children_of_random_parents_are_legal_values_in_bounds(crossover) -> None:
    """make_child keeps every operator's child inside the bounds and on each parameter's grid."""

    rng = np.random.RandomState(0)
    for _ in range(300):
        parents = [
            _Parent({name: _draw(d, rng) for name, d in SPACE.items()}) for _ in range(crossover.n_parents)
        ]
        child = make_child(MO_STUDY, parents, SPACE, crossover, 0.5, rng)
        for name, dist in SPACE.items():
            assert dist._contains(dist.to_internal_repr(child[name])), (name, child[name])


class _Parent:
    def __init__(self, params: dict) -> None:
        self.params = params


def _draw(dist, rng: np.random.RandomState):
    """Uniform, or (one time in three) a bound, where children most often fall outside."""
    if rng.rand() < 1 / 3:
        return dist.low if rng.rand() < 0.5 else dist.high
    return sample_uniform(rng, dist)


def test_nsgaii_module_exports_optunas_operators_with_its_signatures() -> None:
    optuna = pytest.importorskip("optuna")
    import inspect

    import hpint.samplers.nsgaii as ours

    theirs = optuna.samplers.nsgaii
    assert sorted(ours.__all__) == sorted(theirs.__all__)

    def parameters(f) -> list[tuple[str, object]]:
        return [(p.name, p.default) for p in inspect.signature(f).parameters.values()]

    for name in ("SBXCrossover", "UNDXCrossover", "VSBXCrossover", "PolynomialMutation"):
        assert parameters(getattr(ours, name)) == parameters(getattr(theirs, name)), name
    for name, method in (
        ("SBXCrossover", "crossover"),
        ("UNDXCrossover", "crossover"),
        ("VSBXCrossover", "crossover"),
        ("BaseMutation", "mutation"),
    ):
        assert parameters(getattr(getattr(ours, name), method)) == parameters(
            getattr(getattr(theirs, name), method)
        )
