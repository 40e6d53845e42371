"""Fixtures for the pruner tests: each storage kind a pruner must work on."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest


def _rdb_import_error() -> str | None:
    try:
        from hpint.storages import RDBStorage  # noqa: F401
    except ImportError as e:
        return str(e)
    return None


@pytest.fixture(scope="session")
def _shared_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite file for the whole run: creating the schema costs far more than a pruner test."""
    return f"sqlite:///{tmp_path_factory.mktemp('pruners') / 'pruners.db'}"


@pytest.fixture(params=["inmemory", "sqlite"])
def pruner_storage(request: pytest.FixtureRequest) -> str | None:
    """None (in-memory storage) or a SQLite URL shared by the run's tests.

    Studies on it must have unique names: leave ``study_name`` unset (a fresh one is generated) or use
    the ``unique_name`` fixture.
    """
    if request.param == "sqlite":
        error = _rdb_import_error()
        if error is not None:
            pytest.skip(f"hpint.storages.RDBStorage cannot be imported ({error}); SQLite case not run")
        return request.getfixturevalue("_shared_sqlite_url")
    return None


@pytest.fixture
def unique_name() -> str:
    return f"pruners-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _quiet_logs() -> Iterator[None]:
    """One log line per trial is noise here."""
    logger = logging.getLogger("hpint")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)
