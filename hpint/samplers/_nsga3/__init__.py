"""NSGA-III: reference-point survival on top of NSGA-II's generations and breeding."""

from hpint.samplers._nsga3._sampler import NSGAIIISampler

__all__ = ["NSGAIIISampler"]
