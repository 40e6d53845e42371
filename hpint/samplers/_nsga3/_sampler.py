"""NSGAIIISampler: NSGA-II's generations and breeding, with reference-point survival (Deb and Jain, 2014)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hpint._pareto import constrained_ranks
from hpint.samplers._nsga2._base import AfterTrial, ChildGeneration, EliteSelection, NSGASamplerBase
from hpint.samplers._nsga2._crossovers import BaseCrossover
from hpint.samplers._nsga2._mutations import BaseMutation
from hpint.samplers._nsga3._reference_points import check_reference_points, das_dennis_points
from hpint.samplers._nsga3._selection import select_by_reference_points
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    import numpy as np


class NSGAIIISampler(NSGASamplerBase):
    """Many-objective genetic search (NSGA-III) with constraints: NSGA-II with reference-point niching.

    Generations, parents kept in the storage, crossover, mutation, constraints and seeding work as in
    :class:`~hpint.samplers.NSGAIISampler`. Only survival differs: the front that does not fit into the
    next population is cut so that the population stays spread over a set of reference directions,
    which keeps working with four or more objectives, where NSGA-II's crowding distance stops
    discriminating (almost every point is non-dominated and extreme on some axis). Parents are then
    picked by binary tournaments on the non-dominated rank alone.

    With many objectives most trials become non-dominated; if some objectives are really limits, make
    them constraints (``constraints_func``). For budgets below a few hundred trials prefer TPE.

    Example::

        sampler = hpint.samplers.NSGAIIISampler(population_size=40, dividing_parameter=3, seed=0)
        study = hpint.create_study(directions=["minimize"] * 5, sampler=sampler)

    Args:
        population_size: trials per generation, and number of parents kept. Use at least as many as
            there are reference points (35 for 5 objectives and ``dividing_parameter=3``).
        reference_points: ``(n_points, n_objectives)`` directions to spread the population along, in
            normalized objective space (minimised; the best value seen on each axis at 0, the front's
            extreme points at 1): e.g. rows on the simplex ``sum(w) = 1``. Only each row's direction
            matters. Several points near a region of interest express a preference for it. Default:
            every point of that simplex whose coordinates are multiples of ``1 / dividing_parameter``
            (Das and Dennis), ``C(dividing_parameter + M - 1, M - 1)`` points for ``M`` objectives.
        dividing_parameter: divisions per axis of the default reference points; unused when
            ``reference_points`` is given.
        population_size, mutation, mutation_prob, crossover, crossover_prob, swapping_prob, seed,
            constraints_func, elite_population_selection_strategy, child_generation_strategy,
            after_trial_strategy: as for :class:`~hpint.samplers.NSGAIISampler`.

    Raises:
        ValueError: invalid NSGA-II arguments, a ``dividing_parameter`` below 1, or ``reference_points``
            that are not a non-empty 2-D array of finite, non-negative rows (checked again against the
            study's number of objectives when the first parents are selected).
    """

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        crossover: BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        reference_points: np.ndarray | None = None,
        dividing_parameter: int = 3,
        elite_population_selection_strategy: EliteSelection | None = None,
        child_generation_strategy: ChildGeneration | None = None,
        after_trial_strategy: AfterTrial | None = None,
    ) -> None:
        super().__init__(
            population_size=population_size,
            mutation=mutation,
            mutation_prob=mutation_prob,
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            seed=seed,
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy,
            child_generation_strategy=child_generation_strategy,
            after_trial_strategy=after_trial_strategy,
        )
        if (
            isinstance(dividing_parameter, bool)
            or not isinstance(dividing_parameter, int)
            or dividing_parameter < 1
        ):
            raise ValueError(f"`dividing_parameter` must be a positive integer, not {dividing_parameter!r}.")
        self._dividing_parameter = dividing_parameter
        self._reference_points = (
            None if reference_points is None else check_reference_points(reference_points)
        )
        self._default_points: dict[int, np.ndarray] = {}

    def _points_for(self, n_objectives: int) -> np.ndarray:
        """The reference points for a study of ``n_objectives`` objectives."""
        if self._reference_points is None:
            if n_objectives not in self._default_points:
                self._default_points[n_objectives] = das_dennis_points(n_objectives, self._dividing_parameter)
            return self._default_points[n_objectives]
        if self._reference_points.shape[1] != n_objectives:
            raise ValueError(
                f"`reference_points` have {self._reference_points.shape[1]} columns, but the study has "
                f"{n_objectives} objectives: give one column per objective."
            )
        return self._reference_points

    def _survivors(
        self, loss: np.ndarray, violation: np.ndarray | None, candidates: list[FrozenTrial]
    ) -> np.ndarray:
        points = self._points_for(loss.shape[1])
        rng = self._survival_rng(candidates)
        return select_by_reference_points(loss, violation, self._population_size, points, rng)

    def _mating_scores(self, loss: np.ndarray, violation: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        return constrained_ranks(loss, violation), np.zeros(loss.shape[0])

    def __repr__(self) -> str:
        return (
            f"NSGAIIISampler(population_size={self._population_size}, crossover={self._crossover!r}, "
            f"mutation={self._mutation!r}, dividing_parameter={self._dividing_parameter}, "
            f"seed={self._seed!r})"
        )
