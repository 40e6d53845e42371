"""The life-cycle states of a trial."""

from __future__ import annotations

import enum


class TrialState(enum.IntEnum):
    """Where a trial is in its life: WAITING (enqueued) -> RUNNING -> COMPLETE, PRUNED or FAIL.

    Finished states are final: a finished trial is never changed again.
    """

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def __repr__(self) -> str:
        return f"TrialState.{self.name}"

    def is_finished(self) -> bool:
        """True for COMPLETE, PRUNED and FAIL."""
        return self not in (TrialState.RUNNING, TrialState.WAITING)


FINISHED_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
