"""Pick the SMS and voice gateway from its name and the environment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from tws_companion.server.gateways.base import Gateway
from tws_companion.server.gateways.outbox import OutboxGateway
from tws_companion.server.gateways.twilio_gateway import TwilioGateway

__all__ = ["GATEWAY_NAMES", "TWILIO_ENV_OPTIONAL", "TWILIO_ENV_REQUIRED", "load_gateway"]

GATEWAY_NAMES: Final = ("outbox", "twilio")

TWILIO_ENV_REQUIRED: Final = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")
TWILIO_ENV_OPTIONAL: Final = ("TWILIO_API_BASE",)


def load_gateway(name: str, *, data_dir: Path, env: Mapping[str, str]) -> Gateway:
    """The gateway called ``name`` (one of :data:`GATEWAY_NAMES`).

    ``"outbox"`` writes into ``data_dir / "outbox"``. ``"twilio"`` reads ``TWILIO_ACCOUNT_SID``,
    ``TWILIO_AUTH_TOKEN``, ``TWILIO_FROM_NUMBER`` and optionally ``TWILIO_API_BASE`` from ``env``.
    Raises :class:`ValueError` for an unknown name or a missing (or empty) variable; the message
    names the variable, never a value.
    """
    key = name.strip().lower()
    if key == "outbox":
        return OutboxGateway(Path(data_dir) / "outbox")
    if key == "twilio":
        missing = [var for var in TWILIO_ENV_REQUIRED if not env.get(var, "").strip()]
        if missing:
            plural = len(missing) > 1
            raise ValueError(
                f"The twilio gateway needs the environment variable{'s' if plural else ''} "
                f"{', '.join(missing)}, which {'are' if plural else 'is'} not set."
            )
        api_base = env.get("TWILIO_API_BASE", "").strip() or None
        return TwilioGateway(
            account_sid=env["TWILIO_ACCOUNT_SID"].strip(),
            auth_token=env["TWILIO_AUTH_TOKEN"].strip(),
            from_number=env["TWILIO_FROM_NUMBER"].strip(),
            api_base=api_base,
        )
    raise ValueError(
        f"Unknown SMS/voice gateway {name!r}; valid names are: {', '.join(GATEWAY_NAMES)}."
    )
