"""Mutation operators of NSGA-II: how one numeric parameter of a child is changed.

Like the crossovers, they see the parameter in the continuous space (log scale for ``log`` parameters,
integers and stepped floats as plain numbers, rounded back afterwards) with that parameter's bounds.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study


class BaseMutation(abc.ABC):
    """How one numeric parameter chosen for mutation gets its new value.

    Subclass it to write your own operator; pass an instance as ``NSGAIISampler(mutation=...)``. The
    sampler decides which parameters are mutated (``mutation_prob``); categorical ones are always drawn
    afresh instead.
    """

    @abc.abstractmethod
    def mutation(
        self,
        param: float,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> float:
        """The mutated value.

        Args:
            param: the parameter's value in the continuous space.
            rng: the only source of randomness to use, so a seeded sampler is reproducible.
            study: the study (e.g. to adapt to the number of objectives).
            search_space_bounds: ``(2,)``, the parameter's lower and upper bound in the same space.

        Returns:
            The new value in the continuous space; a value outside the bounds is clipped.
        """

    def __str__(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PolynomialMutation(BaseMutation):
    """Deb's bounded polynomial mutation, as in the NSGA-II reference implementation (Deb et al., 2002).

    The new value follows a polynomial density peaked at the current one and cut at the bounds, so it
    never leaves them and its spread shrinks near a bound; ``eta`` sets how peaked it is (larger:
    closer to the current value).

    Args:
        eta: distribution index, non-negative.
    """

    def __init__(self, eta: float = 20.0) -> None:
        if isinstance(eta, bool) or not isinstance(eta, (int, float)) or not eta >= 0:
            raise ValueError(f"`eta` must be a non-negative number, not {eta!r}.")
        self._eta = float(eta)

    def mutation(
        self,
        param: float,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> float:
        low, high = float(search_space_bounds[0]), float(search_space_bounds[1])
        width = high - low
        if not width > 0:
            return param
        power = 1.0 / (self._eta + 1.0)
        r = float(rng.rand())
        if r < 0.5:  # move down, by at most the distance to the lower bound
            room = 1.0 - (param - low) / width
            shift = (2.0 * r + (1.0 - 2.0 * r) * room ** (self._eta + 1.0)) ** power - 1.0
        else:  # move up, by at most the distance to the upper bound
            room = 1.0 - (high - param) / width
            shift = 1.0 - (2.0 * (1.0 - r) + (2.0 * r - 1.0) * room ** (self._eta + 1.0)) ** power
        return min(max(param + shift * width, low), high)

    def __repr__(self) -> str:
        return f"PolynomialMutation(eta={self._eta})"
