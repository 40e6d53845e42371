"""A journal in one file of JSON lines, shared by processes on one machine or over NFS.

The format: one record per line, ``json.dumps(record) + "\\n"``, appended under a lock file (see
``_lock.py``). A record is readable once its newline is written. What a crash mid-append leaves, a last
line without its newline, is never read as a record: readers stop before it, and the next writer (which
holds the lock, so nobody is still writing that line) first ends it with a newline. A complete line that
is not a JSON object is skipped, with a warning, by every reader alike, so record numbers agree.

Reads are incremental: the backend remembers where the last read ended (record number and byte offset),
so reading "everything after record N" reads only the new bytes; when nothing was appended it costs an
``open`` and an ``fstat``. The file is opened anew for each read and append (not kept open) because that
is what makes an NFS client look at the server again (close-to-open consistency).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

from hpint import logging as _logging
from hpint._fork import ForkRegistry
from hpint._thread_lock import ThreadLock
from hpint.storages.journal._base import BaseJournalBackend
from hpint.storages.journal._lock import BaseJournalFileLock, JournalFileSymlinkLock

__all__ = ["JournalFileBackend", "JournalFileStorage"]

_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_KEEP_POSITIONS = 64  # remembered (record number -> byte offset) pairs; reads resume from one of them
_logger = _logging.get_logger("hpint.storages")


class JournalFileBackend(BaseJournalBackend):
    """A journal in a file: one JSON record per line, appended under a lock file.

    Example::

        storage = hpint.storages.JournalStorage(hpint.storages.journal.JournalFileBackend("./journal.log"))
        study = hpint.create_study(storage=storage, study_name="demo", load_if_exists=True)

    Args:
        file_path: The log file; created if missing (its directory must exist).
        lock_obj: The lock every process appending to the file uses; by default a
            :class:`JournalFileSymlinkLock` on ``file_path + ".lock"``. Every process must use the same
            kind of lock on the same file.
    """

    def __init__(self, file_path: str, lock_obj: BaseJournalFileLock | None = None) -> None:
        self._path = os.fspath(file_path)
        self._lock = lock_obj if lock_obj is not None else JournalFileSymlinkLock(self._path)
        self._thread_lock = ThreadLock()
        self._positions: dict[int, int] = {0: 0}  # record number -> byte offset where it starts
        self._tail = (0, 0)  # (record number, offset) where the last read stopped
        self._partial_tail = False  # the last read found a line without its newline at the end
        _IN_THIS_PROCESS.add(self)
        os.close(os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _BINARY, 0o644))

    @property
    def file_path(self) -> str:
        return self._path

    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        """The records numbered ``log_number_from`` and later; a line still being written is not read."""
        with self._thread_lock:
            number, offset = self._start_for(log_number_from)
            data = _read_from(self._path, offset)
            end = data.rfind(b"\n") + 1
            self._partial_tail = end < len(data)
            logs: list[dict[str, Any]] = []
            for line in data[:end].splitlines():
                record = _parse(line, self._path)
                if record is None:
                    continue
                if number >= log_number_from:
                    logs.append(record)
                number += 1
            self._remember(number, offset + end)
            return logs

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        """Append ``logs`` under the lock and sync them to disk."""
        data = b"".join(_encode(log) for log in logs)
        with self.exclusive():
            self._write(data, durable=True, end_partial_line=True)

    # ---- for JournalStorage, which validates a record against the replayed log before appending it ----
    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the lock: no other process (or thread) appends until the block ends."""
        with self._thread_lock:
            self._lock.acquire()
            try:
                yield
            finally:
                self._lock.release()

    def read_logs_to_append(self, log_number_from: int) -> list[dict[str, Any]]:
        """:meth:`read_logs` for a caller holding :meth:`exclusive` that will append next.

        A line without its newline cannot be in the middle of a write (we hold the lock): a writer crashed
        there. It is ended with a newline first, so it is read (and probably skipped) by everyone alike,
        and what we append starts on a line of its own.
        """
        logs = self.read_logs(log_number_from)
        if self._partial_tail:
            _logger.warning(f"Ending an incomplete last line of {self._path!r}: a writer crashed mid-append.")
            self._write(b"\n", durable=True, end_partial_line=False)
            logs += self.read_logs(log_number_from + len(logs))
        return logs

    def append_encoded(self, data: bytes, n_records: int, durable: bool) -> bool:
        """Append ``n_records`` encoded lines after :meth:`read_logs_to_append`, under :meth:`exclusive`.

        Returns False if the file had grown since that read, i.e. another process wrote without holding
        the lock (it took the lock as stale from us): the caller's view of the log is then wrong.
        ``durable=False`` skips the fsync: such records are synced by the next durable append.
        """
        size_before = self._write(data, durable, end_partial_line=False)
        number, offset = self._tail
        if size_before != offset or self._partial_tail:
            return False
        self._remember(number + n_records, offset + len(data))
        return True

    # ---- internals ----
    def _start_for(self, log_number: int) -> tuple[int, int]:
        """The nearest remembered (number, offset) at or before ``log_number``."""
        offset = self._positions.get(log_number)
        if offset is not None:
            return log_number, offset
        number = max(n for n in self._positions if n <= log_number)
        return number, self._positions[number]

    def _remember(self, number: int, offset: int) -> None:
        self._tail = (number, offset)
        if len(self._positions) >= _KEEP_POSITIONS:
            self._positions = {0: 0}
        self._positions[number] = offset

    def _write(self, data: bytes, durable: bool, end_partial_line: bool) -> int:
        """Append ``data`` (under the lock); return the file's size before."""
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_APPEND | _BINARY, 0o644)
        try:
            size = os.fstat(fd).st_size
            if end_partial_line and size > 0 and _read_at(fd, size - 1, 1) != b"\n":
                data = b"\n" + data
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
            return size
        finally:
            os.close(fd)

    def __getstate__(self) -> dict[str, Any]:
        return {"file_path": self._path, "lock_obj": self._lock}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["file_path"], state["lock_obj"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"JournalFileBackend({self._path!r}, lock_obj={self._lock!r})"


def _new_lock_in_child(backend: JournalFileBackend) -> None:
    backend._thread_lock = ThreadLock()  # a parent's thread may have held it at the fork


_IN_THIS_PROCESS: ForkRegistry[JournalFileBackend] = ForkRegistry(after_in_child=_new_lock_in_child)


class JournalFileStorage(JournalFileBackend):
    """Optuna's pre-4.0 name of :class:`JournalFileBackend`."""


def encode_record(record: dict[str, Any]) -> bytes:
    """One record as the line the file holds. Raises ``TypeError`` for values JSON cannot hold."""
    return _encode(record)


def _encode(record: dict[str, Any]) -> bytes:
    # One line per record: json.dumps escapes newlines inside strings.
    return json.dumps(record, separators=(",", ":")).encode() + b"\n"


def _parse(line: bytes, path: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        _logger.warning(f"Skipping a line of {path!r} that is not a JSON record: {line[:80]!r}")
        return None
    return record


def _read_from(path: str, offset: int) -> bytes:
    """The file's bytes from ``offset`` to its current end."""
    fd = os.open(path, os.O_RDONLY | _BINARY)
    try:
        size = os.fstat(fd).st_size
        return _read_at(fd, offset, size - offset) if size > offset else b""
    finally:
        os.close(fd)


def _read_at(fd: int, offset: int, length: int) -> bytes:
    os.lseek(fd, offset, os.SEEK_SET)  # not os.pread, which Windows lacks
    chunks = []
    while length > 0:
        chunk = os.read(fd, length)
        if not chunk:
            break
        chunks.append(chunk)
        length -= len(chunk)
    return b"".join(chunks)
