"""Engines and transactions: SQLite set up for several processes, errors turned into hpint's own."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa

from hpint._fork import ForkRegistry
from hpint.exceptions import StorageInternalError
from hpint.storages._rdb.url import backend_name, is_sqlite_memory

T = TypeVar("T")
_WRITE = "hpint_write"
_DURABLE = "hpint_durable"  # execution option: False lets a SQLite write commit without fsync
_ONE_STATEMENT = "hpint_one_statement"  # execution option: a read of one SELECT, no BEGIN on SQLite
_SYNC_LEVEL = "hpint_synchronous"  # connection-record info: the PRAGMA synchronous level now set
_RETRIES = 6


def create_engine(url: str, engine_kwargs: dict[str, Any] | None) -> sa.Engine:
    """An engine for ``url`` (normalized); ``engine_kwargs`` go to :func:`sqlalchemy.create_engine`.

    SQLite gets WAL journaling (readers do not block the writer), a 60 s busy timeout (several processes
    share one file) and write transactions started with ``BEGIN IMMEDIATE`` (so two writers never both
    read and then fail to upgrade their lock). Durable writes are synced to disk at commit; see
    :meth:`Transactions.write` for the writes that are not.
    """
    kwargs = dict(engine_kwargs or {})
    backend = backend_name(url)
    if backend == "sqlite":
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", 60.0)
        connect_args.setdefault("check_same_thread", False)
        kwargs["connect_args"] = connect_args
        memory = is_sqlite_memory(url)
        if memory:
            kwargs.setdefault("poolclass", sa.pool.StaticPool)
        engine = sa.create_engine(url, **kwargs)
        _set_up_sqlite(engine, wal=not memory)
    else:
        if backend in ("mysql", "mariadb"):
            kwargs.setdefault("pool_recycle", 3600)  # MySQL closes idle connections after wait_timeout
            kwargs.setdefault("isolation_level", "READ COMMITTED")  # fewer gap locks, hence fewer deadlocks
        engine = sa.create_engine(url, **kwargs)
    _ENGINES.add(engine)
    return engine


# ---- fork: a child process must not use its parent's connections ----
# Lightning's "ddp_fork", multiprocessing's default start method on Linux and DataLoader workers fork the
# process with the storage's pool holding open connections. A PostgreSQL or MySQL connection used by both
# processes would interleave their messages on one socket, and SQLite's documentation says not to carry a
# connection across fork() at all. So a child starts with an empty pool and opens its own connections; the
# inherited ones are left unclosed (closing them could end the parent's sessions), as SQLAlchemy's
# "Using Connection Pools with Multiprocessing or os.fork()" recommends. The parent is not touched: it
# forks cheaply (DataLoader workers may fork every epoch) and keeps its connections.
_ENGINES: ForkRegistry[sa.Engine] = ForkRegistry(after_in_child=lambda engine: engine.dispose(close=False))


def _set_up_sqlite(engine: sa.Engine, wal: bool) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            record.info[_SYNC_LEVEL] = "FULL"
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        options = connection.get_execution_options()
        if options.get(_ONE_STATEMENT, False):
            return  # autocommit: the statement is its own transaction
        if not options.get(_WRITE, False):
            connection.exec_driver_sql("BEGIN")
            return
        if wal:
            set_sync_level(connection, "FULL" if options.get(_DURABLE, True) else "NORMAL")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def set_sync_level(connection: sa.Connection, level: str) -> None:
    """Set SQLite's ``PRAGMA synchronous`` for the next transaction, if not set already.

    Called before ``BEGIN``: SQLite does not change the level inside a transaction.
    """
    info = connection.connection.info
    if info.get(_SYNC_LEVEL) != level:
        connection.exec_driver_sql(f"PRAGMA synchronous={level}")
        info[_SYNC_LEVEL] = level


class Transactions:
    """Runs functions in read or write transactions, retrying writes that lost a lock race."""

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.engine = engine
        # One shared connection for an in-memory SQLite database: serialise its users.
        self._lock: Any = threading.RLock() if is_sqlite_memory(url) else contextlib.nullcontext()

    def read(self, fn: Callable[[sa.Connection], T], one_statement: bool = False) -> T:
        """Run ``fn`` in a read transaction; ``one_statement=True`` when it runs a single statement.

        A single statement is consistent on its own, so on SQLite it runs without ``BEGIN`` and ``COMMIT``.
        """
        with self._lock, _storage_errors():
            with self.engine.connect() as conn:
                if one_statement:
                    conn.execution_options(**{_ONE_STATEMENT: True})
                with conn.begin():
                    return fn(conn)

    def write(self, fn: Callable[[sa.Connection], T], durable: bool = True) -> T:
        """Run ``fn`` in one transaction and commit; a failure rolls everything back.

        ``durable=False`` (for a running trial's intermediate values and attributes) commits without
        syncing to disk on SQLite (``PRAGMA synchronous=NORMAL`` in WAL mode). Such a commit survives a
        crash of the process, which is what matters for a trial that is still running; only an OS crash or
        power loss can lose it, and a trial interrupted that way is lost anyway. Every other write, in
        particular the one that finishes a trial, runs with ``synchronous=FULL``: its commit syncs the
        whole write-ahead log, so it also makes every earlier unsynced commit durable, in order. The fsync
        is ~2/3 of a report's cost on SQLite. PostgreSQL and MySQL ignore the flag.
        """
        for attempt in range(_RETRIES):
            try:
                with self._lock, _storage_errors():
                    with self.engine.connect() as conn:
                        conn.execution_options(**{_WRITE: True, _DURABLE: durable})
                        with conn.begin():
                            return fn(conn)
            except StorageInternalError as e:
                if attempt == _RETRIES - 1 or not _is_transient(e.__cause__):
                    raise
                time.sleep(0.01 * 2**attempt * (1 + random.random()))
        raise AssertionError("unreachable")  # pragma: no cover


@contextlib.contextmanager
def _storage_errors() -> Iterator[None]:
    try:
        yield
    except sa.exc.SQLAlchemyError as e:
        raise StorageInternalError(f"The storage failed and the operation was rolled back: {e}") from e


def _is_transient(error: BaseException | None) -> bool:
    """Deadlocks, lock timeouts and serialization failures, which succeed when retried."""
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    text = str(error.orig).lower()
    return any(
        s in text for s in ("deadlock", "database is locked", "lock wait timeout", "could not serialize")
    )
