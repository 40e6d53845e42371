"""hpint.logging: the default handler's format, and Optuna's names."""

from __future__ import annotations

import inspect
import logging
import re

import pytest

import hpint


def _record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("hpint.test", level, __file__, 1, message, None, None)


def test_create_default_formatter_writes_level_letter_time_and_message() -> None:
    formatter = hpint.logging.create_default_formatter()
    assert isinstance(formatter, logging.Formatter)
    line = formatter.format(_record(logging.INFO, "Trial 3 finished"))
    assert re.fullmatch(r"\[I \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] Trial 3 finished", line), line
    assert formatter.format(_record(logging.WARNING, "careful")).startswith("[W ")
    assert hpint.logging.create_default_formatter() is not formatter  # a new one each call


def test_the_default_handler_formats_lines_like_create_default_formatter() -> None:
    hpint.logging.get_logger("hpint.test")  # installs the default handler
    handler = hpint.logging._handler
    assert handler is not None and handler in logging.getLogger("hpint").handlers
    record = _record(logging.ERROR, "same line")
    assert handler.format(record) == hpint.logging.create_default_formatter().format(record)


def test_logging_module_has_optunas_public_functions() -> None:
    optuna = pytest.importorskip("optuna")
    ours = set(hpint.logging.__all__)
    theirs = {
        n for n in dir(optuna.logging) if not n.startswith("_") and callable(getattr(optuna.logging, n))
    }
    theirs &= {n for n, f in vars(optuna.logging).items() if inspect.isfunction(f)}
    assert theirs <= ours, theirs - ours
    assert "create_default_formatter" in ours
    assert inspect.signature(hpint.logging.create_default_formatter).parameters == {}
