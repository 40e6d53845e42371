"""The part of a box that a set of points does not yet dominate, as disjoint boxes: a pure data structure
over arrays, for exact hypervolume and hypervolume gains in any number of objectives (minimisation).

Boxes are stored column by column (``lo[d]`` is objective ``d`` of every box), so that each test over
all boxes is a few comparisons of contiguous arrays.
"""

from __future__ import annotations

import numpy as np


class UncoveredBoxes:
    """Disjoint half-open boxes ``[lo, hi)`` whose union is the part of ``[lower, upper)`` that no point
    given to :meth:`cover` dominates (a point covers ``[point, upper)``).

    Covering a point removes, from each box it reaches, the corner ``[max(lo, point), hi)`` and splits the
    rest into at most one box per objective. The corners removed are returned: they are disjoint and
    their union is what the point added to the dominated part, so their volume is the point's
    hypervolume gain and their volume inside another point's box is what that point's gain lost. The
    number of boxes grows with the points covered, but each cover only rewrites the boxes it reaches.
    """

    def __init__(self, lower: np.ndarray, upper: np.ndarray) -> None:
        lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
        self.size = 0 if np.any(lower >= upper) else 1
        self.lo = np.empty((len(lower), 64))
        self.hi = np.empty((len(lower), 64))
        self.lo[:, 0], self.hi[:, 0] = lower, upper

    def cover(self, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mark ``[point, upper)`` as dominated; return the ``(lo, hi)`` columns of the corners removed."""
        hi = self.hi[:, : self.size]
        reached = hi[0] > point[0]
        for d in range(1, len(point)):
            reached &= hi[d] > point[d]
        slots = np.flatnonzero(reached)
        lo_r, hi_r = self.lo[:, slots], self.hi[:, slots]
        corner = np.maximum(lo_r, point[:, None])
        if len(slots):
            self._replace(slots, *_split(lo_r, hi_r, corner, point))
        return corner, hi_r

    def _replace(self, slots: np.ndarray, new_lo: np.ndarray, new_hi: np.ndarray) -> None:
        """Put ``new`` boxes in place of the boxes at ``slots`` (ascending): in their slots, then at the
        end, or, with fewer new boxes than slots, by moving the last boxes into the slots left over."""
        used = min(len(slots), new_lo.shape[1])
        self.lo[:, slots[:used]], self.hi[:, slots[:used]] = new_lo[:, :used], new_hi[:, :used]
        holes = slots[used:]
        if len(holes):
            size = self.size - len(holes)
            tail = np.ones(self.size - size, dtype=bool)  # the last boxes: those not holes move down
            tail[holes[holes >= size] - size] = False
            sources = size + np.flatnonzero(tail)
            targets = holes[holes < size]
            self.lo[:, targets], self.hi[:, targets] = self.lo[:, sources], self.hi[:, sources]
            self.size = size
            return
        extra = new_lo.shape[1] - used
        if self.size + extra > self.lo.shape[1]:
            self.lo, self.hi = (_grown(a, self.size, self.size + extra) for a in (self.lo, self.hi))
        end = self.size + extra
        self.lo[:, self.size : end], self.hi[:, self.size : end] = new_lo[:, used:], new_hi[:, used:]
        self.size = end


def _grown(columns: np.ndarray, size: int, needed: int) -> np.ndarray:
    """A copy of the first ``size`` columns with room for at least ``needed`` (twice as many as now)."""
    out = np.empty((len(columns), max(needed, 2 * columns.shape[1])))
    out[:, :size] = columns[:, :size]
    return out


def _split(
    lo: np.ndarray, hi: np.ndarray, corner: np.ndarray, point: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """What is left of the boxes ``[lo, hi)`` without their corners ``[corner, hi)``, as disjoint boxes.

    In turn for each objective ``d``, in ascending order of the point's values: the part below the point
    in ``d`` and in the corner in the objectives before it. That order leaves fewer boxes over a greedy
    run than the objectives' own order (21,000 against 30,000 in a 5-objective selection of 100 of 900).
    """
    order = np.argsort(point, kind="stable")
    pieces_lo, pieces_hi = [], []
    for i, d in enumerate(order.tolist()):
        below = lo[d] < point[d]
        if not below.any():
            continue
        piece_lo, piece_hi = lo[:, below], hi[:, below]
        before = order[:i]
        piece_lo[before] = corner[before][:, below]
        piece_hi[d] = point[d]
        pieces_lo.append(piece_lo)
        pieces_hi.append(piece_hi)
    if not pieces_lo:
        return lo[:, :0], hi[:, :0]
    return np.concatenate(pieces_lo, axis=1), np.concatenate(pieces_hi, axis=1)


def volume_inside(lo: np.ndarray, hi: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each of ``rows``, the volume of the disjoint boxes with columns ``lo``, ``hi`` inside
    ``[row, +inf)``.

    A row meets a box only if it is below the box's upper corner in every objective, which few pairs
    are: those pairs are found first (one comparison per objective over rows x boxes), then only their
    volumes are computed, ``_CHUNK`` row-box pairs compared at a time.
    """
    out = np.zeros(len(rows))
    if lo.shape[1] == 0 or len(rows) == 0:
        return out
    step = max(1, _CHUNK // lo.shape[1])
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        meets = part[:, None, 0] < hi[0]
        for d in range(1, rows.shape[1]):
            meets &= part[:, None, d] < hi[d]
        row, box = np.nonzero(meets)
        sides = hi[:, box] - np.maximum(lo[:, box], part[row].T)
        out[start : start + step] = np.bincount(row, box_volumes(sides), minlength=len(part))
    return out


def box_volumes(sides: np.ndarray) -> np.ndarray:
    """Products of the columns of ``sides`` (one row per objective), multiplied objective by objective
    so that a box's volume is rounded the same whether it is computed alone or among many."""
    out = sides[0].copy()
    for d in range(1, len(sides)):
        out *= sides[d]
    return out


_CHUNK = 1 << 18  # rows x boxes compared at once: a few MB
