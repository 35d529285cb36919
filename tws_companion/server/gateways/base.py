"""The gateway interface and its error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from tws_companion.storage.outbox import SecurityCode

__all__ = ["Gateway", "GatewayError"]


@runtime_checkable
class Gateway(Protocol):
    """Delivers a text (holding a one-time code) to a phone number, by SMS or by a voice call.

    Implementations raise :class:`GatewayError` when the message cannot be delivered. They never
    put ``text`` into exception messages, log records or their repr.
    """

    def send_sms(self, to: str, text: str, *, security_code: SecurityCode | None = None) -> None:
        """Send ``text`` by SMS to ``to`` (E.164, e.g. ``+15551234567``).

        ``security_code``: what ``text`` holds when it carries a one-time code (the code and how
        long it is valid), for a gateway that shows it in another form; the text says it all.
        """
        ...

    def place_voice_call(
        self, to: str, text: str, *, security_code: SecurityCode | None = None
    ) -> None:
        """Call ``to`` and read ``text`` aloud (``security_code`` as for :meth:`send_sms`).

        Lines of ``text`` (separated by newlines) are read with a short pause between them, so a
        caller that wants the code read twice passes it on two lines.
        """
        ...


class GatewayError(Exception):
    """A message could not be delivered.

    ``str(error)`` is safe to show a user: it explains what went wrong and what to do, and never
    contains the message text (which holds a one-time code) or credentials.
    """
