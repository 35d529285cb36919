"""Request guards in front of the routes: a body-size limit and the media type of bodies.

A pure ASGI middleware, so an oversized body or one of the wrong type is refused with the API's
JSON error (413 ``payload_too_large``, 415 ``unsupported_media_type``) before anything parses it.
Every body is small JSON, except a settings upload (``PUT /me/settings``): the encrypted envelope
as ``application/octet-stream``, up to ``SETTINGS_MAX_BYTES``.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tws_companion.protocol import API_PREFIX, SETTINGS_MAX_BYTES, SETTINGS_MEDIA_TYPE, ErrorCode
from tws_companion.server.errors import ApiError, error_response

#: Every JSON request body of the API is small.
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class BodyRule:
    """What a route accepts as its body: how large, and of which media type."""

    max_bytes: int
    #: "json" (``application/json`` or ``*+json``), else the one media type accepted.
    media: str
    too_large: ApiError
    wrong_type: ApiError

    def accepts(self, content_type: str) -> bool:
        media = content_type.split(";", 1)[0].strip().lower()
        if self.media == "json":
            return media == "application/json" or media.endswith("+json")
        return media == self.media


JSON_BODY = BodyRule(
    MAX_BODY_BYTES,
    "json",
    ApiError(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large."),
    ApiError(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Send the request body as JSON (Content-Type: application/json).",
    ),
)
SETTINGS_BODY = BodyRule(
    SETTINGS_MAX_BYTES,
    SETTINGS_MEDIA_TYPE,
    ApiError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        f"The settings are larger than the server keeps ({SETTINGS_MAX_BYTES // (1024 * 1024)} "
        "MB): remove unused workspaces, windows or watchlist rows, then save again.",
    ),
    ApiError(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        f"Send the settings as they were saved (Content-Type: {SETTINGS_MEDIA_TYPE}).",
    ),
)
#: Routes whose body is not small JSON, by method and path.
BODY_RULES: dict[tuple[str, str], BodyRule] = {("PUT", f"{API_PREFIX}/me/settings"): SETTINGS_BODY}


class RequestLimits:
    def __init__(self, app: ASGIApp, json_body: BodyRule = JSON_BODY) -> None:
        self.app = app
        self.json_body = json_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        rule = BODY_RULES.get((scope["method"], scope["path"].rstrip("/")), self.json_body)
        headers = {key.lower(): value for key, value in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = rule.max_bytes + 1
            if declared > rule.max_bytes:
                await error_response(rule.too_large)(scope, receive, send)
                return
            if declared > 0 and not rule.accepts(content_type):
                await error_response(rule.wrong_type)(scope, receive, send)
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
            if size > rule.max_bytes:
                await error_response(rule.too_large)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        if size and not rule.accepts(content_type):
            await error_response(rule.wrong_type)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)
