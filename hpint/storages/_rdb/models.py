"""The current SQL schema (SQLAlchemy Core tables) and how values are encoded in it.

Every table name starts with ``hpint_`` so hpint can share a database with other applications. The schema
is created and changed only by the Alembic migrations in ``migrations/versions``; these definitions must
match the latest revision (a test checks it).
"""

from __future__ import annotations

import json
import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

#: The Alembic revision these tables correspond to.
HEAD_REVISION = "0003"
VERSION_TABLE = "hpint_alembic_version"

metadata = sa.MetaData()

# Microsecond timestamps on MySQL (its DATETIME drops fractions by default).
DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# Long text on MySQL, where TEXT holds only 64 KiB.
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
NAME_LENGTH = 512

studies = sa.Table(
    "hpint_studies",
    metadata,
    sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("study_name", sa.String(NAME_LENGTH), nullable=False, unique=True),
    sa.Column("directions", sa.Text, nullable=False),  # JSON list of StudyDirection names
    # The number the next trial of this study gets; incremented under a row lock.
    sa.Column("next_trial_number", sa.Integer, nullable=False, server_default="0"),
    sqlite_autoincrement=True,  # never reuse the id of a deleted study (caches key on ids)
)

study_attrs = sa.Table(
    "hpint_study_attrs",
    metadata,
    sa.Column("study_id", sa.Integer, sa.ForeignKey("hpint_studies.study_id"), primary_key=True),
    sa.Column("is_system", sa.Boolean, primary_key=True),
    sa.Column("key", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("value_json", LongText, nullable=False),
)

trials = sa.Table(
    "hpint_trials",
    metadata,
    sa.Column("trial_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("study_id", sa.Integer, sa.ForeignKey("hpint_studies.study_id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("state", sa.SmallInteger, nullable=False),
    sa.Column("values_json", sa.Text, nullable=True),  # JSON list; inf and NaN allowed
    sa.Column("datetime_start", DateTime, nullable=True),
    sa.Column("datetime_complete", DateTime, nullable=True),
    sa.UniqueConstraint("study_id", "number", name="uq_hpint_trials_study_number"),
    # Revision 0002: the per-trial read of WAITING trials (`ask`) and of unfinished trials (the cache).
    sa.Index("ix_hpint_trials_study_state", "study_id", "state"),
    sqlite_autoincrement=True,
)

trial_params = sa.Table(
    "hpint_trial_params",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
    sa.Column("name", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("value_kind", sa.SmallInteger, nullable=False),
    sa.Column("distribution_json", sa.Text, nullable=False),
)

trial_attrs = sa.Table(
    "hpint_trial_attrs",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
    sa.Column("is_system", sa.Boolean, primary_key=True),
    sa.Column("key", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("value_json", LongText, nullable=False),
)

trial_intermediate_values = sa.Table(
    "hpint_trial_intermediate_values",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("value_kind", sa.SmallInteger, nullable=False),
)

# Revision 0003: when each running trial's worker last said it is alive, in the database server's clock (UTC).
trial_heartbeats = sa.Table(
    "hpint_trial_heartbeats",
    metadata,
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
    sa.Column("heartbeat", DateTime, nullable=False),
)

# ---- encoding floats: MySQL stores neither inf nor NaN in a DOUBLE column ----
FINITE, POS_INF, NEG_INF, NAN = 0, 1, 2, 3


def encode_float(value: float) -> tuple[float | None, int]:
    """``(column value, kind)`` for a float; non-finite values are kept in ``kind`` only."""
    value = float(value)
    if math.isfinite(value):
        return value, FINITE
    if math.isnan(value):
        return None, NAN
    return None, POS_INF if value > 0 else NEG_INF


def decode_float(value: float | None, kind: int) -> float:
    if kind == FINITE:
        return float(value)  # type: ignore[arg-type]
    return {POS_INF: math.inf, NEG_INF: -math.inf, NAN: math.nan}[kind]


def dump_json(value: Any, what: str) -> str:
    """JSON text of an attribute value; ``TypeError`` naming ``what`` if it is not JSON-serialisable."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what} must be JSON-serialisable to be stored in a database: {e}") from None
