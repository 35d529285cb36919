"""What the server answers, parsed and checked.

Each model is a frozen dataclass built by its ``from_json`` from a decoded JSON body. Anything
missing or of the wrong type raises :class:`ProtocolError` naming the field (never its value), so a
malformed answer never surfaces as a ``KeyError`` or ``TypeError``. Datetimes are timezone-aware.
Unknown extra fields are ignored, so a newer server can add some.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeGuard, TypeVar

from tws_companion.client.errors import ProtocolError
from tws_companion.protocol import ChallengeType, Channel, Scope, Step

_E = TypeVar("_E", bound=StrEnum)


class _Fields:
    """Typed access to the fields of one JSON object; errors name the field's path."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, Mapping):
            raise ProtocolError(f"{where or 'the answer'} is not a JSON object")
        self._data: Mapping[Any, Any] = value
        self._where = where

    def path(self, key: str) -> str:
        return f"{self._where}.{key}" if self._where else key

    def _bad(self, key: str, expected: str) -> ProtocolError:
        return ProtocolError(f"'{self.path(key)}' is missing or not {expected}")

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def text(self, key: str, *, allow_empty: bool = False) -> str:
        value = self._data.get(key)
        if not isinstance(value, str) or (not value and not allow_empty):
            raise self._bad(key, "a string" if allow_empty else "a non-empty string")
        return value

    def opt_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def count(self, key: str) -> int:
        value = self._data.get(key)
        if not _is_count(value):
            raise self._bad(key, "a non-negative integer")
        return value

    def opt_count(self, key: str) -> int | None:
        return self.count(key) if self.has(key) else None

    def counts(self, key: str) -> tuple[int, ...]:
        value = self._data.get(key)
        if not isinstance(value, list) or not value or not all(_is_count(i) for i in value):
            raise self._bad(key, "a non-empty list of non-negative integers")
        return tuple(value)

    def moment(self, key: str) -> datetime:
        text = self.text(key)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise self._bad(key, "an ISO 8601 date and time") from None
        if value.utcoffset() is None:
            raise self._bad(key, "a date and time with a time zone")
        return value

    def opt_moment(self, key: str) -> datetime | None:
        return self.moment(key) if self.has(key) else None

    def choice(self, key: str, enum: type[_E]) -> _E:
        text = self.text(key)
        try:
            return enum(text)
        except ValueError:
            choices = ", ".join(member.value for member in enum)
            raise self._bad(key, f"one of {choices}") from None

    def child(self, key: str) -> _Fields:
        return _Fields(self._data.get(key), self.path(key))

    def children(self, key: str) -> list[_Fields]:
        value = self._data.get(key)
        if not isinstance(value, list):
            raise self._bad(key, "a list")
        return [_Fields(item, f"{self.path(key)}[{i}]") for i, item in enumerate(value)]


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True, slots=True)
class Health:
    """``GET /health``."""

    status: str
    version: str

    @classmethod
    def from_json(cls, data: object) -> Health:
        fields = _Fields(data, "")
        return cls(status=fields.text("status"), version=fields.text("version"))


@dataclass(frozen=True, slots=True)
class Device:
    """A second-factor device offered in a login, or listed in ``/me``.

    ``kind`` stays a plain string (``dsc_plus``, ``sms``, ...) so that a kind added by a newer
    server is still shown.
    """

    id: str
    kind: str
    label: str

    @classmethod
    def from_json(cls, data: object, where: str = "device") -> Device:
        return cls._parse(_Fields(data, where))

    @classmethod
    def _parse(cls, fields: _Fields) -> Device:
        return cls(
            id=fields.text("id"),
            kind=fields.text("kind"),
            label=fields.text("label", allow_empty=True),
        )


def _devices(fields: _Fields, key: str = "devices") -> tuple[Device, ...]:
    return tuple(Device._parse(item) for item in fields.children(key))


@dataclass(frozen=True, slots=True)
class Challenge:
    """What the user must answer, by type.

    - ``ocra``: ``code`` to enter into the device (after its PIN);
    - ``indices``: the ``indices`` of the Security Code Card whose values to type;
    - ``oob``: a code was sent by ``channel`` to the masked ``destination``; another may be
      requested after ``resend_after`` seconds;
    - ``passcode``: type the temporary passcode.
    """

    type: ChallengeType
    code: str | None = None
    indices: tuple[int, ...] | None = None
    channel: Channel | None = None
    destination: str | None = None
    expires_at: datetime | None = None
    resend_after: int | None = None
    #: Seconds from the server's answer until the challenge expires (robust to clock skew).
    expires_in: int | None = None

    @classmethod
    def from_json(cls, data: object, where: str = "challenge") -> Challenge:
        return cls._parse(_Fields(data, where))

    @classmethod
    def _parse(cls, fields: _Fields) -> Challenge:
        kind = fields.choice("type", ChallengeType)
        expires_at = fields.opt_moment("expires_at")
        expires_in = fields.opt_count("expires_in")
        if kind is ChallengeType.OCRA:
            return cls(kind, code=fields.text("code"), expires_at=expires_at, expires_in=expires_in)
        if kind is ChallengeType.INDICES:
            indices = fields.counts("indices")
            return cls(kind, indices=indices, expires_at=expires_at, expires_in=expires_in)
        if kind is ChallengeType.OOB:
            return cls(
                kind,
                channel=fields.choice("channel", Channel),
                destination=fields.text("destination"),
                expires_at=expires_at,
                resend_after=fields.opt_count("resend_after"),
                expires_in=expires_in,
            )
        return cls(kind, expires_at=expires_at, expires_in=expires_in)


@dataclass(frozen=True, slots=True)
class LoginStart:
    """``POST /login``: the password was accepted; pick a device or answer its challenge.

    With ``step`` ``respond`` the server already chose the device (``device_id``) and sent its
    ``challenge``; with ``select_device`` the user picks one of ``devices``.
    """

    login_id: str
    expires_at: datetime
    devices: tuple[Device, ...]
    preferred_device_id: str | None
    step: Step
    device_id: str | None = None
    challenge: Challenge | None = None

    @classmethod
    def from_json(cls, data: object) -> LoginStart:
        fields = _Fields(data, "")
        step = fields.choice("step", Step)
        challenge = None
        if step is Step.RESPOND or fields.has("challenge"):
            challenge = Challenge._parse(fields.child("challenge"))
        devices = _devices(fields)
        if step is Step.SELECT_DEVICE and not devices:
            raise ProtocolError("'devices' is empty although a device must be selected")
        return cls(
            login_id=fields.text("login_id"),
            expires_at=fields.moment("expires_at"),
            devices=devices,
            preferred_device_id=fields.opt_text("preferred_device_id"),
            step=step,
            device_id=fields.opt_text("device_id"),
            challenge=challenge,
        )


@dataclass(frozen=True, slots=True)
class ChallengeStep:
    """``POST /login/{id}/device`` and ``/resend``: the challenge of the selected device."""

    step: Step
    device_id: str
    challenge: Challenge

    @classmethod
    def from_json(cls, data: object) -> ChallengeStep:
        fields = _Fields(data, "")
        return cls(
            step=fields.choice("step", Step),
            device_id=fields.text("device_id"),
            challenge=Challenge._parse(fields.child("challenge")),
        )


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in session; the token is a secret and stays out of ``repr``."""

    token: str = field(repr=False)
    expires_at: datetime
    scope: Scope

    @classmethod
    def from_json(cls, data: object) -> Session:
        fields = _Fields(data, "").child("session")
        return cls(
            token=fields.text("token"),
            expires_at=fields.moment("expires_at"),
            scope=fields.choice("scope", Scope),
        )


@dataclass(frozen=True, slots=True)
class Me:
    """``GET /me``: who the session belongs to."""

    username: str
    scope: Scope
    expires_at: datetime
    devices: tuple[Device, ...]

    @classmethod
    def from_json(cls, data: object) -> Me:
        fields = _Fields(data, "")
        return cls(
            username=fields.text("username"),
            scope=fields.choice("scope", Scope),
            expires_at=fields.moment("expires_at"),
            devices=_devices(fields),
        )


#: Length in bytes of a user's settings key.
SETTINGS_KEY_BYTES = 32
_URLSAFE_B64 = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def settings_key_from_json(data: object) -> bytes:
    """``GET /me/settings-key``: ``{"key": "<URL-safe base64 of 32 bytes>"}`` as the raw key."""
    text = _Fields(data, "").text("key")
    if _URLSAFE_B64.fullmatch(text) is None:
        raise ProtocolError("'key' is not URL-safe base64")
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ProtocolError("'key' is not URL-safe base64") from None
    if len(key) != SETTINGS_KEY_BYTES:
        raise ProtocolError(f"'key' is not {SETTINGS_KEY_BYTES} bytes long")
    return key
