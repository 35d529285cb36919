"""One authenticator per device kind: the registry, enrolment (the PIN rules of DESIGN.md
section 3: DSC+ exactly 4 digits, IB Key 4 to 6 letters, digits or symbols), the legacy OCRA
devices, and the device and login states as stored.

In process: the real app on SQLite, devices provisioned as a scenario file or the admin commands
do it, logins over HTTP with responses computed by ``tws_companion.sls.ocra``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.support import servers
from tests.support.clock import ManualClock
from tests.support.servers import make_context
from tws_companion.protocol import API_PREFIX, DeviceStatus, ErrorCode
from tws_companion.server import accounts
from tws_companion.server.account_errors import AccountError
from tws_companion.server.authenticators import AUTHENTICATORS, Enrolment, authenticator_for
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login
from tws_companion.server.login_states import LoginState
from tws_companion.server.scenario import ScenarioError, load_scenario, read_scenario
from tws_companion.sls import ocra
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE, DeviceKind, spec
from tws_companion.sls.pins import pin_rule

KEY = bytes.fromhex("3132333435363738393031323334353637383930313233343536373839303132")


@pytest.fixture
def ctx(tmp_path: Path) -> ServerContext:
    return make_context(tmp_path / "server", ManualClock())


@pytest.fixture
def client(ctx: ServerContext) -> Iterator[TestClient]:
    with servers.test_client(ctx) as api:
        yield api


def scenario(tmp_path: Path, device: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(
        f"""
[[users]]
username = "mobile"
password = "mobile-pass-1"
phone = "+15555550100"

[[users.devices]]
id = "mobile-device"
{device}
""",
        encoding="utf-8",
    )
    return path


def start(client: TestClient) -> dict[str, Any]:
    body = {"username": "mobile", "password": "mobile-pass-1", "platform": "tws"}
    response = client.post(f"{API_PREFIX}/login", json=body)
    assert response.status_code == 200, response.text
    started: dict[str, Any] = response.json()
    return started


def respond(client: TestClient, login_id: str, answer: str) -> httpx2.Response:
    return client.post(f"{API_PREFIX}/login/{login_id}/respond", json={"response": answer})


# --- the registry -----------------------------------------------------------------------------


def test_every_device_kind_has_its_own_authenticator() -> None:
    assert set(AUTHENTICATORS) == set(DeviceKind)
    for kind, authenticator in AUTHENTICATORS.items():
        assert authenticator.kind is kind
        assert authenticator_for(kind.value) is authenticator
    with pytest.raises(ValueError, match="yubikey"):
        authenticator_for("yubikey")


def test_an_enrolment_shows_no_secret() -> None:
    enrolment = Enrolment(secret_hex=KEY.hex(), pin="Ab#9", phone="+15555550100")
    shown = repr(enrolment)
    for secret in (KEY.hex(), "Ab#9", "5555550100"):
        assert secret not in shown


# --- IB Key and DSC+ PINs (finding 1) ---------------------------------------------------------


@pytest.mark.parametrize("pin", ["123456", "Ab#9", "x!Y-7~", "2580"])
def test_an_ib_key_with_a_pin_of_four_to_six_characters_logs_in(
    tmp_path: Path, ctx: ServerContext, client: TestClient, pin: str
) -> None:
    device = f'kind = "ib_key"\nsecret_hex = "{KEY.hex()}"\npin = "{pin}"'
    load_scenario(ctx, read_scenario(scenario(tmp_path, device)))
    started = start(client)
    code = started["challenge"]["code"]
    assert started["device_id"] == "mobile-device"
    wrong_pin = ocra.compute_response(IB_KEY_OCRA_SUITE, KEY, code, pin="0000")
    assert respond(client, started["login_id"], wrong_pin).json()["error"]["code"] == (
        ErrorCode.WRONG_RESPONSE.value
    )
    answer = ocra.compute_response(IB_KEY_OCRA_SUITE, KEY, code, pin=pin)
    done = respond(client, started["login_id"], answer)
    assert done.status_code == 200, done.text
    assert done.json()["session"]["scope"] == "full"


@pytest.mark.parametrize(
    ("kind", "pin"),
    [
        (DeviceKind.DSC_PLUS, "12345"),
        (DeviceKind.DSC_PLUS, "12a4"),
        (DeviceKind.DSC_PLUS, "١٢٣٤"),
        (DeviceKind.IB_KEY, "123"),
        (DeviceKind.IB_KEY, "1234567"),
        (DeviceKind.IB_KEY, "12 45"),
        (DeviceKind.IB_KEY, "Äbc12"),
    ],
)
def test_a_pin_outside_its_kind_s_rule_is_refused_with_the_rule(
    tmp_path: Path, ctx: ServerContext, kind: DeviceKind, pin: str
) -> None:
    device = f'kind = "{kind.value}"\nsecret_hex = "{KEY.hex()}"\npin = "{pin}"'
    with pytest.raises(ScenarioError, match=re.escape(pin_rule(kind))) as refused:
        load_scenario(ctx, read_scenario(scenario(tmp_path, device)))
    assert pin not in str(refused.value).replace(str(tmp_path), "")
    with ctx.db.read() as s:  # nothing of the scenario was kept
        assert accounts.find_user(s, "mobile") is None


def test_a_dsc_plus_pin_of_five_digits_is_refused_by_the_admin_command(ctx: ServerContext) -> None:
    with ctx.db.transaction() as s:
        user = accounts.create_user(ctx, s, username="card", password="card-pass-1")
        with pytest.raises(AccountError) as refused:
            accounts.add_device(
                ctx,
                s,
                user,
                kind="dsc_plus",
                enrolment=Enrolment(secret_hex=KEY.hex(), pin="12345"),
            )
    assert str(refused.value) == "a dsc_plus PIN has exactly 4 digits"


def test_an_ocra_device_that_takes_a_pin_needs_one(ctx: ServerContext) -> None:
    with ctx.db.transaction() as s:
        user = accounts.create_user(ctx, s, username="card", password="card-pass-1")
        with pytest.raises(AccountError, match=re.escape(pin_rule(DeviceKind.IB_KEY))):
            accounts.add_device(
                ctx, s, user, kind="ib_key", enrolment=Enrolment(secret_hex=KEY.hex())
            )


@pytest.mark.parametrize("device_id", ["my dev", "d" * 33, "dev\u00e9", ""])
def test_a_device_id_a_client_could_not_send_back_is_refused(
    ctx: ServerContext, device_id: str
) -> None:
    with ctx.db.transaction() as s:
        user = accounts.create_user(ctx, s, username="card", password="card-pass-1")
        with pytest.raises(AccountError, match="a device id has 1 to 32 letters, digits"):
            accounts.add_device(ctx, s, user, kind="code_card", device_id=device_id)


# --- legacy OCRA devices ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [DeviceKind.DSC, DeviceKind.GOLD, DeviceKind.PLATINUM])
def test_a_legacy_device_answers_its_challenge_without_a_pin(
    tmp_path: Path, ctx: ServerContext, client: TestClient, kind: DeviceKind
) -> None:
    device = f'kind = "{kind.value}"\nsecret_hex = "{KEY.hex()}"'
    load_scenario(ctx, read_scenario(scenario(tmp_path, device)))
    started = start(client)
    assert started["challenge"]["type"] == "ocra"
    suite = spec(kind).ocra_suite
    assert suite is not None
    answer = ocra.compute_response(suite, KEY, started["challenge"]["code"])
    assert respond(client, started["login_id"], answer).status_code == 200


def test_a_legacy_device_takes_no_pin(tmp_path: Path, ctx: ServerContext) -> None:
    device = f'kind = "gold"\nsecret_hex = "{KEY.hex()}"\npin = "1234"'
    with pytest.raises(ScenarioError, match="takes no PIN"):
        load_scenario(ctx, read_scenario(scenario(tmp_path, device)))


# --- states as stored -------------------------------------------------------------------------


def test_states_are_enums_stored_as_the_same_strings_as_before(
    tmp_path: Path, ctx: ServerContext, client: TestClient
) -> None:
    device = f'kind = "ib_key"\nsecret_hex = "{KEY.hex()}"\npin = "2580"'
    load_scenario(ctx, read_scenario(scenario(tmp_path, device)))
    started = start(client)
    answer = ocra.compute_response(IB_KEY_OCRA_SUITE, KEY, started["challenge"]["code"], pin="2580")
    assert respond(client, started["login_id"], answer).status_code == 200
    with ctx.db.read() as s:
        login = s.get(Login, started["login_id"])
        assert login is not None
        assert login.state is LoginState.DONE
        raw_state = s.execute(
            text("SELECT state FROM logins WHERE id = :id"), {"id": started["login_id"]}
        ).scalar_one()
        assert raw_state == "done"
        raw_status = s.execute(
            text("SELECT status FROM devices WHERE id = 'mobile-device'")
        ).scalar_one()
        assert raw_status == "active"

    # A row written as a bare string (an older release, a support script) reads as the enum.
    with ctx.db.transaction() as s:
        s.execute(text("UPDATE devices SET status = 'locked' WHERE id = 'mobile-device'"))
    with ctx.db.read() as s:
        stored = s.get(Device, "mobile-device")
        assert stored is not None
        assert stored.status is DeviceStatus.LOCKED
    refused = client.post(
        f"{API_PREFIX}/login",
        json={"username": "mobile", "password": "mobile-pass-1", "platform": "tws"},
    )
    assert refused.json()["error"]["code"] == ErrorCode.DEVICE_LOCKED.value
