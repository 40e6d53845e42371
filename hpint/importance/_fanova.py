"""fANOVA (Hutter, Hoos & Leyton-Brown 2014): the share of variance each parameter explains on its own.

A random forest is fitted to the trials; each tree is a piecewise-constant function over axis-aligned
cells of the search space, so its functional-ANOVA terms are exact sums over cells: the marginal of
parameter ``d`` at ``v`` is the tree averaged over every other parameter (uniformly within the
search-space bounds), and the importance is that marginal's variance divided by the tree's total
variance. Importances are averaged over the trees whose total variance is not zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.importance._pipeline import ForestImportanceEvaluator

if TYPE_CHECKING:
    import numpy as np

    from hpint.importance._forest import Forest
    from hpint.importance._transform import EncodedTrials


class FanovaImportanceEvaluator(ForestImportanceEvaluator):
    """fANOVA main-effect importances from a random forest; the default evaluator.

    Each value is the fraction of variance a parameter explains on its own (so they sum to at most 1:
    the rest is interactions); ``get_param_importances`` normalizes them by default.

    Args:
        n_trees: trees in the forest.
        max_depth: maximum depth of each tree.
        seed: makes the forest, hence the importances, reproducible.
    """

    def _from_forest(self, forest: Forest, encoded: EncodedTrials) -> np.ndarray:
        return main_effect_fractions(forest, encoded.bounds)


def main_effect_fractions(forest: Forest, bounds: np.ndarray) -> np.ndarray:
    """Per feature: its main-effect variance over the tree's total variance, averaged over the trees.

    Raises:
        RuntimeError: every tree is constant (the target did not vary), so no share can be computed.
    """
    import numpy as np

    lower, upper, cats = leaf_cells(forest, bounds)
    leaves = np.flatnonzero(forest.feature < 0)
    per_tree = [
        _tree_fractions(forest, lower, upper, cats, leaves[forest.tree[leaves] == t], bounds)
        for t in range(forest.n_trees)
    ]
    usable = [f for f in per_tree if f is not None]
    if not usable:
        raise RuntimeError(
            "Every tree of the forest is constant (the target has zero variance over the trials used), "
            "so fANOVA has no variance to attribute; check `target` or run more varied trials."
        )
    return np.mean(usable, axis=0)


def leaf_cells(forest: Forest, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each node's cell: numeric ``lower``/``upper`` edges ``(nodes, d)`` and allowed categories.

    ``cats[node, s, c]`` says whether category ``c`` of the ``s``-th categorical feature (in column
    order, see ``category_slots``) lies in the cell. Computed top-down, one depth at a time, from the
    roots' cell (the whole bounded space).
    """
    import numpy as np

    n_nodes = len(forest.feature)
    lower = np.repeat(bounds[None, :, 0], n_nodes, axis=0)
    upper = np.repeat(bounds[None, :, 1], n_nodes, axis=0)
    k = forest.left_categories.shape[1]
    n_cats = forest.n_categories[forest.n_categories > 0]
    cats = np.repeat((np.arange(k)[None, :] < n_cats[:, None])[None], n_nodes, axis=0)
    slot = category_slots(forest.n_categories)
    for depth in range(int(forest.depth.max()) + 1):
        parent = np.flatnonzero((forest.depth == depth) & (forest.feature >= 0))
        left, right, feat = forest.left[parent], forest.right[parent], forest.feature[parent]
        for child in (left, right):
            lower[child], upper[child], cats[child] = lower[parent], upper[parent], cats[parent]
        numeric = forest.n_categories[feat] == 0
        p, f, thr = parent[numeric], feat[numeric], forest.threshold[parent[numeric]]
        upper[forest.left[p], f] = np.minimum(upper[p, f], thr)
        lower[forest.right[p], f] = np.maximum(lower[p, f], thr)
        p, f = parent[~numeric], slot[feat[~numeric]]
        go_left = forest.left_categories[p]
        cats[forest.left[p], f] = cats[p, f] & go_left
        cats[forest.right[p], f] = cats[p, f] & ~go_left
    return lower, upper, cats


def _tree_fractions(
    forest: Forest,
    lower: np.ndarray,
    upper: np.ndarray,
    cats: np.ndarray,
    leaves: np.ndarray,
    bounds: np.ndarray,
) -> np.ndarray | None:
    """One tree's main-effect fractions, or None when the tree is constant."""
    import numpy as np

    is_cat, slot = forest.n_categories > 0, category_slots(forest.n_categories)
    width = bounds[:, 1] - bounds[:, 0]
    share = (upper[leaves] - lower[leaves]) / np.where(width > 0, width, 1.0)
    share[:, is_cat] = cats[leaves].sum(axis=2) / forest.n_categories[is_cat]
    value = forest.value[leaves]
    weight = share.prod(axis=1)
    mean = weight @ value
    total = weight @ (value - mean) ** 2
    if not total > 0:
        return None
    others = _product_of_others(share)
    fractions = np.empty(len(bounds))
    for j in range(len(bounds)):
        contribution = value * others[:, j]
        if is_cat[j]:
            k = int(forest.n_categories[j])
            marginal, mass = cats[leaves, slot[j], :k].T @ contribution, np.full(k, 1.0 / k)
        else:
            marginal, mass = _interval_marginal(lower[leaves, j], upper[leaves, j], contribution)
            mass = mass / width[j]
        fractions[j] = mass @ (marginal - mean) ** 2 / total
    return fractions


def category_slots(n_categories: np.ndarray) -> np.ndarray:
    """Each column's index among the categorical columns (-1 for numeric ones)."""
    import numpy as np

    is_cat = n_categories > 0
    return np.where(is_cat, np.cumsum(is_cat) - 1, -1)


def _product_of_others(share: np.ndarray) -> np.ndarray:
    """``out[l, j]`` = product of ``share[l, i]`` over ``i != j`` (no division, so zeros are safe)."""
    import numpy as np

    ones = np.ones((len(share), 1))
    before = np.cumprod(np.hstack([ones, share[:, :-1]]), axis=1)
    after = np.cumprod(np.hstack([ones, share[:, :0:-1]]), axis=1)[:, ::-1]
    return before * after


def _interval_marginal(
    lower: np.ndarray, upper: np.ndarray, contribution: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of the contributions of the cells covering each elementary interval, and its length.

    The elementary intervals are those between consecutive cell edges; the sums come from a difference
    array (add at each cell's lower edge, subtract at its upper edge, cumulate).
    """
    import numpy as np

    edges = np.unique(np.concatenate([lower, upper]))
    start = np.searchsorted(edges, lower)
    stop = np.searchsorted(edges, upper)
    n = len(edges)
    delta = np.bincount(start, contribution, n) - np.bincount(stop, contribution, n)
    return np.cumsum(delta)[:-1], np.diff(edges)
