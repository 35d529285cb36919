"""Loading a scenario again (a restart with ``serve --scenario``, ``admin load-scenario``) adds
or updates what it names and leaves the rest: sessions, lockouts, locked devices, settings keys
and the temporary-passcode history survive it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.clock import ManualClock
from tests.support.demo import DSC_PLUS_KEY, dsc_plus_response, write_scenario
from tests.support.servers import make_context
from tws_companion.server import accounts, device_secrets
from tws_companion.server.account_errors import AccountError
from tws_companion.server.app import create_app
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.context import ServerContext
from tws_companion.server.scenario import ScenarioError, load_scenario, read_scenario
from tws_companion.sls.policy import Policy

API = "/api/v1"
#: Two wrong passwords lock an account, two wrong responses lock a device: quick to reach.
POLICY = Policy(throttle_after_failures=2, lockout_failures=2, device_lock_failures=2)


class Server:
    def __init__(self, ctx: ServerContext, client: TestClient) -> None:
        self.ctx = ctx
        self.client = client

    def login(self, username: str, password: str) -> Any:
        body = {"username": username, "password": password, "platform": "tws"}
        return self.client.post(f"{API}/login", json=body)

    def respond(self, login_id: str, response: str) -> Any:
        return self.client.post(f"{API}/login/{login_id}/respond", json={"response": response})

    def demo_session(self, pin: str = "1234", password: str = "demo-pass-1") -> str:
        started = self.login("demo", password)
        assert started.status_code == 200, started.text
        login_id = started.json()["login_id"]
        step = self.client.post(
            f"{API}/login/{login_id}/device", json={"device_id": "demo-dscplus"}
        )
        assert step.status_code == 200, step.text
        done = self.respond(login_id, dsc_plus_response(step.json()["challenge"]["code"], pin))
        assert done.status_code == 200, done.text
        token: str = done.json()["session"]["token"]
        return token

    def get(self, path: str, token: str) -> Any:
        return self.client.get(f"{API}{path}", headers={"Authorization": f"Bearer {token}"})

    def load(self, scenario: Path) -> list[str]:
        return load_scenario(self.ctx, read_scenario(scenario))


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return write_scenario(tmp_path)


@pytest.fixture
def server(tmp_path: Path, scenario: Path) -> Iterator[Server]:
    ctx = make_context(tmp_path / "server", ManualClock(), POLICY)
    load_scenario(ctx, read_scenario(scenario))
    with TestClient(
        create_app(ctx), base_url="http://127.0.0.1", client=("127.0.0.1", 50000)
    ) as client:
        yield Server(ctx, client)
    ctx.db.dispose()


def error_code(response: Any) -> str:
    code: str = response.json()["error"]["code"]
    return code


def lock_locky(server: Server) -> None:
    for _ in range(POLICY.lockout_failures):
        assert error_code(server.login("locky", "wrong")) == "invalid_credentials"
    assert error_code(server.login("locky", "locky-pass-1")) == "account_locked"


def lock_travellers_card(server: Server) -> None:
    started = server.login("traveller", "traveller-pass-1").json()
    assert started["device_id"] == "traveller-dscplus"
    login_id = started["login_id"]
    assert error_code(server.respond(login_id, "00000000")) == "wrong_response"
    assert error_code(server.respond(login_id, "00000000")) == "device_locked"


def test_loading_the_same_scenario_again_keeps_sessions_lockouts_and_locked_devices(
    server: Server, scenario: Path
) -> None:
    token = server.demo_session()
    key_before = server.get("/me/settings-key", token).json()["key"]
    lock_locky(server)
    lock_travellers_card(server)
    with server.ctx.db.read() as s:
        hash_before = accounts.require_user(s, "demo").password_hash

    server.load(scenario)

    assert server.get("/me", token).json()["username"] == "demo"
    assert server.get("/me/settings-key", token).json()["key"] == key_before
    assert error_code(server.login("locky", "locky-pass-1")) == "account_locked"
    assert error_code(server.login("traveller", "traveller-pass-1")) == "device_locked"
    # The device the user logged in with is still offered first.
    assert server.login("demo", "demo-pass-1").json()["preferred_device_id"] == "demo-dscplus"
    with server.ctx.db.read() as s:
        # Nothing hashed again, and no device added twice (locky's SMS device has no id).
        assert accounts.require_user(s, "demo").password_hash == hash_before
        locky = accounts.require_user(s, "locky")
        assert [d.kind for d in accounts.user_devices(s, locky)] == ["sms"]

    # Support resets the device; the scenario did not.
    with server.ctx.db.transaction() as s:
        traveller = accounts.require_user(s, "traveller")
        accounts.reset_device(s, accounts.require_device(s, traveller, "traveller-dscplus"))
    assert server.login("traveller", "traveller-pass-1").json()["step"] == "respond"


def test_a_changed_scenario_updates_what_it_names_and_leaves_the_rest(
    server: Server, scenario: Path, tmp_path: Path
) -> None:
    token = server.demo_session()
    with server.ctx.db.transaction() as s:
        demo = accounts.require_user(s, "demo")
        demo_id = demo.id
        extra = accounts.add_device(server.ctx, s, demo, kind="code_card", label="Spare card")
        extra_id = extra.device.id
        walkin = accounts.create_user(server.ctx, s, username="walkin", password="walkin-pass-1")
        accounts.add_device(
            server.ctx, s, walkin, kind="sms", enrolment=Enrolment(phone="+15555550144")
        )

    text = scenario.read_text(encoding="utf-8")
    changed = tmp_path / "changed.toml"
    changed.write_text(
        text.replace('password = "demo-pass-1"', 'password = "demo-pass-2"')
        .replace('label = "Digital Security Card+"\n', 'label = "Blue card"\n')
        .replace('pin = "1234"', 'pin = "7788"')
        .replace('phone = "+15555550111"', 'phone = "+15555550999"\nallowed_ips = ["192.0.2.1"]')
        + '\n[[users.devices]]\nid = "traveller-card"\nkind = "code_card"\n',
        encoding="utf-8",
    )
    server.load(changed)

    # The old password is refused, the new one works; the session of before is still valid.
    assert error_code(server.login("demo", "demo-pass-1")) == "invalid_credentials"
    assert server.get("/me", token).status_code == 200
    started = server.login("demo", "demo-pass-2").json()
    devices = {d["id"]: d for d in started["devices"]}
    assert devices["demo-dscplus"]["label"] == "Blue card"
    assert extra_id in devices  # a device the scenario does not name is left alone
    # The card's PIN changed in place: same id, same key, the new PIN.
    login_id = started["login_id"]
    step = server.client.post(f"{API}/login/{login_id}/device", json={"device_id": "demo-dscplus"})
    challenge = step.json()["challenge"]["code"]
    old_pin = server.respond(login_id, dsc_plus_response(challenge, pin="1234"))
    assert error_code(old_pin) == "wrong_response"
    assert server.respond(login_id, dsc_plus_response(challenge, pin="7788")).status_code == 200
    # solo is now restricted to one address; a user the scenario does not name is untouched.
    assert error_code(server.login("solo", "solo-pass-1")) == "ip_restricted"
    assert server.login("walkin", "walkin-pass-1").status_code == 200
    with server.ctx.db.read() as s:
        assert accounts.require_user(s, "demo").id == demo_id
        traveller = accounts.require_user(s, "traveller")
        assert [d.id for d in accounts.user_devices(s, traveller)] == [
            "traveller-dscplus",
            "traveller-card",
        ]
        dsc = accounts.require_device(s, accounts.require_user(s, "demo"), "demo-dscplus")
        assert device_secrets.device_secret(server.ctx, dsc) == DSC_PLUS_KEY


def test_a_reload_keeps_generated_secrets_and_the_temporary_passcode_history(
    server: Server, scenario: Path
) -> None:
    # demo-card has no card_csv: its card was generated at the first load and is in the
    # customer's hands; traveller already had a temporary passcode.
    with server.ctx.db.transaction() as s:
        card_before = device_secrets.device_card(
            server.ctx, accounts.require_device(s, accounts.require_user(s, "demo"), "demo-card")
        )
        accounts.issue_temporary_passcode(server.ctx, s, accounts.require_user(s, "traveller"))

    server.load(scenario)

    with server.ctx.db.transaction() as s:
        demo = accounts.require_user(s, "demo")
        card_after = device_secrets.device_card(
            server.ctx, accounts.require_device(s, demo, "demo-card")
        )
        assert card_after.values == card_before.values
        with pytest.raises(AccountError, match="no second temporary passcode"):
            accounts.issue_temporary_passcode(server.ctx, s, accounts.require_user(s, "traveller"))


def test_a_device_id_of_another_user_is_refused(server: Server, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(
        '[[users]]\nusername = "solo"\npassword = "solo-pass-1"\n'
        '[[users.devices]]\nid = "demo-dscplus"\nkind = "dsc_plus"\npin = "1234"\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"demo-dscplus.*another user"):
        server.load(other)
    # Nothing of the refused load stayed: demo still logs in with that card.
    token = server.demo_session()
    assert server.get("/me", token).status_code == 200


def test_a_pin_written_as_a_number_is_refused_before_anything_loads(tmp_path: Path) -> None:
    scenario = tmp_path / "numbers.toml"
    scenario.write_text(
        '[[users]]\nusername = "numbers"\npassword = "numbers-pass-1"\n\n'
        '[[users.devices]]\nkind = "dsc_plus"\nsecret_hex = "' + "31" * 20 + '"\npin = 1234\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"user #1, device #1: pin must be a quoted string"):
        read_scenario(scenario)
