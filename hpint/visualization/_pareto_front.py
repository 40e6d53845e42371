"""Pareto front: the trials of a two- or three-objective study in objective space, best ones highlighted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hpint._pareto import is_feasible, is_pareto_front, to_minimization
from hpint.visualization._common import complete_trials, import_pyplot, warn_empty

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study
    from hpint.trial import FrozenTrial

#: Series label and colour: the non-dominated trials, the dominated ones, those violating constraints.
SERIES = {"Best Trial": "tab:red", "Trial": "tab:blue", "Infeasible Trial": "lightgray"}


def plot_pareto_front(
    study: Study,
    *,
    target_names: Sequence[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: Sequence[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Axes:
    """Scatter the complete trials in objective space; the Pareto-optimal ones form the "Best Trial" series.

    "Best" means non-dominated in the study's own objectives and directions, among the trials that
    satisfy their constraints (as ``study.best_trials``); ``targets`` only changes what is plotted.

    Args:
        study: a study with two or three objectives (or any study, with ``targets``).
        target_names: one axis label per plotted value (default: the metric names, or "Objective i").
        include_dominated_trials: also plot the dominated and the infeasible trials.
        axis_order: the objectives' indices in plotting order (without ``targets``), e.g. ``[1, 0]``.
        constraints_func: a function of a trial giving its constraint values (``<= 0`` is satisfied);
            by default the constraints the trial stored (``NSGAIISampler(constraints_func=...)``).
        targets: a function of a trial giving the 2 or 3 values to plot.

    Returns:
        An Axes (a 3D Axes for three values); each series is a collection labelled as in ``SERIES``.

    Raises:
        ValueError: not 2 or 3 values to plot, a wrong ``axis_order`` or ``target_names``.
    """
    n_objectives = len(study.directions)
    if targets is None:
        order = _check_axis_order(axis_order, n_objectives)
        n_values = n_objectives
    else:
        if axis_order is not None:
            raise ValueError("Pass either `axis_order` or `targets`, not both: `targets` sets the order.")
        order = []
        n_values = n_objectives  # overridden by the first trial's targets
    trials = complete_trials(study)
    coords = [targets(t) if targets is not None else [t.values[i] for i in order] for t in trials]
    if coords:
        n_values = len(coords[0])
    if n_values not in (2, 3):
        raise ValueError(
            f"plot_pareto_front draws 2 or 3 values per trial, got {n_values}: pass `targets` returning "
            f"2 or 3 of the study's values (the study has {n_objectives} objective(s))."
        )
    names = _target_names(study, target_names, order, n_values)
    ax = _new_axes(n_values)
    for i, set_label in enumerate(_label_setters(ax, n_values)):
        set_label(names[i])
    if not trials:
        warn_empty("plot_pareto_front")
        return ax
    feasible = [_feasible(t, constraints_func) for t in trials]
    groups = _group(study, trials, feasible, include_dominated_trials)
    for label, color in SERIES.items():
        points = [coords[i] for i in groups[label]]
        if points:
            ax.scatter(*zip(*points), color=color, label=label, s=20)
    ax.legend()
    return ax


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


def _new_axes(n_values: int) -> Axes:
    plt = import_pyplot()
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d" if n_values == 3 else None)
    ax.set_title("Pareto-front Plot")
    return ax


def _label_setters(ax: Axes, n_values: int) -> list[Callable[[str], object]]:
    setters = [ax.set_xlabel, ax.set_ylabel]
    if n_values == 3:
        setters.append(ax.set_zlabel)  # type: ignore[attr-defined]
    return setters
