"""The search space as columns of the unit cube: how parameters are encoded for the GP and decoded back.

A float or int parameter is one column (its range mapped linearly, or on the log scale if ``log``); a
categorical parameter with ``k`` choices is ``k`` one-hot columns. Values on a grid (ints, ``step``) are
modelled as continuous and rounded to the grid when decoded, so the acquisition is maximised on a
continuous relaxation and only grid points are ever suggested.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hpint.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution


class EncodedSpace:
    """Columns of the unit cube for the parameters of ``space`` (sorted by name)."""

    def __init__(self, space: dict[str, BaseDistribution]) -> None:
        self.names = sorted(space)
        self.dists = [space[n] for n in self.names]
        self.slices: list[slice] = []
        start = 0
        for dist in self.dists:
            width = len(dist.choices) if isinstance(dist, CategoricalDistribution) else 1
            self.slices.append(slice(start, start + width))
            start += width
        self.n_columns = start
        self.numerical = np.array(
            [not isinstance(d, CategoricalDistribution) for d in self.dists for _ in _range(d)], dtype=bool
        )

    def encode(self, params: list[dict[str, Any]]) -> np.ndarray:
        """``(len(params), n_columns)`` unit-cube rows for external parameter values."""
        out = np.zeros((len(params), self.n_columns))
        for name, dist, cols in zip(self.names, self.dists, self.slices):
            internal = np.array([dist.to_internal_repr(p[name]) for p in params], dtype=float)
            if isinstance(dist, CategoricalDistribution):
                out[np.arange(len(params)), cols.start + internal.astype(int)] = 1.0
            else:
                out[:, cols.start] = _to_unit(dist, internal)
        return out

    def decode(self, row: np.ndarray) -> dict[str, Any]:
        """External values for one row (categoricals by largest column; numbers rounded to their grid)."""
        params: dict[str, Any] = {}
        for name, dist, cols in zip(self.names, self.dists, self.slices):
            if isinstance(dist, CategoricalDistribution):
                params[name] = dist.choices[int(np.argmax(row[cols]))]
            else:
                value = float(_from_unit(dist, row[cols.start : cols.start + 1])[0])
                params[name] = int(round(value)) if isinstance(dist, IntDistribution) else value
        return params

    def round(self, x: np.ndarray) -> np.ndarray:
        """Rows snapped to valid points: grids rounded, one-hot blocks made exactly one-hot."""
        out = x.copy()
        for dist, cols in zip(self.dists, self.slices):
            if isinstance(dist, CategoricalDistribution):
                block = np.zeros((len(x), cols.stop - cols.start))
                block[np.arange(len(x)), np.argmax(x[:, cols], axis=1)] = 1.0
                out[:, cols] = block
            elif _grid_step(dist) is not None:
                out[:, cols.start] = _to_unit(dist, _from_unit(dist, x[:, cols.start]))
        return out

    def sample(self, rng: np.random.RandomState, size: int) -> np.ndarray:
        """``size`` uniform rows (numbers uniform in the unit column, categoricals uniform)."""
        x = rng.uniform(size=(size, self.n_columns))
        return self.round(x)


def _range(dist: BaseDistribution) -> range:
    return range(len(dist.choices)) if isinstance(dist, CategoricalDistribution) else range(1)


def _grid_step(dist: BaseDistribution) -> float | None:
    if isinstance(dist, IntDistribution):
        return float(dist.step)
    if isinstance(dist, FloatDistribution):
        return dist.step
    return None


def _bounds(dist: FloatDistribution | IntDistribution) -> tuple[float, float]:
    if dist.log:
        return math.log(dist.low), math.log(dist.high)
    return float(dist.low), float(dist.high)


def _to_unit(dist: BaseDistribution, internal: np.ndarray) -> np.ndarray:
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    lo, hi = _bounds(dist)
    v = np.log(internal) if dist.log else internal
    return (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)


def _from_unit(dist: BaseDistribution, u: np.ndarray) -> np.ndarray:
    """Internal values for unit positions, rounded to the grid if the parameter has one."""
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    lo, hi = _bounds(dist)
    v = lo + np.clip(u, 0.0, 1.0) * (hi - lo)
    if dist.log:
        v = np.exp(v)
    step = _grid_step(dist)
    if step is not None:
        v = dist.low + np.round((v - dist.low) / step) * step
    return np.clip(v, dist.low, dist.high)
