"""Data of the hypervolume history: how much of the objective space the front dominates, trial by trial."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._pareto import is_feasible, to_minimization
from hpint.visualization._common import complete_trials, warn_empty

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study

TITLE = "Hypervolume History Plot"


def hypervolume_history_info(study: Study, reference_point: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Trial numbers of the complete, feasible trials and the hypervolume after each (empty arrays if none).

    Each objective counts in its own direction: for a maximized one the reference point is a lower
    bound, for a minimized one an upper bound; trials not better than it in every objective add nothing.

    Raises:
        ValueError: the study has one objective, or ``reference_point`` has the wrong length or a value
            that is not finite.
    """
    import numpy as np

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
    trials = [t for t in complete_trials(study) if is_feasible(t)]
    if not trials:
        warn_empty("plot_hypervolume_history")
        return np.zeros(0, dtype=int), np.zeros(0)
    numbers = np.asarray([t.number for t in trials], dtype=int)
    loss = to_minimization([t.values for t in trials], study.directions)
    reference_loss = to_minimization([reference], study.directions)[0]
    return numbers, hypervolume_history(loss, reference_loss)


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
