"""Storages: where studies and trials live (memory, a SQL database or a journal file shared by processes)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from hpint.storages._base import BaseStorage, FrozenStudy, TrialUpdate
from hpint.storages._heartbeat import fail_stale_trials
from hpint.storages._in_memory import InMemoryStorage
from hpint.storages._retry import RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback

if TYPE_CHECKING:
    from hpint.storages import journal  # noqa: F401 - a lazily loaded submodule
    from hpint.storages._grpc import GrpcStorageProxy, run_grpc_proxy_server
    from hpint.storages._optuna_schema._export import export_optuna_studies
    from hpint.storages._optuna_schema._import import import_optuna_studies
    from hpint.storages._rdb.storage import RDBStorage
    from hpint.storages.journal import (
        BaseJournalLogStorage,
        JournalFileOpenLock,
        JournalFileStorage,
        JournalFileSymlinkLock,
        JournalStorage,
    )

__all__ = [
    "BaseJournalLogStorage",
    "BaseStorage",
    "FrozenStudy",
    "GrpcStorageProxy",
    "InMemoryStorage",
    "JournalFileOpenLock",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "RetryHeartbeatStaleTrialCallback",
    "TrialUpdate",
    "export_optuna_studies",
    "fail_stale_trials",
    "get_storage",
    "import_optuna_studies",
    "run_grpc_proxy_server",
    "upgrade_storage",
]


# Optuna's names in `optuna.storages` for the journal's parts (older ones: the backend was a "log storage").
_JOURNAL_NAMES = {
    "JournalStorage",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalFileOpenLock",
    "BaseJournalLogStorage",
}


def __getattr__(name: str) -> Any:
    # RDBStorage pulls in SQLAlchemy; load it only when asked for. The journal is loaded when first used.
    if name == "RDBStorage":
        from hpint.storages._rdb.storage import RDBStorage

        return RDBStorage
    if name in ("GrpcStorageProxy", "run_grpc_proxy_server"):  # grpcio is imported when one is used
        import hpint.storages._grpc as grpc_proxy

        return getattr(grpc_proxy, name)
    if name in ("import_optuna_studies", "export_optuna_studies"):  # SQLAlchemy, like RDBStorage
        from hpint.storages._optuna_schema import _export, _import

        return getattr(_import if name.startswith("import") else _export, name)
    if name == "journal" or name in _JOURNAL_NAMES:
        import hpint.storages.journal as journal

        return journal if name == "journal" else getattr(journal, name)
    if name in ("JournalRedisStorage", "JournalRedisBackend"):
        raise AttributeError(f"hpint has no Redis journal backend ({name}); use JournalFileBackend(path).")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def upgrade_storage(url: str, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the SQL database at ``url`` to this hpint's schema; return the (old, new) revisions.

    Opening a database created by an older hpint raises :class:`~hpint.exceptions.StorageSchemaError`
    until this (or ``hpint storage upgrade --storage URL``) has run. Stop the workers and back the
    database up first. ``revision`` stops at an older schema revision (for tests of migrations).
    """
    from hpint.storages._rdb.schema import upgrade_storage as _upgrade

    return _upgrade(url, revision)


def get_storage(storage: None | str | BaseStorage) -> BaseStorage:
    """Turn what a user passed as ``storage`` into a storage object.

    None gives a new in-memory storage; a string is a database URL (``sqlite:///study.db``,
    ``postgresql+psycopg://...``, ``mysql+pymysql://...``), opened as an :class:`RDBStorage` wrapped in
    a cache that reads only new trials and writes each trial step in one transaction (see
    ``hpint/storages/_cached.py`` for when other processes see a running trial's parameters). An
    :class:`RDBStorage` object gets the same cache unless it has heartbeats on: the cache holds a running
    trial's parameters until its first report, and a retry of a trial whose worker died before that
    would have none to re-run.

    Any other storage object is used as it is. A ``JournalStorage`` gets no cache: its reads are already
    of its own replayed copy (a read that finds nothing new in the log costs ~6 us), and buffering a
    trial's parameters until it ends would save ~45 us per parameter against the milliseconds of the
    fsync that ends each trial, while hiding them from other processes until then.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, str):
        from hpint.storages._cached import CachedStorage
        from hpint.storages._rdb.storage import RDBStorage

        return CachedStorage(RDBStorage(storage))
    if isinstance(storage, BaseStorage):
        # Only our own RDBStorage, not a subclass: the cache calls its internal methods. Its module is
        # loaded when such an object exists, so a look in sys.modules spares other users SQLAlchemy.
        rdb = sys.modules.get("hpint.storages._rdb.storage")
        if rdb is not None and type(storage) is rdb.RDBStorage and storage.heartbeat_interval is None:
            from hpint.storages._cached import CachedStorage

            return CachedStorage(storage)
        return storage
    raise TypeError(
        f"`storage` must be None, a database URL or a storage object, "
        f"not {type(storage).__name__} ({storage!r})."
    )
