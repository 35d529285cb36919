"""The Online Security Code Card: printed from Client Portal after a temporary-passcode login,
answered like a Security Code Card, valid ``online_card_validity`` (21 days) from its issue."""

from __future__ import annotations

from datetime import datetime

from tws_companion.server.authenticators.base import SessionTerms, Usability
from tws_companion.server.authenticators.code_card import CodeCardDevice
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device
from tws_companion.sls import temporary
from tws_companion.sls.devices import DeviceKind


class OnlineCard(CodeCardDevice):
    """A temporary device: it expires, and its sessions end when it does."""

    def __init__(self) -> None:
        super().__init__(DeviceKind.ONLINE_CARD)

    def usability(
        self, ctx: ServerContext, device: Device, platform: str, now: datetime
    ) -> Usability:
        state = super().usability(ctx, device, platform, now)
        if state is Usability.USABLE and not temporary.online_card_valid(
            device.issued_at, now, ctx.policy
        ):
            return Usability.EXPIRED
        return state

    def session_terms(self, ctx: ServerContext, device: Device, now: datetime) -> SessionTerms:
        return SessionTerms(
            not_after=device.issued_at + ctx.policy.online_card_validity, permanent=False
        )
