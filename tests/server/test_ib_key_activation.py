"""IB Key activation and Add User on the server in process, on SQLite and PostgreSQL: user name and
password, an SMS activation code, the PIN; the new IB Key joins the user's M2FS drop-down and
answers logins with the key handed to the app; each refusal."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from tests.support.demo import ib_key_response
from tests.support.demo import latest_code as outbox_code
from tests.support.demo_api import (
    DEMO_PASSWORD,
    DEMO_USER,
    SOLO_PASSWORD,
    SOLO_USER,
    Live,
    assert_error,
)
from tws_companion.protocol import API_PREFIX, ErrorCode
from tws_companion.protocol.device_changes import ActivatedIbKey
from tws_companion.server import accounts
from tws_companion.server.context import ServerContext
from tws_companion.server.db import DeviceChange
from tws_companion.server.faults import Delivery, Faults, FaultyGateway
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE
from tws_companion.storage.outbox import read_messages


def _post(client: requests.Session, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API_PREFIX}{path}", json=body, timeout=30)


def _code(ctx: ServerContext) -> str:
    assert ctx.data_dir is not None
    return outbox_code(ctx.data_dir / "outbox", "sms")


def _start(live: Live, username: str, password: str, **extra: Any) -> dict[str, Any]:
    body = {"username": username, "password": password, **extra}
    return live.post("/ib-key/activation", body)


def _activate(
    live: Live, ctx: ServerContext, username: str, password: str, pin: str, **extra: Any
) -> dict[str, Any]:
    started = _start(live, username, password, **extra)
    path = f"/ib-key/activation/{started['change_id']}/confirm"
    return live.post(path, {"code": _code(ctx), "pin": pin})


def _login_with(
    live: Live, username: str, password: str, activated: dict[str, Any], pin: str
) -> Any:
    started = live.login(username, password, activated["device_id"])
    response = ib_key_response(
        started["challenge"]["code"], key=bytes.fromhex(activated["secret_hex"]), pin=pin
    )
    return _post(live.client, f"/login/{started['login_id']}/respond", {"response": response})


def test_an_activated_ib_key_joins_the_drop_down_and_answers_logins(
    live: Live, ctx: ServerContext
) -> None:
    started = _start(live, SOLO_USER, SOLO_PASSWORD, platform="android")
    assert started["destination"] == "+*** *** 0111"
    assert ctx.data_dir is not None
    [sms] = read_messages(ctx.data_dir / "outbox")
    assert sms.to == "+15555550111"

    activated = live.post(
        f"/ib-key/activation/{started['change_id']}/confirm", {"code": _code(ctx), "pin": "Pin#7"}
    )

    assert activated["username"] == SOLO_USER
    assert activated["label"] == "IB Key (Android)"
    assert activated["ocra_suite"] == IB_KEY_OCRA_SUITE
    assert len(bytes.fromhex(activated["secret_hex"])) == 32
    # solo had one device (no drop-down); now the login offers both.
    login = live.post("/login", {"username": SOLO_USER, "password": SOLO_PASSWORD})
    assert login["step"] == "select_device"
    offered = {device["id"]: device for device in login["devices"]}
    assert offered[activated["device_id"]]["kind"] == "ib_key"
    assert _login_with(live, SOLO_USER, SOLO_PASSWORD, activated, "Pin#7").status_code == 200
    wrong_pin = _login_with(live, SOLO_USER, SOLO_PASSWORD, activated, "Pin#8")
    assert_error(wrong_pin, 401, ErrorCode.WRONG_RESPONSE)


def test_adding_another_user_to_the_phone_gives_each_user_their_own_ib_key(
    live: Live, ctx: ServerContext
) -> None:
    first = _activate(live, ctx, SOLO_USER, SOLO_PASSWORD, "2468", platform="ios")
    second = _activate(live, ctx, DEMO_USER, DEMO_PASSWORD, "2468", platform="ios")

    assert first["label"] == second["label"] == "IB Key (iPhone)"
    assert first["device_id"] != second["device_id"]
    assert first["secret_hex"] != second["secret_hex"]
    assert _login_with(live, DEMO_USER, DEMO_PASSWORD, second, "2468").status_code == 200
    # One user's IB Key is not another's.
    answer = _post(
        live.client,
        f"/login/{live.login(DEMO_USER, DEMO_PASSWORD)['login_id']}/device",
        {"device_id": first["device_id"]},
    )
    assert_error(answer, 404, ErrorCode.DEVICE_NOT_FOUND)


def test_a_label_given_at_activation_is_kept(live: Live, ctx: ServerContext) -> None:
    activated = _activate(live, ctx, SOLO_USER, SOLO_PASSWORD, "1357", device_label="My Pixel")
    assert activated["label"] == "My Pixel"
    login = live.post("/login", {"username": SOLO_USER, "password": SOLO_PASSWORD})
    assert "My Pixel" in {device["label"] for device in login["devices"]}


def test_a_pin_that_breaks_the_rule_is_refused_without_using_up_the_code(
    live: Live, ctx: ServerContext
) -> None:
    started = _start(live, SOLO_USER, SOLO_PASSWORD)
    path = f"/ib-key/activation/{started['change_id']}/confirm"
    for bad in ("123", "1234567", "12 3", "1234\u00e9"):
        answer = _post(live.client, path, {"code": _code(ctx), "pin": bad})
        assert_error(answer, 422, ErrorCode.INVALID_REQUEST)

    assert live.post(path, {"code": _code(ctx), "pin": "1234"})["username"] == SOLO_USER


def test_an_unknown_user_is_answered_exactly_like_a_wrong_password(live: Live) -> None:
    unknown = _post(live.client, "/ib-key/activation", {"username": "nobody-here", "password": "x"})
    wrong = _post(live.client, "/ib-key/activation", {"username": SOLO_USER, "password": "x"})

    unknown_error = assert_error(unknown, 401, ErrorCode.INVALID_CREDENTIALS)
    assert unknown_error == assert_error(wrong, 401, ErrorCode.INVALID_CREDENTIALS)


def test_wrong_expired_and_reused_activation_codes_are_refused(
    live: Live, ctx: ServerContext
) -> None:
    started = _start(live, SOLO_USER, SOLO_PASSWORD)
    path = f"/ib-key/activation/{started['change_id']}/confirm"
    code = _code(ctx)
    wrong = "000000" if code != "000000" else "111111"
    error = assert_error(
        _post(live.client, path, {"code": wrong, "pin": "1234"}), 401, ErrorCode.WRONG_RESPONSE
    )
    assert error["attempts_left"] == 2
    live.post(path, {"code": code, "pin": "1234"})
    reused = _post(live.client, path, {"code": code, "pin": "1234"})
    assert_error(reused, 401, ErrorCode.RESPONSE_REUSED)

    late = _start(live, SOLO_USER, SOLO_PASSWORD)
    live.clock.advance(minutes=5)
    expired = _post(
        live.client,
        f"/ib-key/activation/{late['change_id']}/confirm",
        {"code": _code(ctx), "pin": "1234"},
    )
    assert_error(expired, 410, ErrorCode.CHALLENGE_EXPIRED)


def test_three_wrong_codes_end_the_activation(live: Live, ctx: ServerContext) -> None:
    started = _start(live, SOLO_USER, SOLO_PASSWORD)
    path = f"/ib-key/activation/{started['change_id']}/confirm"
    code = _code(ctx)
    wrong = "000000" if code != "000000" else "111111"
    for expected in (ErrorCode.WRONG_RESPONSE, ErrorCode.WRONG_RESPONSE):
        assert_error(_post(live.client, path, {"code": wrong, "pin": "1234"}), 401, expected)
    last = _post(live.client, path, {"code": wrong, "pin": "1234"})
    assert_error(last, 401, ErrorCode.CHALLENGE_FAILED)

    after = _post(live.client, path, {"code": code, "pin": "1234"})
    assert_error(after, 404, ErrorCode.CHANGE_NOT_FOUND)
    login = live.post("/login", {"username": SOLO_USER, "password": SOLO_PASSWORD})
    assert len(login["devices"]) == 1


def test_an_activation_code_does_not_confirm_a_pin_change(live: Live, ctx: ServerContext) -> None:
    started = _start(live, SOLO_USER, SOLO_PASSWORD)
    answer = _post(
        live.client, f"/ib-key/pin-change/{started['change_id']}/confirm", {"code": _code(ctx)}
    )
    assert_error(answer, 404, ErrorCode.CHANGE_NOT_FOUND)


def test_activation_codes_count_against_the_daily_send_caps(live: Live, ctx: ServerContext) -> None:
    live.heal()
    for _ in range(ctx.policy.send_max_per_window):
        _start(live, SOLO_USER, SOLO_PASSWORD)

    over = _post(
        live.client, "/ib-key/activation", {"username": SOLO_USER, "password": SOLO_PASSWORD}
    )

    assert_error(over, 429, ErrorCode.DAILY_SEND_LIMIT)


def test_an_activation_code_the_sms_provider_refuses_is_forgotten_and_uses_up_no_cap(
    live: Live, ctx: ServerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    live.heal()
    monkeypatch.setattr(ctx, "gateway", FaultyGateway(ctx.gateway, Faults(sms=Delivery.REFUSED)))

    refused = _post(
        live.client, "/ib-key/activation", {"username": SOLO_USER, "password": SOLO_PASSWORD}
    )

    assert refused.status_code == 502
    assert refused.json()["error"]["code"] == ErrorCode.GATEWAY_UNAVAILABLE.value
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(DeviceChange)) == 0
    monkeypatch.undo()
    for _ in range(ctx.policy.send_max_per_window):  # the refused send counted for no cap
        _start(live, SOLO_USER, SOLO_PASSWORD)


def test_a_user_with_no_mobile_number_cannot_get_an_activation_code(
    live: Live, ctx: ServerContext
) -> None:
    with ctx.db.transaction() as s:
        accounts.create_user(ctx, s, username="nophone", password="nophone-pass")

    answer = _post(
        live.client, "/ib-key/activation", {"username": "nophone", "password": "nophone-pass"}
    )

    assert_error(answer, 409, ErrorCode.PHONE_REQUIRED)


def test_an_ip_restricted_user_cannot_activate_from_elsewhere(live: Live) -> None:
    answer = _post(
        live.client,
        "/ib-key/activation",
        {"username": "restricted", "password": "restricted-pass-1"},
    )
    assert_error(answer, 403, ErrorCode.IP_RESTRICTED)


def test_the_activation_answer_keeps_the_key_out_of_its_repr(
    live: Live, ctx: ServerContext
) -> None:
    activated = ActivatedIbKey.model_validate(
        _activate(live, ctx, SOLO_USER, SOLO_PASSWORD, "1234")
    )
    assert activated.secret_hex not in repr(activated)
