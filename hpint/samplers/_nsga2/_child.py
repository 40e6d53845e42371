"""Making one child from parent trials: crossover of numeric parameters, uniform mix of categorical ones,
and the mutation of chosen numeric parameters by a mutation operator.

Numeric parameters are mapped to a continuous space first (``log`` parameters on the log scale), crossed
there, then mapped back and rounded onto their grid (integers, ``step``), so every operator sees plain
real numbers and every child value is a legal value of its distribution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution

if TYPE_CHECKING:
    import numpy as np

    from hpint.samplers._nsga2._crossovers import BaseCrossover
    from hpint.samplers._nsga2._mutations import BaseMutation
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial

_MAX_REDRAWS = 16  # children outside the bounds are drawn again this many times, then clipped


def make_child(
    study: Study,
    parents: Sequence[FrozenTrial],
    search_space: dict[str, BaseDistribution],
    crossover: BaseCrossover,
    swapping_prob: float,
    rng: np.random.RandomState,
) -> dict[str, Any]:
    """The child's parameters (external representation) for every name in ``search_space``."""
    import numpy as np

    numeric = [name for name, d in search_space.items() if not isinstance(d, CategoricalDistribution)]
    child: dict[str, Any] = {}
    if numeric:
        dists = [search_space[name] for name in numeric]
        bounds = np.array([to_continuous_bounds(d) for d in dists], dtype=float)
        parents_params = np.array(
            [[to_continuous(p.params[name], search_space[name]) for name in numeric] for p in parents]
        )
        x = _cross_within_bounds(study, crossover, parents_params, bounds, rng)
        child.update({name: from_continuous(float(v), d) for name, v, d in zip(numeric, x, dists)})
    for name, dist in search_space.items():
        if isinstance(dist, CategoricalDistribution):
            donor = parents[1] if len(parents) > 1 and rng.rand() < swapping_prob else parents[0]
            child[name] = donor.params[name]
    return child


def _cross_within_bounds(
    study: Study,
    crossover: BaseCrossover,
    parents_params: np.ndarray,
    bounds: np.ndarray,
    rng: np.random.RandomState,
) -> np.ndarray:
    import numpy as np

    low, high = bounds[:, 0], bounds[:, 1]
    for _ in range(_MAX_REDRAWS):
        x = np.asarray(crossover.crossover(parents_params, rng, study, bounds), dtype=float)
        if x.shape != low.shape:
            raise ValueError(
                f"{crossover!r}.crossover returned shape {x.shape}; expected {low.shape} (one value per "
                "numeric parameter)."
            )
        if np.all((x >= low) & (x <= high)):
            return x
    return np.clip(x, low, high)


def mutate(
    study: Study,
    child: dict[str, Any],
    names: Sequence[str],
    search_space: dict[str, BaseDistribution],
    mutation: BaseMutation,
    rng: np.random.RandomState,
) -> dict[str, Any]:
    """``child`` with the numeric parameters in ``names`` mutated and the categorical ones left out.

    A left-out parameter is drawn afresh by the sampler's independent sampling: a mutation operator
    works on numbers, and a categorical value has no neighbours to move to.
    """
    chosen = set(names)
    result: dict[str, Any] = {}
    for name, value in child.items():
        dist = search_space[name]
        if name not in chosen:
            result[name] = value
        elif not isinstance(dist, CategoricalDistribution):
            result[name] = _mutated_value(study, name, value, dist, mutation, rng)
    return result


def _mutated_value(
    study: Study,
    name: str,
    value: Any,
    dist: BaseDistribution,
    mutation: BaseMutation,
    rng: np.random.RandomState,
) -> Any:
    """One parameter's mutated value (external representation), clipped to its bounds."""
    import numpy as np

    low, high = to_continuous_bounds(dist)
    x = mutation.mutation(to_continuous(value, dist), rng, study, np.array([low, high]))
    try:
        y = float(x) if not isinstance(x, (bool, str, bytes)) else math.nan
    except (TypeError, ValueError):
        y = math.nan
    if not math.isfinite(y):
        raise ValueError(f"{mutation!r}.mutation returned {x!r} for {name!r}; expected a finite float.")
    return from_continuous(min(max(y, low), high), dist)


def to_continuous_bounds(dist: BaseDistribution) -> tuple[float, float]:
    """``(low, high)`` of a numeric distribution in the continuous space."""
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    if dist.log:
        return math.log(dist.low), math.log(dist.high)
    return float(dist.low), float(dist.high)


def to_continuous(value: Any, dist: BaseDistribution) -> float:
    """One numeric parameter value in the continuous space (its log when ``log``)."""
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    return math.log(value) if dist.log else float(value)


def from_continuous(x: float, dist: BaseDistribution) -> Any:
    """The legal value of ``dist`` nearest to continuous coordinate ``x`` (external representation)."""
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    value = math.exp(x) if dist.log else x
    step = dist.step if not dist.log else (1 if isinstance(dist, IntDistribution) else None)
    if step is not None:
        value = dist.low + round((value - dist.low) / step) * step
    value = min(max(value, dist.low), dist.high)
    if isinstance(dist, IntDistribution):
        return int(round(value))
    return float(value)
