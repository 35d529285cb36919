"""Session tokens: 256-bit random values handed to the client once and stored only as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tws_companion.protocol import ErrorCode, Scope
from tws_companion.protocol import models as wire
from tws_companion.server.db import SessionToken
from tws_companion.server.driver_statements import DriverStatement
from tws_companion.server.errors import ApiError
from tws_companion.sls.policy import SESSION_TOKEN_BYTES, Policy


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Built once, run on the driver (every login ends here: see ``login_flow``).
_INSERT_SESSION = DriverStatement(
    insert(SessionToken).values(
        {
            name: bindparam(name)
            for name in (
                "token_hash",
                "user_id",
                "device_id",
                "scope",
                "platform",
                "created_at",
                "expires_at",
            )
        }
    )
)


def create_session(
    connection: Connection,
    *,
    user_id: int,
    device_id: str,
    scope: Scope,
    platform: str,
    now: datetime,
    policy: Policy,
    not_after: datetime | None = None,
) -> wire.Session:
    """A new session, as the client is given it (the one time its token is seen); it ends after
    the policy's session time, or at ``not_after`` if that comes first (a temporary passcode's
    session never outlives what the passcode allows)."""
    token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
    expires_at = now + policy.session_ttl
    if not_after is not None:
        expires_at = min(expires_at, not_after)
    _INSERT_SESSION.rowcount(
        connection,
        token_hash=token_hash(token),
        user_id=user_id,
        device_id=device_id,
        scope=scope.value,
        platform=platform,
        created_at=now,
        expires_at=expires_at,
    )
    return wire.Session(token=token, expires_at=expires_at, scope=scope)


def unauthorized() -> ApiError:
    return ApiError(ErrorCode.UNAUTHORIZED, "Your session has ended. Log in again.")


def find_session(session: Session, token: str | None, now: datetime) -> SessionToken:
    """The live session for a bearer token; ``unauthorized()`` for anything else."""
    if not token or len(token) > 128:
        raise unauthorized()
    return live_session(session, token_hash(token), now)


def live_session(
    session: Session, hashed: str, now: datetime, *, lock: bool = False
) -> SessionToken:
    """The session stored under ``hashed`` if it is still live (locked for this transaction with
    ``lock``); ``unauthorized()`` otherwise."""
    row = session.get(SessionToken, hashed, with_for_update=lock)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise unauthorized()
    return row


def revoke(session: Session, token: str | None, now: datetime) -> None:
    """End a session; an unknown or already-ended token is not an error (logout is idempotent)."""
    if not token or len(token) > 128:
        return
    row = session.get(SessionToken, token_hash(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now


def prune(session: Session, now: datetime) -> None:
    session.execute(delete(SessionToken).where(SessionToken.expires_at < now))
