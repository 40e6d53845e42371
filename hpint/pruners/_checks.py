"""Argument checks and step-schedule rules shared by the pruners (pure functions, no study access)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def check_int(name: str, value: Any, minimum: int) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is an int (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, not {value!r}.")


def check_number(name: str, value: Any, minimum: float | None = None) -> float:
    """``value`` as a float; ``TypeError`` if it is not a number, ``ValueError`` if NaN or too small."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"`{name}` must be a number, not {type(value).__name__} ({value!r}).")
    value = float(value)
    if math.isnan(value) or (minimum is not None and value < minimum):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"`{name}` must be a number{bound}, not {value!r}.")
    return value


def is_check_step(steps: Iterable[int], step: int, n_warmup_steps: int, interval_steps: int) -> bool:
    """Whether a pruner with this warm-up and interval should decide at ``step`` (the newest report).

    Checks happen at ``n_warmup_steps``, ``n_warmup_steps + interval_steps``, ... When the trial skips the
    exact check step (e.g. it reports every 2 steps and the interval is 3), the first step reported inside
    each interval is checked instead, so a sparse reporter is not silently never pruned.
    """
    if step < n_warmup_steps:
        return False
    window_start = n_warmup_steps + (step - n_warmup_steps) // interval_steps * interval_steps
    return not any(window_start <= s < step for s in steps)
