"""Pure conversions from hpint's distributions and trials to the HParams plugin's protocol buffers.

No file I/O here, so the domain and value rules can be tested on their own. The rules that matter:
floats and ints get an interval domain; a categorical keeps its own type (numbers stay numbers, booleans
stay booleans) and only a categorical mixing types becomes strings; ``None`` among numeric choices is left
unset in a session rather than turning the whole column into strings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from google.protobuf import struct_pb2
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2

from hpint.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.trial._state import TrialState

#: Tag of the per-epoch series written from ``trial.report``.
INTERMEDIATE_PREFIX = "intermediate/"
#: Metric holding the trial's state as its ``TrialState`` number; unlike a session's status (fixed once
#: written: TensorBoard keeps a run's first record of a tag) a metric's last value can change.
STATE_METRIC = "state"
_STATE_DESCRIPTION = "trial state: 0 running, 1 complete, 2 pruned, 3 fail"

_STATUS = {
    # A running trial's session lives in its own run (see _layout): TensorBoard keeps the first status it
    # reads for a run, so "Running" and the final status cannot share one.
    TrialState.RUNNING: api_pb2.STATUS_RUNNING,
    TrialState.COMPLETE: api_pb2.STATUS_SUCCESS,
    TrialState.FAIL: api_pb2.STATUS_FAILURE,
    # TensorBoard has no "pruned" status: PRUNED is "Unknown", the one status no other state uses, and
    # the `state` metric says 2. The "Success" filter keeps exactly the trials with an objective value.
    TrialState.PRUNED: api_pb2.STATUS_UNKNOWN,
}


def session_status(state: TrialState) -> int:
    """The ``api_pb2.Status`` of a trial's session (WAITING trials have none)."""
    if state not in _STATUS:
        raise ValueError(f"`state` must be a running or finished trial state, not {state!r}.")
    return _STATUS[state]


# ---- hparams ----
def _value_type(value: Any) -> int:
    if isinstance(value, bool):
        return api_pb2.DATA_TYPE_BOOL
    if isinstance(value, (int, float)):
        return api_pb2.DATA_TYPE_FLOAT64
    return api_pb2.DATA_TYPE_STRING


def categorical_type(choices: Sequence[Any]) -> int:
    """The data type of a categorical column: the choices' common type, STRING when they mix types.

    ``None`` does not count: ``[None, 16, 32]`` stays FLOAT64 (the None trials are left unset).
    """
    types = {_value_type(c) for c in choices if c is not None}
    if len(types) == 1:
        return types.pop()
    return api_pb2.DATA_TYPE_STRING


def _as_type(value: Any, data_type: int) -> struct_pb2.Value | None:
    """``value`` as a protobuf Value of ``data_type``; None when it must stay unset."""
    if data_type == api_pb2.DATA_TYPE_STRING:
        return struct_pb2.Value(string_value=value if isinstance(value, str) else repr(value))
    if value is None:
        return None
    if data_type == api_pb2.DATA_TYPE_BOOL:
        return struct_pb2.Value(bool_value=bool(value))
    number = float(value)
    if math.isnan(number):  # TensorBoard cannot serialise NaN hparams; leave unset
        return None
    return struct_pb2.Value(number_value=number)


def hparam_info(name: str, distribution: BaseDistribution) -> api_pb2.HParamInfo:
    """The HParams column of a parameter: its type and the domain of its distribution."""
    # `differs` marks columns worth showing by default; only a one-value distribution cannot differ.
    info = api_pb2.HParamInfo(name=name, description=repr(distribution), differs=not distribution.single())
    if isinstance(distribution, (FloatDistribution, IntDistribution)):
        info.type = api_pb2.DATA_TYPE_FLOAT64
        info.domain_interval.min_value = float(distribution.low)
        info.domain_interval.max_value = float(distribution.high)
    elif isinstance(distribution, CategoricalDistribution):
        info.type = categorical_type(distribution.choices)
        for choice in distribution.choices:
            value = _as_type(choice, info.type)
            if value is not None:
                info.domain_discrete.values.append(value)
    else:
        raise TypeError(f"No HParams domain for distribution {distribution!r} of parameter {name!r}.")
    return info


def hparam_value(value: Any, distribution: BaseDistribution) -> struct_pb2.Value | None:
    """A trial's parameter value typed like its column (see :func:`hparam_info`); None: leave unset."""
    if isinstance(distribution, CategoricalDistribution):
        return _as_type(value, categorical_type(distribution.choices))
    return _as_type(value, api_pb2.DATA_TYPE_FLOAT64)


def _value_key(value: struct_pb2.Value) -> tuple[str, Any]:
    kind = value.WhichOneof("kind")
    return kind or "", getattr(value, kind) if kind else None


def merge_hparam_infos(a: api_pb2.HParamInfo, b: api_pb2.HParamInfo) -> api_pb2.HParamInfo:
    """One column covering both: the union of intervals or of discrete values; STRING if types differ.

    Needed because define-by-run studies may suggest one name with different ranges over time.
    """
    result = api_pb2.HParamInfo()
    result.CopyFrom(a)
    result.differs = a.differs or b.differs
    if a.type != b.type:
        result.type = api_pb2.DATA_TYPE_STRING
        result.ClearField("domain_interval")
        values = [_to_string(v) for v in _domain_values(a) + _domain_values(b)]
        result.domain_discrete.Clear()
        result.domain_discrete.values.extend(_unique(values))
        return result
    if a.HasField("domain_interval") and b.HasField("domain_interval"):
        result.domain_interval.min_value = min(a.domain_interval.min_value, b.domain_interval.min_value)
        result.domain_interval.max_value = max(a.domain_interval.max_value, b.domain_interval.max_value)
    elif a.HasField("domain_discrete") and b.HasField("domain_discrete"):
        result.domain_discrete.Clear()
        result.domain_discrete.values.extend(_unique(_domain_values(a) + _domain_values(b)))
    else:  # one interval and one discrete list of numbers: an interval covering both
        numbers = [v.number_value for v in _domain_values(a) + _domain_values(b)]
        for info in (a, b):
            if info.HasField("domain_interval"):
                numbers += [info.domain_interval.min_value, info.domain_interval.max_value]
        result.ClearField("domain_discrete")
        result.domain_interval.min_value = min(numbers)
        result.domain_interval.max_value = max(numbers)
    if a.description != b.description:
        result.description = " | ".join(d for d in (a.description, b.description) if d)
    return result


def _domain_values(info: api_pb2.HParamInfo) -> list[struct_pb2.Value]:
    return list(info.domain_discrete.values) if info.HasField("domain_discrete") else []


def _to_string(value: struct_pb2.Value) -> struct_pb2.Value:
    kind, v = _value_key(value)
    if kind == "string_value":
        return value
    if kind == "number_value" and float(v).is_integer():
        v = int(v)
    return struct_pb2.Value(string_value=repr(v))


def _unique(values: Iterable[struct_pb2.Value]) -> list[struct_pb2.Value]:
    seen: set[tuple[str, Any]] = set()
    result = []
    for value in values:
        key = _value_key(value)
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


# ---- metrics and the experiment ----
def objective_names(
    metric_name: str | Sequence[str] | None, study_metric_names: Sequence[str] | None, n_objectives: int
) -> list[str]:
    """One metric tag per objective: the callback's names, else the study's, else value / value_i."""
    names: Sequence[str] | None
    if isinstance(metric_name, str):
        names = [metric_name] if n_objectives == 1 else [f"{metric_name}_{i}" for i in range(n_objectives)]
    else:
        names = metric_name if metric_name is not None else study_metric_names
    if names is None:
        return ["value"] if n_objectives == 1 else [f"value_{i}" for i in range(n_objectives)]
    if len(names) != n_objectives:
        raise ValueError(
            f"`metric_name` has {len(names)} names ({list(names)}) but the study has {n_objectives} "
            "objective(s)."
        )
    return list(names)


def metric_tags(objectives: Sequence[str]) -> list[str]:
    """Every metric column, in display order: objectives, the per-epoch series, ``state``."""
    tags = list(objectives)
    if len(objectives) == 1:
        tags.append(INTERMEDIATE_PREFIX + objectives[0])
    return tags + [STATE_METRIC]


def experiment(
    hparams: dict[str, api_pb2.HParamInfo], tags: Sequence[str], description: str = ""
) -> api_pb2.Experiment:
    """The experiment record: every column of the table, sorted by parameter name."""
    exp = api_pb2.Experiment(description=description)
    exp.hparam_infos.extend(hparams[name] for name in sorted(hparams))
    for tag in tags:
        description = _STATE_DESCRIPTION if tag == STATE_METRIC else ""
        exp.metric_infos.add(name=api_pb2.MetricName(tag=tag), description=description)
    return exp


def merge_experiments(experiments: Iterable[api_pb2.Experiment]) -> api_pb2.Experiment:
    """The union of several experiment records (columns merged by name, metrics in first-seen order)."""
    hparams: dict[str, api_pb2.HParamInfo] = {}
    tags: list[str] = []
    description = ""
    for exp in experiments:
        description = description or exp.description
        for info in exp.hparam_infos:
            hparams[info.name] = (
                merge_hparam_infos(hparams[info.name], info) if info.name in hparams else info
            )
        tags += [m.name.tag for m in exp.metric_infos if m.name.tag not in tags]
    return experiment(hparams, tags, description)


# ---- sessions ----
def session_start_info(
    params: dict[str, Any],
    distributions: dict[str, BaseDistribution],
    start_time: float,
    group_name: str = "",
) -> plugin_data_pb2.SessionStartInfo:
    """The start record of a trial's session: its parameters, typed like their columns.

    ``group_name`` puts a session into the table row of another run (a running trial's session, in its
    own run, shares the row of the trial's final session); empty: the session's own run names the row.
    """
    info = plugin_data_pb2.SessionStartInfo(start_time_secs=start_time, group_name=group_name)
    for name, value in params.items():
        typed = hparam_value(value, distributions[name])
        if typed is not None:
            info.hparams[name].CopyFrom(typed)
    return info


def session_end_info(state: TrialState, end_time: float) -> plugin_data_pb2.SessionEndInfo:
    """The end record of a session; a running trial's gets status RUNNING and no end time."""
    end = 0.0 if state == TrialState.RUNNING else end_time
    return plugin_data_pb2.SessionEndInfo(status=session_status(state), end_time_secs=end)
