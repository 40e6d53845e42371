"""Hyperparameter importances: which parameters explain the objective, from a study's COMPLETE trials.

>>> import hpint
>>> import hpint.importance
>>> study = hpint.create_study()
>>> study.optimize(lambda t: 10 * t.suggest_float("x", -1, 1) + t.suggest_float("y", -1, 1), n_trials=50)
>>> hpint.importance.get_param_importances(study)  # doctest: +SKIP
{'x': 0.99, 'y': 0.01}

numpy is imported when an importance is computed, not when this package is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hpint.importance._base import BaseImportanceEvaluator
from hpint.importance._fanova import FanovaImportanceEvaluator
from hpint.importance._mean_decrease_impurity import MeanDecreaseImpurityImportanceEvaluator
from hpint.importance._ped_anova import PedAnovaImportanceEvaluator

if TYPE_CHECKING:
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial

__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "get_param_importances",
]


def get_param_importances(
    study: Study,
    *,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: Callable[[FrozenTrial], float] | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """Each parameter's importance for the objective (or ``target``), most important first.

    Only COMPLETE trials count, and only parameters every one of them has with the same distribution
    (unless ``params`` names them: then the trials having all of those are used). A parameter whose
    distribution allows a single value gets 0.

    Args:
        study: the study to explain.
        evaluator: how importances are computed; default :class:`FanovaImportanceEvaluator`.
        params: the parameters to rank; ``None`` for all shared ones.
        target: the value to explain, from a ``FrozenTrial``; required for multi-objective studies.
        normalize: scale the importances to sum to 1 (equal shares if they are all 0).

    Raises:
        ValueError: a multi-objective study without ``target``; a name in ``params`` that no
            completed trial has.
        TypeError: ``evaluator`` is not a :class:`BaseImportanceEvaluator`.
    """
    if evaluator is None:
        evaluator = FanovaImportanceEvaluator()
    if not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError(f"`evaluator` must be a BaseImportanceEvaluator, not {type(evaluator).__name__}.")
    importances = evaluator.evaluate(study, params=params, target=target)
    if not normalize:
        return importances
    total = sum(importances.values())
    if total > 0:
        return {name: value / total for name, value in importances.items()}
    return {name: 1.0 / len(importances) for name in importances}
