"""Shared fixtures: ``storage_url`` runs a test on every storage backend.

Each test gets a fresh, empty database. SQLite uses a new file per test. PostgreSQL and MySQL use the
servers named by ``HPINT_TEST_POSTGRES_URL`` / ``HPINT_TEST_MYSQL_URL`` (skipped when unset); so that
several pytest runs can share one server, each run works in its own schema (PostgreSQL) or database
(MySQL), and only hpint's tables are touched: emptied (or dropped, when a test left another schema
revision) before and after each test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

_ENV = {"postgresql": "HPINT_TEST_POSTGRES_URL", "mysql": "HPINT_TEST_MYSQL_URL"}
_HPINT_TABLE_PREFIX = "hpint_"


def _rdb_available() -> bool:
    try:
        from hpint.storages import RDBStorage  # noqa: F401
    except ImportError:
        return False
    return True


def _reset_hpint_tables(url: str) -> None:
    """Leave the database without hpint data: empty hpint's tables when they are at the latest schema
    (much faster than recreating them on MySQL), otherwise drop every ``hpint_*`` table."""
    import sqlalchemy as sa

    from hpint.storages._rdb.models import HEAD_REVISION, VERSION_TABLE
    from hpint.storages._rdb.models import metadata as hpint_metadata

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            names = {n for n in sa.inspect(conn).get_table_names() if n.startswith(_HPINT_TABLE_PREFIX)}
            if not names:
                return
            version = None
            if VERSION_TABLE in names:
                version = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
            if version == HEAD_REVISION and set(hpint_metadata.tables) <= names:
                for table in reversed(hpint_metadata.sorted_tables):
                    conn.execute(table.delete())
                return
        metadata = sa.MetaData()
        metadata.reflect(engine, only=sorted(names))
        metadata.drop_all(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _server_urls() -> Iterator[dict[str, str]]:
    """One private schema (PostgreSQL) / database (MySQL) per pytest run, dropped at the end."""
    import sqlalchemy as sa

    suffix = uuid.uuid4().hex[:10]
    urls: dict[str, str] = {}
    cleanups = []
    for kind, env in _ENV.items():
        base = os.environ.get(env)
        if not base or not _rdb_available():
            continue
        from hpint.storages._rdb.url import normalize_url

        base = normalize_url(base)
        engine = sa.create_engine(base, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
        name = f"hpint_test_{suffix}"
        with engine.connect() as conn:
            if kind == "postgresql":
                conn.execute(sa.text(f"CREATE SCHEMA {name}"))
                urls[kind] = str(
                    sa.make_url(base)
                    .update_query_dict({"options": f"-csearch_path={name}"})
                    .render_as_string(hide_password=False)
                )
                cleanups.append((engine, f"DROP SCHEMA {name} CASCADE"))
            else:
                conn.execute(sa.text(f"CREATE DATABASE {name}"))
                urls[kind] = sa.make_url(base).set(database=name).render_as_string(hide_password=False)
                cleanups.append((engine, f"DROP DATABASE {name}"))
    yield urls
    for engine, sql in cleanups:
        with engine.connect() as conn:
            conn.execute(sa.text(sql))
        engine.dispose()


@pytest.fixture(params=["inmemory", "sqlite", "postgresql", "mysql"])
def storage_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str | None]:
    """None (in-memory) or the URL of a fresh, empty database of the parametrized kind."""
    kind = request.param
    if kind == "inmemory":
        yield None
        return
    if not _rdb_available():
        pytest.skip("hpint.storages.RDBStorage cannot be imported")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'hpint-test.db'}"
        return
    if not os.environ.get(_ENV[kind]):
        pytest.skip(f"{kind} tests need {_ENV[kind]} (e.g. a {kind} URL to a test database)")
    urls = request.getfixturevalue("_server_urls")
    url = urls[kind]
    if not urls.get(f"{kind}:clean"):  # later tests find it clean: each test cleans up after itself
        _reset_hpint_tables(url)
        urls[f"{kind}:clean"] = "yes"
    yield url
    _reset_hpint_tables(url)
