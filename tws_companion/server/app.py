"""The FastAPI application: routes that validate, call the domain and return a wire model.

The bodies are the shared models of :mod:`tws_companion.protocol.models`; what a route receives
besides its body comes from :mod:`deps`; the rules live in :mod:`password_check`,
:mod:`login_flow`, :mod:`sessions` and :mod:`me`. Handlers are ``async`` and push every database
step onto the shared thread pool, while password checks queue on their own bounded limiter (see
:mod:`passwords`), so a burst of logins never starves ``respond`` or ``logout``. The request
limits and the error handlers sit in front of every route.
"""

from __future__ import annotations

from fastapi import FastAPI, Response

from tws_companion import __version__
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
)
from tws_companion.server import (
    login_flow,
    me,
    security_routes,
    sessions,
    settings_routes,
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
    app.include_router(settings_routes.router)
    app.include_router(security_routes.router)
    app.include_router(device_change_router)
    return app
