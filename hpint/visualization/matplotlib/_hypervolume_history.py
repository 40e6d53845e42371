"""The hypervolume history drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._hypervolume_history import TITLE, hypervolume_history_info
from hpint.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Axes:
    """Plot, after each complete trial, the hypervolume the feasible trials so far dominate up to a point.

    The curve rises only when a trial extends the Pareto front, so a flat tail says the search stopped
    finding better trade-offs. Trials violating a constraint are left out.

    Args:
        study: a study with two or more objectives.
        reference_point: one finite value per objective, worse than the values of interest.

    Returns:
        The matplotlib Axes (x: trial number, y: hypervolume).

    Raises:
        ValueError: the study has one objective, or ``reference_point`` has the wrong length or a value
            that is not finite.
    """
    numbers, history = hypervolume_history_info(study, reference_point)
    ax = new_axes(TITLE)
    ax.set_xlabel("Trial")
    ax.set_ylabel("Hypervolume")
    if len(numbers):
        ax.plot(numbers, history, marker="o", markersize=3)
    return ax
