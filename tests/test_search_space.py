"""``hpint.search_space``: Optuna's names and signatures, loaded lazily from ``import hpint``."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import hpint
from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.trial import TrialState

X = FloatDistribution(0.0, 1.0)
N = IntDistribution(1, 8)


def _trial(distributions: dict, state: TrialState = TrialState.COMPLETE) -> hpint.FrozenTrial:
    params = {
        name: d.choices[0] if isinstance(d, CategoricalDistribution) else d.low
        for name, d in distributions.items()
    }
    return hpint.create_trial(
        params=params,
        distributions=distributions,
        value=0.0 if state == TrialState.COMPLETE else None,
        state=state,
    )


def test_search_space_is_a_lazy_attribute_of_hpint() -> None:
    probe = (
        "import sys, hpint\n"
        "assert 'hpint.search_space' not in sys.modules\n"
        "print(hpint.search_space.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "hpint.search_space"
    assert "search_space" in hpint.__all__ and "search_space" in dir(hpint)


def test_public_names_match_optuna() -> None:
    assert set(hpint.search_space.__all__) == {
        "IntersectionSearchSpace",
        "intersection_search_space",
        "_GroupDecomposedSearchSpace",
        "_SearchSpaceGroup",
    }
    optuna = pytest.importorskip("optuna")
    assert set(hpint.search_space.__all__) == set(optuna.search_space.__all__)
    for name in ("IntersectionSearchSpace", "intersection_search_space", "_GroupDecomposedSearchSpace"):
        ours, theirs = getattr(hpint.search_space, name), getattr(optuna.search_space, name)
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters), name
        if inspect.isclass(ours):
            ours_calc, theirs_calc = inspect.signature(ours.calculate), inspect.signature(theirs.calculate)
            assert list(ours_calc.parameters) == list(theirs_calc.parameters), name


def test_intersection_keeps_shared_parameters_with_one_distribution_sorted_by_name() -> None:
    trials = [
        _trial({"x": X, "n": N, "c": CategoricalDistribution(["a", "b"])}),
        _trial({"x": X, "n": IntDistribution(1, 16), "c": CategoricalDistribution(["a", "b"])}),  # n changed
        _trial({"x": X}, TrialState.PRUNED),
        _trial({"z": X}, TrialState.FAIL),
    ]
    space = hpint.search_space.intersection_search_space(trials)
    assert list(space) == ["c", "x"] and space["x"] == X
    assert list(hpint.search_space.intersection_search_space(trials, include_pruned=True)) == ["x"]
    assert hpint.search_space.intersection_search_space([]) == {}


def _study_with(*spaces: dict) -> hpint.Study:
    study = hpint.create_study()
    for distributions in spaces:
        study.add_trial(_trial(distributions))
    return study


def test_intersection_search_space_object_follows_the_study_incrementally() -> None:
    study = _study_with({"x": X, "n": N}, {"x": X, "n": N, "y": X})
    calculator = hpint.search_space.IntersectionSearchSpace()
    assert calculator.calculate(study) == {"n": N, "x": X}
    study.add_trial(_trial({"x": X}))
    assert calculator.calculate(study, use_cache=True) == {"x": X}
    study.add_trial(_trial({"y": X}, TrialState.PRUNED))
    assert hpint.search_space.IntersectionSearchSpace(include_pruned=True).calculate(study) == {}


def test_group_decomposed_search_space_returns_a_group_of_co_occurring_parameters() -> None:
    sgd = {"opt": CategoricalDistribution(["sgd", "adam"]), "lr": X, "momentum": X}
    adam = {"opt": CategoricalDistribution(["sgd", "adam"]), "lr": X, "beta": N}
    study = _study_with(sgd, adam)
    group = hpint.search_space._GroupDecomposedSearchSpace().calculate(study)
    assert isinstance(group, hpint.search_space._SearchSpaceGroup)
    assert sorted(sorted(s) for s in group.search_spaces) == [["beta"], ["lr", "opt"], ["momentum"]]
    group.add_distributions({"other": X})  # a copy: the calculator's own groups are unchanged
    again = hpint.search_space._GroupDecomposedSearchSpace().calculate(study)
    assert len(again.search_spaces) == 3


def test_a_parameter_whose_distribution_changes_leaves_the_groups() -> None:
    group = hpint.search_space._SearchSpaceGroup()
    group.add_distributions({"a": X, "e": X})
    group.add_distributions({"a": X, "e": FloatDistribution(0.0, 2.0)})
    assert group.search_spaces == [{"a": X}]


def test_agrees_with_optuna_on_a_define_by_run_history() -> None:
    optuna = pytest.importorskip("optuna")
    import random

    rng = random.Random(0)
    histories = []
    for _ in range(30):
        names = rng.sample(["a", "b", "c", "d", "e"], rng.randint(1, 5))
        histories.append(
            {n: FloatDistribution(0.0, 1.0 if n != "e" or rng.random() < 0.7 else 2.0) for n in names}
        )
    ours = [hpint.create_trial(params={n: 0.0 for n in h}, distributions=h, value=0.0) for h in histories]
    theirs = [
        optuna.trial.create_trial(
            params={n: 0.0 for n in h},
            distributions={n: optuna.distributions.FloatDistribution(d.low, d.high) for n, d in h.items()},
            value=0.0,
        )
        for h in histories
    ]
    for k in range(1, len(histories) + 1):
        mine = hpint.search_space.intersection_search_space(ours[:k])
        reference = optuna.search_space.intersection_search_space(theirs[:k])
        assert {n: (d.low, d.high) for n, d in mine.items()} == {
            n: (d.low, d.high) for n, d in reference.items()
        }
        assert list(mine) == list(reference)
        # Groups agree where no distribution changes ("e" sometimes does): Optuna keeps a changed
        # parameter with its first distribution, hpint drops it, as the intersection does.
        group, other = hpint.search_space._SearchSpaceGroup(), optuna.search_space._SearchSpaceGroup()
        for h, t in zip(histories[:k], theirs[:k]):
            group.add_distributions({n: d for n, d in h.items() if n != "e"})
            other.add_distributions({n: d for n, d in t.distributions.items() if n != "e"})
        assert sorted(sorted(s) for s in group.search_spaces) == sorted(
            sorted(s) for s in other.search_spaces
        )
