"""The suggest API shared by live, frozen and fixed trials.

Each ``suggest_*`` builds a distribution (validating the arguments, so bad input fails at the call that
made it) and hands it to the subclass's ``_suggest``, which decides where the value comes from: the sampler
(:class:`~hpint.trial.Trial`), the stored parameters (:class:`~hpint.trial.FrozenTrial`) or a dict
(:class:`~hpint.trial.FixedTrial`).
"""

from __future__ import annotations

import abc
import datetime
import warnings
from collections.abc import Sequence
from typing import Any, overload

from hpint._typing import CategoricalChoiceType
from hpint.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.trial._constraints import constraint_attr, constraint_values


def _distribution_error(name: str, error: Exception) -> Exception:
    """Re-raise a distribution's complaint with the parameter's name in front."""
    return type(error)(f"Parameter {name!r}: {error}")


class BaseTrial(abc.ABC):
    """What an objective function may call on any trial."""

    @abc.abstractmethod
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        """Return the value of parameter ``name`` drawn from ``distribution``."""

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """Suggest a float in ``[low, high]``; ``log=True`` samples on a log scale, ``step`` on a grid.

        Raises:
            ValueError: ``low > high``, ``log`` with ``low <= 0``, ``step`` with ``log``, or ``name``
                already suggested in this trial with a different distribution.
        """
        try:
            distribution = FloatDistribution(low, high, log=log, step=step)
        except (ValueError, TypeError) as e:
            raise _distribution_error(name, e) from None
        return float(self._suggest(name, distribution))

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        """Suggest an integer in ``[low, high]`` (both included).

        Raises:
            ValueError: ``low > high``, ``log`` with ``low < 1``, ``step`` other than 1 with ``log``, or
                ``name`` already suggested in this trial with a different distribution.
        """
        try:
            distribution = IntDistribution(low, high, log=log, step=step)
        except (ValueError, TypeError) as e:
            raise _distribution_error(name, e) from None
        return int(self._suggest(name, distribution))

    @overload
    def suggest_categorical(self, name: str, choices: Sequence[None]) -> None: ...
    @overload
    def suggest_categorical(self, name: str, choices: Sequence[bool]) -> bool: ...
    @overload
    def suggest_categorical(self, name: str, choices: Sequence[int]) -> int: ...
    @overload
    def suggest_categorical(self, name: str, choices: Sequence[float]) -> float: ...
    @overload
    def suggest_categorical(self, name: str, choices: Sequence[str]) -> str: ...
    @overload
    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType: ...

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoiceType]) -> Any:
        """Suggest one of ``choices``; the value keeps its type (``True`` stays a bool, ``1`` an int)."""
        try:
            distribution = CategoricalDistribution(choices)
        except (ValueError, TypeError) as e:
            raise _distribution_error(name, e) from None
        return self._suggest(name, distribution)

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Deprecated: use ``suggest_float(name, low, high)``."""
        _warn_deprecated("suggest_uniform", "suggest_float(name, low, high)")
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Deprecated: use ``suggest_float(name, low, high, log=True)``."""
        _warn_deprecated("suggest_loguniform", "suggest_float(name, low, high, log=True)")
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Deprecated: use ``suggest_float(name, low, high, step=q)``."""
        _warn_deprecated("suggest_discrete_uniform", "suggest_float(name, low, high, step=q)")
        return self.suggest_float(name, low, high, step=q)

    def set_constraint(self, key: str, value: float) -> None:
        """Record constraint ``key``'s value for this trial; the trial is feasible when all are ``<= 0``.

        Feasibility decides ``best_trial``/``best_trials`` and guides the samplers that handle constraints
        (TPE, GP, NSGA-II). A constraint already set keeps its first value (with a warning), as in Optuna.

        Raises:
            TypeError: ``key`` is not a string or ``value`` is not a number.
            ValueError: ``value`` is NaN.
        """
        name, number = constraint_attr(key, value)
        if name in self.system_attrs:
            warnings.warn(
                f"Constraint {key!r} is already set for this trial; {value!r} is ignored.", stacklevel=2
            )
            return
        self.set_system_attr(name, number)

    @property
    def constraints(self) -> dict[str, float]:
        """This trial's constraint values by name (a ``constraints_func``'s are named "0", "1", ...)."""
        return constraint_values(self.system_attrs)

    @abc.abstractmethod
    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach internal bookkeeping (samplers, integrations, constraints) to this trial."""

    @property
    @abc.abstractmethod
    def system_attrs(self) -> dict[str, Any]:
        """Internal bookkeeping attached to this trial."""

    @abc.abstractmethod
    def report(self, value: float, step: int) -> None:
        """Report an intermediate objective value (e.g. validation loss) at ``step`` (e.g. epoch)."""

    @abc.abstractmethod
    def should_prune(self) -> bool:
        """Whether the pruner advises ending this trial now."""

    @abc.abstractmethod
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the trial."""

    @property
    @abc.abstractmethod
    def params(self) -> dict[str, Any]:
        """The parameters suggested so far."""

    @property
    @abc.abstractmethod
    def distributions(self) -> dict[str, BaseDistribution]:
        """The distribution of each suggested parameter."""

    @property
    @abc.abstractmethod
    def user_attrs(self) -> dict[str, Any]:
        """User attributes set so far."""

    @property
    @abc.abstractmethod
    def number(self) -> int:
        """The trial's number, unique and consecutive within its study (0, 1, 2, ...)."""

    @property
    @abc.abstractmethod
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started running."""


def _warn_deprecated(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated; use {new} instead.", FutureWarning, stacklevel=3)
