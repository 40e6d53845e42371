"""The parallel coordinates as a plotly ``Parcoords`` figure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target
from hpint.visualization._parallel_coordinate import TITLE, Dimension, parallel_coordinate_info
from hpint.visualization._plotly._utils import COLOR_SCALE, import_plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study


def plot_parallel_coordinate(
    study: Study,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Draw each complete trial as a line across vertical axes: the value first, then each parameter.

    One ``Parcoords`` trace (drag along an axis to filter the lines). A dimension's ``values`` are the
    trials' values; a log parameter's are their log10, with ticks labelled in the parameter's units; a
    categorical parameter's are the choices' indices, with the choices as tick labels. Lines are
    coloured by value, the best darkest and drawn last. Trials missing one of the parameters are left
    out.

    Args:
        study: the study to plot.
        params: the parameters to show (default: all, sorted by name).
        target: a function of a trial giving the value to plot. Without it, a multi-objective study gets
            one axis per objective and its lines are coloured by Pareto rank.
        target_name: the value's dimension label and the colour bar's title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study.
    """
    go = import_plotly()
    layout = go.Layout(title=TITLE)
    info = parallel_coordinate_info(study, params, target, target_name)
    if info is None:
        return go.Figure(data=[], layout=layout)
    trace = go.Parcoords(
        dimensions=[_dimension(d) for d in info.dims],
        labelangle=30,
        labelside="bottom",
        line={
            "color": info.color,
            "colorscale": COLOR_SCALE,
            "reversescale": info.reverse,
            "showscale": True,
            "colorbar": {"title": info.color_title},
        },
    )
    return go.Figure(data=[trace], layout=layout)


def _dimension(d: Dimension) -> dict[str, Any]:
    dim: dict[str, Any] = {"label": d.axis.name, "values": d.space, "range": [d.lo, d.hi]}
    if d.axis.kind == "categorical":
        dim.update(tickvals=list(range(len(d.axis.choices))), ticktext=d.axis.labels)
    elif d.axis.kind == "log":  # every power of ten in range, plus the ends
        ticks = sorted({d.lo, d.hi, *range(math.ceil(d.lo), math.floor(d.hi) + 1)})
        dim.update(tickvals=ticks, ticktext=[f"{10**t:.3g}" for t in ticks])
    return dim
