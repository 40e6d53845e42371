"""The pruner contract: one question, asked after each reported intermediate value."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class BasePruner(abc.ABC):
    """Decides whether a running trial should stop early, from its and other trials' intermediate values."""

    @abc.abstractmethod
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """True if ``trial`` (RUNNING, with its intermediate values so far) should be pruned now.

        Called by ``trial.should_prune()``. Implementations read other trials through
        ``study.get_trials(deepcopy=False, states=...)`` and must not modify what they read.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
