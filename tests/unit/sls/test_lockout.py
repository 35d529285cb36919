"""Failed-login throttling and lockout, per user and per source address, at every boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tws_companion.sls.lockout import (
    FailureState,
    SourceState,
    Verdict,
    check_login_allowed,
    check_source_allowed,
    locked_message,
    record_failure,
    record_source_failure,
    source_level,
    throttle_message,
)
from tws_companion.sls.policy import Policy

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
ZERO = timedelta(0)


def streak(count: int, *, last: datetime = T0, first: datetime | None = None) -> FailureState:
    return FailureState(consecutive=count, first_failure_at=first or last, last_failure_at=last)


def fail_times(*offsets: timedelta) -> FailureState:
    state = FailureState()
    for offset in offsets:
        state = record_failure(state, T0 + offset)
    return state


# --- record_failure -------------------------------------------------------------------------


def test_first_failure_starts_a_streak() -> None:
    assert record_failure(FailureState(), T0) == FailureState(1, T0, T0)


def test_further_failures_extend_the_streak() -> None:
    state = fail_times(ZERO, timedelta(minutes=1), timedelta(hours=3))
    assert state == FailureState(3, T0, T0 + timedelta(hours=3))


def test_streak_within_the_window_continues() -> None:
    state = fail_times(ZERO, timedelta(hours=24) - TICK)
    assert state.consecutive == 2
    assert state.first_failure_at == T0


def test_streak_older_than_the_window_restarts_at_one() -> None:
    later = T0 + timedelta(hours=24)
    state = record_failure(streak(9, first=T0, last=T0 + timedelta(hours=23)), later)
    assert state == FailureState(1, later, later)


def test_record_failure_follows_the_policy_window() -> None:
    policy = Policy(lockout_window=timedelta(hours=1))
    state = record_failure(streak(2), T0 + timedelta(hours=1), policy)
    assert state.consecutive == 1


# --- check_login_allowed: throttling ----------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_failures_never_wait(count: int) -> None:
    state = FailureState() if count == 0 else streak(count)
    assert check_login_allowed(state, T0) == Verdict(allowed=True, locked=False, retry_after=ZERO)


def test_third_failure_means_a_60_second_wait() -> None:
    verdict = check_login_allowed(streak(3), T0)
    assert verdict == Verdict(allowed=False, locked=False, retry_after=timedelta(seconds=60))


def test_seven_seconds_after_the_third_failure_the_user_waits_53_seconds() -> None:
    verdict = check_login_allowed(streak(3), T0 + timedelta(seconds=7))
    assert not verdict.allowed
    assert not verdict.locked
    assert verdict.retry_after == timedelta(seconds=53)
    assert throttle_message(verdict.retry_after) == (
        "Too many failed login attempts. "
        "Please wait 53 seconds before attempting to re-login again."
    )


def test_throttle_ends_exactly_after_the_wait() -> None:
    just_before = check_login_allowed(streak(3), T0 + timedelta(seconds=60) - TICK)
    assert just_before.retry_after == TICK
    assert not just_before.allowed
    assert check_login_allowed(streak(3), T0 + timedelta(seconds=60)).allowed


@pytest.mark.parametrize(
    ("count", "wait"),
    [
        (3, timedelta(seconds=60)),
        (4, timedelta(seconds=120)),
        (5, timedelta(seconds=240)),
        (6, timedelta(seconds=480)),
        (7, timedelta(seconds=960)),
        (8, timedelta(minutes=30)),  # 1920 s, capped
        (9, timedelta(minutes=30)),
    ],
)
def test_wait_doubles_with_each_failure_up_to_the_cap(count: int, wait: timedelta) -> None:
    assert check_login_allowed(streak(count), T0).retry_after == wait
    assert check_login_allowed(streak(count), T0 + wait).allowed


def test_wait_is_counted_from_the_last_failure() -> None:
    state = streak(4, first=T0, last=T0 + timedelta(minutes=10))
    verdict = check_login_allowed(state, T0 + timedelta(minutes=11))
    assert verdict.retry_after == timedelta(seconds=60)


def test_a_huge_streak_does_not_overflow() -> None:
    policy = Policy(lockout_failures=10**9)
    verdict = check_login_allowed(streak(10**6), T0, policy)
    assert verdict.retry_after == timedelta(minutes=30)
    assert not verdict.locked


def test_throttle_follows_the_policy() -> None:
    policy = Policy(
        throttle_after_failures=5,
        throttle_first_wait=timedelta(seconds=10),
        throttle_max_wait=timedelta(seconds=25),
    )
    assert check_login_allowed(streak(4), T0, policy).allowed
    assert check_login_allowed(streak(5), T0, policy).retry_after == timedelta(seconds=10)
    assert check_login_allowed(streak(6), T0, policy).retry_after == timedelta(seconds=20)
    assert check_login_allowed(streak(7), T0, policy).retry_after == timedelta(seconds=25)


# --- check_login_allowed: lockout -----------------------------------------------------------


def test_ten_failures_in_24_hours_lock_for_24_hours_after_the_last() -> None:
    last = T0 + timedelta(hours=23)
    state = streak(10, first=T0, last=last)
    verdict = check_login_allowed(state, last + timedelta(minutes=1))
    assert verdict == Verdict(
        allowed=False, locked=True, retry_after=timedelta(hours=23, minutes=59)
    )
    assert locked_message(verdict.retry_after) == (
        "Too many failed login attempts. The account is locked for 23 hours and 59 minutes; "
        "contact Client Services to unlock it sooner."
    )


def test_lock_ends_exactly_24_hours_after_the_last_failure() -> None:
    state = streak(10, first=T0, last=T0 + timedelta(hours=1))
    unlock = T0 + timedelta(hours=25)
    assert check_login_allowed(state, unlock - TICK).locked
    assert check_login_allowed(state, unlock) == Verdict(True, False, ZERO)


def test_ten_failures_spanning_more_than_the_window_do_not_lock() -> None:
    state = streak(10, first=T0, last=T0 + timedelta(hours=24))
    verdict = check_login_allowed(state, T0 + timedelta(hours=24, minutes=1))
    assert not verdict.locked
    assert verdict.retry_after == timedelta(minutes=29)


def test_nine_failures_throttle_but_do_not_lock() -> None:
    verdict = check_login_allowed(streak(9), T0)
    assert not verdict.locked
    assert not verdict.allowed


def test_the_lock_counts_failures_recorded_through_record_failure() -> None:
    state = fail_times(*(timedelta(hours=2 * i) for i in range(10)))
    assert state.consecutive == 10
    assert check_login_allowed(state, T0 + timedelta(hours=19)).locked


def test_failures_spread_over_more_than_24_hours_never_lock() -> None:
    state = fail_times(*(timedelta(hours=3 * i) for i in range(10)))  # 0h .. 27h
    assert state.consecutive == 2  # the streak restarted at 24 h
    assert not check_login_allowed(state, state.last_failure_at or T0).locked


def test_after_the_lock_the_next_failure_starts_a_new_streak() -> None:
    state = fail_times(*(timedelta(minutes=i) for i in range(10)))
    unlocked_at = T0 + timedelta(minutes=9, hours=24)
    assert check_login_allowed(state, unlocked_at).allowed
    state = record_failure(state, unlocked_at)
    assert state.consecutive == 1
    assert check_login_allowed(state, unlocked_at).allowed


def test_lockout_follows_the_policy() -> None:
    policy = Policy(lockout_failures=4, lockout_duration=timedelta(hours=2))
    verdict = check_login_allowed(streak(4), T0, policy)
    assert verdict.locked
    assert verdict.retry_after == timedelta(hours=2)


def test_lock_shorter_than_the_throttle_still_leaves_the_throttle() -> None:
    policy = Policy(
        lockout_failures=3,
        lockout_duration=timedelta(seconds=30),
        throttle_first_wait=timedelta(seconds=60),
    )
    assert check_login_allowed(streak(3), T0 + timedelta(seconds=10), policy).locked
    verdict = check_login_allowed(streak(3), T0 + timedelta(seconds=40), policy)
    assert verdict == Verdict(False, False, timedelta(seconds=20))


# --- messages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "words"),
    [
        (timedelta(seconds=53), "53 seconds"),
        (timedelta(seconds=52, microseconds=1), "53 seconds"),
        (timedelta(seconds=1), "1 second"),
        (TICK, "1 second"),
        (ZERO, "1 second"),
        (timedelta(minutes=30), "1800 seconds"),
    ],
)
def test_throttle_message_rounds_seconds_up(retry_after: timedelta, words: str) -> None:
    assert throttle_message(retry_after) == (
        f"Too many failed login attempts. Please wait {words} before attempting to re-login again."
    )


@pytest.mark.parametrize(
    ("retry_after", "words"),
    [
        (timedelta(hours=24), "24 hours"),
        (timedelta(hours=23, minutes=58, seconds=1), "23 hours and 59 minutes"),
        (timedelta(hours=1, minutes=1), "1 hour and 1 minute"),
        (timedelta(minutes=2), "2 minutes"),
        (timedelta(seconds=5), "1 minute"),
        (ZERO, "1 minute"),
    ],
)
def test_locked_message_rounds_minutes_up(retry_after: timedelta, words: str) -> None:
    assert locked_message(retry_after) == (
        f"Too many failed login attempts. The account is locked for {words}; "
        "contact Client Services to unlock it sooner."
    )


# --- state validation -----------------------------------------------------------------------


def test_failure_state_rejects_inconsistent_data() -> None:
    with pytest.raises(ValueError):
        FailureState(consecutive=-1)
    with pytest.raises(ValueError):
        FailureState(consecutive=2)
    with pytest.raises(ValueError, match="timezone-aware"):
        FailureState(1, datetime(2024, 1, 1), datetime(2024, 1, 1))  # naive on purpose


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_login_allowed(streak(3), datetime(2024, 1, 1))  # naive on purpose


def test_verdict_rejects_contradictions() -> None:
    with pytest.raises(ValueError):
        Verdict(allowed=True, locked=False, retry_after=timedelta(seconds=1))
    with pytest.raises(ValueError):
        Verdict(allowed=True, locked=True, retry_after=ZERO)
    with pytest.raises(ValueError):
        Verdict(allowed=False, locked=False, retry_after=ZERO)


# --- per source address: a leaky bucket of 50 failures draining one every 18 s --------------

SLOT = timedelta(seconds=18)  # 15 minutes / 50: the time the bucket takes to drain one failure


def burst(state: SourceState, at: datetime, attempts: int) -> tuple[SourceState, int]:
    """``attempts`` wrong passwords from one address at ``at``; how many of them were checked."""
    checked = 0
    for _ in range(attempts):
        if check_source_allowed(state, at).allowed:
            state = record_source_failure(state, at)
            checked += 1
    return state, checked


def test_source_failures_fill_the_bucket() -> None:
    state = SourceState()
    for _ in range(3):
        state = record_source_failure(state, T0)
    assert state == SourceState(level=3.0, updated_at=T0)


def test_the_bucket_drains_one_failure_every_18_seconds() -> None:
    state = SourceState(5.0, T0)
    assert source_level(state, T0 + SLOT) == 4.0
    assert source_level(state, T0 + 2 * SLOT) == 3.0
    assert source_level(state, T0 + 9 * SLOT / 2) == 0.5
    assert record_source_failure(state, T0 + 2 * SLOT) == SourceState(4.0, T0 + 2 * SLOT)


def test_the_bucket_drains_to_empty_and_no_further() -> None:
    state = SourceState(2.0, T0)
    assert source_level(state, T0 + timedelta(hours=1)) == 0.0
    later = T0 + timedelta(hours=1)
    assert record_source_failure(state, later) == SourceState(1.0, later)


def test_a_full_bucket_overflows_instead_of_growing() -> None:
    assert record_source_failure(SourceState(50.0, T0), T0) == SourceState(50.0, T0)


def test_a_full_bucket_is_empty_one_window_after_its_last_failure() -> None:
    assert source_level(SourceState(50.0, T0), T0 + timedelta(minutes=15)) == 0.0


def test_source_below_the_limit_is_allowed() -> None:
    assert check_source_allowed(SourceState(), T0).allowed
    assert check_source_allowed(SourceState(49.0, T0), T0).allowed


def test_a_full_bucket_waits_until_one_failure_has_drained() -> None:
    state = SourceState(50.0, T0)
    assert check_source_allowed(state, T0) == Verdict(False, False, SLOT)
    assert check_source_allowed(state, T0 + timedelta(seconds=5)).retry_after == timedelta(
        seconds=13
    )
    assert check_source_allowed(state, T0 + SLOT - TICK) == Verdict(False, False, TICK)
    assert check_source_allowed(state, T0 + SLOT).allowed


def test_a_partly_drained_bucket_waits_for_the_rest() -> None:
    assert check_source_allowed(SourceState(49.5, T0), T0).retry_after == SLOT / 2


def test_fifty_failures_in_a_burst_block_the_fifty_first() -> None:
    state, checked = burst(SourceState(), T0, 60)
    assert checked == 50
    assert check_source_allowed(state, T0 + timedelta(seconds=1)) == Verdict(
        False, False, timedelta(seconds=17)
    )


def test_after_a_burst_one_more_failure_is_checked_every_18_seconds() -> None:
    state, _ = burst(SourceState(), T0, 50)
    for slot in range(1, 6):
        state, checked = burst(state, T0 + slot * SLOT, 10)
        assert checked == 1
        assert check_source_allowed(state, T0 + slot * SLOT).retry_after == SLOT


def test_no_window_boundary_to_burst_across() -> None:
    """A fixed 15-minute window opened at T0 would let 49 guesses in just before it ends and
    50 more just after: 99 in one second. The bucket lets one more through."""
    state, _ = burst(SourceState(), T0, 1)
    state, before = burst(state, T0 + timedelta(minutes=15) - timedelta(seconds=1), 49)
    state, after = burst(state, T0 + timedelta(minutes=15), 50)
    assert (before, after) == (49, 1)
    verdict = check_source_allowed(state, T0 + timedelta(minutes=15))
    assert verdict == Verdict(False, False, timedelta(seconds=17))


def test_a_clock_behind_the_last_failure_neither_drains_nor_moves_time_back() -> None:
    state = SourceState(50.0, T0)
    earlier = T0 - timedelta(seconds=1)
    assert check_source_allowed(state, earlier).retry_after == timedelta(seconds=19)
    assert record_source_failure(SourceState(3.0, T0), earlier) == SourceState(4.0, T0)


def test_source_limit_follows_the_policy() -> None:
    policy = Policy(source_max_failures=2, source_window=timedelta(minutes=1))
    verdict = check_source_allowed(SourceState(2.0, T0), T0, policy)
    assert verdict.retry_after == timedelta(seconds=30)
    assert source_level(SourceState(2.0, T0), T0 + timedelta(seconds=45), policy) == 0.5


def test_source_state_rejects_inconsistent_data() -> None:
    with pytest.raises(ValueError):
        SourceState(level=-1.0)
    with pytest.raises(ValueError):
        SourceState(level=float("nan"), updated_at=T0)
    with pytest.raises(ValueError):
        SourceState(level=3.0)
    with pytest.raises(ValueError, match="timezone-aware"):
        SourceState(1.0, datetime(2024, 1, 1))  # naive on purpose
