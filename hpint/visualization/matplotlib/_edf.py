"""The empirical distribution function drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import Target
from hpint.visualization._edf import TITLE, edf_info
from hpint.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot, per study, the fraction of complete trials whose value is at most ``x``, as a step curve.

    Each curve rises from 0 at the smallest value of all studies to 1 at the largest, so studies (or
    samplers) can be compared: the curve further towards the good side found good values more often.

    Args:
        study: a study, or a list of studies (one curve each, labelled by study name).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the x-axis label.

    Returns:
        The matplotlib Axes.

    Raises:
        ValueError: several objectives and no ``target``.
    """
    ax = new_axes(TITLE)
    ax.set_xlabel(target_name)
    ax.set_ylabel("Cumulative Probability")
    curves = edf_info(study, target)
    if not curves:
        return ax
    for c in curves:
        ax.plot(c.x, c.y, drawstyle="steps-post", label=c.study_name)
    ax.set_ylim(0, 1.05)
    ax.legend()
    return ax
