"""Hypervolume history: how much of the objective space the study's Pareto front dominates, trial by trial."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._pareto import is_feasible, to_minimization
from hpint.visualization._common import complete_trials, new_axes, warn_empty

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from hpint.study import Study


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Axes:
    """Plot, after each complete trial, the hypervolume the feasible trials so far dominate up to a point.

    The curve rises only when a trial extends the Pareto front, so a flat tail says the search stopped
    finding better trade-offs. Each objective counts in its own direction: for a maximized one the
    reference point is a lower bound, for a minimized one an upper bound; trials not better than it in
    every objective add nothing.

    Args:
        study: a study with two or more objectives.
        reference_point: one finite value per objective, worse than the values of interest.

    Returns:
        The matplotlib Axes (x: trial number, y: hypervolume).

    Raises:
        ValueError: the study has one objective, or ``reference_point`` has the wrong length or a value
            that is not finite.
    """
    n_objectives = len(study.directions)
    if n_objectives < 2:
        raise ValueError(
            f"Study {study.study_name!r} has one objective: a hypervolume needs two or more; "
            "use plot_optimization_history."
        )
    reference = [float(v) for v in reference_point]
    if len(reference) != n_objectives or not all(math.isfinite(v) for v in reference):
        raise ValueError(
            f"`reference_point` must hold {n_objectives} finite values, one per objective; got "
            f"{list(reference_point)!r}."
        )
    ax = new_axes("Hypervolume History")
    ax.set_xlabel("Trial")
    ax.set_ylabel("Hypervolume")
    trials = [t for t in complete_trials(study) if is_feasible(t)]
    if not trials:
        warn_empty("plot_hypervolume_history")
        return ax
    numbers = [t.number for t in trials]
    loss = to_minimization([t.values for t in trials], study.directions)
    reference_loss = to_minimization([reference], study.directions)[0]
    ax.plot(numbers, hypervolume_history(loss, reference_loss), marker="o", markersize=3)
    return ax


def hypervolume_history(loss: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The hypervolume of ``loss[: i + 1]`` for each row ``i`` (rows in trial order, minimised).

    Only a row that no earlier row weakly dominates can change it, so the front is kept and the volume
    recomputed just for those rows.
    """
    import numpy as np

    from hpint._hypervolume import hypervolume

    history = np.zeros(len(loss))
    front = np.empty((0, loss.shape[1]))
    volume = 0.0
    for i, row in enumerate(loss):
        if not np.any(np.all(front <= row, axis=1)):
            front = np.vstack([front[~np.all(row <= front, axis=1)], row])
            volume = hypervolume(front, reference)
        history[i] = volume
    return history
