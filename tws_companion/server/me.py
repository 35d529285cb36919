"""What a logged-in session may ask about its user: ``/me``, the settings key, the Online Security
Code Card.

- ``/me`` lists only the devices usable on the session's platform now (its own, then those shared
  with it), each with its status;
- the settings key needs a full-scope session (a temporary passcode past its first 2 days only
  prints the online card);
- the online card is printed after a temporary-passcode login, while that passcode still opens
  Client Portal (until day 8), and replaces any earlier card.

Each function takes the session row found by :func:`tws_companion.server.deps.current_session`
and runs one transaction.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tws_companion.protocol import ErrorCode, Platform, Scope
from tws_companion.protocol.models import Device as DeviceAnswer
from tws_companion.protocol.models import Me, OnlineCard, SettingsKey
from tws_companion.server import accounts, device_secrets, sessions
from tws_companion.server.authenticators import Usability, unusable, usability
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, SessionToken, User
from tws_companion.server.errors import ApiError
from tws_companion.sls.devices import DeviceKind

SETTINGS_KEY_NEEDS_FULL_SCOPE = (
    "A temporary passcode past its first 2 days can only print the Online Security Code Card."
)
ONLINE_CARD_NEEDS_TEMPORARY_PASSCODE = (
    "The Online Security Code Card is printed after a login with a temporary passcode."
)


def _user(s: Session, row: SessionToken) -> User:
    user = s.get(User, row.user_id)
    if user is None:  # deleted while the session was alive
        raise sessions.unauthorized()
    return user


def describe(ctx: ServerContext, row: SessionToken) -> Me:
    """``GET /me``: the user, the session's scope and end, the devices usable now."""
    now = ctx.clock.now()
    with ctx.db.read() as s:
        user = _user(s, row)
        devices = [
            DeviceAnswer.model_validate(device, from_attributes=True)
            for device in accounts.login_devices(s, user)  # shared ones too (KB2481)
            if usability(ctx, device, row.platform, now) is Usability.USABLE
        ]
        return Me(
            username=user.username,
            scope=Scope(row.scope),
            expires_at=row.expires_at,
            devices=tuple(devices),
        )


def settings_key(ctx: ServerContext, row: SessionToken) -> SettingsKey:
    """``GET /me/settings-key``: full scope only."""
    if row.scope != Scope.FULL.value:
        raise ApiError(ErrorCode.SCOPE_DENIED, SETTINGS_KEY_NEEDS_FULL_SCOPE)
    with ctx.db.read() as s:
        return SettingsKey.of(accounts.settings_key(ctx, _user(s, row)))


def print_online_card(ctx: ServerContext, row: SessionToken) -> OnlineCard:
    """``POST /me/online-card``: a new card, after a login with a temporary passcode that still
    opens Client Portal."""
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        # Checked again in this transaction: a session logged out since the request came in
        # prints nothing.
        row = sessions.live_session(s, row.token_hash, now, lock=True)
        device = s.get(Device, row.device_id)
        user = _user(s, row)
        if device is None or device.kind != DeviceKind.TEMPORARY.value:
            raise ApiError(ErrorCode.SCOPE_DENIED, ONLINE_CARD_NEEDS_TEMPORARY_PASSCODE)
        state = usability(ctx, device, Platform.PORTAL, now)
        if state is not Usability.USABLE:
            raise unusable(state)  # revoked, or past day 8 since it was issued
        card = accounts.issue_online_card(ctx, s, user)
        return OnlineCard(
            device_id=card.id,
            expires_at=card.issued_at + ctx.policy.online_card_validity,
            values=dict(device_secrets.device_card(ctx, card).values),
        )
