"""GPSampler: Bayesian optimisation with a Gaussian process and log expected improvement."""

from __future__ import annotations

import numbers
import os
import zlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging
from hpint._direction import StudyDirection
from hpint.distributions import BaseDistribution
from hpint.samplers._base import BaseSampler
from hpint.samplers._constraints import check_constraints_func, store_constraints
from hpint.samplers._random import sample_uniform
from hpint.search_space._intersection import IntersectionSearchSpace
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study

_logger = _logging.get_logger("hpint.samplers")


def _import_scipy() -> None:
    try:
        import scipy  # noqa: F401
    except ImportError as e:  # pragma: no cover - scipy is installed in development
        raise ImportError('GPSampler needs scipy: pip install "hpint[scipy]"') from e


class GPSampler(BaseSampler):
    """Gaussian-process Bayesian optimisation, for small budgets (about 10 to 100 trials).

    After ``n_startup_trials`` random trials, each trial fits a GP (Matérn-5/2 kernel, one lengthscale
    per input, hyperparameters by maximum a posteriori with numpy/scipy) to the COMPLETE trials over the
    parameters they all share, and suggests the point of largest log expected improvement. Float, log,
    int and stepped parameters are modelled on the unit interval and rounded to their grid; categorical
    parameters are one-hot encoded and modelled jointly. Parameters outside the shared space (e.g.
    conditional ones) are drawn by ``independent_sampler``. Objective values are log-warped (the bad tail
    compressed) and standardised, and the GP's prior mean is the worst value seen, so that unexplored
    corners of a many-dimensional space do not win the acquisition merely by being far from the data.

    With constraints (a ``constraints_func``, or ``trial.set_constraint`` in the objective), each
    constraint gets its own GP and the acquisition is log-EI over the best *feasible* value plus, per
    constraint, the log probability that it is ``<= 0``; until a trial is feasible, only that probability
    is maximised. Constraints are modelled as independent of each other and of the objective.

    Each suggestion costs a model fit, which grows with the cube of the number of trials: for long
    studies prefer TPE.

    Args:
        seed: makes the sequence of suggestions reproducible. Draws depend on the seed and the trial
            number only, so a study resumed from storage continues as an uninterrupted one would.
        independent_sampler: draws parameters outside the GP's space (default: uniform random).
        n_startup_trials: random trials before the GP is used.
        deterministic_objective: the objective (and constraints) have no noise; fix the GPs' noise at a
            tiny value.
        constraints_func: ``constraints_func(frozen_trial) -> sequence of floats``, called when a trial
            ends; a value ``<= 0`` is satisfied. Values stored with ``trial.set_constraint`` count the
            same way, without it. Only COMPLETE trials are modelled.
        warn_independent_sampling: log a warning when a parameter is drawn independently after the
            start-up trials.

    Raises:
        ValueError: a bad argument (e.g. a ``constraints_func`` that is not callable); or, at the first
            trial, a study with several objectives.
        ImportError: scipy is not installed.
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        n_startup_trials: int = 10,
        deterministic_objective: bool = False,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        warn_independent_sampling: bool = True,
    ) -> None:
        _import_scipy()
        n = n_startup_trials
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"`n_startup_trials` must be a non-negative integer, not {n_startup_trials!r}.")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise TypeError(f"`seed` must be an integer or None, not {type(seed).__name__} ({seed!r}).")
        if independent_sampler is not None and not isinstance(independent_sampler, BaseSampler):
            raise ValueError(f"`independent_sampler` must be a sampler, not {independent_sampler!r}.")
        self._seed = seed
        self._base_seed = int.from_bytes(os.urandom(8), "little") if seed is None else int(seed)
        self._independent_sampler = independent_sampler
        self._n_startup_trials = n_startup_trials
        self._deterministic = bool(deterministic_objective)
        self._warn_independent_sampling = warn_independent_sampling
        self._constraints_func = check_constraints_func(constraints_func)
        self._search_space = IntersectionSearchSpace()

    def reseed_rng(self) -> None:
        self._base_seed = int.from_bytes(os.urandom(8), "little")
        if self._independent_sampler is not None:
            self._independent_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        if study._is_multi_objective():
            raise ValueError(
                "GPSampler supports single-objective studies only; use TPESampler or NSGAIISampler."
            )
        space = self._search_space.calculate(study)
        return {k: v for k, v in space.items() if not v.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        usable = [t for t in trials if all(k in t.params for k in search_space)]
        if len(usable) < self._n_startup_trials or not usable:
            return {}
        from hpint.samplers._gp._propose import propose

        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        rng = self._rng(trial.number, "|".join(sorted(search_space)))
        return propose(search_space, usable, sign, rng, self._deterministic)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if self._warn_independent_sampling:
            n_complete = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
            if n_complete >= max(self._n_startup_trials, 1):
                _logger.warning(
                    f"GPSampler draws parameter {param_name!r} of trial {trial.number} independently: it is "
                    "not in every completed trial's search space."
                )
        if self._independent_sampler is not None:
            return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)
        return sample_uniform(self._rng(trial.number, param_name), param_distribution)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        store_constraints(study, trial, state, values, self._constraints_func)

    def _rng(self, trial_number: int, key: str) -> np.random.RandomState:
        import numpy as np

        seed = self._base_seed
        words = [seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF, trial_number & 0xFFFFFFFF]
        return np.random.RandomState(words + [zlib.crc32(key.encode())])

    def __repr__(self) -> str:
        return f"GPSampler(seed={self._seed!r}, n_startup_trials={self._n_startup_trials!r})"
