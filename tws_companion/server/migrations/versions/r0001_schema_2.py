"""Schema 2.

The tables of the last release before migrations, exactly as it made them: it created them with
``create_all`` and recorded ``schema_info`` version 2. A database it made is stamped with this
revision instead of running it (see ``migrate`` in the package).

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("allowed_ips", sa.JSON(), nullable=False),
        sa.Column("identity", sa.JSON(), nullable=False),
        sa.Column("settings_key_enc", sa.LargeBinary(), nullable=False),
        sa.Column("preferred_device_id", sa.String(32), nullable=True),
        sa.Column("last_temporary_issued_at", _utc(), nullable=True),
        sa.Column("last_permanent_login_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_users_username", "users", ["username"], unique=True)

    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("consecutive", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", _utc(), nullable=True),
        sa.Column("last_failure_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )

    op.create_table(
        "source_failures",
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("source"),
    )

    op.create_table(
        "schema_info",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO schema_info (id, version) VALUES (1, 2)")

    op.create_table(
        "devices",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("pin_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("issued_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_devices_user_id", "devices", ["user_id"])

    op.create_table(
        "logins",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=True),
        sa.Column("challenge", sa.String(64), nullable=True),
        sa.Column("challenge_expires_at", _utc(), nullable=True),
        sa.Column("wrong_responses", sa.Integer(), nullable=False),
        sa.Column("code_digest", sa.String(128), nullable=True),
        sa.Column("code_channel", sa.String(8), nullable=True),
        sa.Column("code_device_id", sa.String(32), nullable=True),
        sa.Column("code_expires_at", _utc(), nullable=True),
        sa.Column("resends", sa.Integer(), nullable=False),
        sa.Column("last_send_at", _utc(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_logins_user_id", "logins", ["user_id"])

    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])

    op.create_table(
        "used_challenges",
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("used_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "challenge"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_used_challenges_used_at", "used_challenges", ["used_at"])


def downgrade() -> None:
    raise NotImplementedError("TWS Companion never downgrades a database; restore a backup")
