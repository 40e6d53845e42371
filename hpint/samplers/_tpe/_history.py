"""A study's finished trials as numpy columns, updated with only the trials that changed since last time.

Finished trials never change, so each is converted once (parameters to internal floats, values to
minimisation form) and kept; a sampler's per-trial work is then vectorised over arrays instead of a Python
loop over the whole history. Trials are located by number: the storage numbers a study's trials 0, 1, 2,
... and returns them in that order, so each update looks only at trials that are new or were still
unfinished last time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hpint._direction import StudyDirection
from hpint.distributions import BaseDistribution
from hpint.search_space._group_decomposed import SearchSpaceGroup
from hpint.trial._constraints import has_constraints, violation
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

_FINISHED_OK = (TrialState.COMPLETE, TrialState.PRUNED)


class TrialHistory:
    """COMPLETE and PRUNED trials of one study, row by row in the order they were first seen finished.

    Attributes (arrays of length :attr:`n`, through properties): ``numbers``, ``complete`` (else PRUNED),
    ``loss`` (``(n, n_objectives)``, minimised; NaN for PRUNED), ``pruned_step`` (last reported step, -1
    if none), ``pruned_loss`` (the value at that step, minimised) and ``violation`` (the sum of positive
    constraint values, NaN for a trial without any; :attr:`constrained` says whether any row has them).
    :attr:`running` holds the RUNNING trials of the last update; :attr:`version` changes whenever rows
    are added.
    """

    def __init__(self, directions: Sequence[StudyDirection]) -> None:
        self._signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
        self.n = 0
        self.version = 0
        self.running: list[FrozenTrial] = []
        self.intersection: dict[str, BaseDistribution] | None = None
        self._groups = SearchSpaceGroup()
        self._ungrouped: list[dict[str, BaseDistribution]] = []  # folded into _groups when asked for
        self.memo: dict[str, object] = {}  # derived results that callers cache per version
        self._capacity = 0
        self._numbers = np.zeros(0, dtype=np.int64)
        self._complete = np.zeros(0, dtype=bool)
        self._loss = np.zeros((0, len(directions)))
        self._pruned_step = np.zeros(0, dtype=np.int64)
        self._pruned_loss = np.zeros(0)
        self._violation = np.zeros(0)
        self.constrained = False
        self._columns: dict[str, np.ndarray] = {}
        self._sorted: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}  # name -> rows, values, rows seen
        self._scanned = 0  # trials[:_scanned] were looked at ...
        self._pending: list[int] = []  # ... and these of them were not finished yet
        self._by_number = True  # False if a storage ever breaks "trials[i].number == i"
        self._seen_ids: set[int] = set()
        self._tables: dict[tuple[str, ...], _Table] = {}
        self.n_complete = 0  # rows of COMPLETE trials
        self.in_number_order = True  # whether trial numbers increase row by row

    @property
    def numbers(self) -> np.ndarray:
        return self._numbers[: self.n]

    @property
    def complete(self) -> np.ndarray:
        return self._complete[: self.n]

    @property
    def loss(self) -> np.ndarray:
        return self._loss[: self.n]

    @property
    def pruned_step(self) -> np.ndarray:
        return self._pruned_step[: self.n]

    @property
    def pruned_loss(self) -> np.ndarray:
        return self._pruned_loss[: self.n]

    @property
    def violation(self) -> np.ndarray:
        return self._violation[: self.n]

    @property
    def groups(self) -> SearchSpaceGroup:
        """The sub-spaces of the rows' parameters (see :class:`SearchSpaceGroup`), brought up to date lazily:
        only ``group=True`` needs them, and refining them costs a comparison of every distribution."""
        for dists in self._ungrouped:
            self._groups.add_distributions(dists)
        self._ungrouped.clear()
        return self._groups

    def column(self, name: str) -> np.ndarray | None:
        """Internal values of parameter ``name`` per row (NaN where a trial lacks it), or None if unseen."""
        col = self._columns.get(name)
        return None if col is None else col[: self.n]

    def table(self, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """``(values, rows)``: the internal values of ``names`` side by side, ``(n, len(names))`` (NaN
        where a trial lacks one), and the rows that hold all of them, ascending; None if a name is unseen.

        Kept per set of names and extended by the rows added since the last call (rows never change), so
        a suggestion does not copy and scan every column of the history again.
        """
        columns = [self._columns.get(name) for name in names]
        if any(col is None for col in columns):
            return None
        table = self._tables.get(tuple(names))
        if table is None:
            table = self._tables[tuple(names)] = _Table(len(names))
        table.extend(columns, self.n)  # type: ignore[arg-type]
        return table.values[: self.n], table.rows[: table.n_rows]

    def sorted_rows(self, name: str) -> np.ndarray | None:
        """Rows holding parameter ``name``, ordered by value, ties by row; None if ``name`` is unseen.

        Kept up to date by insertion (rows are only ever appended), so the per-trial cost is a copy of
        the array rather than a sort: TPE's kernel widths need the sorted order on every suggestion.
        """
        col = self.column(name)
        if col is None:
            return None
        rows, values, seen = self._sorted.get(name, (np.zeros(0, dtype=np.int64), np.zeros(0), 0))
        if self.n - seen > 32:  # many new rows (or the first request): sort once
            rows = np.flatnonzero(~np.isnan(col))
            rows = rows[np.argsort(col[rows], kind="stable")]
            values = col[rows]
        else:
            for row in range(seen, self.n):
                value = col[row]
                if not np.isnan(value):
                    at = int(np.searchsorted(values, value, side="right"))  # after equal values: ties by row
                    rows = np.concatenate((rows[:at], [row], rows[at:]))
                    values = np.concatenate((values[:at], [value], values[at:]))
        self._sorted[name] = (rows, values, self.n)
        return rows

    def update(self, trials: Sequence[FrozenTrial]) -> None:
        """Fold in what changed in ``trials`` (all of the study's trials, ordered by number)."""
        if self._by_number:
            n = len(trials)  # once: ``trials`` may be a storage's live list, which other threads extend
            indices = self._pending + list(range(self._scanned, n))
            if all(i < n and trials[i].number == i for i in indices[:1] + indices[-1:]):
                self._update_indices(trials, indices, n)
                return
            self._by_number = False
            self._seen_ids = {int(n) for n in self.numbers}  # numbers stand in for ids from here on
        self._update_scan(trials)

    def _update_indices(self, trials: Sequence[FrozenTrial], indices: list[int], n: int) -> None:
        pending, running = [], []
        for i in indices:
            trial = trials[i]
            if trial.state in _FINISHED_OK:
                self._add(trial)
            elif not trial.state.is_finished():
                pending.append(i)
                if trial.state == TrialState.RUNNING:
                    running.append(trial)
        self._pending, self._scanned, self.running = pending, n, running

    def _update_scan(self, trials: Sequence[FrozenTrial]) -> None:
        running = []
        for trial in trials:
            if trial.number in self._seen_ids:
                continue
            if trial.state in _FINISHED_OK:
                self._seen_ids.add(trial.number)
                self._add(trial)
            elif trial.state == TrialState.RUNNING:
                running.append(trial)
        self.running = running

    def _add(self, trial: FrozenTrial) -> None:
        if self.n == self._capacity:
            self._grow()
        row = self.n
        self._numbers[row] = trial.number
        if row and trial.number <= self._numbers[row - 1]:
            self.in_number_order = False
        if trial.state == TrialState.COMPLETE:
            self.n_complete += 1
            self._complete[row] = True
            self._loss[row] = self._signs * np.asarray(trial.values, dtype=float)
        else:
            self._complete[row] = False
            self._loss[row] = np.nan
            step = trial.last_step
            self._pruned_step[row] = -1 if step is None else step
            value = np.nan if step is None else trial.intermediate_values[step]
            self._pruned_loss[row] = self._signs[0] * float(value)
        if has_constraints(trial.system_attrs):
            self._violation[row] = violation(trial.system_attrs)
            self.constrained = True
        for name, value in trial.params.items():
            col = self._columns.get(name)
            if col is None:
                col = self._columns[name] = np.full(self._capacity, np.nan)
            col[row] = trial.distributions[name].to_internal_repr(value)
        dists = trial.distributions
        if self.intersection is None:
            self.intersection = dict(dists)
        else:
            self.intersection = {k: v for k, v in self.intersection.items() if dists.get(k) == v}
        self._ungrouped.append(dists)
        self.n += 1
        self.version += 1

    def _grow(self) -> None:
        cap = max(64, 2 * self._capacity)

        def grown(a: np.ndarray, fill: float) -> np.ndarray:
            out = np.full((cap,) + a.shape[1:], fill, dtype=a.dtype)
            out[: self._capacity] = a
            return out

        self._numbers = grown(self._numbers, 0)
        self._complete = grown(self._complete, False)
        self._loss = grown(self._loss, np.nan)
        self._pruned_step = grown(self._pruned_step, -1)
        self._pruned_loss = grown(self._pruned_loss, np.nan)
        self._violation = grown(self._violation, np.nan)
        self._columns = {k: grown(v, np.nan) for k, v in self._columns.items()}
        self._capacity = cap


class _Table:
    """Some columns of a history side by side, and the rows where none is missing; grown by appending."""

    def __init__(self, n_columns: int) -> None:
        self.values = np.zeros((0, n_columns))
        self.rows = np.zeros(0, dtype=np.int64)
        self.n_rows = 0  # rows[:n_rows] hold a value in every column
        self._filled = 0  # values[:_filled] are copied from the history

    def extend(self, columns: list[np.ndarray], n: int) -> None:
        """Copy history rows ``[_filled, n)`` of ``columns`` in."""
        start = self._filled
        if n == start:
            return
        if n > len(self.values):
            capacity = max(64, 2 * n)
            values = np.zeros((capacity, self.values.shape[1]))
            values[:start] = self.values[:start]
            rows = np.zeros(capacity, dtype=np.int64)
            rows[: self.n_rows] = self.rows[: self.n_rows]
            self.values, self.rows = values, rows
        new = self.values[start:n]
        for j, col in enumerate(columns):
            new[:, j] = col[start:n]
        full = start + np.flatnonzero(~np.isnan(new).any(axis=1))
        self.rows[self.n_rows : self.n_rows + len(full)] = full
        self.n_rows += len(full)
        self._filled = n
