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
from hpint.exceptions import TrialPruned
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
    numbered ``k`` owns the ``k``-th point of a visiting order that every worker computes alike. Only when
    that point is already taken (a failed point being retried, an enqueued trial, a resumed study, trial
    numbers past the grid's size) does a worker claim another point, and only a point whose owner has
    settled elsewhere (see :meth:`_free_points`). Once every point is taken, a further trial holds no
    point: it is pruned at its first suggest and the study stops, rather than evaluate a point twice.
    Failed points are visited again.

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
        trials = study.get_trials(deepcopy=False)
        if trial.number < len(order) and order[trial.number] not in self._taken(trials, trial.number):
            self._claim(study, trial, order[trial.number])  # the point this trial number owns
            return
        import numpy as np

        rng = np.random.RandomState(((self._seed or 0) * 1_000_003 + trial.number) % (2**32))
        free = self._free_points(order, trials, trial.number)
        for grid_id in rng.permutation(free) if free else []:
            self._claim(study, trial, int(grid_id))
            if not [t for t in self._live_claims(study, int(grid_id)) if t.number != trial.number]:
                return
        # Every point is evaluated, running or reserved for a running trial: evaluating one again would
        # be a duplicate, so this trial holds no point (it is pruned at its first suggest) and we stop.
        self._claim(study, trial, None)
        _logger.info(f"All {len(order)} grid points are taken; trial {trial.number} is pruned; stopping.")
        study.stop()

    def _free_points(self, order: list[int], trials: Sequence[FrozenTrial], number: int) -> list[int]:
        """Points a trial may claim when its own point (trial number k owns ``order[k]``) is taken.

        A point is free when no live trial holds it and the trial owning it has settled: it exists and
        holds some point (or has finished). A point whose owner exists but has not claimed yet stays
        reserved for it, so an owner never meets a rival and two workers never keep one point; two
        rivals for a free point both give it up (each writes its claim, then looks for the other's).
        """
        taken = self._taken(trials, number)
        settled = {t.number for t in trials if GRID_ID_KEY in t.system_attrs or t.state.is_finished()}
        return [g for k, g in enumerate(order) if g not in taken and k != number and k in settled]

    def _claim(self, study: Study, trial: FrozenTrial, grid_id: int | None) -> None:
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

    def _taken(self, trials: Sequence[FrozenTrial], exclude_trial: int) -> set[int]:
        """Points held by a trial (other than ``exclude_trial``) that has not failed."""
        taken = set()
        for t in trials:
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
        grid_id = trial.system_attrs.get(GRID_ID_KEY)
        if grid_id is None:
            raise TrialPruned(f"Every grid point is taken; trial {trial.number} would only repeat one.")
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
        done = self._taken(study.get_trials(deepcopy=False), exclude_trial=trial.number)
        if state != TrialState.FAIL and trial.system_attrs.get(GRID_ID_KEY) is not None:
            done.add(int(trial.system_attrs[GRID_ID_KEY]))
        if len(done) >= len(self._grids):
            _logger.info(f"All {len(self._grids)} grid points are taken; the study stops.")
            study.stop()

    def is_exhausted(self, study: Study) -> bool:
        """True when every grid point has a finished, non-failed trial."""
        finished = {
            int(t.system_attrs[GRID_ID_KEY])
            for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
            if t.system_attrs.get(GRID_ID_KEY) is not None
            and t.system_attrs.get(SEARCH_SPACE_KEY) == self._search_space
        }
        return len(finished) >= len(self._grids)

    def __repr__(self) -> str:
        n = math.prod(len(v) for v in self._search_space.values())
        return f"GridSampler({n} points, seed={self._seed!r})"
