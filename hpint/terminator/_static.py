"""StaticErrorEvaluator: a fixed error, i.e. stop once the improvement left is below a constant."""

from __future__ import annotations

import math
import numbers

from hpint._direction import StudyDirection
from hpint.terminator._base import BaseErrorEvaluator
from hpint.trial._frozen import FrozenTrial


class StaticErrorEvaluator(BaseErrorEvaluator):
    """Always returns ``constant``: a threshold in the objective's units on the room left to improve.

    Args:
        constant: the error; a number, not NaN.

    Raises:
        ValueError: ``constant`` is not a number or is NaN.
    """

    def __init__(self, constant: float) -> None:
        if isinstance(constant, bool) or not isinstance(constant, numbers.Real) or math.isnan(constant):
            raise ValueError(f"`constant` must be a number (not NaN), not {constant!r}.")
        self._constant = constant

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        return float(self._constant)

    def __repr__(self) -> str:
        return f"StaticErrorEvaluator(constant={self._constant!r})"
