"""A trial's constraint values, where they are stored, and what makes a trial feasible.

Two ways fill them, as in Optuna: a sampler's ``constraints_func`` stores a list under ``"constraints"``
after the trial (values named ``"0"``, ``"1"``, ...), and ``trial.set_constraint(key, value)`` stores one
value under ``"constraints:<key>"`` from inside the objective. A trial is feasible when every value is
``<= 0``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

#: Trial system attribute of a ``constraints_func``'s list of values, as Optuna names it.
CONSTRAINTS_KEY = "constraints"
_NAMED_PREFIX = f"{CONSTRAINTS_KEY}:"


def constraint_values(system_attrs: Mapping[str, Any]) -> dict[str, float]:
    """Every constraint value of a trial by name; a named value replaces a listed one of the same name."""
    values = {str(i): float(c) for i, c in enumerate(system_attrs.get(CONSTRAINTS_KEY) or ())}
    for key, value in system_attrs.items():
        if key.startswith(_NAMED_PREFIX):
            values[key[len(_NAMED_PREFIX) :]] = float(value)
    return values


def has_constraints(system_attrs: Mapping[str, Any]) -> bool:
    """Whether any constraint value was stored (a trial without any is feasible)."""
    return CONSTRAINTS_KEY in system_attrs or any(k.startswith(_NAMED_PREFIX) for k in system_attrs)


def violation(system_attrs: Mapping[str, Any]) -> float:
    """The sum of the positive constraint values: 0 for a feasible trial."""
    return float(sum(max(c, 0.0) for c in constraint_values(system_attrs).values()))


def constraint_attr(key: str, value: Any) -> tuple[str, float]:
    """The system attribute ``set_constraint(key, value)`` stores, after checking its arguments.

    Raises:
        TypeError: ``key`` is not a string, or ``value`` cannot be read as a float.
        ValueError: ``value`` is NaN.
    """
    if not isinstance(key, str):
        raise TypeError(f"A constraint's `key` must be a string, not {type(key).__name__} ({key!r}).")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"Constraint {key!r}: `value` must be a number, not {type(value).__name__} ({value!r})."
        ) from None
    if math.isnan(number):
        raise ValueError(f"Constraint {key!r}: `value` is NaN; give a number (<= 0 means satisfied).")
    return _NAMED_PREFIX + key, number
