"""Data of the Pareto-front plot: the trials in objective space, split into best, dominated and infeasible."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint._pareto import is_feasible, is_pareto_front, to_minimization
from hpint.trial import FrozenTrial
from hpint.trial._constraints import constraint_values
from hpint.visualization._common import complete_trials, warn_empty

if TYPE_CHECKING:
    from hpint.study import Study

TITLE = "Pareto-front Plot"


@dataclass
class ParetoInfo:
    """What to scatter: 2 or 3 coordinates per trial (in plotting order) and the axis names.

    ``groups`` maps "Best Trial" (non-dominated among the feasible trials), "Trial" (dominated,
    feasible) and "Infeasible Trial" to indices into ``trials`` and ``coords``; the last two are empty
    unless dominated trials are included. ``has_constraints``: some trial stored constraint values, or
    ``constraints_func`` was given.
    """

    n_values: int
    names: list[str]
    trials: list[FrozenTrial]
    coords: list[list[float]]
    groups: dict[str, list[int]]
    has_constraints: bool


def pareto_front_info(
    study: Study,
    target_names: Sequence[str] | None,
    include_dominated_trials: bool,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None,
    axis_order: Sequence[int] | None,
) -> ParetoInfo:
    """Classify the complete trials and compute what to plot of each.

    "Best" means non-dominated in the study's own objectives and directions, among the trials that
    satisfy their constraints (as ``study.best_trials``); ``targets`` only changes what is plotted.

    Raises:
        ValueError: not 2 or 3 values to plot, a wrong ``axis_order`` or ``target_names``.
    """
    n_objectives = len(study.directions)
    if targets is None:
        order = _check_axis_order(axis_order, n_objectives)
    else:
        if axis_order is not None:
            raise ValueError("Pass either `axis_order` or `targets`, not both: `targets` sets the order.")
        order = []
    trials = complete_trials(study)
    coords = [list(targets(t)) if targets is not None else [t.values[i] for i in order] for t in trials]
    if coords:
        n_values = len(coords[0])
    elif targets is not None and target_names is not None:
        n_values = len(target_names)
    else:
        n_values = n_objectives
    if n_values not in (2, 3):
        raise ValueError(
            f"plot_pareto_front draws 2 or 3 values per trial, got {n_values}: pass `targets` returning "
            f"2 or 3 of the study's values (the study has {n_objectives} objective(s))."
        )
    names = _target_names(study, target_names, order, n_values)
    if not trials:
        warn_empty("plot_pareto_front")
    feasible = [_feasible(t, constraints_func) for t in trials]
    has_constraints = constraints_func is not None or any(constraint_values(t.system_attrs) for t in trials)
    groups = _group(study, trials, feasible, include_dominated_trials)
    return ParetoInfo(n_values, names, trials, coords, groups, has_constraints)


def _check_axis_order(axis_order: Sequence[int] | None, n_objectives: int) -> list[int]:
    if axis_order is None:
        return list(range(n_objectives))
    if sorted(axis_order) != list(range(n_objectives)):
        raise ValueError(
            f"`axis_order` must be an ordering of the objectives' indices 0..{n_objectives - 1}, got "
            f"{list(axis_order)}."
        )
    return list(axis_order)


def _target_names(
    study: Study, target_names: Sequence[str] | None, order: list[int], n_values: int
) -> list[str]:
    if target_names is None:
        metric_names = study.metric_names
        if metric_names and order:
            return [metric_names[i] for i in order]
        return [f"Objective {i}" for i in (order or range(n_values))]
    if len(target_names) != n_values:
        raise ValueError(
            f"`target_names` has {len(target_names)} names ({list(target_names)}) for {n_values} "
            "plotted values."
        )
    return list(target_names)


def _feasible(trial: FrozenTrial, constraints_func: Callable[[FrozenTrial], Sequence[float]] | None) -> bool:
    if constraints_func is None:
        return is_feasible(trial)
    return all(float(c) <= 0.0 for c in constraints_func(trial))


def _group(
    study: Study, trials: Sequence[FrozenTrial], is_ok: Sequence[bool], include_dominated: bool
) -> dict[str, list[int]]:
    """Indices of the trials in each series."""
    feasible = [i for i, ok in enumerate(is_ok) if ok]
    best: list[int] = []
    if feasible:
        loss = to_minimization([trials[i].values for i in feasible], study.directions)  # type: ignore[misc]
        best = [i for i, keep in zip(feasible, is_pareto_front(loss)) if keep]
    best_set = set(best)
    groups: dict[str, list[int]] = {"Best Trial": best, "Trial": [], "Infeasible Trial": []}
    if include_dominated:
        groups["Trial"] = [i for i in feasible if i not in best_set]
        groups["Infeasible Trial"] = [i for i, ok in enumerate(is_ok) if not ok]
    return groups
