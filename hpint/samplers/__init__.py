"""Samplers: how each trial's parameters are chosen."""

from hpint.samplers import nsgaii  # Optuna's path to the crossovers: samplers.nsgaii.SBXCrossover
from hpint.samplers._base import BaseSampler
from hpint.samplers._brute_force import BruteForceSampler
from hpint.samplers._cmaes import CmaEsSampler
from hpint.samplers._ga import BaseGASampler
from hpint.samplers._gp import GPSampler
from hpint.samplers._grid import GridSampler
from hpint.samplers._nsga2 import NSGAIISampler
from hpint.samplers._nsga3 import NSGAIIISampler
from hpint.samplers._partial_fixed import PartialFixedSampler
from hpint.samplers._qmc import QMCSampler
from hpint.samplers._random import RandomSampler
from hpint.samplers._tpe import TPESampler

__all__ = [
    "BaseGASampler",
    "BaseSampler",
    "BruteForceSampler",
    "CmaEsSampler",
    "GPSampler",
    "GridSampler",
    "NSGAIIISampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "TPESampler",
    "default_sampler",
    "nsgaii",
]


def default_sampler(n_objectives: int = 1) -> BaseSampler:
    """The sampler a study gets when none is given: TPE, for one objective or several."""
    return TPESampler()
