"""Small helpers the evaluators share: COMPLETE trials, values as losses, argument checks."""

from __future__ import annotations

import math
import numbers
from typing import Any

from hpint._direction import StudyDirection
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState


def complete_trials(trials: list[FrozenTrial]) -> list[FrozenTrial]:
    """The COMPLETE trials of ``trials``, in the order given."""
    return [t for t in trials if t.state == TrialState.COMPLETE]


def loss_sign(direction: StudyDirection) -> float:
    """``1`` to minimise, ``-1`` to maximise: ``sign * value`` is then always a loss (lower is better)."""
    if direction == StudyDirection.MAXIMIZE:
        return -1.0
    if direction == StudyDirection.MINIMIZE:
        return 1.0
    raise ValueError(f"`study_direction` must be MINIMIZE or MAXIMIZE, not {direction!r}.")


def best_index(losses: list[float]) -> int:
    """The index of the first of the lowest losses."""
    return min(range(len(losses)), key=losses.__getitem__)


def check_int(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, if it is an integer ``>= minimum`` (bools refused); ``ValueError`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, not {value!r}.")
    return int(value)


def check_open_unit(name: str, value: Any, include_one: bool = False) -> float:
    """``value`` as a float in ``(0, 1)`` (or ``(0, 1]``); ``ValueError`` naming it otherwise."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and 0.0 < value and (value <= 1.0 if include_one else value < 1.0):
        return float(value)
    interval = "(0, 1]" if include_one else "(0, 1)"
    raise ValueError(f"`{name}` must be a number in {interval}, not {value!r}.")


def check_seed(seed: Any) -> int | None:
    """``seed`` if it is None or an integer; ``TypeError`` naming it otherwise."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"`seed` must be an integer or None, not {type(seed).__name__} ({seed!r}).")
    return seed
