"""PED-ANOVA (Watanabe, Bansal & Hutter 2023): which parameters set the best trials apart.

For each parameter, the distribution of its values among the top ``target_quantile`` trials is compared
with its distribution over a region (the top ``region_quantile`` trials, or the whole search space):
the importance is the Pearson divergence ``E_region[(p_top / p_region - 1) ** 2]`` scaled by
``(gamma_top / gamma_region) ** 2``, a closed form of the local variance that parameter explains. No
model is fitted, so it is fast and does not need many trials; it explains reaching good values, not
the whole objective surface.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from hpint.importance._base import BaseImportanceEvaluator

if TYPE_CHECKING:
    import numpy as np

    from hpint.importance._transform import EncodedTrials
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial

_N_STEPS = 50  # grid points on which the densities of a numeric parameter are compared


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA importances: how much each parameter matters for reaching the top trials.

    Lower targets are better: for a study that maximizes, the default target is the negated value;
    a custom ``target`` must be negated by the caller when higher is better.

    Args:
        target_quantile: the share of trials counted as top (``gamma'`` in the paper).
        region_quantile: the share of trials defining the region compared against (``gamma``).
        evaluate_on_local: compare against the region's trials (``True``) or against the uniform
            distribution over the search space (``False``).

    Raises:
        ValueError: unless ``0 < target_quantile < region_quantile <= 1``.
    """

    def __init__(
        self, *, target_quantile: float = 0.1, region_quantile: float = 1.0, evaluate_on_local: bool = True
    ) -> None:
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError(
                f"Need 0 < target_quantile < region_quantile <= 1; got target_quantile={target_quantile}, "
                f"region_quantile={region_quantile}."
            )
        self._target_quantile = target_quantile
        self._region_quantile = region_quantile
        self._evaluate_on_local = evaluate_on_local

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        from hpint.importance._pipeline import evaluate_params
        from hpint.study import StudyDirection

        if target is None and study.directions == [StudyDirection.MAXIMIZE]:
            target = _negated_value
        return evaluate_params(study, params, target, self._importances)

    def _importances(self, encoded: EncodedTrials) -> np.ndarray:
        import numpy as np

        n = len(encoded.y)
        n_top = math.ceil(self._target_quantile * n)
        n_region = math.ceil(self._region_quantile * n)
        if n_top >= n_region:
            warnings.warn(
                f"The top {self._target_quantile} and the region {self._region_quantile} quantiles of "
                f"{n} trials are the same {n_top} trial(s): every importance is 0. Run more trials or "
                "widen the gap between the quantiles.",
                stacklevel=4,
            )
            return np.zeros(len(encoded.params))
        order = np.argsort(encoded.y, kind="stable")
        top, region = encoded.x[order[:n_top]], encoded.x[order[:n_region]]
        scale = (n_top / n_region) ** 2
        return np.array(
            [
                scale * self._divergence(top[:, j], region[:, j], encoded.bounds[j], encoded.n_categories[j])
                for j in range(len(encoded.params))
            ]
        )

    def _divergence(
        self, top: np.ndarray, region: np.ndarray, bounds: np.ndarray, n_categories: int
    ) -> float:
        import numpy as np

        if n_categories:
            p_top, p_region = (category_mass(v, int(n_categories)) for v in (top, region))
        else:
            grid = np.linspace(bounds[0], bounds[1], 2 * _N_STEPS + 1)[1::2]  # cell centres
            p_top, p_region = (parzen_mass(v, grid, bounds) for v in (top, region))
        base = p_region if self._evaluate_on_local else np.full(len(p_top), 1.0 / len(p_top))
        return pearson_divergence(p_top, base)


def _negated_value(trial: FrozenTrial) -> float:
    return -trial.value


def pearson_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """``sum q * (p / q - 1) ** 2`` for probability masses on the same points (``q > 0``)."""
    return float(q @ (p / q - 1.0) ** 2)


def category_mass(codes: np.ndarray, k: int) -> np.ndarray:
    """Category frequencies with one pseudo-observation spread uniformly (so no category has mass 0)."""
    import numpy as np

    counts = np.bincount(codes.astype(np.int64), minlength=k)
    return (counts + 1.0 / k) / (len(codes) + 1.0)


def parzen_mass(values: np.ndarray, grid: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """A Gaussian kernel density of ``values``, as masses on ``grid``, mixed with a uniform prior.

    The bandwidth follows Scott's rule, floored at one grid step so that a few identical values still
    give a smooth density; the prior (weight of one observation) keeps every mass above zero, which
    the density ratio needs.
    """
    import numpy as np

    width = bounds[1] - bounds[0]
    n = len(values)
    bandwidth = max(float(np.std(values)) * n ** (-0.2), width / _N_STEPS)
    density = np.exp(-0.5 * ((grid[:, None] - values[None, :]) / bandwidth) ** 2).sum(axis=1)
    kde = density / density.sum()
    return (n * kde + 1.0 / len(grid)) / (n + 1.0)
