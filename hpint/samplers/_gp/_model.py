"""Gaussian-process regression: marginal likelihood, its gradient, fitting and the posterior.

Pure functions of arrays. Hyperparameters are packed as ``theta = [log(1 / l_d ** 2)..., log(signal
variance), log(noise variance)]`` (log scale so the optimiser works unconstrained in practice and the
bounds are simple). We fit by maximum a posteriori rather than plain maximum likelihood: with 10-100
points the likelihood alone often prefers extreme lengthscales. The lengthscale prior is log-normal,
``log l ~ N(0, 3)``: centred on the parameter's whole range, with the spread of Hvarfner, Hellsten & Nardi
(2024, "Vanilla Bayesian optimization performs great in high dimensions"). Their centre,
``sqrt(2) + log(D) / 2`` (``l`` = 4 in one dimension, 12 in eight), grows with the dimension: with 10-40
trials it let the fit explain most inputs by near-linear trends, which the acquisition then followed to
the edges of the box with confidence (on Styblinski-Tang-8, 26-31% of the suggested coordinates sat on a
bound and 20 model-based trials did not beat the 10 random ones; centred on 1: 1-4%, see
``benchmarks/README.md``).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from hpint.samplers._gp._kernel import matern52_dsq, matern52_from_sq, squared_distances

MIN_NOISE = 1e-6
_JITTER = 1e-9
_SHORT_LENGTHSCALE = 0.2
_NOISE_PRIOR = (math.log(1e-4), 1.5)  # mean and sd of log(noise variance)
_SIGNAL_PRIOR = (0.0, 1.0)  # mean and sd of log(signal variance), for standardised targets


@dataclasses.dataclass(frozen=True)
class GPModel:
    """A fitted GP: hyperparameters plus the Cholesky factor and weights the posterior needs."""

    x: np.ndarray
    inv_sq_lengthscales: np.ndarray
    variance: float
    noise: float
    chol: np.ndarray
    alpha: np.ndarray  # K^-1 y

    def posterior(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the latent function at the rows of ``x``."""
        from scipy.linalg import solve_triangular

        k = self.variance * matern52_from_sq(squared_distances(x, self.x, self.inv_sq_lengthscales))
        mean = k @ self.alpha
        v = solve_triangular(self.chol, k.T, lower=True)
        var = self.variance - np.sum(v * v, axis=0)
        return mean, np.maximum(var, 1e-12 * self.variance)

    def covariance(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Posterior covariance of the latent function between the rows of ``a`` and of ``b``.

        ``(len(a), len(b))``; used by the terminator, which compares the model's belief at two points.
        """
        from scipy.linalg import solve_triangular

        def whitened(x: np.ndarray) -> np.ndarray:
            k = self.variance * matern52_from_sq(squared_distances(x, self.x, self.inv_sq_lengthscales))
            return solve_triangular(self.chol, k.T, lower=True)

        prior = self.variance * matern52_from_sq(squared_distances(a, b, self.inv_sq_lengthscales))
        return prior - whitened(a).T @ whitened(b)

    @property
    def theta(self) -> np.ndarray:
        """The log-scale hyperparameter vector :func:`build` takes (noise as fitted, jitter included)."""
        scalars = [math.log(self.variance), math.log(self.noise)]
        return np.concatenate([np.log(self.inv_sq_lengthscales), scalars])


def unpack(theta: np.ndarray) -> tuple[np.ndarray, float, float]:
    """``(inv_sq_lengthscales, variance, noise)`` from the log-scale vector ``theta``."""
    return np.exp(theta[:-2]), float(np.exp(theta[-2])), float(np.exp(theta[-1]))


LENGTHSCALE_PRIOR = (0.0, math.sqrt(3.0))  # mean and sd of log(lengthscale), unit-cube inputs


def neg_log_posterior(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, fixed_noise: float | None = None
) -> tuple[float, np.ndarray]:
    """Negative log marginal likelihood plus negative log prior, and its gradient in ``theta``.

    ``dL/dtheta_j = -0.5 * tr((alpha alpha^T - K^-1) dK/dtheta_j)`` for the likelihood part.
    With ``fixed_noise`` the last entry of ``theta`` is ignored and its gradient is zero.
    """
    from scipy.linalg import LinAlgError, cho_solve, cholesky

    n, d = x.shape
    rho, variance, noise = unpack(theta)
    if fixed_noise is not None:
        noise = fixed_noise
    r2 = squared_distances(x, x, rho)
    corr = matern52_from_sq(r2)
    cov = variance * corr + (noise + _JITTER) * np.eye(n)
    try:
        chol = cholesky(cov, lower=True)
    except LinAlgError:
        return 1e25, np.zeros_like(theta)
    alpha = cho_solve((chol, True), y)
    nll = 0.5 * y @ alpha + np.sum(np.log(np.diag(chol))) + 0.5 * n * math.log(2.0 * math.pi)
    inner = np.outer(alpha, alpha) - cho_solve((chol, True), np.eye(n))  # alpha alpha^T - K^-1
    grad = np.empty_like(theta)
    # dK/dlog(rho_j) = variance * dcorr/dr2 * rho_j * (x_ij - x_kj)^2
    weighted = inner * (variance * matern52_dsq(r2))
    for j in range(d):
        diff2 = np.square(x[:, j, None] - x[None, :, j])
        grad[j] = -0.5 * rho[j] * np.sum(weighted * diff2)
    grad[-2] = -0.5 * variance * np.sum(inner * corr)
    grad[-1] = 0.0 if fixed_noise is not None else -0.5 * noise * np.trace(inner)
    prior, prior_grad = _neg_log_prior(theta, fixed_noise is not None)
    return float(nll + prior), grad + prior_grad


def _neg_log_prior(theta: np.ndarray, fixed_noise: bool) -> tuple[float, np.ndarray]:
    """Gaussian priors on ``log l`` (``= -theta_j / 2``), ``log variance`` and ``log noise``."""
    mu_l, sd_l = LENGTHSCALE_PRIOR
    log_l = -0.5 * theta[:-2]
    value = 0.5 * np.sum(np.square((log_l - mu_l) / sd_l))
    grad = np.zeros_like(theta)
    grad[:-2] = -0.5 * (log_l - mu_l) / sd_l**2
    for index, (mu, sd) in ((-2, _SIGNAL_PRIOR), (-1, _NOISE_PRIOR)):
        if index == -1 and fixed_noise:
            continue
        value += 0.5 * ((theta[index] - mu) / sd) ** 2
        grad[index] = (theta[index] - mu) / sd**2
    return float(value), grad


def fit(x: np.ndarray, y: np.ndarray, deterministic: bool = False) -> GPModel:
    """MAP hyperparameters for standardised targets ``y`` at unit-cube inputs ``x``, then the model.

    Two fixed starts: the prior's centre, and short lengthscales with little noise. From the first alone
    the optimiser often stops in the "everything is noise" basin (long lengthscales, noise near 1) when a
    few trials are far better than the rest. Fixed starts keep the result a function of the data only, so
    a sampler resumed in another process fits the same model.
    """
    from scipy.optimize import minimize

    n_dims = x.shape[1]
    mu_l, _ = LENGTHSCALE_PRIOR
    bounds = [(-2.0 * math.log(1e3), -2.0 * math.log(1e-3))] * n_dims
    bounds += [(math.log(1e-2), math.log(1e2)), (math.log(MIN_NOISE), math.log(1.0))]
    fixed = MIN_NOISE if deterministic else None
    best: tuple[float, np.ndarray] | None = None
    for log_l in (mu_l, math.log(_SHORT_LENGTHSCALE)):
        start = np.concatenate([np.full(n_dims, -2.0 * log_l), [0.0, math.log(1e-4)]])
        result = minimize(
            neg_log_posterior,
            start,
            args=(x, y, fixed),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 200},
        )
        if np.all(np.isfinite(result.x)) and (best is None or result.fun < best[0]):
            best = (float(result.fun), result.x)
    theta = best[1] if best is not None else start
    return build(x, y, theta, fixed)


def build(x: np.ndarray, y: np.ndarray, theta: np.ndarray, fixed_noise: float | None = None) -> GPModel:
    """The model for given hyperparameters (adds jitter until the covariance factorises)."""
    from scipy.linalg import LinAlgError, cho_solve, cholesky

    rho, variance, noise = unpack(theta)
    if fixed_noise is not None:
        noise = fixed_noise
    cov = variance * matern52_from_sq(squared_distances(x, x, rho))
    jitter = _JITTER
    while True:
        try:
            chol = cholesky(cov + (noise + jitter) * np.eye(len(x)), lower=True)
            break
        except LinAlgError:
            if jitter > 1e-2 * variance:
                raise
            jitter *= 10.0
    alpha = cho_solve((chol, True), y)
    return GPModel(x, rho, variance, noise + jitter, chol, alpha)
