"""The live trial handed to an objective function."""

from __future__ import annotations

import datetime
import numbers
from typing import TYPE_CHECKING, Any

from hpint.distributions import BaseDistribution, check_distribution_compatibility
from hpint.trial._base import BaseTrial
from hpint.trial._frozen import FrozenTrial
from hpint.trial._update import TrialUpdate

if TYPE_CHECKING:
    from hpint.study._study import Study

#: System attribute holding parameters fixed by ``enqueue_trial`` or ``ask(fixed_distributions)``.
FIXED_PARAMS_KEY = "fixed_params"


class Trial(BaseTrial):
    """One evaluation of the objective; suggests parameters and receives intermediate values.

    Created by :meth:`hpint.Study.ask` or by ``optimize``; not meant to be built directly. The trial keeps
    its own up-to-date record locally, so reading ``params`` or asking ``should_prune()`` does not reread
    the storage.
    """

    def __init__(self, study: Study, trial_id: int, frozen: FrozenTrial | None = None) -> None:
        self.study = study
        self._trial_id = trial_id
        self.storage = study._storage
        self._cached = frozen if frozen is not None else self.storage.get_trial(trial_id)
        sampler = study.sampler
        sampler.before_trial(study, self._cached)
        self._relative_search_space = sampler.infer_relative_search_space(study, self._cached)
        self._relative_params: dict[str, Any] | None = None
        self._fixed_params: dict[str, Any] = dict(self._cached.system_attrs.get(FIXED_PARAMS_KEY, {}))
        # Set by trainer callbacks that stop training gracefully instead of raising TrialPruned:
        # optimize() then records the trial as PRUNED even though the objective returned normally.
        self._end_as_pruned = False

    # ---- suggestions ----
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        cached = self._cached
        if name in cached.distributions:
            previous = cached.distributions[name]
            if previous != distribution:
                raise ValueError(
                    f"Parameter {name!r} was already suggested in this trial with {previous!r}; "
                    f"it cannot be suggested again with {distribution!r}."
                )
            return cached.params[name]
        self.study._check_param_compatibility(name, distribution)

        if name in self._fixed_params:
            value = self._fixed_params[name]
            internal = _fixed_internal(name, value, distribution)
        elif distribution.single():
            internal = _single_internal(distribution)
            value = distribution.to_external_repr(internal)
        elif self._is_relative(name, distribution):
            value = self._get_relative_params()[name]
            internal = distribution.to_internal_repr(value)
        else:
            value = self.study.sampler.sample_independent(self.study, cached, name, distribution)
            internal = distribution.to_internal_repr(value)
        value = distribution.to_external_repr(internal)
        self.storage.update_trial(self._trial_id, TrialUpdate(params={name: (internal, distribution)}))
        cached.params[name] = value
        cached.distributions[name] = distribution
        return value

    def _is_relative(self, name: str, distribution: BaseDistribution) -> bool:
        if name not in self._relative_search_space:
            return False
        expected = self._relative_search_space[name]
        if expected != distribution:
            return False
        return name in self._get_relative_params()

    def _get_relative_params(self) -> dict[str, Any]:
        if self._relative_params is None:
            space = {k: v for k, v in self._relative_search_space.items() if k not in self._fixed_params}
            self._relative_params = (
                self.study.sampler.sample_relative(self.study, self._cached, space) if space else {}
            )
        return self._relative_params

    # ---- intermediate values and pruning ----
    def report(self, value: float, step: int) -> None:
        """Record ``value`` (e.g. validation loss) at ``step`` (e.g. epoch); pruners read these.

        Raises:
            NotImplementedError: the study has several objectives (pruning needs one).
            TypeError: ``value`` is not a number or ``step`` not an integer.
            ValueError: ``step`` is negative or was already reported for this trial.
        """
        if len(self.study.directions) > 1:
            raise NotImplementedError("trial.report is not supported for multi-objective studies.")
        if isinstance(value, bool) or not isinstance(value, numbers.Real) and not hasattr(value, "__float__"):
            raise TypeError(
                f"`value` passed to trial.report must be a number, not {type(value).__name__} ({value!r})."
            )
        value = float(value)
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise TypeError(f"`step` must be an integer, not {type(step).__name__} ({step!r}).")
        step = int(step)
        if step < 0:
            raise ValueError(f"`step` must be non-negative, not {step}.")
        if step in self._cached.intermediate_values:
            raise ValueError(
                f"Trial {self.number} already has an intermediate value at step {step} "
                f"({self._cached.intermediate_values[step]}); each step is reported once."
            )
        self.storage.update_trial(self._trial_id, TrialUpdate(intermediate_values={step: value}))
        self._cached.intermediate_values[step] = value
        self.study._notify("on_report", self, step, value)

    def should_prune(self) -> bool:
        """Ask the study's pruner whether to stop now; raise ``hpint.TrialPruned`` if it says so.

        Raises:
            NotImplementedError: the study has several objectives.
        """
        if len(self.study.directions) > 1:
            raise NotImplementedError("trial.should_prune is not supported for multi-objective studies.")
        return bool(self.study.pruner.prune(self.study, self._cached.copy()))

    # ---- attributes ----
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable ``value`` to this trial under ``key``."""
        self.storage.update_trial(self._trial_id, TrialUpdate(user_attrs={key: value}))
        self._cached.user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach internal bookkeeping (samplers, integrations) to this trial."""
        self.storage.update_trial(self._trial_id, TrialUpdate(system_attrs={key: value}))
        self._cached.system_attrs[key] = value

    # ---- read-only views ----
    @property
    def number(self) -> int:
        return self._cached.number

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._cached.params)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return dict(self._cached.distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._cached.user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return dict(self._cached.system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._cached.datetime_start

    @property
    def relative_params(self) -> dict[str, Any]:
        return self._get_relative_params()

    def _frozen(self) -> FrozenTrial:
        """This trial's record as this process knows it (no storage read)."""
        return self._cached.copy()

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self._cached.params})"


def _fixed_internal(name: str, value: Any, distribution: BaseDistribution) -> float:
    try:
        internal = distribution.to_internal_repr(value)
    except ValueError as e:
        raise ValueError(
            f"Fixed value {value!r} of parameter {name!r} does not fit {distribution!r}: {e}"
        ) from e
    if not distribution._contains(internal):
        import warnings

        warnings.warn(
            f"Fixed value {value!r} of parameter {name!r} lies outside {distribution!r}; it is used anyway.",
            stacklevel=4,
        )
    return internal


def _single_internal(distribution: BaseDistribution) -> float:
    low = getattr(distribution, "low", None)
    return float(low) if low is not None else 0.0


def check_compatible(name: str, known: BaseDistribution, new: BaseDistribution) -> None:
    try:
        check_distribution_compatibility(known, new)
    except ValueError as e:
        raise ValueError(f"Parameter {name!r}: {e}") from None
