"""A random forest of CART regression trees in pure numpy, grown one depth level at a time.

Why level by level, for all trees at once: a study holds at most a few thousand trials, so a
node-at-a-time Python loop would spend its time in the interpreter; one vectorised pass per depth over
every open node of every tree keeps the Python loop to about ``depth x features`` iterations.

Numeric features split on ``x <= threshold`` (the midpoint between two neighbouring observed values).
Categorical features (integer codes ``0..k-1``) split on a subset of categories: within a node the
categories are ordered by their mean target and the best cut of that order is taken, which for squared
error is the best of all ``2**(k-1)`` subsets (Fisher 1958; Breiman et al. 1984). Categories absent
from a node go right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_TIE = 1e-10  # relative gap under which two split gains count as tied (ties are broken at random)


@dataclass(frozen=True)
class Forest:
    """Every node of every tree, as flat arrays indexed by node id; roots are nodes ``0..n_trees-1``.

    Children always have larger ids than their parent. ``feature`` is -1 for leaves. A sample goes left
    if ``x[feature] <= threshold`` (numeric) or ``left_categories[node, x[feature]]`` (categorical).
    """

    tree: np.ndarray
    depth: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left_categories: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    n_samples: np.ndarray
    impurity: np.ndarray
    n_categories: np.ndarray
    n_trees: int

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Each tree's prediction for each row of ``x``: shape ``(n_trees, n_rows)``."""
        x = np.asarray(x, dtype=float)
        rows = np.arange(len(x))
        node = np.repeat(np.arange(self.n_trees)[:, None], len(x), axis=1)
        while True:
            feat = self.feature[node]
            inner = feat >= 0
            if not inner.any():
                return self.value[node]
            value = x[rows[None, :].repeat(self.n_trees, 0), np.maximum(feat, 0)]
            go_left = _goes_left(self, node, feat, value)
            child = np.where(go_left, self.left[node], self.right[node])
            node = np.where(inner, child, node)


def _goes_left(forest: Forest, node: np.ndarray, feat: np.ndarray, value: np.ndarray) -> np.ndarray:
    is_cat = forest.n_categories[np.maximum(feat, 0)] > 0
    code = np.where(is_cat, value, 0).astype(np.int64)
    return np.where(is_cat, forest.left_categories[node, code], value <= forest.threshold[node])


def fit_forest(
    x: np.ndarray,
    y: np.ndarray,
    n_categories: np.ndarray,
    *,
    n_trees: int = 64,
    max_depth: int = 64,
    max_features: float | int = 1.0,
    bootstrap: bool = True,
    seed: int | None = None,
) -> Forest:
    """Fit ``n_trees`` regression trees (squared error, ``min_samples_split=2``, ``min_samples_leaf=1``).

    Args:
        x: ``(n, d)`` inputs; a column with ``n_categories[j] > 0`` holds category codes.
        y: ``(n,)`` targets.
        n_categories: ``(d,)`` number of categories per column, 0 for numeric columns.
        max_features: features tried per node: a fraction of ``d`` (float) or a count (int). The
            default 1.0 tries all, as scikit-learn's regression forests (and so Optuna) do; with fewer,
            a node whose drawn features cannot split it stays a leaf.
        bootstrap: draw each tree's ``n`` samples with replacement; otherwise each tree sees all rows.
        seed: makes bootstraps, feature subsets and tie-breaks reproducible.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = x.shape
    rng = np.random.default_rng(seed)
    n_categories = np.asarray(n_categories, dtype=np.int64)
    if bootstrap:
        src = rng.integers(0, n, size=(n_trees, n)).ravel()
    else:
        src = np.tile(np.arange(n), n_trees)
    k_features = max_features if isinstance(max_features, int) else int(max_features * d)
    grower = _Grower(x, y, n_categories, _ordinal_codes(x, n_categories), min(max(k_features, 1), d), rng)
    return grower.grow(src, n_trees, max_depth)


def _ordinal_codes(x: np.ndarray, n_categories: np.ndarray) -> np.ndarray:
    """Each numeric value's rank among the column's distinct values (categorical columns: their codes)."""
    codes = np.empty(x.shape, dtype=np.int64)
    for j in range(x.shape[1]):
        codes[:, j] = x[:, j] if n_categories[j] else np.unique(x[:, j], return_inverse=True)[1].ravel()
    return codes


class _Grower:
    """The state of one forest fit; ``grow`` adds one depth level per iteration."""

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        n_categories: np.ndarray,
        codes: np.ndarray,
        k_features: int,
        rng: np.random.Generator,
    ) -> None:
        self.x, self.y, self.n_categories, self.codes = x, y, n_categories, codes
        self.k_features, self.rng = k_features, rng
        self.max_k = max(int(n_categories.max(initial=0)), 1)
        self.levels: list[dict[str, np.ndarray]] = []

    def grow(self, src: np.ndarray, n_trees: int, max_depth: int) -> Forest:
        n_per_tree = len(src) // n_trees
        node = np.repeat(np.arange(n_trees), n_per_tree)
        tree, start, depth = np.arange(n_trees), 0, 0
        while len(tree):
            level = self._level(src, node - start, tree, depth, depth >= max_depth)
            self.levels.append(level)
            split = level["feature"] >= 0
            child_start = start + len(tree)
            first_child = child_start + 2 * (np.cumsum(split) - 1)
            level["left"] = np.where(split, first_child, -1)
            level["right"] = np.where(split, first_child + 1, -1)
            src, node = self._route(src, node - start, level, first_child)
            tree = np.repeat(level["tree"][split], 2)
            start, depth = child_start, depth + 1
        merged = {key: np.concatenate([lv[key] for lv in self.levels]) for key in self.levels[0]}
        return Forest(n_categories=self.n_categories, n_trees=n_trees, **merged)

    def _level(
        self, src: np.ndarray, local: np.ndarray, tree: np.ndarray, depth: int, at_max_depth: bool
    ) -> dict[str, np.ndarray]:
        """The new nodes' statistics, and the split of each one that is not a leaf."""
        m = len(tree)
        y = self.y[src]
        count = np.bincount(local, minlength=m).astype(float)
        mean = np.bincount(local, y, minlength=m) / count
        centered = y - mean[local]
        impurity = np.bincount(local, centered**2, minlength=m) / count
        level = {
            "tree": tree,
            "depth": np.full(m, depth),
            "value": mean,
            "n_samples": count,
            "impurity": impurity,
            "feature": np.full(m, -1),
            "threshold": np.full(m, np.nan),
            "left_categories": np.zeros((m, self.max_k), dtype=bool),
        }
        if not at_max_depth:
            self._split(level, src, local, centered, _varies(local, y, m) & (count >= 2))
        return level

    def _split(
        self,
        level: dict[str, np.ndarray],
        src: np.ndarray,
        local: np.ndarray,
        centered: np.ndarray,
        open_: np.ndarray,
    ) -> None:
        """Fill ``feature``/``threshold``/``left_categories`` of the open nodes that have a valid split."""
        if not open_.any():
            return
        keep = open_[local]
        index = np.cumsum(open_) - 1  # compact ids of the open nodes
        nodes = np.flatnonzero(open_)
        sub_local, sub_src, sub_y = index[local[keep]], src[keep], centered[keep]
        m, d = len(nodes), self.x.shape[1]
        gains = np.full((m, d), -np.inf)
        thresholds = np.full((m, d), np.nan)
        cat_masks: dict[int, np.ndarray] = {}
        for j in range(d):
            gains[:, j], thresholds[:, j], mask = self._best_cut(j, sub_local, sub_src, sub_y, m)
            if mask is not None:
                cat_masks[j] = mask
        if self.k_features < d:  # max_features: each node may only use a random subset of the features
            drawn = np.argsort(self.rng.random((m, d)), axis=1)[:, : self.k_features]
            allowed = np.zeros((m, d), dtype=bool)
            np.put_along_axis(allowed, drawn, True, axis=1)
            gains[~allowed] = -np.inf
        best = gains.max(axis=1)
        tied = gains >= best[:, None] - _TIE * np.abs(best[:, None])
        chosen = np.argmax(np.where(tied, self.rng.random((m, d)), -1.0), axis=1)
        ok = np.isfinite(best)
        level["feature"][nodes[ok]] = chosen[ok]
        level["threshold"][nodes[ok]] = thresholds[np.arange(m), chosen][ok]
        for j, mask in cat_masks.items():
            rows = ok & (chosen == j)
            level["left_categories"][nodes[rows], : mask.shape[1]] = mask[rows]

    def _best_cut(
        self, j: int, local: np.ndarray, src: np.ndarray, y: np.ndarray, m: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Per node: the best gain on feature ``j``, its numeric threshold, and the categorical left sets."""
        k = int(self.n_categories[j])
        if k:
            ordinal, rank = _category_ranks(local, self.codes[src, j], y, m, k)
        else:
            ordinal, rank = self.codes[src, j], None
        # Rows tied on (node, ordinal) share one value, so their order does not matter: no stable sort.
        order = np.argsort(local * (int(ordinal.max()) + 1) + ordinal)
        gain, pos = _scan(local[order], ordinal[order], y[order], m)
        valid = np.isfinite(gain)
        pos = np.where(valid, pos, 0)
        if rank is not None:
            cut = ordinal[order][pos]
            return gain, np.full(m, np.nan), rank <= cut[:, None]
        values = self.x[src[order], j]
        nxt = np.minimum(pos + 1, len(order) - 1)
        return gain, np.where(valid, 0.5 * (values[pos] + values[nxt]), np.nan), None

    def _route(
        self, src: np.ndarray, local: np.ndarray, level: dict[str, np.ndarray], first_child: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows of split nodes, moved to their child; rows of leaves are dropped."""
        feat = level["feature"][local]
        keep = feat >= 0
        src, local, feat = src[keep], local[keep], feat[keep]
        value = self.x[src, feat]
        is_cat = self.n_categories[feat] > 0
        code = np.where(is_cat, value, 0).astype(np.int64)
        go_left = np.where(is_cat, level["left_categories"][local, code], value <= level["threshold"][local])
        return src, first_child[local] + (~go_left)


def _varies(local: np.ndarray, y: np.ndarray, m: int) -> np.ndarray:
    """Whether each node's targets are not all equal (a constant node is a leaf)."""
    high = np.full(m, -np.inf)
    low = np.full(m, np.inf)
    np.maximum.at(high, local, y)
    np.minimum.at(low, local, y)
    return high > low


def _category_ranks(
    local: np.ndarray, codes: np.ndarray, y: np.ndarray, m: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Order each node's categories by mean target; absent categories last.

    Returns each row's rank of its category, and the ``(m, k)`` rank table.
    """
    pair = local * k + codes
    count = np.bincount(pair, minlength=m * k)
    total = np.bincount(pair, y, minlength=m * k)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.inf)
    order = np.lexsort((mean, np.repeat(np.arange(m), k)))
    rank = np.empty(m * k, dtype=np.int64)
    rank[order] = np.arange(m * k) % k
    return rank[pair], rank.reshape(m, k)


def _scan(node: np.ndarray, ordinal: np.ndarray, y: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Best split per node over rows sorted by (node, ordinal); ``y`` is centred on its node's mean.

    The decrease in squared error when cutting after row ``i`` is ``S**2 * n / (n_left * n_right)``
    with ``S`` the left rows' centred sum. Returns the best decrease (-inf if none) and its row.
    """
    size = len(node)
    starts = np.searchsorted(node, np.arange(m))
    count = np.bincount(node, minlength=m)
    cum = np.cumsum(y)
    before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
    left_sum = cum - before[node]
    n_left = np.arange(size) - starts[node] + 1
    n_right = count[node] - n_left
    valid = np.zeros(size, dtype=bool)
    valid[:-1] = (node[:-1] == node[1:]) & (ordinal[:-1] != ordinal[1:])
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = np.where(valid, left_sum**2 * count[node] / (n_left * n_right), -np.inf)
    best = np.maximum.reduceat(gain, starts)
    first = np.where(valid & (gain == best[node]), np.arange(size), size)
    return best, np.minimum(np.minimum.reduceat(first, starts), size - 1)
