"""NSGAIIISampler: arguments, reference points in a study, and its spread over many objectives."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hpint
from hpint.samplers import NSGAIIISampler, NSGAIISampler
from hpint.samplers._nsga3._reference_points import das_dennis_points
from hpint.samplers._nsga3._selection import associate


@pytest.fixture(autouse=True)
def _quiet() -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dividing_parameter": 0}, "dividing_parameter"),
        ({"dividing_parameter": 2.0}, "dividing_parameter"),
        ({"reference_points": [[1.0, -1.0]]}, "reference_points"),
        ({"reference_points": [1.0, 0.0]}, "reference_points"),
        ({"population_size": 1}, "population_size"),
        ({"mutation": object()}, "mutation"),
        ({"after_trial_strategy": "store"}, "after_trial_strategy"),
        ({"elite_population_selection_strategy": 3}, "elite_population_selection_strategy"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NSGAIIISampler(**kwargs)


def test_constructor_takes_optunas_arguments_with_its_defaults() -> None:
    optuna = pytest.importorskip("optuna")
    import inspect

    ours = inspect.signature(NSGAIIISampler).parameters
    theirs = inspect.signature(optuna.samplers.NSGAIIISampler).parameters
    assert list(ours) == list(theirs)
    assert all(ours[name].default == theirs[name].default for name in ours)
    assert all(p.kind == inspect.Parameter.KEYWORD_ONLY for p in ours.values())


def _two(trial: hpint.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    return x, (1.0 - x) ** 2 + trial.suggest_float("y", 0.0, 1.0)


def test_reference_points_must_have_one_column_per_objective() -> None:
    sampler = NSGAIIISampler(population_size=4, seed=0, reference_points=np.ones((3, 3)))
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    with pytest.raises(ValueError, match="3 columns.*2 objectives"):
        study.optimize(_two, n_trials=5)  # trial 4 selects the first parents


def test_user_reference_points_and_maximized_objectives_run() -> None:
    sampler = NSGAIIISampler(population_size=6, seed=1, reference_points=[[1.0, 0.0], [1.0, 1.0]])
    study = hpint.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(_two, n_trials=30)
    assert len(study.trials) == 30 and max(t.system_attrs["nsga2:generation"] for t in study.trials) == 4


def test_constraints_are_stored_and_feasible_trials_survive_first() -> None:
    sampler = NSGAIIISampler(population_size=6, seed=3, constraints_func=lambda t: [t.params["x"] - 0.4])
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_two, n_trials=48)
    assert all(t.system_attrs["constraints"] == [t.params["x"] - 0.4] for t in study.trials)
    parents = study.system_attrs["nsga2:parents:7:42"]
    assert all(study.trials[n].params["x"] <= 0.4 for n in parents)


def test_a_custom_survival_rule_replaces_niching() -> None:
    def newest(study: hpint.Study, candidates: list[hpint.FrozenTrial]) -> list[hpint.FrozenTrial]:
        return sorted(candidates, key=lambda t: -t.number)[:4]

    with pytest.warns(hpint.exceptions.ExperimentalWarning):
        sampler = NSGAIIISampler(population_size=4, seed=2, elite_population_selection_strategy=newest)
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_two, n_trials=16)
    assert study.system_attrs["nsga2:parents:3:12"] == [8, 9, 10, 11]


def dtlz2(n_objectives: int, n_distance: int = 5) -> Any:
    """DTLZ2: the Pareto front is the unit sphere's positive orthant; ``n_distance`` parameters set the
    distance from it."""

    def objective(trial: hpint.Trial) -> tuple[float, ...]:
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n_objectives - 1 + n_distance)]
        radius = 1.0 + sum((v - 0.5) ** 2 for v in x[n_objectives - 1 :])
        angles = [v * math.pi / 2 for v in x[: n_objectives - 1]]
        values = []
        for j in range(n_objectives):
            f = radius * math.prod(math.cos(a) for a in angles[: n_objectives - 1 - j])
            values.append(f * (math.sin(angles[n_objectives - 1 - j]) if j else f))
        return tuple(values)

    return objective


def _occupied_niches(study: hpint.Study, references: np.ndarray) -> int:
    """How many reference directions have a member of the newest parent population nearest to them."""
    last = max(t.system_attrs["nsga2:generation"] for t in study.trials)
    prefix = f"nsga2:parents:{last}:"
    lists = {int(k[len(prefix) :]): v for k, v in study.system_attrs.items() if k.startswith(prefix)}
    values = np.array([study.trials[n].values for n in lists[min(lists)]])
    niche, _ = associate(values, references)  # DTLZ2's ideal point is 0 and its intercepts 1
    return len(set(niche.tolist()))


def test_nsga3_spreads_five_objectives_over_more_reference_directions_than_nsga2() -> None:
    """On 5-objective DTLZ2 NSGA-II's crowding distance keeps ~21-25 of the 35 Das-Dennis directions
    (H=3) after 25 generations of 36 and NSGA-III ~31-35 (measured over seeds 0-3)."""
    references = das_dennis_points(5, 3)
    counts: dict[str, list[int]] = {"nsga2": [], "nsga3": []}
    for seed in (0, 1):
        for name, cls in (("nsga2", NSGAIISampler), ("nsga3", NSGAIIISampler)):
            sampler = cls(population_size=36, seed=seed)
            study = hpint.create_study(directions=["minimize"] * 5, sampler=sampler)
            study.optimize(dtlz2(5), n_trials=36 * 25)
            counts[name].append(_occupied_niches(study, references))
    assert min(counts["nsga3"]) >= 28, counts
    assert min(counts["nsga3"]) >= max(counts["nsga2"]) + 5, counts
