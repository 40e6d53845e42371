"""NSGA-II: the sampler, its crossover operators, selection and the population kept in the storage."""

from hpint.samplers._nsga2._crossovers import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UniformCrossover,
)
from hpint.samplers._nsga2._sampler import NSGAIISampler

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "NSGAIISampler",
    "SBXCrossover",
    "SPXCrossover",
    "UniformCrossover",
]
