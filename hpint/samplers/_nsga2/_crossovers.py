"""Crossover operators of NSGA-II: how two (or more) parents' numeric parameters make a child.

Every operator works on parameters already mapped to a continuous space (log scale for ``log``
parameters; integers and stepped floats as plain numbers, rounded back afterwards), one row per parent,
so each is a few vectorized numpy lines.
"""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study


class BaseCrossover(abc.ABC):
    """How ``n_parents`` parents' numeric parameters combine into one child.

    Subclass it to write your own operator; pass an instance as ``NSGAIISampler(crossover=...)``.
    """

    @property
    @abc.abstractmethod
    def n_parents(self) -> int:
        """How many parents one child needs."""

    @abc.abstractmethod
    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """The child's parameters.

        Args:
            parents_params: ``(n_parents, n_params)``, the parents' parameters in the continuous space.
            rng: the only source of randomness to use, so a seeded sampler is reproducible.
            study: the study (e.g. to adapt to the number of objectives).
            search_space_bounds: ``(n_params, 2)`` lower and upper bounds in the same space.

        Returns:
            ``(n_params,)``. A child outside the bounds is drawn again a few times, then clipped.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _check_probability(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"`{name}` must be a probability in [0, 1], not {value!r}.")


class UniformCrossover(BaseCrossover):
    """Each parameter comes from the first parent, or from the second with ``swapping_prob``.

    Never creates new values, only mixes existing ones: robust, and the right choice when parameters
    interact little. The default of :class:`NSGAIISampler`.
    """

    def __init__(self, swapping_prob: float = 0.5) -> None:
        _check_probability("swapping_prob", swapping_prob)
        self._swapping_prob = float(swapping_prob)

    @property
    def n_parents(self) -> int:
        return 2

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        import numpy as np

        swap = rng.rand(parents_params.shape[1]) < self._swapping_prob
        return np.where(swap, parents_params[1], parents_params[0])

    def __repr__(self) -> str:
        return f"UniformCrossover(swapping_prob={self._swapping_prob})"


class BLXAlphaCrossover(BaseCrossover):
    """Blend crossover (BLX-α): each parameter uniform on the parents' interval widened by ``alpha``.

    With ``alpha = 0.5`` the child's spread matches the parents' on average, so the population neither
    collapses nor explodes (Eshelman & Schaffer, 1993).
    """

    def __init__(self, alpha: float = 0.5) -> None:
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha >= 0:
            raise ValueError(f"`alpha` must be a non-negative number, not {alpha!r}.")
        self._alpha = float(alpha)

    @property
    def n_parents(self) -> int:
        return 2

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        low = parents_params.min(axis=0)
        high = parents_params.max(axis=0)
        spread = self._alpha * (high - low)
        return rng.uniform(low - spread, high + spread)

    def __repr__(self) -> str:
        return f"BLXAlphaCrossover(alpha={self._alpha})"


class SBXCrossover(BaseCrossover):
    """Simulated binary crossover (SBX, Deb & Agrawal 1995), in its bounded form.

    Children fall near the parents with a spread set by ``eta`` (larger: closer), and the distribution
    is cut at the bounds rather than clipped. ``eta`` defaults to 2 for one objective and 20 for several,
    as usual for SBX. Each parameter is crossed with probability 0.5 and otherwise taken from a parent.
    """

    def __init__(self, eta: float | None = None) -> None:
        if eta is not None and (isinstance(eta, bool) or not isinstance(eta, (int, float)) or not eta >= 0):
            raise ValueError(f"`eta` must be a non-negative number or None, not {eta!r}.")
        self._eta = None if eta is None else float(eta)

    @property
    def n_parents(self) -> int:
        return 2

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        import numpy as np

        eta = self._eta if self._eta is not None else (20.0 if len(study.directions) > 1 else 2.0)
        low, high = search_space_bounds[:, 0], search_space_bounds[:, 1]
        y1 = parents_params.min(axis=0)
        y2 = parents_params.max(axis=0)
        u = rng.rand(len(y1))
        cross = rng.rand(len(y1)) < 0.5
        pick_second = rng.rand(len(y1)) < 0.5
        gap = y2 - y1
        with np.errstate(divide="ignore", invalid="ignore"):
            c1 = 0.5 * (y1 + y2 - _sbx_beta(1.0 + 2.0 * (y1 - low) / gap, u, eta) * gap)
            c2 = 0.5 * (y1 + y2 + _sbx_beta(1.0 + 2.0 * (high - y2) / gap, u, eta) * gap)
        child = np.where(pick_second, c2, c1)
        crossed = cross & (gap > 1e-14)
        parent = np.where(pick_second, parents_params[1], parents_params[0])
        return np.clip(np.where(crossed, child, parent), low, high)

    def __repr__(self) -> str:
        return f"SBXCrossover(eta={self._eta})"


def _sbx_beta(beta: np.ndarray, u: np.ndarray, eta: float) -> np.ndarray:
    """The spread factor of bounded SBX, for the distance ``beta`` to the bound on one side."""
    import numpy as np

    alpha = 2.0 - np.power(beta, -(eta + 1.0))
    inner = np.power(u * alpha, 1.0 / (eta + 1.0))
    outer = np.power(1.0 / (2.0 - u * alpha), 1.0 / (eta + 1.0))  # 0 < 2 - u * alpha as u < 1, alpha < 2
    return np.where(u <= 1.0 / alpha, inner, outer)


class SPXCrossover(BaseCrossover):
    """Simplex crossover (SPX, Tsutsui et al. 1999): a uniform point of three parents' simplex, expanded.

    Samples around the parents' plane, so it follows correlations between parameters; ``epsilon`` is the
    expansion rate around the parents' centre (default ``sqrt(n_params + 2)``).
    """

    def __init__(self, epsilon: float | None = None) -> None:
        if epsilon is not None and (
            isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not epsilon > 0
        ):
            raise ValueError(f"`epsilon` must be a positive number or None, not {epsilon!r}.")
        self._epsilon = None if epsilon is None else float(epsilon)

    @property
    def n_parents(self) -> int:
        return 3

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        import numpy as np

        k, n = parents_params.shape
        epsilon = self._epsilon if self._epsilon is not None else math.sqrt(n + 2)
        centre = parents_params.mean(axis=0)
        x = centre + epsilon * (parents_params - centre)
        r = np.power(rng.rand(k - 1), 1.0 / np.arange(1, k))
        c = np.zeros(n)
        for i in range(1, k):
            c = r[i - 1] * (x[i - 1] - x[i] + c)
        return x[-1] + c

    def __repr__(self) -> str:
        return f"SPXCrossover(epsilon={self._epsilon})"
