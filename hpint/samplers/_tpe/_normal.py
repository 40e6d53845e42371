"""The standard normal distribution's log-CDF and log-probability of an interval, in numpy only.

TPE is the default sampler, so it must not need SciPy. ``erfc`` uses the Chebyshev fit of Press et al.
(Numerical Recipes, ``erfcc``; fractional error below 1.2e-7 everywhere), which has the useful property
of being a closed form in ``log``: the log of a far-tail probability is computed without underflow.
"""

from __future__ import annotations

import math

import numpy as np

_LOG_HALF = math.log(0.5)
_SQRT_HALF = math.sqrt(0.5)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
# Coefficients of the Chebyshev fit, highest order first (for np.polyval).
_ERFC_COEFFS = (
    0.17087277,
    -0.82215223,
    1.48851587,
    -1.13520398,
    0.27886807,
    -0.18628806,
    0.09678418,
    0.37409196,
    1.00002368,
    -1.26551223,
)
# Below this interval width (in standard deviations) the midpoint rule is more accurate than a
# difference of two CDFs, whose relative error grows as the interval shrinks.
_NARROW = 1e-2


def _log_erfc_nonneg(z: np.ndarray) -> np.ndarray:
    """``log(erfc(z))`` for ``z >= 0``."""
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.full(t.shape, _ERFC_COEFFS[0])  # Horner in place: np.polyval's arithmetic, fewer arrays
    for c in _ERFC_COEFFS[1:]:
        poly *= t
        poly += c
    return np.log(t) - z * z + poly


def log_cdf(x: np.ndarray) -> np.ndarray:
    """``log(Phi(x))`` for the standard normal CDF ``Phi``; accurate far into the lower tail."""
    x = np.asarray(x, dtype=float)
    z = np.abs(x) * _SQRT_HALF
    log_tail = _LOG_HALF + _log_erfc_nonneg(z)  # log(Phi(-|x|))
    with np.errstate(divide="ignore"):
        upper = np.log1p(-np.exp(log_tail))  # log(Phi(|x|)) = log(1 - Phi(-|x|))
    return np.where(x < 0, log_tail, upper)


def log_pdf(x: np.ndarray) -> np.ndarray:
    """``log(phi(x))`` for the standard normal density ``phi``."""
    return -0.5 * np.square(x) - _LOG_SQRT_2PI


def log_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b`` (broadcast), stable in both tails and for narrow intervals.

    The interval is reflected into the lower half (``a + b <= 0``) where ``Phi`` is small and its log is
    accurate, then ``log(Phi(b)) + log1p(-Phi(a) / Phi(b))`` avoids subtracting two numbers near one.
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    flip = a + b > 0
    lo = np.where(flip, -b, a)
    hi = np.where(flip, -a, b)
    wide = _log_mass_reflected(lo, hi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        width = hi - lo
        narrow = (
            np.log(width)
            + log_pdf(0.5 * (lo + hi))
            + np.square(width) / 24.0 * (np.square(0.5 * (lo + hi)) - 1.0)
        )
    return np.where(width < _NARROW, narrow, wide)


def log_mass_wide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`log_mass` for intervals known to be at least ``_NARROW`` wide (same values, less work)."""
    flip = a + b > 0
    return _log_mass_reflected(np.where(flip, -b, a), np.where(flip, -a, b))


def _log_mass_reflected(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``log(Phi(hi) - Phi(lo))`` for ``lo + hi <= 0``."""
    # both ends in one call: elementwise, so the same values, at half the calls (it matters for the few
    # kernels TPE refreshes per trial)
    both = log_cdf(np.concatenate((np.ravel(lo), np.ravel(hi))))
    log_lo, log_hi = both[: np.size(lo)].reshape(np.shape(lo)), both[np.size(lo) :].reshape(np.shape(hi))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return log_hi + np.log1p(-np.exp(log_lo - log_hi))
