"""The sampler contract: how a trial's parameters are chosen.

A sampler works in two passes per trial, so that both joint (relative) and per-parameter (independent)
algorithms fit one interface:

1. At the start of a trial, :meth:`BaseSampler.infer_relative_search_space` names the parameters the
   sampler wants to draw jointly (e.g. the intersection of past trials' spaces, for TPE-multivariate or
   CMA-ES) and :meth:`BaseSampler.sample_relative` draws them all at once.
2. When the objective calls ``trial.suggest_*`` for a parameter not drawn in pass 1 (define-by-run: the
   space is only known as the code runs), :meth:`BaseSampler.sample_independent` draws it alone.

:meth:`before_trial` and :meth:`after_trial` let a sampler keep state (a generation, a grid cursor) in the
storage, where every worker process sees it.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.distributions import BaseDistribution
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


class BaseSampler(abc.ABC):
    """Base class of every sampler. Subclasses implement three methods; the hooks are optional."""

    @abc.abstractmethod
    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        """The parameters to draw jointly for ``trial``; return ``{}`` for a purely independent sampler."""

    @abc.abstractmethod
    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Draw values (external representation) for the parameters of ``search_space``."""

    @abc.abstractmethod
    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Draw one value (external representation) for a parameter not drawn by ``sample_relative``."""

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        """Called when a trial starts, before any parameter is drawn."""

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Called when a trial ends, before its final state is stored."""

    def reseed_rng(self) -> None:
        """Give the sampler fresh randomness (for worker processes that got copies of one seeded sampler)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
