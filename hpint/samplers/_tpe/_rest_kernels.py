"""The kernels of TPE's "rest" estimator g(x), kept up to date between trials instead of rebuilt each time.

From one trial to the next, the trials g(x) models are nearly the same: with one objective and the
default gamma (at most 25 good trials) each new trial adds one row to them (the new trial, or the good
trial it pushed out). A kernel's centre never changes and its width depends only on its two neighbours
in each column, so an added row changes the kernels of a few rows per column; only those are recomputed.
The result is exactly what :class:`ParzenEstimator` would build (the same arithmetic per kernel, see
:func:`continuous_terms`); whatever this does not cover (rows removed, a new minimum width while the
history is short, many rows added at once) is rebuilt from scratch, as the estimator would do it.
Continuous parameters only (numerical without a step); TPE uses the plain estimator otherwise.
"""

from __future__ import annotations

import numpy as np

from hpint.samplers._tpe._parzen import (
    ContinuousTerms,
    Dim,
    NumericalDim,
    ParzenEstimator,
    continuous_terms,
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

    Per column it also keeps the kernels sorted by centre (ties by kernel index, as a stable sort), which
    is what the neighbour widths are read from.
    """

    def __init__(self, dims: list[NumericalDim], params: ParzenParameters) -> None:
        self.dims, self.params = dims, params
        self.rows: np.ndarray | None = None
        self._min_sigma = 0.0
        self._mus = self._sigmas = np.zeros((0, len(dims)))
        self._terms: ContinuousTerms | None = None
        self._order: list[np.ndarray] = []  # per column: kernel indices by centre
        self._values: list[np.ndarray] = []  # per column: the centres in that order

    def estimator(self, rows: np.ndarray, table: np.ndarray, weights: np.ndarray) -> ParzenEstimator:
        """``ParzenEstimator(dims, table[rows], weights, params)`` for strictly increasing ``rows``,
        reusing the kernels of the previous call's rows (rows of ``table`` must never change)."""
        added = self._added(rows)
        min_sigma = min_bandwidth(len(rows) + 1, self.params)
        if added is None or len(added) > _MAX_ADDED or min_sigma != self._min_sigma:
            self._rebuild(rows, table[rows])
        elif len(added):
            self._insert(added, unit_columns(self.dims, table[rows[added]]))
            self.rows = rows
        assert self._terms is not None
        return ParzenEstimator.from_continuous(
            list(self.dims), weights, self.params, self._mus, self._sigmas, self._terms
        )

    def _added(self, rows: np.ndarray) -> np.ndarray | None:
        """Positions in ``rows`` of the rows that are new since last time; None if any old row is gone."""
        if self.rows is None or len(rows) < len(self.rows):
            return None
        if len(self.rows) == 0:
            return np.arange(len(rows))
        member = np.zeros(int(max(rows[-1], self.rows[-1])) + 1, dtype=bool)
        member[self.rows] = True
        kept = member[rows]
        if int(np.count_nonzero(kept)) != len(self.rows):
            return None
        return np.flatnonzero(~kept)

    def _rebuild(self, rows: np.ndarray, observations: np.ndarray) -> None:
        unit = unit_columns(self.dims, observations)
        self._order = [np.argsort(unit[:, i], kind="stable") for i in range(unit.shape[1])]
        self._values = [unit[order, i] for i, order in enumerate(self._order)]
        self._mus, self._sigmas = numerical_kernels(unit, self.params, unit.shape[1], list(self._order))
        self._terms = continuous_terms(self._mus, self._sigmas)
        self._min_sigma = min_bandwidth(len(rows) + 1, self.params)
        self.rows = rows

    def _insert(self, positions: np.ndarray, unit: np.ndarray) -> None:
        """Insert kernels at ``positions`` (ascending, of the final order), then refresh the touched ones."""
        dirty = np.zeros(len(self._mus), dtype=bool)
        for position, centre in zip(positions.tolist(), unit):
            self._mus = _insert_row(self._mus, position, centre)
            self._sigmas = _insert_row(self._sigmas, position, 1.0)
            dirty = _insert_row(dirty, position, True)
            for i in range(len(self.dims)):
                dirty[self._insert_sorted(i, position, float(centre[i]))] = True
        touched = np.flatnonzero(dirty)
        fresh = continuous_terms(self._mus[touched], self._sigmas[touched])
        assert self._terms is not None
        self._terms = ContinuousTerms(
            *(_merge_rows(old, positions, touched, new) for old, new in zip(self._terms, fresh))
        )

    def _insert_sorted(self, i: int, kernel: int, centre: float) -> np.ndarray:
        """Put ``kernel`` (its index, later kernels shifted up) into column ``i``'s sorted order, set the
        widths of it and its neighbours, and return which kernels' widths were set."""
        order, values = self._order[i], self._values[i]
        if kernel < len(order):  # not appended: later kernels move up one index
            order += order >= kernel
        lo, hi = np.searchsorted(values, centre, side="left"), np.searchsorted(values, centre, side="right")
        at = int(lo + np.count_nonzero(order[lo:hi] < kernel))  # among equal centres: by kernel index
        order = self._order[i] = _insert_row(order, at, kernel)
        values = self._values[i] = _insert_row(values, at, centre)
        start, stop = max(0, at - 2), min(len(values), at + 3)
        widths = _window_widths(values, start, stop, self.params.consider_endpoints)
        touched = order[start:stop]
        self._sigmas[touched, i] = np.clip(widths, self._min_sigma, 1.0)
        return touched


def _insert_row(a: np.ndarray, at: int, row: object) -> np.ndarray:
    """``np.insert(a, at, row, axis=0)`` for one row, by slices (``np.insert`` costs several times more)."""
    out = np.empty((len(a) + 1,) + a.shape[1:], dtype=a.dtype)
    out[:at], out[at], out[at + 1 :] = a[:at], row, a[at:]
    return out


def _merge_rows(old: np.ndarray, positions: np.ndarray, touched: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``old`` with rows inserted at ``positions`` (ascending, in the result), rows ``touched`` replaced
    by ``new``."""
    out = np.empty((len(old) + len(positions),) + old.shape[1:])
    start = done = 0  # copied old[:done] to out[:start]
    for position in positions.tolist():
        out[start:position] = old[done : done + position - start]
        done += position - start
        start = position + 1
    out[start:] = old[done:]
    out[touched] = new
    return out


def _window_widths(values: np.ndarray, start: int, stop: int, consider_endpoints: bool) -> np.ndarray:
    """Neighbour widths of sorted centres ``values[start:stop]``, as ``_neighbor_bandwidths`` sets them."""
    n = len(values)
    # the gap below values[j] for j in start..stop: the lower bound 0 counts below the first centre, the
    # upper bound 1 above the last
    lower = values[start - 1 : stop] if start > 0 else np.concatenate(([0.0], values[:stop]))
    upper = values[start : stop + 1] if stop < n else np.concatenate((values[start:], [1.0]))
    gaps = upper - lower
    widths = np.maximum(gaps[:-1], gaps[1:])
    if not consider_endpoints and n >= 2:
        if start == 0:
            widths[0] = gaps[1]
        if stop == n:
            widths[-1] = gaps[-2]
    return widths
