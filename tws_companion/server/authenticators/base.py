"""The interface every authenticator implements, and what the login steps share across kinds.

An authenticator is the server side of one device kind (as privacyIDEA has a token class per
token type). Each has the same override points, called by :mod:`tws_companion.server.login_flow`:

- :meth:`Authenticator.enroll`: provisioning a new device (from ``accounts.add_device``);
- :meth:`Authenticator.usability`: whether a device may be used now (status, validity, platform);
- :meth:`Authenticator.new_challenge`: the challenge of a login, including sending a code;
- :meth:`Authenticator.resend`: "Request new code" (one-time codes only);
- :meth:`Authenticator.challenge_out`: what the client is shown;
- :meth:`Authenticator.check_answerable`: whether the latest challenge may still be answered;
- :meth:`Authenticator.verify`: whether a response is right;
- :meth:`Authenticator.session_terms`: what the session earned with the device may do.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from tws_companion.protocol import Channel, DeviceStatus, ErrorCode, Scope
from tws_companion.protocol.models import Challenge
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login, UsedChallenge, User
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.server.login_states import LoginState
from tws_companion.sls.code_card import CodeCard
from tws_companion.sls.devices import DeviceKind, DeviceSpec, spec
from tws_companion.sls.durations import plural


class Usability(Enum):
    """Whether a device may be used for a login now, and if not, why."""

    USABLE = "usable"
    LOCKED = "locked"
    EXPIRED = "expired"
    PORTAL_ONLY = "portal_only"
    REVOKED = "revoked"


_UNUSABLE: dict[Usability, tuple[ErrorCode, str]] = {
    Usability.PORTAL_ONLY: (
        ErrorCode.PORTAL_ONLY,
        "Your temporary passcode is more than 2 days old: it now opens Client Portal only, to "
        "print your Online Security Code Card.",
    ),
    Usability.LOCKED: (
        ErrorCode.DEVICE_LOCKED,
        "Your security device is locked after too many wrong responses. Contact Client Services "
        "to reset it.",
    ),
    Usability.EXPIRED: (
        ErrorCode.DEVICE_EXPIRED,
        "Your temporary security device has expired. Contact Client Services.",
    ),
    Usability.REVOKED: (
        ErrorCode.NO_ACTIVE_DEVICE,
        "You have no active security device. Contact Client Services.",
    ),
}


def unusable(state: Usability, *, committed: bool = False) -> ApiError:
    """Why a device cannot be used now, as a fresh error to raise; ``committed`` makes it a
    :class:`CommittedApiError`, for a refusal that closes the login."""
    code, message = _UNUSABLE.get(state, _UNUSABLE[Usability.REVOKED])
    return CommittedApiError(code, message) if committed else ApiError(code, message)


def wrong_answer_refusal(
    what: str, wrong: int, allowed: int, *, too_many: str
) -> CommittedApiError:
    """The refusal of a wrong answer to a challenge, the ``wrong``-th of the ``allowed``:
    ``wrong_response`` telling the attempts left, or once none is, ``challenge_failed`` saying
    ``too_many`` (the caller ends what the challenge was for)."""
    attempts_left = allowed - wrong
    if attempts_left <= 0:
        return CommittedApiError(ErrorCode.CHALLENGE_FAILED, too_many)
    return CommittedApiError(
        ErrorCode.WRONG_RESPONSE,
        f"{what} is not correct. {plural(attempts_left, 'attempt')} left.",
        attempts_left=attempts_left,
    )


class PendingDelivery(Protocol):
    """Something to do once the step's transaction has committed (a code to send)."""

    def deliver(self, ctx: ServerContext) -> None:
        """Do it; raise :class:`ApiError` if it fails (after taking back what it counted)."""
        ...


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What provisioning (admin commands, scenarios) passes for a new device; each kind reads
    what it needs and refuses what it cannot take."""

    secret_hex: str | None = None
    pin: str | None = None
    phone: str | None = None
    card: CodeCard | None = None
    passcode: str | None = None

    def __repr__(self) -> str:
        given = [field.name for field in fields(self) if getattr(self, field.name) is not None]
        return f"Enrolment(given={given!r})"


@dataclass(frozen=True, slots=True)
class Enrolled:
    """What enrolment hands back once, for the admin to pass on."""

    #: A generated OCRA key (hex), for enrolling a simulator or a token.
    generated_secret_hex: str | None = None
    #: A temporary passcode, to read to the customer.
    passcode: str | None = None

    def __repr__(self) -> str:
        return "Enrolled(<hidden>)"


@dataclass(frozen=True, slots=True)
class SessionTerms:
    """What a session earned with a device may do, and until when at the latest."""

    scope: Scope = Scope.FULL
    not_after: datetime | None = None
    #: A login with a permanent device: support may issue a temporary passcode again after it.
    permanent: bool = True


def used_challenges(s: Session, device: Device) -> set[str]:
    """The challenges this device answered within the last day (not issued again)."""
    return set(
        s.scalars(select(UsedChallenge.challenge).where(UsedChallenge.device_id == device.id))
    )


class Authenticator(ABC):
    """The server side of one device kind. The defaults suit a permanent device whose challenge
    is shown on screen; each kind overrides what differs."""

    def __init__(self, kind: DeviceKind) -> None:
        self.kind = kind
        self.spec: DeviceSpec = spec(kind)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.kind.value!r})"

    # --- enrolment ----------------------------------------------------------------------------

    def enroll(
        self, ctx: ServerContext, device: Device, user: User, enrolment: Enrolment
    ) -> Enrolled:
        """Fill in a new ``device`` (secrets encrypted with the master key, bound to its id);
        raise ``AccountError`` saying what is missing or wrong."""
        return Enrolled()

    # --- limits -------------------------------------------------------------------------------

    def usability(
        self, ctx: ServerContext, device: Device, platform: str, now: datetime
    ) -> Usability:
        """Whether ``device`` may log in on ``platform`` at ``now``."""
        status = DeviceStatus(device.status)
        if status is DeviceStatus.REVOKED:
            return Usability.REVOKED
        if status is DeviceStatus.LOCKED:
            return Usability.LOCKED
        return Usability.USABLE

    # --- challenge ----------------------------------------------------------------------------

    @abstractmethod
    def new_challenge(
        self, ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
    ) -> PendingDelivery | None:
        """Set the login's challenge for ``device`` (and its expiry); anything to send once the
        transaction has committed is returned."""

    def resend(
        self,
        ctx: ServerContext,
        s: Session,
        login: Login,
        device: Device,
        channel: Channel,
        now: datetime,
    ) -> PendingDelivery:
        """ "Request new code": only devices that are sent a code have one."""
        raise ApiError(
            ErrorCode.RESEND_NOT_AVAILABLE,
            "Only SMS security codes can be requested again; this device shows its own.",
        )

    @abstractmethod
    def challenge_out(
        self, ctx: ServerContext, login: Login, device: Device, now: datetime
    ) -> Challenge:
        """What the client is shown for the login's latest challenge (the flow adds
        ``expires_in``)."""

    # --- response -----------------------------------------------------------------------------

    def check_answerable(self, login: Login, now: datetime) -> None:
        """Refuse a response when the latest challenge can no longer be answered; an expired
        challenge ends the login ("start over from step 1")."""
        if login.challenge_expires_at is not None and now >= login.challenge_expires_at:
            login.state = LoginState.FAILED
            raise CommittedApiError(
                ErrorCode.CHALLENGE_EXPIRED, "The challenge has expired. Start over from step 1."
            )

    @abstractmethod
    def verify(self, ctx: ServerContext, login: Login, device: Device, response: str) -> bool:
        """Whether ``response`` (user input, any junk) answers the latest challenge; constant
        time in what the user typed."""

    def session_terms(self, ctx: ServerContext, device: Device, now: datetime) -> SessionTerms:
        """What a session earned with ``device`` at ``now`` may do."""
        return SessionTerms()
