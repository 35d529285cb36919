"""The login as a state machine in plain Python: credentials → select device → respond → done.

It holds no secret and performs no I/O. Whoever drives it (the Qt dialog, the terminal login, a
test) calls the server, then reports the result with :meth:`LoginMachine.started`,
:meth:`device_chosen`, :meth:`code_resent`, :meth:`succeeded` or :meth:`failed`; the machine
moves to the next :class:`LoginState`, which the driver renders. The machine alone decides what
comes next: which failures leave the step open for another try, which send an M2FS user back to
the drop-down, which end the login, and when a challenge has run out. Time comes from an injected
monotonic clock, so the lockout and voice-call countdowns are tested without waiting.

A password never enters the machine: the driver hands it straight to the call to the server.

Observers (:meth:`LoginMachine.observe`, a :class:`LoginObserver`, e.g. the login traces of
``tws_companion.support``) are told each :class:`LoginEvent`: what happened and the phase it led
to, with no secret in it (no password, code, response, token, challenge value or phone number; an
SMS or voice destination only by its last two digits). A failing observer never breaks a login.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Protocol

from tws_companion.protocol import ChallengeType, Channel, ErrorCode, Platform

if TYPE_CHECKING:  # pydantic models: the login window paints before pydantic is loaded
    from typing import TypedDict, Unpack

    from tws_companion.client.login_events import LoginEvent
    from tws_companion.client.models import Challenge, ChallengeStep, Device, LoginStart, Session

    class LoginStateChanges(TypedDict, total=False):
        """The fields of :class:`LoginState` that :meth:`LoginState.replace` may change (for
        mypy only: nothing is made at run time)."""

        phase: Phase
        username: str
        platform: Platform
        login_id: str | None
        devices: tuple[Device, ...]
        preferred_device_id: str | None
        device: Device | None
        challenge: Challenge | None
        notice: Notice | None
        countdown_until: float | None
        challenge_deadline: float | None
        session: Session | None


log = logging.getLogger(__name__)


class Phase(StrEnum):
    CREDENTIALS = "credentials"
    SELECT_DEVICE = "select_device"
    RESPOND = "respond"
    DONE = "done"
    #: The login or the challenge ran out, or three responses were wrong: start over.
    EXPIRED = "expired"
    #: Too many failed logins: wait (a live countdown), then log in again.
    LOCKED = "locked"
    #: IP restrictions refuse this address.
    RESTRICTED = "restricted"


class NoticeKind(StrEnum):
    """What the dialog tells the user, besides the step itself; rendered in its language."""

    SERVER_ERROR = "server_error"  # an ErrorCode from the server (``code``)
    UNREACHABLE = "unreachable"  # network, timeout, TLS or a garbled answer
    CODE_SENT = "code_sent"  # a new code was sent by SMS
    VOICE_CALL_COMING = "voice_call_coming"  # "You will receive a call within one minute"


class Notice(NamedTuple):
    """A notice (immutable: a changed one is a new one, ``notice._replace(...)``)."""

    kind: NoticeKind
    code: ErrorCode | None = None
    #: The server's own words (English), shown when the dialog has no translation for the code.
    text: str = ""
    #: Tries left on the challenge; for a wrong password, failed logins left before a wait.
    attempts_left: int | None = None
    #: For a wrong password: failed logins left before the account locks (0: locked now).
    attempts_before_lock: int | None = None
    #: Monotonic time until which the refused action must wait (a new code asked for too
    #: early), when the server said so; the notice goes when it passes.
    wait_until: float | None = None


class LoginState:
    """Where the login is (immutable: each step makes a new state, ``state.replace(...)``).

    A plain class with slots, cheap to make before the login window's first paint (a dataclass
    is generated and compiled at import). It holds the session once the login is done, so it
    shows nothing of it: its repr leaves the session out, it is neither a tuple nor a mapping (no
    iteration, ``_asdict`` or ``__dict__`` to read the token through), and a state equals only
    itself."""

    __slots__ = (
        "challenge",
        "challenge_deadline",
        "countdown_until",
        "device",
        "devices",
        "login_id",
        "notice",
        "phase",
        "platform",
        "preferred_device_id",
        "session",
        "username",
    )

    def __init__(
        self,
        phase: Phase = Phase.CREDENTIALS,
        username: str = "",
        platform: Platform = Platform.TWS,
        login_id: str | None = None,
        devices: tuple[Device, ...] = (),
        preferred_device_id: str | None = None,
        device: Device | None = None,
        challenge: Challenge | None = None,
        notice: Notice | None = None,
        countdown_until: float | None = None,
        challenge_deadline: float | None = None,
        session: Session | None = None,
    ) -> None:
        self.phase: Final = phase
        self.username: Final = username
        self.platform: Final = platform
        self.login_id: Final = login_id
        self.devices: Final = devices
        #: The device to preselect in the drop-down (server preference or the remembered one).
        self.preferred_device_id: Final = preferred_device_id
        self.device: Final = device
        self.challenge: Final = challenge
        self.notice: Final = notice
        #: Monotonic deadline of a countdown (lockout wait, voice call), if one runs.
        self.countdown_until: Final = countdown_until
        #: Monotonic deadline of the current challenge, from the server's ``expires_in``.
        self.challenge_deadline: Final = challenge_deadline
        self.session: Final = session

    def replace(self, **changes: Unpack[LoginStateChanges]) -> LoginState:
        """This state with ``changes`` (fields by name) made, as a new state."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return LoginState(**fields)

    def __repr__(self) -> str:
        """Every field but the session (its token)."""
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self.__slots__ if name != "session"
        )
        return f"LoginState({shown})"

    @property
    def can_switch_device(self) -> bool:
        return self.phase is Phase.RESPOND and len(self.devices) > 1

    @property
    def can_request_code(self) -> bool:
        """Whether a new code may be asked for, by SMS or voice ("Didn't receive a code?")."""
        return (
            self.phase is Phase.RESPOND
            and self.challenge is not None
            and self.challenge.type is ChallengeType.OOB
        )


class ServerCall(StrEnum):
    """A call to the server that a driver is about to make (:meth:`LoginMachine.sending`)."""

    LOGIN = "login"
    SELECT_DEVICE = "select_device"
    RESEND = "resend"
    RESPOND = "respond"


class LoginEventKind(StrEnum):
    """What happened, as told to a :class:`LoginObserver`."""

    REQUEST = "request"  # a call to the server goes out (the next event is its answer)
    BEGIN = "begin"  # the user pressed Log In
    STARTED = "started"  # the server accepted the password step
    DEVICE_CHOSEN = "device_chosen"
    CODE_RESENT = "code_resent"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the last call failed: the server's error or no answer
    START_OVER = "start_over"
    CANCELLED = "cancelled"
    SWITCH_DEVICE = "switch_device"  # back to the M2FS drop-down
    TIMER = "timer"  # a countdown ended: the wait is over, or the challenge ran out


#: The longest server error code an event carries (a code is a short word; anything longer is cut).
_MAX_CODE = 64


class LoginObserver(Protocol):
    """Told every :class:`LoginEvent` of a :class:`LoginMachine`, after its state changed."""

    def login_event(self, event: LoginEvent, state: LoginState) -> None:
        """``state`` is the machine's new state: it holds the user name and, when the login is
        done, the session; an observer that writes anything must leave both out."""


def _phone_tail(challenge: Challenge | None) -> str | None:
    """The last two digits of the destination of a one-time code, if it shows any."""
    if challenge is None or challenge.destination is None:
        return None
    digits = [char for char in challenge.destination if char in "0123456789"]
    return "".join(digits[-2:]) if len(digits) >= 2 else None


def _challenge_details(challenge: Challenge | None) -> dict[str, Any]:
    """The event fields that describe ``challenge`` (never its code or indices)."""
    if challenge is None:
        return {}
    return {
        "challenge_type": challenge.type,
        "channel": challenge.channel,
        "phone_tail": _phone_tail(challenge),
        "challenge_expires_in": challenge.expires_in,
    }


#: Told when the machine's own timer ends an OCRA or code-card challenge (the server's words).
_CHALLENGE_RAN_OUT = "The challenge has expired. Start over from step 1."

#: Failures that end the login transaction: the user starts over from step 1.
_START_OVER = {
    ErrorCode.LOGIN_EXPIRED,
    ErrorCode.LOGIN_NOT_FOUND,
    ErrorCode.CHALLENGE_FAILED,
    ErrorCode.RESPONSE_REUSED,
}
_WAIT = {ErrorCode.LOGIN_THROTTLED, ErrorCode.ACCOUNT_LOCKED, ErrorCode.SOURCE_THROTTLED}
#: Failures about the chosen device: pick another one (or start over if there is none).
_DEVICE_REFUSED = {
    ErrorCode.DEVICE_LOCKED,
    ErrorCode.DEVICE_EXPIRED,
    ErrorCode.PORTAL_ONLY,
    ErrorCode.DEVICE_NOT_FOUND,
}


class LoginMachine:
    """The current :class:`LoginState` and the transitions between states."""

    def __init__(
        self,
        *,
        platform: Platform = Platform.TWS,
        remembered_device_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self.remembered_device_id = remembered_device_id
        self.state = LoginState(platform=platform)
        self._listeners: list[Callable[[LoginState], None]] = []
        self._observers: list[LoginObserver] = []

    def subscribe(self, listener: Callable[[LoginState], None]) -> None:
        self._listeners.append(listener)

    def observe(self, observer: LoginObserver) -> None:
        """Tell ``observer`` every :class:`LoginEvent` from now on."""
        self._observers.append(observer)

    def _notify(self, kind: LoginEventKind, **details: Any) -> None:
        if not self._observers:
            return
        from tws_companion.client.login_events import LoginEvent  # with the first observer

        state = self.state
        event = LoginEvent(kind, state.phase, self._clock(), state.platform, **details)
        for observer in tuple(self._observers):
            try:
                observer.login_event(event, state)
            except Exception as exc:  # noqa: BLE001 - a trace must never break a login
                log.warning("a login observer failed: %s", type(exc).__name__)

    def _move(self, state: LoginState) -> LoginState:
        self.state = state
        for listener in self._listeners:
            listener(state)
        return state

    def _deadline(self, challenge: Challenge | None) -> float | None:
        if challenge is None:
            return None
        if challenge.expires_in is not None:
            return self._clock() + challenge.expires_in
        if challenge.expires_at is not None:  # an older server: trust the local clock
            return self._clock() + (challenge.expires_at.timestamp() - time.time())
        return None

    def _step_one(
        self,
        phase: Phase = Phase.CREDENTIALS,
        notice: Notice | None = None,
        countdown_until: float | None = None,
    ) -> LoginState:
        """A state without a login transaction, keeping the user name and platform."""
        return self._move(
            LoginState(
                phase=phase,
                username=self.state.username,
                platform=self.state.platform,
                notice=notice,
                countdown_until=countdown_until,
            )
        )

    def _drop_down(self, preferred_device_id: str | None, notice: Notice | None) -> LoginState:
        """Back to the M2FS drop-down, the login transaction still open."""
        return self._move(
            self.state.replace(
                phase=Phase.SELECT_DEVICE,
                preferred_device_id=preferred_device_id,
                device=None,
                challenge=None,
                challenge_deadline=None,
                notice=notice,
                countdown_until=None,
            )
        )

    # --- commands the user gives --------------------------------------------------------------

    def sending(
        self, call: ServerCall, *, device_id: str | None = None, channel: Channel | None = None
    ) -> None:
        """The driver is about to make ``call`` (for the device ``device_id``, or asking for a
        code by ``channel``): observers are told, the state does not change. The answer comes
        back through :meth:`started`, :meth:`device_chosen`, :meth:`code_resent`,
        :meth:`succeeded` or :meth:`failed`."""
        device = next((d for d in self.state.devices if d.id == device_id), None)
        self._notify(
            LoginEventKind.REQUEST,
            request=call,
            device_kind=str(device.kind) if device is not None else None,
            channel=channel,
        )

    def begin(self, username: str, platform: Platform) -> LoginState:
        """The user pressed Log In (the password goes to the server, not here)."""
        state = self._move(LoginState(username=username.strip(), platform=platform))
        self._notify(LoginEventKind.BEGIN)
        return state

    def start_over(self) -> LoginState:
        """Back to step 1, keeping the user name and platform."""
        state = self._step_one()
        self._notify(LoginEventKind.START_OVER)
        return state

    def cancel(self) -> LoginState:
        state = self._step_one()
        self._notify(LoginEventKind.CANCELLED)
        return state

    def choose_another_device(self) -> LoginState:
        """Back to the drop-down (M2FS): the user can always switch."""
        if not self.state.can_switch_device:
            return self.state
        device = self.state.device
        state = self._drop_down(device.id if device is not None else None, None)
        self._notify(LoginEventKind.SWITCH_DEVICE)
        return state

    # --- results from the server --------------------------------------------------------------

    def started(self, start: LoginStart) -> LoginState:
        preferred = start.preferred_device_id
        ids = {device.id for device in start.devices}
        if self.remembered_device_id in ids:
            preferred = self.remembered_device_id
        state = self.state.replace(
            login_id=start.login_id,
            devices=tuple(start.devices),
            preferred_device_id=preferred,
            notice=None,
            countdown_until=None,
        )
        kinds = tuple(str(device.kind) for device in start.devices)
        if start.challenge is not None and start.device_id is not None:
            device = next((d for d in start.devices if d.id == start.device_id), None)
            state = self._move(
                state.replace(
                    phase=Phase.RESPOND,
                    device=device,
                    challenge=start.challenge,
                    challenge_deadline=self._deadline(start.challenge),
                )
            )
            self._notify(
                LoginEventKind.STARTED,
                device_kinds=kinds,
                device_kind=str(device.kind) if device is not None else None,
                **_challenge_details(start.challenge),
            )
            return state
        state = self._move(state.replace(phase=Phase.SELECT_DEVICE))
        self._notify(LoginEventKind.STARTED, device_kinds=kinds)
        return state

    def device_chosen(self, step: ChallengeStep) -> LoginState:
        device = next((d for d in self.state.devices if d.id == step.device_id), None)
        self.remembered_device_id = step.device_id
        state = self._move(
            self.state.replace(
                phase=Phase.RESPOND,
                device=device,
                challenge=step.challenge,
                challenge_deadline=self._deadline(step.challenge),
                notice=None,
                countdown_until=None,
            )
        )
        self._notify(
            LoginEventKind.DEVICE_CHOSEN,
            device_kind=str(device.kind) if device is not None else None,
            **_challenge_details(step.challenge),
        )
        return state

    def code_resent(self, step: ChallengeStep) -> LoginState:
        from tws_companion.sls.policy import VOICE_CALL_WITHIN  # not before the first paint

        voice = step.challenge.channel is Channel.VOICE
        notice = Notice(NoticeKind.VOICE_CALL_COMING if voice else NoticeKind.CODE_SENT)
        until = self._clock() + VOICE_CALL_WITHIN.total_seconds() if voice else None
        state = self._move(
            self.state.replace(
                challenge=step.challenge,
                challenge_deadline=self._deadline(step.challenge),
                notice=notice,
                countdown_until=until,
            )
        )
        self._notify(LoginEventKind.CODE_RESENT, **_challenge_details(step.challenge))
        return state

    def succeeded(self, session: Session) -> LoginState:
        state = self._move(
            self.state.replace(phase=Phase.DONE, session=session, notice=None, countdown_until=None)
        )
        self._notify(LoginEventKind.SUCCEEDED, scope=str(session.scope))
        return state

    def failed(self, error: Exception) -> LoginState:
        """Map any failure of the last call to the next state and what to tell the user."""
        # Here: the error classes (one per code) load after the login window's first paint.
        from tws_companion.client.errors import ApiError

        state = self._failed(error)
        if isinstance(error, ApiError):
            self._notify(
                LoginEventKind.FAILED,
                error_code=str(error.code)[:_MAX_CODE],
                http_status=error.status,
                retry_after=error.retry_after,
                attempts_left=error.attempts_left,
                attempts_before_lock=error.attempts_before_lock,
            )
        else:
            self._notify(LoginEventKind.FAILED, failure=type(error).__name__)
        return state

    def _failed(self, error: Exception) -> LoginState:
        from tws_companion.client.errors import ApiError

        if not isinstance(error, ApiError):
            notice = Notice(NoticeKind.UNREACHABLE, text=str(error))
            return self._move(self.state.replace(notice=notice))
        code = error.code if isinstance(error.code, ErrorCode) else None
        notice = Notice(
            NoticeKind.SERVER_ERROR,
            code=code,
            text=error.message,
            attempts_left=error.attempts_left,
            attempts_before_lock=error.attempts_before_lock,
        )
        # A wrong password that starts a wait (or locks the account) waits at once, counted down.
        if code in _WAIT or (code is ErrorCode.INVALID_CREDENTIALS and error.retry_after):
            from tws_companion.sls.durations import ceil_seconds  # not before the first paint
            from tws_companion.sls.policy import THROTTLE_FIRST_WAIT

            seconds = error.retry_after or ceil_seconds(THROTTLE_FIRST_WAIT)
            until = self._clock() + seconds
            return self._step_one(Phase.LOCKED, notice=notice, countdown_until=until)
        if error.retry_after:
            notice = notice._replace(wait_until=self._clock() + error.retry_after)
        if code is ErrorCode.IP_RESTRICTED:
            return self._step_one(Phase.RESTRICTED, notice=notice)
        if code in _START_OVER or (
            code is ErrorCode.CHALLENGE_EXPIRED
            and not (self.state.challenge and self.state.challenge.type is ChallengeType.OOB)
        ):
            return self._move(self.state.replace(phase=Phase.EXPIRED, notice=notice))
        if code in _DEVICE_REFUSED and len(self.state.devices) > 1:
            return self._drop_down(self.state.preferred_device_id, notice)
        if self.state.phase in (Phase.SELECT_DEVICE, Phase.RESPOND) and code in (
            _DEVICE_REFUSED | {ErrorCode.NO_ACTIVE_DEVICE}
        ):
            return self._step_one(notice=notice)
        return self._move(self.state.replace(notice=notice))

    # --- time ---------------------------------------------------------------------------------

    def seconds_left(self) -> int | None:
        """Whole seconds left on the running countdown (rounded up), or ``None``."""
        if self.state.countdown_until is None:
            return None
        return max(0, math.ceil(self.state.countdown_until - self._clock()))

    def notice_seconds_left(self) -> int | None:
        """Whole seconds (rounded up) until the notice's wait ends (a new code asked for too
        early), or ``None``."""
        notice = self.state.notice
        if notice is None or notice.wait_until is None:
            return None
        return max(0, math.ceil(notice.wait_until - self._clock()))

    def challenge_seconds_left(self) -> int | None:
        """Whole seconds until the current challenge expires, or ``None``."""
        if self.state.challenge_deadline is None:
            return None
        return max(0, math.ceil(self.state.challenge_deadline - self._clock()))

    def tick(self) -> LoginState:
        """Advance countdowns: a finished lockout wait returns to step 1; an expired OCRA or
        code-card challenge ends the login ("start over"); a voice-call wait just ends, and so
        does a notice's wait (the notice goes)."""
        before = self.state
        state = self._tick()
        if state is not before:
            expired = state.phase is Phase.EXPIRED and before.phase is not Phase.EXPIRED
            code = ErrorCode.CHALLENGE_EXPIRED.value if expired else None
            self._notify(LoginEventKind.TIMER, error_code=code)
        return state

    def _tick(self) -> LoginState:
        state = self.state
        left = self.seconds_left()
        if left == 0:
            if state.phase is Phase.LOCKED:
                return self._step_one()
            state = self._move(state.replace(countdown_until=None))
        if self.notice_seconds_left() == 0:
            state = self._move(state.replace(notice=None))
        if (
            state.phase is Phase.RESPOND
            and state.challenge is not None
            and state.challenge.type in (ChallengeType.OCRA, ChallengeType.INDICES)
            and self.challenge_seconds_left() == 0
        ):
            notice = Notice(
                NoticeKind.SERVER_ERROR, code=ErrorCode.CHALLENGE_EXPIRED, text=_CHALLENGE_RAN_OUT
            )
            return self._move(state.replace(phase=Phase.EXPIRED, notice=notice))
        return state
