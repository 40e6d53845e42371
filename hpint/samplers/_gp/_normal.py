"""Log expected improvement, computed without underflow far from the incumbent.

``EI = sigma * h(z)`` with ``z = (best - mean) / sigma`` (minimisation) and ``h(z) = phi(z) + z Phi(z)``.
The naive ``log(h(z))`` is ``-inf`` once ``z`` is below about -38, which leaves an optimiser with a flat
acquisition over most of the space late in a search. For ``z < 0`` we write ``h = phi * q`` with
``q = 1 + z * Phi / phi``, where ``Phi / phi`` is the scaled complementary error function (``erfcx``)
and, below ``_ASYMPTOTIC``, ``q`` comes from its asymptotic series, avoiding ``1 - (1 - tiny)``.

The probability of feasibility has the same trap: ``log(Phi(z))`` is ``-inf`` below about -38, and its
derivative ``phi / Phi`` is ``0 / 0``; ``log_ndtr`` and the reciprocal of Mills' ratio stay finite.
"""

from __future__ import annotations

import math

import numpy as np

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
_ASYMPTOTIC = -1e3


def _cdf_over_pdf(z: np.ndarray) -> np.ndarray:
    """Mills' ratio ``Phi(z) / phi(z)`` for ``z <= 0`` (finite there)."""
    from scipy.special import erfcx

    return _SQRT_HALF_PI * erfcx(-z / math.sqrt(2.0))


def _q_negative(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``q(z) = h(z) / phi(z)`` and Mills' ratio, for ``z <= 0``."""
    mills = _cdf_over_pdf(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv2 = 1.0 / np.square(z)
        series = inv2 * (1.0 - 3.0 * inv2 + 15.0 * inv2**2)
    q = np.where(z < _ASYMPTOTIC, series, 1.0 + z * mills)
    return np.maximum(q, 1e-300), mills


def log_h(z: np.ndarray) -> np.ndarray:
    """``log(phi(z) + z * Phi(z))`` for any real ``z``."""
    return log_h_and_grad(z)[0]


def log_h_and_grad(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log h(z)`` and its derivative ``Phi(z) / h(z)``."""
    from scipy.special import ndtr

    z = np.asarray(z, dtype=float)
    zn = np.minimum(z, 0.0)
    q, mills = _q_negative(zn)
    log_phi = -0.5 * np.square(z) - _LOG_SQRT_2PI
    zp = np.maximum(z, 0.0)
    h_pos = np.exp(-0.5 * np.square(zp) - _LOG_SQRT_2PI) + zp * ndtr(zp)
    negative = z < 0.0
    value = np.where(negative, log_phi + np.log(q), np.log(h_pos))
    grad = np.where(negative, mills / q, ndtr(zp) / h_pos)
    return value, grad


def log_ei(mean: np.ndarray, sigma: np.ndarray, best: float) -> np.ndarray:
    """``log E[max(best - f, 0)]`` for ``f ~ N(mean, sigma ** 2)`` (minimisation)."""
    return log_ei_and_grads(mean, sigma, best)[0]


def log_ei_and_grads(
    mean: np.ndarray, sigma: np.ndarray, best: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``log EI`` and its derivatives with respect to ``mean`` and ``sigma``."""
    sigma = np.asarray(sigma, dtype=float)
    z = (best - np.asarray(mean, dtype=float)) / sigma
    value, dz = log_h_and_grad(z)
    # d/dmean = dz * (-1/sigma);  d/dsigma = 1/sigma + dz * (-z/sigma) = (1 - z * dz) / sigma
    return value + np.log(sigma), -dz / sigma, (1.0 - z * dz) / sigma


def log_cdf_and_grad(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log Phi(z)`` and its derivative ``phi(z) / Phi(z)``, finite for any real ``z``."""
    from scipy.special import log_ndtr, ndtr

    z = np.asarray(z, dtype=float)
    zp = np.maximum(z, 0.0)
    positive = np.exp(-0.5 * np.square(zp) - _LOG_SQRT_2PI) / ndtr(zp)
    grad = np.where(z < 0.0, 1.0 / _cdf_over_pdf(np.minimum(z, 0.0)), positive)
    return log_ndtr(z), grad


def log_pf_and_grads(
    mean: np.ndarray, sigma: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``log P(c <= threshold)`` for ``c ~ N(mean, sigma ** 2)``, and its derivatives in mean and sigma."""
    sigma = np.asarray(sigma, dtype=float)
    z = (threshold - np.asarray(mean, dtype=float)) / sigma
    value, dz = log_cdf_and_grad(z)
    return value, -dz / sigma, -z * dz / sigma
