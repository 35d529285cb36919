"""Identity checks (``/verify``): as a login up to the response, with only the devices that verify
an identity, ending in a short-lived approval for one purpose; on every database."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from tests.support.demo_api import Live, assert_error
from tests.support.identity_checks import Checks, add_sharing_users
from tws_companion.protocol import ErrorCode
from tws_companion.protocol.security import Approval
from tws_companion.server import login_flow
from tws_companion.server.db import Approval as ApprovalRow
from tws_companion.server.identity_check import APPROVAL_TTL, VERIFYING_KINDS
from tws_companion.server.sessions import token_hash


@pytest.fixture
def checks(live: Live) -> Checks:
    add_sharing_users(live.ctx)
    return Checks(live)


def test_only_devices_that_verify_an_identity_are_offered(checks: Checks) -> None:
    started = checks.start("demo", "withdrawal")
    assert started["step"] == "select_device"
    assert [device["kind"] for device in started["devices"]] == ["dsc_plus", "ib_key", "code_card"]
    assert {"dsc_plus", "ib_key", "code_card", "dsc", "gold", "platinum"} == VERIFYING_KINDS


def test_a_single_device_shows_its_challenge_at_once(checks: Checks) -> None:
    started = checks.start("solo", "withdrawal")
    assert started["step"] == "respond"
    assert started["device_id"] == "solo-ibkey"
    assert started["challenge"]["type"] == "ocra"


def test_the_response_gives_an_approval_for_the_purpose_for_five_minutes(checks: Checks) -> None:
    approval = checks.approval("demo", "share_device", "demo-dscplus")
    assert approval["device_kind"] == "dsc_plus"
    assert approval["purpose"] == "share_device"
    assert len(approval["token"]) >= 40
    parsed = Approval.model_validate(approval)
    assert parsed.expires_at == checks.clock.now() + APPROVAL_TTL
    assert approval["token"] not in repr(parsed)


def test_a_code_card_answers_an_identity_check(checks: Checks) -> None:
    approval = checks.approval("demo", "withdrawal", "demo-card")
    assert approval["device_kind"] == "code_card"


def test_sms_cannot_answer_an_identity_check(checks: Checks) -> None:
    login_id = checks.start("demo", "withdrawal")["login_id"]
    response = checks.post(f"/verify/{login_id}/device", {"device_id": "demo-sms"})
    assert_error(response, 404, ErrorCode.DEVICE_NOT_FOUND)


def test_a_user_without_such_a_device_is_told_what_is_needed(checks: Checks) -> None:
    body = {"username": "texter", "password": "texter-pass-1", "purpose": "withdrawal"}
    error = assert_error(checks.post("/verify", body), 403, ErrorCode.NO_ACTIVE_DEVICE)
    assert "Digital Security Card+" in error["message"]


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(checks: Checks) -> None:
    wrong = checks.post(
        "/verify", {"username": "demo", "password": "nope", "purpose": "withdrawal"}
    )
    unknown = checks.post(
        "/verify", {"username": "nobody", "password": "nope", "purpose": "withdrawal"}
    )
    first = assert_error(wrong, 401, ErrorCode.INVALID_CREDENTIALS)
    second = assert_error(unknown, 401, ErrorCode.INVALID_CREDENTIALS)
    assert first == second


def test_failed_identity_checks_throttle_logins_of_the_same_name(checks: Checks) -> None:
    body = {"username": "solo", "password": "wrong-pass", "purpose": "withdrawal"}
    for _ in range(3):
        assert_error(checks.post("/verify", body), 401, ErrorCode.INVALID_CREDENTIALS)
    login = checks.post("/login", {"username": "solo", "password": "solo-pass-1"})
    assert_error(login, 429, ErrorCode.LOGIN_THROTTLED)


def test_an_unknown_purpose_is_refused(checks: Checks) -> None:
    body = {"username": "demo", "password": "demo-pass-1", "purpose": "buy_a_yacht"}
    assert_error(checks.post("/verify", body), 422, ErrorCode.INVALID_REQUEST)


def test_wrong_responses_count_as_in_a_login(checks: Checks) -> None:
    login_id = checks.start("solo", "withdrawal")["login_id"]
    first = checks.post(f"/verify/{login_id}/respond", {"response": "00000000"})
    assert assert_error(first, 401, ErrorCode.WRONG_RESPONSE)["attempts_left"] == 2
    checks.post(f"/verify/{login_id}/respond", {"response": "00000000"})
    third = checks.post(f"/verify/{login_id}/respond", {"response": "00000000"})
    assert_error(third, 401, ErrorCode.CHALLENGE_FAILED)
    again = checks.post(f"/verify/{login_id}/respond", {"response": "00000000"})
    assert_error(again, 404, ErrorCode.LOGIN_NOT_FOUND)


def test_an_identity_check_expires_like_a_login(checks: Checks) -> None:
    started = checks.start("solo", "withdrawal")
    response = checks.answer("solo-ibkey", started["challenge"])
    checks.clock.advance(minutes=5, seconds=1)
    late = checks.post(f"/verify/{started['login_id']}/respond", {"response": response})
    assert_error(late, 410, ErrorCode.LOGIN_EXPIRED, ErrorCode.CHALLENGE_EXPIRED)


def test_an_identity_check_never_opens_a_session(checks: Checks) -> None:
    started = checks.start("solo", "withdrawal")
    response = checks.answer("solo-ibkey", started["challenge"])
    as_login = checks.post(f"/login/{started['login_id']}/respond", {"response": response})
    assert_error(as_login, 404, ErrorCode.LOGIN_NOT_FOUND)
    # ... and still answers as the identity check it is.
    done = checks.post(f"/verify/{started['login_id']}/respond", {"response": response})
    assert checks.ok(done)["approval"]["purpose"] == "withdrawal"


def test_a_login_never_gives_an_approval(checks: Checks) -> None:
    started = checks.live.login("solo", "solo-pass-1", "solo-ibkey")
    response = checks.answer("solo-ibkey", started["challenge"])
    as_check = checks.post(f"/verify/{started['login_id']}/respond", {"response": response})
    assert_error(as_check, 404, ErrorCode.LOGIN_NOT_FOUND)
    device = checks.post(f"/verify/{started['login_id']}/device", {"device_id": "solo-ibkey"})
    assert_error(device, 404, ErrorCode.LOGIN_NOT_FOUND)


def test_a_response_accepted_once_is_not_accepted_again(checks: Checks) -> None:
    started = checks.start("solo", "withdrawal")
    response = checks.answer("solo-ibkey", started["challenge"])
    checks.ok(checks.post(f"/verify/{started['login_id']}/respond", {"response": response}))
    again = checks.post(f"/verify/{started['login_id']}/respond", {"response": response})
    assert_error(again, 404, ErrorCode.LOGIN_NOT_FOUND)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/verify", {"username": "demo\x00", "password": "demo-pass-1", "purpose": "withdrawal"}),
        ("/verify", {"username": "ß" * 64, "password": "demo-pass-1", "purpose": "withdrawal"}),
        ("/verify", {"username": "demo", "password": "x" * 300, "purpose": "withdrawal"}),
        ("/verify", {"username": "demo", "password": "demo-pass-1"}),
        ("/verify", {"username": "demo", "password": "p", "purpose": "withdrawal", "extra": 1}),
        ("/verify/%00/respond", {"response": "12345678"}),
        ("/verify/x/device", {"device_id": "../../etc"}),
        ("/withdrawals", {"amount_usd": "10", "approval": "a b"}),
        ("/withdrawals", {"amount_usd": "10", "approval": "A" * 65}),
        ("/me/device-shares", {"approval": "\x00"}),
        ("/me/device-shares", []),
    ],
)
def test_odd_requests_are_clear_refusals_that_echo_nothing(
    checks: Checks, caplog: pytest.LogCaptureFixture, path: str, body: object
) -> None:
    caplog.set_level(logging.WARNING)
    token = checks.session("solo", "solo-ibkey")
    response = checks.post(path, body, token)
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code, *ErrorCode)
    assert "demo-pass-1" not in response.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_pruning_forgets_expired_approvals_only(checks: Checks) -> None:
    checks.approval("solo", "withdrawal", "solo-ibkey")
    checks.clock.advance(minutes=4)
    fresh = checks.approval("solo", "withdrawal", "solo-ibkey")
    checks.clock.advance(minutes=2)  # the first has expired, the second has not
    with checks.ctx.db.transaction() as s:
        login_flow.prune(s, checks.ctx, checks.clock.now())
    with checks.ctx.db.read() as s:
        assert len(s.scalars(select(ApprovalRow.token_hash)).all()) == 2  # "expired" for a day
    # A day on: the first expired over a day ago, the second not yet a day ago.
    checks.clock.advance(seconds=login_flow.EXPIRED_APPROVAL_KEPT.total_seconds())
    with checks.ctx.db.transaction() as s:
        login_flow.prune(s, checks.ctx, checks.clock.now())
    with checks.ctx.db.read() as s:
        kept = s.scalars(select(ApprovalRow.token_hash)).all()
    assert kept == [token_hash(fresh["token"])]
