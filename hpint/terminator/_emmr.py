"""EMMREvaluator: how much the expected minimum model regret changed with the latest trial."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from hpint._direction import StudyDirection
from hpint.terminator._base import BaseImprovementEvaluator
from hpint.terminator._common import (
    best_index,
    check_int,
    check_open_unit,
    check_seed,
    complete_trials,
    loss_sign,
)
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.samplers._gp._space import EncodedSpace

_VARIANCE_FLOOR = 1e-10


class EMMREvaluator(BaseImprovementEvaluator):
    """Upper bound on how much the expected minimum model regret changed with the latest trial.

    Ishibashi et al. (2023, "A stopping criterion for Bayesian optimization by the gap of expected minimum
    simple regrets") bound that change by two parts, computed here from GPs fitted to the COMPLETE trials
    before and after the latest one: how far the model's predicted best value may have moved (the expected
    positive part of the difference of the two predicted minima), plus the regret bound before the latest
    trial times ``sqrt(KL / 2)``, where KL measures how much the latest observation changed the posterior.
    When new trials stop changing the model's view of the optimum, the value falls towards zero. It is in
    units of the standardised objective (standard deviations of the values so far), so pair it with
    :class:`MedianErrorEvaluator`, whose threshold is relative to this evaluator's own early values.

    Args:
        deterministic_objective: the objective has no noise; the GPs' noise is fixed at a tiny value.
        delta: the confidence parameter of the regret bound, in ``(0, 1)``: smaller is more cautious.
        min_n_trials: below this many COMPLETE trials (at least 2) the value is ``inf`` (never stop).
        seed: seeds the points at which the regret bound looks for the search space's lowest bound.

    Raises:
        ValueError: a bad argument.
        ImportError: scipy is not installed.
    """

    def __init__(
        self,
        deterministic_objective: bool = False,
        delta: float = 0.1,
        min_n_trials: int = 2,
        seed: int | None = None,
    ) -> None:
        from hpint.terminator._gp import require_scipy

        require_scipy(type(self).__name__)
        if not isinstance(deterministic_objective, bool):
            raise ValueError(f"`deterministic_objective` must be a bool, not {deterministic_objective!r}.")
        self._deterministic = deterministic_objective
        self._delta = check_open_unit("delta", delta)
        self.min_n_trials = check_int("min_n_trials", min_n_trials, 2)
        self._seed = check_seed(seed)
        self._rng = np.random.RandomState(seed)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        from hpint.samplers._gp._threads import single_blas_thread
        from hpint.search_space._intersection import intersection_search_space
        from hpint.terminator._gp import encode_trials, standardize

        sign = loss_sign(study_direction)
        complete = complete_trials(trials)
        if len(complete) < self.min_n_trials:
            return math.inf
        space_dict = intersection_search_space(complete)
        if not space_dict:
            warnings.warn(
                "EMMREvaluator: the complete trials share no parameter, so it cannot model the "
                "objective; it returns inf and the study will not be terminated.",
                UserWarning,
                stacklevel=2,
            )
            return math.inf
        space, x, losses = encode_trials(complete, space_dict, sign)
        y, _ = standardize(losses)  # one standardisation for both models: their predictions share units
        with single_blas_thread():
            return self._criterion(space, x, y)

    def _criterion(self, space: EncodedSpace, x: np.ndarray, y: np.ndarray) -> float:
        """The bound of Ishibashi et al.'s Theorem 1 for the latest row of ``(x, y)``, losses standardised."""
        moved, kappa, kl = self._terms(space, x, y)
        return moved + kappa * math.sqrt(kl / 2.0)

    def _terms(self, space: EncodedSpace, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
        """How far the predicted best may have moved, the regret bound before the latest trial, and KL."""
        from hpint.samplers._gp._model import build, fit
        from hpint.terminator._gp import confidence_width, regret_bound

        before = fit(x[:-1], y[:-1], self._deterministic)
        after = fit(x, y, self._deterministic)
        best_after, best_before = best_index(list(y)), best_index(list(y[:-1]))
        shift = float(after.posterior(x[[best_after]])[0][0] - before.posterior(x[[best_before]])[0][0])
        pair = x[[best_after, best_before]]
        cov = after.covariance(pair, pair)
        spread = math.sqrt(max(cov[0, 0] - 2.0 * cov[0, 1] + cov[1, 1], _VARIANCE_FLOOR))
        # The posteriors with and without the latest observation, both with `after`'s hyperparameters
        # (the same prior), so that only the data differ.
        without_latest = build(x[:-1], y[:-1], after.theta, fixed_noise=after.noise)
        mean, var = (float(a[0]) for a in without_latest.posterior(x[-1:]))
        kl = posterior_kl(var, after.noise, float(y[-1]) - mean)
        width = confidence_width(len(space.names), len(x) - 1, self._delta)
        kappa = regret_bound(before, space, x[:-1], width, self._rng)
        return expected_positive_part(shift, spread), kappa, kl

    def __repr__(self) -> str:
        return (
            f"EMMREvaluator(deterministic_objective={self._deterministic!r}, delta={self._delta!r}, "
            f"min_n_trials={self.min_n_trials!r}, seed={self._seed!r})"
        )


def expected_positive_part(mean: float, sd: float) -> float:
    """``E[max(D, 0)]`` for ``D ~ N(mean, sd ** 2)``: ``sd * (phi(z) + z Phi(z))`` with ``z = mean / sd``."""
    from hpint.samplers._gp._normal import log_h

    return sd * math.exp(float(log_h(np.array([mean / sd]))[0]))


def posterior_kl(prior_var: float, noise: float, residual: float) -> float:
    """KL divergence between a GP posterior after one more observation and the one before it.

    ``prior_var`` and ``residual`` are the variance and the observation's distance from the mean of the
    posterior before it, at the observed point; ``noise`` the observation noise variance. Ishibashi et al.
    (2023), eq. 4, with their ``lambda`` the inverse noise variance.
    """
    total = prior_var + noise
    value = math.log1p(prior_var / noise) - prior_var / total + prior_var * residual**2 / total**2
    return max(0.5 * value, 0.0)
