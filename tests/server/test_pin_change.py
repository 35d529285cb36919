"""PIN changes on the server in process, on SQLite and PostgreSQL: the IB Key PIN change of the
phone app (user name, password, current PIN, new PIN twice, then an SMS code) and the DSC+ PIN
change after a login (a challenge answered with the new PIN); each rule and each refusal, and a
login with the new PIN afterwards (the old one refused)."""

from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import select

from tests.support.clock import ManualClock
from tests.support.demo import SOLO_KEY, dsc_plus_response, ib_key_response
from tests.support.demo import latest_code as outbox_code
from tests.support.demo_api import (
    DEMO_PASSWORD,
    DEMO_USER,
    SOLO_DEVICE,
    SOLO_PASSWORD,
    SOLO_USER,
    Live,
    assert_error,
)
from tws_companion.protocol import API_PREFIX, DeviceStatus, ErrorCode, device_changes
from tws_companion.server import accounts
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, LoginFailure
from tws_companion.sls import policy
from tws_companion.storage.outbox import read_messages

SOLO_PIN = "4321"
DSC_PLUS = "demo-dscplus"


def _post(client: requests.Session, path: str, body: dict[str, Any], token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"{API_PREFIX}{path}", json=body, headers=headers, timeout=30)


def _sms_count(ctx: ServerContext) -> int:
    assert ctx.data_dir is not None
    return len(read_messages(ctx.data_dir / "outbox"))


def _code(ctx: ServerContext) -> str:
    assert ctx.data_dir is not None
    return outbox_code(ctx.data_dir / "outbox", "sms")


def _ib_key_change(
    username: str = SOLO_USER,
    password: str = SOLO_PASSWORD,
    current: str = SOLO_PIN,
    new: str = "a1b2#",
    repeat: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "username": username,
        "password": password,
        "current_pin": current,
        "new_pin": new,
        "new_pin_repeat": new if repeat is None else repeat,
    }
    body.update(extra)
    return body


def _start(live: Live, **fields: Any) -> dict[str, Any]:
    answer = _post(live.client, "/ib-key/pin-change", _ib_key_change(**fields))
    assert answer.status_code == 200, answer.text
    started: dict[str, Any] = answer.json()
    return started


def _solo_login_result(live: Live, pin: str) -> requests.Response:
    """A solo login answered with the IB Key response computed with ``pin``."""
    started = live.login(SOLO_USER, SOLO_PASSWORD, SOLO_DEVICE)
    response = ib_key_response(started["challenge"]["code"], key=SOLO_KEY, pin=pin)
    result: requests.Response = _post(
        live.client, f"/login/{started['login_id']}/respond", {"response": response}
    )
    return result


def _demo_session(live: Live, dsc_pin: str = "1234") -> str:
    started = live.login(DEMO_USER, DEMO_PASSWORD, DSC_PLUS)
    response = dsc_plus_response(started["challenge"]["code"], pin=dsc_pin)
    done = live.post(f"/login/{started['login_id']}/respond", {"response": response})
    token: str = done["session"]["token"]
    return token


# --- IB Key ------------------------------------------------------------------------------------


def test_an_ib_key_pin_change_confirmed_by_sms_makes_logins_take_the_new_pin(
    live: Live, ctx: ServerContext
) -> None:
    started = _start(live)
    assert started["destination"] == "+*** *** 0111"
    assert started["expires_in"] == 300
    [sms] = read_messages(ctx.data_dir / "outbox") if ctx.data_dir else []
    assert sms.to == "+15555550111"

    done = live.post(f"/ib-key/pin-change/{started['change_id']}/confirm", {"code": _code(ctx)})

    assert done == {"device_id": SOLO_DEVICE}
    assert _solo_login_result(live, "a1b2#").status_code == 200
    assert_error(_solo_login_result(live, SOLO_PIN), 401, ErrorCode.WRONG_RESPONSE)


def test_the_pin_stays_until_the_sms_code_confirms_it(live: Live, ctx: ServerContext) -> None:
    _start(live)
    assert _solo_login_result(live, SOLO_PIN).status_code == 200


def test_a_wrong_current_pin_is_refused_counted_and_sends_no_sms(
    live: Live, ctx: ServerContext
) -> None:
    answer = _post(live.client, "/ib-key/pin-change", _ib_key_change(current="9999"))

    error = assert_error(answer, 401, ErrorCode.WRONG_PIN)
    assert error["attempts_left"] == 9
    assert "call Client Services" in error["message"]
    assert _sms_count(ctx) == 0
    again = _post(live.client, "/ib-key/pin-change", _ib_key_change(current="0000"))
    assert assert_error(again, 401, ErrorCode.WRONG_PIN)["attempts_left"] == 8


def test_ten_wrong_current_pins_lock_the_ib_key_like_ten_failed_responses(
    live: Live, ctx: ServerContext
) -> None:
    for left in range(9, 0, -1):
        answer = _post(live.client, "/ib-key/pin-change", _ib_key_change(current="9999"))
        assert assert_error(answer, 401, ErrorCode.WRONG_PIN)["attempts_left"] == left

    tenth = _post(live.client, "/ib-key/pin-change", _ib_key_change(current="9999"))
    assert_error(tenth, 423, ErrorCode.DEVICE_LOCKED)
    # Even the right PIN is refused now, and a login cannot use the IB Key any more.
    right = _post(live.client, "/ib-key/pin-change", _ib_key_change())
    assert_error(right, 423, ErrorCode.DEVICE_LOCKED)
    login = _post(live.client, "/login", {"username": SOLO_USER, "password": SOLO_PASSWORD})
    assert_error(login, 423, ErrorCode.DEVICE_LOCKED)


def test_a_right_current_pin_after_wrong_ones_and_a_confirmed_change_ends_the_failure_run(
    live: Live, ctx: ServerContext
) -> None:
    _post(live.client, "/ib-key/pin-change", _ib_key_change(current="9999"))
    started = _start(live)
    live.post(f"/ib-key/pin-change/{started['change_id']}/confirm", {"code": _code(ctx)})

    again = _post(live.client, "/ib-key/pin-change", _ib_key_change(current="zzzz"))
    assert assert_error(again, 401, ErrorCode.WRONG_PIN)["attempts_left"] == 9


def test_new_pins_that_differ_or_break_the_rule_are_refused_before_the_password(
    live: Live, ctx: ServerContext
) -> None:
    mismatch = _post(live.client, "/ib-key/pin-change", _ib_key_change(new="5678", repeat="5679"))
    assert_error(mismatch, 409, ErrorCode.PIN_MISMATCH)
    for bad in ("123", "1234567", "12 34", "12é4"):
        answer = _post(live.client, "/ib-key/pin-change", _ib_key_change(new=bad))
        error = assert_error(answer, 422, ErrorCode.INVALID_REQUEST)
        assert error["message"].startswith("Invalid request: new_pin")
    # Nothing was counted against the user name, and nothing was sent.
    with ctx.db.read() as s:
        assert s.scalars(select(LoginFailure)).all() == []
    assert _sms_count(ctx) == 0


def test_pins_of_letters_digits_and_symbols_from_4_to_6_characters_are_taken(
    live: Live, ctx: ServerContext
) -> None:
    for new in ("Ab1!", "x9%Yz_"):
        started = _start(live, current=SOLO_PIN, new=new)
        live.post(f"/ib-key/pin-change/{started['change_id']}/confirm", {"code": _code(ctx)})
        assert _solo_login_result(live, new).status_code == 200
        # back to the demo PIN for the next round
        started = _start(live, current=new, new=SOLO_PIN)
        live.post(f"/ib-key/pin-change/{started['change_id']}/confirm", {"code": _code(ctx)})


def test_an_unknown_user_is_answered_exactly_like_a_wrong_password(live: Live) -> None:
    unknown = _post(live.client, "/ib-key/pin-change", _ib_key_change(username="nobody-here"))
    wrong = _post(live.client, "/ib-key/pin-change", _ib_key_change(password="not-it"))

    unknown_error = assert_error(unknown, 401, ErrorCode.INVALID_CREDENTIALS)
    wrong_error = assert_error(wrong, 401, ErrorCode.INVALID_CREDENTIALS)
    assert unknown_error == wrong_error


def test_an_ip_restricted_user_cannot_change_a_pin_from_elsewhere(
    live: Live, ctx: ServerContext
) -> None:
    before = _sms_count(ctx)
    answer = _post(
        live.client,
        "/ib-key/pin-change",
        _ib_key_change(username="restricted", password="restricted-pass-1"),
    )
    assert_error(answer, 403, ErrorCode.IP_RESTRICTED)
    assert _sms_count(ctx) == before


def test_a_wrong_sms_code_counts_and_the_third_ends_the_change(
    live: Live, ctx: ServerContext
) -> None:
    started = _start(live)
    code = _code(ctx)
    wrong = "000000" if code != "000000" else "111111"
    path = f"/ib-key/pin-change/{started['change_id']}/confirm"

    first = assert_error(_post(live.client, path, {"code": wrong}), 401, ErrorCode.WRONG_RESPONSE)
    assert first["attempts_left"] == 2
    assert_error(_post(live.client, path, {"code": wrong}), 401, ErrorCode.WRONG_RESPONSE)
    assert_error(_post(live.client, path, {"code": wrong}), 401, ErrorCode.CHALLENGE_FAILED)
    assert_error(_post(live.client, path, {"code": code}), 404, ErrorCode.CHANGE_NOT_FOUND)
    assert _solo_login_result(live, SOLO_PIN).status_code == 200


def test_an_sms_code_expires_after_5_minutes(live: Live, ctx: ServerContext) -> None:
    started = _start(live)
    live.clock.advance(minutes=5)
    path = f"/ib-key/pin-change/{started['change_id']}/confirm"

    assert_error(_post(live.client, path, {"code": _code(ctx)}), 410, ErrorCode.CHALLENGE_EXPIRED)
    assert_error(_post(live.client, path, {"code": _code(ctx)}), 404, ErrorCode.CHANGE_NOT_FOUND)
    assert _solo_login_result(live, SOLO_PIN).status_code == 200


def test_an_sms_code_is_used_once(live: Live, ctx: ServerContext) -> None:
    started = _start(live)
    path = f"/ib-key/pin-change/{started['change_id']}/confirm"
    code = _code(ctx)
    live.post(path, {"code": code})

    assert_error(_post(live.client, path, {"code": code}), 401, ErrorCode.RESPONSE_REUSED)


def test_a_code_of_one_change_does_not_confirm_another(live: Live, ctx: ServerContext) -> None:
    first = _start(live)
    first_code = _code(ctx)
    second = _start(live)
    answer = _post(
        live.client, f"/ib-key/pin-change/{second['change_id']}/confirm", {"code": first_code}
    )
    if first_code != _code(ctx):  # one chance in a million that both codes are equal
        assert_error(answer, 401, ErrorCode.WRONG_RESPONSE)
    assert first["change_id"] != second["change_id"]


def test_unknown_change_ids_are_not_found(live: Live) -> None:
    for change_id in ("nope", "x" * 65, "bad id!"):
        answer = _post(live.client, f"/ib-key/pin-change/{change_id}/confirm", {"code": "123456"})
        assert answer.status_code in (404, 422)
        assert answer.json()["error"]["code"] in ("change_not_found", "not_found")


def test_pin_change_sms_count_against_the_daily_send_caps(live: Live, ctx: ServerContext) -> None:
    live.heal()
    for _ in range(ctx.policy.send_max_per_window):
        _start(live)

    over = _post(live.client, "/ib-key/pin-change", _ib_key_change())

    assert_error(over, 429, ErrorCode.DAILY_SEND_LIMIT)
    assert _sms_count(ctx) == ctx.policy.send_max_per_window


def test_a_locked_ib_key_cannot_change_its_pin(live: Live, ctx: ServerContext) -> None:
    with ctx.db.transaction() as s:
        device = s.get(Device, SOLO_DEVICE)
        assert device is not None
        device.status = DeviceStatus.LOCKED

    answer = _post(live.client, "/ib-key/pin-change", _ib_key_change())

    error = assert_error(answer, 423, ErrorCode.DEVICE_LOCKED)
    assert "Client Services" in error["message"]
    assert _sms_count(ctx) == 0


def test_a_user_with_several_ib_keys_names_the_one(live: Live, ctx: ServerContext) -> None:
    with ctx.db.transaction() as s:
        user = accounts.find_user(s, SOLO_USER)
        assert user is not None
        accounts.add_device(
            ctx, s, user, kind="ib_key", enrolment=Enrolment(pin="7777"), device_id="solo-second"
        )

    unnamed = _post(live.client, "/ib-key/pin-change", _ib_key_change())
    assert_error(unnamed, 404, ErrorCode.DEVICE_NOT_FOUND)
    named = _post(
        live.client, "/ib-key/pin-change", _ib_key_change(current="7777", device_id="solo-second")
    )
    assert named.status_code == 200, named.text
    other_user = _post(live.client, "/ib-key/pin-change", _ib_key_change(device_id="demo-ibkey"))
    assert_error(other_user, 404, ErrorCode.DEVICE_NOT_FOUND)


def test_a_user_with_no_mobile_number_is_told_to_call_support(
    live: Live, ctx: ServerContext
) -> None:
    with ctx.db.transaction() as s:
        user = accounts.create_user(ctx, s, username="nophone", password="nophone-pass")
        accounts.add_device(ctx, s, user, kind="ib_key", enrolment=Enrolment(pin="5555"))

    answer = _post(
        live.client,
        "/ib-key/pin-change",
        _ib_key_change(username="nophone", password="nophone-pass", current="5555"),
    )

    error = assert_error(answer, 409, ErrorCode.PHONE_REQUIRED)
    assert "Client Services" in error["message"]


# --- DSC+ --------------------------------------------------------------------------------------


def _dsc_start(live: Live, token: str, new: str = "9876", repeat: str | None = None) -> Any:
    body = {"new_pin": new, "new_pin_repeat": new if repeat is None else repeat}
    return _post(live.client, f"/me/devices/{DSC_PLUS}/pin-change", body, token)


def _dsc_respond(live: Live, token: str, response: str) -> Any:
    path = f"/me/devices/{DSC_PLUS}/pin-change/respond"
    return _post(live.client, path, {"response": response}, token)


def test_a_dsc_plus_pin_change_answered_with_the_new_pin_makes_logins_take_it(
    live: Live, clock: ManualClock
) -> None:
    token = _demo_session(live)
    started = _dsc_start(live, token)
    assert started.status_code == 200, started.text
    challenge = started.json()["challenge"]
    assert challenge["type"] == "ocra"
    assert len(challenge["code"]) == 6
    assert challenge["expires_in"] == 120

    done = _dsc_respond(live, token, dsc_plus_response(challenge["code"], pin="9876"))

    assert done.status_code == 200, done.text
    assert done.json() == {"device_id": DSC_PLUS}
    assert _demo_session(live, dsc_pin="9876")
    started = live.login(DEMO_USER, DEMO_PASSWORD, DSC_PLUS)
    old = dsc_plus_response(started["challenge"]["code"], pin="1234")
    answer = _post(live.client, f"/login/{started['login_id']}/respond", {"response": old})
    assert_error(answer, 401, ErrorCode.WRONG_RESPONSE)


def test_a_response_computed_with_the_old_pin_is_wrong_and_counts_for_the_card(
    live: Live, ctx: ServerContext
) -> None:
    token = _demo_session(live)
    code = _dsc_start(live, token).json()["challenge"]["code"]
    old = dsc_plus_response(code, pin="1234")

    first = assert_error(_dsc_respond(live, token, old), 401, ErrorCode.WRONG_RESPONSE)
    assert first["attempts_left"] == 2
    with ctx.db.read() as s:
        device = s.get(Device, DSC_PLUS)
        assert device is not None
        assert device.consecutive_failures == 1
    assert_error(_dsc_respond(live, token, old), 401, ErrorCode.WRONG_RESPONSE)
    assert_error(_dsc_respond(live, token, old), 401, ErrorCode.CHALLENGE_FAILED)
    new = dsc_plus_response(code, pin="9876")
    assert_error(_dsc_respond(live, token, new), 404, ErrorCode.CHANGE_NOT_FOUND)
    assert _demo_session(live, dsc_pin="1234")


def test_a_dsc_plus_challenge_expires(live: Live, clock: ManualClock) -> None:
    token = _demo_session(live)
    code = _dsc_start(live, token).json()["challenge"]["code"]
    clock.advance(seconds=120)

    answer = _dsc_respond(live, token, dsc_plus_response(code, pin="9876"))

    assert_error(answer, 410, ErrorCode.CHALLENGE_EXPIRED)


def test_dsc_plus_new_pins_follow_the_card_rule(live: Live) -> None:
    token = _demo_session(live)
    assert_error(_dsc_start(live, token, "9876", "9875"), 409, ErrorCode.PIN_MISMATCH)
    for bad in ("987", "98765", "98a6", "ab1!"):
        error = assert_error(_dsc_start(live, token, bad), 422, ErrorCode.INVALID_REQUEST)
        assert error["message"].startswith("Invalid request: new_pin")


def test_dsc_plus_pin_change_needs_a_session_and_the_users_own_dsc_plus(
    live: Live, ctx: ServerContext
) -> None:
    body = {"new_pin": "9876", "new_pin_repeat": "9876"}
    assert_error(
        _post(live.client, f"/me/devices/{DSC_PLUS}/pin-change", body), 401, ErrorCode.UNAUTHORIZED
    )
    solo_token = live.session(temporary=False)
    others = _post(live.client, f"/me/devices/{DSC_PLUS}/pin-change", body, solo_token)
    assert_error(others, 404, ErrorCode.DEVICE_NOT_FOUND)
    not_a_card = _post(live.client, f"/me/devices/{SOLO_DEVICE}/pin-change", body, solo_token)
    assert_error(not_a_card, 404, ErrorCode.DEVICE_NOT_FOUND)
    nothing_pending = _dsc_respond(live, _demo_session(live), "12345678")
    assert_error(nothing_pending, 404, ErrorCode.CHANGE_NOT_FOUND)


def test_only_the_latest_dsc_plus_challenge_counts(live: Live) -> None:
    token = _demo_session(live)
    first = _dsc_start(live, token).json()["challenge"]["code"]
    second = _dsc_start(live, token, "5555").json()["challenge"]["code"]
    if first != second:
        stale = _dsc_respond(live, token, dsc_plus_response(first, pin="9876"))
        assert_error(stale, 401, ErrorCode.WRONG_RESPONSE)
    done = _dsc_respond(live, token, dsc_plus_response(second, pin="5555"))
    assert done.status_code == 200, done.text
    assert _demo_session(live, dsc_pin="5555")


def test_the_wire_states_the_pin_rules_of_sls() -> None:
    """The request schema's PIN bounds are those of ``sls.pins`` (protocol may not import it)."""
    assert device_changes.IB_KEY_PIN_MIN_LENGTH == policy.IB_KEY_PIN_MIN_LENGTH
    assert device_changes.IB_KEY_PIN_MAX_LENGTH == policy.IB_KEY_PIN_MAX_LENGTH
    assert device_changes.DSC_PLUS_PIN_DIGITS == policy.DSC_PLUS_PIN_DIGITS
