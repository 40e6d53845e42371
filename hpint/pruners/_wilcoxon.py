"""Prune a trial that is, with statistical confidence, worse than the best trial on shared instances."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.pruners._base import BasePruner
from hpint.pruners._checks import check_int, check_number
from hpint.pruners._completed import BestTrial
from hpint.pruners._signed_rank import signed_rank_p_value
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class WilcoxonPruner(BasePruner):
    """Prune when a Wilcoxon signed-rank test says the trial is worse than the best trial.

    For objectives that average a score over instances (cross-validation folds, benchmark problems,
    questions): report each instance's score with ``trial.report(score, instance_id)``, in any order.
    The trial's values are paired with the best COMPLETE trial's on the instance ids both reported, and a
    one-sided signed-rank test (zeros split between the signs) asks whether the trial is worse; it is
    pruned when the p-value is below ``p_threshold``. As in Optuna, it is not pruned while fewer than
    ``max(2, n_startup_steps)`` instances are shared, while its mean value over its reported instances is
    at least as good as the best trial's mean, or when either trial has a NaN or infinite value.
    Repeating the test after every instance inflates the false-positive rate above ``p_threshold``.

    The p-value is exact up to 50 shared instances (normal approximation beyond), computed without scipy
    (see :mod:`hpint.pruners._signed_rank`); scipy, with ties, switches to a normal approximation from 14
    instances on, so near ``p_threshold`` the two can decide differently there.

    Args:
        p_threshold: prune when the p-value is below this (0-1); larger prunes more.
        n_startup_steps: no pruning until this many instances are shared with the best trial.

    Raises:
        ValueError: an argument is out of range, naming it and its value.
    """

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        p_threshold = check_number("p_threshold", p_threshold, minimum=0.0)
        if p_threshold > 1.0:
            raise ValueError(f"`p_threshold` must be in [0, 1], not {p_threshold}.")
        check_int("n_startup_steps", n_startup_steps, minimum=0)
        self._p_threshold = p_threshold
        self._n_startup_steps = n_startup_steps
        self._best = BestTrial()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        values = trial.intermediate_values
        if not values or not all(math.isfinite(v) for v in values.values()):
            return False
        best = self._best.get(study)
        if best is None:
            return False
        best_values = best.intermediate_values
        if not best_values or not all(math.isfinite(v) for v in best_values.values()):
            return False
        common = [s for s in values if s in best_values]
        if len(common) < max(2, self._n_startup_steps):
            return False
        maximize = study.direction == StudyDirection.MAXIMIZE
        mean = sum(values.values()) / len(values)
        best_mean = sum(best_values.values()) / len(best_values)
        if (mean >= best_mean) if maximize else (mean <= best_mean):
            return False  # on average over what it reported, the trial is as good as the best one
        diffs = [values[s] - best_values[s] for s in common]
        return signed_rank_p_worse(diffs, maximize) < self._p_threshold

    def __repr__(self) -> str:
        return f"WilcoxonPruner(p_threshold={self._p_threshold}, n_startup_steps={self._n_startup_steps})"


def signed_rank_p_worse(diffs: list[float], maximize: bool) -> float:
    """One-sided signed-rank p-value that ``diffs`` (trial minus best, per instance) favour the best trial.

    For minimisation "worse" means the differences lean positive, for maximisation negative.
    """
    return signed_rank_p_value(diffs, "less" if maximize else "greater")
