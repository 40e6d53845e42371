"""Hypervolume: the volume a set of points dominates up to a reference point (minimisation), exactly,
and a greedy choice of the ``k`` points that keep the most of it. Pure functions over arrays."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

import numpy as np

from hpint._pareto import is_pareto_front


def hypervolume(loss: np.ndarray, reference: Sequence[float]) -> float:
    """Volume dominated by the rows of an ``(n, m)`` ``loss`` and bounded by ``reference``.

    Rows not strictly better than the reference in every objective add nothing. Exact: a staircase
    for two objectives, a grid over the first two for three (O(n^2)), and slabs along the last objective
    below that for more (O(n^(m - 1)), meant for small sets).
    """
    ref = np.asarray(reference, dtype=float)
    pts = np.asarray(loss, dtype=float)
    pts = pts[np.all(pts < ref, axis=1)]
    if pts.shape[0] == 0:
        return 0.0
    return _volume(pts, ref)


def _volume(pts: np.ndarray, ref: np.ndarray) -> float:
    """:func:`hypervolume` of rows that are all strictly below ``ref``."""
    m = pts.shape[1]
    if m == 1:
        return float(ref[0] - pts[:, 0].min())
    if m == 2:
        pts = pts[is_pareto_front(pts)]
        pts = pts[np.lexsort((pts[:, 1], pts[:, 0]))]
        pts = pts[np.r_[True, np.diff(pts[:, 0]) > 0]]  # one point per first-objective value
        widths = np.diff(np.r_[pts[:, 0], ref[0]])
        return float(np.sum(widths * (ref[1] - pts[:, 1])))
    if m == 3:
        return _volume_3d(pts, ref)
    pts = pts[np.argsort(pts[:, -1], kind="stable")]  # slabs along the last objective
    tops = np.r_[pts[1:, -1], ref[-1]]
    total = 0.0
    for i in np.flatnonzero(tops > pts[:, -1]):
        total += _volume(pts[: i + 1, :-1], ref[:-1]) * float(tops[i] - pts[i, -1])
    return total


def _volume_3d(pts: np.ndarray, ref: np.ndarray) -> float:
    """:func:`hypervolume` of three objectives, cell by cell of a :func:`_floor_grid`."""
    xs, ys, floor = _floor_grid(pts, ref)
    widths_x = np.diff(np.r_[xs, ref[0]])
    widths_y = np.diff(np.r_[ys, ref[1]])
    return float(widths_x @ (ref[2] - floor) @ widths_y)


def _floor_grid(pts: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, ys, floor)``: the first two objectives' distinct values, and for each cell
    ``[xs[i], xs[i + 1]) x [ys[j], ys[j + 1])`` (the last up to the reference) the lowest third objective
    among the points that dominate its corner, from which up the cell's column is covered (``ref[2]``:
    none). A running minimum in both directions; rows must be strictly below ``ref``."""
    xs, ix = np.unique(pts[:, 0], return_inverse=True)
    ys, iy = np.unique(pts[:, 1], return_inverse=True)
    floor = np.full((len(xs), len(ys)), ref[2])
    order = np.argsort(-pts[:, 2], kind="stable")  # the lowest value is written last and wins
    floor[ix.reshape(-1)[order], iy.reshape(-1)[order]] = pts[order, 2]
    floor = np.minimum.accumulate(np.minimum.accumulate(floor, axis=0), axis=1)
    return xs, ys, floor


def greedy_hypervolume_subset(points: np.ndarray, k: int, reference: Sequence[float]) -> np.ndarray:
    """Sorted indices of ``k`` rows of ``points`` chosen one at a time, each the row that adds the most
    hypervolume to those already chosen (the lowest index on ties).

    The greedy choice keeps at least ``1 - 1/e`` of the best possible ``k``-subset's hypervolume. What a
    row adds can only shrink as others are chosen, so rows wait in a heap under the gain last computed
    for them, and only those that come to the top are computed again (lazy greedy), ``_BATCH`` at a time.
    """
    ref = np.asarray(reference, dtype=float)
    points = np.asarray(points, dtype=float)
    n = len(points)
    if k >= n:
        return np.arange(n)
    inside = np.all(points < ref, axis=1)
    boxes = np.where(inside, np.prod(np.clip(ref - points, 0.0, None), axis=1), 0.0)
    heap = [(-float(boxes[i]), i, 0) for i in range(n)]  # (-gain, row, choice it was computed for)
    heapq.heapify(heap)
    chosen: list[int] = []
    for step in range(k):
        kept = points[[c for c in chosen if inside[c]]]  # rows outside the reference cover nothing
        covered = _coverage(kept, ref)
        while heap[0][2] != step:
            stale = [heapq.heappop(heap)[1] for _ in range(min(_BATCH, len(heap)))]
            rows = np.asarray(stale)
            gains = np.where(inside[rows], boxes[rows] - covered(points[rows]), 0.0)
            for row, gain in zip(stale, gains.tolist()):
                heapq.heappush(heap, (-gain, row, step))
        chosen.append(heapq.heappop(heap)[1])
    return np.sort(np.asarray(chosen, dtype=np.int64))


_BATCH = 16  # rows whose gain is computed together (one array operation instead of one per row)


def _coverage(kept: np.ndarray, ref: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``covered(rows)``: for each row, the volume of its box that the ``kept`` rows already dominate.

    Three objectives: the kept rows' :func:`_floor_grid`, cut to each row's box, every cell covered from
    ``max(floor, the row's third)`` up. Four: the same for each slab between consecutive values of the
    fourth objective (the kept rows at or below the slab make its grid), times the part of the slab
    inside the row's box. Both in array operations over a batch of rows. Five or more: slabs of the last
    objective over the coverage of one fewer (:func:`_slab_coverage`). Past ``_MAX_PREFIX_CELLS``, and
    for two objectives, each row's covered volume from :func:`hypervolume`.
    """
    m = kept.shape[1]
    if len(kept) == 0:
        return lambda rows: np.zeros(len(rows))
    if m < 3 or (m > 3 and len(kept) ** (m - 1) > _MAX_PREFIX_CELLS):
        return lambda rows: np.array([hypervolume(np.maximum(kept, row), ref) for row in rows])
    if m > 4:
        return _slab_coverage(kept, ref)
    if m == 3:
        xs, ys, floor = _floor_grid(kept, ref)
        floors, bottoms, tops = floor[None], np.zeros(1), np.ones(1)  # one slab, of thickness 1
    else:
        kept = kept[np.argsort(kept[:, 3], kind="stable")]
        xs, ys, floors = _prefix_floor_grids(kept, ref)
        bottoms, tops = kept[:, 3], np.append(kept[1:, 3], ref[3])
    edges_x, edges_y = np.append(xs, ref[0]), np.append(ys, ref[1])

    def covered(rows: np.ndarray) -> np.ndarray:
        if floors.size > _CELLS:  # large: row by row, on the cells and slabs meeting its box
            return np.array([sliced(row) for row in rows])
        widths_x = np.maximum(edges_x[1:] - np.maximum(edges_x[:-1], rows[:, :1]), 0.0)
        widths_y = np.maximum(edges_y[1:] - np.maximum(edges_y[:-1], rows[:, 1:2]), 0.0)
        heights = np.maximum(floors, rows[:, 2, None, None, None])  # (rows, slabs, x cells, y cells)
        np.subtract(ref[2], heights, out=heights)
        areas = np.matmul(heights, widths_y[:, None, :, None])[..., 0]
        volumes = np.einsum("bsx,bx->bs", areas, widths_x)
        if m == 3:
            return volumes[:, 0]
        thickness = np.maximum(tops - np.maximum(bottoms, rows[:, 3:4]), 0.0)
        return np.einsum("bs,bs->b", volumes, thickness)

    def sliced(row: np.ndarray) -> float:
        # the last cell (or slab) starting at or below the row's value is the first that meets its box
        i = max(int(edges_x[:-1].searchsorted(row[0], side="right")) - 1, 0)
        j = max(int(edges_y[:-1].searchsorted(row[1], side="right")) - 1, 0)
        s = max(int(bottoms.searchsorted(row[3], side="right")) - 1, 0) if m == 4 else 0
        widths_x = np.maximum(edges_x[i + 1 :] - np.maximum(edges_x[i:-1], row[0]), 0.0)
        widths_y = np.maximum(edges_y[j + 1 :] - np.maximum(edges_y[j:-1], row[1]), 0.0)
        heights = np.maximum(floors[s:, i:, j:], row[2])
        np.subtract(ref[2], heights, out=heights)
        volumes = np.matmul(heights, widths_y) @ widths_x
        if m == 3:
            return float(volumes[0])
        return float(volumes @ np.maximum(tops[s:] - np.maximum(bottoms[s:], row[3]), 0.0))

    return covered


def _slab_coverage(kept: np.ndarray, ref: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`_coverage` of five or more objectives: per slab between consecutive values of the last
    objective, the coverage of one objective fewer by the kept rows at or below the slab, times the part
    of the slab inside each row's box."""
    kept = kept[np.argsort(kept[:, -1], kind="stable")]
    bottoms, tops = kept[:, -1], np.append(kept[1:, -1], ref[-1])
    parts = [_coverage(kept[: t + 1, :-1], ref[:-1]) for t in range(len(kept))]

    def covered(rows: np.ndarray) -> np.ndarray:
        thickness = np.maximum(tops - np.maximum(bottoms, rows[:, -1:]), 0.0)  # (rows, slabs)
        total = np.zeros(len(rows))
        for t, part in enumerate(parts):
            inside = thickness[:, t] > 0.0
            if inside.any():
                total[inside] += thickness[inside, t] * part(rows[inside, :-1])
        return total

    return covered


_MAX_PREFIX_CELLS = 1 << 24  # four or more objectives: past kept rows ** (objectives - 1) > this, row by row
_CELLS = 1 << 16  # from about this many cells x slabs, cutting the grid to each row's box costs less


def _prefix_floor_grids(pts: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, ys, floors)``: :func:`_floor_grid` of the first ``t + 1`` rows in ``floors[t]``, all on the
    grid of every row's first two objectives (rows strictly below ``ref``)."""
    xs, ix = np.unique(pts[:, 0], return_inverse=True)
    ys, iy = np.unique(pts[:, 1], return_inverse=True)
    floors = np.empty((len(pts), len(xs), len(ys)))
    current = np.full((len(xs), len(ys)), ref[2])
    for t, (i, j, z) in enumerate(zip(ix.reshape(-1).tolist(), iy.reshape(-1).tolist(), pts[:, 2].tolist())):
        corner = current[i:, j:]  # the cells this row dominates
        np.minimum(corner, z, out=corner)
        floors[t] = current
    return xs, ys, floors
