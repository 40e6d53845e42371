"""NSGAIISampler: the elitist non-dominated sorting genetic algorithm (Deb et al., 2002).

A generation of ``population_size`` trials is evaluated; the survivors of parents and children together
(best non-dominated fronts, spread kept by crowding distance) become the next parents; each new trial
is a child of tournament-selected parents, by crossover, with some parameters mutated (drawn afresh).
The population lives in the storage (see ``_population``), and every random draw depends only on the
seed and the trial number, so two processes sharing a study continue one population, and a study
resumed with the same seed proposes what the uninterrupted run would have.
"""

from __future__ import annotations

import math
import os
import threading
import zlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpint._pareto import to_minimization
from hpint._thread_lock import ThreadLock
from hpint.distributions import BaseDistribution
from hpint.samplers._base import BaseSampler
from hpint.samplers._constraints import check_constraints_func, store_constraints
from hpint.samplers._nsga2._child import make_child
from hpint.samplers._nsga2._crossovers import BaseCrossover, UniformCrossover
from hpint.samplers._nsga2._population import GENERATION_KEY, PARENTS_OF_KEY, ParentStore, current_generation
from hpint.samplers._nsga2._selection import rank_and_crowding, select_elite, select_parents
from hpint.samplers._random import sample_uniform
from hpint.samplers._search_space import IntersectionSearchSpace
from hpint.storages._base import TrialUpdate
from hpint.trial._constraints import has_constraints, violation
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study

#: Per thread: the trials read by ``before_trial`` (by trial id) and a generator re-seeded per draw.
_local = threading.local()


class NSGAIISampler(BaseSampler):
    """Multi-objective genetic search (NSGA-II) with constraints; also works for one objective.

    The first generation is random. Parameters outside the space shared by all finished trials
    (define-by-run branches) are drawn uniformly at random, as are mutated ones. Several processes
    sharing one study through a storage continue one population (the generations and parents are
    stored). Genetic search needs budgets of several generations; for a few dozen trials prefer TPE.

    Example::

        def objective(trial):
            width = trial.suggest_int("width", 8, 256, log=True)
            lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
            trial.set_user_attr("params_m", width * width / 1e6)
            return train_and_validate(width, lr), trial.user_attrs["params_m"]

        sampler = hpint.samplers.NSGAIISampler(
            population_size=20,
            crossover=hpint.samplers.nsgaii.SBXCrossover(),
            constraints_func=lambda t: [t.user_attrs["params_m"] - 0.05],  # at most 50k weights
        )
        study = hpint.create_study(directions=["minimize", "minimize"], sampler=sampler)

    Args:
        population_size: trials per generation, and number of parents kept.
        mutation_prob: probability that a child's parameter is drawn afresh instead of inherited
            (default ``1 / number of parameters``).
        crossover: a :class:`BaseCrossover` for numeric parameters (default ``UniformCrossover``);
            categorical parameters are always mixed uniformly with ``swapping_prob``.
        crossover_prob: probability that a child comes from crossover rather than copying one parent.
        swapping_prob: probability that a categorical parameter comes from the second parent (and, for
            the default ``UniformCrossover``, a numeric one).
        seed: makes the sequence reproducible; draws depend on the seed and the trial number.
        constraints_func: ``constraints_func(frozen_trial) -> sequence of floats``, called when a trial
            ends; a trial is feasible when every value is ``<= 0``. Feasible trials dominate infeasible
            ones, and infeasible ones are compared by total violation. The values are stored in the
            trial's ``system_attrs["constraints"]``.
        elite_population_selector_func: ``f(study, population) -> survivors`` replacing the default
            survival rule (a list of trials at most ``population_size`` long is expected).
        child_generation_strategy, after_trial_strategy: Optuna's hooks; not supported, must be None.

    Raises:
        ValueError: a ``population_size`` below 2 or smaller than the crossover's number of parents,
            a probability outside [0, 1], a ``crossover`` that is not a ``BaseCrossover``, or a
            non-callable ``constraints_func``.
    """

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation_prob: float | None = None,
        crossover: BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        elite_population_selector_func: Callable[[Study, list[FrozenTrial]], list[FrozenTrial]] | None = None,
        child_generation_strategy: Any = None,
        after_trial_strategy: Any = None,
    ) -> None:
        crossover = crossover if crossover is not None else UniformCrossover(swapping_prob)
        _check_args(population_size, mutation_prob, crossover, crossover_prob, swapping_prob, seed)
        for name, hook in (
            ("child_generation_strategy", child_generation_strategy),
            ("after_trial_strategy", after_trial_strategy),
        ):
            if hook is not None:
                raise ValueError(f"`{name}` is not supported by hpint's NSGAIISampler; leave it None.")
        check_constraints_func(constraints_func)
        selector = elite_population_selector_func
        if selector is not None and not callable(selector):
            raise ValueError(f"`elite_population_selector_func` must be callable or None, not {selector!r}.")
        self._population_size = population_size
        self._mutation_prob = mutation_prob
        self._crossover = crossover
        self._crossover_prob = float(crossover_prob)
        self._swapping_prob = float(swapping_prob)
        self._seed = seed
        self._base_seed = _entropy() if seed is None else int(seed)
        self._constraints_func = constraints_func
        self._select = elite_population_selector_func or self._select_elite
        self._search_space = IntersectionSearchSpace()
        self._parents = ParentStore()
        self._population_cache: tuple | None = None
        self._lock = ThreadLock()

    def reseed_rng(self) -> None:
        self._base_seed = _entropy()

    # ---- the sampler contract ----
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        if GENERATION_KEY in trial.system_attrs:
            return
        trials = study.get_trials(deepcopy=False)
        _local.snapshot = (trial._trial_id, trials)  # sample_relative reuses it: one read less per trial
        attrs: dict[str, Any] = {GENERATION_KEY: current_generation(trials, self._population_size)}
        if attrs[GENERATION_KEY] > 0:
            attrs[PARENTS_OF_KEY] = self._parents.parents(
                study, trials, attrs[GENERATION_KEY], self._select, trial.number
            )
        study._storage.update_trial(trial._trial_id, TrialUpdate(system_attrs=attrs))
        trial.system_attrs.update(attrs)

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {k: v for k, v in self._search_space.calculate(study).items() if not v.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        if GENERATION_KEY not in trial.system_attrs:
            self.before_trial(study, trial)
        snapshot = getattr(_local, "snapshot", None)
        trials = (
            snapshot[1] if snapshot and snapshot[0] == trial._trial_id else study.get_trials(deepcopy=False)
        )
        _local.snapshot = None
        generation, writer = trial.system_attrs[GENERATION_KEY], trial.system_attrs.get(PARENTS_OF_KEY)
        if writer is None:
            return {}  # generation 0: random
        population, ranks, crowding = self._population(study, trials, generation, writer)
        if not population:
            return {}
        rng = _rng(self._base_seed, trial.number, "nsga2")
        n_parents = self._crossover.n_parents
        if rng.rand() < self._crossover_prob and len(population) >= n_parents:
            parents = [population[i] for i in select_parents(ranks, crowding, n_parents, rng)]
            child = make_child(study, parents, search_space, self._crossover, self._swapping_prob, rng)
        else:
            parent = population[select_parents(ranks, crowding, 1, rng)[0]]
            child = {name: parent.params[name] for name in search_space}
        mutation_prob = self._mutation_prob if self._mutation_prob is not None else 1.0 / len(search_space)
        mutated = rng.rand(len(child)) < mutation_prob
        return {name: value for (name, value), drop in zip(sorted(child.items()), mutated) if not drop}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return sample_uniform(_rng(self._base_seed, trial.number, param_name), param_distribution)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        store_constraints(study, trial, state, values, self._constraints_func)

    # ---- selection ----
    def _population(
        self, study: Study, trials: list[FrozenTrial], generation: int, writer: int
    ) -> tuple[list[FrozenTrial], np.ndarray, np.ndarray]:
        """The parents in ``writer``'s list for ``generation``, their ranks and crowding distances."""
        key = (id(study._storage), study._study_id, generation, writer)
        with self._lock:
            if self._population_cache is None or self._population_cache[0] != key:
                population = self._parents.members(study, trials, generation, writer)
                if population:
                    loss, violation = self._objectives(study, population)
                    ranks, crowding = rank_and_crowding(loss, violation)
                else:
                    ranks = crowding = None
                self._population_cache = (key, population, ranks, crowding)
            _, population, ranks, crowding = self._population_cache
        return population, ranks, crowding  # type: ignore[return-value]

    def _objectives(self, study: Study, trials: list[FrozenTrial]) -> tuple[np.ndarray, np.ndarray | None]:
        """Objective values in minimisation form and, with constraints, each trial's total violation."""
        import numpy as np

        loss = to_minimization([t.values for t in trials], study.directions)  # type: ignore[misc]
        if self._constraints_func is None and not any(has_constraints(t.system_attrs) for t in trials):
            return loss, None  # no constraints_func, and no trial.set_constraint either
        return loss, np.array([_violation(t) for t in trials], dtype=float)

    def _select_elite(self, study: Study, population: list[FrozenTrial]) -> list[FrozenTrial]:
        if not population:
            return []
        loss, violation = self._objectives(study, population)
        return [population[i] for i in select_elite(loss, violation, self._population_size)]

    def __repr__(self) -> str:
        return (
            f"NSGAIISampler(population_size={self._population_size}, crossover={self._crossover!r}, "
            f"seed={self._seed!r})"
        )


def _check_args(
    population_size: int,
    mutation_prob: float | None,
    crossover: BaseCrossover,
    crossover_prob: float,
    swapping_prob: float,
    seed: int | None,
) -> None:
    if isinstance(population_size, bool) or not isinstance(population_size, int) or population_size < 2:
        raise ValueError(f"`population_size` must be an integer of at least 2, not {population_size!r}.")
    if not isinstance(crossover, BaseCrossover):
        raise ValueError(f"`crossover` must be a BaseCrossover instance, not {crossover!r}.")
    if population_size < crossover.n_parents:
        raise ValueError(
            f"`population_size` ({population_size}) must be at least the {crossover.n_parents} parents "
            f"that {crossover!r} needs."
        )
    probabilities = {"crossover_prob": crossover_prob, "swapping_prob": swapping_prob}
    if mutation_prob is not None:
        probabilities["mutation_prob"] = mutation_prob
    for name, p in probabilities.items():
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"`{name}` must be a probability in [0, 1], not {p!r}.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"`seed` must be an integer or None, not {type(seed).__name__} ({seed!r}).")


def _violation(trial: FrozenTrial) -> float:
    """Sum of the positive constraint values (``constraints_func``'s and ``trial.set_constraint``'s); ``inf``
    for a trial without any (e.g. added by hand)."""
    if not has_constraints(trial.system_attrs):
        return math.inf
    return violation(trial.system_attrs)


def _rng(base_seed: int, trial_number: int, key: str) -> np.random.RandomState:
    """A generator fixed by the seed, the trial number and what is drawn, not by call order.

    Re-seeds one generator per thread: building a ``RandomState`` costs ~0.2 ms, re-seeding ~0.01 ms.
    """
    import numpy as np

    rng = getattr(_local, "rng", None)
    if rng is None:
        rng = _local.rng = np.random.RandomState()
    words = [base_seed & 0xFFFFFFFF, (base_seed >> 32) & 0xFFFFFFFF, trial_number & 0xFFFFFFFF]
    rng.seed(words + [zlib.crc32(key.encode())])
    return rng


def _entropy() -> int:
    return int.from_bytes(os.urandom(8), "little")
