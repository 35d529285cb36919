"""What the server answers, parsed and checked with the shared models of
:mod:`tws_companion.protocol.models`.

:func:`parse_answer` reads a decoded JSON body into its model; anything missing or of the wrong
type raises :class:`ProtocolError` naming the field's path (never its value), so a malformed
answer never surfaces as a ``KeyError``, a ``TypeError`` or a pydantic error. Datetimes are
timezone-aware. Unknown extra fields are ignored, so a newer server can add some.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from tws_companion.client.errors import ProtocolError
from tws_companion.protocol.models import (
    SETTINGS_KEY_BYTES,
    Challenge,
    ChallengeStep,
    Device,
    Health,
    LoginDone,
    LoginStart,
    Me,
    Session,
    SettingsKey,
)
from tws_companion.protocol.validation import WireFormatError, parse

__all__ = [
    "SETTINGS_KEY_BYTES",
    "Challenge",
    "ChallengeStep",
    "Device",
    "Health",
    "LoginDone",
    "LoginStart",
    "Me",
    "Session",
    "parse_answer",
    "settings_key_from_json",
]

M = TypeVar("M", bound=BaseModel)


def parse_answer(model: type[M], data: object, *, status: int | None = None) -> M:
    """``data``, a decoded answer, as ``model``; :class:`ProtocolError` when it does not fit."""
    try:
        return parse(model, data)
    except WireFormatError as exc:
        raise ProtocolError(str(exc), status=status) from None


def settings_key_from_json(data: object) -> bytes:
    """``GET /me/settings-key``: ``{"key": "<URL-safe base64 of 32 bytes>"}`` as the raw key."""
    return parse_answer(SettingsKey, data).raw()
