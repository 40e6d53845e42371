"""NSGA-II's crossover operators under Optuna's import path: ``from hpint.samplers.nsgaii import ...``."""

from hpint.samplers._nsga2 import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UniformCrossover,
)

__all__ = ["BLXAlphaCrossover", "BaseCrossover", "SBXCrossover", "SPXCrossover", "UniformCrossover"]
