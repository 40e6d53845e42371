"""Parzen estimators: weighted mixtures of product kernels over a mixed float/int/categorical space.

Pure math, no study or storage: TPE builds one estimator from the good trials and one from the rest and
picks the candidate that maximises the ratio of their densities.

Every numerical parameter is mapped to the unit interval (on the log scale if ``log``; widened by half a
step on each side if it takes grid values, so every grid point owns a cell of the interval). Kernels are
normal distributions truncated to the unit interval. A continuous parameter contributes a density; a
grid-valued one contributes the probability of its cell, so rounding a sample to the grid is exact and
the two estimators are compared on the same measure. Categorical parameters get a smoothed one-hot kernel.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from hpint.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.samplers._tpe._normal import log_mass, log_mass_wide
from hpint.samplers._tpe._parzen_parameters import ParzenParameters

_EPS = 1e-12
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
# Below this bandwidth (unit scale) the expanded quadratic form loses precision; use differences instead.
_MATMUL_MIN_SIGMA = 1e-4
_FAR_SIGMAS = 9.0
_EXP_ZERO = -746.0  # exp(x) rounds to exactly 0.0 below about -745.13
# OpenBLAS runs a product on one thread when M * N * K is at most 65536 * GEMM_MULTITHREAD_THRESHOLD (4)
_BLAS_ONE_THREAD = 65536 * 4
_U = 2.0**-53  # unit roundoff of float64


@dataclasses.dataclass(frozen=True)
class NumericalDim:
    """How a float/int parameter maps to the unit interval; ``step`` None means continuous."""

    low: float
    high: float
    log: bool
    step: float | None

    @classmethod
    def from_distribution(cls, dist: FloatDistribution | IntDistribution) -> NumericalDim:
        step = None if dist.step is None else float(dist.step)
        if dist.log and isinstance(dist, IntDistribution):
            step = 1.0
        return cls(float(dist.low), float(dist.high), bool(dist.log), step)

    def _bounds(self) -> tuple[float, float]:
        low, high = self.low, self.high
        if self.step is not None:
            low, high = low - 0.5 * self.step, high + 0.5 * self.step
        if self.log:
            return math.log(low), math.log(high)
        return low, high

    def to_unit(self, values: np.ndarray) -> np.ndarray:
        """Positions in the unit interval (values are clipped into ``[low, high]`` first)."""
        lo, hi = self._bounds()
        v = np.clip(np.asarray(values, dtype=float), self.low, self.high)
        if self.log:
            v = np.log(v)
        return (v - lo) / max(hi - lo, _EPS)

    def cells(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The unit-interval cell ``[a, b]`` owned by each grid value (grid-valued parameters only)."""
        assert self.step is not None
        v = np.asarray(values, dtype=float)
        lo, hi = self._bounds()
        a, b = v - 0.5 * self.step, v + 0.5 * self.step
        if self.log:
            a, b = np.log(a), np.log(b)
        scale = max(hi - lo, _EPS)
        return (a - lo) / scale, (b - lo) / scale

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Values of the parameter for unit positions, rounded to the grid when there is one."""
        lo, hi = self._bounds()
        v = lo + np.asarray(u, dtype=float) * (hi - lo)
        if self.log:
            v = np.exp(v)
        if self.step is not None:
            v = self.low + np.round((v - self.low) / self.step) * self.step
        return np.clip(v, self.low, self.high)


@dataclasses.dataclass(frozen=True)
class CategoricalDim:
    """A categorical parameter; values are indices into its choices."""

    n_choices: int


Dim = NumericalDim | CategoricalDim


@functools.lru_cache(maxsize=1024)  # a study has a few distributions; each trial asks for them again
def make_dim(dist: BaseDistribution) -> Dim:
    if isinstance(dist, CategoricalDistribution):
        return CategoricalDim(len(dist.choices))
    if isinstance(dist, (FloatDistribution, IntDistribution)):
        return NumericalDim.from_distribution(dist)
    raise TypeError(f"TPE cannot model {dist!r}.")


def unit_columns(dims: list[NumericalDim], values: np.ndarray) -> np.ndarray:
    """:meth:`NumericalDim.to_unit` of every column of ``values`` (one column per dim), in one pass."""
    if not dims:
        return np.zeros((len(values), 0))
    low, high, lo, scale, logs = _unit_constants(tuple(dims))
    v = np.clip(values, low, high)
    if len(logs):
        v[:, logs] = np.log(v[:, logs])
    v -= lo
    v /= scale
    return v


@functools.lru_cache(maxsize=256)
def _unit_constants(dims: tuple[NumericalDim, ...]) -> tuple[np.ndarray, ...]:
    """Per column: clip bounds, unit-interval offset and scale, and which columns are on a log scale."""
    bounds = [d._bounds() for d in dims]
    lo = np.array([b[0] for b in bounds])
    scale = np.array([max(b[1] - b[0], _EPS) for b in bounds])
    low, high = np.array([d.low for d in dims]), np.array([d.high for d in dims])
    return low, high, lo, scale, np.array([i for i, d in enumerate(dims) if d.log], dtype=np.int64)


def numerical_kernels(
    mus: np.ndarray,
    params: ParzenParameters,
    n_dims: int = 1,
    orders: list[np.ndarray | None] | None = None,
    min_sigma: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Centres and bandwidths (unit scale) for observations ``mus`` (``(n, c)``, one column per
    parameter), plus the prior kernel's row if asked.

    ``orders``, if given, holds per column a candidate for ``argsort(column, kind="stable")`` (a caller
    may keep it up to date more cheaply than sorting); each is checked and ignored if it is not that order.
    ``min_sigma``, if given, replaces :func:`min_bandwidth` as the smallest width.
    """
    n = len(mus)
    n_kernels = n + int(params.consider_prior)
    if params.bandwidth == "scott":
        sigmas = np.full(mus.shape, 0.2 * max(n, 1) ** (-1.0 / (n_dims + 4)))
    else:
        sigmas = _neighbor_bandwidths(mus, params.consider_endpoints, orders)
    if min_sigma is None:
        min_sigma = min_bandwidth(n_kernels, params)
    sigmas = np.clip(sigmas, min_sigma, 1.0)
    if params.consider_prior:
        with_prior = np.empty((n + 1, mus.shape[1]))
        with_prior[:n], with_prior[n] = mus, 0.5
        mus = with_prior
        sigmas = np.concatenate([sigmas, np.ones((1, mus.shape[1]))])
    return np.asarray(mus, dtype=float), sigmas


def matmul_precise(min_sigma: float, sigmas: np.ndarray) -> bool:
    """Whether the expanded quadratic form (one matrix product) is precise enough for kernels ``sigmas``
    (``(n_kernels, n_continuous)``, each at least ``min_sigma``); see ``_MATMUL_MIN_SIGMA``."""
    if sigmas.shape[1] == 0:
        return False
    return min_sigma >= _MATMUL_MIN_SIGMA or float(sigmas.min()) >= _MATMUL_MIN_SIGMA


def min_bandwidth(n_kernels: int, params: ParzenParameters) -> float:
    """The smallest kernel width (unit scale) for a mixture of ``n_kernels`` (see ``consider_magic_clip``)."""
    return 1.0 / min(100.0, 1.0 + n_kernels) if params.consider_magic_clip else _EPS


def _neighbor_bandwidths(
    mus: np.ndarray, consider_endpoints: bool, orders: list[np.ndarray | None] | None = None
) -> np.ndarray:
    """Each kernel as wide as the larger gap to its sorted neighbours (the bounds count as neighbours)."""
    n, c = mus.shape
    sigmas = np.empty((n, c))
    if n == 0:
        return sigmas
    gaps = np.empty(n + 1)  # to the lower bound, between sorted neighbours, to the upper bound
    for i in range(c):  # column by column: 1-D indexing is cheaper than take/put_along_axis
        column = mus[:, i]
        order = None if orders is None else orders[i]
        if order is None or not is_stable_order(column, order):
            order = np.argsort(column, kind="stable")
        ordered = column[order]
        gaps[0] = ordered[0]
        np.subtract(ordered[1:], ordered[:-1], out=gaps[1:n])
        gaps[n] = 1.0 - ordered[-1]
        widths = np.maximum(gaps[:-1], gaps[1:])
        if not consider_endpoints and n >= 2:
            widths[0] = gaps[1]
            widths[-1] = gaps[-2]
        sigmas[order, i] = widths
    return sigmas


def is_stable_order(values: np.ndarray, order: np.ndarray) -> bool:
    """Whether ``order`` is exactly ``argsort(values, kind="stable")`` (a permutation, ties by index)."""
    if len(order) != len(values):
        return False
    steps = np.diff(values[order])
    return bool(np.all(steps >= 0) and not np.any((steps == 0) & (np.diff(order) <= 0)))


def categorical_kernels(indices: np.ndarray, n_choices: int, params: ParzenParameters) -> np.ndarray:
    """``(n_kernels, n_choices)`` probabilities: one-hot rows smoothed by the prior, then the prior row."""
    n = len(indices)
    n_kernels = n + int(params.consider_prior)
    smoothing = params.prior_weight / max(n_kernels, 1) if params.consider_prior else 0.0
    probs = np.full((n_kernels, n_choices), smoothing)
    probs[np.arange(n), indices.astype(int)] += 1.0
    if params.consider_prior:
        probs[-1] = 1.0
    return probs / probs.sum(axis=1, keepdims=True)


class ParzenEstimator:
    """A mixture of product kernels fitted to ``observations`` (rows of internal values).

    Args:
        dims: one :class:`NumericalDim` / :class:`CategoricalDim` per column.
        observations: ``(n, len(dims))`` values (numbers for numerical, indices for categorical).
        weights: ``(n,)`` non-negative weights of the observations.
        params: kernel settings; the prior kernel, if any, gets weight ``params.prior_weight``.
        orders: optional, per column, the stable sort order of the observations (see
            :func:`numerical_kernels`); saves a sort per numerical column on long histories.
        min_sigma: if given, the smallest kernel width (unit scale) instead of :func:`min_bandwidth`'s.
    """

    _workspace: Callable[[int], np.ndarray] | None = None

    def __init__(
        self,
        dims: list[Dim],
        observations: np.ndarray,
        weights: np.ndarray,
        params: ParzenParameters,
        orders: list[np.ndarray | None] | None = None,
        min_sigma: float | None = None,
    ) -> None:
        self._dims = dims
        obs = np.asarray(observations, dtype=float).reshape(-1, len(dims))
        if not params.consider_prior and len(obs) == 0:  # an empty mixture falls back to the prior
            params = dataclasses.replace(params, consider_prior=True)
        self._log_weights = log_weights(weights, params)
        numerical = [j for j, d in enumerate(dims) if isinstance(d, NumericalDim)]
        mus, sigmas = numerical_kernels(
            unit_columns([dims[j] for j in numerical], obs[:, numerical]),  # type: ignore[misc]
            params,
            len(numerical),
            None if orders is None else [orders[j] for j in numerical],
            min_sigma,
        )
        self._kernels: list[tuple[np.ndarray, np.ndarray] | np.ndarray] = []
        for j, dim in enumerate(dims):
            if isinstance(dim, CategoricalDim):
                self._kernels.append(categorical_kernels(obs[:, j], dim.n_choices, params))
            else:
                i = numerical.index(j)
                self._kernels.append((mus[:, i], sigmas[:, i]))
        continuous = [i for i, j in enumerate(numerical) if dims[j].step is None]  # type: ignore[union-attr]
        self._prepare_log_pdf(mus[:, continuous], sigmas[:, continuous])

    @property
    def n_kernels(self) -> int:
        return len(self._log_weights)

    def _prepare_log_pdf(self, mus: np.ndarray, sigmas: np.ndarray) -> None:
        """Precompute per-kernel constants so ``log_pdf`` is a few matrix products.

        ``mus`` and ``sigmas`` are the kernels of the continuous columns, ``(n_kernels, n_continuous)``.
        """
        self._log_norm = self._log_weights.copy()  # per kernel: weight, normalisers of continuous dims
        self._discrete_log_z: dict[int, np.ndarray] = {}
        self._categorical_log_probs = {
            j: np.log(k) for j, k in enumerate(self._kernels) if isinstance(self._dims[j], CategoricalDim)
        }
        self._continuous = [
            j for j, d in enumerate(self._dims) if isinstance(d, NumericalDim) and d.step is None
        ]
        for j, dim in enumerate(self._dims):
            if isinstance(dim, NumericalDim) and dim.step is not None:
                mu, sigma = self._kernels[j]  # type: ignore[misc]
                self._discrete_log_z[j] = log_mass(-mu / sigma, (1.0 - mu) / sigma)
        self._set_continuous(mus, sigmas, continuous_terms(mus, sigmas))

    def _set_continuous(self, mus: np.ndarray, sigmas: np.ndarray, terms: ContinuousTerms) -> None:
        """Fold the continuous kernels' normalisers into ``_log_norm`` and, if precise enough, ``_coef``."""
        for i in range(mus.shape[1]):
            self._log_norm -= terms.log_scale[:, i]
        self._mus, self._sigmas = mus, sigmas
        self._use_matmul = matmul_precise(0.0, sigmas)
        if self._use_matmul:
            # log N-part of kernel k at u = [u^2, u, 1] @ coef[:, k], expanding -0.5 ((u - mu) / sigma)^2:
            # one matrix product, instead of several passes over an (n, n_kernels) array.
            c = mus.shape[1]
            self._coef = np.empty((2 * c + 1, len(mus)))
            self._coef[:c] = terms.quadratic.T
            self._coef[c : 2 * c] = terms.linear.T
            self._coef[2 * c] = self._log_norm - terms.constant

    @classmethod
    def from_kept_kernels(
        cls,
        dims: list[Dim],
        log_w: np.ndarray,
        mus: np.ndarray,
        sigmas: np.ndarray,
        log_norm: np.ndarray,
        coef: np.ndarray | None,
        workspace: Callable[[int], np.ndarray] | None = None,
    ) -> ParzenEstimator:
        """The estimator ``__init__`` would build, from kernels a caller kept up to date itself.

        Every dim must be continuous (numerical without a step) and the prior's kernel included (last).
        ``log_w`` is :func:`log_weights` of the weights, ``mus`` and ``sigmas`` hold one row per kernel;
        ``log_norm`` and ``coef`` (None unless
        :func:`matmul_precise`) are what ``__init__`` would compute from them (see
        :class:`ContinuousTerms`). ``workspace(size)``, if given, returns scratch memory for ``log_pdf``.
        """
        self = cls.__new__(cls)
        self._dims, self._log_weights = dims, log_w
        self._kernels = [(mus[:, j], sigmas[:, j]) for j in range(len(dims))]
        self._log_norm = log_norm
        self._discrete_log_z, self._categorical_log_probs = {}, {}
        self._continuous = list(range(len(dims)))
        self._use_matmul = coef is not None
        if coef is None:
            # Column-major, as __init__'s column selection leaves them, so that the sums of the difference
            # path (``_continuous_log_pdf`` without matmul) run in the same order and round the same.
            self._mus, self._sigmas = np.asfortranarray(mus), np.asfortranarray(sigmas)
        else:
            self._mus, self._sigmas, self._coef = mus, sigmas, coef
        self._workspace = workspace
        return self

    def log_pdf(self, x: np.ndarray) -> np.ndarray:
        """Log density of each row of ``x`` (cell probability for grid-valued parameters)."""
        return log_sum_exp(self.log_terms(x))

    def log_terms(self, x: np.ndarray) -> np.ndarray:
        """``(len(x), n_kernels)``: each kernel's log weight plus its log density at each row of ``x``.

        ``log_pdf`` is the log-sum-exp of each row. The array may be scratch memory of the estimator's
        (see ``from_kept_kernels``), overwritten by the next call.
        """
        return self.log_terms_and_error(x)[0]

    def log_terms_and_error(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        """:meth:`log_terms`, and a bound on how far any entry may be from its exact value.

        The matrix product behind the terms is taken a block of kernels at a time, each block small
        enough that BLAS computes it on one thread: beyond a size BLAS splits a product between threads,
        which on a busy machine costs many times more than the product, and makes the rounding depend on
        the thread count. Each entry is a dot product of length ``k``, within ``gamma_k sum |a_i b_i|``
        of its exact value however BLAS orders it (so also of the same entry computed with other rows).
        """
        x = np.asarray(x, dtype=float).reshape(-1, len(self._dims))
        error = 0.0
        if self._continuous:  # in place: on long histories this (n, n_kernels) array dominates the cost
            total, error = self._continuous_log_pdf(x)
        else:
            total = np.broadcast_to(self._log_norm, (len(x), self.n_kernels)).copy()
        for j, dim in enumerate(self._dims):
            if isinstance(dim, CategoricalDim):
                total += self._categorical_log_probs[j][:, x[:, j].astype(int)].T
            elif dim.step is not None:
                mu, sigma = self._kernels[j]  # type: ignore[misc]
                a, b = dim.cells(x[:, j])
                total += log_mass((a[:, None] - mu) / sigma, (b[:, None] - mu) / sigma)
                total -= self._discrete_log_z[j]
        return total, error

    def _continuous_log_pdf(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        """Weight plus log density of the continuous columns, for every row and kernel: ``(n, n_kernels)``,
        and a bound on the rounding of each entry (see :meth:`log_terms_and_error`)."""
        u = unit_columns([self._dims[j] for j in self._continuous], x[:, self._continuous])  # type: ignore[misc]
        if self._use_matmul:
            powers = np.hstack([np.square(u), u, np.ones((len(u), 1))])
            coef = self._coef
            shape = (len(u), coef.shape[1])
            block = max(64, _BLAS_ONE_THREAD // powers.size)
            if self._workspace is None:
                out = np.empty(shape)
            else:
                out = self._workspace(len(u) * shape[1]).reshape(shape)
            for start in range(0, shape[1], block):
                np.matmul(powers, coef[:, start : start + block], out=out[:, start : start + block])
            k = powers.shape[1]
            largest = np.maximum(coef.max(axis=1), -coef.min(axis=1))  # |coef| per row, at most
            error = 2.0 * k * _U / (1.0 - k * _U) * float(np.abs(powers).max(axis=0) @ largest)
            return out, error
        diff = (u[:, None, :] - self._mus[None]) / self._sigmas[None]
        total = np.sum(np.square(diff), axis=2)
        total *= -0.5
        total += self._log_norm
        return total, 0.0

    def sample(self, rng: np.random.RandomState, size: int) -> np.ndarray:
        """``(size, len(dims))`` draws: pick a kernel by weight, then draw each dimension from it."""
        weights = np.exp(self._log_weights)
        active = rng.choice(self.n_kernels, size=size, p=weights / weights.sum())
        out = np.empty((size, len(self._dims)))
        numerical = [j for j, dim in enumerate(self._dims) if isinstance(dim, NumericalDim)]
        if numerical:  # every numerical column in one draw: a draw's cost is mostly the call
            mu = np.column_stack([self._kernels[j][0][active] for j in numerical])  # type: ignore[index]
            sigma = np.column_stack([self._kernels[j][1][active] for j in numerical])  # type: ignore[index]
            unit = _truncated_normal(rng, mu.ravel(), sigma.ravel()).reshape(size, len(numerical))
            for i, j in enumerate(numerical):
                out[:, j] = self._dims[j].from_unit(unit[:, i])  # type: ignore[union-attr]
        for j, dim in enumerate(self._dims):
            if isinstance(dim, CategoricalDim):
                kernel = self._kernels[j]
                assert isinstance(kernel, np.ndarray)
                cumulative = np.cumsum(kernel[active], axis=1)
                draws = rng.uniform(size=(size, 1)) * cumulative[:, -1:]
                out[:, j] = np.minimum((draws > cumulative).sum(axis=1), dim.n_choices - 1)
        return out


def log_sum_exp(total: np.ndarray) -> np.ndarray:
    """``log(exp(total).sum(axis=1))``, computed stably, overwriting ``total``.

    Each row's result depends on that row only (the same values whichever other rows are passed).
    """
    peak = total.max(axis=1, keepdims=True)
    total -= peak
    return peak[:, 0] + np.log(_sum_exp(total))


def _sum_exp(x: np.ndarray) -> np.ndarray:
    """``exp(x).sum(axis=1)``, overwriting ``x``; the same result at about a third of the cost.

    Trap: ``np.exp`` takes a slow path for arguments that underflow, and most of a long history's kernels
    are hundreds of log units below the best one. Below ``_EXP_ZERO`` ``exp`` is exactly 0, so those
    entries are set to 0 (computed as ``exp(0) * 0``) instead; the sum sees the same numbers in the same
    places, so it is bit for bit the plain sum. (Raised to ``_EXP_ZERO`` first: ``-inf * 0`` is NaN.)
    """
    keep = x > _EXP_ZERO
    np.maximum(x, _EXP_ZERO, out=x)
    x *= keep
    np.exp(x, out=x)
    x *= keep
    return x.sum(axis=1)


def log_weights(weights: np.ndarray, params: ParzenParameters) -> np.ndarray:
    """Log of the normalised kernel weights: the observations', then the prior's if ``consider_prior``."""
    w = np.asarray(weights, dtype=float)
    if params.consider_prior:
        w = np.append(w, params.prior_weight)
    return np.log(np.maximum(w / w.sum(), 1e-300))


class ContinuousTerms(NamedTuple):
    """Per kernel and continuous column, the parts of its log density that do not depend on the point.

    ``log_scale``: ``log Z + log sigma + log sqrt(2 pi)``; ``quadratic``: ``-0.5 / sigma^2``; ``linear``:
    ``mu / sigma^2``; ``constant`` (per kernel): ``0.5 * sum(mu^2 / sigma^2)``. Each row depends on its
    own kernel only, so a caller may compute rows separately and stack them (the values are the same;
    the sum in ``constant`` runs column by column so that the memory layout cannot change its rounding).
    """

    log_scale: np.ndarray
    quadratic: np.ndarray
    linear: np.ndarray
    constant: np.ndarray


def continuous_terms(mus: np.ndarray, sigmas: np.ndarray) -> ContinuousTerms:
    """:class:`ContinuousTerms` of kernels ``(mus, sigmas)``, both ``(n_kernels, n_continuous)``.

    Every entry but ``constant`` depends on its own kernel and column only: a caller may compute some
    entries alone (any shape) with :func:`column_terms`, and ``constant`` with :func:`kernel_constant`.
    """
    log_scale, quadratic, linear = column_terms(mus, sigmas)
    return ContinuousTerms(log_scale, quadratic, linear, kernel_constant(mus, sigmas))


def column_terms(mus: np.ndarray, sigmas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``log_scale``, ``quadratic`` and ``linear`` of :class:`ContinuousTerms`, elementwise."""
    log_scale = _truncation_log_z(mus, sigmas) + np.log(sigmas) + _LOG_SQRT_2PI
    inv_var = 1.0 / np.square(sigmas)
    return log_scale, -0.5 * inv_var, mus * inv_var


def kernel_constant(mus: np.ndarray, sigmas: np.ndarray) -> np.ndarray:
    """``constant`` of :class:`ContinuousTerms`: per kernel (row), half the sum of ``(mu / sigma)^2``."""
    squares = np.square(mus) * (1.0 / np.square(sigmas))
    total = squares[:, 0].copy() if squares.shape[1] else np.zeros(len(squares))
    for i in range(1, squares.shape[1]):  # column by column: the same sum whatever the memory layout
        total += squares[:, i]
    return 0.5 * total


def _truncation_log_z(mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``log`` of the mass a kernel keeps inside ``[0, 1]``, computed only where it is not negligible.

    A kernel at least ``_FAR_SIGMAS`` bandwidths from both bounds keeps all but ``2 * Phi(-9) < 3e-19``
    of its mass; that log is below half an ulp of ``log(sigma)`` (``sigma <= 1/18`` there, so
    ``|log(sigma)| > 2.8``), which it is added to, so returning exactly 0 changes no result, and on long
    histories (most kernels narrow and interior) it skips most of the work.
    """
    log_z = np.zeros(mu.shape)
    near = np.flatnonzero(np.minimum(mu, 1.0 - mu) < _FAR_SIGMAS * sigma)
    if near.size:  # e.g. none among the few kernels an insertion refreshes (see _rest_kernels.py)
        m, s = mu.ravel()[near], sigma.ravel()[near]
        log_z.ravel()[near] = log_mass_wide(-m / s, (1.0 - m) / s)  # width 1 / sigma >= 1
    return log_z


def _truncated_normal(rng: np.random.RandomState, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Draws from normals truncated to ``[0, 1]`` by rejection.

    Centres lie in the interval and bandwidths are at most 1, so each draw is accepted with probability
    at least about one third; the loop ends after a few rounds. After the first round only a few values
    are left, so they are redrawn one at a time (a scalar draw costs far less than an array round), in
    the order and rounds of a vectorised loop: the generator yields the same numbers in the same places.
    """
    out = rng.normal(mu, sigma)
    pending = np.flatnonzero((out < 0.0) | (out > 1.0)).tolist()
    for _ in range(64):
        if not pending:
            break
        outside = []
        for i in pending:
            value = rng.normal(mu[i], sigma[i])
            out[i] = value
            if value < 0.0 or value > 1.0:
                outside.append(i)
        pending = outside
    return np.clip(out, 0.0, 1.0)
