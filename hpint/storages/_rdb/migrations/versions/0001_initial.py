"""The initial schema: studies, trials, parameters, attributes and intermediate values.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "hpint_studies",
        sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_name", sa.String(512), nullable=False, unique=True),
        sa.Column("directions", sa.Text, nullable=False),
        sa.Column("next_trial_number", sa.Integer, nullable=False, server_default="0"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "hpint_study_attrs",
        sa.Column("study_id", sa.Integer, sa.ForeignKey("hpint_studies.study_id"), primary_key=True),
        sa.Column("is_system", sa.Boolean, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value_json", LongText, nullable=False),
    )
    op.create_table(
        "hpint_trials",
        sa.Column("trial_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, sa.ForeignKey("hpint_studies.study_id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.SmallInteger, nullable=False),
        sa.Column("values_json", sa.Text, nullable=True),
        sa.Column("datetime_start", DateTime, nullable=True),
        sa.Column("datetime_complete", DateTime, nullable=True),
        sa.UniqueConstraint("study_id", "number", name="uq_hpint_trials_study_number"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "hpint_trial_params",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
        sa.Column("name", sa.String(512), primary_key=True),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("value_kind", sa.SmallInteger, nullable=False),
        sa.Column("distribution_json", sa.Text, nullable=False),
    )
    op.create_table(
        "hpint_trial_attrs",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
        sa.Column("is_system", sa.Boolean, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value_json", LongText, nullable=False),
    )
    op.create_table(
        "hpint_trial_intermediate_values",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
        sa.Column("step", sa.Integer, primary_key=True),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("value_kind", sa.SmallInteger, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "hpint_trial_intermediate_values",
        "hpint_trial_attrs",
        "hpint_trial_params",
        "hpint_trials",
        "hpint_study_attrs",
        "hpint_studies",
    ):
        op.drop_table(table)
