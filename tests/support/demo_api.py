"""The demo scenario's server in process, on a given database, for tests that attack its API: the
users, live logins and sessions opened over HTTP, and what every answer must look like.

Demo users (resources/scenarios/demo.toml): ``demo`` has four devices, so a login waits for one to
be picked; ``solo`` has one IB Key, so a login goes straight to its challenge. One more user,
``temp``, has a temporary passcode (the online card needs one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import delete

from tests.support.clock import ManualClock
from tests.support.servers import make_context
from tws_companion.cli import DEMO_SCENARIO
from tws_companion.protocol import API_PREFIX, DeviceStatus, ErrorCode
from tws_companion.server import accounts, device_secrets
from tws_companion.server.context import ServerContext
from tws_companion.server.db import CodeSend, Device, SourceFailure
from tws_companion.server.scenario import Scenario, load_scenario, read_scenario
from tws_companion.sls import ocra
from tws_companion.sls.devices import spec
from tws_companion.sls.policy import RESEND_MIN_INTERVAL

ERROR_CODES = frozenset(code.value for code in ErrorCode)
TRACEBACK_MARKERS = ("Traceback", 'File "')

DEMO_USER, DEMO_PASSWORD = "demo", "demo-pass-1"
SOLO_USER, SOLO_PASSWORD, SOLO_DEVICE = "solo", "solo-pass-1", "solo-ibkey"
TEMP_USER, TEMP_PASSWORD, TEMP_DEVICE, TEMP_PASSCODE = (
    "temp",
    "temp-pass-1",
    "temp-passcode",
    "TMPPASS8",
)
TEMP_SCENARIO_USERS: list[dict[str, Any]] = [
    {
        "username": TEMP_USER,
        "password": TEMP_PASSWORD,
        "phone": "+15555550133",
        "devices": [
            {
                "id": TEMP_DEVICE,
                "kind": "temporary",
                "label": "Temporary",
                "passcode": TEMP_PASSCODE,
            }
        ],
    }
]


def demo_context(folder: Path, clock: ManualClock, url: str) -> ServerContext:
    """A server context on the database at ``url`` with the demo users and ``temp``."""
    context = make_context(folder, clock, url=url)
    load_scenario(context, read_scenario(DEMO_SCENARIO))
    load_scenario(context, Scenario(DEMO_SCENARIO, {}, TEMP_SCENARIO_USERS))
    return context


class Live:
    """Opens real logins and sessions on the app under test, over HTTP."""

    def __init__(self, ctx: ServerContext, clock: ManualClock, client: requests.Session) -> None:
        self.ctx = ctx
        self.clock = clock
        self.client = client

    def heal(self) -> None:
        """Undo what earlier requests did (throttles, send caps, locked devices), so a live
        login can always be opened."""
        with self.ctx.db.transaction() as s:
            s.execute(delete(SourceFailure))
            s.execute(delete(CodeSend))
            for name in (DEMO_USER, SOLO_USER, TEMP_USER):
                user = accounts.find_user(s, name)
                assert user is not None
                accounts.unlock_user(s, user)
                for device in accounts.user_devices(s, user):
                    if device.status == DeviceStatus.LOCKED:
                        accounts.reset_device(s, device)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(f"{API_PREFIX}{path}", json=body, timeout=30)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def login(self, username: str, password: str, device_id: str | None = None) -> dict[str, Any]:
        """A login at the response step of ``device_id`` (or at the device step if ``None``)."""
        self.heal()
        started = self.post("/login", {"username": username, "password": password})
        if device_id is not None and started.get("device_id") != device_id:
            step = self.post(f"/login/{started['login_id']}/device", {"device_id": device_id})
            started.update(step)
        return started

    def ocra_response(self, device_id: str, challenge: str) -> str:
        with self.ctx.db.transaction() as s:
            device = s.get(Device, device_id)
            assert device is not None
            suite = spec(device.kind).ocra_suite
            assert suite is not None
            secret = device_secrets.device_secret(self.ctx, device)
            pin = device_secrets.device_pin(self.ctx, device)
        return ocra.compute_response(suite, secret, challenge, pin=pin)

    def solo_login(self) -> tuple[str, str]:
        """A solo login at its IB Key challenge, and the correct response."""
        started = self.login(SOLO_USER, SOLO_PASSWORD, SOLO_DEVICE)
        return started["login_id"], self.ocra_response(SOLO_DEVICE, started["challenge"]["code"])

    def session(self, temporary: bool) -> str:
        if temporary:
            started = self.login(TEMP_USER, TEMP_PASSWORD, TEMP_DEVICE)
            login_id, response = started["login_id"], TEMP_PASSCODE
        else:
            login_id, response = self.solo_login()
        done = self.post(f"/login/{login_id}/respond", {"response": response})
        token: str = done["session"]["token"]
        return token

    def sms_login(self) -> str:
        """A demo login with the SMS device selected, old enough that a resend is allowed."""
        login_id: str = self.login(DEMO_USER, DEMO_PASSWORD, "demo-sms")["login_id"]
        self.clock.advance(seconds=RESEND_MIN_INTERVAL.total_seconds() + 1)
        return login_id


def assert_well_behaved(status: int, content_type: str, body: bytes) -> None:
    """No 5xx, no Python traceback in any body, and every 4xx the JSON error of DESIGN.md
    section 5 with a known ``error.code`` and a message."""
    text = body.decode("utf-8", errors="replace")
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"a traceback leaked in a {status} answer: {text[:500]}"
    assert status < 500, f"server error {status}: {text[:500]}"
    if 400 <= status < 500:
        assert content_type.split(";")[0].strip() == "application/json", (status, content_type)
        answer = json.loads(body)
        assert isinstance(answer, dict), answer
        assert set(answer) == {"error"}, answer
        error = answer["error"]
        assert isinstance(error, dict), answer
        assert error.get("code") in ERROR_CODES, answer
        assert isinstance(error.get("message"), str), answer
        assert error["message"], answer


def assert_error(response: requests.Response, status: int, *codes: ErrorCode) -> dict[str, Any]:
    """``response`` is the JSON error ``status`` with one of ``codes``; returns ``error``."""
    assert_well_behaved(
        response.status_code, response.headers.get("content-type", ""), response.content
    )
    assert response.status_code == status, (response.status_code, response.text[:300])
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] in {code.value for code in codes}, error
    return error
