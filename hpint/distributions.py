"""Search-space distributions: what values a parameter may take.

A distribution converts between the *external* value a user sees (``0.01``, ``"adam"``) and the *internal*
float that storages and samplers work with (categoricals are stored by their index). Distributions are
immutable and compare by value, so two trials that suggested ``suggest_float("lr", 1e-5, 1e-1, log=True)``
hold equal distributions.
"""

from __future__ import annotations

import abc
import decimal
import json
import math
import warnings
from collections.abc import Sequence
from typing import Any

from hpint._typing import CategoricalChoiceType

__all__ = [
    "BaseDistribution",
    "FloatDistribution",
    "IntDistribution",
    "CategoricalDistribution",
    "UniformDistribution",
    "LogUniformDistribution",
    "DiscreteUniformDistribution",
    "IntUniformDistribution",
    "IntLogUniformDistribution",
    "distribution_to_json",
    "json_to_distribution",
    "check_distribution_compatibility",
    "CategoricalChoiceType",
]


class BaseDistribution(abc.ABC):
    """A parameter's domain; subclasses are value objects."""

    @abc.abstractmethod
    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        """The user-facing value for a stored internal float."""

    @abc.abstractmethod
    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        """The float stored for a user-facing value; raises ``ValueError`` if the value is outside."""

    @abc.abstractmethod
    def single(self) -> bool:
        """True when the domain holds exactly one value (samplers then need not sample)."""

    @abc.abstractmethod
    def _contains(self, param_value_in_internal_repr: float) -> bool:
        """Whether an internal value lies in the domain."""

    def _asdict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseDistribution) or type(self) is not type(other):
            return NotImplemented
        return self._asdict() == other._asdict()

    def __hash__(self) -> int:
        return hash((type(self).__name__,) + tuple(_hashable(v) for v in self._asdict().values()))

    def __repr__(self) -> str:
        kwargs = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items())
        return f"{type(self).__name__}({kwargs})"


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _adjust_high(low: float, high: float, step: float) -> float:
    """The largest ``low + k * step <= high``, computed in decimal so 0.1-steps do not drift."""
    d_high = decimal.Decimal(str(high))
    d_low = decimal.Decimal(str(low))
    d_step = decimal.Decimal(str(step))
    d_r = d_high - d_low
    if d_r % d_step != decimal.Decimal("0"):
        return float((d_r // d_step) * d_step + d_low)
    return high


class FloatDistribution(BaseDistribution):
    """Floats in ``[low, high]``, optionally on a log scale or on a grid of ``step``.

    Raises:
        ValueError: ``low > high``; ``log`` with ``low <= 0``; ``step`` together with ``log``; ``step <= 0``.
    """

    def __init__(self, low: float, high: float, log: bool = False, step: float | None = None) -> None:
        _check_number("low", low)
        _check_number("high", high)
        if log and step is not None:
            raise ValueError(f"`step` ({step}) cannot be combined with `log=True`; drop one of them.")
        if low > high:
            raise ValueError(f"`low` ({low}) must be less than or equal to `high` ({high}).")
        if log and low <= 0.0:
            raise ValueError(f"`low` ({low}) must be larger than 0 when `log=True`.")
        if step is not None:
            _check_number("step", step)
            if step <= 0:
                raise ValueError(f"`step` ({step}) must be larger than 0.")
            adjusted = _adjust_high(low, high, step)
            if adjusted != high:
                warnings.warn(
                    f"The range [{low}, {high}] is not divisible by `step` ({step}); "
                    f"`high` is replaced by {adjusted}.",
                    stacklevel=3,
                )
            high = adjusted
        self.low = float(low)
        self.high = float(high)
        self.log = bool(log)
        self.step = None if step is None else float(step)

    def single(self) -> bool:
        if self.step is None:
            return self.low == self.high
        if self.low == self.high:
            return True
        return (decimal.Decimal(str(self.high)) - decimal.Decimal(str(self.low))) < decimal.Decimal(
            str(self.step)
        )

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        if self.step is None:
            return self.low <= value <= self.high
        k = (value - self.low) / self.step
        return self.low <= value <= self.high and abs(k - round(k)) < 1.0e-8

    def to_external_repr(self, param_value_in_internal_repr: float) -> float:
        return float(param_value_in_internal_repr)

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        try:
            value = float(param_value_in_external_repr)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{param_value_in_external_repr!r} is not a number for {self!r}.") from e
        if math.isnan(value):
            raise ValueError(f"NaN is not a valid value for {self!r}.")
        if self.log and value <= 0.0:
            raise ValueError(f"{value} is not positive, as `log=True` requires, for {self!r}.")
        return value


class IntDistribution(BaseDistribution):
    """Integers in ``[low, high]`` on a grid of ``step``, optionally on a log scale.

    Raises:
        ValueError: ``low > high``; ``log`` with ``low < 1``; ``log`` with ``step != 1``; ``step <= 0``.
    """

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        _check_int("low", low)
        _check_int("high", high)
        _check_int("step", step)
        if log and step != 1:
            raise ValueError(f"`step` ({step}) must be 1 when `log=True`; drop one of them.")
        if low > high:
            raise ValueError(f"`low` ({low}) must be less than or equal to `high` ({high}).")
        if log and low < 1:
            raise ValueError(f"`low` ({low}) must be at least 1 when `log=True`.")
        if step <= 0:
            raise ValueError(f"`step` ({step}) must be larger than 0.")
        adjusted = (high - low) // step * step + low
        if adjusted != high:
            warnings.warn(
                f"The range [{low}, {high}] is not divisible by `step` ({step}); "
                f"`high` is replaced by {adjusted}.",
                stacklevel=3,
            )
        self.low = int(low)
        self.high = int(adjusted)
        self.log = bool(log)
        self.step = int(step)

    def single(self) -> bool:
        return self.low == self.high or self.high - self.low < self.step

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        return self.low <= value <= self.high and (value - self.low) % self.step == 0

    def to_external_repr(self, param_value_in_internal_repr: float) -> int:
        return int(param_value_in_internal_repr)

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        try:
            value = float(param_value_in_external_repr)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{param_value_in_external_repr!r} is not an integer for {self!r}.") from e
        if math.isnan(value):
            raise ValueError(f"NaN is not a valid value for {self!r}.")
        if self.log and value <= 0.0:
            raise ValueError(f"{value} is not positive, as `log=True` requires, for {self!r}.")
        return value


class CategoricalDistribution(BaseDistribution):
    """One of a fixed list of choices; stored by index, so choices keep their exact type.

    Choices should be ``None``, ``bool``, ``int``, ``float`` or ``str``: those survive a round trip through
    any storage. Other objects work in memory only and draw a warning.
    """

    def __init__(self, choices: Sequence[CategoricalChoiceType]) -> None:
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
            raise ValueError(
                f"`choices` must be a list or tuple of values, not {type(choices).__name__} ({choices!r})."
            )
        if len(choices) == 0:
            raise ValueError("`choices` must contain one or more elements.")
        for choice in choices:
            if choice is not None and not isinstance(choice, (bool, int, float, str)):
                warnings.warn(
                    f"Choice {choice!r} of type {type(choice).__name__} cannot be stored in a database; "
                    "use None, bool, int, float or str to make the study persistable.",
                    stacklevel=3,
                )
        self.choices = tuple(choices)

    def single(self) -> bool:
        return len(self.choices) == 1

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        index = int(param_value_in_internal_repr)
        return 0 <= index < len(self.choices) and index == param_value_in_internal_repr

    def to_external_repr(self, param_value_in_internal_repr: float) -> CategoricalChoiceType:
        return self.choices[int(param_value_in_internal_repr)]

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        index = _index_of_choice(self.choices, param_value_in_external_repr)
        if index is None:
            raise ValueError(
                f"{param_value_in_external_repr!r} is not among the choices {list(self.choices)}."
            )
        return float(index)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(repr(c) for c in self.choices)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CategoricalDistribution):
            return NotImplemented
        return len(self.choices) == len(other.choices) and all(
            _same_choice(a, b) for a, b in zip(self.choices, other.choices)
        )


def _same_choice(a: Any, b: Any) -> bool:
    """Type-strict equality: ``True`` and ``1`` are different choices; NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _index_of_choice(choices: Sequence[Any], value: Any) -> int | None:
    for i, choice in enumerate(choices):
        if choice is value or _same_choice(choice, value):
            return i
    for i, choice in enumerate(choices):  # e.g. numpy scalars, int 1 given for float 1.0
        try:
            if not isinstance(choice, bool) and not isinstance(value, bool) and choice == value:
                return i
        except Exception:  # noqa: BLE001 - arbitrary user objects may not compare
            continue
    return None


def _check_number(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"`{name}` must be a number, not {type(value).__name__} ({value!r}).")
    if math.isnan(float(value)) or math.isinf(float(value)):
        raise ValueError(f"`{name}` must be finite, not {value!r}.")


def _check_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) and not hasattr(value, "__index__"):
        raise TypeError(f"`{name}` must be an integer, not {type(value).__name__} ({value!r}).")


# ---- Deprecated distributions: kept so old pickles and scripts still load. ----


class UniformDistribution(FloatDistribution):
    """Deprecated: use ``FloatDistribution(low, high)``."""

    def __init__(self, low: float, high: float) -> None:
        super().__init__(low, high)

    def _asdict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}


class LogUniformDistribution(FloatDistribution):
    """Deprecated: use ``FloatDistribution(low, high, log=True)``."""

    def __init__(self, low: float, high: float) -> None:
        super().__init__(low, high, log=True)

    def _asdict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}


class DiscreteUniformDistribution(FloatDistribution):
    """Deprecated: use ``FloatDistribution(low, high, step=q)``."""

    def __init__(self, low: float, high: float, q: float) -> None:
        super().__init__(low, high, step=q)

    @property
    def q(self) -> float:
        assert self.step is not None
        return self.step

    def _asdict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "q": self.q}


class IntUniformDistribution(IntDistribution):
    """Deprecated: use ``IntDistribution(low, high, step=step)``."""

    def __init__(self, low: int, high: int, step: int = 1) -> None:
        super().__init__(low, high, step=step)

    def _asdict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "step": self.step}


class IntLogUniformDistribution(IntDistribution):
    """Deprecated: use ``IntDistribution(low, high, log=True)``."""

    def __init__(self, low: int, high: int, step: int = 1) -> None:
        super().__init__(low, high, log=True, step=step)

    def _asdict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "step": self.step}


_DISTRIBUTION_CLASSES: dict[str, type[BaseDistribution]] = {
    cls.__name__: cls
    for cls in (
        FloatDistribution,
        IntDistribution,
        CategoricalDistribution,
        UniformDistribution,
        LogUniformDistribution,
        DiscreteUniformDistribution,
        IntUniformDistribution,
        IntLogUniformDistribution,
    )
}


def distribution_to_json(dist: BaseDistribution) -> str:
    """Serialise a distribution as ``{"name": ..., "attributes": {...}}`` (the format Optuna stores)."""
    attributes = dist._asdict()
    if isinstance(dist, CategoricalDistribution):
        attributes = {"choices": list(dist.choices)}
    return json.dumps({"name": type(dist).__name__, "attributes": attributes})


def json_to_distribution(json_str: str) -> BaseDistribution:
    """Rebuild a distribution from :func:`distribution_to_json` output.

    Raises:
        ValueError: the JSON names no known distribution.
    """
    loaded = json.loads(json_str)
    name = loaded.get("name")
    cls = _DISTRIBUTION_CLASSES.get(name)
    if cls is None:
        raise ValueError(f"Unknown distribution {name!r} in {json_str!r}.")
    attributes = dict(loaded["attributes"])
    if cls is CategoricalDistribution:
        return CategoricalDistribution(choices=attributes["choices"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(**attributes)


def check_distribution_compatibility(dist_old: BaseDistribution, dist_new: BaseDistribution) -> None:
    """Raise if one parameter name is used with distributions of different kinds across trials.

    Float and int ranges may change between trials (a user widens a range); the kind may not, nor the
    choices of a categorical, since stored indices would then point at other values.

    Raises:
        ValueError: the kinds (or the categorical choices) differ.
    """
    kind_old = _kind(dist_old)
    kind_new = _kind(dist_new)
    if kind_old != kind_new:
        raise ValueError(
            f"Cannot use a {kind_new} distribution ({dist_new!r}) for a parameter "
            f"previously suggested with a {kind_old} distribution ({dist_old!r})."
        )
    if kind_old == "categorical" and dist_old != dist_new:
        raise ValueError(
            f"Categorical choices cannot change within a study: {list(dist_old.choices)} "  # type: ignore[attr-defined]
            f"became {list(dist_new.choices)}."  # type: ignore[attr-defined]
        )
    if kind_old != "categorical" and dist_old.log != dist_new.log:  # type: ignore[attr-defined]
        raise ValueError(
            f"Cannot change `log` from {dist_old.log} to {dist_new.log} "  # type: ignore[attr-defined]
            f"for one parameter ({dist_old!r} vs {dist_new!r})."
        )


def _kind(dist: BaseDistribution) -> str:
    if isinstance(dist, CategoricalDistribution):
        return "categorical"
    if isinstance(dist, IntDistribution):
        return "int"
    return "float"
