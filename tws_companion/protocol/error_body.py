"""The error answer of the API, ``{"error": {"code", "message", retry_after?, attempts_left?,
attempts_before_lock?, device_kinds?}}``: built by the server with :func:`error_body` and read
by the client with :func:`parse_error_body`.

``code`` is kept as text when parsing, so a code added by a newer server still reads (the client
falls back to a plain error for it); the message is made one line.
"""

from __future__ import annotations

from typing import Any, Unpack

from pydantic import BaseModel, ConfigDict, field_validator

from tws_companion.protocol import ErrorCode, ErrorNumbers
from tws_companion.protocol.fields import Count, Name
from tws_companion.protocol.validation import parse


class ErrorDetail(BaseModel):
    """What went wrong: the code, a message for people, and the numbers some codes carry."""

    model_config = ConfigDict(extra="ignore")

    code: Name
    message: str = ""
    #: Seconds to wait (throttling, lockout, resend).
    retry_after: Count | None = None
    #: Tries left on the current challenge (a wrong response); for a wrong password, the
    #: failed logins the user name may still have before it must wait.
    attempts_left: Count | None = None
    #: For a wrong password: the failed logins the user name may still have before the account
    #: locks (0: it is locked now).
    attempts_before_lock: Count | None = None
    #: ``withdrawal_limit``: the device kinds that could confirm the withdrawal.
    device_kinds: tuple[Name, ...] | None = None

    @field_validator("message")
    @classmethod
    def _one_line(cls, message: str) -> str:
        return " ".join(message.split())


class ErrorBody(BaseModel):
    """The whole error answer."""

    model_config = ConfigDict(extra="ignore")

    error: ErrorDetail


def error_body(
    code: ErrorCode,
    message: str,
    *,
    device_kinds: tuple[str, ...] | None = None,
    **numbers: Unpack[ErrorNumbers],
) -> dict[str, Any]:
    """The JSON error answer, without the numbers that do not apply."""
    detail = ErrorDetail(code=code.value, message=message, device_kinds=device_kinds, **numbers)
    return ErrorBody(error=detail).model_dump(mode="json", exclude_none=True)


def parse_error_body(data: object) -> ErrorDetail:
    """The error of a decoded error answer; :class:`~.validation.WireFormatError` if it is not
    one."""
    return parse(ErrorBody, data).error
