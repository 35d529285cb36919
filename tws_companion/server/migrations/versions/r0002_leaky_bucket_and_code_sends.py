"""Leaky bucket and code sends.

- ``source_failures`` becomes a leaky bucket: ``level`` (failures still counted) at
  ``updated_at`` replaces the fixed window's ``failures`` and ``window_start``. Existing rows are
  kept: ``level = failures`` counted at ``updated_at = window_start`` (a row without a window
  start gets level 0), so an address being throttled stays throttled; its bucket drains from the
  start of its old window.
- ``code_sends``: every SMS or voice code sent, for the daily caps per user and per phone number.
- ``schema_info`` goes: Alembic's ``alembic_version`` records the schema from now on.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column(
        "source_failures",
        sa.Column("level", sa.Float(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column(
        "source_failures", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE source_failures SET updated_at = window_start, "
        "level = CASE WHEN window_start IS NULL THEN 0 ELSE failures END"
    )
    # SQLite cannot drop columns in place everywhere: batch mode copies the table there.
    with op.batch_alter_table("source_failures") as batch:
        batch.drop_column("failures")
        batch.drop_column("window_start")

    op.create_table(
        "code_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone_key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_code_sends_user_id", "code_sends", ["user_id"])
    op.create_index("ix_code_sends_phone_key", "code_sends", ["phone_key"])
    op.create_index("ix_code_sends_sent_at", "code_sends", ["sent_at"])

    op.drop_table("schema_info")


def downgrade() -> None:
    raise NotImplementedError("TWS Companion never downgrades a database; restore a backup")
