"""A trial whose parameters are given up front: run an objective once with known values."""

from __future__ import annotations

import datetime
import warnings
from typing import Any

from hpint.distributions import BaseDistribution
from hpint.trial._base import BaseTrial


class FixedTrial(BaseTrial):
    """Run an objective with chosen parameters, e.g. to retrain the best: ``objective(FixedTrial(params))``.

    Raises ``ValueError`` when the objective suggests a parameter not in ``params``.
    """

    def __init__(self, params: dict[str, Any], number: int = 0) -> None:
        self._params = dict(params)
        self._suggested: dict[str, Any] = {}
        self._distributions: dict[str, BaseDistribution] = {}
        self._user_attrs: dict[str, Any] = {}
        self._system_attrs: dict[str, Any] = {}
        self._intermediate_values: dict[int, float] = {}
        self._number = number
        self._datetime_start = datetime.datetime.now()

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._params:
            raise ValueError(f"Parameter {name!r} is not among the fixed params {sorted(self._params)}.")
        if name in self._distributions and self._distributions[name] != distribution:
            raise ValueError(
                f"Parameter {name!r} was already suggested with {self._distributions[name]!r}; "
                f"it cannot be suggested again with {distribution!r}."
            )
        value = self._params[name]
        internal = distribution.to_internal_repr(value)
        if not distribution._contains(internal):
            warnings.warn(f"Fixed value {value!r} of {name!r} lies outside {distribution!r}.", stacklevel=3)
        value = distribution.to_external_repr(internal)
        self._suggested[name] = value
        self._distributions[name] = distribution
        return value

    def report(self, value: float, step: int) -> None:
        self._intermediate_values[step] = float(value)

    def should_prune(self) -> bool:
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._suggested)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return dict(self._distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return dict(self._system_attrs)

    @property
    def number(self) -> int:
        return self._number

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start
