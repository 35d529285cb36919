"""The login as a state machine in plain Python: credentials → select device → respond → done.

It holds no secret and performs no I/O. Whoever drives it (the Qt dialog, the terminal login, a
test) calls the server, then reports the result with :meth:`LoginMachine.started`,
:meth:`device_chosen`, :meth:`code_resent`, :meth:`succeeded` or :meth:`failed`; the machine
moves to the next :class:`LoginState`, which the driver renders. The machine alone decides what
comes next: which failures leave the step open for another try, which send an M2FS user back to
the drop-down, which end the login, and when a challenge has run out. Time comes from an injected
monotonic clock, so the lockout and voice-call countdowns are tested without waiting.

A password never enters the machine: the driver hands it straight to the call to the server.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from tws_companion.client import errors
from tws_companion.protocol import ChallengeType, Channel, ErrorCode, Platform
from tws_companion.sls.durations import ceil_seconds
from tws_companion.sls.policy import THROTTLE_FIRST_WAIT, VOICE_CALL_WITHIN

if TYPE_CHECKING:  # pydantic models: the login window paints before pydantic is loaded
    from tws_companion.client.models import Challenge, ChallengeStep, Device, LoginStart, Session


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


@dataclass(frozen=True, slots=True)
class Notice:
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


@dataclass(frozen=True, slots=True)
class LoginState:
    phase: Phase = Phase.CREDENTIALS
    username: str = ""
    platform: Platform = Platform.TWS
    login_id: str | None = None
    devices: tuple[Device, ...] = ()
    #: The device to preselect in the drop-down (server preference or the remembered one).
    preferred_device_id: str | None = None
    device: Device | None = None
    challenge: Challenge | None = None
    notice: Notice | None = None
    #: Monotonic deadline of a countdown (lockout wait, voice call), if one runs.
    countdown_until: float | None = None
    #: Monotonic deadline of the current challenge, from the server's ``expires_in``.
    challenge_deadline: float | None = None
    session: Session | None = field(default=None, repr=False)

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

    def subscribe(self, listener: Callable[[LoginState], None]) -> None:
        self._listeners.append(listener)

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
            replace(
                self.state,
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

    def begin(self, username: str, platform: Platform) -> LoginState:
        """The user pressed Log In (the password goes to the server, not here)."""
        return self._move(LoginState(username=username.strip(), platform=platform))

    def start_over(self) -> LoginState:
        """Back to step 1, keeping the user name and platform."""
        return self._step_one()

    def cancel(self) -> LoginState:
        return self.start_over()

    def choose_another_device(self) -> LoginState:
        """Back to the drop-down (M2FS): the user can always switch."""
        if not self.state.can_switch_device:
            return self.state
        device = self.state.device
        return self._drop_down(device.id if device is not None else None, None)

    # --- results from the server --------------------------------------------------------------

    def started(self, start: LoginStart) -> LoginState:
        preferred = start.preferred_device_id
        ids = {device.id for device in start.devices}
        if self.remembered_device_id in ids:
            preferred = self.remembered_device_id
        state = replace(
            self.state,
            login_id=start.login_id,
            devices=tuple(start.devices),
            preferred_device_id=preferred,
            notice=None,
            countdown_until=None,
        )
        if start.challenge is not None and start.device_id is not None:
            device = next((d for d in start.devices if d.id == start.device_id), None)
            return self._move(
                replace(
                    state,
                    phase=Phase.RESPOND,
                    device=device,
                    challenge=start.challenge,
                    challenge_deadline=self._deadline(start.challenge),
                )
            )
        return self._move(replace(state, phase=Phase.SELECT_DEVICE))

    def device_chosen(self, step: ChallengeStep) -> LoginState:
        device = next((d for d in self.state.devices if d.id == step.device_id), None)
        self.remembered_device_id = step.device_id
        return self._move(
            replace(
                self.state,
                phase=Phase.RESPOND,
                device=device,
                challenge=step.challenge,
                challenge_deadline=self._deadline(step.challenge),
                notice=None,
                countdown_until=None,
            )
        )

    def code_resent(self, step: ChallengeStep) -> LoginState:
        voice = step.challenge.channel is Channel.VOICE
        notice = Notice(NoticeKind.VOICE_CALL_COMING if voice else NoticeKind.CODE_SENT)
        until = self._clock() + VOICE_CALL_WITHIN.total_seconds() if voice else None
        return self._move(
            replace(
                self.state,
                challenge=step.challenge,
                challenge_deadline=self._deadline(step.challenge),
                notice=notice,
                countdown_until=until,
            )
        )

    def succeeded(self, session: Session) -> LoginState:
        return self._move(
            replace(
                self.state, phase=Phase.DONE, session=session, notice=None, countdown_until=None
            )
        )

    def failed(self, error: Exception) -> LoginState:
        """Map any failure of the last call to the next state and what to tell the user."""
        if not isinstance(error, errors.ApiError):
            notice = Notice(NoticeKind.UNREACHABLE, text=str(error))
            return self._move(replace(self.state, notice=notice))
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
            seconds = error.retry_after or ceil_seconds(THROTTLE_FIRST_WAIT)
            until = self._clock() + seconds
            return self._step_one(Phase.LOCKED, notice=notice, countdown_until=until)
        if error.retry_after:
            notice = replace(notice, wait_until=self._clock() + error.retry_after)
        if code is ErrorCode.IP_RESTRICTED:
            return self._step_one(Phase.RESTRICTED, notice=notice)
        if code in _START_OVER or (
            code is ErrorCode.CHALLENGE_EXPIRED
            and not (self.state.challenge and self.state.challenge.type is ChallengeType.OOB)
        ):
            return self._move(replace(self.state, phase=Phase.EXPIRED, notice=notice))
        if code in _DEVICE_REFUSED and len(self.state.devices) > 1:
            return self._drop_down(self.state.preferred_device_id, notice)
        if self.state.phase in (Phase.SELECT_DEVICE, Phase.RESPOND) and code in (
            _DEVICE_REFUSED | {ErrorCode.NO_ACTIVE_DEVICE}
        ):
            return self._step_one(notice=notice)
        return self._move(replace(self.state, notice=notice))

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
        state = self.state
        left = self.seconds_left()
        if left == 0:
            if state.phase is Phase.LOCKED:
                return self._step_one()
            state = self._move(replace(state, countdown_until=None))
        if self.notice_seconds_left() == 0:
            state = self._move(replace(state, notice=None))
        if (
            state.phase is Phase.RESPOND
            and state.challenge is not None
            and state.challenge.type in (ChallengeType.OCRA, ChallengeType.INDICES)
            and self.challenge_seconds_left() == 0
        ):
            notice = Notice(
                NoticeKind.SERVER_ERROR, code=ErrorCode.CHALLENGE_EXPIRED, text=_CHALLENGE_RAN_OUT
            )
            return self._move(replace(state, phase=Phase.EXPIRED, notice=notice))
        return state
