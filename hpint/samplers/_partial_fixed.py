"""Fix some parameters to given values and let another sampler choose the rest."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint.distributions import BaseDistribution
from hpint.samplers._base import BaseSampler
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


class PartialFixedSampler(BaseSampler):
    """Wrap ``base_sampler`` so that the parameters in ``fixed_params`` always take the given values.

    Handy to resume a search with some choices settled (e.g. the optimiser) without rewriting the objective.
    """

    def __init__(self, fixed_params: dict[str, Any], base_sampler: BaseSampler) -> None:
        if not isinstance(fixed_params, dict):
            raise TypeError(f"`fixed_params` must be a dict, not {type(fixed_params).__name__}.")
        if not isinstance(base_sampler, BaseSampler):
            raise TypeError(f"`base_sampler` must be a sampler, not {base_sampler!r}.")
        self._fixed_params = dict(fixed_params)
        self._base_sampler = base_sampler

    def reseed_rng(self) -> None:
        self._base_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        space = self._base_sampler.infer_relative_search_space(study, trial)
        return {k: v for k, v in space.items() if k not in self._fixed_params}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._base_sampler.sample_relative(study, trial, search_space)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if param_name not in self._fixed_params:
            return self._base_sampler.sample_independent(study, trial, param_name, param_distribution)
        value = self._fixed_params[param_name]
        internal = param_distribution.to_internal_repr(value)
        if not param_distribution._contains(internal):
            warnings.warn(
                f"Fixed value {value!r} of {param_name!r} lies outside {param_distribution!r}; used anyway.",
                stacklevel=2,
            )
        return value

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._base_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        self._base_sampler.after_trial(study, trial, state, values)
