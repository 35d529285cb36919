"""Changing a security device's PIN (seed: "How to change the PIN of a security device";
DESIGN.md section 3).

- **IB Key** (the phone app, no session): user name and password (checked and throttled as at a
  login: an unknown user name is answered like a wrong password), the current PIN, the new PIN
  twice; then an SMS code to the user's phone confirms it (:mod:`.device_changes`). A wrong
  current PIN is refused and counted like a failed device response: ``device_lock_failures`` in a
  row lock the IB Key. A user who does not know the current PIN is told to call Client Services.
- **DSC+** (after a login, from Settings > Secure Login System): the new PIN twice; the server
  shows a challenge, the user keys the new PIN and the challenge into the card, and types its
  response, which must be the OCRA response computed with the NEW PIN. Wrong responses count
  like failed device responses; ``max_wrong_responses`` end the change.

The new PIN must suit the device kind (``sls.pins``) and both copies must match; both are
checked before anything is counted or sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session

from tws_companion.protocol import ChallengeType, DeviceStatus, ErrorCode, Scope
from tws_companion.protocol.device_changes import CodeSent, PinChangeChallenge, PinChanged
from tws_companion.protocol.models import Challenge
from tws_companion.server import device_changes, sessions
from tws_companion.server.authenticators import Usability, ocra_device, unusable
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, DeviceChange, SessionToken, UsedChallenge, User
from tws_companion.server.device_changes import ChangeState, Purpose
from tws_companion.server.device_secrets import device_pin, device_secret, seal_pin
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.sls import ocra
from tws_companion.sls.devices import DeviceKind, spec
from tws_companion.sls.durations import ceil_seconds, plural
from tws_companion.sls.pins import pin_problem
from tws_companion.sls.text_input import secure_equals

__all__ = [
    "CALL_SUPPORT",
    "check_new_pin",
    "confirm_ib_key_pin_change",
    "respond_dsc_plus_pin_change",
    "start_dsc_plus_pin_change",
    "start_ib_key_pin_change",
]

#: What a user who does not know the current PIN must do (the seed's note).
CALL_SUPPORT = (
    "If you do not know your current PIN, call Client Services (ibkr.com/support) to reset it."
)
NO_IB_KEY = "You have no active IB Key to change the PIN of."
SEVERAL_IB_KEYS = "You have several IB Keys: say which one (device_id)."
NOT_YOUR_DEVICE = "That device is not one of yours."


def check_new_pin(kind: DeviceKind, new_pin: str, repeated: str) -> None:
    """Refuse a new PIN that breaks ``kind``'s rule (``invalid_pin``, naming the rule), or whose
    repetition differs (``pin_mismatch``)."""
    problem = pin_problem(kind, new_pin)
    if problem is not None:
        raise ApiError(ErrorCode.INVALID_PIN, f"The new PIN is not valid: {problem}.")
    if not secure_equals(new_pin, repeated):
        raise ApiError(
            ErrorCode.PIN_MISMATCH, "The new PIN and its repetition differ. Type it twice."
        )


def _usable(device: Device) -> None:
    """Refuse a locked or revoked device."""
    status = DeviceStatus(device.status)
    if status is DeviceStatus.LOCKED:
        raise unusable(Usability.LOCKED)
    if status is DeviceStatus.REVOKED:
        raise ApiError(ErrorCode.DEVICE_NOT_FOUND, NOT_YOUR_DEVICE)


def _device_failed(ctx: ServerContext, device: Device) -> int:
    """Count a failure of ``device``; lock it at ``device_lock_failures`` (and say so,
    committed). The failures left before it locks."""
    device.consecutive_failures += 1
    left = ctx.policy.device_lock_failures - device.consecutive_failures
    if left <= 0:
        device.status = DeviceStatus.LOCKED
        raise unusable(Usability.LOCKED, committed=True)
    return left


def _own_device(s: Session, device_id: str, user_id: int, kind: DeviceKind) -> Device:
    """The device ``device_id`` if it is ``user_id``'s and of ``kind``; locked for this
    transaction."""
    device = s.get(Device, device_id, with_for_update=True)
    if device is None or device.user_id != user_id or device.kind != kind:
        raise ApiError(ErrorCode.DEVICE_NOT_FOUND, NOT_YOUR_DEVICE)
    return device


# --- IB Key ------------------------------------------------------------------------------------


def _ib_key_of(s: Session, user: User, device_id: str | None) -> Device:
    """The user's IB Key ``device_id``, or their only one; locked for this transaction."""
    if device_id is not None:
        return _own_device(s, device_id, user.id, DeviceKind.IB_KEY)
    keys = list(
        s.scalars(
            select(Device)
            .where(
                Device.user_id == user.id,
                Device.kind == DeviceKind.IB_KEY.value,
                Device.status != DeviceStatus.REVOKED,
            )
            .with_for_update()
        )
    )
    if not keys:
        raise ApiError(ErrorCode.DEVICE_NOT_FOUND, NO_IB_KEY)
    if len(keys) > 1:
        raise ApiError(ErrorCode.DEVICE_NOT_FOUND, SEVERAL_IB_KEYS)
    return keys[0]


def _wrong_current_pin(ctx: ServerContext, device: Device) -> CommittedApiError:
    left = _device_failed(ctx, device)
    return CommittedApiError(
        ErrorCode.WRONG_PIN,
        f"The current PIN is not correct. {plural(left, 'attempt')} left before your IB Key "
        f"is locked. {CALL_SUPPORT}",
        attempts_left=left,
    )


def start_ib_key_pin_change(
    ctx: ServerContext,
    user_id: int,
    device_id: str | None,
    current_pin: str,
    new_pin: str,
    source: str,
    now: datetime,
) -> CodeSent:
    """After a correct password (and the new PIN checked): check the current PIN, then send
    the SMS code that confirms the change."""
    with ctx.db.transaction() as s:
        user = device_changes.checked_user(s, user_id, source)
        device = _ib_key_of(s, user, device_id)
        _usable(device)
        pin = device_pin(ctx, device)
        if pin is None or not secure_equals(current_pin, pin):
            raise _wrong_current_pin(ctx, device)
        delivery, sent = device_changes.new_code_change(
            ctx, s, Purpose.IB_KEY_PIN, user, now, new_pin=new_pin, device_id=device.id
        )
    delivery.deliver(ctx)
    return sent


def _set_pin(ctx: ServerContext, device: Device, pin: str) -> None:
    """The device's PIN is ``pin`` from now on; its run of failures ends."""
    seal_pin(ctx, device, pin)
    device.consecutive_failures = 0


def confirm_ib_key_pin_change(
    ctx: ServerContext, change_id: str, code: str, now: datetime
) -> PinChanged:
    """The SMS code: on success the IB Key's PIN is the new one."""
    with ctx.db.transaction() as s:
        change = device_changes.load_pending(s, change_id, Purpose.IB_KEY_PIN)
        device_changes.check_code(ctx, change, code, now)
        device = s.get(Device, change.device_id, with_for_update=True) if change.device_id else None
        if device is None:
            raise ApiError(ErrorCode.CHANGE_NOT_FOUND, device_changes.CHANGE_NOT_FOUND)
        _usable(device)
        _set_pin(ctx, device, device_changes.new_pin(ctx, change))
        device_changes.finish(change)
        return PinChanged(device_id=device.id)


# --- DSC+ --------------------------------------------------------------------------------------


def _session_device(s: Session, row: SessionToken, device_id: str, now: datetime) -> Device:
    """The DSC+ ``device_id`` of the live, full-scope session ``row``, locked."""
    row = sessions.live_session(s, row.token_hash, now)
    if row.scope != Scope.FULL.value:
        raise ApiError(ErrorCode.SCOPE_DENIED, "A PIN change needs a login with full access.")
    device = _own_device(s, device_id, row.user_id, DeviceKind.DSC_PLUS)
    _usable(device)
    return device


def start_dsc_plus_pin_change(
    ctx: ServerContext, row: SessionToken, device_id: str, new_pin: str, now: datetime
) -> PinChangeChallenge:
    """The challenge to answer on the DSC+ with the new PIN (an earlier pending change of the
    device is replaced)."""
    suite = spec(DeviceKind.DSC_PLUS).ocra_suite
    assert suite is not None  # a DSC+ answers with OCRA
    with ctx.db.transaction() as s:
        device = _session_device(s, row, device_id, now)
        s.execute(
            update(DeviceChange)
            .where(
                DeviceChange.device_id == device.id,
                DeviceChange.purpose == Purpose.DSC_PLUS_PIN.value,
                DeviceChange.state == ChangeState.PENDING.value,
            )
            .values(state=ChangeState.FAILED.value, new_pin_enc=None)
        )
        change = device_changes.new_change(
            ctx,
            s,
            Purpose.DSC_PLUS_PIN,
            device.user_id,
            now,
            ctx.policy.challenge_ttl,
            new_pin=new_pin,
            device_id=device.id,
        )
        change.challenge = ocra_device.fresh_challenge(s, device, suite)
        return PinChangeChallenge(
            device_id=device.id,
            challenge=Challenge(
                type=ChallengeType.OCRA,
                code=change.challenge,
                expires_at=change.expires_at,
                expires_in=ceil_seconds(ctx.policy.challenge_ttl),
            ),
        )


def _pending_dsc_change(s: Session, device: Device) -> DeviceChange:
    change_id = s.scalar(
        select(DeviceChange.id)
        .where(
            DeviceChange.device_id == device.id,
            DeviceChange.purpose == Purpose.DSC_PLUS_PIN.value,
            DeviceChange.state == ChangeState.PENDING.value,
        )
        .order_by(DeviceChange.created_at.desc())
    )
    if change_id is None:
        raise ApiError(ErrorCode.CHANGE_NOT_FOUND, device_changes.CHANGE_NOT_FOUND)
    return device_changes.load_pending(s, change_id, Purpose.DSC_PLUS_PIN, device.user_id)


def _use_challenge(s: Session, device: Device, challenge: str, now: datetime) -> None:
    """The challenge was answered: not issued again (nor accepted at a login) for a day."""
    taken = s.scalar(
        select(
            exists().where(
                UsedChallenge.device_id == device.id, UsedChallenge.challenge == challenge
            )
        )
    )
    if not taken:
        s.execute(
            insert(UsedChallenge).values(device_id=device.id, challenge=challenge, used_at=now)
        )


def respond_dsc_plus_pin_change(
    ctx: ServerContext, row: SessionToken, device_id: str, response: str, now: datetime
) -> PinChanged:
    """The card's response, computed with the new PIN: on success the DSC+'s PIN is the new
    one. A wrong response counts as a failure of the device and of the change."""
    suite = spec(DeviceKind.DSC_PLUS).ocra_suite
    assert suite is not None
    with ctx.db.transaction() as s:
        device = _session_device(s, row, device_id, now)
        change = _pending_dsc_change(s, device)
        device_changes.check_expiry(change, now, "The challenge")
        assert change.challenge is not None  # set with the change
        pin = device_changes.new_pin(ctx, change)
        if not ocra.verify_response(
            suite, device_secret(ctx, device), change.challenge, response, pin=pin
        ):
            wrong = device_changes.wrong_answer(ctx, change, "The response")
            _device_failed(ctx, device)
            raise wrong
        _use_challenge(s, device, change.challenge, now)
        _set_pin(ctx, device, pin)
        device_changes.finish(change)
        return PinChanged(device_id=device.id)
