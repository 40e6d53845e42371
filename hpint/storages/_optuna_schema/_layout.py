"""The layout of Optuna's SQL tables (Optuna 3.0 to 5.0), as hpint reads and writes them.

Written from the tables Optuna 5.0.0 creates. Optuna records its schema revision in ``alembic_version``;
the tables hpint touches have had this layout since revision ``v3.0.0.d`` (Optuna 3.0), and the only later
revision, ``v3.2.0.a``, added an index. Enumerations (states, directions, kinds of float) are stored by
name; declaring them as strings reads both Optuna's native enums (MySQL) and its VARCHARs (SQLite,
PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from hpint.exceptions import StorageSchemaError

#: Optuna's revisions whose tables have the layout below, oldest first; the last is what Optuna 5.0.0 writes.
SUPPORTED_REVISIONS = ("v3.0.0.d", "v3.2.0.a")
#: Optuna's revisions before 3.0, whose value tables lack the kind-of-float columns.
_OLDER_REVISIONS = ("v0.9.0.a", "v1.2.0.a", "v1.3.0.a", "v2.4.0.a", "v2.6.0.a", "v3.0.0.a", "v3.0.0.b")
#: ``version_info.schema_version`` that every Optuna from 1.x to 5.0 records.
SCHEMA_VERSION = 12
#: The Optuna release whose layout :func:`export_optuna_studies` writes (recorded in ``version_info``).
EXPORTED_LIBRARY_VERSION = "5.0.0"
#: The tables whose presence (without hpint's) marks a database as Optuna's.
MARKER_TABLES = frozenset({"studies", "trials", "version_info"})

NAME_LENGTH = 512
metadata = sa.MetaData()
# A double on every backend (a plain FLOAT is single precision on MySQL).
Double = sa.Float(precision=53)


def _id(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer, primary_key=True, autoincrement=True)


def _parent(column: str, table: str) -> sa.Column:
    return sa.Column(column, sa.Integer, sa.ForeignKey(f"{table}.{column}"))


studies = sa.Table(
    "studies",
    metadata,
    _id("study_id"),
    sa.Column("study_name", sa.String(NAME_LENGTH), nullable=False),
    sa.Index("ix_studies_study_name", "study_name", unique=True),
)
version_info = sa.Table(
    "version_info",
    metadata,
    sa.Column("version_info_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("schema_version", sa.Integer),
    sa.Column("library_version", sa.String(256)),
    sa.CheckConstraint("version_info_id=1"),
)
alembic_version = sa.Table(
    "alembic_version",
    metadata,
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
study_directions = sa.Table(
    "study_directions",
    metadata,
    _id("study_direction_id"),
    sa.Column("direction", sa.String(8), nullable=False),  # MINIMIZE, MAXIMIZE, NOT_SET
    sa.Column("study_id", sa.Integer, sa.ForeignKey("studies.study_id"), nullable=False),
    sa.Column("objective", sa.Integer, nullable=False),
    sa.UniqueConstraint("study_id", "objective"),
)


def _attrs_table(name: str, parent_column: str, parent_table: str) -> sa.Table:
    """A table of JSON attributes (``key``, ``value_json``) of a study or a trial."""
    return sa.Table(
        name,
        metadata,
        _id(f"{name[:-1]}_id"),
        _parent(parent_column, parent_table),
        sa.Column("key", sa.String(NAME_LENGTH)),
        sa.Column("value_json", sa.Text),
        sa.UniqueConstraint(parent_column, "key"),
    )


study_user_attrs = _attrs_table("study_user_attributes", "study_id", "studies")
study_system_attrs = _attrs_table("study_system_attributes", "study_id", "studies")
trials = sa.Table(
    "trials",
    metadata,
    _id("trial_id"),
    sa.Column("number", sa.Integer),
    sa.Column("study_id", sa.Integer, sa.ForeignKey("studies.study_id"), index=True),
    sa.Column("state", sa.String(8), nullable=False),  # TrialState names
    sa.Column("datetime_start", sa.DateTime),
    sa.Column("datetime_complete", sa.DateTime),
)
trial_user_attrs = _attrs_table("trial_user_attributes", "trial_id", "trials")
trial_system_attrs = _attrs_table("trial_system_attributes", "trial_id", "trials")
trial_params = sa.Table(
    "trial_params",
    metadata,
    _id("param_id"),
    _parent("trial_id", "trials"),
    sa.Column("param_name", sa.String(NAME_LENGTH)),
    sa.Column("param_value", Double),  # the internal float (a categorical's index)
    sa.Column("distribution_json", sa.Text),
    sa.UniqueConstraint("trial_id", "param_name"),
)


def _floats_table(name: str, key: str, value: str) -> sa.Table:
    """Values or intermediate values: a finite float in ``value``, or its kind saying which non-finite one."""
    return sa.Table(
        name,
        metadata,
        _id(f"{name[:-1]}_id"),
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("trials.trial_id"), nullable=False),
        sa.Column(key, sa.Integer, nullable=False),
        sa.Column(value, Double),
        sa.Column(f"{value}_type", sa.String(7), nullable=False),  # FINITE, INF_POS, INF_NEG, NAN
        sa.UniqueConstraint("trial_id", key),
    )


trial_values = _floats_table("trial_values", "objective", "value")  # no NAN: Optuna fails such a trial
trial_intermediate_values = _floats_table("trial_intermediate_values", "step", "intermediate_value")
trial_heartbeats = sa.Table(
    "trial_heartbeats",
    metadata,
    _id("trial_heartbeat_id"),
    sa.Column("trial_id", sa.Integer, sa.ForeignKey("trials.trial_id"), nullable=False, unique=True),
    sa.Column("heartbeat", sa.DateTime, nullable=False),
)


def is_optuna_database(table_names: Collection[str]) -> bool:
    """Whether a database with these tables holds Optuna's schema."""
    return MARKER_TABLES <= set(table_names)


def check_revision(conn: sa.Connection, url: str) -> str:
    """The Optuna schema revision of the database, if hpint reads it; raise a clear error otherwise.

    Raises:
        StorageSchemaError: not an Optuna database, a revision before Optuna 3.0, or an unknown one.
    """
    names = sa.inspect(conn).get_table_names()
    if not is_optuna_database(names) or "alembic_version" not in names:
        raise StorageSchemaError(
            f"{safe_url(url)} is not an Optuna database: it lacks Optuna's tables "
            f"({', '.join(sorted(MARKER_TABLES | {'alembic_version'}))})."
        )
    revision = conn.execute(sa.select(alembic_version.c.version_num)).scalar()
    library = conn.execute(sa.select(version_info.c.library_version)).scalar()
    if revision in SUPPORTED_REVISIONS:
        return revision
    made_by = f", written by Optuna {library}" if library else ""
    if revision in _OLDER_REVISIONS:
        raise StorageSchemaError(
            f"{safe_url(url)} has Optuna schema revision {revision!r}{made_by}, older than Optuna 3.0's "
            f"{SUPPORTED_REVISIONS[0]!r}, the oldest hpint reads. Back it up and run "
            "`optuna storage upgrade --storage URL` with Optuna 3.0 or later first."
        )
    raise StorageSchemaError(
        f"{safe_url(url)} has Optuna schema revision {revision!r}{made_by}, unknown to hpint (it reads "
        f"{', '.join(SUPPORTED_REVISIONS)}: Optuna 3.0 to 5.0). It was probably written by a newer Optuna."
    )


def safe_url(url: str) -> str:
    """The URL as it may appear in a message: without its password."""
    return repr(sa.make_url(url).render_as_string(hide_password=True))
