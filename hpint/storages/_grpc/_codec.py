"""The proxy's wire format: storage calls, records and errors as JSON.

JSON, not pickle: the server decodes whatever a client sends, and unpickling bytes from the network
would let anyone who reaches the port run code on it. What storages keep is JSON already (attributes must
be JSON-serialisable for the SQL storages too); the rest is encoded here. Floats keep their exact value
(``repr`` round-trips; inf and NaN are written as ``Infinity`` / ``NaN``, which Python's json reads back),
dict keys that are not strings (intermediate values' steps) travel as pairs, and a parameter travels as
its internal float and its distribution, so categorical values come back as the same objects.
"""

from __future__ import annotations

import builtins
import datetime
import json
from collections.abc import Callable
from typing import Any

import hpint.exceptions
from hpint._direction import StudyDirection
from hpint.distributions import BaseDistribution, distribution_to_json, json_to_distribution
from hpint.exceptions import StorageInternalError
from hpint.storages._base import FrozenStudy, TrialUpdate
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

_ENCODER = json.JSONEncoder(separators=(",", ":"))
_DECODE = json.JSONDecoder().decode
# Distributions repeat in every trial of a study: each is converted once per process. Bounded, in case a
# study uses ever-new ones (e.g. a range that moves every trial).
_MAX_KEPT_DISTRIBUTIONS = 4096
_dist_to_json: dict[BaseDistribution, str] = {}
_json_to_dist: dict[str, BaseDistribution] = {}


def dumps(obj: Any) -> bytes:
    return _ENCODER.encode(obj).encode()


def loads(data: bytes) -> Any:
    return _DECODE(data.decode())


# ---- distributions and times ----
def _memoized(kept: dict[Any, Any], key: Any, make: Callable[[Any], Any]) -> Any:
    value = kept.get(key)
    if value is None:
        value = make(key)
        if len(kept) >= _MAX_KEPT_DISTRIBUTIONS:
            kept.clear()
        kept[key] = value
    return value


def encode_distribution(dist: BaseDistribution) -> str:
    return _memoized(_dist_to_json, dist, distribution_to_json)


def decode_distribution(encoded: str) -> BaseDistribution:
    return _memoized(_json_to_dist, encoded, json_to_distribution)


def _encode_time(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _decode_time(encoded: str | None) -> datetime.datetime | None:
    return None if encoded is None else datetime.datetime.fromisoformat(encoded)


# ---- records ----
def encode_trial(trial: FrozenTrial) -> list[Any]:
    dists = trial.distributions
    return [
        trial._trial_id,
        trial.number,
        int(trial.state),
        trial.values,
        _encode_time(trial.datetime_start),
        _encode_time(trial.datetime_complete),
        [
            [name, dists[name].to_internal_repr(value), encode_distribution(dists[name])]
            for name, value in trial.params.items()
        ],
        trial.user_attrs,
        trial.system_attrs,
        [[step, value] for step, value in trial.intermediate_values.items()],
    ]


def decode_trial(encoded: list[Any]) -> FrozenTrial:
    trial_id, number, state, values, start, complete, params, user_attrs, system_attrs, steps = encoded
    trial = object.__new__(FrozenTrial)  # skips __init__'s checks: the server's storage made this record
    distributions = {name: decode_distribution(dist) for name, _, dist in params}
    trial.__dict__.update(
        _number=number,
        state=TrialState(state),
        _values=values,
        _datetime_start=_decode_time(start),
        datetime_complete=_decode_time(complete),
        _params={name: distributions[name].to_external_repr(internal) for name, internal, _ in params},
        _distributions=distributions,
        _user_attrs=user_attrs,
        _system_attrs=system_attrs,
        intermediate_values={step: value for step, value in steps},
        _trial_id=trial_id,
    )
    return trial


def encode_study(study: FrozenStudy) -> list[Any]:
    return [
        study.study_id,
        study.study_name,
        [int(d) for d in study.directions],
        study.user_attrs,
        study.system_attrs,
    ]


def decode_study(encoded: list[Any]) -> FrozenStudy:
    study_id, name, directions, user_attrs, system_attrs = encoded
    return FrozenStudy(study_id, name, decode_directions(directions), user_attrs, system_attrs)


def decode_directions(encoded: list[int]) -> list[StudyDirection]:
    return [StudyDirection(d) for d in encoded]


def encode_update(update: TrialUpdate) -> list[Any]:
    params = update.params
    return [
        None if update.state is None else int(update.state),
        None if update.values is None else [float(v) for v in update.values],
        None if params is None else [[n, float(v), encode_distribution(d)] for n, (v, d) in params.items()],
        None
        if update.intermediate_values is None
        else [[int(s), float(v)] for s, v in update.intermediate_values.items()],
        update.user_attrs,
        update.system_attrs,
    ]


def decode_update(encoded: list[Any]) -> TrialUpdate:
    state, values, params, steps, user_attrs, system_attrs = encoded
    return TrialUpdate(
        state=None if state is None else TrialState(state),
        values=values,
        params=None if params is None else {n: (v, decode_distribution(d)) for n, v, d in params},
        intermediate_values=None if steps is None else {s: v for s, v in steps},
        user_attrs=user_attrs,
        system_attrs=system_attrs,
    )


def check_encodable(what: str, value: Any) -> None:
    """Fail on the client, naming ``what``, if ``value`` cannot travel as JSON (the server would refuse)."""
    try:
        _ENCODER.encode(value)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what} must be JSON-serialisable to be sent to the storage proxy: {e}") from None


# ---- errors ----
def encode_error(error: BaseException) -> list[Any]:
    """[module, class name, args]: enough to raise the same type with the same message on the client."""
    args: Any = list(error.args)
    try:
        _ENCODER.encode(args)
    except (TypeError, ValueError):
        args = [str(error)]
    return [type(error).__module__, type(error).__qualname__, args]


def decode_error(encoded: list[Any]) -> Exception:
    """The server's exception rebuilt, if it is a built-in or one of hpint's; else a StorageInternalError.

    Only these two namespaces are searched: a client never instantiates a class the server names freely.
    """
    module, name, args = encoded
    namespace = {"builtins": builtins, "hpint.exceptions": hpint.exceptions}.get(module)
    cls = getattr(namespace, name, None) if namespace is not None else None
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(*args)
        except Exception:  # noqa: BLE001 - a constructor with other arguments: fall through
            pass
    message = args[0] if len(args) == 1 else args
    return StorageInternalError(f"The storage proxy's server raised {module}.{name}: {message}")
