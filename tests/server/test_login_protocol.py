"""The login protocol, in process: every device kind and every rule of DESIGN.md section 3.

The app is the real one (SQLite, Argon2id with cheap parameters, AES-GCM secrets, the outbox
gateway writing real files); only the clock is moved by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.clock import ManualClock
from tests.support.demo import (
    DEMO,
    DSC_PLUS_KEY,
    IB_KEY_KEY,
    SOLO_KEY,
    code_in,
    dsc_plus_response,
)
from tests.support.servers import make_context
from tws_companion.protocol import DeviceStatus, ErrorCode
from tws_companion.server import accounts, device_secrets, me, sessions
from tws_companion.server.account_errors import AccountError
from tws_companion.server.app import create_app
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device
from tws_companion.server.errors import ApiError
from tws_companion.server.gateways.outbox import OutboxGateway
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.sls import code_card, ocra
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE
from tws_companion.sls.durations import ceil_seconds
from tws_companion.sls.policy import Policy
from tws_companion.storage.outbox import SecurityCode, read_messages

API = "/api/v1"


class Server:
    """The app under test with the handles a test needs."""

    def __init__(self, ctx: ServerContext, clock: ManualClock, client: TestClient) -> None:
        self.ctx = ctx
        self.clock = clock
        self.client = client
        assert ctx.data_dir is not None
        self.outbox = ctx.data_dir / "outbox"

    def login(self, username: str = "demo", password: str = "demo-pass-1", **extra: Any) -> Any:
        body = {"username": username, "password": password, "platform": "tws", **extra}
        return self.client.post(f"{API}/login", json=body)

    def start(self, username: str = "demo", password: str = "demo-pass-1", **extra: Any) -> Any:
        response = self.login(username, password, **extra)
        assert response.status_code == 200, response.text
        return response.json()

    def select(self, login_id: str, device_id: str) -> Any:
        return self.client.post(f"{API}/login/{login_id}/device", json={"device_id": device_id})

    def respond(self, login_id: str, response: str) -> Any:
        return self.client.post(f"{API}/login/{login_id}/respond", json={"response": response})

    def resend(self, login_id: str, channel: str) -> Any:
        return self.client.post(f"{API}/login/{login_id}/resend", json={"channel": channel})

    def latest_code(self, channel: str = "sms") -> str:
        messages = [m for m in read_messages(self.outbox) if m.channel == channel]
        assert messages, f"no {channel} message in the outbox"
        return code_in(messages[-1].text)

    def card(self, device_id: str = "demo-card") -> code_card.CodeCard:
        with self.ctx.db.transaction() as s:
            device = s.get(Device, device_id)
            assert device is not None
            return device_secrets.device_card(self.ctx, device)

    def add_user(self, username: str, *devices: dict[str, Any], **fields: Any) -> None:
        with self.ctx.db.transaction() as s:
            user = accounts.create_user(
                self.ctx, s, username=username, password=f"{username}-pass", **fields
            )
            for device in devices:
                accounts.add_device(self.ctx, s, user, **device)

    def issue_temporary(self, username: str) -> str:
        with self.ctx.db.transaction() as s:
            new = accounts.issue_temporary_passcode(self.ctx, s, accounts.require_user(s, username))
        assert new.passcode is not None
        return new.passcode


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    clock = ManualClock()
    ctx = make_context(tmp_path / "server", clock)
    load_scenario(ctx, read_scenario(DEMO))
    with TestClient(
        create_app(ctx), base_url="http://127.0.0.1", client=("127.0.0.1", 50000)
    ) as client:
        yield Server(ctx, clock, client)
    ctx.db.dispose()


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    result: dict[str, Any] = body["error"]
    return result


# --- M2FS and each device kind ----------------------------------------------------------------


def test_m2fs_user_picks_from_every_active_device(server: Server) -> None:
    started = server.start()
    assert started["step"] == "select_device"
    assert "challenge" not in started
    assert [d["kind"] for d in started["devices"]] == ["dsc_plus", "ib_key", "code_card", "sms"]


def test_single_device_user_goes_straight_to_the_challenge(server: Server) -> None:
    started = server.start("solo", "solo-pass-1")
    assert started["step"] == "respond"
    assert started["device_id"] == "solo-ibkey"
    code = started["challenge"]["code"]
    assert started["challenge"]["type"] == "ocra"
    assert len(code) == 8
    assert code.isdigit()
    answer = ocra.compute_response(IB_KEY_OCRA_SUITE, SOLO_KEY, code, pin="4321")
    done = server.respond(started["login_id"], answer)
    assert done.status_code == 200
    assert done.json()["session"]["scope"] == "full"


def test_dsc_plus_six_digit_challenge_eight_digit_response(server: Server) -> None:
    login_id = server.start()["login_id"]
    step = server.select(login_id, "demo-dscplus").json()
    challenge = step["challenge"]
    assert challenge["type"] == "ocra"
    assert re.fullmatch(r"\d{6}", challenge["code"])
    answer = dsc_plus_response(challenge["code"])
    assert re.fullmatch(r"\d{8}", answer)
    session = server.respond(login_id, answer).json()["session"]
    me = server.client.get(f"{API}/me", headers={"Authorization": f"Bearer {session['token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "demo"


def test_dsc_plus_response_made_with_the_wrong_pin_is_refused(server: Server) -> None:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    refused = server.respond(login_id, dsc_plus_response(code, pin="9999"))
    assert error(refused)["code"] == "wrong_response"


def test_ib_key_login(server: Server) -> None:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-ibkey").json()["challenge"]["code"]
    answer = ocra.compute_response(IB_KEY_OCRA_SUITE, IB_KEY_KEY, code, pin="2580")
    assert server.respond(login_id, answer).status_code == 200


def test_code_card_two_indices_two_values_without_spaces(server: Server) -> None:
    login_id = server.start()["login_id"]
    challenge = server.select(login_id, "demo-card").json()["challenge"]
    assert challenge["type"] == "indices"
    first, second = challenge["indices"]
    assert first != second
    card = server.card()
    answer = card.values[first] + card.values[second]
    assert len(answer) == 6
    assert server.respond(login_id, answer.lower()).status_code == 200


def test_sms_code_arrives_in_the_outbox_and_logs_in(server: Server) -> None:
    login_id = server.start()["login_id"]
    challenge = server.select(login_id, "demo-sms").json()["challenge"]
    assert challenge["type"] == "oob"
    assert challenge["channel"] == "sms"
    assert challenge["destination"].endswith("0100")
    assert "555" not in challenge["destination"]
    [message] = read_messages(server.outbox)
    assert message.to == "+15555550100"
    # The gateway is told what the text holds (the phone window words it in the user's language).
    code = server.latest_code()
    ttl = ceil_seconds(server.ctx.policy.one_time_code_ttl)
    assert message.security_code == SecurityCode(code, valid_seconds=ttl)
    assert server.respond(login_id, code).status_code == 200


def test_request_new_code_by_voice(server: Server) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-sms")
    first_code = server.latest_code()
    too_soon = server.resend(login_id, "voice")
    assert too_soon.status_code == 429
    assert error(too_soon)["code"] == "resend_too_soon"
    assert error(too_soon)["retry_after"] == 30
    server.clock.advance(seconds=30)
    step = server.resend(login_id, "voice").json()
    assert step["challenge"]["channel"] == "voice"
    voice = [m for m in read_messages(server.outbox) if m.channel == "voice"]
    assert len(voice) == 1
    assert voice[0].audio is not None
    assert voice[0].audio.stat().st_size > 10_000
    new_code = server.latest_code("voice")
    # The code is read digit by digit, twice.
    spoken = ", ".join(new_code)
    assert voice[0].text.count(spoken) == 2
    assert voice[0].security_code == SecurityCode(new_code, repeats=2)
    if new_code != first_code:
        assert error(server.respond(login_id, first_code))["code"] == "wrong_response"
    assert server.respond(login_id, new_code).status_code == 200


def test_new_code_requests_are_limited_per_login(server: Server) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-sms")
    for _ in range(5):
        server.clock.advance(seconds=31)
        assert server.resend(login_id, "sms").status_code == 200
    server.clock.advance(seconds=31)
    refused = server.resend(login_id, "sms")
    assert error(refused)["code"] == "resend_limit"


def test_new_code_is_only_for_sms_devices(server: Server) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-dscplus")
    assert error(server.resend(login_id, "voice"))["code"] == "resend_not_available"


def test_the_user_can_always_switch_device(server: Server) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-card")
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    assert server.respond(login_id, dsc_plus_response(code)).status_code == 200
    # The device that worked is offered as the preferred one next time.
    assert server.start()["preferred_device_id"] == "demo-dscplus"


def test_a_device_of_another_user_cannot_be_selected(server: Server) -> None:
    login_id = server.start()["login_id"]
    assert error(server.select(login_id, "solo-ibkey"))["code"] == "device_not_found"


def test_respond_before_selecting_a_device(server: Server) -> None:
    login_id = server.start()["login_id"]
    assert error(server.respond(login_id, "12345678"))["code"] == "wrong_step"


# --- wrong responses, expiry, replay ----------------------------------------------------------


def test_three_wrong_responses_end_the_challenge(server: Server) -> None:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    first = server.respond(login_id, "00000000")
    assert error(first) | {} == {
        "code": "wrong_response",
        "message": "The response is not correct. 2 attempts left.",
        "attempts_left": 2,
    }
    assert error(server.respond(login_id, "00000001"))["attempts_left"] == 1
    third = error(server.respond(login_id, "00000002"))
    assert third["code"] == "challenge_failed"
    assert "Start over from step 1" in third["message"]
    # Even the right answer is too late now.
    late = server.respond(login_id, dsc_plus_response(code))
    assert error(late)["code"] == "login_not_found"


def test_challenge_expires_after_120_seconds(server: Server) -> None:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    server.clock.advance(seconds=120)
    expired = error(server.respond(login_id, dsc_plus_response(code)))
    assert expired["code"] == "challenge_expired"
    assert "Start over from step 1" in expired["message"]


def test_challenge_answered_just_in_time(server: Server) -> None:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    server.clock.advance(seconds=119)
    assert server.respond(login_id, dsc_plus_response(code)).status_code == 200


def test_login_transaction_expires_after_five_minutes(server: Server) -> None:
    login_id = server.start()["login_id"]
    server.clock.advance(minutes=5)
    assert error(server.select(login_id, "demo-dscplus"))["code"] == "login_expired"
    assert error(server.select(login_id, "demo-dscplus"))["code"] == "login_not_found"


def test_a_response_is_accepted_once(server: Server) -> None:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    answer = dsc_plus_response(code)
    assert server.respond(login_id, answer).status_code == 200
    assert error(server.respond(login_id, answer))["code"] == "login_not_found"


def test_a_response_must_answer_the_latest_challenge(server: Server) -> None:
    login_id = server.start()["login_id"]
    old = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    new = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    if old != new:
        assert error(server.respond(login_id, dsc_plus_response(old)))["code"] == "wrong_response"
    assert server.respond(login_id, dsc_plus_response(new)).status_code == 200


def test_sms_code_is_bound_to_its_login(server: Server) -> None:
    first = server.start()["login_id"]
    server.select(first, "demo-sms")
    code = server.latest_code()
    second = server.start()["login_id"]
    server.select(second, "demo-sms")
    if server.latest_code() != code:
        assert error(server.respond(second, code))["code"] == "wrong_response"


# --- failed logins ----------------------------------------------------------------------------


def test_wait_after_three_failed_logins_with_the_seconds_left(server: Server) -> None:
    for _ in range(3):
        assert error(server.login(password="wrong"))["code"] == "invalid_credentials"
    server.clock.advance(seconds=7)
    waiting = server.login()
    assert waiting.status_code == 429
    assert error(waiting)["message"] == (
        "Too many failed login attempts. "
        "Please wait 53 seconds before attempting to re-login again."
    )
    assert waiting.headers["Retry-After"] == "53"
    server.clock.advance(seconds=53)
    assert server.login().status_code == 200


def test_the_wait_grows_with_each_failure(server: Server) -> None:
    waits = []
    for _ in range(5):
        server.login(password="wrong")
        refused = server.login(password="wrong")
        if refused.status_code == 429:
            waits.append(error(refused)["retry_after"])
            server.clock.advance(seconds=error(refused)["retry_after"])
    assert waits == sorted(waits)
    assert waits[-1] > waits[0]


def test_ten_failures_lock_the_account_for_24_hours(server: Server) -> None:
    for _ in range(10):
        server.login(password="wrong")
        server.clock.advance(hours=1)
    locked = server.login()
    assert locked.status_code == 423
    assert error(locked)["code"] == "account_locked"
    server.clock.advance(hours=22)
    assert error(server.login())["code"] == "account_locked"
    server.clock.advance(hours=1, seconds=1)
    assert server.login().status_code == 200


def test_unknown_user_gets_the_same_answers_as_a_wrong_password(server: Server) -> None:
    def answers(username: str) -> list[tuple[int, str, str]]:
        result = []
        for _ in range(4):
            response = server.login(username, "not-the-password")
            result.append(
                (response.status_code, error(response)["code"], error(response)["message"])
            )
        return result

    assert answers("demo") == answers("nobody-by-this-name")


def test_three_wrong_responses_count_as_a_failed_login(server: Server) -> None:
    for _ in range(3):
        login_id = server.start()["login_id"]
        server.select(login_id, "demo-card")
        for attempt in range(3):
            server.respond(login_id, f"ZZZZZ{attempt}")
    assert error(server.login())["code"] == "login_throttled"


def test_a_device_locks_after_ten_wrong_responses_until_support_resets_it(server: Server) -> None:
    wrong = 0
    while wrong < 10:
        login_id = server.start()["login_id"]
        server.select(login_id, "demo-dscplus")
        for _ in range(min(3, 10 - wrong)):
            last = server.respond(login_id, "00000000")
            wrong += 1
        server.clock.advance(hours=1)
        server.ctx.db.engine.dispose()
        with server.ctx.db.transaction() as s:
            accounts.unlock_user(s, accounts.require_user(s, "demo"))
    assert error(last)["code"] == "device_locked"
    started = server.start()
    assert "demo-dscplus" not in [d["id"] for d in started["devices"]]
    assert error(server.select(started["login_id"], "demo-dscplus"))["code"] == "device_locked"
    with server.ctx.db.transaction() as s:
        user = accounts.require_user(s, "demo")
        accounts.reset_device(s, accounts.require_device(s, user, "demo-dscplus"))
    assert "demo-dscplus" in [d["id"] for d in server.start()["devices"]]


def test_a_device_locked_during_a_login_leaves_the_other_devices_to_choose(server: Server) -> None:
    with server.ctx.db.transaction() as s:
        user = accounts.require_user(s, "demo")
        accounts.require_device(s, user, "demo-dscplus").consecutive_failures = 9
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-dscplus")
    assert error(server.respond(login_id, "00000000"))["code"] == "device_locked"
    # The login goes on with another device, as the drop-down offers.
    code = server.select(login_id, "demo-card").json()["challenge"]["indices"]
    card = server.card()
    assert server.respond(login_id, "".join(card.values[i] for i in code)).status_code == 200


def test_a_device_revoked_during_a_login_leaves_the_other_devices_to_choose(
    server: Server,
) -> None:
    login_id = server.start()["login_id"]
    challenge = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    with server.ctx.db.transaction() as s:
        user = accounts.require_user(s, "demo")
        accounts.require_device(s, user, "demo-dscplus").status = DeviceStatus.REVOKED
    refused = server.respond(login_id, dsc_plus_response(challenge))
    assert error(refused)["code"] == "no_active_device"
    indices = server.select(login_id, "demo-card").json()["challenge"]["indices"]
    card = server.card()
    assert server.respond(login_id, "".join(card.values[i] for i in indices)).status_code == 200


# --- IP restrictions --------------------------------------------------------------------------


def test_ip_restricted_user_is_refused_from_elsewhere(server: Server) -> None:
    refused = server.login("restricted", "restricted-pass-1")
    assert refused.status_code == 403
    assert error(refused)["code"] == "ip_restricted"


def test_ip_restricted_user_logs_in_from_a_designated_address(server: Server) -> None:
    server.add_user(
        "office", {"kind": "sms"}, phone="+15555550133", allowed_ips=["10.0.0.0/8", "127.0.0.1"]
    )
    started = server.start("office", "office-pass")
    assert started["step"] == "respond"


def test_ip_restriction_is_checked_only_after_the_password(server: Server) -> None:
    # A wrong password for a restricted user looks like any wrong password.
    assert error(server.login("restricted", "wrong"))["code"] == "invalid_credentials"


# --- temporary passcode and online card -------------------------------------------------------


def test_temporary_passcode_scope_over_time(server: Server) -> None:
    server.add_user(
        "lost", {"kind": "dsc_plus", "enrolment": Enrolment(pin="1111")}, phone="+15555550144"
    )
    with server.ctx.db.transaction() as s:
        user = accounts.require_user(s, "lost")
        for device in accounts.user_devices(s, user):
            device.status = DeviceStatus.REVOKED  # the DSC+ is lost
    passcode = server.issue_temporary("lost")
    assert passcode == passcode.upper()

    started = server.start("lost", "lost-pass")
    assert started["challenge"] == {
        "type": "passcode",
        "expires_at": started["expires_at"],
        "expires_in": 300,
    }
    session = server.respond(started["login_id"], passcode.lower()).json()["session"]
    assert session["scope"] == "full"

    server.clock.advance(days=2)
    refused = server.login("lost", "lost-pass")
    assert error(refused)["code"] == "portal_only"
    portal = server.start("lost", "lost-pass", platform="portal")
    session = server.respond(portal["login_id"], passcode).json()["session"]
    assert session["scope"] == "print_online_card"
    auth = {"Authorization": f"Bearer {session['token']}"}
    assert (
        error(server.client.get(f"{API}/me/settings-key", headers=auth))["code"] == "scope_denied"
    )
    card = server.client.post(f"{API}/me/online-card", headers=auth).json()
    assert len(card["values"]) == 224

    # On day 8 the temporary passcode is gone; the online card works on every platform.
    server.clock.advance(days=6)
    started = server.start("lost", "lost-pass")
    assert [d["kind"] for d in started["devices"]] == ["online_card"]
    indices = started["challenge"]["indices"]
    answer = "".join(card["values"][str(i)] for i in indices)
    assert server.respond(started["login_id"], answer).json()["session"]["scope"] == "full"
    server.clock.advance(days=19)
    assert error(server.login("lost", "lost-pass"))["code"] == "device_expired"


def test_temporary_passcode_expires_on_day_eight(server: Server) -> None:
    server.add_user("temp", phone="+15555550155")
    server.issue_temporary("temp")
    server.clock.advance(days=8)
    assert error(server.login("temp", "temp-pass", platform="portal"))["code"] == "device_expired"


def test_no_second_temporary_passcode_before_a_permanent_login(server: Server) -> None:
    server.add_user("again", {"kind": "sms"}, phone="+15555550166")
    server.issue_temporary("again")
    with pytest.raises(AccountError, match="permanent device"):
        server.issue_temporary("again")
    server.clock.advance(minutes=1)
    started = server.start("again", "again-pass")
    sms = next(d["id"] for d in started["devices"] if d["kind"] == "sms")
    server.select(started["login_id"], sms)
    assert server.respond(started["login_id"], server.latest_code()).status_code == 200
    assert server.issue_temporary("again")


def test_online_card_is_only_for_temporary_passcode_sessions(server: Server) -> None:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    token = server.respond(login_id, dsc_plus_response(code)).json()["session"]["token"]
    refused = server.client.post(
        f"{API}/me/online-card", headers={"Authorization": f"Bearer {token}"}
    )
    assert error(refused)["code"] == "scope_denied"


def test_a_session_logged_out_while_its_card_request_waits_prints_no_card(server: Server) -> None:
    server.add_user(
        "lost", {"kind": "dsc_plus", "enrolment": Enrolment(pin="1111")}, phone="+15555550144"
    )
    with server.ctx.db.transaction() as s:
        for device in accounts.user_devices(s, accounts.require_user(s, "lost")):
            device.status = DeviceStatus.REVOKED
    passcode = server.issue_temporary("lost")
    started = server.start("lost", "lost-pass")
    token = server.respond(started["login_id"], passcode).json()["session"]["token"]
    with server.ctx.db.read() as s:  # what the route's session dependency found
        checked = sessions.find_session(s, token, server.clock.now())
    server.client.post(f"{API}/logout", headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(ApiError) as refused:
        me.print_online_card(server.ctx, checked)
    assert refused.value.code is ErrorCode.UNAUTHORIZED


# --- sessions ---------------------------------------------------------------------------------


def full_login(server: Server) -> str:
    login_id = server.start()["login_id"]
    code = server.select(login_id, "demo-dscplus").json()["challenge"]["code"]
    token: str = server.respond(login_id, dsc_plus_response(code)).json()["session"]["token"]
    return token


def test_logout_ends_the_session(server: Server) -> None:
    auth = {"Authorization": f"Bearer {full_login(server)}"}
    assert server.client.get(f"{API}/me", headers=auth).status_code == 200
    assert server.client.post(f"{API}/logout", headers=auth).status_code == 204
    assert error(server.client.get(f"{API}/me", headers=auth))["code"] == "unauthorized"
    # Logging out twice is harmless.
    assert server.client.post(f"{API}/logout", headers=auth).status_code == 204


def test_session_expires(server: Server) -> None:
    auth = {"Authorization": f"Bearer {full_login(server)}"}
    server.clock.advance(hours=12)
    assert error(server.client.get(f"{API}/me", headers=auth))["code"] == "unauthorized"


def test_settings_key_is_the_same_on_every_login_and_differs_between_users(
    server: Server,
) -> None:
    def key(token: str) -> str:
        response = server.client.get(
            f"{API}/me/settings-key", headers={"Authorization": f"Bearer {token}"}
        )
        result: str = response.json()["key"]
        return result

    first = key(full_login(server))
    assert key(full_login(server)) == first
    solo = server.start("solo", "solo-pass-1")
    answer = ocra.compute_response(
        IB_KEY_OCRA_SUITE, SOLO_KEY, solo["challenge"]["code"], pin="4321"
    )
    other = server.respond(solo["login_id"], answer).json()["session"]["token"]
    assert key(other) != first


# --- gateway failures and secrets at rest -----------------------------------------------------


def test_failed_voice_call_is_reported_and_can_be_retried_at_once(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-sms")
    server.clock.advance(seconds=30)
    assert server.ctx.data_dir is not None
    broken = OutboxGateway(server.ctx.data_dir / "outbox", espeak="espeak-ng-is-not-installed")
    monkeypatch.setattr(server.ctx, "gateway", broken)
    failed = server.resend(login_id, "voice")
    assert failed.status_code == 502
    assert "espeak-ng" in error(failed)["message"]
    assert server.resend(login_id, "sms").status_code == 200
    assert server.respond(login_id, server.latest_code()).status_code == 200


def test_no_secret_is_stored_in_plain(server: Server) -> None:
    full_login(server)
    assert server.ctx.data_dir is not None
    raw = b"".join(path.read_bytes() for path in server.ctx.data_dir.glob("sls.db*"))
    for secret in (b"demo-pass-1", DSC_PLUS_KEY, DSC_PLUS_KEY.hex().encode(), b"2580"):
        assert secret not in raw
    card = server.card()
    assert code_card.card_to_json(card).encode() not in raw


# --- fixes from review: limits that hold however the steps are combined ----------------------


def test_selecting_the_device_again_does_not_reset_wrong_responses(server: Server) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-dscplus")
    for left in (2, 1):
        assert error(server.respond(login_id, "00000000"))["attempts_left"] == left
    server.select(login_id, "demo-dscplus")  # a fresh challenge, the same login
    assert error(server.respond(login_id, "00000000"))["code"] == "challenge_failed"


def test_switching_back_to_sms_reuses_the_live_code(server: Server) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-sms")
    for _ in range(4):
        server.select(login_id, "demo-dscplus")
        server.select(login_id, "demo-sms")
    assert len(read_messages(server.outbox)) == 1
    assert server.respond(login_id, server.latest_code()).status_code == 200


@pytest.fixture
def short_codes(tmp_path: Path) -> Iterator[Server]:
    """A server whose SMS codes expire after 40 s, well within the 5-minute login."""
    clock = ManualClock()
    ctx = make_context(tmp_path / "short", clock, Policy(one_time_code_ttl=timedelta(seconds=40)))
    load_scenario(ctx, read_scenario(DEMO))
    with TestClient(
        create_app(ctx), base_url="http://127.0.0.1", client=("127.0.0.1", 50000)
    ) as client:
        yield Server(ctx, clock, client)
    ctx.db.dispose()


def test_an_expired_sms_code_is_resent_only_within_the_limits(short_codes: Server) -> None:
    server = short_codes
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-sms")
    for _ in range(5):
        server.clock.advance(seconds=41)
        server.select(login_id, "demo-dscplus")
        assert server.select(login_id, "demo-sms").status_code == 200  # a new code each time
    assert len(read_messages(server.outbox)) == 6
    server.clock.advance(seconds=41)
    server.select(login_id, "demo-dscplus")
    # Selecting SMS again may not send past the limit any more than "Request new code" may.
    assert error(server.select(login_id, "demo-sms"))["code"] == "resend_limit"


def test_a_failed_send_is_taken_back_and_counts_against_no_one(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    login_id = server.start()["login_id"]
    server.select(login_id, "demo-sms")
    server.clock.advance(seconds=30)
    assert server.ctx.data_dir is not None
    broken = OutboxGateway(server.ctx.data_dir / "outbox", espeak="espeak-ng-is-not-installed")
    monkeypatch.setattr(server.ctx, "gateway", broken)
    assert server.resend(login_id, "voice").status_code == 502
    # Nothing to answer now: no wrong response is counted for trying.
    waiting = error(server.respond(login_id, "123456"))
    assert waiting["code"] == "challenge_expired"
    assert "Request a new security code" in waiting["message"]
    monkeypatch.undo()
    for _ in range(5):  # the failed send did not use up one of the five
        assert server.resend(login_id, "sms").status_code == 200
        server.clock.advance(seconds=31)


def test_a_spoofed_forwarded_for_header_does_not_pass_ip_restrictions(server: Server) -> None:
    body = {"username": "restricted", "password": "restricted-pass-1", "platform": "tws"}
    response = server.client.post(
        f"{API}/login", json=body, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert error(response)["code"] == "ip_restricted"


def test_temporary_passcode_sessions_end_with_the_passcode_window(server: Server) -> None:
    server.add_user("short", phone="+15555550199")
    passcode = server.issue_temporary("short")
    server.clock.advance(days=1, hours=23)
    session = server.respond(server.start("short", "short-pass")["login_id"], passcode).json()
    auth = {"Authorization": f"Bearer {session['session']['token']}"}
    assert session["session"]["scope"] == "full"
    server.clock.advance(hours=1)  # day 2: full access is over, whatever the session's 12 hours
    assert error(server.client.get(f"{API}/me", headers=auth))["code"] == "unauthorized"

    server.clock.advance(days=5, hours=23)  # day 7 and 23 hours: print-card session
    portal = server.start("short", "short-pass", platform="portal")
    token = server.respond(portal["login_id"], passcode).json()["session"]["token"]
    server.clock.advance(hours=2)  # past day 8
    refused = server.client.post(
        f"{API}/me/online-card", headers={"Authorization": f"Bearer {token}"}
    )
    assert error(refused)["code"] == "unauthorized"
