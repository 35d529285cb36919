"""Users and their devices: provisioning (admin commands, scenarios) and reading device secrets.

Every device secret is stored encrypted with the master key, bound to the device id; a PIN is
stored the same way because OCRA feeds the PIN itself into the response.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, LoginFailure, User
from tws_companion.sls import code_card, temporary
from tws_companion.sls.devices import DeviceKind, spec
from tws_companion.sls.ip_rules import parse_allowed_ips
from tws_companion.sls.policy import PIN_DIGITS

IDENTITY_FIELDS = (
    "entity_id",
    "date_of_birth",
    "citizenship",
    "residence_country",
    "id_document_type",
    "id_document_number",
)
SETTINGS_KEY_BYTES = 32
MIN_PHONE_DIGITS = 7


class AccountError(Exception):
    """A provisioning request that cannot be carried out; the message says why."""


def normalize_username(username: str) -> str:
    return username.strip().casefold()


def new_device_id() -> str:
    return "d" + secrets.token_hex(8)


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalize_username(username)))


def require_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"no user named {username!r}")
    return user


def require_device(session: Session, user: User, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None or device.user_id != user.id:
        raise AccountError(f"user {user.username!r} has no device {device_id!r}")
    return device


def create_user(
    ctx: ServerContext,
    session: Session,
    *,
    username: str,
    password: str,
    phone: str | None = None,
    allowed_ips: Iterable[str] = (),
    identity: Mapping[str, Any] | None = None,
    replace: bool = False,
) -> User:
    name = normalize_username(username)
    if not name or len(name) > 64:
        raise AccountError("a user name must have 1 to 64 characters")
    if not password:
        raise AccountError("a password must not be empty")
    ips = [str(network) for network in parse_allowed_ips(allowed_ips)]
    identity = dict(identity or {})
    unknown = sorted(set(identity) - set(IDENTITY_FIELDS))
    if unknown:
        raise AccountError(f"unknown identity fields: {', '.join(unknown)}")
    existing = find_user(session, name)
    if existing is not None:
        if not replace:
            raise AccountError(f"user {name!r} already exists")
        session.execute(delete(Device).where(Device.user_id == existing.id))
        session.delete(existing)
        session.flush()
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    user = User(
        username=name,
        password_hash=ctx.passwords.hash(password),
        phone=phone,
        allowed_ips=ips,
        identity={key: str(value) for key, value in identity.items()},
        settings_key_enc=b"",
        created_at=ctx.clock.now(),
    )
    session.add(user)
    session.flush()
    user.settings_key_enc = ctx.master_key.encrypt(
        secrets.token_bytes(SETTINGS_KEY_BYTES), f"settings-key:{user.id}"
    )
    return user


@dataclass(frozen=True, slots=True)
class NewDevice:
    """What provisioning hands back once: the device, and a secret the admin must pass on."""

    device: Device
    #: A generated OCRA key (hex), for enrolling a simulator or a token; ``None`` if supplied.
    generated_secret_hex: str | None = None
    #: A temporary passcode, to read to the customer.
    passcode: str | None = None

    def __repr__(self) -> str:
        return f"NewDevice(id={self.device.id!r}, kind={self.device.kind!r})"


def add_device(
    ctx: ServerContext,
    session: Session,
    user: User,
    *,
    kind: DeviceKind | str,
    label: str | None = None,
    secret_hex: str | None = None,
    pin: str | None = None,
    phone: str | None = None,
    card: code_card.CodeCard | None = None,
    passcode: str | None = None,
    issued_at: datetime | None = None,
    device_id: str | None = None,
) -> NewDevice:
    try:
        device_spec = spec(kind)
    except ValueError:
        raise AccountError(f"unknown device kind {kind!r}") from None
    device = Device(
        id=device_id or new_device_id(),
        user_id=user.id,
        kind=device_spec.kind.value,
        label=(label or device_spec.kind.value).strip()[:64],
        status="active",
        issued_at=issued_at or ctx.clock.now(),
    )
    generated: str | None = None
    issued_passcode: str | None = None
    if device_spec.ocra_suite is not None:
        if secret_hex is None:
            secret_hex = generated = secrets.token_hex(32)
        try:
            key = bytes.fromhex(secret_hex)
        except ValueError:
            raise AccountError("secret_hex must be hexadecimal") from None
        if len(key) < 16:
            raise AccountError("an OCRA secret must be at least 16 bytes (32 hex digits)")
        device.secret_enc = ctx.master_key.encrypt(key, f"device-secret:{device.id}")
        if device_spec.uses_pin:
            if pin is None or not (pin.isascii() and pin.isdigit() and len(pin) == PIN_DIGITS):
                raise AccountError(
                    f"a {device_spec.kind.value} device needs a {PIN_DIGITS}-digit PIN"
                )
            device.pin_enc = ctx.master_key.encrypt(pin.encode(), f"device-pin:{device.id}")
    elif device_spec.kind in (DeviceKind.CODE_CARD, DeviceKind.ONLINE_CARD):
        card = card or code_card.generate_card(ctx.policy.code_card_size)
        device.secret_enc = ctx.master_key.encrypt(
            code_card.card_to_json(card).encode(), f"device-secret:{device.id}"
        )
    elif device_spec.kind is DeviceKind.SMS:
        device.phone = phone or user.phone
        if not device.phone:
            raise AccountError("an SMS device needs a phone number (the user has none)")
        if sum(ch.isdigit() for ch in device.phone) < MIN_PHONE_DIGITS:
            raise AccountError(f"a phone number needs at least {MIN_PHONE_DIGITS} digits")
    elif device_spec.kind is DeviceKind.TEMPORARY:
        issued_passcode = temporary.normalize_passcode(
            passcode or temporary.new_temporary_passcode(ctx.policy.temporary_passcode_length)
        )
        device.secret_enc = ctx.master_key.encrypt(
            passcode_digest(ctx, issued_passcode).encode(), f"device-secret:{device.id}"
        )
    session.add(device)
    session.flush()
    return NewDevice(device, generated_secret_hex=generated, passcode=issued_passcode)


def passcode_digest(ctx: ServerContext, passcode: str) -> str:
    """HMAC-SHA256 of a normalised temporary passcode under the server's passcode key."""
    normalized = temporary.normalize_passcode(passcode).encode()
    return hmac.new(ctx.passcode_key, normalized, hashlib.sha256).hexdigest()


def issue_temporary_passcode(ctx: ServerContext, session: Session, user: User) -> NewDevice:
    """A new temporary passcode, replacing any earlier one; refused while the user has not yet
    logged in with a permanent device since the previous one."""
    if not temporary.may_issue_temporary(
        user.last_temporary_issued_at, user.last_permanent_login_at
    ):
        raise AccountError(
            "no second temporary passcode: the user must first log in with a permanent device"
        )
    now = ctx.clock.now()
    for old in session.scalars(
        select(Device).where(Device.user_id == user.id, Device.kind == DeviceKind.TEMPORARY.value)
    ):
        old.status = "revoked"
    user.last_temporary_issued_at = now
    return add_device(
        ctx, session, user, kind=DeviceKind.TEMPORARY, label="Temporary passcode", issued_at=now
    )


def issue_online_card(ctx: ServerContext, session: Session, user: User) -> Device:
    """A new Online Security Code Card (replacing an earlier one), valid for 21 days."""
    for old in session.scalars(
        select(Device).where(Device.user_id == user.id, Device.kind == DeviceKind.ONLINE_CARD.value)
    ):
        old.status = "revoked"
    return add_device(
        ctx, session, user, kind=DeviceKind.ONLINE_CARD, label="Online Security Code Card"
    ).device


def device_secret(ctx: ServerContext, device: Device) -> bytes:
    if device.secret_enc is None:
        raise AccountError(f"device {device.id} has no secret")
    return ctx.master_key.decrypt(device.secret_enc, f"device-secret:{device.id}")


def device_pin(ctx: ServerContext, device: Device) -> str | None:
    if device.pin_enc is None:
        return None
    return ctx.master_key.decrypt(device.pin_enc, f"device-pin:{device.id}").decode()


def device_card(ctx: ServerContext, device: Device) -> code_card.CodeCard:
    return code_card.card_from_json(device_secret(ctx, device).decode())


def settings_key(ctx: ServerContext, user: User) -> bytes:
    return ctx.master_key.decrypt(user.settings_key_enc, f"settings-key:{user.id}")


def reset_device(session: Session, device: Device) -> None:
    device.status = "active"
    device.consecutive_failures = 0


def unlock_user(session: Session, user: User) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))


def user_devices(session: Session, user: User) -> list[Device]:
    return list(
        session.scalars(select(Device).where(Device.user_id == user.id).order_by(Device.issued_at))
    )
