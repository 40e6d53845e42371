"""The terminator's extension points: a stop rule, and the two estimates the default rule compares.

``Terminator`` stops a study when the room left for improvement (an :class:`BaseImprovementEvaluator`)
falls below the noise in the objective itself (an :class:`BaseErrorEvaluator`): past that point a better
value found is as likely luck as progress.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study


class BaseTerminator(abc.ABC):
    """Decides whether a study should stop, asked after each trial by :class:`TerminatorCallback`."""

    @abc.abstractmethod
    def should_terminate(self, study: Study) -> bool:
        """True if ``study`` should run no more trials."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BaseImprovementEvaluator(abc.ABC):
    """Estimates how much the best objective value can still improve, in the objective's units."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The room left for improvement given ``trials`` (any states; only COMPLETE ones count).

        Evaluators may keep state between calls (a random generator); they never modify ``trials``.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BaseErrorEvaluator(abc.ABC):
    """Estimates the statistical error of the objective, the improvement below which stopping is safe."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The error given ``trials`` (any states; only COMPLETE ones count)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
