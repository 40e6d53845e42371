"""Prune a trial whose best value so far is worse than a percentile of other trials at the same step."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.pruners._base import BasePruner
from hpint.pruners._checks import check_int, is_check_step
from hpint.pruners._completed import StepValues, sorted_percentile
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class PercentilePruner(BasePruner):
    """Prune when the trial's best intermediate value is worse than the ``percentile`` of finished trials.

    At each checked step, the trial's best value so far is compared with the given percentile of the
    values that COMPLETE trials reported at that same step (lower is better for ``minimize``). A trial
    whose values are all NaN is pruned once some trial has completed. The percentile is computed as
    ``numpy.percentile`` does, to the last bit, so that ties are judged as in Optuna.

    Asked every epoch, it reads each completed curve once (the values per step are kept sorted and
    updated as trials complete), so a check costs one storage read plus a lookup.

    Args:
        percentile: 0-100; 25 keeps only trials in the best quarter, 50 is the median.
        n_startup_trials: no pruning until this many trials have completed.
        n_warmup_steps: no pruning before this step of the trial.
        interval_steps: check at ``n_warmup_steps + k * interval_steps``; a trial that skips that exact
            step is checked at its first report inside the interval.
        n_min_trials: need at least this many completed trials that reported a value at the step (a NaN
            counts, as in Optuna, but is left out of the percentile).

    Raises:
        ValueError: an argument is out of range, naming it and its value.
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        if isinstance(percentile, bool) or not isinstance(percentile, (int, float)):
            raise ValueError(f"`percentile` must be a number in [0, 100], not {percentile!r}.")
        if not 0.0 <= percentile <= 100.0:
            raise ValueError(f"`percentile` must be in [0, 100], not {percentile}.")
        check_int("n_startup_trials", n_startup_trials, minimum=0)
        check_int("n_warmup_steps", n_warmup_steps, minimum=0)
        check_int("interval_steps", interval_steps, minimum=1)
        check_int("n_min_trials", n_min_trials, minimum=1)
        self._percentile = float(percentile)
        self._n_startup_trials = n_startup_trials
        self._n_warmup_steps = n_warmup_steps
        self._interval_steps = interval_steps
        self._n_min_trials = n_min_trials
        self._completed = StepValues()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None:
            return False
        if not is_check_step(trial.intermediate_values, step, self._n_warmup_steps, self._interval_steps):
            return False
        completed = self._completed.sync(study)
        if not completed or len(completed) < self._n_startup_trials:
            return False
        maximize = study.direction == StudyDirection.MAXIMIZE
        best = best_value(trial.intermediate_values.values(), maximize)
        if math.isnan(best):
            return True
        # As in Optuna, a NaN reported at the step counts towards n_min_trials but not in the percentile.
        if self._completed.n_reported(step) < self._n_min_trials:
            return False
        q = 100.0 - self._percentile if maximize else self._percentile
        threshold = self._completed.percentile(step, q)
        if math.isnan(threshold):
            return False
        return best < threshold if maximize else best > threshold

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(percentile={self._percentile}, "
            f"n_startup_trials={self._n_startup_trials}, n_warmup_steps={self._n_warmup_steps}, "
            f"interval_steps={self._interval_steps}, n_min_trials={self._n_min_trials})"
        )


def best_value(values: Iterable[float], maximize: bool) -> float:
    """The best of ``values`` (NaNs ignored); NaN if there is no non-NaN value."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan
    return max(finite) if maximize else min(finite)


def percentile_of(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation, as numpy's default; needs >= 1 value."""
    return sorted_percentile(sorted(values), q)
