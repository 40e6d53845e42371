"""Data of the learning curves: the intermediate values each trial reported with ``trial.report``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._pareto import is_feasible
from hpint.trial import TrialState
from hpint.visualization._common import warn_empty

if TYPE_CHECKING:
    from hpint.study import Study

TITLE = "Intermediate Values Plot"


@dataclass
class Curve:
    """One trial's reports, sorted by step."""

    number: int
    steps: list[int]
    values: list[float]
    pruned: bool
    feasible: bool


def intermediate_values_info(study: Study) -> list[Curve]:
    """A curve per complete, pruned or running trial that reported something (failed ones are left out)."""
    states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
    curves = []
    for t in study.get_trials(deepcopy=False, states=states):
        if not t.intermediate_values:
            continue
        steps = sorted(t.intermediate_values)
        values = [float(t.intermediate_values[s]) for s in steps]
        curves.append(Curve(t.number, steps, values, t.state == TrialState.PRUNED, is_feasible(t)))
    if not curves:
        warn_empty("plot_intermediate_values (no trial reported an intermediate value)")
    return curves
