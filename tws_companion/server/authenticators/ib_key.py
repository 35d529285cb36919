"""IB Key, the mobile authenticator of IBKR Mobile: the 8-digit challenge and the PIN (Android) or
Touch/Face ID (iOS, the PIN kept in the phone's secure store) give the response (OCRA
``QN08-PSHA1``, the suite of RFC 6287's test vectors; DESIGN.md section 3)."""

from __future__ import annotations

from tws_companion.server.authenticators.ocra_device import OcraDevice
from tws_companion.sls.devices import DeviceKind


class IbKey(OcraDevice):
    """Its PIN has 4 to 6 characters: letters, digits and symbols (``sls.pins``)."""

    def __init__(self) -> None:
        super().__init__(DeviceKind.IB_KEY)
