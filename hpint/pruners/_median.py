"""The median stopping rule: the default pruner."""

from __future__ import annotations

from hpint.pruners._percentile import PercentilePruner


class MedianPruner(PercentilePruner):
    """Prune a trial whose best value so far is worse than the median of completed trials at that step.

    Args:
        n_startup_trials: no pruning until this many trials have completed.
        n_warmup_steps: no pruning before this step of the trial.
        interval_steps: check only every this many steps after the warm-up.
        n_min_trials: need at least this many completed trials that reported the step.
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials)
