"""Trial heartbeats: one row per running trial, the database server's time of its worker's last beat.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "hpint_trial_heartbeats",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("hpint_trials.trial_id"), primary_key=True),
        sa.Column("heartbeat", DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hpint_trial_heartbeats")
