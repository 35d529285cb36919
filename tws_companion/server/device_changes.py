"""Changes to a security device waiting for their confirmation (the ``device_changes`` table),
and the SMS code that confirms an IB Key PIN change or activation.

The code is the SMS authenticator's (:mod:`.authenticators.sms`): 6 random digits from
``sls.one_time_codes``, stored only as an HMAC bound to its change, valid
``one_time_code_ttl``, accepted once; ``max_wrong_responses`` wrong codes end the change. Every
send counts against the caps per user and per phone number (:mod:`.authenticators.send_caps`),
and is sent after the transaction has committed; a failed send is taken back (the change is
forgotten and uses up no cap). The new PIN waits encrypted with the master key, bound to the
change's id.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import TypedDict, Unpack

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tws_companion.protocol import Channel, DeviceStatus, ErrorCode
from tws_companion.protocol.device_changes import CodeSent
from tws_companion.server.authenticators import sms
from tws_companion.server.authenticators.base import wrong_answer_refusal
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, DeviceChange, User
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.server.password_check import invalid_credentials
from tws_companion.sls import one_time_codes
from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.durations import ceil_seconds
from tws_companion.sls.ip_rules import ip_allowed, parse_allowed_ips

__all__ = [
    "ChangeState",
    "ChangeSubject",
    "Purpose",
    "check_code",
    "check_expiry",
    "checked_user",
    "finish",
    "load_pending",
    "new_change",
    "new_code_change",
    "new_pin",
    "prune",
    "wrong_answer",
]

CHANGE_ID_BYTES = 24
CHANGE_NOT_FOUND = "This PIN change or activation is over or does not exist. Start again."
IP_RESTRICTED = (
    "This is not permitted from this IP address: IP restrictions are active on your account. "
    "Use one of the addresses you designated."
)
NO_PHONE = (
    "No mobile phone number is on file for this user, so no SMS code can be sent. Call Client "
    "Services (ibkr.com/support)."
)


class Purpose(StrEnum):
    """What a device change does once confirmed."""

    IB_KEY_PIN = "ib_key_pin"
    DSC_PLUS_PIN = "dsc_plus_pin"
    ACTIVATION = "activation"


class ChangeState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


def _pin_context(change: DeviceChange) -> str:
    return f"device-change-pin:{change.id}"


def _code_context(change: DeviceChange) -> str:
    # A login's codes are bound to its id, which has no ':' (never confused with this).
    return f"device-change:{change.id}"


class ChangeSubject(TypedDict, total=False):
    """What a device change is about, each where it applies."""

    #: The PIN to set once confirmed (sealed with the master key until then).
    new_pin: str
    #: The device whose PIN changes.
    device_id: str
    #: The kind of phone an IB Key is activated on.
    platform: str
    #: The label of the device the change adds.
    label: str


def new_change(
    ctx: ServerContext,
    s: Session,
    purpose: Purpose,
    user_id: int,
    now: datetime,
    ttl: timedelta,
    **subject: Unpack[ChangeSubject],
) -> DeviceChange:
    """A pending change of ``user_id``'s device for ``ttl`` from ``now`` (added to the session),
    with its new PIN sealed; the changes that ended long ago go (:func:`prune`)."""
    prune(s, ctx, now)
    change = DeviceChange(
        id=secrets.token_urlsafe(CHANGE_ID_BYTES),
        purpose=purpose.value,
        user_id=user_id,
        device_id=subject.get("device_id"),
        platform=subject.get("platform"),
        label=subject.get("label"),
        state=ChangeState.PENDING.value,
        created_at=now,
        expires_at=now + ttl,
        wrong_answers=0,
    )
    new_pin = subject.get("new_pin")
    if new_pin is not None:
        change.new_pin_enc = ctx.master_key.encrypt(new_pin.encode(), _pin_context(change))
    s.add(change)
    return change


def new_pin(ctx: ServerContext, change: DeviceChange) -> str:
    """The new PIN the change waits to set."""
    if change.new_pin_enc is None:
        raise LookupError(f"device change {change.purpose} has no new PIN")
    return ctx.master_key.decrypt(change.new_pin_enc, _pin_context(change)).decode()


def checked_user(s: Session, user_id: int, source: str) -> User:
    """The user whose password was just checked (one deleted since is ``invalid_credentials``),
    asking from ``source``: IP restrictions hold here as at a login, so an address the user did
    not designate is refused."""
    user = s.get(User, user_id)
    if user is None:
        raise invalid_credentials()
    if not ip_allowed(source, parse_allowed_ips(user.allowed_ips)):
        raise ApiError(ErrorCode.IP_RESTRICTED, IP_RESTRICTED)
    return user


def _user_phone(s: Session, user: User) -> str:
    """The mobile number SMS codes go to: the user's, else that of an active SMS device."""
    if user.phone:
        return user.phone
    phone = s.scalar(
        select(Device.phone).where(
            Device.user_id == user.id,
            Device.kind == DeviceKind.SMS.value,
            Device.status == DeviceStatus.ACTIVE,
            Device.phone.is_not(None),
        )
    )
    if not phone:
        raise ApiError(ErrorCode.PHONE_REQUIRED, NO_PHONE)
    return phone


def _forget(change_id: str, s: Session) -> None:
    """A change whose code could not be sent is forgotten."""
    s.execute(delete(DeviceChange).where(DeviceChange.id == change_id))


def new_code_change(
    ctx: ServerContext,
    s: Session,
    purpose: Purpose,
    user: User,
    now: datetime,
    **subject: Unpack[ChangeSubject],
) -> tuple[sms.CodeDelivery, CodeSent]:
    """A new change of ``user``'s (as :func:`new_change`) confirmed by an SMS code to the
    user's mobile number (``phone_required`` when none is on file), within the caps and valid
    ``one_time_code_ttl``: what to send after the commit, and the answer telling where it went."""
    phone = _user_phone(s, user)
    change = new_change(ctx, s, purpose, user.id, now, ctx.policy.one_time_code_ttl, **subject)
    return _send_code(ctx, s, change, phone, now)


def _send_code(
    ctx: ServerContext, s: Session, change: DeviceChange, phone: str, now: datetime
) -> tuple[sms.CodeDelivery, CodeSent]:
    change.code_digest, delivery = sms.new_code(
        ctx,
        s,
        change.user_id,
        phone,
        Channel.SMS,
        now,
        bound_to=_code_context(change),
        take_back=partial(_forget, change.id),
    )
    sent = CodeSent(
        change_id=change.id,
        destination=one_time_codes.mask_phone(phone),
        expires_at=change.expires_at,
        expires_in=max(0, ceil_seconds(change.expires_at - now)),
    )
    return delivery, sent


def load_pending(
    s: Session, change_id: str, purpose: Purpose, user_id: int | None = None
) -> DeviceChange:
    """The change ``change_id`` of ``purpose`` (of ``user_id`` when given), locked; a change
    already confirmed is ``response_reused``, anything else that is not pending
    ``change_not_found``."""
    change = s.get(DeviceChange, change_id, with_for_update=True)
    if (
        change is None
        or change.purpose != purpose.value
        or (user_id is not None and change.user_id != user_id)
    ):
        raise ApiError(ErrorCode.CHANGE_NOT_FOUND, CHANGE_NOT_FOUND)
    if change.state == ChangeState.DONE.value:
        raise ApiError(ErrorCode.RESPONSE_REUSED, "That code was already used once. Start again.")
    if change.state != ChangeState.PENDING.value:
        raise ApiError(ErrorCode.CHANGE_NOT_FOUND, CHANGE_NOT_FOUND)
    return change


def _end(change: DeviceChange, state: ChangeState) -> None:
    """The change is over: its code and new PIN are forgotten."""
    change.state = state.value
    change.code_digest = None
    change.new_pin_enc = None


def check_expiry(change: DeviceChange, now: datetime, what: str) -> None:
    """An expired change fails (committed): ``what`` ran out."""
    if now >= change.expires_at:
        _end(change, ChangeState.FAILED)
        raise CommittedApiError(ErrorCode.CHALLENGE_EXPIRED, f"{what} has expired. Start again.")


def wrong_answer(ctx: ServerContext, change: DeviceChange, what: str) -> CommittedApiError:
    """Count a wrong code or response; the last one allowed ends the change."""
    change.wrong_answers += 1
    refusal = wrong_answer_refusal(
        what,
        change.wrong_answers,
        ctx.policy.max_wrong_responses,
        too_many="Too many wrong attempts. Start again.",
    )
    if refusal.code is ErrorCode.CHALLENGE_FAILED:
        _end(change, ChangeState.FAILED)
    return refusal


def check_code(ctx: ServerContext, change: DeviceChange, code: str, now: datetime) -> None:
    """Accept the SMS code of ``change`` (pending, locked) or refuse it, counting a wrong one."""
    check_expiry(change, now, "The SMS code")
    digest = change.code_digest
    if digest is None or not one_time_codes.verify_code(
        ctx.code_key, _code_context(change), code, digest
    ):
        raise wrong_answer(ctx, change, "The SMS code")


def finish(change: DeviceChange) -> None:
    """The change is confirmed: its code and new PIN are forgotten, a second answer refused."""
    _end(change, ChangeState.DONE)


def prune(s: Session, ctx: ServerContext, now: datetime) -> None:
    """Forget changes that ended over a day ago (until then, a used code is told as such)."""
    s.execute(delete(DeviceChange).where(DeviceChange.expires_at < now - ctx.policy.lockout_window))
