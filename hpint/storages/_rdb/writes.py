"""How :class:`RDBStorage` writes: the statements of the hot path, built once, and updates encoded up front.

Statements built once at import let SQLAlchemy reuse their cache keys and compiled forms, a measurable
share of a trial's cost on SQLite. :class:`EncodedUpdate` turns a :class:`TrialUpdate` into column values
before any SQL runs, so a value that cannot be stored fails without touching the database.
"""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any

import sqlalchemy as sa

from hpint.storages._base import TrialUpdate, study_not_found
from hpint.storages._rdb import rows
from hpint.storages._rdb.models import (
    dump_json,
    encode_float,
    studies,
    trial_attrs,
    trial_intermediate_values,
    trial_params,
    trials,
)
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

WAITING_IDS = (
    sa.select(trials.c.trial_id)
    .where((trials.c.study_id == sa.bindparam("sid")) & (trials.c.state == int(TrialState.WAITING)))
    .order_by(trials.c.number)
    .limit(8)  # more are rarely contended; if all 8 are lost to rivals, a new trial is created
)
CLAIM = (
    sa.update(trials)
    .where((trials.c.trial_id == sa.bindparam("tid")) & (trials.c.state == int(TrialState.WAITING)))
    .values(state=int(TrialState.RUNNING), datetime_start=sa.bindparam("now"))
)
_BUMP_COUNTER = (
    sa.update(studies)
    .where(studies.c.study_id == sa.bindparam("sid"))
    .values(next_trial_number=studies.c.next_trial_number + 1)
)
_BUMP_COUNTER_RETURNING = _BUMP_COUNTER.returning(studies.c.next_trial_number)
_INSERT_TRIAL = sa.insert(trials)
_INSERT_PARAMS = sa.insert(trial_params)
# Statements built once: SQLAlchemy then also reuses their cache keys (a measurable share of a trial).
# The allowed states are constants, not an expanding IN list, which SQLAlchemy would render anew per call.


def trial_in(trial_id: sa.BindParameter, *states: TrialState) -> sa.ColumnElement[bool]:
    """The trial ``trial_id`` is in one of ``states``."""
    return (trials.c.trial_id == trial_id) & sa.or_(*(trials.c.state == int(s) for s in states))


_UNFINISHED = trial_in(sa.bindparam("tid"), TrialState.RUNNING, TrialState.WAITING)
#: By whether the update claims the trial (needs WAITING) or writes to it (needs it unfinished); the SET
#: columns come from the parameters.
GUARDED_UPDATE = {
    True: sa.update(trials).where(trial_in(sa.bindparam("tid"), TrialState.WAITING)),
    False: sa.update(trials).where(_UNFINISHED),
}
LOCK_ROW = sa.update(trials).where(_UNFINISHED).values(state=trials.c.state)  # row lock + state check
_STORED_PARAMS = sa.select(trial_params.c.name, trial_params.c.distribution_json).where(
    (trial_params.c.trial_id == sa.bindparam("tid"))
    & trial_params.c.name.in_(sa.bindparam("names", expanding=True))
)
_READ_COUNTER = sa.select(studies.c.next_trial_number).where(studies.c.study_id == sa.bindparam("sid"))


@functools.cache
def upsert(dialect: str, table: sa.Table) -> sa.Insert:
    """INSERT into ``table`` that overwrites the row with the same primary key, in one statement.

    One statement instead of DELETE + INSERT (a report's write on every epoch); built once per dialect and
    table, as each dialect spells the upsert its own way.
    """
    columns = [c.name for c in table.columns if not c.primary_key]
    if dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects import mysql

        stmt = mysql.insert(table)
        return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in columns})
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql as dialect_module
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite as dialect_module
    else:
        raise ValueError(f"Unsupported SQL dialect {dialect!r}; hpint supports sqlite, postgresql and mysql.")
    stmt = dialect_module.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=list(table.primary_key.columns), set_={c: stmt.excluded[c] for c in columns}
    )


def insert_trial(
    conn: sa.Connection, study_id: int, trial: FrozenTrial, children: EncodedUpdate
) -> FrozenTrial:
    """Insert ``trial`` with the study's next number (taken under the study row's lock) and its children."""
    key = {"sid": study_id}
    if conn.dialect.update_returning:  # SQLite >= 3.35, PostgreSQL: bump and read in one statement
        bumped = conn.execute(_BUMP_COUNTER_RETURNING, key).scalar()
        if bumped is None:
            raise study_not_found(study_id)
        number = int(bumped) - 1
    else:
        if conn.execute(_BUMP_COUNTER, key).rowcount == 0:
            raise study_not_found(study_id)
        number = int(conn.execute(_READ_COUNTER, key).scalar_one()) - 1
    result = conn.execute(
        _INSERT_TRIAL,
        {
            "study_id": study_id,
            "number": number,
            "state": int(trial.state),
            "values_json": None if trial.values is None else json.dumps(trial.values),
            "datetime_start": trial.datetime_start,
            "datetime_complete": trial.datetime_complete,
        },
    )
    trial_id = int(result.inserted_primary_key[0])
    children.insert_children(conn, trial_id)
    created = trial.copy()
    created.number = number
    created._trial_id = trial_id
    return created


def new_running_trial(now: datetime.datetime) -> FrozenTrial:
    return FrozenTrial(
        number=-1,
        state=TrialState.RUNNING,
        value=None,
        datetime_start=now,
        datetime_complete=None,
        params={},
        distributions={},
        user_attrs={},
        system_attrs={},
        intermediate_values={},
        trial_id=-1,
    )


def replace_attrs(
    conn: sa.Connection, table: sa.Table, owner: dict[str, int], attrs: dict[str, str], is_system: bool
) -> None:
    if attrs:
        conn.execute(upsert(conn.dialect.name, table), rows.attr_rows(owner, attrs, is_system))


def children_of(trial: FrozenTrial) -> EncodedUpdate:
    """A template trial's params, attributes and intermediate values, encoded for insertion."""
    params = {n: (d.to_internal_repr(trial.params[n]), d) for n, d in trial.distributions.items()}
    return EncodedUpdate(
        TrialUpdate(
            params=params,
            intermediate_values=trial.intermediate_values,
            user_attrs=trial.user_attrs,
            system_attrs=trial.system_attrs,
        )
    )


class EncodedUpdate:
    """A :class:`TrialUpdate` turned into column values up front, so encoding errors happen before SQL."""

    def __init__(self, update: TrialUpdate) -> None:
        from hpint.distributions import distribution_to_json

        self.update = update
        self.params = {
            name: (*encode_float(internal), distribution_to_json(dist), dist)
            for name, (internal, dist) in (update.params or {}).items()
        }
        self.intermediate = {
            int(step): encode_float(v) for step, v in (update.intermediate_values or {}).items()
        }
        self.user_attrs = {
            k: dump_json(v, f"User attribute {k!r}") for k, v in (update.user_attrs or {}).items()
        }
        self.system_attrs = {
            k: dump_json(v, f"System attribute {k!r}") for k, v in (update.system_attrs or {}).items()
        }
        self.values_json = None if update.values is None else json.dumps([float(v) for v in update.values])

    def insert_children(self, conn: sa.Connection, trial_id: int) -> None:
        if self.params:
            conn.execute(sa.insert(trial_params), self._param_rows(trial_id, self.params))
        if self.intermediate:
            conn.execute(sa.insert(trial_intermediate_values), self._iv_rows(trial_id))
        for is_system, attrs in ((False, self.user_attrs), (True, self.system_attrs)):
            if attrs:
                conn.execute(sa.insert(trial_attrs), rows.attr_rows({"trial_id": trial_id}, attrs, is_system))

    def trial_columns(self, now: datetime.datetime) -> dict[str, Any]:
        """The update's values for the trial row itself: values, state and its timestamps."""
        columns: dict[str, Any] = {}
        if self.values_json is not None:
            columns["values_json"] = self.values_json
        state = self.update.state
        if state is not None:
            columns["state"] = int(state)
            if state == TrialState.RUNNING:
                columns["datetime_start"] = now
            if state.is_finished():
                columns["datetime_complete"] = now
        return columns

    def write_children(self, conn: sa.Connection, trial_id: int) -> None:
        """Write params, intermediate values and attributes of an unfinished trial locked by ``conn``."""
        if self.params:
            self._write_params(conn, trial_id)
        if self.intermediate:
            conn.execute(upsert(conn.dialect.name, trial_intermediate_values), self._iv_rows(trial_id))
        for is_system, attrs in ((False, self.user_attrs), (True, self.system_attrs)):
            replace_attrs(conn, trial_attrs, {"trial_id": trial_id}, attrs, is_system)

    def _write_params(self, conn: sa.Connection, trial_id: int) -> None:
        p = trial_params
        existing = dict(conn.execute(_STORED_PARAMS, {"tid": trial_id, "names": list(self.params)}).all())
        for name, text in existing.items():
            stored, new = rows.parse_distribution(text), self.params[name][3]
            if stored != new:
                number = conn.execute(
                    sa.select(trials.c.number).where(trials.c.trial_id == trial_id)
                ).scalar()
                raise ValueError(
                    f"Parameter {name!r} is already set in trial {number} with {stored!r}; "
                    f"cannot set it with {new!r}."
                )
        new_params = {n: v for n, v in self.params.items() if n not in existing}
        for name in existing:
            value, kind, _, _ = self.params[name]
            conn.execute(
                sa.update(p)
                .where((p.c.trial_id == trial_id) & (p.c.name == name))
                .values(value=value, value_kind=kind)
            )
        if new_params:
            conn.execute(_INSERT_PARAMS, self._param_rows(trial_id, new_params))

    @staticmethod
    def _param_rows(trial_id: int, params: dict[str, tuple]) -> list[dict[str, Any]]:
        return [
            {"trial_id": trial_id, "name": n, "value": v, "value_kind": k, "distribution_json": d}
            for n, (v, k, d, _) in params.items()
        ]

    def _iv_rows(self, trial_id: int) -> list[dict[str, Any]]:
        return [
            {"trial_id": trial_id, "step": step, "value": v, "value_kind": k}
            for step, (v, k) in self.intermediate.items()
        ]


NO_CHILDREN = EncodedUpdate(TrialUpdate())
