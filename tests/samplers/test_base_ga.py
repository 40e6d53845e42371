"""BaseGASampler: a user's genetic algorithm gets generations, populations and stored parent lists."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import hpint
from hpint.distributions import BaseDistribution, FloatDistribution
from hpint.samplers import BaseGASampler, NSGAIIISampler, NSGAIISampler

POP = 4


class BestHalf(BaseGASampler):
    """Parents: the best half of the previous generation and its parents; a child copies one, plus noise."""

    def __init__(self) -> None:
        super().__init__(population_size=POP)
        self.selections: list[int] = []

    def select_parent(self, study: hpint.Study, generation: int) -> list[hpint.FrozenTrial]:
        self.selections.append(generation)
        pool = self.get_population(study, generation - 1) + self.get_parent_population(study, generation - 1)
        unique = {t.number: t for t in pool}.values()
        return sorted(unique, key=lambda t: t.value)[: POP // 2]

    def infer_relative_search_space(self, study: hpint.Study, trial: Any) -> dict[str, BaseDistribution]:
        return {"x": FloatDistribution(-1.0, 1.0)}

    def sample_relative(self, study: hpint.Study, trial: Any, search_space: dict) -> dict[str, Any]:
        parents = self.get_parent_population(study, self.get_trial_generation(study, trial))
        if not parents:
            return {}
        rng = np.random.RandomState(trial.number)
        x = parents[rng.randint(len(parents))].params["x"] + rng.normal(0, 0.05)
        return {"x": float(np.clip(x, -1.0, 1.0))}

    def sample_independent(self, study: hpint.Study, trial: Any, name: str, dist: BaseDistribution) -> Any:
        return float(np.random.RandomState(trial.number).uniform(dist.low, dist.high))


def test_a_subclass_gets_generations_and_one_parent_selection_per_generation() -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    sampler = BestHalf()
    study = hpint.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", -1.0, 1.0) - 0.3) ** 2, n_trials=5 * POP)
    assert sampler.population_size == POP
    generations = [sampler.get_trial_generation(study, t) for t in study.trials]
    assert generations == [g for g in range(5) for _ in range(POP)]
    assert sampler.selections == [1, 2, 3, 4]  # once per generation, in order; then read back
    assert [t.number for t in sampler.get_population(study, 2)] == [8, 9, 10, 11]
    assert sampler.get_parent_population(study, 0) == []
    for g in range(1, 5):
        parents = sampler.get_parent_population(study, g)
        assert len(parents) == POP // 2
        assert all(sampler.get_trial_generation(study, p) < g for p in parents)
    assert sampler.selections == [1, 2, 3, 4]
    assert study.best_value < 0.01


def test_the_base_class_is_abstract_and_the_nsga_samplers_are_ga_samplers() -> None:
    with pytest.raises(TypeError):
        BaseGASampler(population_size=4)  # type: ignore[abstract]
    assert isinstance(NSGAIISampler(), BaseGASampler) and isinstance(NSGAIIISampler(), BaseGASampler)
    assert NSGAIIISampler(population_size=8).population_size == 8
