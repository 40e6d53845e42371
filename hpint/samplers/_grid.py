"""Grid search that visits every combination once, even with many workers on one storage."""

from __future__ import annotations

import itertools
import math
import warnings
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging
from hpint.distributions import BaseDistribution
from hpint.samplers._base import BaseSampler
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study

_logger = _logging.get_logger(__name__)

GRID_ID_KEY = "grid_id"
SEARCH_SPACE_KEY = "search_space"


class GridSampler(BaseSampler):
    """Try every combination of ``search_space`` (a dict of name -> list of values) once, then stop.

    How workers avoid running the same point: trial numbers are unique across all workers, so the trial
    numbered ``k`` takes the ``k``-th point of a visiting order that every worker computes alike. Only when
    that point is already taken (a failed point being retried, an enqueued trial, a resumed study) does a
    worker claim a free point explicitly, and it gives the point up if it sees any other live claim on it;
    so two workers never both keep one point. Failed points are visited again.

    Args:
        search_space: values to try for each parameter; the objective must suggest exactly these names.
        seed: shuffles the visiting order. Without one the order is still shuffled, deterministically from
            the study name, so all workers agree.
    """

    def __init__(self, search_space: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        if not isinstance(search_space, Mapping):
            raise TypeError(f"`search_space` must be a dict, not {type(search_space).__name__}.")
        for name, values in search_space.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
                raise ValueError(f"`search_space[{name!r}]` must be a non-empty list, not {values!r}.")
            for v in values:
                if v is not None and not isinstance(v, (bool, int, float, str)):
                    raise ValueError(
                        f"`search_space[{name!r}]` holds {v!r} of type {type(v).__name__}; "
                        "grid values must be None, bool, int, float or str."
                    )
        self._search_space = {name: list(search_space[name]) for name in sorted(search_space)}
        self._param_names = list(self._search_space)
        self._grids = list(itertools.product(*self._search_space.values()))
        self._seed = seed
        self._order: list[int] | None = None

    @property
    def n_grids(self) -> int:
        return len(self._grids)

    def _visiting_order(self, study: Study) -> list[int]:
        if self._order is None:
            import numpy as np

            seed = self._seed
            if seed is None:
                seed = zlib.crc32(f"{study.study_name}|{self._search_space!r}".encode())
            self._order = [int(i) for i in np.random.RandomState(seed).permutation(len(self._grids))]
        return self._order

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        if GRID_ID_KEY in trial.system_attrs:  # enqueued with an explicit grid point
            return
        order = self._visiting_order(study)
        taken = self._taken(study, exclude_trial=trial.number)
        first = order[trial.number % len(order)]
        if first not in taken:
            self._claim(study, trial, first)
            return
        free = [g for g in order if g not in taken]
        rng_seed = (self._seed or 0) * 1_000_003 + trial.number
        import numpy as np

        rng = np.random.RandomState(rng_seed % (2**32))
        for grid_id in rng.permutation(free) if free else []:
            grid_id = int(grid_id)
            self._claim(study, trial, grid_id)
            rivals = [t for t in self._live_claims(study, grid_id) if t.number != trial.number]
            if not rivals:
                return
        # Everything is taken (or lost to rivals): repeat a point rather than fail the trial.
        grid_id = int(order[trial.number % len(order)])
        warnings.warn(
            f"All {len(order)} grid points are taken; trial {trial.number} repeats grid point {grid_id}.",
            stacklevel=2,
        )
        self._claim(study, trial, grid_id)

    def _claim(self, study: Study, trial: FrozenTrial, grid_id: int) -> None:
        attrs = {GRID_ID_KEY: grid_id, SEARCH_SPACE_KEY: self._search_space}
        from hpint.storages._base import TrialUpdate

        study._storage.update_trial(trial._trial_id, TrialUpdate(system_attrs=attrs))
        trial.system_attrs.update(attrs)

    def _live_claims(self, study: Study, grid_id: int) -> list[FrozenTrial]:
        return [
            t
            for t in study.get_trials(deepcopy=False)
            if t.state != TrialState.FAIL
            and t.system_attrs.get(GRID_ID_KEY) == grid_id
            and t.system_attrs.get(SEARCH_SPACE_KEY) == self._search_space
        ]

    def _taken(self, study: Study, exclude_trial: int) -> set[int]:
        taken = set()
        for t in study.get_trials(deepcopy=False):
            if t.number == exclude_trial or t.state == TrialState.FAIL:
                continue
            if t.system_attrs.get(SEARCH_SPACE_KEY) != self._search_space:
                continue
            grid_id = t.system_attrs.get(GRID_ID_KEY)
            if grid_id is not None:
                taken.add(int(grid_id))
        return taken

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if param_name not in self._search_space:
            raise ValueError(
                f"Parameter {param_name!r} is not in the grid's search space {self._param_names}."
            )
        grid_id = trial.system_attrs[GRID_ID_KEY]
        value = self._grids[grid_id][self._param_names.index(param_name)]
        internal = param_distribution.to_internal_repr(value)
        if not param_distribution._contains(internal):
            warnings.warn(
                f"Grid value {value!r} of {param_name!r} lies outside {param_distribution!r}.", stacklevel=2
            )
        return value

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        done = self._taken(study, exclude_trial=trial.number)
        if state != TrialState.FAIL and GRID_ID_KEY in trial.system_attrs:
            done.add(int(trial.system_attrs[GRID_ID_KEY]))
        if len(done) >= len(self._grids):
            _logger.info(f"All {len(self._grids)} grid points are taken; the study stops.")
            study.stop()

    def is_exhausted(self, study: Study) -> bool:
        """True when every grid point has a finished, non-failed trial."""
        finished = {
            int(t.system_attrs[GRID_ID_KEY])
            for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
            if GRID_ID_KEY in t.system_attrs and t.system_attrs.get(SEARCH_SPACE_KEY) == self._search_space
        }
        return len(finished) >= len(self._grids)

    def __repr__(self) -> str:
        n = math.prod(len(v) for v in self._search_space.values())
        return f"GridSampler({n} points, seed={self._seed!r})"
