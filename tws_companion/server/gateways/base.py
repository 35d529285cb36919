"""The gateway interface and its error."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["Gateway", "GatewayError"]


@runtime_checkable
class Gateway(Protocol):
    """Delivers a text (holding a one-time code) to a phone number, by SMS or by a voice call.

    Implementations raise :class:`GatewayError` when the message cannot be delivered. They never
    put ``text`` into exception messages, log records or their repr.
    """

    def send_sms(self, to: str, text: str) -> None:
        """Send ``text`` by SMS to ``to`` (E.164, e.g. ``+15551234567``)."""
        ...

    def place_voice_call(self, to: str, text: str) -> None:
        """Call ``to`` and read ``text`` aloud.

        Lines of ``text`` (separated by newlines) are read with a short pause between them, so a
        caller that wants the code read twice passes it on two lines.
        """
        ...


class GatewayError(Exception):
    """A message could not be delivered.

    ``str(error)`` is safe to show a user: it explains what went wrong and what to do, and never
    contains the message text (which holds a one-time code) or credentials.
    """
