"""TPE with constraints: infeasible trials rank after feasible ones (constraints_func or set_constraint)."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.samplers import TPESampler
from hpint.samplers._tpe._split import constrained_below, single_objective_order


def test_order_puts_infeasible_trials_last_by_violation() -> None:
    complete = np.array([True, True, True, False, True])
    loss = np.array([0.1, 0.5, 0.2, np.nan, 0.0])
    pruned_step = np.array([-1, -1, -1, 3, -1])
    pruned_loss = np.array([np.nan, np.nan, np.nan, 0.3, np.nan])
    violation = np.array([2.0, np.nan, 0.0, np.nan, 1.0])  # NaN: no constraints, counts as feasible
    order = single_objective_order(complete, loss, pruned_step, pruned_loss, violation)
    assert order.tolist() == [2, 1, 3, 4, 0]
    assert single_objective_order(complete, loss, pruned_step, pruned_loss).tolist() == [4, 0, 2, 1, 3]


def test_constrained_below_takes_feasible_fronts_then_least_violating() -> None:
    loss = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 0.5], [0.5, 3.0]])
    violation = np.array([5.0, 0.0, np.nan, 1.0, 0.5])
    assert constrained_below(loss, violation, 2).tolist() == [False, True, True, False, False]
    assert constrained_below(loss, violation, 3).tolist() == [False, True, True, False, True]
    assert constrained_below(loss, violation, 1).tolist() == [False, True, False, False, False]


def _study(seed: int, how: str) -> hpint.Study:
    """Minimise x^2 + y^2 subject to x + y >= 1 (optimum 0.5 at x = y = 0.5; the free optimum is
    infeasible), with the constraint given ``how``: "func", "set" or "none" (recorded, not enforced)."""

    def objective(trial: hpint.Trial) -> float:
        x, y = trial.suggest_float("x", -2, 2), trial.suggest_float("y", -2, 2)
        trial.set_user_attr("c", 1 - x - y)
        if how == "set":
            trial.set_constraint("x_plus_y_at_least_1", 1 - x - y)
        return x * x + y * y

    func = (lambda t: [t.user_attrs["c"]]) if how == "func" else None
    study = hpint.create_study(sampler=TPESampler(seed=seed, constraints_func=func))
    study.optimize(objective, n_trials=80)
    return study


def _feasible_share(study: hpint.Study) -> float:
    later = study.trials[40:]
    return sum(t.user_attrs["c"] <= 0 for t in later) / len(later)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_constraints_steer_tpe_into_the_feasible_region(seed: int) -> None:
    free, by_func, by_set = (_study(seed, how) for how in ("none", "func", "set"))
    assert _feasible_share(free) < 0.25  # unconstrained TPE heads for the infeasible origin
    assert _feasible_share(by_func) > 0.35
    assert by_func.best_value < 0.6 and by_func.best_trial.user_attrs["c"] <= 0
    # the two ways of giving a constraint are the same to the sampler
    assert [t.params for t in by_set.trials] == [t.params for t in by_func.trials]


@pytest.mark.parametrize("seed", [0, 1])
def test_multi_objective_tpe_keeps_feasible_trials_good(seed: int) -> None:
    """The Pareto front (y = 0, x in [0, 1]) is feasible for x >= 0.7 only: constrained TPE stays there,
    unconstrained TPE spreads along the whole front (a third feasible in trials 30-59 with these seeds)."""

    def feasible_later(constrained: bool) -> tuple[int, hpint.Study]:
        def objective(trial: hpint.Trial) -> tuple[float, float]:
            x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
            if constrained:
                trial.set_constraint("x_at_least_0.7", 0.7 - x)
            return x + y, 1 - x + y

        study = hpint.create_study(directions=["minimize", "minimize"], sampler=TPESampler(seed=seed))
        study.optimize(objective, n_trials=60)
        return sum(t.params["x"] >= 0.7 for t in study.trials[30:]), study

    constrained, study = feasible_later(True)
    unconstrained, _ = feasible_later(False)
    assert constrained >= 22 and unconstrained <= 12
    assert study.best_trials and all(t.params["x"] >= 0.7 for t in study.best_trials)


def test_constraints_func_must_be_callable() -> None:
    with pytest.raises(ValueError, match="constraints_func"):
        TPESampler(constraints_func=3)  # type: ignore[arg-type]
