"""The extension point: an evaluator turns a study's trials into one importance per parameter."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial


class BaseImportanceEvaluator(abc.ABC):
    """How much each parameter explains the objective (or ``target``) over a study's COMPLETE trials."""

    @abc.abstractmethod
    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Importance of each parameter in ``params`` (default: those every COMPLETE trial shares).

        Args:
            study: the study whose trials are explained.
            params: the parameter names to rank; ``None`` for all shared ones.
            target: the value to explain, from a trial; required for multi-objective studies.

        Returns:
            ``{name: importance}``, most important first; not necessarily summing to 1.
        """
