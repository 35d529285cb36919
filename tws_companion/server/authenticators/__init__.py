"""The authenticators: the server side of each device kind, one module each, registered in one
table keyed by :class:`~tws_companion.sls.devices.DeviceKind` (see :mod:`.base` for the override
points every one of them has)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from tws_companion.server.authenticators.base import (
    Authenticator,
    Enrolled,
    Enrolment,
    PendingDelivery,
    SessionTerms,
    Usability,
    unusable,
    wrong_answer_refusal,
)
from tws_companion.server.authenticators.code_card import CodeCardDevice
from tws_companion.server.authenticators.dsc_plus import DscPlus
from tws_companion.server.authenticators.ib_key import IbKey
from tws_companion.server.authenticators.ocra_device import OcraDevice
from tws_companion.server.authenticators.online_card import OnlineCard
from tws_companion.server.authenticators.sms import SmsDevice
from tws_companion.server.authenticators.temporary_passcode import TemporaryPasscode
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device
from tws_companion.sls.devices import DeviceKind

__all__ = [
    "AUTHENTICATORS",
    "Authenticator",
    "Enrolled",
    "Enrolment",
    "PendingDelivery",
    "SessionTerms",
    "Usability",
    "authenticator_for",
    "unusable",
    "usability",
    "wrong_answer_refusal",
]

#: Every device kind's authenticator.
AUTHENTICATORS: Mapping[DeviceKind, Authenticator] = MappingProxyType(
    {
        DeviceKind.DSC_PLUS: DscPlus(),
        DeviceKind.IB_KEY: IbKey(),
        DeviceKind.CODE_CARD: CodeCardDevice(),
        DeviceKind.SMS: SmsDevice(),
        DeviceKind.TEMPORARY: TemporaryPasscode(),
        DeviceKind.ONLINE_CARD: OnlineCard(),
        DeviceKind.DSC: OcraDevice(DeviceKind.DSC),
        DeviceKind.GOLD: OcraDevice(DeviceKind.GOLD),
        DeviceKind.PLATINUM: OcraDevice(DeviceKind.PLATINUM),
    }
)


def authenticator_for(kind: DeviceKind | str) -> Authenticator:
    """The authenticator of ``kind``; ``ValueError`` for a name that is not a device kind."""
    return AUTHENTICATORS[DeviceKind(kind)]


def usability(ctx: ServerContext, device: Device, platform: str, now: datetime) -> Usability:
    """Whether ``device`` may log in on ``platform`` at ``now``, and if not, why."""
    return authenticator_for(device.kind).usability(ctx, device, platform, now)
