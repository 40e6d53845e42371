"""Create, check and upgrade the SQL schema with Alembic.

A new database is created at the latest revision. A database at an older revision is never migrated
silently (other workers may still run the old hpint): opening it raises :class:`StorageSchemaError`,
and ``hpint storage upgrade --storage URL`` (:func:`upgrade_storage`) migrates it. Nor is an hpint schema
created beside Optuna's tables: a user pointing hpint at an Optuna database would otherwise find it empty.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import sqlalchemy as sa

from hpint.exceptions import StorageSchemaError
from hpint.storages._rdb.models import HEAD_REVISION, VERSION_TABLE

#: Every revision, oldest first; the last is :data:`HEAD_REVISION`.
REVISIONS = ("0001", "0002", "0003")
_HERE = os.path.dirname(os.path.abspath(__file__))


def current_revision(connection: sa.Connection) -> str | None:
    """The stored revision, or None when the database has no hpint schema yet.

    Raises:
        StorageSchemaError: hpint tables exist without a version table.
    """
    inspector = sa.inspect(connection)
    if not inspector.has_table(VERSION_TABLE):
        if inspector.has_table("hpint_studies"):
            raise StorageSchemaError(
                f"The database has hpint tables but no {VERSION_TABLE!r} table; it was not created by hpint."
            )
        return None
    rows = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if rows else None


def check_schema(connection: sa.Connection, url: str, check_revision: bool = True) -> str | None:
    """Return the revision if it is the latest (any, without ``check_revision``), None if there is no
    schema; raise if it is another one.

    Raises:
        StorageSchemaError: another revision, or no hpint schema in an Optuna database.
    """
    revision = current_revision(connection)
    if revision is None:
        refuse_optuna_database(connection, url)
    if revision is None or revision == HEAD_REVISION or not check_revision:
        return revision
    if revision in REVISIONS:
        raise StorageSchemaError(
            f"The storage {_safe(url)} uses hpint schema revision {revision}, older than this hpint's "
            f"{HEAD_REVISION}. Back up the database, then run `hpint storage upgrade --storage URL` "
            "(or hpint.storages.upgrade_storage(url)); workers still running the old hpint must be stopped."
        )
    raise StorageSchemaError(
        f"The storage {_safe(url)} uses hpint schema revision {revision!r}, unknown to this hpint "
        f"(latest {HEAD_REVISION}); it was probably created by a newer hpint. Upgrade hpint."
    )


def refuse_optuna_database(connection: sa.Connection, url: str) -> None:
    """Raise if the database (which has no hpint schema) holds Optuna's tables; name the import to run.

    Only reached when there is no hpint schema, so an existing hpint database pays nothing for it.
    """
    from hpint.storages._optuna_schema._layout import is_optuna_database

    if is_optuna_database(sa.inspect(connection).get_table_names()):
        shown = sa.make_url(url).render_as_string(hide_password=True)
        raise StorageSchemaError(
            f"The storage {shown!r} is an Optuna database (Optuna's tables, no hpint tables); hpint does not "
            "read Optuna's schema in place. Copy its studies into hpint's tables, here beside Optuna's: "
            f"`hpint storage import-optuna {shown} {shown}` (or hpint.storages.import_optuna_studies(url, "
            "url)); another hpint storage may be the target too."
        )


def migrate(connection: sa.Connection, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` on ``connection`` and commit."""
    from alembic import command
    from alembic.config import Config

    config = Config(os.path.join(_HERE, "alembic.ini"))
    config.set_main_option("script_location", os.path.join(_HERE, "migrations"))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    if connection.in_transaction():
        connection.commit()


def _safe(url: str) -> str:
    return repr(sa.make_url(url).render_as_string(hide_password=True))


def upgrade_storage(url: str, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database at ``url`` to the latest hpint schema (or ``revision``); return (from, to).

    Stop every worker that uses the storage first, and back the database up. An empty database gets the
    whole schema. Raises ``StorageSchemaError`` if the database was created by a newer hpint, or is an
    Optuna database (import it instead).
    """
    if revision != "head" and revision not in REVISIONS:
        raise ValueError(f"`revision` must be 'head' or one of {list(REVISIONS)}, not {revision!r}.")
    with _connection(url) as (url, conn):
        before = current_revision(conn)
        conn.rollback()
        if before is None or before not in REVISIONS:
            check_schema(conn, url)  # raises: an Optuna database, or an unknown (newer) revision
        conn.execution_options(hpint_write=True)
        migrate(conn, revision)
        after = current_revision(conn)
        conn.rollback()
    return before, after or HEAD_REVISION


def create_schema_beside_optuna(url: str) -> None:
    """Create hpint's schema in a database without one, even if it holds Optuna's tables.

    For importing an Optuna database's studies into the same database; a database that has an hpint
    schema is left as it is (opening it checks its revision).
    """
    with _connection(url) as (url, conn):
        if current_revision(conn) is None:
            conn.rollback()
            conn.execution_options(hpint_write=True)
            migrate(conn)


@contextlib.contextmanager
def _connection(url: str) -> Iterator[tuple[str, sa.Connection]]:
    """The normalized URL and one connection to it, on an engine disposed of afterwards."""
    from hpint.storages._rdb.engine import create_engine
    from hpint.storages._rdb.url import is_sqlite_memory, normalize_url

    url = normalize_url(url)
    engine = create_engine(url, None if is_sqlite_memory(url) else {"poolclass": sa.pool.NullPool})
    try:
        with engine.connect() as conn:
            yield url, conn
    finally:
        engine.dispose()
