"""Every request and answer body of the HTTP API (DESIGN.md section 5), once, for both sides.

The server declares its routes with these models and the client parses the server's answers into
them. Requests forbid unknown fields and bound every string (see :mod:`.fields`), so a hostile body
is a 422 before any rule runs. Answers ignore unknown fields, so a newer server may add some, and
check what a client relies on: a challenge carries what its type needs, a login at the
``select_device`` step offers devices, a login at the ``respond`` step has its challenge.
Sequences in answers are tuples. The session token stays out of ``repr``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from tws_companion.protocol import (
    MACHINE_NAME_MAX_LENGTH,
    ChallengeType,
    Channel,
    Platform,
    Scope,
    Step,
)
from tws_companion.protocol.body_bases import AnswerBody, Credentials, RequestBody
from tws_companion.protocol.fields import (
    Count,
    DeviceId,
    Moment,
    Name,
    ResponseText,
)

#: Length in bytes of a user's settings key.
SETTINGS_KEY_BYTES = 32


# --- requests ----------------------------------------------------------------------------------


class LoginRequest(Credentials):
    """``POST /login``."""

    platform: Platform = Platform.TWS


class DeviceRequest(RequestBody):
    """``POST /login/{login_id}/device``."""

    device_id: DeviceId


class ResendRequest(RequestBody):
    """``POST /login/{login_id}/resend``."""

    channel: Channel


class RespondRequest(RequestBody):
    """``POST /login/{login_id}/respond``."""

    response: ResponseText


# --- answers -----------------------------------------------------------------------------------


class Health(AnswerBody):
    """``GET /health``."""

    status: Name
    version: Name


class Device(AnswerBody):
    """A second-factor device offered in a login, or listed in ``/me``.

    ``kind`` stays a plain string (``dsc_plus``, ``sms``, ...) so that a kind added by a newer
    server is still shown.
    """

    id: Name
    kind: Name
    label: str
    #: ``active``, ``locked``, ``revoked`` (:class:`~tws_companion.protocol.DeviceStatus`), in
    #: ``/me`` only (a plain string: a newer server may add one); absent from a login's devices.
    status: Name | None = None


class Challenge(AnswerBody):
    """What the user must answer, by type.

    - ``ocra``: ``code`` to enter into the device (after its PIN);
    - ``indices``: the ``indices`` of the Security Code Card whose values to type;
    - ``oob``: a code was sent by ``channel`` to the masked ``destination``; another may be
      requested after ``resend_after`` seconds;
    - ``passcode``: type the temporary passcode.
    """

    type: ChallengeType
    code: Name | None = None
    indices: Annotated[tuple[Count, ...], Field(min_length=1)] | None = None
    channel: Channel | None = None
    destination: Name | None = None
    expires_at: Moment | None = None
    #: Seconds from this answer until ``expires_at``, for clients whose clock is off.
    expires_in: Count | None = None
    #: Seconds until "Request new code" may be used again (one-time codes only).
    resend_after: Count | None = None

    @model_validator(mode="after")
    def _has_what_its_type_needs(self) -> Self:
        needed = {
            ChallengeType.OCRA: ("code",),
            ChallengeType.INDICES: ("indices",),
            ChallengeType.OOB: ("channel", "destination"),
        }.get(self.type, ())
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"an {self.type.value} challenge needs {' and '.join(missing)}")
        return self


class LoginStart(AnswerBody):
    """``POST /login``: the password was accepted; pick a device or answer its challenge.

    With ``step`` ``respond`` the server already chose the device (``device_id``) and sent its
    ``challenge``; with ``select_device`` the user picks one of ``devices``.
    """

    login_id: Name
    expires_at: Moment
    devices: tuple[Device, ...]
    preferred_device_id: Name | None = None
    step: Step
    device_id: Name | None = None
    challenge: Challenge | None = None

    @model_validator(mode="after")
    def _fits_its_step(self) -> Self:
        if self.step is Step.RESPOND and self.challenge is None:
            raise ValueError("a login at the respond step needs its challenge")
        if self.step is Step.SELECT_DEVICE and not self.devices:
            raise ValueError("a login at the select_device step needs devices to select")
        return self


class ChallengeStep(AnswerBody):
    """``POST /login/{id}/device`` and ``/resend``: the challenge of the selected device."""

    step: Literal[Step.RESPOND] = Step.RESPOND
    device_id: Name
    challenge: Challenge


class Session(AnswerBody):
    """A logged-in session; the token is a secret and stays out of ``repr``."""

    token: Annotated[str, Field(min_length=1, repr=False)]
    expires_at: Moment
    scope: Scope


class LoginDone(AnswerBody):
    """``POST /login/{id}/respond``: the login succeeded."""

    session: Session


class Me(AnswerBody):
    """``GET /me``: who the session belongs to, and the devices usable on its platform."""

    username: Name
    scope: Scope
    expires_at: Moment
    devices: tuple[Device, ...]


class SettingsKey(AnswerBody):
    """``GET /me/settings-key``: the user's settings key, URL-safe base64 of 32 bytes."""

    key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+={0,2}$", repr=False)]

    @field_validator("key")
    @classmethod
    def _is_a_whole_key(cls, text: str) -> str:
        try:
            raw = _urlsafe_b64decode(text)
        except (binascii.Error, ValueError):
            raise ValueError("is not URL-safe base64") from None
        if len(raw) != SETTINGS_KEY_BYTES:
            raise ValueError(f"is not {SETTINGS_KEY_BYTES} bytes long")
        return text

    @classmethod
    def of(cls, raw: bytes) -> SettingsKey:
        """The answer carrying ``raw``."""
        return cls(key=base64.urlsafe_b64encode(raw).decode())

    def raw(self) -> bytes:
        """The key itself."""
        return _urlsafe_b64decode(self.key)


def _urlsafe_b64decode(text: str) -> bytes:
    """URL-safe base64 with or without its ``=`` padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SettingsVersion(AnswerBody):
    """One saved copy of a user's settings on the server (``PUT /me/settings`` answers with the
    new one; ``GET /me/settings/versions`` lists them)."""

    model_config = ConfigDict(frozen=True)  # and, as every answer, unknown fields ignored

    #: 1, 2, 3... per user, never reused; the newest is the current copy.
    number: Annotated[int, Field(ge=1)]
    #: The exact ``ETag`` header value of this copy, double quotes included.
    etag: Annotated[str, Field(min_length=2, max_length=128)]
    saved_at: Moment
    size: Annotated[int, Field(ge=0)]
    #: The machine that saved it.
    machine: Annotated[str, Field(max_length=MACHINE_NAME_MAX_LENGTH)]


class SettingsVersions(AnswerBody):
    """``GET /me/settings/versions``: the versions kept, newest first."""

    versions: tuple[SettingsVersion, ...]


class OnlineCard(AnswerBody):
    """``POST /me/online-card``: the Online Security Code Card, valid until ``expires_at``."""

    device_id: Name
    expires_at: Moment
    #: The card's values, index → value, to print. Shown once, like a card handed over.
    values: dict[int, str] = Field(repr=False)
