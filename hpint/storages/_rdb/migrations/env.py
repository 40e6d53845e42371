"""Alembic environment: migrate the connection hpint passes in (or ``-x url=...`` from the command line)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

VERSION_TABLE = "hpint_alembic_version"


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - only when Alembic's own command line is used
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("Pass the database URL: alembic -c alembic.ini -x url=URL upgrade head")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()
