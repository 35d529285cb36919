"""Request guards in front of the routes: a body-size limit and JSON-only bodies.

A pure ASGI middleware, so an oversized or non-JSON body is refused with the API's JSON error
(413 ``payload_too_large``, 415 ``unsupported_media_type``) before anything parses it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tws_companion.protocol import ErrorCode
from tws_companion.server.errors import ApiError, error_response

#: Every request body of the API is small; settings uploads will get their own, larger limit.
MAX_BODY_BYTES = 64 * 1024

TOO_LARGE = ApiError(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large.")
NOT_JSON = ApiError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    "Send the request body as JSON (Content-Type: application/json).",
)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class RequestLimits:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {key.lower(): value for key, value in scope.get("headers", [])}
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = self.max_body + 1
            if declared > self.max_body:
                await error_response(TOO_LARGE)(scope, receive, send)
                return
            if declared > 0 and not _is_json(headers.get(b"content-type", b"").decode("latin-1")):
                await error_response(NOT_JSON)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        # No declared length (chunked): read the body here, up to the limit, then replay it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                await error_response(TOO_LARGE)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        if size and not _is_json(headers.get(b"content-type", b"").decode("latin-1")):
            await error_response(NOT_JSON)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)
