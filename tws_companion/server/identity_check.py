"""Identity checks for sensitive tasks ("How to verify your identity using your Secure Login
Device"), and the approvals they give.

An identity check is a login transaction with a purpose (:class:`Purpose`), served by
:mod:`login_flow`: the same password check (throttles, an unknown user name answered like a wrong
password, on the same timing path), the same challenges, wrong-response counts, expiry and
device locks. It offers only the devices that verify an identity with a challenge and a response
(:data:`VERIFYING_KINDS`), and ends with an approval instead of a session: a random token, stored
as its SHA-256 like a session token, valid once (:func:`use_approval`), for its purpose only, for
:data:`APPROVAL_TTL`.

Which devices verify an identity: the seed names IB Key (iOS and Android) and DSC+, the issue
adds the Security Code Card; the legacy DSC, gold and platinum cards (no longer issued, still
working, with their withdrawal limits in DESIGN.md section 3) answer a challenge as DSC+ does and
are offered too. SMS is not: the seed's check is "the Challenge Code/Response String method",
and a code sent to a phone proves the phone, not the device. Temporary devices (temporary
passcode, Online Security Code Card) never are: they allow no withdrawal and block sharing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tws_companion.protocol import ChallengeType, ErrorCode, Platform
from tws_companion.protocol.models import ChallengeStep, LoginStart
from tws_companion.protocol.security import Approval, Purpose, VerifyDone
from tws_companion.server import login_flow
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Approval as ApprovalRow
from tws_companion.server.db import Device, Login
from tws_companion.server.errors import ApiError
from tws_companion.server.sessions import token_hash
from tws_companion.sls.devices import DEVICE_SPECS

__all__ = [
    "APPROVAL_TTL",
    "VERIFYING_KINDS",
    "open_check",
    "respond",
    "select_device",
    "use_approval",
]

#: How long an approval may be used after the identity check that gave it.
APPROVAL_TTL = timedelta(minutes=5)
#: Random bytes in an approval token (43 URL-safe characters).
APPROVAL_TOKEN_BYTES = 32
#: Identity checks are Client Portal tasks in the seed: the devices' rules for that platform.
CHECK_PLATFORM = Platform.PORTAL
#: The device kinds that verify an identity: permanent devices answered with a challenge.
VERIFYING_KINDS = frozenset(
    kind.value
    for kind, spec in DEVICE_SPECS.items()
    if spec.challenge in (ChallengeType.OCRA, ChallengeType.INDICES) and not spec.temporary
)

APPROVAL_INVALID = "This approval is not valid. Verify your identity again."
APPROVAL_USED = "This approval was already used. Verify your identity again."
APPROVAL_EXPIRED = "This approval has expired. Verify your identity again."
APPROVAL_WRONG_PURPOSE = "This approval was given for another task. Verify your identity again."


def open_check(
    ctx: ServerContext, user_id: int, purpose: Purpose, source: str, now: datetime
) -> LoginStart:
    """``POST /verify`` after a correct password: the devices that can verify the identity
    (with one, its challenge at once)."""
    return login_flow.open_login(
        ctx, user_id, CHECK_PLATFORM, source, now, purpose=purpose.value, kinds=VERIFYING_KINDS
    )


def select_device(
    ctx: ServerContext, check_id: str, device_id: str, now: datetime
) -> ChallengeStep:
    """``POST /verify/{id}/device``: one of the check's devices, and its challenge."""
    return login_flow.select_device(ctx, check_id, device_id, now, kinds=VERIFYING_KINDS)


def respond(ctx: ServerContext, check_id: str, response: str, now: datetime) -> VerifyDone:
    """``POST /verify/{id}/respond``: the response checked as a login's; the approval."""

    def approve(c: Connection, check: Login, device: Device) -> VerifyDone:
        return VerifyDone(approval=_issue(ctx, c, check, device, now))

    return login_flow.verify_response(ctx, check_id, response, now, approve)


def _issue(
    ctx: ServerContext, c: Connection, check: Login, device: Device, now: datetime
) -> Approval:
    """A new approval for the check's purpose (the one time its token is seen); the user's
    approvals expired for longer than :data:`login_flow.EXPIRED_APPROVAL_KEPT` go."""
    assert check.purpose is not None  # verify_response serves identity checks only
    token = secrets.token_urlsafe(APPROVAL_TOKEN_BYTES)
    expires_at = now + APPROVAL_TTL
    c.execute(
        delete(ApprovalRow).where(
            ApprovalRow.user_id == check.user_id,
            ApprovalRow.expires_at < now - login_flow.EXPIRED_APPROVAL_KEPT,
        )
    )
    c.execute(
        insert(ApprovalRow).values(
            token_hash=token_hash(token),
            user_id=check.user_id,
            purpose=check.purpose,
            device_id=device.id,
            device_kind=device.kind,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return Approval(
        token=token,
        expires_at=expires_at,
        device_kind=device.kind,
        purpose=Purpose(check.purpose),
    )


def use_approval(
    s: Session, token: str, purpose: Purpose, now: datetime, *, user_id: int | None = None
) -> ApprovalRow:
    """The approval ``token`` names, now used (in ``s``'s transaction: a refusal later in it
    rolls the use back), if it was given to ``user_id`` (when given).

    :raises ApiError: ``approval_invalid`` (unknown, or another user's),
        ``approval_wrong_purpose``, ``approval_used``, ``approval_expired``; in that order, so
        an approval for another task is never used up.
    """
    row = s.get(ApprovalRow, token_hash(token), with_for_update=True)
    if row is None or (user_id is not None and row.user_id != user_id):
        raise ApiError(ErrorCode.APPROVAL_INVALID, APPROVAL_INVALID)
    if row.purpose != purpose.value:
        raise ApiError(ErrorCode.APPROVAL_WRONG_PURPOSE, APPROVAL_WRONG_PURPOSE)
    if row.used_at is not None:
        raise ApiError(ErrorCode.APPROVAL_USED, APPROVAL_USED)
    if now >= row.expires_at:
        raise ApiError(ErrorCode.APPROVAL_EXPIRED, APPROVAL_EXPIRED)
    row.used_at = now
    return row
