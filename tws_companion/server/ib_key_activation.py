"""Activating IB Key on a phone, and adding another user to an active IB Key (seeds: IB Key
activation; "How to Add Another User to an Active IBKR Mobile Authentication (IB Key)", Android
and iOS). Both are the same steps for a user name: the app has no session.

1. User name and password, checked and throttled as at a login (an unknown user name is answered
   like a wrong password; IP restrictions hold): an activation code goes by SMS to the mobile
   number on file, within the SMS caps (:mod:`.device_changes`).
2. The code and the PIN (Android: the one chosen at the first activation, 4 to 6 letters, digits
   or symbols; iOS: one the app keeps in the phone's secure store, released by Touch ID or Face
   ID): a new IB Key device of the user, with a new OCRA key stored encrypted with the master
   key and handed to the app in this answer, once (the real app receives its key material at
   activation). The device is active at once, so a login offers it in the M2FS drop-down.
"""

from __future__ import annotations

from datetime import datetime

from tws_companion.protocol import ErrorCode
from tws_companion.protocol.device_changes import ActivatedIbKey, CodeSent, MobilePlatform
from tws_companion.server import accounts, device_changes
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.context import ServerContext
from tws_companion.server.db import User
from tws_companion.server.device_changes import Purpose
from tws_companion.server.errors import ApiError
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE, DeviceKind
from tws_companion.sls.pins import pin_problem

__all__ = ["confirm_activation", "default_label", "start_activation"]

_PLATFORM_NAMES = {MobilePlatform.ANDROID: "Android", MobilePlatform.IOS: "iPhone"}


def default_label(platform: MobilePlatform) -> str:
    """The label of an IB Key activated without one: ``IB Key (Android)``."""
    return f"IB Key ({_PLATFORM_NAMES[platform]})"


def start_activation(
    ctx: ServerContext,
    user_id: int,
    platform: MobilePlatform,
    label: str | None,
    source: str,
    now: datetime,
) -> CodeSent:
    """After a correct password: send the activation code by SMS."""
    with ctx.db.transaction() as s:
        user = device_changes.checked_user(s, user_id, source)
        delivery, sent = device_changes.new_code_change(
            ctx,
            s,
            Purpose.ACTIVATION,
            user,
            now,
            platform=platform.value,
            label=accounts.device_label(DeviceKind.IB_KEY, label or default_label(platform)),
        )
    delivery.deliver(ctx)
    return sent


def confirm_activation(
    ctx: ServerContext, change_id: str, code: str, pin: str, now: datetime
) -> ActivatedIbKey:
    """The activation code and the PIN: the user's new IB Key, and its OCRA key (once)."""
    problem = pin_problem(DeviceKind.IB_KEY, pin)
    if problem is not None:  # before the code: a PIN typed wrong uses up no attempt
        raise ApiError(ErrorCode.INVALID_PIN, f"The PIN is not valid: {problem}.")
    with ctx.db.transaction() as s:
        change = device_changes.load_pending(s, change_id, Purpose.ACTIVATION)
        device_changes.check_code(ctx, change, code, now)
        user = s.get(User, change.user_id)
        if user is None:
            raise ApiError(ErrorCode.CHANGE_NOT_FOUND, device_changes.CHANGE_NOT_FOUND)
        added = accounts.add_device(
            ctx, s, user, kind=DeviceKind.IB_KEY, label=change.label, enrolment=Enrolment(pin=pin)
        )
        assert added.generated_secret_hex is not None  # no key given: one was generated
        change.device_id = added.device.id
        device_changes.finish(change)
        return ActivatedIbKey(
            device_id=added.device.id,
            username=user.username,
            label=added.device.label,
            ocra_suite=IB_KEY_OCRA_SUITE,
            secret_hex=added.generated_secret_hex,
        )
