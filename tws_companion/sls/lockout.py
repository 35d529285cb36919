"""Failed-login throttling and account lockout, per user and per source address.

Pure functions over small immutable states that the server stores; ``now`` is always passed in,
and every datetime must be timezone-aware. The server answers an unknown user name with the same
verdicts, so lockout never reveals who exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from tws_companion.sls.durations import ceil_seconds, duration_text, plural, require_aware
from tws_companion.sls.policy import DEFAULT_POLICY, Policy

_ZERO = timedelta(0)
_MINUTE = timedelta(minutes=1)
_MICROSECOND = timedelta(microseconds=1)


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
    """Failed logins from one source address, as a leaky bucket: ``level`` failures counted at
    ``updated_at``, draining continuously at ``source_max_failures`` per ``source_window``."""

    level: float = 0.0
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.level) or self.level < 0:
            raise ValueError("the failure level must be a finite number, not negative")
        if self.level > 0 and self.updated_at is None:
            raise ValueError("a failure level needs the time it was counted at")
        if self.updated_at is not None:
            require_aware("updated_at", self.updated_at)


def _drain(failures: float, policy: Policy) -> timedelta:
    """How long the bucket takes to drain ``failures``, to the microsecond."""
    window_us = policy.source_window // _MICROSECOND
    return timedelta(microseconds=round(failures * window_us / policy.source_max_failures))


def source_level(state: SourceState, now: datetime, policy: Policy = DEFAULT_POLICY) -> float:
    """The failures still counted at ``now``, once the bucket has drained since ``updated_at``."""
    require_aware("now", now)
    if state.updated_at is None or now <= state.updated_at:
        return state.level
    elapsed_us = (now - state.updated_at) // _MICROSECOND
    window_us = policy.source_window // _MICROSECOND
    drained = policy.source_max_failures * elapsed_us / window_us
    return max(0.0, state.level - drained)


def record_source_failure(
    state: SourceState, now: datetime, policy: Policy = DEFAULT_POLICY
) -> SourceState:
    """The bucket after one more failed login at ``now``: drained to ``now``, plus 1.

    The level never exceeds ``source_max_failures`` (a full bucket overflows), so a bucket is
    empty at the latest ``source_window`` after its last failure.
    """
    level = min(float(policy.source_max_failures), source_level(state, now, policy) + 1.0)
    updated_at = now if state.updated_at is None else max(now, state.updated_at)
    return SourceState(level=level, updated_at=updated_at)


def check_source_allowed(
    state: SourceState, now: datetime, policy: Policy = DEFAULT_POLICY
) -> Verdict:
    """Whether the source may try again: refused while one more failure would take the drained
    level above ``source_max_failures``, until the bucket has drained enough for one.

    A sliding limit (no window boundary to burst across), and a throttle, never an account lock.
    """
    require_aware("now", now)
    if state.updated_at is None:
        return ALLOWED
    excess = state.level + 1.0 - policy.source_max_failures
    if excess <= 0:
        return ALLOWED
    ready_at = state.updated_at + _drain(excess, policy)
    if now < ready_at:
        return Verdict(allowed=False, locked=False, retry_after=ready_at - now)
    return ALLOWED
