"""Learning curves: the intermediate values each trial reported with ``trial.report``, by step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.trial import TrialState
from hpint.visualization._common import colormap, new_axes, warn_empty

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study

#: Linestyle of pruned trials' curves, so that they stand apart from the complete and running ones.
PRUNED_LINESTYLE = "--"


def plot_intermediate_values(study: Study) -> Axes:
    """Plot one curve per trial of the values it reported with ``trial.report(value, step)``.

    Complete and running trials are solid lines; pruned trials are dashed and fainter, their label ends
    with "(pruned)", so one sees where the pruner stopped them. Failed trials are left out.

    Args:
        study: the study whose trials reported intermediate values.

    Returns:
        The matplotlib Axes.
    """
    states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
    trials = [t for t in study.get_trials(deepcopy=False, states=states) if t.intermediate_values]
    ax = new_axes("Intermediate Values")
    ax.set_xlabel("Step")
    ax.set_ylabel("Intermediate Value")
    if not trials:
        warn_empty("plot_intermediate_values (no trial reported an intermediate value)")
        return ax
    colors = colormap("viridis")
    last = max(t.number for t in trials) or 1
    for t in trials:
        steps = sorted(t.intermediate_values)
        pruned = t.state == TrialState.PRUNED
        ax.plot(
            steps,
            [t.intermediate_values[s] for s in steps],
            marker=".",
            color=colors(t.number / last),
            linestyle=PRUNED_LINESTYLE if pruned else "-",
            alpha=0.5 if pruned else 1.0,
            label=f"Trial {t.number}" + (" (pruned)" if pruned else ""),
        )
    _legend(ax, any(t.state == TrialState.PRUNED for t in trials))
    return ax


def _legend(ax: Axes, has_pruned: bool) -> None:
    """A two-entry legend (line styles), not one entry per trial, which would bury the plot."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="gray", linestyle="-", label="Complete or running")]
    if has_pruned:
        handles.append(Line2D([], [], color="gray", linestyle=PRUNED_LINESTYLE, alpha=0.5, label="Pruned"))
    ax.legend(handles=handles, title="Trial (colour: number)")
