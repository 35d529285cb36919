"""What a :class:`~tws_companion.client.login_machine.LoginMachine` tells its observers: the
:class:`LoginEvent`, one for each thing that happened in a login, with no secret in it (no
password, code, response, token, challenge value or phone number; an SMS or voice destination only
by its last two digits).

A module of its own, loaded with the first observer (the login traces, after the login window's
first paint): making this dataclass costs a few milliseconds, which the window's first paint does
not wait for. ``LoginEvent`` may still be imported from ``login_machine``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tws_companion.client.login_machine import LoginEventKind, Phase, ServerCall
    from tws_companion.protocol import ChallengeType, Channel, Platform

__all__ = ["LoginEvent"]


@dataclass(frozen=True, slots=True)
class LoginEvent:
    """One thing that happened in a login, with no secret in it (see the module's docstring).

    ``phase`` is the phase the event led to; ``at`` the machine's monotonic clock. The other
    fields are set where they apply, else ``None`` (or empty).
    """

    kind: LoginEventKind
    phase: Phase
    at: float
    platform: Platform
    #: The kind of the device chosen (by the user or the server), e.g. ``sms``.
    device_kind: str | None = None
    #: The kinds of the devices the server offered (the M2FS drop-down), in its order.
    device_kinds: tuple[str, ...] = ()
    challenge_type: ChallengeType | None = None
    channel: Channel | None = None
    #: The last two digits of the (masked) phone number a code was sent to.
    phone_tail: str | None = None
    #: Seconds the challenge stays valid, as the server said.
    challenge_expires_in: int | None = None
    #: The server's error code (a known :class:`ErrorCode` value or a newer server's word).
    error_code: str | None = None
    http_status: int | None = None
    #: Seconds the server said to wait (a lockout, a new code asked for too early).
    retry_after: int | None = None
    attempts_left: int | None = None
    attempts_before_lock: int | None = None
    #: The type of a failure that is not the server's answer (``ServerUnreachable``, ...).
    failure: str | None = None
    #: The scope of the session of a successful login.
    scope: str | None = None
    #: The call a ``request`` event announces.
    request: ServerCall | None = None
