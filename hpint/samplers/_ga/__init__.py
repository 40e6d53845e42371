"""Genetic-algorithm bookkeeping shared by NSGA-II and NSGA-III: generations and parents in the storage."""

from hpint.samplers._ga._base import BaseGASampler

__all__ = ["BaseGASampler"]
