"""Sharing a security device between user names (KB2481, "How to Share a Security Device").

The requesting user, logged in, sends an approval for ``share_device`` obtained with the device
owner's user name, password and the shared device's response (``POST /verify``). The rules of
:func:`tws_companion.sls.sharing.check_sharing` decide, on the users' identity fields (``users.
identity``: entity, date of birth, citizenship, country of residence, identification document)
and the devices both hold (besides the shared one; revoked devices and temporary ones past their
validity do not count): a refusal is the seed's error ("Less secure device", "Different
identification information") or a temporary device held.

Compliance approval (the seed's note a): users of the same entity are approved at once; users of
different entities whose identification data are identical need compliance, and their request
stays ``pending`` until ``admin approve-sharing ID`` (or ``refuse-sharing ID``). An approved
request makes the device one of the requester's login devices (``accounts.login_devices``): the
M2FS drop-down offers it, and it answers the requester's identity checks.

IB Key is never shared this way: the seed sends its users to IBKR Mobile's "Add user".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tws_companion.protocol import DeviceStatus, ErrorCode, Scope
from tws_companion.protocol.security import DeviceShare, DeviceShares, Purpose, ShareStatus
from tws_companion.server import accounts, identity_check, sessions
from tws_companion.server.account_errors import AccountError
from tws_companion.server.authenticators import Usability, usability
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, SessionToken, User
from tws_companion.server.db import DeviceShare as ShareRow
from tws_companion.server.errors import ApiError
from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.sharing import Identity, SharingError, check_sharing

__all__ = [
    "ShareListing",
    "decide",
    "list_all",
    "list_mine",
    "needs_compliance",
    "request_share",
]

NEEDS_FULL_SCOPE = "Log in with a permanent security device to share a device."
OWN_DEVICE = "This device is already yours: log in as the user who should share it."
IB_KEY_NOT_SHARED = (
    "IB Key is not shared this way: add the user in IBKR Mobile (Authenticate > Add user)."
)
NOT_THE_OWNERS = (
    "Only the user a device belongs to can share it: verify with that user's name and password."
)
ALREADY_REQUESTED = "This device is already shared with you, or your request is pending."
_REFUSALS = {
    SharingError.LESS_SECURE_DEVICE: ErrorCode.LESS_SECURE_DEVICE,
    SharingError.DIFFERENT_IDENTIFICATION: ErrorCode.DIFFERENT_IDENTIFICATION,
    SharingError.TEMPORARY_DEVICE_ASSIGNED: ErrorCode.TEMPORARY_DEVICE_ASSIGNED,
}
#: Requests that still hold (a refused one may be made again).
_OPEN = (ShareStatus.PENDING.value, ShareStatus.APPROVED.value)


def identity_of(user: User) -> Identity:
    """The user's identity fields, as the sharing rules read them."""
    fields: dict[str, Any] = user.identity or {}
    return Identity(**{name: fields.get(name) for name in accounts.IDENTITY_FIELDS})


def needs_compliance(owner: Identity, requester: Identity) -> bool:
    """Whether a request the rules allow waits for compliance: the users are of different
    entities (or one has none), the same person only by their identification data."""
    return not (owner.entity_id and owner.entity_id == requester.entity_id)


def _held_kinds(
    ctx: ServerContext, s: Session, users: tuple[User, ...], shared: Device, now: datetime
) -> list[DeviceKind]:
    """The kinds of the devices the users hold now, besides the shared one."""
    kinds = []
    for user in users:
        for device in accounts.login_devices(s, user):
            if device.id == shared.id or device.status is DeviceStatus.REVOKED:
                continue
            if usability(ctx, device, identity_check.CHECK_PLATFORM, now) is Usability.EXPIRED:
                continue
            kinds.append(DeviceKind(device.kind))
    return kinds


def request_share(ctx: ServerContext, row: SessionToken, approval: str) -> DeviceShare:
    """``POST /me/device-shares``: share the device that answered the owner's identity check
    with the session's user, approved at once or pending compliance; or the rules' refusal."""
    if row.scope != Scope.FULL.value:
        raise ApiError(ErrorCode.SCOPE_DENIED, NEEDS_FULL_SCOPE)
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        row = sessions.live_session(s, row.token_hash, now, lock=True)
        requester = s.get(User, row.user_id, with_for_update=True)
        if requester is None:
            raise sessions.unauthorized()
        used = identity_check.use_approval(s, approval, Purpose.SHARE_DEVICE, now)
        owner = s.get(User, used.user_id)
        device = s.get(Device, used.device_id)
        if owner is None or device is None:  # removed since the check (the approval goes too)
            raise ApiError(ErrorCode.APPROVAL_INVALID, identity_check.APPROVAL_INVALID)
        if owner.id == requester.id:
            raise ApiError(ErrorCode.SHARE_NOT_NEEDED, OWN_DEVICE)
        if device.user_id != owner.id:  # a device shared with the owner is not theirs to share
            raise ApiError(ErrorCode.SHARE_NOT_NEEDED, NOT_THE_OWNERS)
        if device.kind == DeviceKind.IB_KEY.value:
            raise ApiError(ErrorCode.SHARE_NOT_NEEDED, IB_KEY_NOT_SHARED)
        if _open_request(s, requester.id, device.id) is not None:
            raise ApiError(ErrorCode.SHARE_NOT_NEEDED, ALREADY_REQUESTED)
        owner_identity, requester_identity = identity_of(owner), identity_of(requester)
        refusal = check_sharing(
            owner_identity,
            requester_identity,
            DeviceKind(device.kind),
            _held_kinds(ctx, s, (owner, requester), device, now),
        )
        if refusal is not None:
            raise ApiError(_REFUSALS[refusal], refusal.value)
        status = (
            ShareStatus.PENDING
            if needs_compliance(owner_identity, requester_identity)
            else ShareStatus.APPROVED
        )
        share = ShareRow(
            requester_id=requester.id,
            owner_id=owner.id,
            device_id=device.id,
            status=status.value,
            created_at=now,
            decided_at=now if status is ShareStatus.APPROVED else None,
        )
        s.add(share)
        s.flush()
        return _out(share, device, owner)


def _open_request(s: Session, requester_id: int, device_id: str) -> ShareRow | None:
    return s.scalar(
        select(ShareRow).where(
            ShareRow.requester_id == requester_id,
            ShareRow.device_id == device_id,
            ShareRow.status.in_(_OPEN),
        )
    )


def _out(share: ShareRow, device: Device, owner: User) -> DeviceShare:
    return DeviceShare(
        share_id=share.id,
        status=ShareStatus(share.status),
        device_id=device.id,
        device_kind=device.kind,
        device_label=device.label,
        owner=owner.username,
        created_at=share.created_at,
        decided_at=share.decided_at,
    )


def _listed(s: Session, *where: Any) -> list[tuple[ShareRow, Device, User, str]]:
    requester = User.__table__.alias("requester")
    query = (
        select(ShareRow, Device, User, requester.c.username)
        .join(Device, Device.id == ShareRow.device_id)
        .join(User, User.id == ShareRow.owner_id)
        .join(requester, requester.c.id == ShareRow.requester_id)
        .where(*where)
        .order_by(ShareRow.created_at.desc(), ShareRow.id.desc())
    )
    return [(share, device, owner, name) for share, device, owner, name in s.execute(query)]


def list_mine(ctx: ServerContext, row: SessionToken) -> DeviceShares:
    """``GET /me/device-shares``: the session user's requests, newest first."""
    with ctx.db.read() as s:
        found = _listed(s, ShareRow.requester_id == row.user_id)
        return DeviceShares(
            shares=tuple(_out(share, device, owner) for share, device, owner, _ in found)
        )


@dataclass(frozen=True, slots=True)
class ShareListing:
    """A sharing request as ``admin list-sharing`` prints it."""

    share_id: int
    status: str
    requester: str
    owner: str
    device_id: str
    device_kind: str
    created_at: datetime


def list_all(ctx: ServerContext, *, pending_only: bool = False) -> list[ShareListing]:
    """Every sharing request (or the pending ones), newest first."""
    where = [ShareRow.status == ShareStatus.PENDING.value] if pending_only else []
    with ctx.db.read() as s:
        return [
            ShareListing(
                share.id,
                share.status,
                requester,
                owner.username,
                device.id,
                device.kind,
                share.created_at,
            )
            for share, device, owner, requester in _listed(s, *where)
        ]


def decide(ctx: ServerContext, share_id: int, *, approve: bool) -> ShareListing:
    """Compliance's decision on a pending request (``admin approve-sharing`` /
    ``refuse-sharing``)."""
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        share = s.get(ShareRow, share_id, with_for_update=True)
        if share is None:
            raise AccountError(f"no sharing request {share_id}")
        if share.status != ShareStatus.PENDING.value:
            raise AccountError(f"sharing request {share_id} is {share.status}, not pending")
        share.status = (ShareStatus.APPROVED if approve else ShareStatus.REFUSED).value
        share.decided_at = now
        s.flush()
    [listing] = [found for found in list_all(ctx) if found.share_id == share_id]
    return listing
