"""The SLS numbers of DESIGN.md section 3 and the configurable Policy."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from tws_companion.sls import policy
from tws_companion.sls.policy import DEFAULT_POLICY, Policy


def test_login_transaction_lasts_5_minutes() -> None:
    assert timedelta(minutes=5) == policy.LOGIN_TRANSACTION_TTL


def test_challenge_is_valid_120_seconds() -> None:
    assert timedelta(seconds=120) == policy.CHALLENGE_TTL


def test_three_wrong_responses_end_a_challenge() -> None:
    assert policy.MAX_WRONG_RESPONSES == 3


def test_one_time_codes_have_6_digits() -> None:
    assert policy.ONE_TIME_CODE_DIGITS == 6


def test_one_time_codes_are_valid_5_minutes() -> None:
    assert timedelta(minutes=5) == policy.ONE_TIME_CODE_TTL


def test_one_send_per_30_seconds() -> None:
    assert timedelta(seconds=30) == policy.RESEND_MIN_INTERVAL


def test_five_sends_per_login() -> None:
    assert policy.RESEND_MAX_PER_LOGIN == 5


def test_voice_call_within_60_seconds() -> None:
    assert timedelta(seconds=60) == policy.VOICE_CALL_WITHIN


def test_voice_reads_the_code_twice() -> None:
    assert policy.VOICE_CODE_REPEATS == 2


def test_throttle_after_3_failures() -> None:
    assert policy.THROTTLE_AFTER_FAILURES == 3


def test_first_throttle_wait_covers_the_53_second_message() -> None:
    assert timedelta(seconds=53) < policy.THROTTLE_FIRST_WAIT
    assert timedelta(seconds=60) == policy.THROTTLE_FIRST_WAIT


def test_throttle_wait_is_capped() -> None:
    assert timedelta(minutes=30) == policy.THROTTLE_MAX_WAIT
    assert policy.THROTTLE_FIRST_WAIT < policy.THROTTLE_MAX_WAIT < policy.LOCKOUT_DURATION


def test_10_failures_lock_the_account() -> None:
    assert policy.LOCKOUT_FAILURES == 10


def test_lockout_window_is_24_hours() -> None:
    assert timedelta(hours=24) == policy.LOCKOUT_WINDOW


def test_lockout_lasts_24_hours() -> None:
    assert timedelta(hours=24) == policy.LOCKOUT_DURATION


def test_source_limit() -> None:
    # DESIGN.md only asks for a separate per-source limit; it must not be stricter than the
    # per-user lockout, or one user's typos would lock out a whole office behind one address.
    assert policy.SOURCE_MAX_FAILURES == 50
    assert policy.SOURCE_MAX_FAILURES > policy.LOCKOUT_FAILURES
    assert timedelta(minutes=15) == policy.SOURCE_WINDOW


def test_device_locks_after_10_failures() -> None:
    assert policy.DEVICE_LOCK_FAILURES == 10


def test_temporary_passcode_full_access_for_2_days() -> None:
    assert timedelta(days=2) == policy.TEMPORARY_FULL_ACCESS


def test_temporary_passcode_portal_access_until_day_8() -> None:
    assert timedelta(days=8) == policy.TEMPORARY_PORTAL_ACCESS


def test_temporary_passcode_length() -> None:
    assert policy.TEMPORARY_PASSCODE_LENGTH == 8


def test_online_card_valid_21_days() -> None:
    assert timedelta(days=21) == policy.ONLINE_CARD_VALIDITY


def test_code_card_layout() -> None:
    assert policy.CODE_CARD_SIZE == 224
    assert policy.CODE_CARD_VALUE_LENGTH == 3
    assert policy.CODE_CARD_INDICES_PER_CHALLENGE == 2


def test_dsc_plus_pin_has_4_digits_and_ib_key_4_to_6_characters() -> None:
    assert policy.DSC_PLUS_PIN_DIGITS == 4
    assert (policy.IB_KEY_PIN_MIN_LENGTH, policy.IB_KEY_PIN_MAX_LENGTH) == (4, 6)


def test_session_tokens_are_256_bits() -> None:
    assert policy.SESSION_TOKEN_BYTES * 8 == 256


def test_session_ttl() -> None:
    assert timedelta(hours=12) == policy.SESSION_TTL


@pytest.mark.parametrize("field", [field.name for field in dataclasses.fields(Policy)])
def test_policy_defaults_are_the_constants(field: str) -> None:
    assert getattr(Policy(), field) == getattr(policy, field.upper())


def test_default_policy_is_the_default() -> None:
    assert Policy() == DEFAULT_POLICY


def test_policy_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Policy().max_wrong_responses = 5  # type: ignore[misc]


def test_from_mapping_converts_seconds() -> None:
    result = Policy.from_mapping({"challenge_ttl": 30, "lockout_duration": 1.5})
    assert result.challenge_ttl == timedelta(seconds=30)
    assert result.lockout_duration == timedelta(seconds=1.5)
    assert result.login_transaction_ttl == policy.LOGIN_TRANSACTION_TTL


def test_from_mapping_takes_counts() -> None:
    result = Policy.from_mapping({"lockout_failures": 4, "source_max_failures": 7})
    assert result.lockout_failures == 4
    assert result.source_max_failures == 7


def test_from_mapping_empty_is_the_default() -> None:
    assert Policy.from_mapping({}) == Policy()


def test_from_mapping_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown policy settings: bogus, lockout_falures"):
        Policy.from_mapping({"lockout_falures": 3, "bogus": 1, "challenge_ttl": 10})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("challenge_ttl", "120"),
        ("challenge_ttl", True),
        ("challenge_ttl", None),
        ("challenge_ttl", timedelta(seconds=5)),
        ("challenge_ttl", float("inf")),
        ("challenge_ttl", float("nan")),
        ("challenge_ttl", 10**20),
        ("lockout_failures", 3.0),
        ("lockout_failures", "3"),
        ("lockout_failures", False),
    ],
)
def test_from_mapping_rejects_bad_types(name: str, value: Any) -> None:
    with pytest.raises(ValueError, match=name):
        Policy.from_mapping({name: value})


@pytest.mark.parametrize(
    "values",
    [
        {"challenge_ttl": 0},
        {"challenge_ttl": -5},
        {"lockout_failures": 0},
        {"resend_max_per_login": -1},
    ],
)
def test_from_mapping_rejects_non_positive_values(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        Policy.from_mapping(values)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"challenge_ttl": timedelta(0)},
        {"login_transaction_ttl": timedelta(seconds=-1)},
        {"max_wrong_responses": 0},
        {"throttle_after_failures": -3},
    ],
)
def test_policy_rejects_non_positive_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        Policy(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"challenge_ttl": 120}, {"max_wrong_responses": 3.0}, {"lockout_failures": True}],
)
def test_policy_rejects_wrong_types(kwargs: dict[str, Any]) -> None:
    (name,) = kwargs
    with pytest.raises(TypeError, match=f"policy {name} must be"):
        Policy(**kwargs)
