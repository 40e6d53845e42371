"""Heartbeat SQL: record a running trial's beat, find stale trials and fail one, on the server's clock.

Every time here is the database server's, in UTC, and every comparison is made by the server: workers
whose own clocks disagree (or use other time zones) still agree on which trial is stale. Per dialect:

* SQLite: ``strftime('%Y-%m-%d %H:%M:%f000', 'now')``, UTC text with millisecond resolution (plain
  ``CURRENT_TIMESTAMP`` has whole seconds only) in the format SQLAlchemy reads back as a datetime;
* PostgreSQL: ``timezone('UTC', now())``, so a session's ``TimeZone`` setting does not shift it;
* MySQL/MariaDB: ``UTC_TIMESTAMP(6)`` (``NOW()`` would follow the session's ``time_zone``).
"""

from __future__ import annotations

import functools
import json

import sqlalchemy as sa

from hpint.storages._rdb import rows, writes
from hpint.storages._rdb.models import trial_attrs, trial_heartbeats, trials
from hpint.trial._frozen import FAIL_REASON_KEY
from hpint.trial._state import TrialState

_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%f000"


def server_now(dialect: str) -> sa.ColumnElement:
    """The server's current UTC time as an SQL expression."""
    if dialect == "sqlite":
        return sa.func.strftime(_SQLITE_FORMAT, "now")
    if dialect == "postgresql":
        return sa.func.timezone("UTC", sa.func.now())
    if dialect in ("mysql", "mariadb"):
        return sa.func.utc_timestamp(6)
    raise ValueError(f"Unsupported SQL dialect {dialect!r}; hpint supports sqlite, postgresql and mysql.")


def server_cutoff(dialect: str, seconds: int) -> sa.ColumnElement:
    """The server's UTC time ``seconds`` ago: a heartbeat older than this is stale."""
    if dialect == "sqlite":
        return sa.func.strftime(_SQLITE_FORMAT, "now", f"-{int(seconds)} seconds")
    if dialect == "postgresql":
        return server_now(dialect) - sa.func.make_interval(0, 0, 0, 0, 0, 0, int(seconds))
    # MySQL: the unit of TIMESTAMPADD is a keyword, not a value, hence the literal column.
    return sa.func.timestampadd(sa.literal_column("SECOND"), -int(seconds), server_now(dialect))


@functools.cache
def record_statement(dialect: str) -> sa.Insert:
    """Insert or overwrite the trial ``tid``'s heartbeat with the server's time, in one statement."""
    return writes.upsert(dialect, trial_heartbeats).values(
        trial_id=sa.bindparam("tid"), heartbeat=server_now(dialect)
    )


def _is_stale(dialect: str, grace_period: int) -> sa.ColumnElement[bool]:
    return trial_heartbeats.c.heartbeat < server_cutoff(dialect, grace_period)


def stale_ids_query(dialect: str, study_id: int, grace_period: int) -> sa.Select:
    """RUNNING trials of the study whose last beat is older than ``grace_period`` (none if never beat)."""
    return (
        sa.select(trials.c.trial_id)
        .join(trial_heartbeats, trial_heartbeats.c.trial_id == trials.c.trial_id)
        .where(trials.c.study_id == study_id)
        .where(trials.c.state == int(TrialState.RUNNING))
        .where(_is_stale(dialect, grace_period))
        .order_by(trials.c.number)
    )


def fail_if_stale(conn: sa.Connection, trial_id: int, grace_period: int) -> bool:
    """Make the trial FAIL if it is still RUNNING and still stale; True if this call did it.

    One UPDATE checks both conditions and changes the row, so of several workers failing the same
    trial at once exactly one sees a changed row; a trial that beat again meanwhile is left alone.
    """
    dialect = conn.dialect.name
    still_stale = sa.exists().where(
        (trial_heartbeats.c.trial_id == trial_id) & _is_stale(dialect, grace_period)
    )
    failed = conn.execute(
        sa.update(trials)
        .where((trials.c.trial_id == trial_id) & (trials.c.state == int(TrialState.RUNNING)) & still_stale)
        .values(state=int(TrialState.FAIL), datetime_complete=rows.now())
    )
    if failed.rowcount != 1:
        return False
    reason = f"No heartbeat for more than {grace_period} s: its worker stopped (killed, crashed or hung)."
    writes.replace_attrs(
        conn, trial_attrs, {"trial_id": trial_id}, {FAIL_REASON_KEY: json.dumps(reason)}, True
    )
    return True
