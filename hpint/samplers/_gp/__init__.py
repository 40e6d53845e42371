"""Gaussian-process Bayesian optimisation: kernel, likelihood and acquisition math, and the sampler."""

from hpint.samplers._gp._sampler import GPSampler

__all__ = ["GPSampler"]
