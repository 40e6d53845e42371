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


class _TwoChildCrossover(BaseCrossover):
    """What SBX and vSBX share: Optuna's three arguments, and keeping one of the two children they make.

    The sampler needs one child per crossover. Per parameter the two children's values are swapped with
    ``uniform_crossover_prob``; one of the two is kept at random; each of its values is the child's
    with ``use_child_gene_prob``, otherwise the value of the parent paired with that child.
    """

    def __init__(
        self,
        eta: float | None = None,
        uniform_crossover_prob: float = 0.5,
        use_child_gene_prob: float = 0.5,
    ) -> None:
        if eta is not None:
            _check_non_negative("eta", eta)
        _check_probability("uniform_crossover_prob", uniform_crossover_prob)
        _check_probability("use_child_gene_prob", use_child_gene_prob)
        if use_child_gene_prob == 0:
            raise ValueError("`use_child_gene_prob` must be in (0, 1], not 0: with 0 the child is a parent.")
        self._eta = None if eta is None else float(eta)
        self._uniform_crossover_prob = float(uniform_crossover_prob)
        self._use_child_gene_prob = float(use_child_gene_prob)

    @property
    def n_parents(self) -> int:
        return 2

    def _eta_for(self, study: Study) -> float:
        """``eta``, or its usual default: 2 for one objective (wide), 20 for several (close)."""
        return self._eta if self._eta is not None else (20.0 if len(study.directions) > 1 else 2.0)

    def _keep_one(
        self, children: tuple[np.ndarray, np.ndarray], parents: np.ndarray, rng: np.random.RandomState
    ) -> np.ndarray:
        """One child out of two, ``children[k]`` paired with ``parents[k]``."""
        import numpy as np

        n = len(children[0])
        second = (rng.rand() < 0.5) ^ (rng.rand(n) < self._uniform_crossover_prob)
        child = np.where(second, children[1], children[0])
        parent = np.where(second, parents[1], parents[0])
        return np.where(rng.rand(n) < self._use_child_gene_prob, child, parent)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(eta={self._eta}, uniform_crossover_prob="
            f"{self._uniform_crossover_prob}, use_child_gene_prob={self._use_child_gene_prob})"
        )


class SBXCrossover(_TwoChildCrossover):
    """Simulated binary crossover (SBX, Deb & Agrawal 1995), in its bounded form.

    SBX makes two children, one on each side of the parents' interval, with a spread set by ``eta``
    (larger: closer); the distribution is cut at the bounds rather than clipped. One of them is kept,
    mixed with the other and with the parents as Optuna's two probabilities say (below). The defaults
    cross each parameter with probability 0.5, taking either child's value equally often.

    Args:
        eta: distribution index; larger keeps children closer to the parents. Defaults to 2 for one
            objective and 20 for several, as usual for SBX.
        uniform_crossover_prob: per-parameter probability of swapping the two children's values, in
            [0, 1] (``p`` and ``1 - p`` are equivalent, as one of the pair is kept at random).
        use_child_gene_prob: per-parameter probability of using the child's value rather than the
            parent's, in (0, 1] (with 0 no parameter would ever be crossed).

    Raises:
        ValueError: a negative ``eta`` or a probability outside its range.
    """

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        import numpy as np

        eta = self._eta_for(study)
        low, high = search_space_bounds[:, 0], search_space_bounds[:, 1]
        y1 = parents_params.min(axis=0)
        y2 = parents_params.max(axis=0)
        u = rng.rand(len(y1))
        gap = y2 - y1
        with np.errstate(divide="ignore", invalid="ignore"):
            c1 = 0.5 * (y1 + y2 - _sbx_beta(1.0 + 2.0 * (y1 - low) / gap, u, eta) * gap)
            c2 = 0.5 * (y1 + y2 + _sbx_beta(1.0 + 2.0 * (high - y2) / gap, u, eta) * gap)
        spread = gap > 1e-14  # equal parents have no spread to draw from: both children are the parent
        c1, c2 = np.where(spread, c1, y1), np.where(spread, c2, y2)
        return np.clip(self._keep_one((c1, c2), parents_params[:2], rng), low, high)


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


class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover (UNDX, Ono & Kobayashi 1997; Kita et al. 1999).

    The child is normal around the midpoint of the first two parents: along the line through them with
    standard deviation ``sigma_xi`` times their distance, and across it with ``sigma_eta`` times the
    third parent's distance from that line. So it searches along the direction the parents agree on,
    which suits correlated parameters. Works on parameters scaled to the unit box by the bounds, since
    distances across differently scaled parameters would otherwise be dominated by the widest one.

    Args:
        sigma_xi: spread along the line of the first two parents, in units of their distance.
        sigma_eta: spread across that line, in units of the third parent's distance from it; defaults
            to ``0.35 / sqrt(n_params)``, so the total orthogonal spread does not grow with the dimension.
    """

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        _check_non_negative("sigma_xi", sigma_xi)
        if sigma_eta is not None:
            _check_non_negative("sigma_eta", sigma_eta)
        self._sigma_xi = float(sigma_xi)
        self._sigma_eta = None if sigma_eta is None else float(sigma_eta)

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

        low = search_space_bounds[:, 0]
        width = search_space_bounds[:, 1] - low
        scale = np.where(width > 0, width, 1.0)
        x1, x2, x3 = (parents_params[:3] - low) / scale
        n = len(x1)
        sigma_eta = self._sigma_eta if self._sigma_eta is not None else 0.35 / math.sqrt(n)
        d = x2 - x1
        norm = float(np.linalg.norm(d))
        direction = d / norm if norm > 1e-14 else np.zeros(n)
        # A normal vector of the space orthogonal to the line: project an isotropic one onto it.
        z = rng.normal(0.0, sigma_eta, n)
        z -= direction * (direction @ z)
        offset = x3 - x1
        distance = float(np.linalg.norm(offset - direction * (direction @ offset)))
        child = 0.5 * (x1 + x2) + rng.normal(0.0, self._sigma_xi) * d + distance * z
        return low + child * scale

    def __repr__(self) -> str:
        return f"UNDXCrossover(sigma_xi={self._sigma_xi}, sigma_eta={self._sigma_eta})"


class VSBXCrossover(_TwoChildCrossover):
    """vSBX (Ballester & Carter 2003): SBX whose two children spread around their own parent both ways.

    SBX puts each child on one side of its parent (towards or away from the other one, depending on
    the draw); vSBX lets each fall on either side with SBX's expanding spread, so no region around a
    parent is excluded. Of the two children one is kept: their values are swapped per parameter with
    ``uniform_crossover_prob``, one of the pair is chosen, and each of its values is kept with
    ``use_child_gene_prob`` (otherwise that child's own parent's value is used).

    Args:
        eta: distribution index; larger keeps children closer to the parents. Defaults to 2 for one
            objective and 20 for several.
        uniform_crossover_prob: per-parameter probability of swapping the two children's values, in
            [0, 1] (``p`` and ``1 - p`` are equivalent, as one of the pair is returned at random).
        use_child_gene_prob: per-parameter probability of using the child's value rather than its
            parent's, in (0, 1].
    """

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        import numpy as np

        eta = self._eta_for(study)
        x1, x2 = parents_params[0], parents_params[1]
        u = rng.rand(len(x1))
        # SBX's expanding spread factor, beta >= 1, from whichever half of [0, 1) u fell in.
        beta = np.power(0.5 / np.where(u <= 0.5, np.maximum(u, 1e-300), 1.0 - u), 1.0 / (eta + 1.0))
        side = np.where(u <= 0.5, -1.0, 1.0)  # away from the other parent, or towards and past it
        shift = side * 0.5 * (beta - 1.0) * (x2 - x1)
        return self._keep_one((x1 + shift, x2 - shift), parents_params[:2], rng)


def _check_non_negative(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"`{name}` must be a non-negative number, not {value!r}.")
