"""Scenario files (TOML): users, their devices and restrictions, and policy overrides.

The demo runs on one; support loads a customer's situation from one. Format (DESIGN.md section 5)::

    [policy]                      # optional overrides, durations in seconds
    challenge_ttl = 60

    [faults]                      # optional: messages lost, refused or late (server.faults)
    sms = "lost"

    [[users]]
    username = "demo"
    password = "demo1234"
    phone = "+15555550100"
    allowed_ips = ["192.0.2.0/24"]   # optional
    entity_id = "E1"                 # optional identity fields
    failed_logins = 4                # optional: a streak of failed logins, as of loading,
    failed_logins_minutes_ago = 45   #   the last of them this long ago (default 0)

    [[users.devices]]
    kind = "dsc_plus"
    label = "My DSC+"
    secret_hex = "3132..."
    pin = "1234"

A device may also have an ``id``, a ``phone`` (SMS), a ``passcode`` (temporary), an
``issued_days_ago``, a ``card_csv`` (a code card as CSV ``index,value``, next to the scenario) and
``failed_responses`` (wrong responses in a row, as of loading: as many as the policy's
``device_lock_failures`` lock the device).

Loading adds or updates what the scenario names and leaves everything else alone, so a server
restarted with ``serve --scenario`` on its data folder (or ``admin load-scenario`` run again)
keeps its state:

- A user not in the database is created. A user already there keeps its id, settings key
  (its encrypted layout files still open), sessions, failed-login streak and lockout, preferred
  device and temporary-passcode history; its phone, ``allowed_ips`` and identity fields become
  the scenario's (an optional key left out means none), and its password hash is replaced only
  when the scenario's password no longer verifies against it.
- A device with an ``id`` is that device; one without is matched by ``kind`` and ``label``
  among the user's devices the entry does not name by id. A matched device is updated in place:
  label, and the secret, PIN, phone, card or passcode the scenario gives (one it leaves out is
  kept, never generated again); its status and consecutive failures stay, so a locked device
  stays locked until ``admin reset-device``, and ``issued_days_ago`` applies only to a device
  being added. Devices the scenario does not name are left alone; the others are added.
- Users the scenario does not name are left alone; so are their lockouts and sessions.
- ``failed_logins`` and ``failed_responses`` are faults a support engineer declares to reproduce
  a customer's lockout: where given, they replace the user's streak or the device's count (and
  lock it at the policy's limit); where left out, the state in the database stays.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tws_companion.protocol import DeviceStatus
from tws_companion.server import accounts
from tws_companion.server.account_errors import AccountError
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.context import ServerContext
from tws_companion.server.crypto import MasterKeyError
from tws_companion.server.db import Device, LoginFailure, User
from tws_companion.server.faults import Faults
from tws_companion.sls import code_card
from tws_companion.sls.devices import spec
from tws_companion.sls.policy import Policy

USER_KEYS = {
    "username",
    "password",
    "phone",
    "allowed_ips",
    "devices",
    "failed_logins",
    "failed_logins_minutes_ago",
    *accounts.IDENTITY_FIELDS,
}
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
    "failed_responses",
}
#: Keys whose value is a count of failures (a whole number, 0 or more).
COUNT_KEYS = frozenset({"failed_logins", "failed_logins_minutes_ago", "failed_responses"})


#: Device keys whose value is text; a PIN written as a TOML number would lose leading zeros.
TEXT_DEVICE_KEYS = frozenset(
    {"id", "kind", "label", "secret_hex", "pin", "phone", "passcode", "card_csv"}
)


class ScenarioError(Exception):
    """A scenario file that cannot be loaded; the message names the file and the entry."""


@dataclass(frozen=True)
class Scenario:
    path: Path
    policy: dict[str, Any]
    users: list[dict[str, Any]]
    faults: Faults = field(default_factory=Faults)


def read_scenario(path: Path) -> Scenario:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"scenario file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read scenario file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"policy", "users", "faults"})
    if unknown:
        raise ScenarioError(f"{path}: unknown top-level entries: {', '.join(unknown)}")
    policy = data.get("policy", {})
    try:
        Policy.from_mapping(policy)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{path}: [policy]: {exc}") from None
    faults_table = data.get("faults", {})
    if not isinstance(faults_table, dict):
        raise ScenarioError(f"{path}: 'faults' must be a table ([faults])")
    try:
        faults = Faults.from_mapping(faults_table)
    except ValueError as exc:
        raise ScenarioError(f"{path}: [faults]: {exc}") from None
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
        _check_counts(where, user)
        for device_number, device in enumerate(user.get("devices", []), 1):
            if not isinstance(device, dict) or "kind" not in device:
                raise ScenarioError(f"{where}, device #{device_number}: needs a 'kind'")
            bad = sorted(set(device) - DEVICE_KEYS)
            if bad:
                raise ScenarioError(
                    f"{where}, device #{device_number}: unknown keys: {', '.join(bad)}"
                )
            texts = sorted(
                key for key in TEXT_DEVICE_KEYS & set(device) if not isinstance(device[key], str)
            )
            if texts:
                raise ScenarioError(
                    f"{where}, device #{device_number}: {', '.join(texts)} must be a quoted "
                    'string (pin = "0123", not pin = 0123)'
                )
            _check_counts(f"{where}, device #{device_number}", device)
    return Scenario(path, policy, users, faults)


def _check_counts(where: str, entry: dict[str, Any]) -> None:
    for key in sorted(COUNT_KEYS & set(entry)):
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScenarioError(f"{where}: {key} must be a whole number, 0 or more")


def load_scenario(ctx: ServerContext, scenario: Scenario) -> list[str]:
    """Add or update the scenario's users and devices (see the module's docstring), in one
    transaction; returns one line per user."""
    lines = []
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        for number, entry in enumerate(scenario.users, 1):
            where = f"{scenario.path}: user #{number} ({entry['username']})"
            try:
                user = _put_user(ctx, s, entry)
                if "failed_logins" in entry:
                    ago = timedelta(minutes=entry.get("failed_logins_minutes_ago", 0))
                    _put_failed_logins(s, user, entry["failed_logins"], now - ago)
                devices = entry.get("devices", [])
                taken = {str(device["id"]) for device in devices if "id" in device}
                for device in devices:
                    taken.add(_put_device(ctx, s, user, device, scenario, now, taken))
            except (AccountError, MasterKeyError, ValueError, OSError) as exc:
                raise ScenarioError(f"{where}: {exc}") from None
            kinds = [device["kind"] for device in devices]
            lines.append(f"{user.username}: {', '.join(kinds) or 'no devices'}")
    return lines


def _put_user(ctx: ServerContext, s: Session, entry: dict[str, Any]) -> User:
    """The entry's user, created or updated."""
    password: str = entry["password"]
    phone: str | None = entry.get("phone")
    allowed_ips: list[str] = entry.get("allowed_ips", [])
    identity = {key: entry[key] for key in accounts.IDENTITY_FIELDS if key in entry}
    user = accounts.find_user(s, entry["username"])
    if user is None:
        return accounts.create_user(
            ctx,
            s,
            username=entry["username"],
            password=password,
            phone=phone,
            allowed_ips=allowed_ips,
            identity=identity,
        )
    accounts.update_user(
        ctx, s, user, password=password, phone=phone, allowed_ips=allowed_ips, identity=identity
    )
    return user


def _put_device(
    ctx: ServerContext,
    s: Session,
    user: User,
    entry: dict[str, Any],
    scenario: Scenario,
    now: datetime,
    taken: set[str],
) -> str:
    """The entry's device, updated in place or added; returns its id. ``taken``: the ids other
    entries name or have matched."""
    card = None
    if "card_csv" in entry:
        card_path = scenario.path.parent / entry["card_csv"]
        card = code_card.card_from_csv(card_path.read_text(encoding="utf-8"))
    described: dict[str, Any] = {
        "kind": entry["kind"],
        "label": entry.get("label"),
        "enrolment": Enrolment(
            secret_hex=entry.get("secret_hex"),
            pin=entry.get("pin"),
            phone=entry.get("phone"),
            card=card,
            passcode=entry.get("passcode"),
        ),
    }
    existing = _matching_device(s, user, entry, taken)
    if existing is not None:
        accounts.update_device(ctx, s, user, existing, **described)
        _put_failed_responses(ctx, existing, entry)
        return existing.id
    new = accounts.add_device(
        ctx,
        s,
        user,
        **described,
        issued_at=now - timedelta(days=float(entry.get("issued_days_ago", 0))),
        device_id=entry.get("id"),
    )
    _put_failed_responses(ctx, new.device, entry)
    return new.device.id


def _put_failed_logins(s: Session, user: User, count: int, at: datetime) -> None:
    """The user's streak of failed logins becomes ``count``, all of them at ``at``."""
    accounts.unlock_user(s, user)
    if count:
        s.add(
            LoginFailure(
                username=user.username,
                consecutive=count,
                first_failure_at=at,
                last_failure_at=at,
            )
        )


def _put_failed_responses(ctx: ServerContext, device: Device, entry: dict[str, Any]) -> None:
    """The device's wrong responses in a row become the entry's ``failed_responses`` (locked at
    the policy's limit, as a login would have left it)."""
    if "failed_responses" not in entry:
        return
    count: int = entry["failed_responses"]
    device.consecutive_failures = count
    if count >= ctx.policy.device_lock_failures:
        device.status = DeviceStatus.LOCKED
    elif device.status is DeviceStatus.LOCKED:
        device.status = DeviceStatus.ACTIVE


def _matching_device(
    s: Session, user: User, entry: dict[str, Any], taken: set[str]
) -> Device | None:
    """The device an entry names: by ``id``, else the first of the user's devices with the same
    kind and label that no other entry names or has matched."""
    if "id" in entry:
        return s.get(Device, str(entry["id"]))
    try:
        kind = spec(entry["kind"]).kind
    except ValueError:
        return None  # adding it says what is wrong
    label = accounts.device_label(kind, entry.get("label"))
    for device in accounts.user_devices(s, user):
        if device.id not in taken and device.kind == kind.value and device.label == label:
            return device
    return None
