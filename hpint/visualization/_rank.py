"""Data of the rank plot: trials scattered over pairs of parameters, coloured by their value's rank.

Colouring by rank rather than by value keeps the picture readable when a few values are far off (a
diverged run): the colour of a trial is its average rank among the complete trials, scaled to [0, 1].
"""

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
    from hpint.trial import FrozenTrial

#: The colour scale's name, in plotly and matplotlib alike: blue for low values, red for high ones.
COLOR_SCALE = "RdYlBu_r"

#: The colour bar's ticks: these quantiles of the values.
QUANTILES = ((0.0, "min."), (0.25, "25%"), (0.5, "50%"), (0.75, "75%"), (1.0, "max."))


@dataclass
class RankPanel:
    """Parameter ``x`` against ``y`` for the trials that set both.

    ``xs``/``ys`` are :meth:`ParamAxis.encode`'s coordinates (a choice's index for categorical
    parameters, the raw value otherwise); the limits are in the axes' linear space (log10 for log).
    ``color`` is each trial's colour position in [0, 1].
    """

    x: ParamAxis
    y: ParamAxis
    x_raw: list[Any]
    y_raw: list[Any]
    xs: np.ndarray
    ys: np.ndarray
    x_limits: tuple[float, float]
    y_limits: tuple[float, float]
    values: np.ndarray
    color: np.ndarray
    feasible: np.ndarray
    trials: list[FrozenTrial]


@dataclass
class RankInfo:
    """The parameters and a panel per ordered pair ``(x, y)`` (the pair itself with one parameter).

    ``ticks`` are the colour bar's ``(position, label)`` pairs.
    """

    params: list[str]
    panels: dict[tuple[str, str], RankPanel]
    ticks: list[tuple[float, str]]


def rank_info(study: Study, params: Sequence[str] | None, target: Target | None) -> RankInfo | None:
    """The panels to draw, or None (with a warning) without complete trials or parameters.

    ``params`` keep their order (as in Optuna); by default all parameters, sorted by name.

    Raises:
        ValueError: a name in ``params`` is not a parameter, or several objectives and no ``target``.
    """
    import numpy as np

    check_target(study, target)
    trials, values = finite_values(complete_trials(study), target_or_value(target))
    names = resolve_params(trials, params) if trials else []
    if not names:
        warn_empty("plot_rank")
        return None
    color = rank_positions(values)
    index = {t.number: i for i, t in enumerate(trials)}
    pairs = [(names[0], names[-1])] if len(names) <= 2 else [(x, y) for y in names for x in names]
    panels = {pair: _panel(trials, values, color, index, *pair) for pair in pairs}
    quantiles = np.quantile(values, [q for q, _ in QUANTILES])
    ticks = [(q, f"{label} ({v:.3g})") for (q, label), v in zip(QUANTILES, quantiles)]
    return RankInfo(names, panels, ticks)


def _panel(
    trials: list[FrozenTrial],
    values: np.ndarray,
    color: np.ndarray,
    index: dict[int, int],
    x_name: str,
    y_name: str,
) -> RankPanel:
    subset = trials_with(trials, [x_name, y_name])
    rows = [index[t.number] for t in subset]
    x_axis, y_axis = param_axis(subset, x_name), param_axis(subset, y_name)
    x_raw, y_raw = [t.params[x_name] for t in subset], [t.params[y_name] for t in subset]
    xs, ys = x_axis.encode(x_raw), y_axis.encode(y_raw)
    return RankPanel(
        x=x_axis,
        y=y_axis,
        x_raw=x_raw,
        y_raw=y_raw,
        xs=xs,
        ys=ys,
        x_limits=x_axis.limits(x_axis.to_space(xs)),
        y_limits=y_axis.limits(y_axis.to_space(ys)),
        values=values[rows],
        color=color[rows],
        feasible=feasibility(subset),
        trials=subset,
    )


def rank_positions(values: np.ndarray) -> np.ndarray:
    """Each value's average rank (ties share the mean of their ranks) scaled to [0, 1]; 0.5 for one value."""
    import numpy as np

    if len(values) < 2:
        return np.full(len(values), 0.5)
    ordered = np.sort(values)
    first = np.searchsorted(ordered, values, side="left")
    last = np.searchsorted(ordered, values, side="right") - 1
    return (first + last) / 2 / (len(values) - 1)
