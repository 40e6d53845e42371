"""NSGAIISampler: the elitist non-dominated sorting genetic algorithm (Deb et al., 2002).

A generation of ``population_size`` trials is evaluated; the survivors of parents and children together
(best non-dominated fronts, spread kept by crowding distance) become the next parents; each new trial
is a child of tournament-selected parents, by crossover, with some parameters mutated (drawn afresh, or
moved by a mutation operator).
The population lives in the storage (see ``_population``), and every random draw depends only on the
seed and the trial number, so two processes sharing a study continue one population, and a study
resumed with the same seed proposes what the uninterrupted run would have.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hpint.samplers._nsga2._base import AfterTrial, ChildGeneration, EliteSelection, NSGASamplerBase
from hpint.samplers._nsga2._crossovers import BaseCrossover
from hpint.samplers._nsga2._mutations import BaseMutation
from hpint.samplers._nsga2._selection import rank_and_crowding, select_elite
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    import numpy as np


class NSGAIISampler(NSGASamplerBase):
    """Multi-objective genetic search (NSGA-II) with constraints; also works for one objective.

    The first generation is random. Parameters outside the space shared by all finished trials
    (define-by-run branches) are drawn uniformly at random, as are mutated ones unless a ``mutation``
    operator is given. Several processes
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
        mutation: a :class:`~hpint.samplers.nsgaii.BaseMutation` (e.g. ``PolynomialMutation()``) that
            moves a numeric parameter chosen for mutation near its inherited value; with None (the
            default) such a parameter is drawn afresh, uniformly. Categorical parameters chosen for
            mutation are always drawn afresh.
        mutation_prob: probability that a child's parameter is mutated instead of inherited
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
        elite_population_selection_strategy: ``f(study, candidates) -> survivors`` replacing the default
            survival rule, called once per generation ``g`` with, as in Optuna, the COMPLETE trials of
            generation ``g - 1`` followed by that generation's parents (a list of trials at most
            ``population_size`` long is expected; it becomes generation ``g``'s parents).
        elite_population_selector_func: the same, under the name Optuna used before 5.0.
        child_generation_strategy: ``f(study, search_space, parent_population) -> params`` replacing
            breeding (tournaments, crossover, mutation) from generation 1 on: ``search_space`` is the
            relative search space (``{name: distribution}``), ``parent_population`` the trial's
            generation's parents (COMPLETE ``FrozenTrial`` s), and the returned dict's values (external
            representation, e.g. ``"relu"`` or ``0.01``) are the new trial's; names it leaves out are
            drawn uniformly at random. ``mutation``, ``crossover`` and their probabilities are then unused.
        after_trial_strategy: ``f(study, trial, state, values) -> None`` replacing the work done as a
            trial ends (by default, calling ``constraints_func`` and storing its values); ``state`` is
            COMPLETE, PRUNED or FAIL and ``values`` the objective values or None, as the study passes
            them to ``after_trial``.
        The three strategy hooks warn with :class:`~hpint.exceptions.ExperimentalWarning`, as in Optuna.

    Raises:
        ValueError: a ``population_size`` below 2 or smaller than the crossover's number of parents,
            a probability outside [0, 1], a ``crossover`` that is not a ``BaseCrossover``, a ``mutation``
            that is not a ``BaseMutation``, a non-callable ``constraints_func`` or strategy hook, or
            both names of the survival hook. While sampling, a ``child_generation_strategy`` returning
            something other than a dict (``TypeError``) or an illegal value for a parameter.
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
        elite_population_selection_strategy: EliteSelection | None = None,
        child_generation_strategy: ChildGeneration | None = None,
        after_trial_strategy: AfterTrial | None = None,
        elite_population_selector_func: EliteSelection | None = None,
    ) -> None:
        if elite_population_selector_func is not None and elite_population_selection_strategy is not None:
            raise ValueError(
                "Pass `elite_population_selection_strategy` or its older name "
                "`elite_population_selector_func`, not both."
            )
        super().__init__(
            population_size=population_size,
            mutation=mutation,
            mutation_prob=mutation_prob,
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            seed=seed,
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy
            or elite_population_selector_func,
            child_generation_strategy=child_generation_strategy,
            after_trial_strategy=after_trial_strategy,
        )

    def _survivors(
        self, loss: np.ndarray, violation: np.ndarray | None, candidates: list[FrozenTrial]
    ) -> np.ndarray:
        return select_elite(loss, violation, self._population_size)

    def _mating_scores(self, loss: np.ndarray, violation: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        return rank_and_crowding(loss, violation)

    def __repr__(self) -> str:
        return (
            f"NSGAIISampler(population_size={self._population_size}, crossover={self._crossover!r}, "
            f"mutation={self._mutation!r}, seed={self._seed!r})"
        )
