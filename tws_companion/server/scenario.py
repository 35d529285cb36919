"""Scenario files (TOML): users, their devices and restrictions, and policy overrides.

The demo runs on one; support loads a customer's situation from one. Format (DESIGN.md section 5)::

    [policy]                      # optional overrides, durations in seconds
    challenge_ttl = 60

    [[users]]
    username = "demo"
    password = "demo1234"
    phone = "+15555550100"
    allowed_ips = ["192.0.2.0/24"]   # optional
    entity_id = "E1"                 # optional identity fields

    [[users.devices]]
    kind = "dsc_plus"
    label = "My DSC+"
    secret_hex = "3132..."
    pin = "1234"

A user already in the database is replaced, so loading a scenario twice gives the same state.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from tws_companion.server import accounts
from tws_companion.server.context import ServerContext
from tws_companion.sls import code_card
from tws_companion.sls.policy import Policy

USER_KEYS = {"username", "password", "phone", "allowed_ips", "devices", *accounts.IDENTITY_FIELDS}
DEVICE_KEYS = {
    "id",
    "kind",
    "label",
    "secret_hex",
    "pin",
    "phone",
    "passcode",
    "issued_days_ago",
    "card_csv",
}


class ScenarioError(Exception):
    """A scenario file that cannot be loaded; the message names the file and the entry."""


@dataclass(frozen=True)
class Scenario:
    path: Path
    policy: dict[str, Any]
    users: list[dict[str, Any]]


def read_scenario(path: Path) -> Scenario:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"scenario file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read scenario file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"policy", "users"})
    if unknown:
        raise ScenarioError(f"{path}: unknown top-level entries: {', '.join(unknown)}")
    policy = data.get("policy", {})
    try:
        Policy.from_mapping(policy)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{path}: [policy]: {exc}") from None
    users = data.get("users", [])
    if not isinstance(users, list):
        raise ScenarioError(f"{path}: 'users' must be an array of tables ([[users]])")
    for number, user in enumerate(users, 1):
        where = f"{path}: user #{number}"
        if not isinstance(user, dict):
            raise ScenarioError(f"{where} must be a table")
        bad = sorted(set(user) - USER_KEYS)
        if bad:
            raise ScenarioError(f"{where}: unknown keys: {', '.join(bad)}")
        for key in ("username", "password"):
            if not isinstance(user.get(key), str) or not user[key]:
                raise ScenarioError(f"{where}: '{key}' is required and must be a string")
        for device_number, device in enumerate(user.get("devices", []), 1):
            if not isinstance(device, dict) or "kind" not in device:
                raise ScenarioError(f"{where}, device #{device_number}: needs a 'kind'")
            bad = sorted(set(device) - DEVICE_KEYS)
            if bad:
                raise ScenarioError(
                    f"{where}, device #{device_number}: unknown keys: {', '.join(bad)}"
                )
    return Scenario(path, policy, users)


def load_scenario(ctx: ServerContext, scenario: Scenario) -> list[str]:
    """Create (or replace) the scenario's users and devices; returns one line per user."""
    lines = []
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        for number, entry in enumerate(scenario.users, 1):
            where = f"{scenario.path}: user #{number} ({entry['username']})"
            try:
                user = accounts.create_user(
                    ctx,
                    s,
                    username=entry["username"],
                    password=entry["password"],
                    phone=entry.get("phone"),
                    allowed_ips=entry.get("allowed_ips", []),
                    identity={k: entry[k] for k in accounts.IDENTITY_FIELDS if k in entry},
                    replace=True,
                )
                kinds = []
                for device in entry.get("devices", []):
                    card = None
                    if "card_csv" in device:
                        card_path = scenario.path.parent / device["card_csv"]
                        card = code_card.card_from_csv(card_path.read_text(encoding="utf-8"))
                    issued_at = now - timedelta(days=float(device.get("issued_days_ago", 0)))
                    accounts.add_device(
                        ctx,
                        s,
                        user,
                        kind=device["kind"],
                        label=device.get("label"),
                        secret_hex=device.get("secret_hex"),
                        pin=device.get("pin"),
                        phone=device.get("phone"),
                        card=card,
                        passcode=device.get("passcode"),
                        issued_at=issued_at,
                        device_id=device.get("id"),
                    )
                    kinds.append(device["kind"])
            except (accounts.AccountError, ValueError, OSError) as exc:
                raise ScenarioError(f"{where}: {exc}") from None
            lines.append(f"{user.username}: {', '.join(kinds) or 'no devices'}")
    return lines
