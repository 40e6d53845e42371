"""hpint's logger: one ``hpint`` logger with a handler, quiet or loud with ``set_verbosity``.

Lines look like ``[I 2026-01-01 12:00:00,000] Trial 3 finished with value: 0.98 and parameters: {...}.``
"""

from __future__ import annotations

import logging
import sys
import threading
from logging import CRITICAL, DEBUG, ERROR, FATAL, INFO, WARN, WARNING

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "create_default_formatter",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
    "disable_default_handler",
    "enable_default_handler",
    "disable_propagation",
    "enable_propagation",
]

_ROOT = "hpint"
_lock = threading.Lock()
_handler: logging.Handler | None = None


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.levelletter = record.levelname[:1]
        return super().format(record)


def create_default_formatter() -> logging.Formatter:
    """A new formatter of the kind hpint's default handler uses: ``[I 2026-01-01 12:00:00,000] message``.

    For an application that installs its own handler (after ``disable_default_handler()``) but wants
    hpint's line format. Plain text, no colours, so logs stay greppable when redirected.
    """
    return _Formatter("[%(levelletter)s %(asctime)s] %(message)s")


def _configure() -> None:
    global _handler
    with _lock:
        if _handler is not None:
            return
        _handler = logging.StreamHandler(sys.stderr)
        _handler.setFormatter(create_default_formatter())
        root = logging.getLogger(_ROOT)
        root.addHandler(_handler)
        root.setLevel(INFO)
        root.propagate = False


def get_logger(name: str) -> logging.Logger:
    """The logger ``name`` (a child of ``hpint``), with hpint's handler installed once."""
    _configure()
    return logging.getLogger(name)


def get_verbosity() -> int:
    """The level of the ``hpint`` logger (e.g. ``hpint.logging.INFO``)."""
    _configure()
    return logging.getLogger(_ROOT).getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Show messages at ``verbosity`` and above; ``hpint.logging.WARNING`` hides per-trial lines."""
    _configure()
    logging.getLogger(_ROOT).setLevel(verbosity)


def disable_default_handler() -> None:
    """Stop hpint writing to stderr (e.g. when the application configures logging itself)."""
    _configure()
    assert _handler is not None
    logging.getLogger(_ROOT).removeHandler(_handler)


def enable_default_handler() -> None:
    _configure()
    assert _handler is not None
    logging.getLogger(_ROOT).addHandler(_handler)


def disable_propagation() -> None:
    _configure()
    logging.getLogger(_ROOT).propagate = False


def enable_propagation() -> None:
    """Pass hpint's records on to the root logger (pytest's caplog needs this)."""
    _configure()
    logging.getLogger(_ROOT).propagate = True
