"""Faults a scenario declares for support: messages that never arrive, arrive late, or are refused.

A support engineer reproducing "the SMS never came" or "the voice call came too late" loads a
scenario whose ``[faults]`` table says so (DESIGN.md sections 1 and 5)::

    [faults]
    sms = "lost"                # "delivered" (the default), "lost" or "refused"
    voice = "delivered"
    voice_delay_seconds = 90    # delivered, but this late
    sms_delay_seconds = 0

"lost": the provider accepts the message and it never reaches the phone (the server answers as if
it were sent). "refused": the provider refuses it (the server answers ``gateway_unavailable``,
as for a provider that is down). A delay hands the message to the real gateway that many seconds
after the server answered, on a timer thread.

:class:`FaultyGateway` applies them around the configured gateway. Faults for a user's own state
(failed logins before a lockout, a device's wrong responses before it locks) are keys of the
scenario's users and devices instead (:mod:`tws_companion.server.scenario`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from tws_companion.protocol import Channel
from tws_companion.server.gateways.base import Gateway, GatewayError

if TYPE_CHECKING:
    from tws_companion.storage.outbox import SecurityCode

__all__ = ["Delivery", "Faults", "FaultyGateway", "with_faults"]

_log = logging.getLogger(__name__)

#: The longest delay a scenario may give a message (a day: anything longer is "lost").
MAX_DELAY_SECONDS: Final = 86_400.0


class Delivery(StrEnum):
    """What happens to a message of one channel."""

    DELIVERED = "delivered"
    LOST = "lost"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Faults:
    """The ``[faults]`` table of a scenario; the defaults are no fault at all."""

    sms: Delivery = Delivery.DELIVERED
    voice: Delivery = Delivery.DELIVERED
    sms_delay_seconds: float = 0.0
    voice_delay_seconds: float = 0.0

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Faults:
        """The faults of a ``[faults]`` table; ``ValueError`` saying which key is wrong."""
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise ValueError(
                f"unknown keys: {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})"
            )
        values: dict[str, Any] = {}
        for channel in ("sms", "voice"):
            if channel in data:
                values[channel] = _delivery(channel, data[channel])
            key = f"{channel}_delay_seconds"
            if key in data:
                values[key] = _delay(key, data[key])
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The table again (what differs from no fault), e.g. for a worker's configuration."""
        found: dict[str, Any] = {}
        for channel in ("sms", "voice"):
            delivery: Delivery = getattr(self, channel)
            if delivery is not Delivery.DELIVERED:
                found[channel] = delivery.value
            delay: float = getattr(self, f"{channel}_delay_seconds")
            if delay:
                found[f"{channel}_delay_seconds"] = delay
        return found

    @property
    def any(self) -> bool:
        """Whether any message is lost, refused or late."""
        return bool(self.to_mapping())

    def delivery(self, channel: Channel) -> Delivery:
        return self.voice if channel is Channel.VOICE else self.sms

    def delay(self, channel: Channel) -> float:
        return self.voice_delay_seconds if channel is Channel.VOICE else self.sms_delay_seconds


_KEYS: Final = frozenset({"sms", "voice", "sms_delay_seconds", "voice_delay_seconds"})


def _delivery(key: str, value: object) -> Delivery:
    try:
        return Delivery(value) if isinstance(value, str) else Delivery("?")
    except ValueError:
        choices = ", ".join(f'"{item.value}"' for item in Delivery)
        raise ValueError(f"{key} must be one of {choices}, not {value!r}") from None


def _delay(key: str, value: object) -> float:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not 0 <= number <= MAX_DELAY_SECONDS:
        raise ValueError(
            f"{key} must be a number of seconds from 0 to {MAX_DELAY_SECONDS:g}, not {value!r}"
        )
    return float(number)


#: Starts ``function`` after ``seconds`` on another thread (a test may run it at once).
Scheduler = Callable[[float, Callable[[], None]], None]


def _timer_thread(seconds: float, function: Callable[[], None]) -> None:
    timer = threading.Timer(seconds, function)
    timer.daemon = True
    timer.start()


class FaultyGateway:
    """``inner`` with the ``faults`` applied: messages dropped, refused or handed over late."""

    def __init__(self, inner: Gateway, faults: Faults, *, schedule: Scheduler = _timer_thread):
        self._inner = inner
        self._faults = faults
        self._schedule = schedule

    @property
    def inner(self) -> Gateway:
        return self._inner

    def __repr__(self) -> str:
        return f"FaultyGateway({self._inner!r}, {self._faults!r})"

    def send_sms(self, to: str, text: str, *, security_code: SecurityCode | None = None) -> None:
        self._pass(Channel.SMS, lambda: self._inner.send_sms(to, text, security_code=security_code))

    def place_voice_call(
        self, to: str, text: str, *, security_code: SecurityCode | None = None
    ) -> None:
        self._pass(
            Channel.VOICE,
            lambda: self._inner.place_voice_call(to, text, security_code=security_code),
        )

    def _pass(self, channel: Channel, send: Callable[[], None]) -> None:
        delivery = self._faults.delivery(channel)
        name = "SMS" if channel is Channel.SMS else "voice call"
        if delivery is Delivery.REFUSED:
            _log.info("faults: %s refused, as the scenario says", name)
            provider = "SMS provider" if channel is Channel.SMS else "voice call provider"
            raise GatewayError(f"The {provider} is not available right now. Try again.")
        if delivery is Delivery.LOST:
            _log.info("faults: %s lost, as the scenario says", name)
            return
        delay = self._faults.delay(channel)
        if not delay:
            send()
            return
        _log.info("faults: %s delivered %g s late, as the scenario says", name, delay)
        self._schedule(delay, lambda: _send_late(name, send))


def _send_late(name: str, send: Callable[[], None]) -> None:
    try:
        send()
    except GatewayError as exc:  # nobody waits for it any more: the log says what happened
        _log.warning("faults: the late %s could not be delivered: %s", name, exc)


def with_faults(gateway: Gateway, faults: Faults) -> Gateway:
    """``gateway`` itself when there is no fault, else wrapped in a :class:`FaultyGateway`."""
    return FaultyGateway(gateway, faults) if faults.any else gateway
