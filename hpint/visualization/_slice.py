"""Data of the slice plot: the objective value against each parameter, one panel per parameter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import (
    ParamAxis,
    Target,
    check_target,
    complete_trials,
    feasibility,
    finite_values,
    param_axis,
    resolve_params,
    target_or_value,
    trials_with,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study

TITLE = "Slice Plot"


@dataclass
class SlicePanel:
    """One parameter's panel: the trials that set it, their raw values, coordinates and objective values.

    ``coords`` are :meth:`ParamAxis.encode`'s (a choice's index for categorical parameters).
    """

    axis: ParamAxis
    raw: list[Any]
    coords: np.ndarray
    values: np.ndarray
    numbers: np.ndarray
    feasible: np.ndarray


def slice_info(
    study: Study, params: Sequence[str] | None, target: Target | None
) -> tuple[list[SlicePanel], int]:
    """The panels, sorted by parameter name (as Optuna), and the last trial number (the colour scale's top).

    Raises:
        ValueError: a name in ``params`` is not a parameter, or several objectives and no ``target``.
    """
    import numpy as np

    check_target(study, target)
    trials, values = finite_values(complete_trials(study), target_or_value(target))
    names = sorted(set(resolve_params(trials, params))) if trials else []
    if not names:
        warn_empty("plot_slice")
        return [], 0
    value_of = dict(zip((t.number for t in trials), values))
    panels = []
    for name in names:
        subset = trials_with(trials, [name])
        axis = param_axis(subset, name)
        raw = [t.params[name] for t in subset]
        panels.append(
            SlicePanel(
                axis=axis,
                raw=raw,
                coords=axis.encode(raw),
                values=np.asarray([value_of[t.number] for t in subset], dtype=float),
                numbers=np.asarray([t.number for t in subset], dtype=int),
                feasible=feasibility(subset),
            )
        )
    return panels, max(t.number for t in trials)
