"""What the plotly renderers share: importing plotly, hover texts, laying out a parameter's axis."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hpint.trial import FrozenTrial
    from hpint.visualization._common import ParamAxis

#: What to run when plotly is missing.
INSTALL_HINT = 'pip install "hpint[plotly]"'

#: The sequential colour scale of values and trial numbers (reversed where smaller is better).
COLOR_SCALE = "Blues"

#: Marker colour of trials that violate a constraint.
INFEASIBLE_COLOR = "#cccccc"


def is_available() -> bool:
    """True when plotly can be imported, i.e. the ``hpint.visualization.plot_*`` functions can draw."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True


def import_plotly() -> Any:
    """``plotly.graph_objects``, or an ImportError naming the extra to install."""
    try:
        import plotly.graph_objects as go
    except ImportError as exc:
        raise ImportError(
            "hpint.visualization.plot_* return plotly figures, and plotly is not installed: "
            f"{INSTALL_HINT} (or use hpint.visualization.matplotlib)"
        ) from exc
    return go


def make_subplots(**kwargs: Any) -> Any:
    """A figure with a grid of subplots (``plotly.subplots.make_subplots``)."""
    from plotly.subplots import make_subplots as _make_subplots

    return _make_subplots(**kwargs)


def hover_text(trial: FrozenTrial) -> str:
    """The trial's number, values, parameters and user attributes, as HTML lines for a tooltip."""
    record: dict[str, Any] = {"number": trial.number, "values": trial.values, "params": trial.params}
    if trial.user_attrs:
        record["user_attrs"] = trial.user_attrs
    return json.dumps(record, indent=2, default=str).replace("\n", "<br>")


def numeric_axis_layout(axis: ParamAxis, limits: tuple[float, float]) -> dict[str, Any]:
    """``update_xaxes`` arguments for a parameter drawn at numeric coordinates (choices at their index).

    ``limits`` are in the axis' linear space, which is what plotly's ``range`` of a log axis takes too.
    """
    layout: dict[str, Any] = {"title_text": axis.name, "range": list(limits)}
    if axis.kind == "log":
        layout["type"] = "log"
    elif axis.kind == "categorical":
        layout.update(tickmode="array", tickvals=list(range(len(axis.choices))), ticktext=axis.labels)
    return layout


def category_axis_layout(axis: ParamAxis) -> dict[str, Any]:
    """``update_xaxes`` arguments for a parameter whose points carry their values (choices as labels)."""
    layout: dict[str, Any] = {"title_text": axis.name}
    if axis.kind == "log":
        layout["type"] = "log"
    elif axis.kind == "categorical":
        layout.update(type="category", categoryorder="array", categoryarray=axis.labels)
    return layout


def axis_values(axis: ParamAxis, raw: list[Any]) -> list[Any]:
    """Points' coordinates on a :func:`category_axis_layout` axis: the value, or the choice's label."""
    if axis.kind != "categorical":
        return [float(v) for v in raw]
    labels = axis.labels
    return [labels[int(i)] for i in axis.encode(raw)]
