"""RetryHeartbeatStaleTrialCallback: run a trial whose worker died again, with its parameters.

Optuna 5's name; ``RetryFailedTrialCallback`` (its name before 4.9) is the same class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpint.trial._frozen import FAIL_REASON_KEY, FrozenTrial, create_trial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study

__all__ = ["RetryFailedTrialCallback", "RetryHeartbeatStaleTrialCallback"]

_FAILED_TRIAL_KEY = "failed_trial"
_RETRY_HISTORY_KEY = "retry_history"


class RetryHeartbeatStaleTrialCallback:
    """A heartbeat storage's stale-trial callback that enqueues a copy of the failed trial, to be run by
    the next worker.

    The copy has the same parameters (and distributions) and user attributes; its system attributes
    record the number of the first trial of the chain (:meth:`retried_trial_number`) and every trial
    number tried so far (:meth:`retry_history`).

    Args:
        max_retry: how many times one original trial may be retried (None: no limit). The retry is
            skipped once the history would have more than ``max_retry`` entries.
        inherit_intermediate_values: copy the failed trial's intermediate values to the retry.

    Example::

        storage = hpint.storages.RDBStorage(
            "sqlite:///study.db", heartbeat_interval=60,
            failed_trial_callback=hpint.storages.RetryHeartbeatStaleTrialCallback(max_retry=3),
        )
    """

    def __init__(self, max_retry: int | None = None, inherit_intermediate_values: bool = False) -> None:
        if max_retry is not None and (
            isinstance(max_retry, bool) or not isinstance(max_retry, int) or max_retry < 0
        ):
            raise ValueError(f"`max_retry` must be a non-negative integer or None, not {max_retry!r}.")
        if not isinstance(inherit_intermediate_values, bool):
            raise TypeError(
                f"`inherit_intermediate_values` must be a bool, not {inherit_intermediate_values!r}."
            )
        self._max_retry = max_retry
        self._inherit_intermediate_values = inherit_intermediate_values

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        history = [*self.retry_history(trial), trial.number]
        if self._max_retry is not None and len(history) > self._max_retry:
            return
        # the retry has not failed: it does not inherit the reason the original did
        system_attrs: dict[str, Any] = {k: v for k, v in trial.system_attrs.items() if k != FAIL_REASON_KEY}
        system_attrs[_FAILED_TRIAL_KEY] = trial.system_attrs.get(_FAILED_TRIAL_KEY, trial.number)
        system_attrs[_RETRY_HISTORY_KEY] = history
        study.add_trial(
            create_trial(
                state=TrialState.WAITING,
                params=trial.params,
                distributions=trial.distributions,
                user_attrs=trial.user_attrs,
                system_attrs=system_attrs,
                intermediate_values=trial.intermediate_values if self._inherit_intermediate_values else None,
            )
        )

    @staticmethod
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """The number of the trial this one retries (the first of the chain), or None if it is no retry."""
        return trial.system_attrs.get(_FAILED_TRIAL_KEY)

    @staticmethod
    def retry_history(trial: FrozenTrial) -> list[int]:
        """The numbers of the trials this one retries, oldest first (empty if it is no retry)."""
        return list(trial.system_attrs.get(_RETRY_HISTORY_KEY, []))


#: The name Optuna used before 4.9 (Optuna 5 keeps it as a deprecated alias); hpint keeps it, silently.
RetryFailedTrialCallback = RetryHeartbeatStaleTrialCallback
