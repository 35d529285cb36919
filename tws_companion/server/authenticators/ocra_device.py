"""Devices that answer a numeric challenge with an OCRA response (RFC 6287): the shared
authenticator of DSC+ and IB Key, and the authenticator of the legacy DSC, gold and platinum
devices (no longer issued; a challenge and a response, without a PIN)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from tws_companion.protocol import ChallengeType
from tws_companion.protocol.models import Challenge
from tws_companion.server import device_secrets
from tws_companion.server.account_errors import AccountError
from tws_companion.server.authenticators.base import (
    Authenticator,
    Enrolled,
    Enrolment,
    PendingDelivery,
    used_challenges,
)
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login, User
from tws_companion.server.device_secrets import seal_pin, seal_secret
from tws_companion.sls import ocra
from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.pins import pin_problem

#: How many fresh challenges to draw before accepting one the device has answered before.
CHALLENGE_DRAWS = 32
#: A generated OCRA key: 256 bits.
GENERATED_KEY_BYTES = 32
#: The shortest OCRA key accepted from provisioning.
MIN_KEY_BYTES = 16


def fresh_challenge(s: Session, device: Device, suite: str) -> str:
    """A new numeric challenge of ``suite`` that ``device`` has not answered lately (drawn again,
    up to :data:`CHALLENGE_DRAWS` times, while it is one of its used challenges): for a login and
    for a PIN change alike."""
    digits = ocra.challenge_digits(suite)
    used = used_challenges(s, device)
    challenge = ocra.new_numeric_challenge(digits)
    for _ in range(CHALLENGE_DRAWS):
        if challenge not in used:
            break
        challenge = ocra.new_numeric_challenge(digits)
    return challenge


class OcraDevice(Authenticator):
    """A challenge of the suite's length, valid ``challenge_ttl``; the response is the OCRA
    value of the device key (and the PIN, for suites that take one)."""

    def __init__(self, kind: DeviceKind) -> None:
        super().__init__(kind)
        if self.spec.ocra_suite is None:
            raise ValueError(f"a {kind.value} device has no OCRA suite")
        self.suite: str = self.spec.ocra_suite

    def enroll(
        self, ctx: ServerContext, device: Device, user: User, enrolment: Enrolment
    ) -> Enrolled:
        secret_hex = enrolment.secret_hex
        generated: str | None = None
        if secret_hex is None:
            secret_hex = generated = secrets.token_hex(GENERATED_KEY_BYTES)
        try:
            key = bytes.fromhex(secret_hex)
        except ValueError:
            raise AccountError("secret_hex must be hexadecimal") from None
        if len(key) < MIN_KEY_BYTES:
            raise AccountError(
                f"an OCRA secret must be at least {MIN_KEY_BYTES} bytes "
                f"({2 * MIN_KEY_BYTES} hex digits)"
            )
        problem = pin_problem(self.kind, enrolment.pin)
        if problem is not None:
            raise AccountError(problem)
        seal_secret(ctx, device, key)
        if enrolment.pin is not None:
            seal_pin(ctx, device, enrolment.pin)
        return Enrolled(generated_secret_hex=generated)

    def new_challenge(
        self, ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
    ) -> PendingDelivery | None:
        login.challenge = fresh_challenge(s, device, self.suite)
        login.challenge_expires_at = min(now + ctx.policy.challenge_ttl, login.expires_at)
        return None

    def challenge_out(
        self, ctx: ServerContext, login: Login, device: Device, now: datetime
    ) -> Challenge:
        return Challenge(
            type=ChallengeType.OCRA, code=login.challenge, expires_at=login.challenge_expires_at
        )

    def verify(self, ctx: ServerContext, login: Login, device: Device, response: str) -> bool:
        assert login.challenge is not None  # set with the device, by new_challenge
        return ocra.verify_response(
            self.suite,
            device_secrets.device_secret(ctx, device),
            login.challenge,
            response,
            pin=device_secrets.device_pin(ctx, device),
        )
