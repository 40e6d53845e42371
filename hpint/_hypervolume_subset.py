"""The greedy hypervolume subset: ``k`` points chosen one at a time, each adding the most hypervolume to
those already chosen, kept so that the next call, with one point more, can often reuse it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hpint._uncovered import UncoveredBoxes, box_volumes, volume_inside


def greedy_hypervolume_subset(points: np.ndarray, k: int, reference: Sequence[float]) -> np.ndarray:
    """Sorted indices of ``k`` rows of ``points`` chosen one at a time, each the row that adds the most
    hypervolume to those already chosen (the lowest index on ties).

    The greedy choice keeps at least ``1 - 1/e`` of the best possible ``k``-subset's hypervolume. See
    :class:`GreedySubset`.
    """
    return GreedySubset(points, k, reference).indices


class GreedySubset:
    """One run of the greedy choice, with what :meth:`with_appended` needs to reuse it.

    Every row's gain is kept exact, in any number of objectives: the part of the reference box that the
    chosen rows do not dominate is held as disjoint boxes (:class:`~hpint._uncovered.UncoveredBoxes`),
    choosing a row removes corners of them, and each other row's gain shrinks by the volume of its box
    inside those corners, which few rows' boxes meet. A row that a chosen one dominates (a copy, say)
    gains exactly 0, whatever the rounding. The boxes start unbounded below, so that they, and every
    gain's rounding, depend only on the rows chosen, not on the others.
    """

    def __init__(self, points: np.ndarray, k: int, reference: Sequence[float]) -> None:
        self.points = np.asarray(points, dtype=float)
        self.k = k
        self.reference = np.asarray(reference, dtype=float)
        self.order: list[int] = []  # the rows chosen, in the order chosen ...
        self.chosen_gains: list[float] = []  # ... what each gained when chosen ...
        self.removed: list[tuple[np.ndarray, np.ndarray]] = []  # ... and the corners it removed
        if 0 < k < len(self.points):
            self._run()
        chosen = np.sort(np.asarray(self.order, dtype=np.int64))
        self.indices = chosen if k < len(self.points) else np.arange(len(self.points))

    def _run(self) -> None:
        points, n = self.points, len(self.points)
        gains = box_volumes(np.clip(self.reference - points, 0.0, None).T)
        region = UncoveredBoxes(np.full(points.shape[1], -np.inf), self.reference)
        columns = points.T.copy()  # one contiguous array per objective, for the tests over every row
        open_rows = np.ones(n, dtype=bool)
        while True:
            best = int(np.argmax(np.where(open_rows, gains, -np.inf)))  # the first of equal gains
            self.order.append(best)
            self.chosen_gains.append(float(gains[best]))
            open_rows[best] = False
            if len(self.order) == self.k:
                return
            lo, hi = region.cover(points[best])
            self.removed.append((lo, hi))
            if lo.shape[1] == 0:  # outside the reference, or already dominated: nothing changes
                continue
            gains[_all_compare(columns, np.greater_equal, points[best])] = 0.0
            # a row can meet a removed corner only if it is below the corners' highest upper bounds
            reach = _all_compare(columns, np.less, hi.max(axis=1)) & open_rows & (gains > 0.0)
            rows = np.flatnonzero(reach)
            gains[rows] -= volume_inside(lo, hi, points[rows])

    def with_appended(self, points: np.ndarray, k: int, reference: np.ndarray) -> GreedySubset | None:
        """This run, if it is the run for ``points`` (this run's, and at most one row appended), ``k``
        and ``reference``; else ``None``.

        The appended row comes last, so it loses every tie: the choices stay the same unless at some
        step it would gain more than the row chosen then. Its gain is followed step by step, from the
        corners each choice removed, by the same operations the full run does on every row, so the
        answer is the full run's to the last bit.
        """
        n = len(self.points)
        if k != self.k or not np.array_equal(reference, self.reference) or k >= n:
            return None
        if len(points) == n and np.array_equal(points, self.points):
            return self
        if len(points) != n + 1 or not np.array_equal(points[:n], self.points):
            return None
        row = np.asarray(points[n:], dtype=float)
        gain = float(box_volumes(np.clip(self.reference - row, 0.0, None).T)[0])
        for step, best in enumerate(self.order):
            if gain > self.chosen_gains[step]:
                return None
            if step == len(self.removed) or self.removed[step][0].shape[1] == 0:
                continue
            lo, hi = self.removed[step]
            if np.all(row[0] >= self.points[best]):
                gain = 0.0
            elif gain > 0.0:
                gain = float(gain - volume_inside(lo, hi, row)[0])
        extended = object.__new__(GreedySubset)
        extended.__dict__.update(self.__dict__, points=np.asarray(points, dtype=float))
        return extended


def _all_compare(columns: np.ndarray, compare: np.ufunc, bound: np.ndarray) -> np.ndarray:
    """Rows (given as ``columns``) for which ``compare(row[d], bound[d])`` holds in every objective."""
    out = compare(columns[0], bound[0])
    for d in range(1, len(columns)):
        out &= compare(columns[d], bound[d])
    return out
