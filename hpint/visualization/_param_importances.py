"""Data of the importances plot: :func:`hpint.importance.get_param_importances` per objective."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.visualization._common import Target, check_target, complete_trials, resolve_params, warn_empty

if TYPE_CHECKING:
    from hpint.study import Study

TITLE = "Hyperparameter Importances"


def param_importances_info(
    study: Study, evaluator: Any, params: Sequence[str] | None, target: Target | None, target_name: str
) -> list[tuple[str, dict[str, float]]]:
    """``(label, importances)`` per bar group, each dict ordered most important first; [] if no trials.

    One group, or with several objectives and no ``target`` one per objective (labelled by the metric
    names, else ``"<target_name> <i>"``). Without ``target``, a metric name set with
    ``study.set_metric_names`` replaces ``target_name``, as in Optuna.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study (checked before evaluating).
    """
    from hpint.importance import get_param_importances

    if target is not None:
        check_target(study, target)
    trials = complete_trials(study)
    if not trials:
        warn_empty("plot_param_importances")
        return []
    resolve_params(trials, params)
    groups = _groups(study, target, target_name)
    return [
        (label, get_param_importances(study, evaluator=evaluator, params=params, target=fn))
        for label, fn in groups
    ]


def _groups(study: Study, target: Target | None, target_name: str) -> list[tuple[str, Target | None]]:
    """(label, target) per bar group: one, or one per objective of a multi-objective study."""
    n_objectives = len(study.directions)
    metric_names = study.metric_names
    if target is not None or n_objectives == 1:
        label = metric_names[0] if metric_names and target is None else target_name
        return [(label, target)]
    names = metric_names or [f"{target_name} {i}" for i in range(n_objectives)]
    return [(names[i], _objective(i)) for i in range(n_objectives)]


def _objective(i: int) -> Target:
    return lambda t: t.values[i]


def importance_label(value: float) -> str:
    """A bar's text: two decimals, or "<0.01"."""
    return f"{value:.2f}" if value >= 0.01 else "<0.01"
