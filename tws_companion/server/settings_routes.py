"""The routes of the settings on the server (``/me/settings``, its versions): the rules live in
:mod:`.settings_store`, the files of large copies in :mod:`.settings_blobs`; ``app.create_app``
includes :data:`router`.

Each route takes its session as a :data:`LazySession` and looks it up in its first thread-pool
step, the one that reads the copies (one step, one read transaction). A save is checked before
its body is kept (the first megabyte may arrive in memory meanwhile): a stale one has its body
read to the end, keeping nothing, and is refused. Both routes that send a copy (the current one,
a numbered version) answer from what that step read (:func:`_copy_response`): a large copy is
sent as it is read, slice by slice.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Header, Path, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.types import Receive, Scope, Send

from tws_companion.protocol import (
    ETAG_HEADER,
    MACHINE_HEADER,
    MACHINE_NAME_MAX_LENGTH,
    SAVED_AT_HEADER,
    SETTINGS_MEDIA_TYPE,
    VERSION_HEADER,
)
from tws_companion.protocol.models import SettingsVersion, SettingsVersions
from tws_companion.server import settings_store
from tws_companion.server.api_router import api_router
from tws_companion.server.deps import Context, LazySession, in_threadpool

router = api_router()

#: Longest ``If-Match`` / ``If-None-Match`` header read (a few entity tags); longer is a 422.
MAX_PRECONDITION_LENGTH = 1024
_BINARY: dict[str, Any] = {SETTINGS_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}
_COPY_HEADERS: dict[str, Any] = {
    ETAG_HEADER: {"description": "the copy's entity tag", "schema": {"type": "string"}},
    VERSION_HEADER: {"description": "the copy's number", "schema": {"type": "integer"}},
    SAVED_AT_HEADER: {"description": "when it was saved (ISO 8601, UTC)", "schema": {}},
    MACHINE_HEADER: {"description": "the machine that saved it (percent-encoded)", "schema": {}},
}
_COPY_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "the settings envelope", "content": _BINARY, "headers": _COPY_HEADERS},
}
IfMatch = Annotated[str | None, Header(max_length=MAX_PRECONDITION_LENGTH)]
#: Longest ``X-Machine-Name`` header read: each character up to 4 UTF-8 bytes of 3 characters
#: ("%E2") once percent-encoded.
MAX_MACHINE_HEADER_LENGTH = 12 * MACHINE_NAME_MAX_LENGTH
MachineName = Annotated[str | None, Header(max_length=MAX_MACHINE_HEADER_LENGTH)]


class CopyResponse(StreamingResponse):
    """A large copy, sent as it is read (:meth:`.settings_store.StoredCopy.parts`) with its
    whole ``Content-Length``: a copy that ages out meanwhile cuts the connection, so the
    client sees a download cut short. What holds its bytes is let go however the answer ends
    (also when its body never started)."""

    def __init__(self, found: settings_store.StoredCopy, headers: dict[str, str]) -> None:
        super().__init__(
            found.parts(),
            media_type=SETTINGS_MEDIA_TYPE,
            headers={**headers, "Content-Length": str(found.version.size)},
        )
        self._found = found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._found.close()


def _copy_response(found: settings_store.StoredCopy) -> Response:
    """304 when the client has the copy; the copy in one piece when it is no larger than a
    slice, else as it is read."""
    headers = settings_store.copy_headers(found.version)
    if found.data is None:
        return Response(status_code=304, headers=headers)
    if found.rest is None:
        return Response(found.data, media_type=SETTINGS_MEDIA_TYPE, headers=headers)
    return CopyResponse(found, headers)


@router.get(
    "/me/settings",
    response_class=Response,
    responses={**_COPY_ANSWERS, 304: {"description": "the copy named by If-None-Match"}},
)
async def get_settings(
    ctx: Context, session: LazySession, if_none_match: IfMatch = None
) -> Response:
    """The current copy of the user's settings (the envelope they uploaded); 404 before the
    first save."""
    found = await in_threadpool(settings_store.current, ctx, session, if_none_match)
    return _copy_response(found)


@router.put(
    "/me/settings",
    response_model=SettingsVersion,
    openapi_extra={"requestBody": {"required": True, "content": _BINARY}},
)
async def put_settings(
    request: Request,
    ctx: Context,
    session: LazySession,
    if_match: IfMatch = None,
    x_machine_name: MachineName = None,
) -> Response:
    """Save a new current copy, based on the copy ``If-Match`` names (required once a copy
    exists); the server keeps the last versions. A save already stale is refused once its body
    is read, without keeping it."""
    body = request.stream()
    starting = asyncio.ensure_future(
        in_threadpool(settings_store.start_save, ctx, session, if_match)
    )
    early = await settings_store.read_early(body, starting)
    start = await starting
    machine = settings_store.machine_name(x_machine_name)
    if start.refusal is not None:
        await settings_store.drain(body)
        raise start.refusal
    row = start.session
    upload = await settings_store.receive(ctx, row, body, early)
    saved = await in_threadpool(settings_store.save, ctx, row, upload, if_match, machine)
    return JSONResponse(
        saved.version.model_dump(mode="json"),
        headers=settings_store.copy_headers(saved.version),
        background=settings_store.pruning(ctx, row.user_id, saved),
    )


@router.get("/me/settings/versions", response_model=SettingsVersions)
async def settings_versions(ctx: Context, session: LazySession) -> SettingsVersions:
    """The versions kept, newest first."""
    return await in_threadpool(settings_store.versions, ctx, session)


@router.get("/me/settings/versions/{number}", response_class=Response, responses=_COPY_ANSWERS)
async def settings_version(
    number: Annotated[int, Path(ge=1, le=2**31 - 1)], ctx: Context, session: LazySession
) -> Response:
    """One version still kept."""
    return _copy_response(await in_threadpool(settings_store.version, ctx, session, number))
