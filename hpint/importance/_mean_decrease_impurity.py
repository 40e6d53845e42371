"""Mean decrease in impurity (Breiman 2001): how much the forest's splits on each parameter reduce error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.importance._pipeline import ForestImportanceEvaluator

if TYPE_CHECKING:
    import numpy as np

    from hpint.importance._forest import Forest
    from hpint.importance._transform import EncodedTrials


class MeanDecreaseImpurityImportanceEvaluator(ForestImportanceEvaluator):
    """Importances as each parameter's share of the squared-error decrease of the forest's splits.

    Cheaper than fANOVA but biased towards parameters with many distinct values (they offer more splits).
    Each tree's decreases are normalized to sum to 1 before averaging, so the values sum to 1.

    Args:
        n_trees: trees in the forest.
        max_depth: maximum depth of each tree.
        seed: makes the forest, hence the importances, reproducible.
    """

    def _from_forest(self, forest: Forest, encoded: EncodedTrials) -> np.ndarray:
        return impurity_decrease(forest, encoded.x.shape[1])


def impurity_decrease(forest: Forest, n_features: int) -> np.ndarray:
    """Per feature: the weighted impurity decrease of its splits, normalized per tree, then averaged.

    A split of node ``t`` into ``l`` and ``r`` decreases the total squared error by
    ``n_t * imp_t - n_l * imp_l - n_r * imp_r`` (``imp`` = variance of the node's targets). Trees that
    never split (constant target) contribute zeros; the average is renormalized to sum to 1 when positive.
    """
    import numpy as np

    inner = np.flatnonzero(forest.feature >= 0)
    left, right = forest.left[inner], forest.right[inner]
    sse = forest.n_samples * forest.impurity
    decrease = sse[inner] - sse[left] - sse[right]
    per_tree = np.zeros((forest.n_trees, n_features))
    np.add.at(per_tree, (forest.tree[inner], forest.feature[inner]), decrease)
    totals = per_tree.sum(axis=1, keepdims=True)
    per_tree = np.divide(per_tree, totals, out=np.zeros_like(per_tree), where=totals > 0)
    mean = per_tree.mean(axis=0)
    return mean / mean.sum() if mean.sum() > 0 else mean
