"""The tree-structured Parzen estimator (TPE): Parzen-estimator math, the good/bad split, the sampler."""

from hpint.samplers._tpe._sampler import TPESampler

__all__ = ["TPESampler"]
