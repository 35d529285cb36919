"""For the tests of identity checks, withdrawals and device sharing on the in-process server:
users for the sharing rules (KB2481), and identity checks, logins and approvals opened over HTTP.

Besides the demo users (``demo``: DSC+, IB Key, code card, SMS; ``solo``: IB Key; ``partner``:
IB Key, demo's entity):

- ``texter``: an SMS device only (none that verifies an identity);
- ``founder`` (entity ENT-7001) with a DSC+, and ``twin`` (entity ENT-7002, the same
  identification data) with a code card: sharing founder's DSC+ with twin needs compliance;
- ``stranger`` (entity ENT-9001, other data) with a DSC+: "Different identification information";
- ``tempo`` (demo's entity) with a temporary passcode only: sharing is refused while it holds it.
"""

from __future__ import annotations

from typing import Any

import requests

from tests.support.clock import ManualClock
from tests.support.demo_api import Live
from tws_companion.cli import DEMO_SCENARIO
from tws_companion.protocol import API_PREFIX
from tws_companion.server import device_secrets
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device
from tws_companion.server.scenario import Scenario, load_scenario

DEMO_USER, DEMO_PASSWORD = "demo", "demo-pass-1"
PARTNER_USER, PARTNER_PASSWORD, PARTNER_DEVICE = "partner", "partner-pass-1", "partner-ibkey"
TEMPO_PASSCODE = "TEMPO8PASS"

_IDENTITY = {
    "date_of_birth": "1975-01-31",
    "citizenship": "CH",
    "residence_country": "CH",
    "id_document_type": "passport",
    "id_document_number": "X1234567",
}
_DSC_PLUS_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

SHARING_USERS: list[dict[str, Any]] = [
    {
        "username": "texter",
        "password": "texter-pass-1",
        "phone": "+15555550161",
        "devices": [{"id": "texter-sms", "kind": "sms", "label": "SMS"}],
    },
    {
        "username": "founder",
        "password": "founder-pass-1",
        "phone": "+15555550162",
        "entity_id": "ENT-7001",
        **_IDENTITY,
        "devices": [
            {
                "id": "founder-dscplus",
                "kind": "dsc_plus",
                "label": "Founder's DSC+",
                "secret_hex": _DSC_PLUS_HEX,
                "pin": "9876",
            }
        ],
    },
    {
        "username": "twin",
        "password": "twin-pass-1",
        "phone": "+15555550163",
        "entity_id": "ENT-7002",
        **{key: f"  {value.upper()} " for key, value in _IDENTITY.items()},
        "devices": [{"id": "twin-card", "kind": "code_card", "label": "Twin's card"}],
    },
    {
        "username": "stranger",
        "password": "stranger-pass-1",
        "phone": "+15555550164",
        "entity_id": "ENT-9001",
        **{**_IDENTITY, "id_document_number": "Y7654321"},
        "devices": [
            {
                "id": "stranger-dscplus",
                "kind": "dsc_plus",
                "label": "Stranger's DSC+",
                "secret_hex": _DSC_PLUS_HEX,
                "pin": "1111",
            }
        ],
    },
    {
        "username": "tempo",
        "password": "tempo-pass-1",
        "phone": "+15555550165",
        "entity_id": "ENT-1001",
        "devices": [
            {
                "id": "tempo-passcode",
                "kind": "temporary",
                "label": "Temporary",
                "passcode": TEMPO_PASSCODE,
            }
        ],
    },
]
PASSWORDS = {
    DEMO_USER: DEMO_PASSWORD,
    PARTNER_USER: PARTNER_PASSWORD,
    "solo": "solo-pass-1",
    **{user["username"]: user["password"] for user in SHARING_USERS},
}


def add_sharing_users(ctx: ServerContext) -> None:
    load_scenario(ctx, Scenario(DEMO_SCENARIO, {}, SHARING_USERS))


class Checks:
    """Identity checks, logins and approvals over HTTP, on the app under test."""

    def __init__(self, live: Live) -> None:
        self.live = live
        self.ctx = live.ctx
        self.client: requests.Session = live.client
        self.clock: ManualClock = live.clock

    def post(self, path: str, body: object, token: str | None = None) -> requests.Response:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.client.post(f"{API_PREFIX}{path}", json=body, headers=headers, timeout=30)

    def get(self, path: str, token: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return self.client.get(f"{API_PREFIX}{path}", headers=headers, timeout=30)

    def ok(self, response: requests.Response, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def answer(self, device_id: str, challenge: dict[str, Any]) -> str:
        """What the device shows for ``challenge``: an OCRA response, or the card's values."""
        if challenge["type"] == "ocra":
            return self.live.ocra_response(device_id, challenge["code"])
        if challenge["type"] == "passcode":
            return TEMPO_PASSCODE
        with self.ctx.db.read() as s:
            device = s.get(Device, device_id)
            assert device is not None
            card = device_secrets.device_card(self.ctx, device)
        return "".join(card.values[index] for index in challenge["indices"])

    def start(self, username: str, purpose: str, device_id: str | None = None) -> dict[str, Any]:
        """An identity check of ``username`` at the response step of ``device_id`` (or where
        it stands if ``None``)."""
        self.live.heal()
        body = {"username": username, "password": PASSWORDS[username], "purpose": purpose}
        started = self.ok(self.post("/verify", body))
        if device_id is not None and started.get("device_id") != device_id:
            step = self.ok(
                self.post(f"/verify/{started['login_id']}/device", {"device_id": device_id})
            )
            started.update(step)
        return started

    def approval(self, username: str, purpose: str, device_id: str) -> dict[str, Any]:
        """A completed identity check's approval."""
        started = self.start(username, purpose, device_id)
        response = self.answer(device_id, started["challenge"])
        done = self.ok(self.post(f"/verify/{started['login_id']}/respond", {"response": response}))
        approval: dict[str, Any] = done["approval"]
        return approval

    def session(self, username: str, device_id: str) -> str:
        """A session of ``username``, logged in with ``device_id``."""
        started = self.live.login(username, PASSWORDS[username], device_id)
        response = self.answer(device_id, started["challenge"])
        done = self.ok(self.post(f"/login/{started['login_id']}/respond", {"response": response}))
        token: str = done["session"]["token"]
        return token

    def login_devices(self, username: str) -> list[str]:
        """The device ids a new login of ``username`` offers."""
        self.live.heal()
        body = {"username": username, "password": PASSWORDS[username]}
        return [device["id"] for device in self.ok(self.post("/login", body))["devices"]]
