"""Device simulators, so anyone can log in without hardware (demo and support).

The widgets live in the submodules, each importing Qt:

- :mod:`.dsc_plus` - ``DscPlusSimulator``, the Digital Security Card+ with its keypad;
- :mod:`.ib_key` - ``IbKeySimulator``, the IB Key app on an Android or iOS phone (one user's, or
  several users' as IBKR Mobile holds them);
- :mod:`.code_card` - ``CodeCardViewer``, a Security Code Card on screen and printed to PDF;
- :mod:`.phone` - ``PhoneWindow``, the SMS and voice calls of the development gateways' outbox.

This package itself holds plain data only (no Qt), so it can be imported anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SimulatedOcraDevice", "owned_label"]


def owned_label(label: str, user: str) -> str:
    """A device's label naming the user it belongs to: ``"IB Key (solo)"``; ``label`` alone when
    the user is not known."""
    return f"{label} ({user})" if user else label


@dataclass(frozen=True)
class SimulatedOcraDevice:
    """What a simulated OCRA device (DSC+ or IB Key) holds: its label, its key and its PIN, and
    the name of the user it belongs to ("" where that does not matter).

    ``secret`` and ``pin`` are secrets: they are left out of the repr.
    """

    label: str
    secret: bytes = field(repr=False)
    pin: str = field(repr=False)
    user: str = ""

    @property
    def shown_label(self) -> str:
        """The label with the user it belongs to, as the simulators show it."""
        return owned_label(self.label, self.user)
