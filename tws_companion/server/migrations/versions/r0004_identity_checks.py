"""Identity checks, withdrawals and device sharing (the security centre, issue 11).

- ``logins.purpose``: an identity check (``POST /verify``) is a login transaction with a purpose
  (``withdrawal``, ``share_device``); a login proper has none. The login steps serve only rows
  without one, the identity-check steps only rows with theirs.
- ``approvals``: what a completed identity check gives, a short-lived single-use token for one
  purpose, stored as its SHA-256 like session tokens; the device that answered and its kind.
- ``withdrawals``: each withdrawal accepted, in USD cents, with the kind of the device that
  confirmed it (its limits per day and per 5 business days count these).
- ``device_shares``: requests to share one user's device with another user (KB2481), pending
  compliance approval, approved or refused.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("logins", sa.Column("purpose", sa.String(16), nullable=True))

    op.create_table(
        "approvals",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("device_kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_approvals_user_id", "approvals", ["user_id"])
    op.create_index("ix_approvals_expires_at", "approvals", ["expires_at"])

    op.create_table(
        "withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("device_kind", sa.String(16), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_withdrawals_user_id_created_at", "withdrawals", ["user_id", "created_at"])

    op.create_table(
        "device_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["requester_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_device_shares_requester_id", "device_shares", ["requester_id"])
    op.create_index("ix_device_shares_device_id", "device_shares", ["device_id"])


def downgrade() -> None:
    raise NotImplementedError("TWS Companion never downgrades a database; restore a backup")
