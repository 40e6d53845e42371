"""The two statements a trainer runs every epoch on SQLite, run on one driver connection.

Every epoch a trainer callback writes one intermediate value of its running trial and the pruner asks
whether the study has new (or newly finished) trials. On SQLite each is a few microseconds of database
work; what costs is Python: SQLAlchemy checks a connection out of the pool, fires its events, looks the
statement up in its compiled cache and builds a result, and between two training epochs, when the CPU's
caches hold the trainer's data rather than this code, that came to about 1 ms per epoch. Here both
statements are compiled once by SQLAlchemy (from the same tables) and run as single autocommit statements
on a dedicated ``sqlite3`` connection: no pool checkout, no ``BEGIN``/``COMMIT`` round trips.

Only these two statements take this path, and only on a file database; a value that is not written
here (unknown or finished trial, any SQLite error) is written again through the usual path, which raises
the right error or retries, so errors and retries behave exactly as elsewhere. The upsert is idempotent,
so writing it twice is harmless.

Durability: this connection runs with ``PRAGMA synchronous=NORMAL``, as the usual path does for a running
trial's reports (see :meth:`Transactions.write`): a commit survives a crash of the process, and the next
``FULL`` commit (e.g. the one that finishes the trial) syncs it to disk with everything before it.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from hpint._fork import ForkRegistry
from hpint.storages._rdb.models import trial_intermediate_values, trials
from hpint.storages._rdb.rows import changes_probe
from hpint.storages._rdb.writes import trial_in
from hpint.trial._state import TrialState

#: ``(trial_id, number, state)`` of a probed trial; all None when the study has nothing to report.
ProbeRow = tuple[Any, Any, Any]


class SqliteEpochPath:
    """Writes a running trial's intermediate value and probes a study for changes, one statement each.

    Thread-safe (one connection, used under a lock). The connection is opened lazily from the engine's
    pool (so it gets the same set-up: WAL, busy timeout, foreign keys) and detached from it; a forked
    child never uses its parent's connection (SQLite forbids carrying one across ``fork``).
    """

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._fairy: Any = None  # SQLAlchemy's wrapper, kept so that close() closes it the pool's way
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        _LIVE.add(self)

    def report(self, trial_id: int, step: int, value: float | None, kind: int) -> bool:
        """Upsert one intermediate value if the trial exists and is unfinished; False if not written."""
        params = {**_REPORT_CONSTANTS, "tid": trial_id, "step": step, "value": value, "kind": kind}
        cursor = self._run(_REPORT_SQL, params)
        return cursor is not None and cursor.rowcount == 1

    def probe(self, study_id: int, after_number: int, trial_ids: Sequence[int]) -> list[ProbeRow] | None:
        """``(trial_id, number, state)`` of the study's trials numbered above ``after_number`` or in
        ``trial_ids``; ``[(None, None, None)]`` if there are none, ``[]`` if the study does not exist, None
        if the statement failed (then ask the usual path)."""
        if trial_ids:
            params = {"sid": study_id, "after": after_number, "ids": json.dumps(list(trial_ids))}
            cursor = self._run(_probe_sql(True), params)
        else:
            cursor = self._run(_probe_sql(False), {"sid": study_id, "after": after_number})
        return None if cursor is None else cursor.fetchall()

    def close(self) -> None:
        """Close the connection (if this process opened it); the next call opens a new one."""
        with self._lock:
            self._drop(close=True)

    def _after_fork_in_child(self) -> None:
        # The lock may have been held by a thread that does not exist in the child.
        self._lock = threading.Lock()
        self._drop(close=False)

    # ---- internals ----
    def _run(self, sql: str, params: dict[str, Any]) -> sqlite3.Cursor | None:
        with self._lock:
            try:
                conn = self._connection()
                return conn.execute(sql, params)
            except (sqlite3.Error, sa.exc.SQLAlchemyError):
                # Reopen next time; the caller takes the usual path, which reports or retries the error.
                self._drop(close=True)
                return None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        self._drop(close=self._pid == os.getpid())
        fairy = self._engine.raw_connection()
        conn = fairy.driver_connection
        fairy.detach()  # ours alone from now on: the pool neither hands it out nor counts it
        conn.execute("PRAGMA synchronous=NORMAL")  # see the module docstring
        self._fairy, self._conn, self._pid = fairy, conn, os.getpid()
        return conn

    def _drop(self, close: bool) -> None:
        """Forget the connection; close it only in the process that opened it."""
        fairy, self._fairy, self._conn = self._fairy, None, None
        if fairy is not None and close and self._pid == os.getpid():
            try:
                fairy.close()
            except sqlite3.Error:  # pragma: no cover - closing a broken connection
                pass
        elif fairy is not None:
            _INHERITED.append(fairy)  # a parent's connection: never close it here (see below)


# A connection inherited through fork is kept referenced, never used nor closed in the child: SQLite's
# documentation says not to carry a connection across fork(), and closing it runs SQLite's close-time work
# (WAL checkpoint, unlocking) in a process that does not own it. One per path and fork, at most.
_INHERITED: list[Any] = []
_LIVE: ForkRegistry[SqliteEpochPath] = ForkRegistry(after_in_child=lambda path: path._after_fork_in_child())


def _report_statement() -> tuple[str, dict[str, Any]]:
    """INSERT ... SELECT ... WHERE the trial is unfinished ... ON CONFLICT DO UPDATE, and its constants.

    One statement checks the trial's state and writes the value; in autocommit mode SQLite runs it as its
    own write transaction (the database write lock is taken before the check), so no other process can
    finish the trial between the check and the write.
    """
    iv = trial_intermediate_values
    tid = sa.bindparam("tid", type_=sa.Integer)
    values = sa.select(
        tid,
        sa.bindparam("step", type_=sa.Integer),
        sa.bindparam("value", type_=sa.Double),
        sa.bindparam("kind", type_=sa.SmallInteger),
    ).where(sa.exists().where(trial_in(tid, TrialState.RUNNING, TrialState.WAITING)))
    stmt = sqlite.insert(iv).from_select(["trial_id", "step", "value", "value_kind"], values)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(iv.primary_key.columns),
        set_={c: stmt.excluded[c] for c in ("value", "value_kind")},
    )
    compiled = stmt.compile(dialect=_DIALECT)
    constants = {k: v for k, v in compiled.params.items() if k not in ("tid", "step", "value", "kind")}
    return compiled.string, constants


@functools.cache
def _probe_sql(with_ids: bool) -> str:
    """The study's row outer-joined to its changed trials: a row of NULLs when nothing changed, no row
    when the study is gone (as :meth:`RDBStorage.get_trials_since`'s own query). The ids come as one JSON
    array, so that one prepared statement serves any number of them."""
    changed = trials.c.number > sa.bindparam("after")
    if with_ids:
        listed = sa.select(sa.column("value")).select_from(sa.func.json_each(sa.bindparam("ids")))
        changed = changed | trials.c.trial_id.in_(listed.scalar_subquery())
    return changes_probe(changed).compile(dialect=_DIALECT).string


_DIALECT = sqlite.dialect(paramstyle="named")  # sqlite3 takes a dict of :name parameters
_REPORT_SQL, _REPORT_CONSTANTS = _report_statement()
