"""The journal's records: one per storage operation, and how a replay applies each to in-memory state.

Records are JSON objects; ``"op"`` names the operation and ``"op_id"`` the writer (a random id per storage
object and process) and its count, so that a writer can find the outcome of its own record in a replay.
Every process applies the same records in the same order to an :class:`InMemoryStorage`, and everything a
record's effect depends on is in the record (ids follow from the order; times are the writer's), so every
process ends in the same state. A record that fails to apply (e.g. it updates a trial another process
finished first) fails the same way everywhere and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from hpint._direction import StudyDirection
from hpint.distributions import BaseDistribution, distribution_to_json, json_to_distribution
from hpint.storages._base import TrialUpdate
from hpint.storages._in_memory import InMemoryStorage
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

__all__ = ["apply_record", "create_study", "create_trial", "delete_study", "set_study_attrs", "start_trial"]

NO_TIME = datetime.datetime(1970, 1, 1)
_distributions: dict[str, BaseDistribution] = {}  # JSON -> distribution: most records repeat a few


# ---- building records (in the writer) ----
def create_study(directions: Sequence[StudyDirection], name: str) -> dict[str, Any]:
    return {"op": "create_study", "name": name, "directions": [int(d) for d in directions]}


def delete_study(study_id: int) -> dict[str, Any]:
    return {"op": "delete_study", "study_id": study_id}


def set_study_attrs(study_id: int, user_attrs: dict[str, Any], system_attrs: dict[str, Any]) -> dict:
    return {
        "op": "set_study_attrs",
        "study_id": study_id,
        "user_attrs": user_attrs,
        "system_attrs": system_attrs,
    }


def create_trial(study_id: int, template: FrozenTrial | None) -> dict[str, Any]:
    """A new trial: a copy of ``template``, or (without one) RUNNING from now."""
    record: dict[str, Any] = {"op": "create_trial", "study_id": study_id}
    if template is None:
        record["datetime"] = _now()
    else:
        record["trial"] = _encode_trial(template)
    return record


def start_trial(study_id: int) -> dict[str, Any]:
    """What ``ask`` does, as one record: the replay claims the oldest WAITING trial or creates one."""
    return {"op": "start_trial", "study_id": study_id, "datetime": _now()}


def update_trial(trial_id: int, update: TrialUpdate) -> dict[str, Any]:
    record: dict[str, Any] = {"op": "update_trial", "trial_id": trial_id}
    if update.state is not None:
        record["state"] = int(update.state)
        record["datetime"] = _now()  # the time a state change records, the same in every replay
    if update.values is not None:
        record["values"] = list(update.values)
    if update.params:
        record["params"] = {k: [v, distribution_to_json(d)] for k, (v, d) in update.params.items()}
    if update.intermediate_values:
        record["intermediate_values"] = {str(k): v for k, v in update.intermediate_values.items()}
    if update.user_attrs:
        record["user_attrs"] = update.user_attrs
    if update.system_attrs:
        record["system_attrs"] = update.system_attrs
    return record


def is_durable(record: dict[str, Any]) -> bool:
    """Must the record be synced to disk before the call returns? Not for a running trial's parameters,
    reports and attributes (as on SQLite): the next durable record (the trial's end) syncs them too."""
    return record["op"] != "update_trial" or "state" in record or "values" in record


# ---- replaying records ----
def apply_record(state: InMemoryStorage, record: dict[str, Any]) -> Any:
    """Apply one decoded record to ``state``; return what the storage call returns to its writer.

    Raises what the in-memory storage raises (and ``KeyError``/``TypeError`` for a malformed record); the
    state is then unchanged.
    """
    op = record["op"]
    if op == "update_trial":
        return state.update_trial_at(record["trial_id"], decode_update(record), _datetime(record))
    if op == "start_trial":
        return _start_trial(state, record["study_id"], _datetime(record))
    if op == "create_trial":
        return state.create_new_trial(record["study_id"], _decode_trial(record))
    if op == "set_study_attrs":
        return state.set_study_attrs(record["study_id"], record["user_attrs"], record["system_attrs"])
    if op == "create_study":
        return state.create_new_study([StudyDirection(d) for d in record["directions"]], record["name"])
    if op == "delete_study":
        return state.delete_study(record["study_id"])
    raise ValueError(f"Unknown journal operation {op!r}.")


def decode_update(record: dict[str, Any]) -> TrialUpdate:
    state = record.get("state")
    params = record.get("params")
    values = record.get("intermediate_values")
    return TrialUpdate(
        state=None if state is None else TrialState(state),
        values=record.get("values"),
        params=None if params is None else {k: (v, _distribution(d)) for k, (v, d) in params.items()},
        intermediate_values=None if values is None else {int(k): v for k, v in values.items()},
        user_attrs=record.get("user_attrs"),
        system_attrs=record.get("system_attrs"),
    )


def _start_trial(state: InMemoryStorage, study_id: int, now: datetime.datetime) -> FrozenTrial:
    for trial_id in state.get_waiting_trial_ids(study_id)[:1]:
        state.update_trial_at(trial_id, TrialUpdate(state=TrialState.RUNNING), now)
        return state.get_trial(trial_id)
    return state.create_new_trial(study_id, _running(now))


def _running(start: datetime.datetime) -> FrozenTrial:
    return FrozenTrial(0, TrialState.RUNNING, None, start, None, {}, {}, {}, {}, {}, -1)


def _encode_trial(trial: FrozenTrial) -> dict[str, Any]:
    dists = trial.distributions
    params = {
        k: [dists[k].to_internal_repr(v), distribution_to_json(dists[k])] for k, v in trial.params.items()
    }
    return {
        "state": int(trial.state),
        "values": trial.values,
        "datetime_start": _iso(trial.datetime_start),
        "datetime_complete": _iso(trial.datetime_complete),
        "params": params,
        "user_attrs": trial.user_attrs,
        "system_attrs": trial.system_attrs,
        "intermediate_values": {str(k): v for k, v in trial.intermediate_values.items()},
    }


def _decode_trial(record: dict[str, Any]) -> FrozenTrial:
    encoded = record.get("trial")
    if encoded is None:
        return _running(_datetime(record))
    params, distributions = {}, {}
    for name, (internal, dist_json) in encoded["params"].items():
        dist = _distribution(dist_json)
        params[name] = dist.to_external_repr(internal)
        distributions[name] = dist
    return FrozenTrial(
        number=0,
        state=TrialState(encoded["state"]),
        value=None,
        values=encoded["values"],
        datetime_start=_from_iso(encoded["datetime_start"]),
        datetime_complete=_from_iso(encoded["datetime_complete"]),
        params=params,
        distributions=distributions,
        user_attrs=encoded["user_attrs"],
        system_attrs=encoded["system_attrs"],
        intermediate_values={int(k): v for k, v in encoded["intermediate_values"].items()},
        trial_id=-1,
    )


def _distribution(dist_json: str) -> BaseDistribution:
    dist = _distributions.get(dist_json)
    if dist is None:
        if len(_distributions) > 4096:
            _distributions.clear()
        dist = _distributions[dist_json] = json_to_distribution(dist_json)
    return dist


def _now() -> str:
    return datetime.datetime.now().isoformat()


def _datetime(record: dict[str, Any]) -> datetime.datetime:
    # Only a state change records a time, and its record carries one; others get a placeholder.
    return datetime.datetime.fromisoformat(record["datetime"]) if "datetime" in record else NO_TIME


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _from_iso(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)
