"""The Security Code Card: two index numbers shown, the user types the two values printed next to
them, without spaces (DESIGN.md section 3). The Online Security Code Card works the same way
(:mod:`.online_card`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tws_companion.protocol import ChallengeType
from tws_companion.protocol.models import Challenge
from tws_companion.server import device_secrets
from tws_companion.server.authenticators.base import (
    Authenticator,
    Enrolled,
    Enrolment,
    PendingDelivery,
    used_challenges,
)
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login, User
from tws_companion.server.device_secrets import seal_secret
from tws_companion.sls import code_card
from tws_companion.sls.devices import DeviceKind


def indices_key(indices: tuple[int, int]) -> str:
    """How a pair of card indices is stored as a login's challenge: ``"i,j"``."""
    return f"{indices[0]},{indices[1]}"


def parse_indices(key: str) -> tuple[int, int]:
    """The pair of card indices stored as ``key`` (see :func:`indices_key`)."""
    first, second = key.split(",")
    return int(first), int(second)


class CodeCardDevice(Authenticator):
    """A card of ``code_card_size`` values, stored encrypted; a pair of indices not asked in the
    last day is the challenge, valid ``challenge_ttl``."""

    def __init__(self, kind: DeviceKind = DeviceKind.CODE_CARD) -> None:
        super().__init__(kind)

    def enroll(
        self, ctx: ServerContext, device: Device, user: User, enrolment: Enrolment
    ) -> Enrolled:
        card = enrolment.card or code_card.generate_card(ctx.policy.code_card_size)
        seal_secret(ctx, device, code_card.card_to_json(card).encode())
        return Enrolled()

    def new_challenge(
        self, ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
    ) -> PendingDelivery | None:
        card = device_secrets.device_card(ctx, device)
        used = [parse_indices(key) for key in used_challenges(s, device)]
        login.challenge = indices_key(code_card.new_index_challenge(card.size, avoid=used))
        login.challenge_expires_at = min(now + ctx.policy.challenge_ttl, login.expires_at)
        return None

    def challenge_out(
        self, ctx: ServerContext, login: Login, device: Device, now: datetime
    ) -> Challenge:
        assert login.challenge is not None  # set with the device, by new_challenge
        return Challenge(
            type=ChallengeType.INDICES,
            indices=parse_indices(login.challenge),
            expires_at=login.challenge_expires_at,
        )

    def verify(self, ctx: ServerContext, login: Login, device: Device, response: str) -> bool:
        assert login.challenge is not None
        return code_card.verify_card_response(
            device_secrets.device_card(ctx, device), parse_indices(login.challenge), response
        )
