"""Parameter importances as a horizontal bar chart, most important at the top."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target, complete_trials, new_axes, resolve_params, warn_empty

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
    from hpint.importance import get_param_importances

    ax = new_axes("Hyperparameter Importances")
    ax.set_ylabel("Hyperparameter")
    trials = complete_trials(study)
    if not trials:
        warn_empty("plot_param_importances")
        return ax
    resolve_params(trials, params)
    series = _series(study, target, target_name)
    importances = [
        get_param_importances(study, evaluator=evaluator, params=params, target=fn) for _, fn in series
    ]
    _draw(ax, [label for label, _ in series], importances)
    ax.set_xlabel(f"Importance for {target_name}" if len(series) == 1 else "Importance")
    return ax


def _series(study: Study, target: Target | None, target_name: str) -> list[tuple[str, Target | None]]:
    """(label, target) per bar group: one, or one per objective of a multi-objective study."""
    n_objectives = len(study.directions)
    if target is not None or n_objectives == 1:
        return [(target_name, target)]
    names = study.metric_names or [f"{target_name} {i}" for i in range(n_objectives)]
    return [(names[i], lambda t, i=i: t.values[i]) for i in range(n_objectives)]


def _draw(ax: Axes, labels: list[str], importances: list[dict[str, float]]) -> None:
    import numpy as np

    order = list(importances[0])  # most important first
    rows = np.arange(len(order))[::-1]  # ... drawn at the top
    height = 0.8 / len(importances)
    for k, (label, imp) in enumerate(zip(labels, importances)):
        widths = [float(imp.get(name, 0.0)) for name in order]
        offset = (len(importances) - 1) / 2 * height - k * height
        bars = ax.barh(rows + offset, widths, height=height, label=label)
        ax.bar_label(bars, labels=[f"{w:.2f}" if w >= 0.01 else "<0.01" for w in widths], padding=2)
    ax.set_yticks(rows[::-1], order[::-1])  # ticks bottom to top
    ax.margins(x=0.15)
    if len(importances) > 1:
        ax.legend()
