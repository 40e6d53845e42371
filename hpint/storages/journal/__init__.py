"""Journal storage: studies kept as an append-only log of operations, in a file shared by processes.

``JournalStorage(JournalFileBackend("./journal.log"))`` lets several processes on one machine, or on
machines sharing an NFS directory, run one study without a database server. A backend is anything with
``read_logs`` and ``append_logs`` (:class:`BaseJournalBackend`).
"""

from __future__ import annotations

from hpint.storages.journal._base import BaseJournalBackend, BaseJournalLogStorage
from hpint.storages.journal._file import JournalFileBackend, JournalFileStorage
from hpint.storages.journal._lock import BaseJournalFileLock, JournalFileOpenLock, JournalFileSymlinkLock
from hpint.storages.journal._storage import JournalStorage

__all__ = [
    "BaseJournalBackend",
    "BaseJournalFileLock",
    "BaseJournalLogStorage",
    "JournalFileBackend",
    "JournalFileOpenLock",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalStorage",
]
