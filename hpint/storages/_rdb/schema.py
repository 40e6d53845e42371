"""Create, check and upgrade the SQL schema with Alembic.

A new database is created at the latest revision. A database at an older revision is never migrated
silently (other workers may still run the old hpint): opening it raises :class:`StorageSchemaError`,
and ``hpint storage upgrade --storage URL`` (:func:`upgrade_storage`) migrates it.
"""

from __future__ import annotations

import os

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


def check_schema(connection: sa.Connection, url: str) -> str | None:
    """Return the revision if it is the latest, None if there is no schema; raise if it is another one."""
    revision = current_revision(connection)
    if revision is None or revision == HEAD_REVISION:
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
    whole schema. Raises ``StorageSchemaError`` if the database was created by a newer hpint.
    """
    from hpint.storages._rdb.engine import create_engine
    from hpint.storages._rdb.url import is_sqlite_memory, normalize_url

    url = normalize_url(url)
    if revision != "head" and revision not in REVISIONS:
        raise ValueError(f"`revision` must be 'head' or one of {list(REVISIONS)}, not {revision!r}.")
    engine = create_engine(url, None if is_sqlite_memory(url) else {"poolclass": sa.pool.NullPool})
    try:
        with engine.connect() as conn:
            before = current_revision(conn)
            conn.rollback()
            if before is not None and before not in REVISIONS:
                check_schema(conn, url)  # raises: unknown (newer) revision
            conn.execution_options(hpint_write=True)
            migrate(conn, revision)
            after = current_revision(conn)
            conn.rollback()
    finally:
        engine.dispose()
    return before, after or HEAD_REVISION
