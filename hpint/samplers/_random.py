"""Random search: every parameter drawn independently and uniformly (on the log scale if ``log``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from hpint.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.samplers._base import BaseSampler
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class RandomSampler(BaseSampler):
    """Draw each parameter uniformly at random. A strong baseline, and the start-up phase of TPE.

    Args:
        seed: makes the sequence of suggestions reproducible.
    """

    def __init__(self, seed: int | None = None) -> None:
        import numpy as np

        self._seed = seed
        self._rng = np.random.RandomState(seed)

    def reseed_rng(self) -> None:
        import numpy as np

        self._rng = np.random.RandomState()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return sample_uniform(self._rng, param_distribution)

    def __repr__(self) -> str:
        return f"RandomSampler(seed={self._seed!r})"


def sample_uniform(rng: Any, distribution: BaseDistribution) -> Any:
    """One uniform draw from ``distribution`` (external representation), using a numpy ``RandomState``."""
    if isinstance(distribution, CategoricalDistribution):
        return distribution.choices[int(rng.randint(len(distribution.choices)))]
    if isinstance(distribution, IntDistribution):
        low, high, step = distribution.low, distribution.high, distribution.step
        if distribution.log:
            # Draw on [low - 0.5, high + 0.5) in log space, so each integer gets its log-width share.
            x = math.exp(rng.uniform(math.log(low - 0.5), math.log(high + 0.5)))
            return int(min(max(round(x), low), high))
        return int(low + step * rng.randint((high - low) // step + 1))
    if isinstance(distribution, FloatDistribution):
        low, high = distribution.low, distribution.high
        if distribution.log:
            return float(min(math.exp(rng.uniform(math.log(low), math.log(high))), high))
        if distribution.step is not None:
            n = int(round((high - low) / distribution.step))
            return float(min(low + distribution.step * rng.randint(n + 1), high))
        return float(rng.uniform(low, high)) if low < high else low
    raise TypeError(f"Unknown distribution {distribution!r}.")
