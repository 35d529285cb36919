"""Temporary passcodes and the Online Security Code Card: generation and validity periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tws_companion.sls.policy import Policy
from tws_companion.sls.temporary import (
    PASSCODE_ALPHABET,
    TemporaryAccess,
    may_issue_temporary,
    new_temporary_passcode,
    normalize_passcode,
    online_card_valid,
    temporary_passcode_access,
)

ISSUED = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def test_passcode_is_upper_case_and_unambiguous() -> None:
    for _ in range(100):
        passcode = new_temporary_passcode()
        assert len(passcode) == 8
        assert set(passcode) <= set(PASSCODE_ALPHABET)
        assert passcode == passcode.upper()
    assert not set("0O1IL") & set(PASSCODE_ALPHABET)


def test_passcode_length_and_randomness() -> None:
    assert len(new_temporary_passcode(12)) == 12
    assert len({new_temporary_passcode() for _ in range(20)}) > 1
    with pytest.raises(ValueError):
        new_temporary_passcode(0)


@pytest.mark.parametrize(
    ("typed", "normal"), [("abcd efgh", "ABCDEFGH"), (" AbCd\tEfGh\n", "ABCDEFGH"), ("", "")]
)
def test_normalize_passcode(typed: str, normal: str) -> None:
    assert normalize_passcode(typed) == normal


def test_a_generated_passcode_survives_normalisation() -> None:
    passcode = new_temporary_passcode()
    assert normalize_passcode(f" {passcode.lower()} ") == passcode


@pytest.mark.parametrize(
    ("age", "access"),
    [
        (timedelta(0), TemporaryAccess.FULL),
        (timedelta(days=1), TemporaryAccess.FULL),
        (timedelta(days=2) - TICK, TemporaryAccess.FULL),
        (timedelta(days=2), TemporaryAccess.PORTAL_PRINT_CARD),
        (timedelta(days=5), TemporaryAccess.PORTAL_PRINT_CARD),
        (timedelta(days=8) - TICK, TemporaryAccess.PORTAL_PRINT_CARD),
        (timedelta(days=8), TemporaryAccess.EXPIRED),
        (timedelta(days=400), TemporaryAccess.EXPIRED),
    ],
)
def test_temporary_passcode_periods(age: timedelta, access: TemporaryAccess) -> None:
    assert temporary_passcode_access(ISSUED, ISSUED + age) is access


def test_temporary_access_values_are_stable() -> None:
    assert [member.value for member in TemporaryAccess] == [
        "full",
        "portal_print_card",
        "expired",
    ]


def test_temporary_passcode_periods_follow_the_policy() -> None:
    policy = Policy(temporary_full_access=timedelta(hours=1), temporary_portal_access=timedelta(3))
    at = ISSUED + timedelta(hours=1)
    assert temporary_passcode_access(ISSUED, at, policy) is TemporaryAccess.PORTAL_PRINT_CARD
    at = ISSUED + timedelta(days=3)
    assert temporary_passcode_access(ISSUED, at, policy) is TemporaryAccess.EXPIRED


def test_temporary_passcode_compares_instants_not_wall_clocks() -> None:
    tokyo = timezone(timedelta(hours=9))
    now = (ISSUED + timedelta(days=2) - timedelta(minutes=1)).astimezone(tokyo)
    assert temporary_passcode_access(ISSUED, now) is TemporaryAccess.FULL


@pytest.mark.parametrize(
    ("age", "valid"),
    [
        (timedelta(0), True),
        (timedelta(days=21) - TICK, True),
        (timedelta(days=21), False),
        (timedelta(days=30), False),
    ],
)
def test_online_card_is_valid_for_21_days(age: timedelta, valid: bool) -> None:
    assert online_card_valid(ISSUED, ISSUED + age) is valid


def test_online_card_validity_follows_the_policy() -> None:
    policy = Policy(online_card_validity=timedelta(days=1))
    assert not online_card_valid(ISSUED, ISSUED + timedelta(days=1), policy)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2024, 3, 1, 9, 30)  # the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        temporary_passcode_access(naive, ISSUED)
    with pytest.raises(ValueError, match="timezone-aware"):
        online_card_valid(ISSUED, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        may_issue_temporary(naive, None)


def test_first_temporary_passcode_may_be_issued() -> None:
    assert may_issue_temporary(None, None)
    assert may_issue_temporary(None, ISSUED)


def test_no_second_passcode_without_a_permanent_login() -> None:
    assert not may_issue_temporary(ISSUED, None)


def test_no_second_passcode_when_the_permanent_login_was_before_it() -> None:
    assert not may_issue_temporary(ISSUED, ISSUED - timedelta(days=1))
    assert not may_issue_temporary(ISSUED, ISSUED)


def test_second_passcode_after_a_permanent_login() -> None:
    assert may_issue_temporary(ISSUED, ISSUED + TICK)
