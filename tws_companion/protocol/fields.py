"""The constrained field types of the wire models, and the shapes of the identifiers.

Every string a client sends is printable text of bounded length: no control character (C0, DEL,
C1), which no user types and which PostgreSQL refuses (NUL). Identifiers are tokens of the URL-safe
alphabet that the server hands out (login ids from ``secrets.token_urlsafe``, device ids such as
``d3f9a...`` or ``demo-sms``), no longer than their columns. Answers are read strictly where a
lenient parser would guess: a count is a non-negative JSON integer (not ``true``, not ``"30"``), a
moment an ISO 8601 text with a time zone (not a Unix timestamp).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

from tws_companion.protocol.usernames import normalize_username

#: Text without control characters: no C0 (NUL, tab, newline...), DEL or C1.
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
#: The alphabet of login and device ids (``secrets.token_urlsafe`` and hand-picked ids).
IDENTIFIER_PATTERN = r"^[A-Za-z0-9_-]+$"

#: Longest user name, in its normalised form (the ``users.username`` column).
USERNAME_MAX_LENGTH = 64
PASSWORD_MAX_LENGTH = 256
RESPONSE_MAX_LENGTH = 64
#: Longest login id (the ``logins.id`` column); the server's are 32 characters.
LOGIN_ID_MAX_LENGTH = 64
#: Longest device id (the ``devices.id`` column).
DEVICE_ID_MAX_LENGTH = 32

_LOGIN_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{LOGIN_ID_MAX_LENGTH}}}")
_DEVICE_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{DEVICE_ID_MAX_LENGTH}}}")


def is_login_id(text: str) -> bool:
    """Whether ``text`` has the shape of a login id (it may still not exist)."""
    return _LOGIN_ID.fullmatch(text) is not None


def is_device_id(text: str) -> bool:
    """Whether ``text`` has the shape of a device id that a client can send back."""
    return _DEVICE_ID.fullmatch(text) is not None


def _moment_text(value: object) -> object:
    """A moment arrives as ISO 8601 text (or a ``datetime`` built by the server), never as a
    number a lenient parser would take for a Unix timestamp."""
    if not isinstance(value, str | datetime):
        raise ValueError("expected an ISO 8601 date and time")  # noqa: TRY004 (pydantic wants it)
    return value


def _fits_once_normalised(username: str) -> str:
    """A user name longer than its column once normalised is refused like any over-long name
    (case-folding may lengthen it: 64 x "ß" folds to 128 characters)."""
    if len(normalize_username(username)) > USERNAME_MAX_LENGTH:
        raise ValueError(
            f"String should have at most {USERNAME_MAX_LENGTH} characters once case-folded"
        )
    return username


Username = Annotated[
    str,
    Field(min_length=1, max_length=USERNAME_MAX_LENGTH, pattern=PRINTABLE_PATTERN),
    AfterValidator(_fits_once_normalised),
]
#: A password: never in a ``repr``.
Password = Annotated[
    str,
    Field(min_length=1, max_length=PASSWORD_MAX_LENGTH, pattern=PRINTABLE_PATTERN, repr=False),
]
ResponseText = Annotated[
    str, Field(min_length=1, max_length=RESPONSE_MAX_LENGTH, pattern=PRINTABLE_PATTERN)
]
DeviceId = Annotated[
    str, Field(min_length=1, max_length=DEVICE_ID_MAX_LENGTH, pattern=IDENTIFIER_PATTERN)
]

#: A string that must not be empty (ids, kinds, tokens in answers).
Name = Annotated[str, Field(min_length=1)]
#: A non-negative JSON integer.
Count = Annotated[int, Field(ge=0, strict=True)]
#: A timezone-aware date and time, as ISO 8601 text on the wire.
Moment = Annotated[AwareDatetime, BeforeValidator(_moment_text)]
