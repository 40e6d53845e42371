"""TPESampler: the tree-structured Parzen estimator, hpint's default sampler.

Each trial splits the finished trials into good ones and the rest, fits a Parzen estimator ``l(x)`` to
the good and ``g(x)`` to the rest, draws candidates from ``l`` and keeps the one with the largest
``l(x) / g(x)``. The state a trial needs is an incrementally updated :class:`TrialHistory`, so the cost
of a suggestion is a few array operations, not a pass over every stored trial in Python; the kernels of
``g`` are kept between trials as well (``_rest_kernels.py``), so on long histories only the rows a new
trial touches are recomputed, and the best candidate is found from ``g``'s kernels near each candidate,
with the full densities computed only where that could change the choice (``_ratio.py``).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpint._thread_lock import ThreadLock
from hpint.distributions import BaseDistribution
from hpint.samplers._base import BaseSampler
from hpint.samplers._constraints import check_constraints_func, store_constraints
from hpint.samplers._random import sample_uniform
from hpint.samplers._tpe._parzen_parameters import ParzenParameters
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.samplers._tpe._history import TrialHistory
    from hpint.study._study import Study


class TPESampler(BaseSampler):
    """Tree-structured Parzen estimator: models good and bad regions from past trials, samples the good.

    Works for float (linear, log, stepped), int and categorical parameters, conditional (define-by-run)
    spaces, several objectives (good trials chosen by non-dominated rank, then by the hypervolume they
    keep) and parallel workers. The first ``n_startup_trials`` are random.

    Args:
        consider_prior: add a broad prior kernel to each estimator, so the search keeps exploring.
        prior_weight: weight of the prior kernel, relative to one trial's.
        consider_magic_clip: keep kernel widths from collapsing when trials cluster (l(x)'s smallest
            width shrinks with the number of trials, to 1% of the range from 297 trials on).
        consider_endpoints: let the bounds of a range narrow the outermost kernels.
        n_startup_trials: random trials before the model is used.
        n_ei_candidates: candidates drawn from ``l(x)`` per suggestion; the best ratio wins.
        gamma: ``gamma(n)`` is how many of ``n`` finished trials count as good.
        weights: ``weights(n)`` gives the ``n`` trials' kernel weights, oldest first. By default the
            rest's fade with age and, with one objective, the good trials weigh by rank (the best most).
        seed: makes the sequence of suggestions reproducible. Draws depend on the seed and the trial
            number, so a study resumed from storage continues exactly as an uninterrupted one would.
        multivariate: model the parameters jointly (captures interactions) instead of one at a time.
        group: with ``multivariate``, model each set of parameters that always appear together jointly, so
            conditional parameters are modelled jointly as well.
        warn_independent_sampling: accepted for compatibility; hpint does not warn.
        constant_liar: count RUNNING trials as bad, so parallel workers avoid each other's regions (on by
            default, as in Optuna 5; a study with no other running trial samples exactly as without it).
        constraints_func: ``constraints_func(frozen_trial) -> sequence of floats``, called when a trial
            completes or is pruned; a value ``> 0`` is violated. Constraint values set from the objective
            with ``trial.set_constraint`` count the same way, without it. Infeasible trials rank after
            every feasible one, by how much they violate, so l(x) models the feasible good region.

    Raises:
        ValueError: ``group=True`` with ``multivariate=False``, or a non-callable ``constraints_func``.
    """

    def __init__(
        self,
        *,
        consider_prior: bool = True,
        prior_weight: float = 1.0,
        consider_magic_clip: bool = True,
        consider_endpoints: bool = False,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: Callable[[int], int] | None = None,
        weights: Callable[[int], np.ndarray] | None = None,
        seed: int | None = None,
        multivariate: bool | None = None,
        group: bool = False,
        warn_independent_sampling: bool = False,
        constant_liar: bool = True,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        _check_args(prior_weight, n_startup_trials, n_ei_candidates, seed)
        if group and multivariate is False:
            raise ValueError("`group=True` needs `multivariate=True`; pass both or neither.")
        self._constraints_func = check_constraints_func(constraints_func)
        self._parzen = ParzenParameters(
            consider_prior=consider_prior,
            prior_weight=float(prior_weight),
            consider_magic_clip=consider_magic_clip,
            consider_endpoints=consider_endpoints,
        )
        self._n_startup_trials = n_startup_trials
        self._n_ei_candidates = n_ei_candidates
        self._gamma = gamma
        self._weights = weights
        self._seed = seed
        self._base_seed = _entropy() if seed is None else int(seed)
        self._multivariate = multivariate
        self._group = group
        self._constant_liar = constant_liar
        self._history: TrialHistory | None = None
        self._history_key: tuple[int, int] | None = None
        self._refreshed_for: int | None = None
        self._rng: np.random.RandomState | None = None
        self._lock = ThreadLock()

    @staticmethod
    def hyperopt_parameters() -> dict[str, Any]:
        """The settings of hyperopt 0.1.2, to pass as ``TPESampler(**TPESampler.hyperopt_parameters())``."""
        return {
            "consider_prior": True,
            "prior_weight": 1.0,
            "consider_magic_clip": True,
            "consider_endpoints": False,
            "n_startup_trials": 20,
            "n_ei_candidates": 24,
            "gamma": _hyperopt_gamma,
            "weights": None,
        }

    def reseed_rng(self) -> None:
        self._base_seed = _entropy()

    def _is_multivariate(self, study: Study) -> bool:
        if self._multivariate is not None:
            return self._multivariate
        return self._group or not study._is_multi_objective()

    # ---- the sampler interface ----
    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        if not self._is_multivariate(study):
            return {}
        with self._lock:
            history = self._refresh(study, trial)
            if self._group:
                spaces = history.groups.search_spaces
                space = {k: v for sub in spaces for k, v in sub.items()}
            else:
                space = history.intersection or {}
            return {k: v for k, v in sorted(space.items()) if not v.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock:
            history = self._refresh(study, trial)
            if history.n < self._n_startup_trials:
                return {}
            if not self._group:
                return self._sample(study, history, trial, search_space)
            params: dict[str, Any] = {}
            for sub in history.groups.search_spaces:
                part = {k: v for k, v in sub.items() if k in search_space}
                if part:
                    params.update(self._sample(study, history, trial, part))
            return params

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        with self._lock:
            history = self._refresh(study, trial)
            if history.n < self._n_startup_trials:
                return self._uniform(trial, param_name, param_distribution)
            return self._sample(study, history, trial, {param_name: param_distribution})[param_name]

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        store_constraints(study, trial, state, values, self._constraints_func)

    # ---- internals ----
    def _refresh(self, study: Study, trial: FrozenTrial) -> TrialHistory:
        """The study's history, re-read at most once per trial (one storage read per suggestion round)."""
        from hpint.samplers._tpe._history import TrialHistory

        key = (id(study._storage), study._study_id)
        if self._history is None or self._history_key != key:
            self._history, self._history_key, self._refreshed_for = TrialHistory(study.directions), key, None
        if self._refreshed_for != trial._trial_id:
            self._history.update(study._read_trials())
            self._refreshed_for = trial._trial_id
        return self._history

    def _sample(
        self, study: Study, history: TrialHistory, trial: FrozenTrial, space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        from hpint.samplers._tpe._propose import Settings, make_rng, propose

        settings = Settings(
            parzen=self._parzen,
            n_ei_candidates=self._n_ei_candidates,
            gamma=self._gamma,
            weights=self._weights,
            constant_liar=self._constant_liar,
            multi_objective=study._is_multi_objective(),
        )
        rng = make_rng(self._base_seed, trial.number, "|".join(sorted(space)), self._reusable_rng())
        return propose(history, space, trial, rng, settings)

    def _uniform(self, trial: FrozenTrial, name: str, dist: BaseDistribution) -> Any:
        from hpint.samplers._tpe._propose import make_rng

        return sample_uniform(make_rng(self._base_seed, trial.number, name, self._reusable_rng()), dist)

    def _reusable_rng(self) -> np.random.RandomState:
        """One generator re-seeded per draw (callers hold ``self._lock``), see ``make_rng``."""
        if self._rng is None:
            import numpy as np

            self._rng = np.random.RandomState()
        return self._rng

    def __repr__(self) -> str:
        return f"TPESampler(seed={self._seed!r}, multivariate={self._multivariate!r}, group={self._group!r})"


def _hyperopt_gamma(n: int) -> int:
    from hpint.samplers._tpe._split import hyperopt_default_gamma

    return hyperopt_default_gamma(n)


def _entropy() -> int:
    return int.from_bytes(os.urandom(8), "little")


def _check_args(prior_weight: float, n_startup_trials: int, n_ei_candidates: int, seed: int | None) -> None:
    if not prior_weight > 0:
        raise ValueError(f"`prior_weight` must be positive, not {prior_weight!r}.")
    if isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int) or n_startup_trials < 0:
        raise ValueError(f"`n_startup_trials` must be a non-negative integer, not {n_startup_trials!r}.")
    if isinstance(n_ei_candidates, bool) or not isinstance(n_ei_candidates, int) or n_ei_candidates < 1:
        raise ValueError(f"`n_ei_candidates` must be a positive integer, not {n_ei_candidates!r}.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"`seed` must be an integer or None, not {type(seed).__name__} ({seed!r}).")
