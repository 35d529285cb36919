"""The FastAPI application: routes that validate, call the domain and return a wire model.

The bodies are the shared models of :mod:`tws_companion.protocol.models`; what a route receives
besides its body comes from :mod:`deps`; the rules live in :mod:`password_check`,
:mod:`login_flow`, :mod:`sessions` and :mod:`me`. Handlers are ``async`` and push every database
step onto the shared thread pool, while password checks queue on their own bounded limiter (see
:mod:`passwords`), so a burst of logins never starves ``respond`` or ``logout``. The request
limits and the error handlers sit in front of every route.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Header, Path, Request, Response
from fastapi.responses import JSONResponse

from tws_companion import __version__
from tws_companion.protocol import (
    ETAG_HEADER,
    MACHINE_HEADER,
    MACHINE_NAME_MAX_LENGTH,
    SAVED_AT_HEADER,
    SETTINGS_MEDIA_TYPE,
    VERSION_HEADER,
)
from tws_companion.protocol.models import (
    ChallengeStep,
    DeviceRequest,
    Health,
    LoginDone,
    LoginRequest,
    LoginStart,
    Me,
    OnlineCard,
    ResendRequest,
    RespondRequest,
    SettingsKey,
    SettingsVersion,
    SettingsVersions,
)
from tws_companion.server import (
    login_flow,
    me,
    security_routes,
    sessions,
    settings_store,
)
from tws_companion.server.api_router import api_router
from tws_companion.server.context import ServerContext
from tws_companion.server.deps import (
    BearerToken,
    Context,
    CurrentSession,
    LoginId,
    Source,
    in_threadpool,
    in_writer,
)
from tws_companion.server.device_change_routes import router as device_change_router
from tws_companion.server.errors import install_error_handlers
from tws_companion.server.limits import RequestLimits
from tws_companion.server.password_gate import after_password

router = api_router()


@router.get("/health", response_model=Health)
async def health() -> Health:
    return Health(status="ok", version=__version__)


@router.post("/login", response_model=LoginStart, response_model_exclude_none=True)
async def login(body: LoginRequest, source: Source, ctx: Context) -> LoginStart:
    return await after_password(ctx, body, source, login_flow.open_login, body.platform)


@router.post(
    "/login/{login_id}/device", response_model=ChallengeStep, response_model_exclude_none=True
)
async def select_device(login_id: LoginId, body: DeviceRequest, ctx: Context) -> ChallengeStep:
    now = ctx.clock.now()
    return await in_threadpool(login_flow.select_device, ctx, login_id, body.device_id, now)


@router.post(
    "/login/{login_id}/resend", response_model=ChallengeStep, response_model_exclude_none=True
)
async def resend(login_id: LoginId, body: ResendRequest, ctx: Context) -> ChallengeStep:
    return await in_threadpool(login_flow.resend, ctx, login_id, body.channel, ctx.clock.now())


@router.post("/login/{login_id}/respond", response_model=LoginDone)
async def respond(login_id: LoginId, body: RespondRequest, ctx: Context) -> LoginDone:
    return await in_writer(ctx, login_flow.respond, ctx, login_id, body.response, ctx.clock.now())


def _logout(ctx: ServerContext, token: str | None) -> None:
    with ctx.db.transaction() as s:
        sessions.revoke(s, token, ctx.clock.now())


@router.post("/logout", status_code=204, response_class=Response)
async def logout(ctx: Context, token: BearerToken) -> Response:
    """End the session; an unknown or ended token is already logged out (no error)."""
    await in_threadpool(_logout, ctx, token)
    return Response(status_code=204)


@router.get("/me", response_model=Me)
async def describe_me(ctx: Context, session: CurrentSession) -> Me:
    return await in_threadpool(me.describe, ctx, session)


@router.get("/me/settings-key", response_model=SettingsKey)
async def settings_key(ctx: Context, session: CurrentSession) -> SettingsKey:
    return await in_threadpool(me.settings_key, ctx, session)


@router.post("/me/online-card", response_model=OnlineCard)
async def online_card(ctx: Context, session: CurrentSession) -> OnlineCard:
    """Print the Online Security Code Card (valid 21 days) after a temporary-passcode login."""
    return await in_threadpool(me.print_online_card, ctx, session)


# --- settings on the server ---------------------------------------------------------------------

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


def _copy_response(found: settings_store.StoredCopy) -> Response:
    headers = settings_store.copy_headers(found.version)
    if found.data is None:
        return Response(status_code=304, headers=headers)
    return Response(found.data, media_type=SETTINGS_MEDIA_TYPE, headers=headers)


@router.get(
    "/me/settings",
    response_class=Response,
    responses={**_COPY_ANSWERS, 304: {"description": "the copy named by If-None-Match"}},
)
async def get_settings(ctx: Context, token: BearerToken, if_none_match: IfMatch = None) -> Response:
    """The current copy of the user's settings (the envelope they uploaded); 404 before the
    first save. (The settings routes look their session up in the step that reads the copies:
    one thread-pool step, one read transaction.)"""
    found = await in_threadpool(settings_store.current, ctx, token, if_none_match)
    return _copy_response(found)


@router.put(
    "/me/settings",
    response_model=SettingsVersion,
    openapi_extra={"requestBody": {"required": True, "content": _BINARY}},
)
async def put_settings(
    request: Request,
    ctx: Context,
    token: BearerToken,
    if_match: IfMatch = None,
    x_machine_name: MachineName = None,
) -> Response:
    """Save a new current copy, based on the copy ``If-Match`` names (required once a copy
    exists); the server keeps the last versions. A save already stale is refused once its body
    is read, without keeping it."""
    start = await in_threadpool(settings_store.start_save, ctx, token, if_match)
    machine = settings_store.machine_name(x_machine_name)
    if start.refusal is not None:
        await settings_store.drain(request.stream())
        raise start.refusal
    session = start.session
    upload = await settings_store.receive(ctx, session, request.stream())
    saved = await in_threadpool(settings_store.save, ctx, session, upload, if_match, machine)
    return JSONResponse(
        saved.model_dump(mode="json"),
        headers=settings_store.copy_headers(saved),
        background=settings_store.pruning(ctx, session.user_id, saved.number),
    )


@router.get("/me/settings/versions", response_model=SettingsVersions)
async def settings_versions(ctx: Context, token: BearerToken) -> SettingsVersions:
    """The versions kept, newest first."""
    return await in_threadpool(settings_store.versions, ctx, token)


@router.get("/me/settings/versions/{number}", response_class=Response, responses=_COPY_ANSWERS)
async def settings_version(
    number: Annotated[int, Path(ge=1, le=2**31 - 1)], ctx: Context, token: BearerToken
) -> Response:
    """One version still kept."""
    return _copy_response(await in_threadpool(settings_store.version, ctx, token, number))


def create_app(ctx: ServerContext) -> FastAPI:
    app = FastAPI(
        title="TWS Companion Secure Login System",
        version=__version__,
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = ctx
    app.add_middleware(RequestLimits)
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(security_routes.router)
    app.include_router(device_change_router)
    return app
