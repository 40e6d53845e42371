"""What NSGA-II and NSGA-III share: breeding (tournaments, crossover, mutation), constraints, seeded draws.

The two differ only in who survives into the next parent population (crowding distance versus
reference-point niching) and in what breaks ties in the mating tournament, so each is a subclass
giving those two rules (``_survivors`` and ``_mating_scores``); everything else is here once.
Every random draw depends only on the seed and the trial number (or, for survival, the candidates), so
two processes sharing a study continue one population, and a study resumed with the same seed proposes
what the uninterrupted run would have.
"""

from __future__ import annotations

import abc
import math
import os
import threading
import warnings
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hpint._pareto import to_minimization
from hpint._thread_lock import ThreadLock
from hpint.distributions import BaseDistribution
from hpint.exceptions import ExperimentalWarning
from hpint.samplers._constraints import check_constraints_func, store_constraints
from hpint.samplers._ga import BaseGASampler
from hpint.samplers._ga._population import PARENTS_OF_KEY
from hpint.samplers._nsga2._child import make_child, mutate
from hpint.samplers._nsga2._crossovers import BaseCrossover, UniformCrossover
from hpint.samplers._nsga2._mutations import BaseMutation
from hpint.samplers._nsga2._selection import select_parents
from hpint.samplers._random import sample_uniform
from hpint.search_space._intersection import IntersectionSearchSpace
from hpint.trial._constraints import has_constraints, violation
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study

#: ``f(study, candidates) -> survivors``: a user's replacement of the survival rule. The candidates are
#: Optuna's: the previous generation's COMPLETE trials, then that generation's parents.
EliteSelection = Callable[["Study", list[FrozenTrial]], list[FrozenTrial]]
#: ``f(study, search_space, parent_population) -> params``: a user's replacement of breeding, returning
#: the new trial's parameters (external values) for names of the relative search space.
ChildGeneration = Callable[["Study", dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]]
#: ``f(study, trial, state, values) -> None``: a user's replacement of the work done as a trial ends
#: (by default, storing ``constraints_func``'s values).
AfterTrial = Callable[["Study", FrozenTrial, TrialState, Sequence[float] | None], None]

#: Per thread: a generator re-seeded for every draw.
_local = threading.local()


class NSGASamplerBase(BaseGASampler):
    """An elitist non-dominated sorting genetic algorithm; subclasses give the survival rule.

    See :class:`~hpint.samplers.NSGAIISampler` for the arguments.
    """

    def __init__(
        self,
        *,
        population_size: int,
        mutation: BaseMutation | None,
        mutation_prob: float | None,
        crossover: BaseCrossover | None,
        crossover_prob: float,
        swapping_prob: float,
        seed: int | None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
        elite_population_selection_strategy: EliteSelection | None,
        child_generation_strategy: ChildGeneration | None,
        after_trial_strategy: AfterTrial | None,
    ) -> None:
        crossover = crossover if crossover is not None else UniformCrossover(swapping_prob)
        _check_args(population_size, mutation_prob, crossover, crossover_prob, swapping_prob, seed)
        if mutation is not None and not isinstance(mutation, BaseMutation):
            raise ValueError(
                f"`mutation` must be a BaseMutation instance (e.g. PolynomialMutation()) or None, "
                f"not {mutation!r}."
            )
        check_constraints_func(constraints_func)
        _check_hooks(
            {
                "elite_population_selection_strategy": elite_population_selection_strategy,
                "child_generation_strategy": child_generation_strategy,
                "after_trial_strategy": after_trial_strategy,
            }
        )
        super().__init__(population_size)
        self._mutation = mutation
        self._mutation_prob = mutation_prob
        self._crossover = crossover
        self._crossover_prob = float(crossover_prob)
        self._swapping_prob = float(swapping_prob)
        self._seed = seed
        self._base_seed = _entropy() if seed is None else int(seed)
        self._constraints_func = constraints_func
        self._select = elite_population_selection_strategy or self._select_elite
        self._child_generation_strategy = child_generation_strategy
        self._after_trial_strategy = after_trial_strategy
        self._search_space = IntersectionSearchSpace()
        self._population_cache: tuple | None = None
        self._lock = ThreadLock()

    # ---- the two rules a subclass gives ----
    @abc.abstractmethod
    def _survivors(
        self, loss: np.ndarray, violation: np.ndarray | None, candidates: list[FrozenTrial]
    ) -> np.ndarray:
        """Indices of the ``population_size`` rows of ``loss`` (one per candidate) that survive."""

    @abc.abstractmethod
    def _mating_scores(self, loss: np.ndarray, violation: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """``(ranks, crowding)`` of the parents: a tournament prefers a lower rank, then a larger crowding."""

    # ---- the sampler contract ----
    def reseed_rng(self) -> None:
        self._base_seed = _entropy()

    def select_parent(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The survivors of generation ``generation - 1``'s children and parents (Optuna's order)."""
        children = self.get_population(study, generation - 1)
        return self._select(study, children + self.get_parent_population(study, generation - 1))

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {k: v for k, v in self._search_space.calculate(study).items() if not v.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        generation = self.get_trial_generation(study, trial)
        trials = self._trials_seen_by(study, trial)
        writer = trial.system_attrs.get(PARENTS_OF_KEY)
        if writer is None:
            return {}  # generation 0: random
        if self._child_generation_strategy is not None:
            parents = self._parents.members(study, trials, generation, writer)
            return self._custom_child(study, search_space, parents) if parents else {}
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
        if self._mutation is None:  # a mutated parameter is left to sample_independent: drawn afresh
            return {name: value for (name, value), drop in zip(sorted(child.items()), mutated) if not drop}
        names = [name for name, chosen in zip(sorted(child), mutated) if chosen]
        return mutate(study, child, names, search_space, self._mutation, rng)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return sample_uniform(_rng(self._base_seed, trial.number, param_name), param_distribution)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        if self._after_trial_strategy is not None:
            self._after_trial_strategy(study, trial, state, values)
        else:
            store_constraints(study, trial, state, values, self._constraints_func)

    def _custom_child(
        self, study: Study, search_space: dict[str, BaseDistribution], parents: list[FrozenTrial]
    ) -> dict[str, Any]:
        """The user's ``child_generation_strategy`` output, checked: legal values of the search space."""
        assert self._child_generation_strategy is not None
        params = self._child_generation_strategy(study, search_space, parents)
        if not isinstance(params, Mapping):
            raise TypeError(f"`child_generation_strategy` must return a dict of parameters, not {params!r}.")
        for name, value in params.items():
            if name in search_space and not _is_legal(value, search_space[name]):
                raise ValueError(
                    f"`child_generation_strategy` returned {value!r} for {name!r}, which is not a value "
                    f"of {search_space[name]!r}."
                )
        return dict(params)

    # ---- selection ----
    def _population(
        self, study: Study, trials: list[FrozenTrial], generation: int, writer: int
    ) -> tuple[list[FrozenTrial], np.ndarray, np.ndarray]:
        """The parents in ``writer``'s list for ``generation``, with their tournament ranks and crowding."""
        key = (id(study._storage), study._study_id, generation, writer)
        with self._lock:
            if self._population_cache is None or self._population_cache[0] != key:
                population = self._parents.members(study, trials, generation, writer)
                if population:
                    ranks, crowding = self._mating_scores(*self._objectives(study, population))
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

    def _select_elite(self, study: Study, candidates: list[FrozenTrial]) -> list[FrozenTrial]:
        if not candidates:
            return []
        # By number: ties are broken by position, and the survivors should depend on who competes only.
        candidates = sorted(candidates, key=lambda t: t.number)
        loss, violation = self._objectives(study, candidates)
        return [candidates[i] for i in self._survivors(loss, violation, candidates)]

    def _survival_rng(self, candidates: list[FrozenTrial]) -> np.random.RandomState:
        """A generator fixed by the seed and the candidates, so every worker selects the same survivors."""
        return _rng(self._base_seed, max(t.number for t in candidates), "survival")


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


def _check_hooks(hooks: dict[str, Any]) -> None:
    """Each hook must be callable or None; a given one warns: its signature is Optuna's experimental one."""
    for name, hook in hooks.items():
        if hook is None:
            continue
        if not callable(hook):
            raise ValueError(f"`{name}` must be callable or None, not {hook!r}.")
        warnings.warn(
            f"`{name}` follows Optuna's experimental interface, which may change.",
            ExperimentalWarning,
            stacklevel=4,  # the sampler's constructor call
        )


def _is_legal(value: Any, dist: BaseDistribution) -> bool:
    """Whether ``value`` (external representation) is a value ``dist`` can take."""
    try:
        return bool(dist._contains(dist.to_internal_repr(value)))
    except (TypeError, ValueError):
        return False


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
