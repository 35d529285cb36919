"""The wire bodies of PIN changes and IB Key activations (issue 11), for both sides.

- IB Key PIN change (no session: the phone app calls it): ``POST /ib-key/pin-change``
  :class:`IbKeyPinChangeRequest` → :class:`CodeSent` (an SMS code on its way), then
  ``POST /ib-key/pin-change/{change_id}/confirm`` :class:`CodeRequest` → :class:`PinChanged`.
- DSC+ PIN change (a session): ``POST /me/devices/{device_id}/pin-change``
  :class:`NewPinRequest` → :class:`PinChangeChallenge`, then
  ``POST /me/devices/{device_id}/pin-change/respond`` ``{response}`` → :class:`PinChanged`.
- IB Key activation, also adding a user to an active IB Key (no session):
  ``POST /ib-key/activation`` :class:`ActivationRequest` → :class:`CodeSent`, then
  ``POST /ib-key/activation/{change_id}/confirm`` :class:`ActivationConfirmRequest` →
  :class:`ActivatedIbKey`, which carries the new IB Key's OCRA key once.

A new PIN must follow its device kind's rule (``sls.pins``), which the schema states, so a PIN
that breaks it is a 422 ``invalid_request`` naming the field (the server checks the rule again,
``invalid_pin``); the current PIN is any bounded printable text (a wrong one counts as a device
failure). Two new PINs that differ are ``pin_mismatch`` (409). PINs, codes and keys stay out of
every ``repr``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from tws_companion.protocol.body_bases import AnswerBody, Credentials, RequestBody
from tws_companion.protocol.fields import (
    PRINTABLE_PATTERN,
    Count,
    DeviceId,
    Moment,
    Name,
    ResponseText,
)
from tws_companion.protocol.models import Challenge

__all__ = [
    "PIN_MAX_LENGTH",
    "ActivatedIbKey",
    "ActivationConfirmRequest",
    "ActivationRequest",
    "CodeRequest",
    "CodeSent",
    "IbKeyPinChangeRequest",
    "MobilePlatform",
    "NewPinRequest",
    "PinChangeChallenge",
    "PinChanged",
]

#: The longest PIN text a request may carry (the rules allow at most 6; longer is ``invalid_pin``).
PIN_MAX_LENGTH = 32
#: The longest label an activated IB Key may be given (the ``devices.label`` column).
LABEL_MAX_LENGTH = 64

PinText = Annotated[
    str, Field(min_length=1, max_length=PIN_MAX_LENGTH, pattern=PRINTABLE_PATTERN, repr=False)
]
#: The PIN rules of ``sls.pins`` (which this package may not import; a test holds them equal),
#: in the schema, so that a request the schema calls valid is one the rules take.
IB_KEY_PIN_MIN_LENGTH = 4
IB_KEY_PIN_MAX_LENGTH = 6
DSC_PLUS_PIN_DIGITS = 4
#: An IB Key PIN: 4 to 6 letters, digits or symbols (printable ASCII, no space).
IbKeyPin = Annotated[
    str,
    Field(
        min_length=IB_KEY_PIN_MIN_LENGTH,
        max_length=IB_KEY_PIN_MAX_LENGTH,
        pattern=r"^[!-~]*$",
        repr=False,
    ),
]
#: A DSC+ PIN: exactly 4 digits.
DscPlusPin = Annotated[
    str,
    Field(
        min_length=DSC_PLUS_PIN_DIGITS,
        max_length=DSC_PLUS_PIN_DIGITS,
        pattern=r"^[0-9]*$",
        repr=False,
    ),
]
Secret = Annotated[str, Field(min_length=1, repr=False)]


class MobilePlatform(StrEnum):
    """The phone IB Key runs on: Android asks for the PIN, iOS keeps it in the secure store and
    releases it with Touch ID or Face ID."""

    ANDROID = "android"
    IOS = "ios"


class IbKeyPinChangeRequest(Credentials):
    """``POST /ib-key/pin-change``: user name, password, current PIN, the new PIN twice.
    ``device_id`` names the IB Key when the user has several."""

    device_id: DeviceId | None = None
    current_pin: PinText
    new_pin: IbKeyPin
    new_pin_repeat: IbKeyPin


class CodeRequest(RequestBody):
    """``POST /ib-key/.../{change_id}/confirm`` of a PIN change: the SMS code."""

    code: ResponseText = Field(repr=False)


class NewPinRequest(RequestBody):
    """``POST /me/devices/{device_id}/pin-change``: the new PIN twice."""

    new_pin: DscPlusPin
    new_pin_repeat: DscPlusPin


class ActivationRequest(Credentials):
    """``POST /ib-key/activation``: the user to activate IB Key for on this phone."""

    platform: MobilePlatform = MobilePlatform.ANDROID
    device_label: (
        Annotated[str, Field(min_length=1, max_length=LABEL_MAX_LENGTH, pattern=PRINTABLE_PATTERN)]
        | None
    ) = None


class ActivationConfirmRequest(RequestBody):
    """``POST /ib-key/activation/{change_id}/confirm``: the SMS activation code and the PIN (on
    Android the one the user chose at the first activation; on iOS one the app keeps in the
    phone's secure store)."""

    code: ResponseText = Field(repr=False)
    pin: IbKeyPin


class CodeSent(AnswerBody):
    """An SMS code is on its way to ``destination`` (masked); confirm before ``expires_at``."""

    change_id: Name
    destination: Name
    expires_at: Moment
    #: Seconds from this answer until ``expires_at``, for clients whose clock is off.
    expires_in: Count


class PinChangeChallenge(AnswerBody):
    """The challenge to enter into the DSC+ with the new PIN."""

    device_id: Name
    challenge: Challenge


class PinChanged(AnswerBody):
    """The device's PIN is the new one."""

    device_id: Name


class ActivatedIbKey(AnswerBody):
    """IB Key is active for ``username`` on this phone: a new device of the user, offered at
    login. ``secret_hex`` is its OCRA key, handed over this once (the phone keeps it)."""

    device_id: Name
    username: Name
    label: Name
    ocra_suite: Name
    secret_hex: Secret
