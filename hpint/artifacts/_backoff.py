"""Retry an artifact store's operations with exponentially growing pauses."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from typing import BinaryIO, TypeVar

from hpint import logging as _logging
from hpint.artifacts._protocol import ArtifactStore
from hpint.artifacts.exceptions import ArtifactNotFound

_logger = _logging.get_logger(__name__)
_T = TypeVar("_T")

#: A body that cannot be rewound is first copied here (in memory up to this size, then on disk), so each
#: retry sends the whole content rather than whatever the failed attempt left unread.
_SPOOL_MAX_BYTES = 16 * 1024 * 1024


class Backoff:
    """Wrap an artifact store so that a failing operation is tried again after a growing pause.

    Meant for object stores reached over a network, whose requests fail now and then. The operation is
    tried at most ``max_retries`` times in all (as Optuna counts), pausing
    ``min(max_delay, min_delay * multiplier ** k)`` seconds after the k-th failure (k = 0, 1, ...); the
    last failure's exception is raised. :class:`ArtifactNotFound` is never retried: a missing artifact
    stays missing.

    Args:
        backend: The store to wrap.
        max_retries: Attempts per operation, at least 1.
        multiplier: Growth factor of the pause, at least 1.
        min_delay: First pause, in seconds.
        max_delay: Longest pause, in seconds.

    Example:
        .. code-block:: python

            store = hpint.artifacts.Backoff(hpint.artifacts.Boto3ArtifactStore("my-bucket"))
    """

    def __init__(
        self,
        backend: ArtifactStore,
        *,
        max_retries: int = 10,
        multiplier: float = 2,
        min_delay: float = 0.1,
        max_delay: float = 30,
    ) -> None:
        if max_retries < 1:
            raise ValueError(f"max_retries must be at least 1, got {max_retries}.")
        if multiplier < 1:
            raise ValueError(f"multiplier must be at least 1, got {multiplier}.")
        if not 0 <= min_delay <= max_delay:
            raise ValueError(f"Need 0 <= min_delay <= max_delay, got {min_delay} and {max_delay}.")
        self._backend = backend
        self._max_retries = max_retries
        self._multiplier = multiplier
        self._min_delay = min_delay
        self._max_delay = max_delay
        # An attribute rather than a module-level call, so tests can replace it without real waiting.
        self._sleep: Callable[[float], None] = time.sleep

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """The backend's ``open_reader``, retried."""
        return self._retry("open", artifact_id, lambda: self._backend.open_reader(artifact_id))

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """The backend's ``write``, retried from the body's starting position each time."""
        if _seekable(content_body):
            start = content_body.tell()

            def attempt() -> None:
                content_body.seek(start)
                self._backend.write(artifact_id, content_body)

            self._retry("write", artifact_id, attempt)
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX_BYTES) as spool:
            shutil.copyfileobj(content_body, spool)
            spool.seek(0)
            self.write(artifact_id, spool)  # type: ignore[arg-type]

    def remove(self, artifact_id: str) -> None:
        """The backend's ``remove``, retried."""
        self._retry("remove", artifact_id, lambda: self._backend.remove(artifact_id))

    def _retry(self, what: str, artifact_id: str, operation: Callable[[], _T]) -> _T:
        for attempt in range(self._max_retries):
            try:
                return operation()
            except ArtifactNotFound:
                raise
            except Exception as error:
                if attempt + 1 >= self._max_retries:
                    raise
                delay = min(self._max_delay, self._min_delay * self._multiplier**attempt)
                _logger.warning(
                    f"Could not {what} artifact {artifact_id!r} (attempt {attempt + 1} of "
                    f"{self._max_retries}): {error!r}; trying again in {delay:.3g} s."
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def __repr__(self) -> str:
        return f"Backoff({self._backend!r}, max_retries={self._max_retries})"


def _seekable(body: BinaryIO) -> bool:
    try:
        return bool(body.seekable())
    except (AttributeError, ValueError):
        return False
