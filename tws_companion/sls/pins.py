"""Device PINs: which PIN each device kind takes (DESIGN.md section 3).

A DSC+ PIN is exactly 4 ASCII digits. An IB Key (IBKR Mobile) PIN is 4 to 6 characters chosen at
activation: letters, digits and symbols (printable ASCII, no spaces). Other kinds take no PIN.
"""

from __future__ import annotations

from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.policy import (
    DSC_PLUS_PIN_DIGITS,
    IB_KEY_PIN_MAX_LENGTH,
    IB_KEY_PIN_MIN_LENGTH,
)
from tws_companion.sls.text_input import is_ascii_digits

__all__ = ["pin_problem", "pin_rule"]


def pin_rule(kind: DeviceKind) -> str:
    """What a PIN of ``kind`` must be, as a sentence for an error message."""
    if kind is DeviceKind.DSC_PLUS:
        return f"a {kind.value} PIN has exactly {DSC_PLUS_PIN_DIGITS} digits"
    if kind is DeviceKind.IB_KEY:
        return (
            f"an {kind.value} PIN has {IB_KEY_PIN_MIN_LENGTH} to {IB_KEY_PIN_MAX_LENGTH} "
            "characters: letters, digits or symbols, no spaces"
        )
    return f"a {kind.value} device takes no PIN"


def _is_printable_ascii(text: str) -> bool:
    return all("!" <= ch <= "~" for ch in text)


def pin_problem(kind: DeviceKind, pin: str | None) -> str | None:
    """``None`` when ``pin`` suits a device of ``kind``, else what is wrong (never the PIN)."""
    if kind is DeviceKind.DSC_PLUS:
        ok = pin is not None and len(pin) == DSC_PLUS_PIN_DIGITS and is_ascii_digits(pin)
    elif kind is DeviceKind.IB_KEY:
        ok = (
            pin is not None
            and IB_KEY_PIN_MIN_LENGTH <= len(pin) <= IB_KEY_PIN_MAX_LENGTH
            and _is_printable_ascii(pin)
        )
    else:
        ok = pin is None
    return None if ok else pin_rule(kind)
