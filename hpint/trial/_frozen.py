"""An immutable-by-convention snapshot of a trial, as storages return it."""

from __future__ import annotations

import copy
import datetime
import math
import warnings
from collections.abc import Sequence
from typing import Any

from hpint.distributions import BaseDistribution
from hpint.trial._base import BaseTrial
from hpint.trial._constraints import constraint_attr
from hpint.trial._state import TrialState

#: The system attribute holding why a trial FAILed (an exception, a bad value, a stopped heartbeat).
FAIL_REASON_KEY = "fail_reason"

__all__ = ["FrozenTrial", "create_trial"]


class FrozenTrial(BaseTrial):
    """A trial's recorded state: parameters, values, intermediate values and attributes.

    ``suggest_*`` on a frozen trial returns the stored value, so a model-building function written for the
    objective can rebuild the best model: ``create_model(study.best_trial)``.
    """

    def __init__(
        self,
        number: int,
        state: TrialState,
        value: float | None,
        datetime_start: datetime.datetime | None,
        datetime_complete: datetime.datetime | None,
        params: dict[str, Any],
        distributions: dict[str, BaseDistribution],
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        intermediate_values: dict[int, float],
        trial_id: int,
        *,
        values: Sequence[float] | None = None,
    ) -> None:
        if value is not None and values is not None:
            raise ValueError("Specify only one of `value` and `values`.")
        self._number = number
        self.state = state
        self._values: list[float] | None = (
            [value] if value is not None else (list(values) if values is not None else None)
        )
        self._datetime_start = datetime_start
        self.datetime_complete = datetime_complete
        self._params = params
        self._distributions = distributions
        self._user_attrs = user_attrs
        self._system_attrs = system_attrs
        self.intermediate_values = intermediate_values
        self._trial_id = trial_id

    # ---- values ----
    @property
    def value(self) -> float | None:
        """The objective value; raises ``RuntimeError`` for a multi-objective trial (use ``values``)."""
        if self._values is None:
            return None
        if len(self._values) > 1:
            raise RuntimeError("This trial has several objective values; use `values` instead of `value`.")
        return self._values[0]

    @value.setter
    def value(self, v: float | None) -> None:
        self._values = None if v is None else [v]

    @property
    def values(self) -> list[float] | None:
        """The objective values, one per direction; None until the trial completes."""
        return self._values

    @values.setter
    def values(self, v: Sequence[float] | None) -> None:
        self._values = None if v is None else list(v)

    # ---- identity and attributes ----
    @property
    def number(self) -> int:
        return self._number

    @number.setter
    def number(self, value: int) -> None:
        self._number = value

    @property
    def params(self) -> dict[str, Any]:
        return self._params

    @params.setter
    def params(self, params: dict[str, Any]) -> None:
        self._params = params

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return self._distributions

    @distributions.setter
    def distributions(self, value: dict[str, BaseDistribution]) -> None:
        self._distributions = value

    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._user_attrs

    @user_attrs.setter
    def user_attrs(self, value: dict[str, Any]) -> None:
        self._user_attrs = value

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._system_attrs

    @system_attrs.setter
    def system_attrs(self, value: dict[str, Any]) -> None:
        self._system_attrs = value

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start

    @datetime_start.setter
    def datetime_start(self, value: datetime.datetime | None) -> None:
        self._datetime_start = value

    @property
    def last_step(self) -> int | None:
        """The largest step with an intermediate value, or None."""
        return max(self.intermediate_values) if self.intermediate_values else None

    @property
    def duration(self) -> datetime.timedelta | None:
        """Wall time from start to completion, when both are known."""
        if self.datetime_start and self.datetime_complete:
            return self.datetime_complete - self.datetime_start
        return None

    # ---- the trial API, answered from the record ----
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._params:
            raise ValueError(
                f"Parameter {name!r} was not suggested in trial {self.number}; it has {sorted(self._params)}."
            )
        value = self._params[name]
        if not distribution._contains(distribution.to_internal_repr(value)):
            warnings.warn(
                f"The stored value {value!r} of {name!r} lies outside {distribution!r}.", stacklevel=3
            )
        return value

    def report(self, value: float, step: int) -> None:
        """Does nothing: a finished trial has no more intermediate values to record."""

    def should_prune(self) -> bool:
        """Always False: a frozen trial is not being trained."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    # ---- validation, equality, repr ----
    def _validate(self) -> None:
        """Check the invariants a storage relies on; raises ``ValueError`` naming what is wrong."""
        if self.state != TrialState.WAITING and self.datetime_start is None:
            raise ValueError(f"`datetime_start` is required for a trial in state {self.state.name}.")
        if self.state.is_finished() and self.datetime_complete is None:
            raise ValueError(f"`datetime_complete` is required for a trial in state {self.state.name}.")
        if self.state == TrialState.COMPLETE:
            if self._values is None:
                raise ValueError("A COMPLETE trial needs `value` or `values`.")
            for v in self._values:
                if not isinstance(v, (int, float)) or math.isnan(v):
                    raise ValueError(f"Objective value {v!r} of a COMPLETE trial must be a number, not NaN.")
        elif self.state != TrialState.PRUNED and self._values is not None:
            raise ValueError(
                f"A trial in state {self.state.name} has no objective value; got {self._values}."
            )
        if set(self._params) != set(self._distributions):
            raise ValueError(
                f"`params` {sorted(self._params)} and `distributions` {sorted(self._distributions)} "
                "must name the same parameters."
            )
        for name, value in self._params.items():
            dist = self._distributions[name]
            if not dist._contains(dist.to_internal_repr(value)):
                raise ValueError(f"Parameter {name!r} = {value!r} lies outside {dist!r}.")

    def _fields(self) -> tuple:
        return (
            self._number,
            self.state,
            self._values,
            self._datetime_start,
            self.datetime_complete,
            self._params,
            self._distributions,
            self._user_attrs,
            self._system_attrs,
            self.intermediate_values,
            self._trial_id,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._fields() == other._fields()

    def __lt__(self, other: FrozenTrial) -> bool:
        return self.number < other.number

    def __le__(self, other: FrozenTrial) -> bool:
        return self.number <= other.number

    __hash__ = None  # type: ignore[assignment]  # mutable record

    def __repr__(self) -> str:
        return (
            f"FrozenTrial(number={self._number}, state={self.state!r}, values={self._values}, "
            f"datetime_start={self._datetime_start!r}, datetime_complete={self.datetime_complete!r}, "
            f"params={self._params}, user_attrs={self._user_attrs}, system_attrs={self._system_attrs}, "
            f"intermediate_values={self.intermediate_values}, distributions={self._distributions}, "
            f"trial_id={self._trial_id})"
        )

    def copy(self) -> FrozenTrial:
        """A copy deep enough that changing the copy's dicts leaves this one untouched."""
        new = object.__new__(FrozenTrial)  # skips __init__: this is on every storage write's path
        fields = self.__dict__.copy()
        fields["_values"] = None if self._values is None else list(self._values)
        fields["_params"] = dict(self._params)
        fields["_distributions"] = dict(self._distributions)
        fields["_user_attrs"] = copy_attrs(self._user_attrs)
        fields["_system_attrs"] = copy_attrs(self._system_attrs)
        fields["intermediate_values"] = dict(self.intermediate_values)
        new.__dict__ = fields
        return new

    def __deepcopy__(self, memo: dict) -> FrozenTrial:
        return self.copy()


_IMMUTABLE = (int, float, str, bool, type(None))


def copy_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """Copy an attribute dict; only nested containers need a deep copy (the hot path has none)."""
    return {k: v if type(v) in _IMMUTABLE else copy.deepcopy(v) for k, v in attrs.items()}


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: dict[str, Any] | None = None,
    distributions: dict[str, BaseDistribution] | None = None,
    user_attrs: dict[str, Any] | None = None,
    system_attrs: dict[str, Any] | None = None,
    intermediate_values: dict[int, float] | None = None,
    constraints: dict[str, float] | None = None,
) -> FrozenTrial:
    """Build a finished (or WAITING) trial to add to a study with :meth:`hpint.Study.add_trial`.

    Useful to seed a study with results measured elsewhere. ``constraints`` are stored as
    :meth:`~hpint.trial.Trial.set_constraint` stores them (feasible when all are ``<= 0``). Raises
    ``ValueError`` if the trial is inconsistent (e.g. a COMPLETE trial without a value, a parameter outside
    its distribution, a NaN constraint) and ``TypeError`` for a constraint that is not a number.
    """
    system_attrs = dict(system_attrs or {})
    for key, constraint in (constraints or {}).items():
        name, number = constraint_attr(key, constraint)
        system_attrs[name] = number
    now = datetime.datetime.now()
    trial = FrozenTrial(
        number=-1,
        state=state,
        value=value,
        values=values,
        datetime_start=None if state == TrialState.WAITING else now,
        datetime_complete=now if state.is_finished() else None,
        params=dict(params or {}),
        distributions=dict(distributions or {}),
        user_attrs=dict(user_attrs or {}),
        system_attrs=system_attrs,
        intermediate_values=dict(intermediate_values or {}),
        trial_id=-1,
    )
    trial._validate()
    return trial
