"""The Matérn-5/2 kernel with one lengthscale per input dimension (ARD), and its derivatives.

Pure numpy. Inputs live in the unit cube; ``inv_sq_lengthscales`` is ``1 / l_d ** 2`` per dimension, so
``r ** 2 = sum_d (x_d - y_d) ** 2 / l_d ** 2``. Every derivative is taken through ``r ** 2``, which keeps
them finite at ``r = 0`` (the kernel is twice differentiable there).
"""

from __future__ import annotations

import math

import numpy as np

_SQRT5 = math.sqrt(5.0)


def squared_distances(x: np.ndarray, y: np.ndarray, inv_sq_lengthscales: np.ndarray) -> np.ndarray:
    """``(len(x), len(y))`` scaled squared distances ``r ** 2`` (never negative)."""
    xs = x * np.sqrt(inv_sq_lengthscales)
    ys = y * np.sqrt(inv_sq_lengthscales)
    d2 = np.sum(xs**2, axis=1)[:, None] + np.sum(ys**2, axis=1)[None, :] - 2.0 * xs @ ys.T
    return np.maximum(d2, 0.0)


def matern52_from_sq(r2: np.ndarray) -> np.ndarray:
    """Matérn-5/2 correlation ``(1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r)`` from ``r ** 2``."""
    r = np.sqrt(r2)
    return (1.0 + _SQRT5 * r + (5.0 / 3.0) * r2) * np.exp(-_SQRT5 * r)


def matern52_dsq(r2: np.ndarray) -> np.ndarray:
    """Derivative of the correlation with respect to ``r ** 2``: ``-5/6 (1 + sqrt5 r) exp(-sqrt5 r)``."""
    r = np.sqrt(r2)
    return -(5.0 / 6.0) * (1.0 + _SQRT5 * r) * np.exp(-_SQRT5 * r)


def matern52(x: np.ndarray, y: np.ndarray, inv_sq_lengthscales: np.ndarray, variance: float) -> np.ndarray:
    """Kernel matrix ``variance * matern52(r(x_i, y_j))``: ``(len(x), len(y))``."""
    return variance * matern52_from_sq(squared_distances(x, y, inv_sq_lengthscales))


def matern52_grad_x(
    x: np.ndarray, y: np.ndarray, inv_sq_lengthscales: np.ndarray, variance: float
) -> np.ndarray:
    """``d k(x_i, y_j) / d x_i``: ``(len(x), len(y), n_dims)``."""
    diff = x[:, None, :] - y[None, :, :]
    r2 = np.maximum(np.sum(diff**2 * inv_sq_lengthscales, axis=2), 0.0)
    return variance * (2.0 * matern52_dsq(r2))[:, :, None] * diff * inv_sq_lengthscales
