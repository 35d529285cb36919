"""The Digital Security Card+: the user keys the card's PIN, then the 6-digit challenge, and types
the card's 8-digit response (OCRA ``QN06-PSHA1``, DESIGN.md section 3)."""

from __future__ import annotations

from tws_companion.server.authenticators.ocra_device import OcraDevice
from tws_companion.sls.devices import DeviceKind


class DscPlus(OcraDevice):
    """The highest security level; its PIN is exactly 4 digits (``sls.pins``)."""

    def __init__(self) -> None:
        super().__init__(DeviceKind.DSC_PLUS)
