"""The recorder of login traces: a :class:`LoginObserver` that turns the machine's events into
the steps of one :class:`CompletedLogin` per attempt.

An attempt starts when Log In is pressed (``begin``) and ends when the login is done, ends
(expired, locked out, IP-restricted), is refused at step 1 (a wrong password), is cancelled or
started over, or when :meth:`TraceRecorder.close` is called with one still open (the window
closed, the terminal interrupted: ``abandoned``). Each finished attempt goes to ``on_finished``,
which writes it (``TraceWriter.write`` or, in the GUI, that call on the worker).

The recorder runs where the machine runs (the GUI thread) and does no I/O. It keeps the user name
only in memory, for the writer to make the pseudonym of; nothing else it keeps is a secret: the
machine's events hold none.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from tws_companion.client.login_events import LoginEvent
from tws_companion.client.login_machine import LoginEventKind, LoginState, Phase
from tws_companion.support.environment import DisplayInfo
from tws_companion.support.trace_format import MAX_STEPS, TraceStep

__all__ = ["SURFACE_DIALOG", "SURFACE_TERMINAL", "CompletedLogin", "TraceRecorder"]

SURFACE_DIALOG: Final = "dialog"
SURFACE_TERMINAL: Final = "terminal"

#: The phases that end an attempt, and the outcome each gives.
_ENDINGS: Final = {
    Phase.DONE: "succeeded",
    Phase.EXPIRED: "expired",
    Phase.LOCKED: "locked",
    Phase.RESTRICTED: "restricted",
}


@dataclass(frozen=True, slots=True)
class CompletedLogin:
    """One finished login attempt, before it is written (the user name still in the clear)."""

    username: str = field(repr=False)
    trace_id: str
    started_at: datetime
    platform: str
    surface: str
    outcome: str
    duration_ms: int
    steps: tuple[TraceStep, ...]
    truncated: bool
    display: DisplayInfo | None


def _step(event: LoginEvent, first_at: float) -> TraceStep:
    return TraceStep(
        t_ms=max(0, round((event.at - first_at) * 1000)),
        event=event.kind.value,
        phase=event.phase.value,
        device_kind=event.device_kind,
        device_kinds=event.device_kinds,
        challenge_type=event.challenge_type.value if event.challenge_type else None,
        channel=event.channel.value if event.channel else None,
        phone_tail=event.phone_tail,
        challenge_expires_in=event.challenge_expires_in,
        error_code=event.error_code,
        http_status=event.http_status,
        retry_after=event.retry_after,
        attempts_left=event.attempts_left,
        attempts_before_lock=event.attempts_before_lock,
        failure=event.failure,
        scope=event.scope,
        request=event.request.value if event.request else None,
    )


class _Attempt:
    def __init__(self, username: str, event: LoginEvent, started_at: datetime) -> None:
        self.username = username
        self.platform = event.platform.value
        self.first_at = event.at
        self.started_at = started_at
        self.trace_id = secrets.token_hex(8)
        self.steps: list[TraceStep] = []
        self.truncated = False
        self.display: DisplayInfo | None = None

    def add(self, event: LoginEvent) -> None:
        if len(self.steps) < MAX_STEPS:
            self.steps.append(_step(event, self.first_at))
        else:
            self.truncated = True


class TraceRecorder:
    """Records each login attempt of the machine it observes (``machine.observe(recorder)``).

    ``surface``: :data:`SURFACE_DIALOG` or :data:`SURFACE_TERMINAL`. ``display``, in the GUI,
    returns what Qt knows (called when an attempt starts, on the GUI thread). ``now`` gives the
    wall-clock time an attempt starts; the steps are timed by the machine's own clock.
    """

    def __init__(
        self,
        on_finished: Callable[[CompletedLogin], object],
        *,
        surface: str,
        display: Callable[[], DisplayInfo | None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._on_finished = on_finished
        self.surface = surface
        self._display = display
        self._now = now
        self._attempt: _Attempt | None = None

    def __repr__(self) -> str:
        return f"TraceRecorder(surface={self.surface!r})"

    @property
    def recording(self) -> bool:
        """Whether an attempt is open."""
        return self._attempt is not None

    def login_event(self, event: LoginEvent, state: LoginState) -> None:
        if event.kind is LoginEventKind.BEGIN:
            self.close()
            self._attempt = _Attempt(state.username, event, self._now())
            if self._display is not None:
                self._attempt.display = self._display()
        attempt = self._attempt
        if attempt is None:
            return  # e.g. the lockout wait ending after the attempt was written
        attempt.add(event)
        outcome = _ENDINGS.get(event.phase)
        if outcome is None and event.phase is Phase.CREDENTIALS:
            if event.kind in (LoginEventKind.CANCELLED, LoginEventKind.START_OVER):
                outcome = "cancelled"
            elif event.kind is LoginEventKind.FAILED:
                outcome = "unreachable" if event.failure else "refused"
        if outcome is not None:
            self._finish(outcome)

    def close(self) -> None:
        """End the open attempt, if any, as ``abandoned``."""
        if self._attempt is not None:
            self._finish("abandoned")

    def _finish(self, outcome: str) -> None:
        attempt, self._attempt = self._attempt, None
        assert attempt is not None
        steps = tuple(attempt.steps)
        self._on_finished(
            CompletedLogin(
                username=attempt.username,
                trace_id=attempt.trace_id,
                started_at=attempt.started_at,
                platform=attempt.platform,
                surface=self.surface,
                outcome=outcome,
                duration_ms=steps[-1].t_ms if steps else 0,
                steps=steps,
                truncated=attempt.truncated,
                display=attempt.display,
            )
        )
