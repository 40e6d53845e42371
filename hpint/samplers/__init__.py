"""Samplers: how each trial's parameters are chosen."""

from hpint.samplers._base import BaseSampler
from hpint.samplers._brute_force import BruteForceSampler
from hpint.samplers._grid import GridSampler
from hpint.samplers._partial_fixed import PartialFixedSampler
from hpint.samplers._random import RandomSampler
from hpint.samplers._tpe import TPESampler

__all__ = [
    "BaseSampler",
    "BruteForceSampler",
    "GridSampler",
    "PartialFixedSampler",
    "RandomSampler",
    "TPESampler",
    "default_sampler",
]


def default_sampler(n_objectives: int = 1) -> BaseSampler:
    """The sampler a study gets when none is given: TPE, for one objective or several."""
    return TPESampler()
