"""Failed-login throttling and account lockout, per user and per source address.

Pure functions over small immutable states that the server stores; ``now`` is always passed in,
and every datetime must be timezone-aware. The server answers an unknown user name with the same
verdicts, so lockout never reveals who exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tws_companion.sls.durations import ceil_seconds, duration_text, plural, require_aware
from tws_companion.sls.policy import DEFAULT_POLICY, Policy

_ZERO = timedelta(0)
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class FailureState:
    """A user's streak of consecutive failed logins; a successful login resets it."""

    consecutive: int = 0
    first_failure_at: datetime | None = None
    last_failure_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.consecutive < 0:
            raise ValueError("consecutive failures cannot be negative")
        if self.consecutive > 0 and (self.first_failure_at is None or self.last_failure_at is None):
            raise ValueError("a failure streak needs its first and last failure times")
        for name in ("first_failure_at", "last_failure_at"):
            value = getattr(self, name)
            if value is not None:
                require_aware(name, value)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a login may be attempted now; if not, how long to wait and whether it is a lock."""

    allowed: bool
    locked: bool
    retry_after: timedelta

    def __post_init__(self) -> None:
        if self.allowed and (self.locked or self.retry_after != _ZERO):
            raise ValueError("an allowed verdict has no lock and no wait")
        if not self.allowed and self.retry_after <= _ZERO:
            raise ValueError("a refused verdict needs a positive retry_after")


ALLOWED = Verdict(allowed=True, locked=False, retry_after=_ZERO)


def record_failure(
    state: FailureState, now: datetime, policy: Policy = DEFAULT_POLICY
) -> FailureState:
    """The streak after one more failed login at ``now``.

    A streak whose first failure is ``lockout_window`` or more before ``now`` starts over at 1.
    """
    require_aware("now", now)
    first = state.first_failure_at
    if state.consecutive == 0 or first is None or now - first >= policy.lockout_window:
        return FailureState(consecutive=1, first_failure_at=now, last_failure_at=now)
    return FailureState(
        consecutive=state.consecutive + 1, first_failure_at=first, last_failure_at=now
    )


def _throttle_wait(consecutive: int, policy: Policy) -> timedelta:
    wait = policy.throttle_first_wait
    for _ in range(consecutive - policy.throttle_after_failures):
        if wait >= policy.throttle_max_wait:
            break
        wait *= 2
    return min(wait, policy.throttle_max_wait)


def check_login_allowed(
    state: FailureState, now: datetime, policy: Policy = DEFAULT_POLICY
) -> Verdict:
    """Whether the user may try to log in at ``now``.

    Below ``throttle_after_failures`` failures: yes. From there on the user waits
    ``throttle_first_wait``, doubling with each further failure up to ``throttle_max_wait``,
    counted from the last failure. ``lockout_failures`` failures within ``lockout_window`` lock
    the account until ``lockout_duration`` after the last one.
    """
    require_aware("now", now)
    first, last = state.first_failure_at, state.last_failure_at
    if state.consecutive < policy.throttle_after_failures or first is None or last is None:
        return ALLOWED
    if state.consecutive >= policy.lockout_failures and last - first < policy.lockout_window:
        locked_until = last + policy.lockout_duration
        if now < locked_until:
            return Verdict(allowed=False, locked=True, retry_after=locked_until - now)
    wait_until = last + _throttle_wait(state.consecutive, policy)
    if now < wait_until:
        return Verdict(allowed=False, locked=False, retry_after=wait_until - now)
    return ALLOWED


def throttle_message(retry_after: timedelta) -> str:
    """The message of a throttled login; seconds rounded up, at least 1."""
    seconds = max(1, ceil_seconds(retry_after))
    return (
        f"Too many failed login attempts. Please wait {plural(seconds, 'second')} "
        "before attempting to re-login again."
    )


def locked_message(retry_after: timedelta) -> str:
    """The message of a locked account; the time is rounded up to whole minutes, at least 1."""
    minutes = max(1, -(-retry_after // _MINUTE))
    return (
        "Too many failed login attempts. "
        f"The account is locked for {duration_text(minutes * 60)}; "
        "contact Client Services to unlock it sooner."
    )


@dataclass(frozen=True, slots=True)
class SourceState:
    """Failed logins from one source address in the current fixed window."""

    failures: int = 0
    window_start: datetime | None = None

    def __post_init__(self) -> None:
        if self.failures < 0:
            raise ValueError("failures cannot be negative")
        if self.failures > 0 and self.window_start is None:
            raise ValueError("source failures need the start of their window")
        if self.window_start is not None:
            require_aware("window_start", self.window_start)


def record_source_failure(
    state: SourceState, now: datetime, policy: Policy = DEFAULT_POLICY
) -> SourceState:
    """The source's count after one more failed login at ``now``; an old window starts over."""
    require_aware("now", now)
    start = state.window_start
    if state.failures == 0 or start is None or now - start >= policy.source_window:
        return SourceState(failures=1, window_start=now)
    return SourceState(failures=state.failures + 1, window_start=start)


def check_source_allowed(
    state: SourceState, now: datetime, policy: Policy = DEFAULT_POLICY
) -> Verdict:
    """Whether the source may try again: ``source_max_failures`` in the window make it wait.

    The wait lasts until the window ends; it is a throttle, never an account lock.
    """
    require_aware("now", now)
    start = state.window_start
    if state.failures < policy.source_max_failures or start is None:
        return ALLOWED
    window_end = start + policy.source_window
    if now < window_end:
        return Verdict(allowed=False, locked=False, retry_after=window_end - now)
    return ALLOWED
