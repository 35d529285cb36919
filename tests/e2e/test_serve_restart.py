"""Restarting ``serve --scenario`` on its data folder keeps the server's state: a locked account
stays locked, a locked device stays locked, a session stays valid and the user's settings key
(which opens their encrypted layout files) stays the same bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.demo import dsc_plus_response, write_scenario
from tests.support.process_server import RunningServer, serve

pytestmark = pytest.mark.e2e

API = "/api/v1"
#: Two wrong passwords lock an account, two wrong responses lock a device: quick to reach.
POLICY = """[policy]
throttle_after_failures = 2
lockout_failures = 2
device_lock_failures = 2

"""


def post(server: RunningServer, path: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{server.url}{API}{path}", json=body, timeout=60)


def get(server: RunningServer, path: str, token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{server.url}{API}{path}", headers=headers, timeout=60)


def login(server: RunningServer, username: str, password: str) -> requests.Response:
    return post(server, "/login", {"username": username, "password": password, "platform": "tws"})


def error_code(response: requests.Response) -> str:
    code: str = response.json()["error"]["code"]
    return code


def test_a_restart_keeps_lockouts_locked_devices_sessions_and_settings_keys(
    tmp_path: Path,
) -> None:
    scenario = write_scenario(tmp_path)
    scenario.write_text(POLICY + scenario.read_text(encoding="utf-8"), encoding="utf-8")
    arguments = ["--scenario", str(scenario)]
    data = tmp_path / "data"

    with serve(data, arguments) as server:
        started = login(server, "demo", "demo-pass-1").json()
        login_id = started["login_id"]
        step = post(server, f"/login/{login_id}/device", {"device_id": "demo-dscplus"}).json()
        done = post(
            server,
            f"/login/{login_id}/respond",
            {"response": dsc_plus_response(step["challenge"]["code"])},
        )
        assert done.status_code == 200, done.text
        token = done.json()["session"]["token"]
        key = get(server, "/me/settings-key", token).json()["key"]

        for _ in range(2):
            assert error_code(login(server, "locky", "wrong")) == "invalid_credentials"
        assert error_code(login(server, "locky", "locky-pass-1")) == "account_locked"

        card = login(server, "traveller", "traveller-pass-1").json()["login_id"]
        wrong = {"response": "00000000"}
        assert error_code(post(server, f"/login/{card}/respond", wrong)) == "wrong_response"
        assert error_code(post(server, f"/login/{card}/respond", wrong)) == "device_locked"

    with serve(data, arguments) as server:
        me = get(server, "/me", token)
        assert me.status_code == 200, me.text
        assert me.json()["username"] == "demo"
        assert get(server, "/me/settings-key", token).json()["key"] == key
        assert error_code(login(server, "locky", "locky-pass-1")) == "account_locked"
        assert error_code(login(server, "traveller", "traveller-pass-1")) == "device_locked"
        # Support's reset is what unlocks the device, not a restart.
        assert server.admin("reset-device", "--user", "traveller", "--device",
                            "traveller-dscplus").returncode == 0  # fmt: skip
        assert login(server, "traveller", "traveller-pass-1").json()["step"] == "respond"
