"""Every error code of the API maps to its own ApiError subclass; bad error bodies do not crash."""

from __future__ import annotations

import pytest

from tws_companion.client import errors
from tws_companion.client.errors import (
    ERROR_CLASSES,
    ApiError,
    ClientError,
    LoginThrottled,
    ProtocolError,
    WrongResponse,
)
from tws_companion.protocol import ERROR_STATUS, ErrorCode, ErrorNumbers
from tws_companion.protocol.error_body import error_body


def _camel(code: ErrorCode) -> str:
    return "".join(part.capitalize() for part in code.value.split("_"))


def test_every_error_code_has_its_class() -> None:
    assert set(ERROR_CLASSES) == set(ErrorCode)
    assert len(set(ERROR_CLASSES.values())) == len(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_class_is_named_after_its_code(code: ErrorCode) -> None:
    cls = ERROR_CLASSES[code]
    assert cls.__name__ == _camel(code)
    assert getattr(errors, cls.__name__) is cls
    assert issubclass(cls, ApiError)
    assert issubclass(cls, ClientError)
    assert cls.error_code is code


@pytest.mark.parametrize("code", list(ErrorCode))
def test_error_body_maps_to_its_class(code: ErrorCode) -> None:
    status = ERROR_STATUS[code]
    body = {"error": {"code": code.value, "message": f"Message for {code.value}."}}
    error = ApiError.from_body(status, body)
    assert type(error) is ERROR_CLASSES[code]
    assert error.code is code
    assert error.status == status
    assert error.message == f"Message for {code.value}."
    assert str(error) == error.message
    assert error.retry_after is None
    assert error.attempts_left is None


def test_retry_after_and_attempts_left() -> None:
    throttled = ApiError.from_body(
        429,
        {
            "error": {
                "code": "login_throttled",
                "message": "Too many failed login attempts. Please wait 53 seconds before "
                "attempting to re-login again.",
                "retry_after": 53,
            }
        },
    )
    assert isinstance(throttled, LoginThrottled)
    assert throttled.retry_after == 53
    wrong = ApiError.from_body(
        401, {"error": {"code": "wrong_response", "message": "Wrong.", "attempts_left": 2}}
    )
    assert isinstance(wrong, WrongResponse)
    assert wrong.attempts_left == 2
    assert "attempts_left=2" in repr(wrong)


def test_unknown_code_is_a_plain_api_error() -> None:
    error = ApiError.from_body(418, {"error": {"code": "teapot", "message": "Short and stout."}})
    assert type(error) is ApiError
    assert error.code == "teapot"
    assert error.status == 418


def test_missing_message_gets_a_generic_one() -> None:
    error = ApiError.from_body(401, {"error": {"code": "invalid_credentials"}})
    assert "invalid_credentials" in error.message


def test_message_is_one_line() -> None:
    error = ApiError.from_body(500, {"error": {"code": "internal_error", "message": "a\nb  c"}})
    assert error.message == "a b c"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "error",
        {},
        {"error": "invalid_credentials"},
        {"error": {}},
        {"error": {"code": 401, "message": "x"}},
        {"error": {"code": "", "message": "x"}},
        {"error": {"code": "login_throttled", "message": "x", "retry_after": "53"}},
        {"error": {"code": "login_throttled", "message": "x", "retry_after": -1}},
        {"error": {"code": "login_throttled", "message": "x", "retry_after": True}},
        {"error": {"code": "wrong_response", "message": "x", "attempts_left": 1.5}},
    ],
)
def test_malformed_error_body_is_a_protocol_error(body: object) -> None:
    with pytest.raises(ProtocolError) as caught:
        ApiError.from_body(401, body)
    assert caught.value.status == 401
    assert "HTTP 401" in str(caught.value)


def test_protocol_error_names_the_status_not_the_body() -> None:
    error = ProtocolError("the answer is not JSON", status=502)
    assert str(error) == "Unexpected answer from the server (HTTP 502): the answer is not JSON"


def test_a_code_cannot_get_two_classes() -> None:
    with pytest.raises(TypeError):

        class AgainError(ApiError, code=ErrorCode.WRONG_RESPONSE):
            pass

    assert ERROR_CLASSES[ErrorCode.WRONG_RESPONSE] is WrongResponse


@pytest.mark.parametrize(
    ("code", "numbers"),
    [
        (ErrorCode.LOGIN_THROTTLED, {"retry_after": 53}),
        (ErrorCode.WRONG_RESPONSE, {"attempts_left": 0}),
        (ErrorCode.INVALID_CREDENTIALS, {}),
    ],
)
def test_the_body_the_server_builds_reads_back(code: ErrorCode, numbers: ErrorNumbers) -> None:
    """The server's :func:`error_body` and the client's reading are one format."""
    body = error_body(code, "Line one.\n  Line two.", **numbers)
    error = ApiError.from_body(ERROR_STATUS[code], body)
    assert type(error) is ERROR_CLASSES[code]
    assert error.message == "Line one. Line two."
    assert error.retry_after == numbers.get("retry_after")
    assert error.attempts_left == numbers.get("attempts_left")
    assert set(body["error"]) == {"code", "message", *numbers}


def test_fields_a_newer_server_adds_are_ignored() -> None:
    body = {"error": {"code": "resend_limit", "message": "No more.", "help_url": "https://x"}}
    assert type(ApiError.from_body(429, body)) is ERROR_CLASSES[ErrorCode.RESEND_LIMIT]
