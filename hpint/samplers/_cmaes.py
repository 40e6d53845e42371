"""CmaEsSampler: the covariance matrix adaptation evolution strategy, through the ``cmaes`` package.

CMA-ES adapts a Gaussian to the good region of a continuous space, one generation (``popsize`` trials)
at a time. The state it needs between generations is pickled into the system attributes of the trial
that completed a generation, so any process reading the storage resumes the same run: every worker
finds the newest state, tells it the finished generation if that is complete (deterministically: the
first ``popsize`` finished trials by number), and asks for a point with a random seed derived from the
trial number, so two workers never draw the same point.
"""

from __future__ import annotations

import base64
import hashlib
import math
import pickle
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint._direction import StudyDirection
from hpint.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.samplers._base import BaseSampler
from hpint.samplers._random import RandomSampler
from hpint.search_space._intersection import IntersectionSearchSpace
from hpint.storages._base import TrialUpdate
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study

_PREFIX = "cma"
_CHUNK = 30_000  # characters per stored chunk: well inside any SQL text column
_RESTART_STRATEGIES = (None, "ipop", "bipop")


def _import_cmaes() -> Any:
    try:
        import cmaes
    except ImportError as e:
        raise ImportError('CmaEsSampler needs the cmaes package: pip install "hpint[cmaes]"') from e
    return cmaes


class CmaEsSampler(BaseSampler):
    """CMA-ES over the numeric parameters every finished trial shares; others go to an independent sampler.

    Args:
        x0: initial mean, as external parameter values (default: the centre of each range).
        sigma0: initial step size in the transformed space (default: a sixth of the narrowest range).
        n_startup_trials: trials drawn by ``independent_sampler`` before CMA-ES starts.
        independent_sampler: draws categorical parameters, parameters outside the joint space and the
            start-up trials (default ``RandomSampler(seed)``).
        warn_independent_sampling: warn when a parameter is drawn independently after the start-up.
        seed: makes the sequence reproducible (the draw of each trial depends on seed and trial number).
        restart_strategy: ``None``, ``"ipop"`` (restart with a doubled population when the run stalls) or
            ``"bipop"`` (alternate large and small populations, balancing their budgets).
        popsize: population size (default ``4 + floor(3 ln n)``).
        inc_popsize: population growth factor at each IPOP (large BIPOP) restart.
        use_separable_cma: diagonal covariance (sep-CMA): cheaper, better for many weakly coupled params.
        with_margin: CMA-ES with margin for integer and stepped float parameters, so they never get stuck
            on one value.
        lr_adapt: learning-rate adaptation (helps on noisy and multimodal problems).

    Raises:
        ValueError: an unknown ``restart_strategy``, ``with_margin`` together with ``use_separable_cma``,
            or a non-positive ``sigma0``, ``popsize`` or ``n_startup_trials`` below 0.
    """

    def __init__(
        self,
        x0: dict[str, Any] | None = None,
        sigma0: float | None = None,
        n_startup_trials: int = 1,
        independent_sampler: BaseSampler | None = None,
        warn_independent_sampling: bool = True,
        seed: int | None = None,
        *,
        consider_pruned_trials: bool = False,
        restart_strategy: str | None = None,
        popsize: int | None = None,
        inc_popsize: int = 2,
        use_separable_cma: bool = False,
        with_margin: bool = False,
        lr_adapt: bool = False,
        source_trials: Sequence[FrozenTrial] | None = None,
    ) -> None:
        _check_args(restart_strategy, use_separable_cma, with_margin, sigma0, popsize, n_startup_trials)
        if source_trials is not None:
            raise ValueError("`source_trials` (warm-starting CMA-ES) is not supported by hpint.")
        self._x0 = x0
        self._sigma0 = sigma0
        self._n_startup_trials = n_startup_trials
        self._independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self._warn_independent_sampling = warn_independent_sampling
        self._seed = seed
        self._consider_pruned_trials = consider_pruned_trials
        self._restart_strategy = restart_strategy
        self._popsize = popsize
        self._inc_popsize = inc_popsize
        self._use_separable_cma = use_separable_cma
        self._with_margin = with_margin
        self._lr_adapt = lr_adapt
        self._search_space = IntersectionSearchSpace()
        import numpy as np

        self._rng = np.random.RandomState(seed)

    def reseed_rng(self) -> None:
        import numpy as np

        self._rng = np.random.RandomState()
        self._independent_sampler.reseed_rng()

    # ---- the sampler contract ----
    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        space = self._search_space.calculate(study)
        return {
            name: dist
            for name, dist in space.items()
            if not dist.single() and not isinstance(dist, CategoricalDistribution)
        }

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space or len(study.directions) > 1:
            return {}
        trials = study.get_trials(deepcopy=False)
        if sum(t.state == TrialState.COMPLETE for t in trials) < self._n_startup_trials:
            return {}
        cmaes = _import_cmaes()
        codec = _Codec(search_space, self._with_margin)
        prefix = f"{_PREFIX}:{_space_key(search_space)}"
        state = _load_state(trials, prefix) or self._new_state(cmaes, codec, trial, restart=None)
        if self._tell_if_complete(study, trials, prefix, state):
            if state["optimizer"].should_stop() and self._restart_strategy is not None:
                state = self._new_state(cmaes, codec, trial, restart=state)
            _save_state(study, trial, prefix, state)
        optimizer = state["optimizer"]
        optimizer.reseed_rng(self._trial_seed(trial))
        x_eval, x_tell = _ask(optimizer)
        tag = [state["restart"], optimizer.generation]
        study._storage.update_trial(
            trial._trial_id,
            TrialUpdate(
                system_attrs={f"{prefix}:generation": tag, f"{prefix}:x": [float(v) for v in x_tell]}
            ),
        )
        return codec.decode(x_eval)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if self._warn_independent_sampling and not isinstance(param_distribution, CategoricalDistribution):
            n_complete = study._storage.get_n_trials(study._study_id, states=(TrialState.COMPLETE,))
            if n_complete >= max(self._n_startup_trials, 1):
                warnings.warn(
                    f"CmaEsSampler draws parameter {param_name!r} of trial {trial.number} with "
                    f"{type(self._independent_sampler).__name__}: it is not in every finished trial.",
                    stacklevel=2,
                )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        self._independent_sampler.after_trial(study, trial, state, values)

    # ---- CMA-ES state ----
    def _tell_if_complete(self, study: Study, trials: list[FrozenTrial], prefix: str, state: dict) -> bool:
        """Tell the optimizer its current generation if enough trials of it finished; True if told."""
        import numpy as np

        optimizer = state["optimizer"]
        tag = [state["restart"], optimizer.generation]
        states = (
            (TrialState.COMPLETE, TrialState.PRUNED)
            if self._consider_pruned_trials
            else (TrialState.COMPLETE,)
        )
        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        solutions = [
            (np.asarray(t.system_attrs[f"{prefix}:x"], dtype=float), sign * t.values[0])
            for t in trials
            if t.state in states and t.values and t.system_attrs.get(f"{prefix}:generation") == tag
        ]
        if len(solutions) < optimizer.population_size:
            return False
        optimizer.tell(solutions[: optimizer.population_size])
        state["n_evals"][state["regime"]] += optimizer.population_size
        return True

    def _new_state(self, cmaes: Any, codec: _Codec, trial: FrozenTrial, restart: dict | None) -> dict:
        """A first optimizer (``restart`` is None) or the next one after ``restart`` stalled."""
        import numpy as np

        mean = codec.encode_mean(self._x0)
        sigma = self._sigma0 if self._sigma0 is not None else codec.default_sigma()
        popsize = self._popsize
        if restart is None:
            n_restarts, regime, n_evals, popsize_large = 0, "large", {"large": 0, "small": 0}, popsize
        else:
            n_restarts, n_evals = restart["restart"] + 1, restart["n_evals"]
            default = 4 + math.floor(3 * math.log(codec.dim))
            base = self._popsize or default
            popsize_large = restart["popsize_large"] or base
            # The restart's random choices depend only on the seed and the restart number, so every
            # process restarting the same run builds the same optimizer.
            rng = np.random.RandomState((self._seed or 0) * 1000 + n_restarts)
            mean = codec.low + rng.uniform(size=codec.dim) * (codec.high - codec.low)
            if self._restart_strategy == "bipop" and n_evals["small"] < n_evals["large"]:
                regime, u = "small", rng.uniform()
                popsize = int(math.floor(base * (0.5 * popsize_large / base) ** (u**2)))
                sigma = sigma * 10 ** (-2 * rng.uniform())
            else:
                regime = "large"
                popsize_large = popsize = popsize_large * self._inc_popsize
        optimizer = self._make_optimizer(cmaes, codec, mean, sigma, max(popsize or 0, 0) or None)
        return {
            "optimizer": optimizer,
            "restart": n_restarts,
            "regime": regime,
            "n_evals": n_evals,
            "popsize_large": popsize_large,
        }

    def _make_optimizer(
        self, cmaes: Any, codec: _Codec, mean: np.ndarray, sigma: float, popsize: int | None
    ) -> Any:
        seed = int(self._rng.randint(1, 2**31 - 1)) if self._seed is None else self._seed
        if self._use_separable_cma:
            return cmaes.SepCMA(mean, sigma, bounds=codec.bounds, seed=seed, population_size=popsize)
        if self._with_margin and codec.has_discrete:
            return cmaes.CMAwM(
                mean, sigma, bounds=codec.bounds, steps=codec.steps, seed=seed, population_size=popsize
            )
        return cmaes.CMA(
            mean, sigma, bounds=codec.bounds, seed=seed, population_size=popsize, lr_adapt=self._lr_adapt
        )

    def _trial_seed(self, trial: FrozenTrial) -> int:
        base = self._seed if self._seed is not None else int(self._rng.randint(2**31 - 1))
        digest = hashlib.sha256(f"{base}:{trial.number}".encode()).digest()
        return int.from_bytes(digest[:4], "big") % (2**31 - 1)

    def __repr__(self) -> str:
        return (
            f"CmaEsSampler(seed={self._seed!r}, restart_strategy={self._restart_strategy!r}, "
            f"use_separable_cma={self._use_separable_cma}, with_margin={self._with_margin})"
        )


def _check_args(
    restart_strategy: str | None,
    use_separable_cma: bool,
    with_margin: bool,
    sigma0: float | None,
    popsize: int | None,
    n_startup_trials: int,
) -> None:
    if restart_strategy not in _RESTART_STRATEGIES:
        raise ValueError(
            f"`restart_strategy` must be one of {_RESTART_STRATEGIES}, not {restart_strategy!r}."
        )
    if use_separable_cma and with_margin:
        raise ValueError("`use_separable_cma` and `with_margin` cannot both be True.")
    if sigma0 is not None and not sigma0 > 0:
        raise ValueError(f"`sigma0` must be positive, not {sigma0!r}.")
    if popsize is not None and popsize < 1:
        raise ValueError(f"`popsize` must be at least 1, not {popsize!r}.")
    if n_startup_trials < 0:
        raise ValueError(f"`n_startup_trials` must be non-negative, not {n_startup_trials!r}.")


def _ask(optimizer: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(x to evaluate, x to tell)``: they differ only for CMA-ES with margin."""
    out = optimizer.ask()
    return out if isinstance(out, tuple) else (out, out)


class _Codec:
    """Maps parameters to CMA-ES coordinates: log scale for ``log``, and integer/step grids.

    Without margin, a grid of values becomes the continuous interval padded by half a step on each
    side, rounded back on decoding, so the end values get as much room as the inner ones.
    """

    def __init__(self, space: dict[str, BaseDistribution], with_margin: bool) -> None:
        import numpy as np

        self.space = space
        rows, steps = [], []
        for dist in space.values():
            lo, hi, step = _coordinates(dist)
            if step > 0 and not with_margin:
                lo, hi, step = lo - step / 2, hi + step / 2, 0.0
            rows.append((lo, hi))
            steps.append(step)
        self.bounds = np.asarray(rows, dtype=float)
        self.steps = np.asarray(steps, dtype=float)
        self.low, self.high = self.bounds[:, 0], self.bounds[:, 1]
        self.dim = len(space)
        self.has_discrete = bool(np.any(self.steps > 0))

    def encode_mean(self, x0: dict[str, Any] | None) -> np.ndarray:
        import numpy as np

        mean = (self.low + self.high) / 2
        for i, (name, dist) in enumerate(self.space.items()):
            if x0 and name in x0:
                v = float(x0[name])
                mean[i] = math.log(v) if getattr(dist, "log", False) else v
        return np.clip(mean, self.low, self.high)

    def default_sigma(self) -> float:
        return float(min(self.high - self.low)) / 6

    def decode(self, x: np.ndarray) -> dict[str, Any]:
        return {name: _decode_one(float(v), dist) for v, (name, dist) in zip(x, self.space.items())}


def _coordinates(dist: BaseDistribution) -> tuple[float, float, float]:
    """``(low, high, step)`` of ``dist`` in CMA-ES coordinates; step 0 means continuous."""
    if isinstance(dist, IntDistribution):
        if dist.log:  # a log grid is not evenly spaced: continuous in log space, rounded on decoding
            return math.log(dist.low - 0.5), math.log(dist.high + 0.5), 0.0
        return float(dist.low), float(dist.high), float(dist.step)
    if isinstance(dist, FloatDistribution):
        if dist.log:
            return math.log(dist.low), math.log(dist.high), 0.0
        return dist.low, dist.high, float(dist.step or 0.0)
    raise TypeError(f"CmaEsSampler cannot model {dist!r} jointly.")


def _decode_one(v: float, dist: BaseDistribution) -> Any:
    if isinstance(dist, IntDistribution):
        if dist.log:
            return int(min(max(round(math.exp(v)), dist.low), dist.high))
        k = round((v - dist.low) / dist.step)
        return int(min(max(dist.low + k * dist.step, dist.low), dist.high))
    assert isinstance(dist, FloatDistribution)
    if dist.log:
        return float(min(max(math.exp(v), dist.low), dist.high))
    if dist.step is not None:
        k = round((v - dist.low) / dist.step)
        return float(min(max(dist.low + k * dist.step, dist.low), dist.high))
    return float(min(max(v, dist.low), dist.high))


def _space_key(space: dict[str, BaseDistribution]) -> str:
    """A short fingerprint of the search space, so runs over different spaces never mix."""
    text = ";".join(f"{k}={v!r}" for k, v in space.items())
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def _save_state(study: Study, trial: FrozenTrial, prefix: str, state: dict) -> None:
    """Pickle ``state`` into ``trial``'s system attributes, base64 text in chunks."""
    text = base64.b64encode(pickle.dumps(state)).decode("ascii")
    chunks = [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)]
    attrs: dict[str, Any] = {f"{prefix}:state:{i}": c for i, c in enumerate(chunks)}
    attrs[f"{prefix}:state"] = [state["restart"], state["optimizer"].generation, len(chunks)]
    study._storage.update_trial(trial._trial_id, TrialUpdate(system_attrs=attrs))


def _load_state(trials: list[FrozenTrial], prefix: str) -> dict | None:
    """The newest (highest restart, then generation) state stored by any trial, or None."""
    best: tuple[int, int] | None = None
    holder: FrozenTrial | None = None
    for t in trials:
        head = t.system_attrs.get(f"{prefix}:state")
        if head is not None and (best is None or (head[0], head[1]) > best):
            best, holder = (head[0], head[1]), t
    if holder is None:
        return None
    n_chunks = holder.system_attrs[f"{prefix}:state"][2]
    text = "".join(holder.system_attrs[f"{prefix}:state:{i}"] for i in range(n_chunks))
    return pickle.loads(base64.b64decode(text))
