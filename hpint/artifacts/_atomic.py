"""Write a file so that readers see either the old content or the whole new one, never a part."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from typing import BinaryIO

#: Prefix of the temporary files written next to their destination; they are not artifacts.
PARTIAL_PREFIX = ".hpint-partial-"


def atomic_copy(source: BinaryIO, destination: str) -> None:
    """Copy ``source`` to ``destination`` through a temporary file in the same directory.

    The temporary file is flushed to disk and then renamed over the destination (``os.replace`` is atomic
    within one file system), so a crash or an exception mid-copy leaves the old file, or no file, never a
    truncated one. On failure the temporary file is removed; after a hard crash it may remain, hidden
    (``.hpint-partial-*``), and is safe to delete.
    """
    directory = os.path.dirname(os.path.abspath(destination))
    partial = os.path.join(directory, f"{PARTIAL_PREFIX}{uuid.uuid4().hex}")
    # os.open with mode 0o666 honours the umask, unlike tempfile.mkstemp's private 0o600.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(source, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable where the platform allows it (POSIX; not Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
