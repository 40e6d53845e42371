"""RDBStorage: studies and trials in a SQL database (SQLite, PostgreSQL, MySQL) via SQLAlchemy.

Every public call is one transaction. A trial's number comes from a per-study counter incremented under
a row lock (SQLite: the database lock of ``BEGIN IMMEDIATE``), so numbers are unique and gap-free across
processes. :func:`hpint.storages.get_storage` wraps this class in a cache (``_cached.py``); use it
directly only when every read must hit the database.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Container, Sequence
from typing import Any

import sqlalchemy as sa

from hpint._direction import StudyDirection
from hpint.exceptions import DuplicatedStudyError, StorageInternalError, UpdateFinishedTrialError
from hpint.storages._base import BaseStorage, FrozenStudy, TrialUpdate, study_not_found
from hpint.storages._heartbeat import FailedTrialCallback, check_heartbeat_args
from hpint.storages._rdb import heartbeat, rows, schema, writes
from hpint.storages._rdb.engine import Transactions, create_engine
from hpint.storages._rdb.epoch import SqliteEpochPath
from hpint.storages._rdb.models import (
    NAME_LENGTH,
    dump_json,
    encode_float,
    studies,
    study_attrs,
    trial_attrs,
    trial_heartbeats,
    trial_intermediate_values,
    trial_params,
    trials,
)
from hpint.storages._rdb.url import backend_name, is_sqlite_memory, normalize_url
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

__all__ = ["RDBStorage"]

DEFAULT_STUDY_NAME_PREFIX = "no-name-"


class RDBStorage(BaseStorage):
    """Studies in a SQL database shared by threads and processes.

    Args:
        url: ``sqlite:///path.db``, ``postgresql+psycopg://user:pw@host/db`` or
            ``mysql+pymysql://user:pw@host/db`` (``postgresql://`` and ``mysql://`` pick those drivers).
        engine_kwargs: passed to :func:`sqlalchemy.create_engine` (e.g. ``{"pool_size": 10}``).
        skip_compatibility_check: open a database whose hpint schema is of another revision instead of
            raising (at your own risk: reads and writes may fail); as Optuna's argument, third in place.
        heartbeat_interval: seconds between a running trial's heartbeats (None: no heartbeats). With it,
            ``Study.optimize`` records each trial's heartbeat in a background thread and, before each new
            trial, fails the study's RUNNING trials whose worker stopped beating (a killed process would
            otherwise leave them RUNNING forever); see :func:`hpint.storages.fail_stale_trials`.
        grace_period: seconds without a heartbeat after which a running trial is stale (default
            2 * ``heartbeat_interval``). Measured by the database server's clock.
        failed_trial_callback: ``callback(study, frozen_trial)``, called once for each trial failed as
            stale, e.g. :class:`hpint.storages.RetryHeartbeatStaleTrialCallback` to run it again.
        heartbeat_stale_trial_callback: Optuna 5's new name of ``failed_trial_callback`` (pass one).
        skip_table_creation: do not create the schema in an empty database (keyword-only, as in Optuna 5).

    Raises:
        ValueError: unsupported URL scheme, or a heartbeat argument that is not a positive integer.
        TypeError: a callback that is not callable. ImportError: the driver is missing (names the extra).
        StorageSchemaError: the database has an older schema; run ``hpint storage upgrade --storage URL``.
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: dict[str, Any] | None = None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: int | None = None,
        grace_period: int | None = None,
        failed_trial_callback: FailedTrialCallback | None = None,
        heartbeat_stale_trial_callback: FailedTrialCallback | None = None,
        skip_table_creation: bool = False,
    ) -> None:
        self.heartbeat_interval, self.grace_period, self.failed_trial_callback = check_heartbeat_args(
            heartbeat_interval, grace_period, failed_trial_callback, heartbeat_stale_trial_callback
        )
        self.url = normalize_url(url)
        self.engine_kwargs = dict(engine_kwargs or {})
        self._connect()
        self._check_or_create_schema(not skip_table_creation, not skip_compatibility_check)

    def _connect(self) -> None:
        self.engine = create_engine(self.url, self.engine_kwargs)
        self._tx = Transactions(self.engine, self.url)
        sqlite_file = backend_name(self.url) == "sqlite" and not is_sqlite_memory(self.url)
        self._epoch = SqliteEpochPath(self.engine) if sqlite_file else None

    def _check_or_create_schema(self, create: bool, check_revision: bool = True) -> None:
        def check(conn: sa.Connection) -> str | None:
            return schema.check_schema(conn, self.url, check_revision)

        if self._tx.read(check) is not None or not create:
            return
        try:
            with self.engine.connect() as conn:
                conn.execution_options(hpint_write=True)
                schema.migrate(conn)
        except (sa.exc.SQLAlchemyError, StorageInternalError):
            # Another process may have created the schema at the same moment; accept its work.
            if self._tx.read(check) is None:
                raise

    # ---- pickling: engines hold connections, so rebuild it in the new process ----
    def __getstate__(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "engine_kwargs": self.engine_kwargs,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "failed_trial_callback": self.failed_trial_callback,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        off = {"heartbeat_interval": None, "grace_period": None, "failed_trial_callback": None}
        self.__dict__.update({**off, **state})  # a pickle from before heartbeats existed
        self._connect()

    def close(self) -> None:
        if self._epoch is not None:
            self._epoch.close()
        self.engine.dispose()

    # ---- studies ----
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        name = study_name or DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
        if len(name) > NAME_LENGTH:
            raise ValueError(f"`study_name` may have at most {NAME_LENGTH} characters, not {len(name)}.")
        text = json.dumps([StudyDirection(d).name for d in directions])

        def insert(conn: sa.Connection) -> int:
            result = conn.execute(sa.insert(studies).values(study_name=name, directions=text))
            return int(result.inserted_primary_key[0])

        try:
            return self._tx.write(insert)
        except StorageInternalError as e:
            if isinstance(e.__cause__, sa.exc.IntegrityError):
                raise DuplicatedStudyError(
                    f"A study named {name!r} already exists; pass load_if_exists=True to resume it."
                ) from None
            raise

    def delete_study(self, study_id: int) -> None:
        def delete(conn: sa.Connection) -> None:
            _require_study(conn, study_id)
            ids = sa.select(trials.c.trial_id).where(trials.c.study_id == study_id).scalar_subquery()
            for table in (trial_heartbeats, trial_intermediate_values, trial_attrs, trial_params):
                conn.execute(sa.delete(table).where(table.c.trial_id.in_(ids)))
            conn.execute(sa.delete(trials).where(trials.c.study_id == study_id))
            conn.execute(sa.delete(study_attrs).where(study_attrs.c.study_id == study_id))
            conn.execute(sa.delete(studies).where(studies.c.study_id == study_id))

        self._tx.write(delete)

    def get_study_id_from_name(self, study_name: str) -> int:
        query = sa.select(studies.c.study_id).where(studies.c.study_name == study_name)
        study_id = self._tx.read(lambda conn: conn.execute(query).scalar())
        if study_id is None:
            raise study_not_found(study_name)
        return int(study_id)

    def get_all_studies(self) -> list[FrozenStudy]:
        return self._tx.read(rows.load_studies)

    def get_study(self, study_id: int) -> FrozenStudy:
        found = self._tx.read(lambda conn: rows.load_studies(conn, studies.c.study_id == study_id))
        if not found:
            raise study_not_found(study_id)
        return found[0]

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        query = sa.select(studies.c.directions).where(studies.c.study_id == study_id)
        text = self._tx.read(lambda conn: conn.execute(query).scalar())
        if text is None:
            raise study_not_found(study_id)
        return [StudyDirection[d] for d in json.loads(text)]

    def set_study_attrs(
        self,
        study_id: int,
        user_attrs: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
    ) -> None:
        encoded = [
            (is_system, {k: dump_json(v, f"Study attribute {k!r}") for k, v in attrs.items()})
            for is_system, attrs in ((False, user_attrs or {}), (True, system_attrs or {}))
        ]

        def write(conn: sa.Connection) -> None:
            _require_study(conn, study_id)
            for is_system, attrs in encoded:
                writes.replace_attrs(conn, study_attrs, {"study_id": study_id}, attrs, is_system)

        self._tx.write(write)

    # ---- trials ----
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> FrozenTrial:
        if template_trial is None:
            trial = writes.new_running_trial(rows.now())
        else:
            trial = template_trial.copy()
        children = writes.children_of(trial)
        return self._tx.write(lambda conn: writes.insert_trial(conn, study_id, trial, children))

    def start_trial(self, study_id: int) -> FrozenTrial:
        """Claim the oldest WAITING trial or create a RUNNING one, in one transaction."""
        now = rows.now()

        def start(conn: sa.Connection) -> FrozenTrial:
            for trial_id in conn.execute(writes.WAITING_IDS, {"sid": study_id}).scalars().all():
                # Atomic on every backend: of several workers claiming this trial, one updates the row.
                claimed = conn.execute(writes.CLAIM, {"tid": trial_id, "now": now})
                if claimed.rowcount == 1:
                    return rows.load_trials(conn, trials.c.trial_id == trial_id)[0]
            return writes.insert_trial(conn, study_id, writes.new_running_trial(now), writes.NO_CHILDREN)

        return self._tx.write(start)

    def update_trial(self, trial_id: int, update: TrialUpdate) -> bool:
        return self.update_trial_at(trial_id, update, rows.now())

    def update_trial_at(self, trial_id: int, update: TrialUpdate, now: datetime.datetime | None) -> bool:
        """:meth:`update_trial` with the time to record as start/completion (the cache keeps the same).

        ``now`` may be None when ``update`` changes no state (the time is then not used).
        """
        report = _single_report(update)
        if report is not None and self._epoch is not None:
            step, value = report
            if self._epoch.report(trial_id, step, *encode_float(value)):
                return True
            # Not written (no such trial, a finished one, or an error): the path below says which.
        encoded = writes.EncodedUpdate(update)
        claim = update.state == TrialState.RUNNING  # needs a WAITING trial; other writes any unfinished one

        def write(conn: sa.Connection) -> bool:
            # One statement checks the state, locks the row and writes the trial's own columns.
            columns = encoded.trial_columns(now or rows.now())
            key = {"tid": trial_id}
            hit = (
                conn.execute(writes.GUARDED_UPDATE[claim], {**key, **columns})
                if columns
                else conn.execute(writes.LOCK_ROW, key)
            )
            if hit.rowcount != 1:
                row = conn.execute(
                    sa.select(trials.c.state, trials.c.number).where(trials.c.trial_id == trial_id)
                ).first()
                if row is None:
                    raise KeyError(f"No trial with id {trial_id}.")
                state = TrialState(row.state)
                if state.is_finished():
                    raise UpdateFinishedTrialError(
                        f"Trial {row.number} is already finished ({state.name}) and cannot be changed."
                    )
                return False  # a claim of a trial that is not WAITING
            encoded.write_children(conn, trial_id)
            return True

        # A running trial's values and attributes need not be synced; state changes and values are.
        return self._tx.write(write, durable=update.state is not None or update.values is not None)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        found = self._tx.read(lambda conn: rows.load_trials(conn, trials.c.trial_id == trial_id))
        if not found:
            raise KeyError(f"No trial with id {trial_id}.")
        return found[0]

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        where = trials.c.study_id == study_id
        if states is not None:
            where = where & trials.c.state.in_([int(s) for s in TrialState if s in states])

        def read(conn: sa.Connection) -> list[FrozenTrial]:
            _require_study(conn, study_id)
            return rows.load_trials(conn, where)

        return self._tx.read(read)

    def get_trials_since(
        self, study_id: int, after_number: int, trial_ids: Sequence[int], finished_only: bool = False
    ) -> list[FrozenTrial]:
        """Trials numbered above ``after_number`` plus those in ``trial_ids``: what a cache must refresh.

        ``finished_only``: of ``trial_ids``, return only those that are finished now; for a caller that
        reads finished trials only, the others' running trials need not be re-read with their children.

        One statement tells what changed (usually nothing); only the trials to return are then read, with
        their children, in one transaction.
        """
        params: dict[str, Any] = {"sid": study_id, "after": after_number}
        if trial_ids:
            params["ids"] = list(trial_ids)
        probed = self._probe(params)
        if not probed:
            raise study_not_found(study_id)
        changed = [r for r in probed if r[0] is not None]
        wanted = [
            trial_id
            for trial_id, number, state in changed
            if not finished_only or number > after_number or TrialState(state).is_finished()
        ]
        if not wanted:
            return []
        if len(wanted) == len(changed):  # by the probe's own condition: no list of ids to bind
            where = _SINCE_OR_IDS if trial_ids else _SINCE
        else:
            where, params = trials.c.trial_id.in_(wanted), {}
        return self._tx.read(lambda conn: rows.load_trials(conn, where, params))

    def _probe(self, params: dict[str, Any]) -> list[Any]:
        """``(trial_id, number, state)`` rows of :meth:`get_trials_since`'s changed trials (see _PROBE)."""
        if self._epoch is not None:
            found = self._epoch.probe(params["sid"], params["after"], params.get("ids", ()))
            if found is not None:
                return found
        query = _PROBE_OR_IDS if "ids" in params else _PROBE
        return self._tx.read(lambda conn: conn.execute(query, params).all(), one_statement=True)

    def get_trial_and_study_id(self, trial_id: int) -> tuple[int, FrozenTrial]:
        """A trial and the id of its study, read in one transaction."""

        def read(conn: sa.Connection) -> tuple[int | None, list[FrozenTrial]]:
            query = sa.select(trials.c.study_id).where(trials.c.trial_id == trial_id)
            return conn.execute(query).scalar(), rows.load_trials(conn, trials.c.trial_id == trial_id)

        study_id, found = self._tx.read(read)
        if study_id is None or not found:
            raise KeyError(f"No trial with id {trial_id}.")
        return int(study_id), found[0]

    def get_trial_state(self, trial_id: int) -> TrialState:
        query = sa.select(trials.c.state).where(trials.c.trial_id == trial_id)
        state = self._tx.read(lambda conn: conn.execute(query).scalar())
        if state is None:
            raise KeyError(f"No trial with id {trial_id}.")
        return TrialState(state)

    def get_waiting_trial_ids(self, study_id: int) -> list[int]:
        query = (
            sa.select(trials.c.trial_id)
            .where((trials.c.study_id == study_id) & (trials.c.state == int(TrialState.WAITING)))
            .order_by(trials.c.number)
        )

        def read(conn: sa.Connection) -> list[int]:
            ids = list(conn.execute(query).scalars())
            if not ids:
                _require_study(conn, study_id)
            return ids

        return self._tx.read(read)

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        where = trials.c.study_id == study_id
        if states is not None:
            where = where & trials.c.state.in_([int(s) for s in TrialState if s in states])

        def read(conn: sa.Connection) -> int:
            _require_study(conn, study_id)
            return int(conn.execute(sa.select(sa.func.count()).where(where)).scalar_one())

        return self._tx.read(read)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        query = sa.select(trials.c.trial_id).where(
            (trials.c.study_id == study_id) & (trials.c.number == trial_number)
        )

        def read(conn: sa.Connection) -> int | None:
            trial_id = conn.execute(query).scalar()
            if trial_id is None:
                _require_study(conn, study_id)
            return trial_id

        trial_id = self._tx.read(read)
        if trial_id is None:
            raise KeyError(f"No trial with number {trial_number} in study {study_id}.")
        return int(trial_id)

    # ---- heartbeats: an optional capability (see hpint/storages/_heartbeat.py) ----
    def record_heartbeat(self, trial_id: int) -> None:
        """Record that the trial's worker is alive now (the database server's time)."""
        self._tx.write(
            lambda conn: conn.execute(heartbeat.record_statement(conn.dialect.name), {"tid": trial_id}),
            durable=False,  # a lost beat only makes the trial look stale sooner, never corrupts it
        )

    def stale_trial_ids(self, study_id: int) -> list[int]:
        """RUNNING trials of the study whose last heartbeat is older than ``grace_period`` (by number).

        A trial that never recorded a heartbeat (told by ``ask``/``tell`` outside ``optimize``, or run by
        a worker without heartbeats) is never stale. Empty when heartbeats are off.
        """
        if self.grace_period is None:
            return []

        def read(conn: sa.Connection) -> list[int]:
            query = heartbeat.stale_ids_query(conn.dialect.name, study_id, self.grace_period or 0)
            return [int(i) for i in conn.execute(query).scalars()]

        return self._tx.read(read)

    def fail_stale_trial(self, trial_id: int) -> bool:
        """FAIL the trial if it is still RUNNING and stale, in one guarded UPDATE; True if this call did."""
        if self.grace_period is None:
            return False
        return self._tx.write(lambda conn: heartbeat.fail_if_stale(conn, trial_id, self.grace_period or 0))

    def __repr__(self) -> str:
        return f"RDBStorage({sa.make_url(self.url).render_as_string(hide_password=True)!r})"


def _where_since(*, with_ids: bool) -> tuple[sa.ColumnElement[bool], sa.Select]:
    """``get_trials_since``'s condition and probe, built once (bound: sid, after and maybe ids).

    The probe (:func:`rows.changes_probe`) makes the common case of a pruner's read, every epoch, one
    SELECT. On SQLite files :mod:`.epoch` runs the same query without SQLAlchemy's execution machinery.
    """
    changed = trials.c.number > sa.bindparam("after")
    if with_ids:
        changed = changed | trials.c.trial_id.in_(sa.bindparam("ids", expanding=True))
    return (trials.c.study_id == sa.bindparam("sid")) & changed, rows.changes_probe(changed)


_SINCE, _PROBE = _where_since(with_ids=False)
_SINCE_OR_IDS, _PROBE_OR_IDS = _where_since(with_ids=True)
_STUDY_EXISTS = sa.select(studies.c.study_id).where(studies.c.study_id == sa.bindparam("sid"))


def _single_report(update: TrialUpdate) -> tuple[int, float] | None:
    """``(step, value)`` if ``update`` writes one intermediate value and nothing else (a report)."""
    if not update.is_report() or len(update.intermediate_values or {}) != 1:
        return None
    ((step, value),) = (update.intermediate_values or {}).items()
    return int(step), value


def _require_study(conn: sa.Connection, study_id: int) -> None:
    found = conn.execute(_STUDY_EXISTS, {"sid": study_id}).first()
    if found is None:
        raise study_not_found(study_id)
