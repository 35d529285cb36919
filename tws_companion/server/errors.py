"""API errors: one exception type carrying an ``ErrorCode``, and the handlers that turn every
failure (ours, FastAPI's validation, Starlette's 404/405, anything unexpected) into the JSON error
body of DESIGN.md section 5. No stack trace or internal detail ever reaches a client. A client
that goes away while its body is read (a pulled network cable, a closed app) is no server
failure: noted at INFO, answered to nobody."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from tws_companion.protocol import ERROR_STATUS, ErrorCode
from tws_companion.protocol.error_body import error_body
from tws_companion.protocol.validation import describe

log = logging.getLogger(__name__)


class AnswerCutShortError(Exception):
    """An answer already under way cannot be completed (what it sends went away meanwhile):
    raised out of the app, so the server cuts the connection and the client sees an answer cut
    short, never a wrong one. Expected now and then, not a failure of the server."""


#: The answer to a client gone before its request was read (nobody receives it).
CLIENT_GONE = "Invalid request: the connection closed before the request was complete."


class ApiError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        retry_after: int | None = None,
        attempts_left: int | None = None,
        attempts_before_lock: int | None = None,
        headers: dict[str, str] | None = None,
        device_kinds: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.attempts_left = attempts_left
        self.attempts_before_lock = attempts_before_lock
        #: ``withdrawal_limit``: the device kinds that could confirm the withdrawal.
        self.device_kinds = device_kinds
        #: Headers the answer carries besides ``Retry-After`` (a refused settings save names the
        #: current copy's ``ETag``).
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return ERROR_STATUS[self.code]

    def body(self) -> dict[str, Any]:
        return error_body(
            self.code,
            self.message,
            retry_after=self.retry_after,
            attempts_left=self.attempts_left,
            attempts_before_lock=self.attempts_before_lock,
            device_kinds=self.device_kinds,
        )


class CommittedApiError(ApiError):
    """A refusal whose state change must be kept: a wrong response counts, an expired login is
    closed. :meth:`Database.transaction` commits when it leaves the block with this error, then
    lets it propagate; every other exception rolls the transaction back."""


def error_response(error: ApiError) -> JSONResponse:
    headers = dict(error.headers)
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(error.body(), status_code=error.status, headers=headers or None)


_STATUS_CODES: dict[int, tuple[ErrorCode, str]] = {
    400: (ErrorCode.INVALID_REQUEST, "The request is malformed."),
    401: (ErrorCode.UNAUTHORIZED, "Log in first."),
    404: (ErrorCode.NOT_FOUND, "There is nothing at this address."),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "This method is not allowed here."),
    413: (ErrorCode.PAYLOAD_TOO_LARGE, "The request is too large."),
    415: (ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send JSON (Content-Type: application/json)."),
}


def _describe_validation(exc: RequestValidationError) -> str:
    return "Invalid request: " + describe(exc.errors(), skip=("body",))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input back: it may hold a password or a response.
        return error_response(ApiError(ErrorCode.INVALID_REQUEST, _describe_validation(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_CODES.get(
            exc.status_code, (ErrorCode.INVALID_REQUEST, "The request cannot be served.")
        )
        response = error_response(ApiError(code, message))
        response.status_code = exc.status_code if exc.status_code < 500 else 500
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(ClientDisconnect)
    async def _client_gone(request: Request, _exc: ClientDisconnect) -> JSONResponse:
        # The route's template, not the path: a path may hold a login's id.
        route = getattr(request.scope.get("route"), "path", "?")
        log.info("the client went away during %s %s", request.method, route)
        return error_response(ApiError(ErrorCode.INVALID_REQUEST, CLIENT_GONE))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, AnswerCutShortError):
            log.info("an answer was cut short: %s", type(exc).__name__)
        else:
            log.error("unexpected %s while serving a request", type(exc).__name__)
        return error_response(
            ApiError(ErrorCode.INTERNAL_ERROR, "The server failed; the failure has been logged.")
        )
