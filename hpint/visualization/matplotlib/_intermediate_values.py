"""The learning curves drawn with matplotlib."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.visualization._intermediate_values import TITLE, intermediate_values_info
from hpint.visualization.matplotlib._utils import colormap, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study

#: Linestyle of pruned trials' curves, so that they stand apart from the complete and running ones.
PRUNED_LINESTYLE = "--"


def plot_intermediate_values(study: Study) -> Axes:
    """Plot one curve per trial of the values it reported with ``trial.report(value, step)``.

    Complete and running trials are solid lines; pruned trials are dashed and fainter, their label ends
    with "(pruned)", so one sees where the pruner stopped them. Trials violating a constraint are grey.
    Failed trials are left out.

    Args:
        study: the study whose trials reported intermediate values.

    Returns:
        The matplotlib Axes.
    """
    ax = new_axes(TITLE)
    ax.set_xlabel("Step")
    ax.set_ylabel("Intermediate Value")
    curves = intermediate_values_info(study)
    if not curves:
        return ax
    colors = colormap("viridis")
    last = max(c.number for c in curves) or 1
    for c in curves:
        ax.plot(
            c.steps,
            c.values,
            marker=".",
            color=colors(c.number / last) if c.feasible else "#cccccc",
            linestyle=PRUNED_LINESTYLE if c.pruned else "-",
            alpha=0.5 if c.pruned else 1.0,
            label=f"Trial {c.number}" + (" (pruned)" if c.pruned else ""),
        )
    _legend(ax, any(c.pruned for c in curves))
    return ax


def _legend(ax: Axes, has_pruned: bool) -> None:
    """A two-entry legend (line styles), not one entry per trial, which would bury the plot."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="gray", linestyle="-", label="Complete or running")]
    if has_pruned:
        handles.append(Line2D([], [], color="gray", linestyle=PRUNED_LINESTYLE, alpha=0.5, label="Pruned"))
    ax.legend(handles=handles, title="Trial (colour: number)")
