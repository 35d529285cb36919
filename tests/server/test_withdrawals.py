"""Withdrawals: confirmed with an approval for ``withdrawal`` of the session's own user, used
once, within the limits per day and per 5 business days of the device that answered it; on every
database, with the server's clock moved by hand (the default start is Monday 2 November 2026)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.support.demo_api import Live, assert_error
from tests.support.identity_checks import Checks, add_sharing_users
from tws_companion.protocol import ErrorCode
from tws_companion.server import login_flow
from tws_companion.server.withdrawals import five_business_days_start

CARD, DSC_PLUS, IB_KEY = "demo-card", "demo-dscplus", "demo-ibkey"


@pytest.fixture
def checks(live: Live) -> Checks:
    add_sharing_users(live.ctx)
    return Checks(live)


@pytest.fixture
def token(checks: Checks) -> str:
    return checks.session("demo", DSC_PLUS)


def withdraw(checks: Checks, token: str, amount: str, approval: dict[str, Any] | str) -> Any:
    code = approval if isinstance(approval, str) else approval["token"]
    return checks.post("/withdrawals", {"amount_usd": amount, "approval": code}, token)


def confirmed(checks: Checks, token: str, amount: str, device_id: str = CARD) -> dict[str, Any]:
    approval = checks.approval("demo", "withdrawal", device_id)
    return checks.ok(withdraw(checks, token, amount, approval), 201)


def test_a_withdrawal_confirmed_with_a_device_is_made_and_listed(
    checks: Checks, token: str
) -> None:
    made = confirmed(checks, token, "150000.50")
    assert made["amount_usd"] == "150000.50"
    assert made["device_kind"] == "code_card"
    listed = checks.ok(checks.get("/me/withdrawals", token))["withdrawals"]
    assert [(w["withdrawal_id"], w["amount_usd"]) for w in listed] == [
        (made["withdrawal_id"], "150000.50")
    ]


def test_an_approval_is_used_once(checks: Checks, token: str) -> None:
    approval = checks.approval("demo", "withdrawal", CARD)
    checks.ok(withdraw(checks, token, "10", approval), 201)
    assert_error(withdraw(checks, token, "10", approval), 409, ErrorCode.APPROVAL_USED)


def test_an_approval_for_another_purpose_is_refused_and_not_used_up(
    checks: Checks, token: str
) -> None:
    approval = checks.approval("demo", "share_device", CARD)
    refused = withdraw(checks, token, "10", approval)
    assert_error(refused, 403, ErrorCode.APPROVAL_WRONG_PURPOSE)


def test_an_expired_approval_is_refused(checks: Checks, token: str) -> None:
    approval = checks.approval("demo", "withdrawal", CARD)
    checks.clock.advance(minutes=5)
    assert_error(withdraw(checks, token, "10", approval), 410, ErrorCode.APPROVAL_EXPIRED)


def test_an_expired_approval_is_refused_as_expired_even_after_a_prune(
    checks: Checks, token: str
) -> None:
    """A login's occasional prune (one in a hundred) does not turn "expired" into "not valid";
    a day later the approval is gone."""
    approval = checks.approval("demo", "withdrawal", CARD)
    checks.clock.advance(minutes=5, seconds=1)
    with checks.ctx.db.transaction() as s:
        login_flow.prune(s, checks.ctx, checks.clock.now())
    assert_error(withdraw(checks, token, "10", approval), 410, ErrorCode.APPROVAL_EXPIRED)
    checks.clock.advance(days=1, minutes=1)
    with checks.ctx.db.transaction() as s:
        login_flow.prune(s, checks.ctx, checks.clock.now())
    token = checks.session("demo", CARD)
    assert_error(withdraw(checks, token, "10", approval), 403, ErrorCode.APPROVAL_INVALID)


def test_another_users_approval_is_refused(checks: Checks, token: str) -> None:
    approval = checks.approval("solo", "withdrawal", "solo-ibkey")
    assert_error(withdraw(checks, token, "10", approval), 403, ErrorCode.APPROVAL_INVALID)
    # solo may still use it.
    solo = checks.session("solo", "solo-ibkey")
    assert checks.ok(withdraw(checks, solo, "10", approval), 201)["device_kind"] == "ib_key"


def test_an_unknown_approval_or_no_session_is_refused(checks: Checks, token: str) -> None:
    unknown = withdraw(checks, token, "10", "A" * 43)
    assert_error(unknown, 403, ErrorCode.APPROVAL_INVALID)
    approval = checks.approval("demo", "withdrawal", CARD)
    anonymous = checks.post("/withdrawals", {"amount_usd": "10", "approval": approval["token"]})
    assert_error(anonymous, 401, ErrorCode.UNAUTHORIZED)


def test_a_too_low_device_names_the_devices_that_can_confirm(checks: Checks, token: str) -> None:
    approval = checks.approval("demo", "withdrawal", CARD)
    refused = withdraw(checks, token, "200000.01", approval)
    error = assert_error(refused, 403, ErrorCode.WITHDRAWAL_LIMIT)
    assert error["device_kinds"] == ["dsc_plus", "ib_key"]
    assert "200,000 USD a day" in error["message"]
    assert "Digital Security Card+" in error["message"]
    # The refusal left the approval unused: a smaller amount goes through with it.
    checks.ok(withdraw(checks, token, "200000", approval), 201)


def test_above_the_ib_key_limit_only_dsc_plus_can_confirm(checks: Checks, token: str) -> None:
    approval = checks.approval("demo", "withdrawal", IB_KEY)
    error = assert_error(
        withdraw(checks, token, "1000001", approval), 403, ErrorCode.WITHDRAWAL_LIMIT
    )
    assert error["device_kinds"] == ["dsc_plus"]
    made = confirmed(checks, token, "5000000", DSC_PLUS)
    assert made["device_kind"] == "dsc_plus"


def later(checks: Checks, days: int) -> str:
    """A new session ``days`` later (a session does not last a day)."""
    checks.clock.advance(days=days)
    return checks.session("demo", DSC_PLUS)


def test_the_daily_limit_counts_the_days_earlier_withdrawals(checks: Checks, token: str) -> None:
    confirmed(checks, token, "150000")
    approval = checks.approval("demo", "withdrawal", CARD)
    assert_error(withdraw(checks, token, "60000", approval), 403, ErrorCode.WITHDRAWAL_LIMIT)
    token = later(checks, 1)  # Tuesday: a new day, the same 5 business days (600,000)
    checks.ok(withdraw(checks, token, "60000", checks.approval("demo", "withdrawal", CARD)), 201)


def test_the_five_business_days_limit_spans_a_weekend(checks: Checks) -> None:
    token = later(checks, 3)  # Thursday 5 November
    confirmed(checks, token, "200000")
    token = later(checks, 1)  # Friday
    confirmed(checks, token, "200000")
    token = later(checks, 3)  # Monday: Tuesday to Monday holds Thursday and Friday
    confirmed(checks, token, "200000")  # 600,000 in 5 business days: the limit, not above
    token = later(checks, 1)  # Tuesday
    approval = checks.approval("demo", "withdrawal", CARD)
    error = assert_error(withdraw(checks, token, "1", approval), 403, ErrorCode.WITHDRAWAL_LIMIT)
    assert "600,000 USD in 5 business days" in error["message"]
    token = later(checks, 1)  # Wednesday: Thursday is still one of the 5 business days
    approval = checks.approval("demo", "withdrawal", CARD)
    assert_error(withdraw(checks, token, "1", approval), 403, ErrorCode.WITHDRAWAL_LIMIT)
    token = later(checks, 1)  # Thursday: last Thursday's 200,000 has left the window
    confirmed(checks, token, "200000")


def test_a_weekend_withdrawal_counts_in_the_next_business_days() -> None:
    # Monday 9 November 2026: the window starts on Tuesday 3rd and spans the weekend.
    assert five_business_days_start(date(2026, 11, 9)) == date(2026, 11, 3)
    # Saturday: the week's five business days and the weekend so far.
    assert five_business_days_start(date(2026, 11, 7)) == date(2026, 11, 2)
    assert five_business_days_start(date(2026, 11, 6)) == date(2026, 11, 2)  # Friday


@pytest.mark.parametrize(
    "amount",
    ["0", "-5", "10.001", "1e20", "NaN", "Infinity", "", "ten", True, None, [1], {"a": 1}],
)
def test_an_odd_amount_is_a_clear_422(checks: Checks, token: str, amount: object) -> None:
    approval = checks.approval("demo", "withdrawal", CARD)
    response = checks.post(
        "/withdrawals", {"amount_usd": amount, "approval": approval["token"]}, token
    )
    assert_error(response, 422, ErrorCode.INVALID_REQUEST)
    # The approval is still good.
    checks.ok(withdraw(checks, token, "1", approval), 201)


def test_amounts_may_be_json_numbers(checks: Checks, token: str) -> None:
    approval = checks.approval("demo", "withdrawal", CARD)
    response = checks.post(
        "/withdrawals", {"amount_usd": 1234.5, "approval": approval["token"]}, token
    )
    assert Decimal(checks.ok(response, 201)["amount_usd"]) == Decimal("1234.50")
