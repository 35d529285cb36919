"""Device secrets at rest: sealed with the server's master key, bound to the device's id.

An OCRA key, a code card (JSON) or a temporary-passcode digest is the device's secret; a PIN is
sealed too, because OCRA feeds the PIN itself into the response and it cannot be hashed.
"""

from __future__ import annotations

import hashlib
import hmac

from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device
from tws_companion.sls import code_card, temporary

__all__ = [
    "device_card",
    "device_pin",
    "device_secret",
    "passcode_digest",
    "seal_pin",
    "seal_secret",
]


def _secret_context(device: Device) -> str:
    return f"device-secret:{device.id}"


def _pin_context(device: Device) -> str:
    return f"device-pin:{device.id}"


def seal_secret(ctx: ServerContext, device: Device, secret: bytes) -> None:
    """Store ``secret`` (OCRA key, card, passcode digest) encrypted on ``device``."""
    device.secret_enc = ctx.master_key.encrypt(secret, _secret_context(device))


def seal_pin(ctx: ServerContext, device: Device, pin: str) -> None:
    """Store the device PIN encrypted on ``device``."""
    device.pin_enc = ctx.master_key.encrypt(pin.encode(), _pin_context(device))


def device_secret(ctx: ServerContext, device: Device) -> bytes:
    """The device's secret; ``LookupError`` for a device that has none."""
    if device.secret_enc is None:
        raise LookupError(f"device {device.id} has no secret")
    return ctx.master_key.decrypt(device.secret_enc, _secret_context(device))


def device_pin(ctx: ServerContext, device: Device) -> str | None:
    if device.pin_enc is None:
        return None
    return ctx.master_key.decrypt(device.pin_enc, _pin_context(device)).decode()


def device_card(ctx: ServerContext, device: Device) -> code_card.CodeCard:
    return code_card.card_from_json(device_secret(ctx, device).decode())


def passcode_digest(ctx: ServerContext, passcode: str) -> str:
    """HMAC-SHA256 of a normalised temporary passcode under the server's passcode key."""
    normalized = temporary.normalize_passcode(passcode).encode()
    return hmac.new(ctx.passcode_key, normalized, hashlib.sha256).hexdigest()
