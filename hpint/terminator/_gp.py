"""The GP side of the terminator: trials to unit-cube rows, a fitted model, and the regret bound.

Reuses the GP sampler's model (``hpint.samplers._gp``): the same encoding, Matérn-5/2 kernel and MAP fit.
Unlike the sampler, values are standardised but not warped (a bound in warped units could not be compared
with an error in the objective's units) and the prior mean is their average, not the worst value.
"""

from __future__ import annotations

import math

import numpy as np

from hpint.distributions import BaseDistribution
from hpint.samplers._gp._model import GPModel
from hpint.samplers._gp._space import EncodedSpace
from hpint.search_space._intersection import intersection_search_space
from hpint.trial._frozen import FrozenTrial

#: Uniform points at which the lowest lower confidence bound over the search space is looked for.
N_SEARCH_SAMPLES = 2048


def require_scipy(owner: str) -> None:
    """``ImportError`` naming the extra to install if scipy, which the GP fit needs, is missing."""
    try:
        import scipy  # noqa: F401
    except ImportError as e:  # pragma: no cover - scipy is installed in development
        message = f'{owner} fits a Gaussian process, which needs scipy: pip install "hpint[scipy]"'
        raise ImportError(message) from e


def search_space(trials: list[FrozenTrial], owner: str) -> dict[str, BaseDistribution]:
    """The parameters every COMPLETE trial of ``trials`` shares; ``ValueError`` if there are none."""
    space = intersection_search_space(trials)
    if not space:
        raise ValueError(
            f"{owner} needs parameters shared by every complete trial, and the trials share none "
            "(their intersection search space is empty)."
        )
    return space


def encode_trials(
    trials: list[FrozenTrial], space: dict[str, BaseDistribution], sign: float
) -> tuple[EncodedSpace, np.ndarray, np.ndarray]:
    """The encoded ``space``, the COMPLETE ``trials`` as its unit-cube rows, and their values as losses
    (an infinite value clipped to the finite extremes, as the GP sampler does)."""
    from hpint.samplers._gp._propose import clip_infinite

    encoded = EncodedSpace(space)
    x = encoded.encode([t.params for t in trials])
    return encoded, x, clip_infinite(sign * np.array([t.values[0] for t in trials], dtype=float))


def standardize(values: np.ndarray) -> tuple[np.ndarray, float]:
    """``(values - mean) / std`` and ``std`` (1 for a constant series, so the result is all zeros)."""
    std = float(values.std())
    scale = std if std > 0 else 1.0
    return (values - values.mean()) / scale, scale


def confidence_width(n_params: int, n_points: int, delta: float) -> float:
    """``sqrt(beta)``: how many posterior standard deviations the confidence bounds reach.

    ``beta = 2 log(d t^2 pi^2 / (6 delta)) / 5`` for ``d`` parameters and ``t`` points: the GP-UCB
    schedule of Srinivas et al. (2010), scaled down by 5 as Makarova et al. (2022) do in their experiments.
    """
    beta = 2.0 * math.log(n_params * n_points**2 * math.pi**2 / (6.0 * delta)) / 5.0
    return math.sqrt(max(beta, 0.0))


def regret_bound(
    model: GPModel,
    space: EncodedSpace,
    candidates: np.ndarray,
    width: float,
    rng: np.random.RandomState,
) -> float:
    """An upper bound on the simple regret of the best of ``candidates``, for a loss (lower is better).

    The best candidate is at most ``min UCB(candidates)`` (with high probability) and the optimum at least
    ``min LCB`` over the search space, so their difference bounds how far the incumbent is from the optimum.
    The search-space minimum is taken over uniform samples and the candidates themselves; it is never below
    zero. In the units of the model's targets.
    """
    mean, var = model.posterior(candidates)
    best_upper = float(np.min(mean + width * np.sqrt(var)))
    pool = np.vstack([space.sample(rng, N_SEARCH_SAMPLES), candidates])
    mean, var = model.posterior(pool)
    lowest_lower = float(np.min(mean - width * np.sqrt(var)))
    return max(best_upper - lowest_lower, 0.0)
