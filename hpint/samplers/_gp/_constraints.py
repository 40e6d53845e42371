"""One GP per constraint, and which trials are feasible.

Each constraint (by name, as ``constraint_values`` reads it) is modelled over the trials that have a value
for it, on the same encoded inputs as the objective. Its values are standardised, and the feasibility
threshold ``0`` is moved with them. They are not warped: the acquisition only asks on which side of ``0``
a constraint falls, and a linear constraint (the common case: a budget, a sum of parameters) stays
linear, which a GP models well from few trials; the objective's warp is anchored at its minimum and would
move the threshold out of its domain when every trial is infeasible.
"""

from __future__ import annotations

import numpy as np

from hpint.samplers._gp._model import GPModel, fit


def feasible(values: list[dict[str, float]]) -> np.ndarray:
    """Whether each trial's constraint values are all ``<= 0`` (a trial without any is feasible)."""
    return np.array([all(c <= 0.0 for c in v.values()) for v in values], dtype=bool)


def violations(values: list[dict[str, float]]) -> np.ndarray:
    """The sum of each trial's positive constraint values (0 when feasible)."""
    return np.array([sum(max(c, 0.0) for c in v.values()) for v in values], dtype=float)


def fit_constraints(
    x: np.ndarray, values: list[dict[str, float]], deterministic: bool
) -> tuple[tuple[GPModel, float], ...]:
    """``(model, threshold)`` per constraint name (sorted), fitted to the standardised values it has."""
    names = sorted({name for v in values for name in v})
    models = []
    for name in names:
        rows = np.array([i for i, v in enumerate(values) if name in v])
        c = np.array([values[i][name] for i in rows], dtype=float)
        mean, std = float(c.mean()), float(c.std())
        scale = std if std > 0 else 1.0
        models.append((fit(x[rows], (c - mean) / scale, deterministic), (0.0 - mean) / scale))
    return tuple(models)
