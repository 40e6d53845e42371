"""The parameter importances drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target
from hpint.visualization._param_importances import TITLE, importance_label, param_importances_info
from hpint.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study


def plot_param_importances(
    study: Study,
    evaluator: Any = None,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot :func:`hpint.importance.get_param_importances` as horizontal bars, each labelled with its value.

    With several objectives and no ``target``, each objective gets its own bars (grouped per parameter,
    ordered by the first objective's importances) instead of an error.

    Args:
        study: the study whose complete trials are evaluated.
        evaluator: the importance evaluator (default: hpint.importance's default).
        params: the parameters to evaluate (default: all).
        target: a function of a trial giving the value whose importances to compute.
        target_name: names the value in the x-axis label (and the legend, for several objectives).

    Returns:
        The matplotlib Axes; one ``BarContainer`` per objective in ``ax.containers``.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study.
    """
    ax = new_axes(TITLE)
    ax.set_ylabel("Hyperparameter")
    groups = param_importances_info(study, evaluator, params, target, target_name)
    if groups:
        _draw(ax, groups)
        ax.set_xlabel(f"Importance for {groups[0][0]}" if len(groups) == 1 else "Importance")
    return ax


def _draw(ax: Axes, groups: list[tuple[str, dict[str, float]]]) -> None:
    import numpy as np

    order = list(groups[0][1])  # most important first
    rows = np.arange(len(order))[::-1]  # ... drawn at the top
    height = 0.8 / len(groups)
    for k, (label, imp) in enumerate(groups):
        widths = [float(imp.get(name, 0.0)) for name in order]
        offset = (len(groups) - 1) / 2 * height - k * height
        bars = ax.barh(rows + offset, widths, height=height, label=label)
        ax.bar_label(bars, labels=[importance_label(w) for w in widths], padding=2)
    ax.set_yticks(rows[::-1], order[::-1])  # ticks bottom to top
    ax.margins(x=0.15)
    if len(groups) > 1:
        ax.legend()
