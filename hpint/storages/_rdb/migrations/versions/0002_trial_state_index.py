"""Index trials by (study_id, state): `ask` reads a study's WAITING trials, the cache its unfinished ones.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_hpint_trials_study_state", "hpint_trials", ["study_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_hpint_trials_study_state", table_name="hpint_trials")
