"""A sampler's ``constraints_func``: checked once, called when a trial ends, its values stored.

Shared by the samplers that take one (TPE, NSGA-II, GP). The values land in the trial's
``"constraints"`` system attribute, where ``trial.set_constraint``'s named values also live (see
``hpint/trial/_constraints.py``), so feasibility reads the same for both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hpint.storages._base import TrialUpdate
from hpint.trial._constraints import CONSTRAINTS_KEY
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study

ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]


def check_constraints_func(func: Any) -> ConstraintsFunc | None:
    """``func`` itself if it is None or callable.

    Raises:
        ValueError: ``func`` is neither, naming it.
    """
    if func is not None and not callable(func):
        raise ValueError(f"`constraints_func` must be callable or None, not {func!r}.")
    return func


def store_constraints(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: Sequence[float] | None,
    func: ConstraintsFunc | None,
) -> None:
    """Call ``func`` on the ending trial (as it will be stored) and record what it returns.

    Only COMPLETE and PRUNED trials are judged, as in Optuna; a FAIL has nothing to judge.

    Raises:
        ValueError: ``func`` returned something other than a sequence of numbers, or a NaN.
    """
    if func is None or state not in (TrialState.COMPLETE, TrialState.PRUNED):
        return
    finished = trial.copy()
    finished.state = state
    finished.values = list(values) if values is not None else None
    raw = func(finished)
    try:
        constraints = [float(c) for c in raw]
    except (TypeError, ValueError) as e:
        raise ValueError(f"`constraints_func` must return a sequence of floats, not {raw!r}.") from e
    if any(math.isnan(c) for c in constraints):
        raise ValueError(f"`constraints_func` returned NaN: {raw!r}.")
    study._storage.update_trial(trial._trial_id, TrialUpdate(system_attrs={CONSTRAINTS_KEY: constraints}))
    trial.system_attrs[CONSTRAINTS_KEY] = constraints
