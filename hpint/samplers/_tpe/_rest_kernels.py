"""The kernels of TPE's "rest" estimator g(x), kept up to date between trials instead of rebuilt each time.

From one trial to the next, the trials g(x) models are nearly the same: with one objective and the
default gamma (at most 25 good trials) each new trial adds one row to them (the new trial, or the good
trial it pushed out). A kernel's centre never changes and its width depends only on its two neighbours
in each column, so an added row changes the kernels of a few rows per column; only those are recomputed.
The result is exactly what :class:`ParzenEstimator` would build (the same arithmetic per kernel, see
:func:`continuous_terms`); whatever this does not cover (rows removed, a new minimum width while the
history is short, many rows added at once) is rebuilt from scratch, as the estimator would do it.
Continuous parameters only (numerical without a step); TPE uses the plain estimator otherwise.

Everything per kernel lives in one buffer with spare capacity, one column per kernel, so adding a kernel
shifts the columns after it in place (usually none: new trials come last) instead of copying every array,
and the estimator's matrix of coefficients is a view of the buffer, not rebuilt each trial.
"""

from __future__ import annotations

import bisect

import numpy as np

from hpint.samplers._tpe._parzen import (
    Dim,
    NumericalDim,
    ParzenEstimator,
    column_terms,
    continuous_terms,
    kernel_constant,
    log_weights,
    matmul_precise,
    min_bandwidth,
    numerical_kernels,
    unit_columns,
)
from hpint.samplers._tpe._parzen_parameters import ParzenParameters

_MAX_ADDED = 32  # more rows added at once: a rebuild costs less than inserting them one by one


def supports(dims: list[Dim], params: ParzenParameters) -> bool:
    """Whether :class:`RestKernels` can stand in for ``ParzenEstimator(dims, ..., params)``."""
    return (
        params.consider_prior
        and params.bandwidth == "neighbor"
        and all(isinstance(d, NumericalDim) and d.step is None for d in dims)
    )


class RestKernels:
    """Kernels (unit scale, the prior's last) of the observations in history ``rows``, one column per dim.

    Per column it also keeps the rows sorted by centre (ties by row, as a stable sort of the kernels),
    which is what the neighbour widths are read from.

    Layout of ``_buf`` (``c`` columns of the space), one buffer column per kernel: rows ``[0, c)`` the
    centres, ``[c, 2c)`` the widths, ``[2c, 3c)`` ``log_scale``, ``[3c, 5c]`` the estimator's coefficients
    (``quadratic``, ``linear``, then weight minus normalisers), ``5c + 1`` ``constant`` (see
    :class:`~hpint.samplers._tpe._parzen.ContinuousTerms`).
    """

    def __init__(self, dims: list[NumericalDim], params: ParzenParameters) -> None:
        self.dims, self.params = dims, params
        self.rows: np.ndarray | None = None  # the rows modelled, increasing; a view of _rows
        self._n = 0  # observations (the prior is kernel _n)
        self._min_sigma = 0.0
        c = len(dims)
        self._buf = np.zeros((5 * c + 2, 1))
        self._rows = np.zeros(0, dtype=np.int64)
        self._row_list: list[int] = []  # the same rows, for bisect
        self._sorted_rows: list[list[int]] = []  # per column: rows by centre
        self._sorted_values: list[list[float]] = []  # per column: the centres in that order
        self._workspace = np.zeros(0)  # scratch for the estimator's (n_points, n_kernels) arrays

    def estimator(self, rows: np.ndarray, table: np.ndarray, weights: np.ndarray) -> ParzenEstimator:
        """``ParzenEstimator(dims, table[rows], weights, params)`` for strictly increasing ``rows``,
        reusing the kernels of the previous call's rows (rows of ``table`` must never change).

        The estimator shares this object's buffers: it is valid until the next call.
        """
        added = self._added(rows)
        min_sigma = min_bandwidth(len(rows) + 1, self.params)
        if added is None or len(added) > _MAX_ADDED or min_sigma != self._min_sigma:
            self._rebuild(rows, table[rows])
        elif len(added):
            self._insert(rows[added], unit_columns(self.dims, table[rows[added]]))
        return self._estimator(weights)

    def _added(self, rows: np.ndarray) -> np.ndarray | None:
        """Positions in ``rows`` of the rows that are new since last time; None if any old row is gone."""
        if self.rows is None or len(rows) < self._n:
            return None
        if self._n == 0:
            return np.arange(len(rows))
        old = self.rows
        if len(rows) == self._n or rows[self._n - 1] == old[-1]:  # usually nothing, or only appended rows
            if np.array_equal(rows[: self._n], old):
                return np.arange(self._n, len(rows))
            if len(rows) == self._n:
                return None
        member = np.zeros(int(max(rows[-1], old[-1])) + 1, dtype=bool)
        member[old] = True
        kept = member[rows]
        if int(np.count_nonzero(kept)) != self._n:
            return None
        return np.flatnonzero(~kept)

    def _estimator(self, weights: np.ndarray) -> ParzenEstimator:
        c, k = len(self.dims), self._n + 1
        buf = self._buf
        log_w = log_weights(weights, self.params)
        log_norm = log_w.copy()
        for i in range(c):
            log_norm -= buf[2 * c + i, :k]
        mus, sigmas = buf[:c, :k].T, buf[c : 2 * c, :k].T
        coef = None
        if matmul_precise(self._min_sigma, sigmas):
            np.subtract(log_norm, buf[5 * c + 1, :k], out=buf[5 * c, :k])
            coef = buf[3 * c : 5 * c + 1, :k]
        return ParzenEstimator.from_kept_kernels(
            list(self.dims), log_w, mus, sigmas, log_norm, coef, self._workspace_for
        )

    def _workspace_for(self, size: int) -> np.ndarray:
        """A scratch array of ``size`` floats, kept between calls: on long histories the estimator's
        ``(n_points, n_kernels)`` array is about a megabyte, which costs more to allocate each trial."""
        if len(self._workspace) < size:
            self._workspace = np.empty(max(size, 2 * len(self._workspace)))
        return self._workspace[:size]

    def _rebuild(self, rows: np.ndarray, observations: np.ndarray) -> None:
        c, n = len(self.dims), len(rows)
        unit = unit_columns(self.dims, observations)
        orders = [np.argsort(unit[:, i], kind="stable") for i in range(c)]
        mus, sigmas = numerical_kernels(unit, self.params, c, orders)
        terms = continuous_terms(mus, sigmas)
        capacity = max(64, 2 * n)
        self._buf = np.zeros((5 * c + 2, capacity + 1))
        for start, part in ((0, mus), (c, sigmas), (2 * c, terms.log_scale)):
            self._buf[start : start + c, : n + 1] = part.T
        self._buf[3 * c : 4 * c, : n + 1] = terms.quadratic.T
        self._buf[4 * c : 5 * c, : n + 1] = terms.linear.T
        self._buf[5 * c + 1, : n + 1] = terms.constant
        self._rows = np.zeros(capacity, dtype=np.int64)
        self._rows[:n] = rows
        self._row_list = rows.tolist()
        self._sorted_rows = [rows[order].tolist() for order in orders]
        self._sorted_values = [unit[order, i].tolist() for i, order in enumerate(orders)]
        self._n, self.rows = n, self._rows[:n]
        self._min_sigma = min_bandwidth(n + 1, self.params)

    def _insert(self, new_rows: np.ndarray, unit: np.ndarray) -> None:
        """Add the kernels of ``new_rows`` (increasing, not yet modelled), then refresh the touched ones."""
        if self._n + len(new_rows) > len(self._rows):
            self._grow(2 * (self._n + len(new_rows)))
        c = len(self.dims)
        touched: list[set[int]] = [set() for _ in range(c)]  # per column: rows whose width was set
        for row, centre in zip(new_rows.tolist(), unit.tolist()):
            n = self._n
            at = bisect.bisect_left(self._row_list, row)
            self._buf[:, at + 1 : n + 2] = self._buf[:, at : n + 1]  # the prior moves up too
            self._rows[at + 1 : n + 1] = self._rows[at:n]
            self._rows[at] = row
            self._row_list.insert(at, row)
            self._buf[:c, at] = centre
            self._n = n + 1
            for i in range(c):
                touched[i].update(self._insert_sorted(i, row, centre[i]))
        self.rows = self._rows[: self._n]
        # only the (kernel, column) entries whose width was set change; the truncation constant, the
        # costly part, is rarely needed for them (narrow kernels near the new point, see _truncation_log_z)
        buf = self._buf
        columns = np.array([i for i in range(c) for _ in touched[i]], dtype=np.intp)
        positions = [bisect.bisect_left(self._row_list, r) for part in touched for r in part]
        kernels = np.array(positions, dtype=np.intp)
        log_scale, quadratic, linear = column_terms(buf[columns, kernels], buf[c + columns, kernels])
        buf[2 * c + columns, kernels] = log_scale
        buf[3 * c + columns, kernels] = quadratic
        buf[4 * c + columns, kernels] = linear
        changed = np.array(sorted(set(positions)), dtype=np.intp)  # np.unique costs far more on so few
        buf[5 * c + 1, changed] = kernel_constant(buf[:c, changed].T, buf[c : 2 * c, changed].T)

    def _insert_sorted(self, i: int, row: int, centre: float) -> list[int]:
        """Put ``row`` into column ``i``'s sorted order, set the widths of it and its neighbours, and
        return the rows whose widths were set.

        In Python scalars: a handful of neighbours, where numpy calls would cost more than the arithmetic
        (float subtraction, ``max`` and ``min`` round exactly as numpy's do).
        """
        rows, values = self._sorted_rows[i], self._sorted_values[i]
        at = bisect.bisect_left(values, centre)
        while at < len(values) and values[at] == centre and rows[at] < row:  # among equal centres: by row
            at += 1
        rows.insert(at, row)
        values.insert(at, centre)
        n = len(values)
        start, stop = max(0, at - 2), min(n, at + 3)
        sigmas = self._buf[len(self.dims) + i]
        for j in range(start, stop):
            below = values[j] - (values[j - 1] if j > 0 else 0.0)  # the bounds count as neighbours
            above = (values[j + 1] if j + 1 < n else 1.0) - values[j]
            if not self.params.consider_endpoints and n >= 2 and (j == 0 or j == n - 1):
                width = above if j == 0 else below  # the outermost take the gap on their inner side
            else:
                width = max(below, above)
            sigmas[bisect.bisect_left(self._row_list, rows[j])] = min(max(width, self._min_sigma), 1.0)
        return rows[start:stop]

    def _grow(self, capacity: int) -> None:
        """Room for ``capacity`` observations (plus the prior), keeping what is there."""
        buf = np.zeros((self._buf.shape[0], capacity + 1))
        buf[:, : self._n + 1] = self._buf[:, : self._n + 1]
        self._buf = buf
        rows = np.zeros(capacity, dtype=np.int64)
        rows[: self._n] = self._rows[: self._n]
        self._rows, self.rows = rows, rows[: self._n]
