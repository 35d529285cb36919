"""What the demo simulates (:class:`DemoDevices`), for the app's simulator windows.

A module of its own: the login window's first paint does not wait for this dataclass to be made.
``DemoDevices`` may still be imported from ``gui.app``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from tws_companion.gui.simulators import SimulatedOcraDevice
    from tws_companion.sls.code_card import CodeCard

__all__ = ["DemoDevices"]


@dataclass
class DemoDevices:
    """What the demo simulates: hardware tokens, a printed card, and the user's phone."""

    dsc_plus: SimulatedOcraDevice | None = None
    #: One IB Key, or one per user: the IB Key simulator then holds them all, as IBKR Mobile does.
    ib_key: SimulatedOcraDevice | Sequence[SimulatedOcraDevice] | None = None
    card_label: str = ""
    card: CodeCard | None = field(default=None, repr=False)
    outbox: Path | None = None
    phone: str | None = None
