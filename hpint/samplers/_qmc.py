"""QMCSampler: quasi-Monte Carlo points (Sobol or Halton) from ``scipy.stats.qmc``.

Low-discrepancy points cover a space more evenly than random ones, which helps when only a few trials
fit the budget. The trick with several workers is to never hand out one point twice: trial number ``k``
gets point ``k`` of the sequence, and the storage already makes trial numbers unique and gap-free across
processes, so no extra coordination (and no race) is needed.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging
from hpint._thread_lock import ThreadLock
from hpint.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.samplers._base import BaseSampler
from hpint.samplers._random import RandomSampler
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study

_logger = _logging.get_logger("hpint.samplers")

_SEED_KEY = "qmc:seed"
_QMC_TYPES = ("sobol", "halton")


def _import_qmc() -> Any:
    try:
        from scipy.stats import qmc
    except ImportError as e:  # pragma: no cover - scipy is installed in development
        raise ImportError('QMCSampler needs scipy: pip install "hpint[scipy]"') from e
    return qmc


class QMCSampler(BaseSampler):
    """Draw trial ``k``'s parameters from point ``k`` of a Sobol or Halton sequence.

    The search space is that of the first finished trial (drawn by ``independent_sampler``, as nothing is
    known before); parameters outside it are drawn by ``independent_sampler`` too. Categorical parameters
    take the choice whose equal-width slice of ``[0, 1)`` holds the coordinate.

    Args:
        qmc_type: ``"sobol"`` or ``"halton"``.
        scramble: randomise the sequence (Owen scrambling for Sobol, permutations for Halton). Without a
            ``seed``, the scrambling seed is chosen once and stored in the study, so every worker uses the
            same sequence.
        seed: seed of the scrambling and of the default independent sampler.
        independent_sampler: sampler for parameters outside the QMC space (default ``RandomSampler``).
        warn_asynchronous_seeding: accepted for compatibility; hpint stores the scrambling seed in the
            study instead, so workers never disagree on it.
        warn_independent_sampling: warn when a parameter outside the QMC space is drawn independently.

    Raises:
        ValueError: an unknown ``qmc_type``.
    """

    def __init__(
        self,
        *,
        qmc_type: str = "sobol",
        scramble: bool = False,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        warn_asynchronous_seeding: bool = True,
        warn_independent_sampling: bool = True,
    ) -> None:
        if qmc_type not in _QMC_TYPES:
            raise ValueError(f"`qmc_type` must be one of {_QMC_TYPES}, not {qmc_type!r}.")
        self._qmc_type = qmc_type
        self._scramble = scramble
        self._seed = seed
        self._independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self._warn_independent_sampling = warn_independent_sampling
        self._initial_space: dict[str, BaseDistribution] | None = None
        self._engine: Any = None
        self._engine_key: tuple | None = None
        self._engine_next = 0  # index of the point the engine returns next
        self._lock = ThreadLock()

    def reseed_rng(self) -> None:
        self._independent_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        if self._initial_space is None:
            first = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if not first:
                return {}
            self._initial_space = {k: v for k, v in sorted(first[0].distributions.items()) if not v.single()}
        return dict(self._initial_space)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        point = self._point(study, len(search_space), trial.number)
        return {name: from_unit(u, dist) for u, (name, dist) in zip(point, search_space.items())}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if self._initial_space is not None and self._warn_independent_sampling:
            warnings.warn(
                f"QMCSampler draws parameter {param_name!r} of trial {trial.number} with "
                f"{type(self._independent_sampler).__name__}: it is not in the space of the first "
                f"finished trial.",
                stacklevel=2,
            )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def _point(self, study: Study, dim: int, index: int) -> np.ndarray:
        seed = self._scramble_seed(study)
        with self._lock:
            key = (dim, seed)
            if self._engine_key != key or index < self._engine_next:
                self._engine = make_engine(self._qmc_type, dim, self._scramble, seed)
                self._engine_key, self._engine_next = key, 0
            with warnings.catch_warnings():
                # Sobol warns when the number of points drawn is not a power of two; a study never is.
                warnings.simplefilter("ignore", UserWarning)
                if index > self._engine_next:
                    self._engine.fast_forward(index - self._engine_next)
                point = self._engine.random(1)[0]
            self._engine_next = index + 1
        return point

    def _scramble_seed(self, study: Study) -> int | None:
        if not self._scramble:
            return None
        if self._seed is not None:
            return self._seed
        attrs = study._storage.get_study_system_attrs(study._study_id)
        if _SEED_KEY not in attrs:
            # The first worker picks the seed; the others read it. A derived default keeps two workers that
            # race here on one sequence most of the time; the stored value settles it afterwards.
            digest = hashlib.sha256(f"{study.study_name}:{study._study_id}".encode()).digest()
            study._storage.set_study_system_attr(
                study._study_id, _SEED_KEY, int.from_bytes(digest[:4], "big")
            )
            attrs = study._storage.get_study_system_attrs(study._study_id)
        return int(attrs[_SEED_KEY])

    def __repr__(self) -> str:
        return f"QMCSampler(qmc_type={self._qmc_type!r}, scramble={self._scramble}, seed={self._seed!r})"


def make_engine(qmc_type: str, dim: int, scramble: bool, seed: int | None) -> Any:
    """A fresh scipy QMC engine of ``qmc_type`` over ``[0, 1)^dim``."""
    qmc = _import_qmc()
    if qmc_type == "sobol":
        return qmc.Sobol(dim, scramble=scramble, seed=seed)
    return qmc.Halton(dim, scramble=scramble, seed=seed)


def from_unit(u: float, dist: BaseDistribution) -> Any:
    """The value of ``dist`` at coordinate ``u`` in ``[0, 1)`` (external representation)."""
    u = min(max(float(u), 0.0), 1.0 - 1e-12)
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[int(u * len(dist.choices))]
    if isinstance(dist, IntDistribution):
        if dist.log:
            lo, hi = math.log(dist.low - 0.5), math.log(dist.high + 0.5)
            return int(min(max(round(math.exp(lo + u * (hi - lo))), dist.low), dist.high))
        n = (dist.high - dist.low) // dist.step + 1
        return int(dist.low + dist.step * int(u * n))
    if isinstance(dist, FloatDistribution):
        if dist.log:
            lo, hi = math.log(dist.low), math.log(dist.high)
            return float(min(max(math.exp(lo + u * (hi - lo)), dist.low), dist.high))
        if dist.step is not None:
            n = int(round((dist.high - dist.low) / dist.step)) + 1
            return float(min(dist.low + dist.step * int(u * n), dist.high))
        return float(dist.low + u * (dist.high - dist.low))
    raise TypeError(f"Unknown distribution {dist!r}.")
