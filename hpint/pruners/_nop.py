"""A pruner that never prunes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.pruners._base import BasePruner
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class NopPruner(BasePruner):
    """Never prune: every trial runs to the end (use it to measure what pruning saves)."""

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return False
