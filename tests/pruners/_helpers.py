"""Helpers for the pruner tests: studies built and run through the public API only."""

from __future__ import annotations

from collections.abc import Sequence

import hpint
from hpint.pruners import BasePruner
from hpint.trial import TrialState


def make_study(
    pruner: BasePruner, direction: str = "minimize", storage: str | None = None, name: str | None = None
) -> hpint.Study:
    return hpint.create_study(storage=storage, pruner=pruner, direction=direction, study_name=name)


def run_trial(study: hpint.Study, curve: Sequence[float], steps: Sequence[int] | None = None) -> int | None:
    """Report ``curve`` (at ``steps``, default 0, 1, ...) asking the pruner after each report.

    Returns the step at which the trial was pruned (and tells it PRUNED), or None after telling it
    COMPLETE with the last value.
    """
    trial = study.ask()
    steps = list(range(len(curve))) if steps is None else list(steps)
    for step, value in zip(steps, curve):
        trial.report(value, step)
        if trial.should_prune():
            study.tell(trial, state=TrialState.PRUNED)
            return step
    study.tell(trial, curve[-1])
    return None
