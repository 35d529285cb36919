"""Users and their devices: provisioning (admin commands, scenarios) and reading device secrets.

Every device secret is stored encrypted with the master key, bound to the device id; a PIN is
stored the same way because OCRA feeds the PIN itself into the response.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Select, delete, select
from sqlalchemy.orm import Session

from tws_companion.protocol import DeviceStatus
from tws_companion.protocol.fields import DEVICE_ID_MAX_LENGTH, USERNAME_MAX_LENGTH, is_device_id
from tws_companion.protocol.models import SETTINGS_KEY_BYTES
from tws_companion.protocol.security import ShareStatus
from tws_companion.protocol.usernames import normalize_username as normalize_username
from tws_companion.server import authenticators
from tws_companion.server.account_errors import AccountError
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, DeviceShare, LoginFailure, User
from tws_companion.server.device_secrets import device_card, device_pin, device_secret
from tws_companion.sls import temporary
from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.ip_rules import parse_allowed_ips

IDENTITY_FIELDS = (
    "entity_id",
    "date_of_birth",
    "citizenship",
    "residence_country",
    "id_document_type",
    "id_document_number",
)


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


def _checked_profile(
    password: str, allowed_ips: Iterable[str], identity: Mapping[str, Any] | None
) -> tuple[list[str], dict[str, str]]:
    """The allowed networks and identity fields to store; refuses an empty password."""
    if not password:
        raise AccountError("a password must not be empty")
    ips = [str(network) for network in parse_allowed_ips(allowed_ips)]
    fields = dict(identity or {})
    unknown = sorted(set(fields) - set(IDENTITY_FIELDS))
    if unknown:
        raise AccountError(f"unknown identity fields: {', '.join(unknown)}")
    return ips, {key: str(value) for key, value in fields.items()}


def create_user(
    ctx: ServerContext,
    session: Session,
    *,
    username: str,
    password: str,
    phone: str | None = None,
    allowed_ips: Iterable[str] = (),
    identity: Mapping[str, Any] | None = None,
) -> User:
    """A new user with a new settings key; refused when the name is taken (see
    :func:`update_user`). Failed logins counted against the name before it existed are
    forgotten."""
    name = normalize_username(username)
    if not name or len(name) > USERNAME_MAX_LENGTH:
        raise AccountError(f"a user name must have 1 to {USERNAME_MAX_LENGTH} characters")
    ips, fields = _checked_profile(password, allowed_ips, identity)
    if find_user(session, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    user = User(
        username=name,
        password_hash=ctx.passwords.hash(password),
        phone=phone,
        allowed_ips=ips,
        identity=fields,
        settings_key_enc=b"",
        created_at=ctx.clock.now(),
    )
    session.add(user)
    session.flush()
    user.settings_key_enc = ctx.master_key.encrypt(
        secrets.token_bytes(SETTINGS_KEY_BYTES), f"settings-key:{user.id}"
    )
    return user


def update_user(
    ctx: ServerContext,
    session: Session,
    user: User,
    *,
    password: str,
    phone: str | None = None,
    allowed_ips: Iterable[str] = (),
    identity: Mapping[str, Any] | None = None,
) -> None:
    """Give an existing user this password, phone, allowed addresses and identity fields.

    Everything else stays: the id, the settings key (so encrypted layout files still open), the
    sessions, the failed-login streak or lockout, the devices, the preferred device and the
    temporary-passcode history. The password hash is replaced only when ``password`` no longer
    verifies against it, so loading the same scenario again changes nothing.
    """
    ips, fields = _checked_profile(password, allowed_ips, identity)
    if not ctx.passwords.verify(user.password_hash, password):
        user.password_hash = ctx.passwords.hash(password)
    user.phone = phone
    user.allowed_ips = ips
    user.identity = fields
    session.flush()


#: An enrolment that gives nothing: the device's kind makes or keeps what it needs.
NOTHING_GIVEN = authenticators.Enrolment()


def device_label(kind: DeviceKind, label: str | None) -> str:
    """The label a device of ``kind`` is stored with: ``label`` trimmed to 64 characters, else
    the kind's name."""
    return (label or kind.value).strip()[:64]


def _authenticator(kind: DeviceKind | str) -> authenticators.Authenticator:
    try:
        return authenticators.authenticator_for(kind)
    except ValueError:
        raise AccountError(f"unknown device kind {kind!r}") from None


def update_device(
    ctx: ServerContext,
    session: Session,
    user: User,
    device: Device,
    *,
    kind: DeviceKind | str,
    label: str | None = None,
    enrolment: authenticators.Enrolment = NOTHING_GIVEN,
) -> None:
    """Give ``user``'s existing ``device`` this kind, label and what it answers with, in place.

    A value ``enrolment`` does not give keeps the device's current one (its OCRA key, PIN, code
    card, temporary passcode; an SMS device without a phone follows the user's phone, else keeps
    its own); a device whose kind changes is enrolled afresh. The id, status (a locked device
    stays locked until support resets it), consecutive failures, issue date and used challenges
    stay.
    """
    authenticator = _authenticator(kind)
    if device.user_id != user.id:
        raise AccountError(f"device {device.id!r} belongs to another user")
    new_kind = authenticator.kind
    device.label = device_label(new_kind, label)
    if device.kind != new_kind.value:
        device.kind = new_kind.value
        device.secret_enc = device.pin_enc = device.phone = None
    else:
        if new_kind is DeviceKind.TEMPORARY and enrolment.passcode is None:
            session.flush()
            return  # only a digest of the passcode is kept: nothing to enrol again from
        enrolment = _kept_enrolment(ctx, user, device, authenticator, enrolment)
    authenticator.enroll(ctx, device, user, enrolment)
    session.flush()


def _kept_enrolment(
    ctx: ServerContext,
    user: User,
    device: Device,
    authenticator: authenticators.Authenticator,
    given: authenticators.Enrolment,
) -> authenticators.Enrolment:
    """``given``, with the device's own OCRA key, PIN, code card and phone where it gives none."""
    secret_hex, pin, card, phone = given.secret_hex, given.pin, given.card, given.phone
    if authenticator.spec.ocra_suite is not None and secret_hex is None:
        secret_hex = device_secret(ctx, device).hex() if device.secret_enc else None
    if pin is None:
        pin = device_pin(ctx, device)
    if authenticator.kind in (DeviceKind.CODE_CARD, DeviceKind.ONLINE_CARD) and card is None:
        card = device_card(ctx, device) if device.secret_enc else None
    if phone is None and not user.phone:
        phone = device.phone
    return replace(given, secret_hex=secret_hex, pin=pin, card=card, phone=phone)


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
    enrolment: authenticators.Enrolment = NOTHING_GIVEN,
    issued_at: datetime | None = None,
    device_id: str | None = None,
) -> NewDevice:
    """A new device of ``kind`` for ``user``, enrolled with what ``enrolment`` gives (the kind
    makes what it needs and is not given: an OCRA key, a temporary passcode)."""
    authenticator = _authenticator(kind)
    if device_id is not None and not is_device_id(device_id):
        raise AccountError(
            f"a device id has 1 to {DEVICE_ID_MAX_LENGTH} letters, digits, '-' or '_'"
        )
    device = Device(
        id=device_id or new_device_id(),
        user_id=user.id,
        kind=authenticator.kind.value,
        label=device_label(authenticator.kind, label),
        status=DeviceStatus.ACTIVE,
        issued_at=issued_at or ctx.clock.now(),
    )
    enrolled = authenticator.enroll(ctx, device, user, enrolment)
    session.add(device)
    session.flush()
    return NewDevice(
        device, generated_secret_hex=enrolled.generated_secret_hex, passcode=enrolled.passcode
    )


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
        old.status = DeviceStatus.REVOKED
    user.last_temporary_issued_at = now
    return add_device(
        ctx, session, user, kind=DeviceKind.TEMPORARY, label="Temporary passcode", issued_at=now
    )


def issue_online_card(ctx: ServerContext, session: Session, user: User) -> Device:
    """A new Online Security Code Card (replacing an earlier one), valid for 21 days."""
    for old in session.scalars(
        select(Device).where(Device.user_id == user.id, Device.kind == DeviceKind.ONLINE_CARD.value)
    ):
        old.status = DeviceStatus.REVOKED
    return add_device(
        ctx, session, user, kind=DeviceKind.ONLINE_CARD, label="Online Security Code Card"
    ).device


def settings_key(ctx: ServerContext, user: User) -> bytes:
    return ctx.master_key.decrypt(user.settings_key_enc, f"settings-key:{user.id}")


def reset_device(session: Session, device: Device) -> None:
    device.status = DeviceStatus.ACTIVE
    device.consecutive_failures = 0


def unlock_user(session: Session, user: User) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))


def user_devices(session: Session, user: User) -> list[Device]:
    return list(
        session.scalars(select(Device).where(Device.user_id == user.id).order_by(Device.issued_at))
    )


def shared_device_ids(user_id: int | BindParameter[int]) -> Select[Any]:
    """The ids of the devices shared with the user (approved requests, KB2481); ``user_id`` may
    be a bound parameter, for a statement built once (``login_flow``)."""
    return select(DeviceShare.device_id).where(
        DeviceShare.requester_id == user_id, DeviceShare.status == ShareStatus.APPROVED.value
    )


def login_devices(session: Session, user: User) -> list[Device]:
    """The devices the user may log in with: their own, then those shared with them."""
    shared = session.scalars(
        select(Device).where(Device.id.in_(shared_device_ids(user.id))).order_by(Device.issued_at)
    )
    return user_devices(session, user) + list(shared)


def shared_with(session: Session, device_id: str, user_id: int) -> bool:
    """Whether the device is shared with the user (an approved request)."""
    found = session.scalar(shared_device_ids(user_id).where(DeviceShare.device_id == device_id))
    return found is not None
