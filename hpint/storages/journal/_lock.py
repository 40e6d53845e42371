"""Cross-process locks for a journal file: a lock file created atomically next to the log.

Two ways to create it atomically: a symbolic link (``os.symlink`` fails if the name exists, also on NFS,
where ``O_EXCL`` was unreliable before NFSv3) or ``open(O_CREAT | O_EXCL)`` (for file systems without
symbolic links). The lock is held only while a process appends one record (well under a millisecond), so
waiting is a short sleep-and-retry loop.

A stale lock: a process killed while it held the lock leaves the lock file behind. Once the file is older
than ``grace_period`` seconds, the next process that waits for it removes it (with a warning) and goes on;
with ``grace_period=None`` it waits forever. A process that is merely frozen (SIGSTOP, swapped out) for
longer than the grace period loses its lock the same way; the journal detects the write that follows (the
file grew under a lock it believed it held) and replays the log again, see ``_storage.py``.
"""

from __future__ import annotations

import abc
import os
import random
import socket
import time
import uuid

from hpint import logging as _logging

__all__ = ["BaseJournalFileLock", "JournalFileOpenLock", "JournalFileSymlinkLock", "LOCK_FILE_SUFFIX"]

LOCK_FILE_SUFFIX = ".lock"
_FIRST_WAIT = 0.0002  # seconds; doubled after each failed try, up to _LONGEST_WAIT
_LONGEST_WAIT = 0.01

_logger = _logging.get_logger("hpint.storages")


class BaseJournalFileLock(abc.ABC):
    """A lock shared by every process that appends to one journal file."""

    @abc.abstractmethod
    def acquire(self) -> bool:
        """Block until this process holds the lock; return True."""

    @abc.abstractmethod
    def release(self) -> None:
        """Let the next process in."""


class _LockFile(BaseJournalFileLock):
    """The waiting and stale-lock logic shared by the two ways of creating the lock file."""

    def __init__(self, filepath: str, grace_period: int | None = 30) -> None:
        if grace_period is not None and grace_period <= 0:
            raise ValueError(f"`grace_period` must be positive (seconds) or None, not {grace_period!r}.")
        self._lock_path = os.fspath(filepath) + LOCK_FILE_SUFFIX
        self.grace_period = grace_period

    @property
    def lock_path(self) -> str:
        """The lock file's path: the journal file's path plus ``.lock``."""
        return self._lock_path

    def acquire(self) -> bool:
        wait = _FIRST_WAIT
        while True:
            if self._try_create():
                return True
            if self._remove_if_stale():
                continue
            time.sleep(wait * (0.5 + random.random()))  # jitter: waiting processes do not retry in step
            wait = min(2 * wait, _LONGEST_WAIT)

    @abc.abstractmethod
    def _try_create(self) -> bool:
        """Create the lock file if it does not exist; True if this call created it."""

    def _remove_if_stale(self) -> bool:
        """Remove the lock file if it is older than the grace period; True to retry at once."""
        try:
            age = time.time() - os.lstat(self._lock_path).st_mtime
        except FileNotFoundError:
            return True  # released meanwhile
        if self.grace_period is None or age < self.grace_period:
            return False
        # Rename first: of several processes that found it stale, one wins the rename and removes it.
        moved = f"{self._lock_path}.{uuid.uuid4().hex}.stale"
        try:
            os.rename(self._lock_path, moved)
        except FileNotFoundError:
            return True
        fresh = False
        try:
            fresh = time.time() - os.lstat(moved).st_mtime < self.grace_period
            if fresh:  # released and taken again between the look and the rename: give it back
                os.link(moved, self._lock_path, follow_symlinks=False)
        except OSError:
            pass  # taken again already; nothing more can be done safely
        finally:
            os.unlink(moved)
        if not fresh:
            _logger.warning(
                f"Removed the journal lock {self._lock_path!r}, held for {age:.0f} s (more than the grace "
                f"period of {self.grace_period} s): the process that held it probably died while appending."
            )
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._lock_path[: -len(LOCK_FILE_SUFFIX)]!r}, {self.grace_period})"


def _warn_lost(lock_path: str) -> None:
    _logger.warning(f"The journal lock {lock_path!r} was removed as stale while this process held it.")


class JournalFileSymlinkLock(_LockFile):
    """Locks a journal file by creating a symbolic link ``FILE.lock``; works on NFS. The default lock.

    Args:
        filepath: The journal file's path (the lock is ``filepath + ".lock"``).
        grace_period: Seconds after which a lock left by a dead process is removed by a waiting one;
            None waits forever.
    """

    def __init__(self, filepath: str, grace_period: int | None = 30) -> None:
        super().__init__(filepath, grace_period)
        self._token = ""
        self._nonce = uuid.uuid4().hex[:12]  # with the pid: no other process or lock makes the same token
        self._count = 0

    def _try_create(self) -> bool:
        # The link's target names the holder: `ls -l` shows who holds it, release() checks it is still ours.
        self._count += 1
        token = f"{socket.gethostname()}:{os.getpid()}:{self._nonce}:{self._count}"
        try:
            os.symlink(token, self._lock_path)
        except FileExistsError:
            return False
        self._token = token
        return True

    def release(self) -> None:
        try:
            holder = os.readlink(self._lock_path)
        except FileNotFoundError:
            holder = None
        if holder != self._token:
            _warn_lost(self._lock_path)
            return
        os.unlink(self._lock_path)


class JournalFileOpenLock(_LockFile):
    """Locks a journal file by creating ``FILE.lock`` with ``open(O_CREAT | O_EXCL)``.

    For file systems without symbolic links; on NFS before version 3 the exclusive create is not atomic,
    use :class:`JournalFileSymlinkLock` there.

    Args:
        filepath: The journal file's path (the lock is ``filepath + ".lock"``).
        grace_period: Seconds after which a lock left by a dead process is removed by a waiting one;
            None waits forever.
    """

    def __init__(self, filepath: str, grace_period: int | None = 30) -> None:
        super().__init__(filepath, grace_period)
        self._identity: tuple[int, int] | None = None

    def _try_create(self) -> bool:
        try:
            fd = os.open(self._lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            # release() checks it is still this file; the inode alone may be reused by a new lock file.
            stat = os.fstat(fd)
            self._identity = (stat.st_ino, stat.st_mtime_ns)
        finally:
            os.close(fd)
        return True

    def release(self) -> None:
        try:
            stat = os.stat(self._lock_path)
            identity: tuple[int, int] | None = (stat.st_ino, stat.st_mtime_ns)
        except FileNotFoundError:
            identity = None
        if identity != self._identity:
            _warn_lost(self._lock_path)
            return
        os.unlink(self._lock_path)
