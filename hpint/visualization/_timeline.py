"""Data of the timeline: each started trial as a span from its start to its end, by state."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._pareto import is_feasible
from hpint.trial import FrozenTrial, TrialState
from hpint.visualization._common import warn_empty

if TYPE_CHECKING:
    from hpint.study import Study

TITLE = "Timeline Plot"


@dataclass
class Bar:
    """One trial's span; a running trial's ends now. ``infeasible``: complete but violates a constraint."""

    trial: FrozenTrial
    start: datetime.datetime
    end: datetime.datetime
    infeasible: bool

    @property
    def number(self) -> int:
        return self.trial.number

    @property
    def state(self) -> TrialState:
        return self.trial.state


def timeline_info(study: Study, n_recent_trials: int | None) -> list[Bar]:
    """The bars of the started trials (WAITING ones have no start and no bar), the last ones if asked.

    Raises:
        ValueError: ``n_recent_trials`` is not a positive integer.
    """
    if n_recent_trials is not None and (
        isinstance(n_recent_trials, bool) or not isinstance(n_recent_trials, int) or n_recent_trials <= 0
    ):
        raise ValueError(f"`n_recent_trials` must be a positive integer or None, got {n_recent_trials!r}.")
    trials = [t for t in study.get_trials(deepcopy=False) if t.datetime_start is not None]
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    if not trials:
        warn_empty("plot_timeline")
    now = datetime.datetime.now()
    return [
        Bar(
            trial=t,
            start=t.datetime_start,  # type: ignore[arg-type]
            end=t.datetime_complete or now,
            infeasible=t.state == TrialState.COMPLETE and not is_feasible(t),
        )
        for t in trials
    ]
