"""The steps every evaluator shares (select trials, encode, handle degenerate studies), and the base of
the two that read a random forest."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from hpint.importance import _transform
from hpint.importance._base import BaseImportanceEvaluator

if TYPE_CHECKING:
    import numpy as np

    from hpint.importance._forest import Forest
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial


def evaluate_params(
    study: Study,
    params: list[str] | None,
    target: Callable[[FrozenTrial], float] | None,
    importances_of: Callable[[_transform.EncodedTrials], np.ndarray],
) -> dict[str, float]:
    """Importances from ``importances_of`` (one per column of its input), most important first.

    Parameters whose distribution allows one value cannot explain anything: they get 0 and stay out of
    the model. A lone parameter explains everything there is (1.0). With fewer than two usable trials
    nothing can be estimated: every importance is 0 (with a warning), as in Optuna.
    """
    target_of = _transform.target_function(study, target)
    trials, space = _transform.select(study, params)
    if len(space) <= 1:
        return {name: 1.0 for name in space}
    varying = {name: dist for name, dist in space.items() if not dist.single()}
    result = dict.fromkeys(space, 0.0)
    encoded = _transform.encode(trials, varying, target_of)
    if len(encoded.y) < 2:
        warnings.warn(
            f"Only {len(encoded.y)} completed trial(s) with a finite target: every importance is 0. "
            "Run more trials to estimate importances.",
            stacklevel=3,
        )
    elif varying:
        result.update(zip(encoded.params, (float(v) for v in importances_of(encoded))))
    return dict(sorted(result.items(), key=lambda item: -item[1]))


class ForestImportanceEvaluator(BaseImportanceEvaluator):
    """An evaluator that fits a seeded random forest to the encoded trials and reads importances off it.

    Args:
        n_trees: trees in the forest.
        max_depth: maximum depth of each tree.
        seed: makes the forest, hence the importances, reproducible.
    """

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        self._n_trees = n_trees
        self._max_depth = max_depth
        self._seed = seed

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        return evaluate_params(study, params, target, self._importances)

    def _importances(self, encoded: _transform.EncodedTrials) -> np.ndarray:
        from hpint.importance._forest import fit_forest

        forest = fit_forest(
            encoded.x,
            encoded.y,
            encoded.n_categories,
            n_trees=self._n_trees,
            max_depth=self._max_depth,
            seed=self._seed,
        )
        return self._from_forest(forest, encoded)

    def _from_forest(self, forest: Forest, encoded: _transform.EncodedTrials) -> np.ndarray:
        """One importance per column of ``encoded.x``."""
        raise NotImplementedError
