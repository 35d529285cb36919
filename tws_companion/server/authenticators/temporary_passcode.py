"""The temporary passcode issued by support: every platform for its first 2 days, then Client
Portal only, to print the Online Security Code Card, until day 8 (DESIGN.md section 3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tws_companion.protocol import ChallengeType, Platform, Scope
from tws_companion.protocol.models import Challenge
from tws_companion.server import device_secrets
from tws_companion.server.authenticators.base import (
    Authenticator,
    Enrolled,
    Enrolment,
    PendingDelivery,
    SessionTerms,
    Usability,
)
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login, User
from tws_companion.server.device_secrets import seal_secret
from tws_companion.sls import temporary
from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.text_input import secure_equals


class TemporaryPasscode(Authenticator):
    """Only an HMAC of the passcode is kept (encrypted); nothing is shown but the prompt, and the
    passcode may be typed until the login transaction ends."""

    def __init__(self) -> None:
        super().__init__(DeviceKind.TEMPORARY)

    def enroll(
        self, ctx: ServerContext, device: Device, user: User, enrolment: Enrolment
    ) -> Enrolled:
        passcode = temporary.normalize_passcode(
            enrolment.passcode
            or temporary.new_temporary_passcode(ctx.policy.temporary_passcode_length)
        )
        seal_secret(ctx, device, device_secrets.passcode_digest(ctx, passcode).encode())
        return Enrolled(passcode=passcode)

    def usability(
        self, ctx: ServerContext, device: Device, platform: str, now: datetime
    ) -> Usability:
        state = super().usability(ctx, device, platform, now)
        if state is not Usability.USABLE:
            return state
        access = temporary.temporary_passcode_access(device.issued_at, now, ctx.policy)
        if access is temporary.TemporaryAccess.EXPIRED:
            return Usability.EXPIRED
        if access is temporary.TemporaryAccess.PORTAL_PRINT_CARD and platform != Platform.PORTAL:
            return Usability.PORTAL_ONLY
        return Usability.USABLE

    def new_challenge(
        self, ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
    ) -> PendingDelivery | None:
        login.challenge = None
        login.challenge_expires_at = login.expires_at
        return None

    def challenge_out(
        self, ctx: ServerContext, login: Login, device: Device, now: datetime
    ) -> Challenge:
        return Challenge(type=ChallengeType.PASSCODE, expires_at=login.expires_at)

    def verify(self, ctx: ServerContext, login: Login, device: Device, response: str) -> bool:
        expected = device_secrets.device_secret(ctx, device).decode()
        return secure_equals(device_secrets.passcode_digest(ctx, response), expected)

    def session_terms(self, ctx: ServerContext, device: Device, now: datetime) -> SessionTerms:
        access = temporary.temporary_passcode_access(device.issued_at, now, ctx.policy)
        if access is temporary.TemporaryAccess.PORTAL_PRINT_CARD:
            return SessionTerms(
                scope=Scope.PRINT_ONLINE_CARD,
                not_after=device.issued_at + ctx.policy.temporary_portal_access,
                permanent=False,
            )
        return SessionTerms(
            not_after=device.issued_at + ctx.policy.temporary_full_access, permanent=False
        )
