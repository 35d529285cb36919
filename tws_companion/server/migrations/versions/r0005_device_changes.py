"""PIN changes and IB Key activations (the security centre, issue 11).

- ``device_changes``: a change to a security device waiting for its confirmation: an IB Key PIN
  change or an IB Key activation (confirmed with an SMS code, whose HMAC it keeps), or a DSC+ PIN
  change (confirmed with the response to its challenge, computed with the new PIN). The new PIN
  is kept encrypted with the master key until the change is confirmed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "device_changes",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_pin_enc", sa.LargeBinary(), nullable=True),
        sa.Column("code_digest", sa.String(128), nullable=True),
        sa.Column("challenge", sa.String(64), nullable=True),
        sa.Column("wrong_answers", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=True),
        sa.Column("label", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_device_changes_user_id", "device_changes", ["user_id"])
    op.create_index("ix_device_changes_device_id", "device_changes", ["device_id"])
    op.create_index("ix_device_changes_expires_at", "device_changes", ["expires_at"])


def downgrade() -> None:
    raise NotImplementedError("TWS Companion never downgrades a database; restore a backup")
