"""The FastAPI application: thin routes over :mod:`login_flow` and :mod:`sessions`.

Handlers are ``async`` and push every database step onto the shared thread pool, while password
checks queue on their own bounded limiter (see :mod:`passwords`), so a burst of logins never
starves ``respond`` or ``logout``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from tws_companion import __version__
from tws_companion.protocol import API_PREFIX, ErrorCode, Platform, Scope
from tws_companion.server import accounts, login_flow, password_check, sessions
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, SessionToken, User
from tws_companion.server.errors import ApiError, install_error_handlers
from tws_companion.server.limits import RequestLimits
from tws_companion.server.schemas import (
    ChallengeStep,
    DeviceOut,
    DeviceRequest,
    ErrorOut,
    HealthOut,
    LoginDone,
    LoginRequest,
    LoginStarted,
    MeOut,
    OnlineCardOut,
    ResendRequest,
    RespondRequest,
    SettingsKeyOut,
)
from tws_companion.sls.devices import DeviceKind

T = TypeVar("T")

#: Documented error answers, so the OpenAPI document (and schemathesis) know every shape. 400 is
#: a body that cannot be parsed at all (not UTF-8, JSON nested too deep); a parsed but invalid
#: body is 422.
ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorOut}
    for status in (400, 401, 403, 404, 409, 410, 413, 415, 422, 423, 429, 502)
}


def _context(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


Context = Annotated[ServerContext, Depends(_context)]


def _source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _bearer(authorization: Annotated[str | None, Header(max_length=512)] = None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


Bearer = Annotated[str | None, Depends(_bearer)]


async def _db(func: Callable[..., T], *args: object) -> T:
    return await run_in_threadpool(func, *args)


router = APIRouter(prefix=API_PREFIX, responses=ERRORS)


@router.get("/health", response_model=HealthOut)
async def health() -> HealthOut:
    return HealthOut(status="ok", version=__version__)


@router.post("/login", response_model=LoginStarted, response_model_exclude_none=True)
async def login(body: LoginRequest, request: Request, ctx: Context) -> LoginStarted:
    now = ctx.clock.now()
    source = _source(request)
    target = await _db(password_check.begin_password_check, ctx, body.username, source, now)
    if not await ctx.passwords.verify_async(target.password_hash, body.password):
        raise password_check.invalid_credentials()
    await _db(password_check.forgive_password_check, ctx, target)
    assert target.user_id is not None
    return await _db(login_flow.open_login, ctx, target.user_id, body.platform, source, now)


@router.post(
    "/login/{login_id}/device", response_model=ChallengeStep, response_model_exclude_none=True
)
async def select_device(login_id: str, body: DeviceRequest, ctx: Context) -> ChallengeStep:
    return await _db(login_flow.select_device, ctx, login_id, body.device_id, ctx.clock.now())


@router.post(
    "/login/{login_id}/resend", response_model=ChallengeStep, response_model_exclude_none=True
)
async def resend(login_id: str, body: ResendRequest, ctx: Context) -> ChallengeStep:
    return await _db(login_flow.resend, ctx, login_id, body.channel, ctx.clock.now())


@router.post("/login/{login_id}/respond", response_model=LoginDone)
async def respond(login_id: str, body: RespondRequest, ctx: Context) -> LoginDone:
    return await _db(login_flow.respond, ctx, login_id, body.response, ctx.clock.now())


def _logout(ctx: ServerContext, token: str | None) -> None:
    with ctx.db.transaction() as s:
        sessions.revoke(s, token, ctx.clock.now())


@router.post("/logout", status_code=204, response_class=Response)
async def logout(ctx: Context, token: Bearer) -> Response:
    await _db(_logout, ctx, token)
    return Response(status_code=204)


def _me(ctx: ServerContext, token: str | None) -> MeOut:
    with ctx.db.read() as s:
        row: SessionToken = sessions.find_session(s, token, ctx.clock.now())
        user = s.get(User, row.user_id)
        assert user is not None
        devices: list[Device] = [
            device
            for device in accounts.user_devices(s, user)
            if login_flow.usability(ctx, device, row.platform, ctx.clock.now())
            is login_flow.Usability.USABLE
        ]
        return MeOut(
            username=user.username,
            scope=Scope(row.scope),
            expires_at=row.expires_at,
            devices=[DeviceOut(id=d.id, kind=d.kind, label=d.label) for d in devices],
        )


@router.get("/me", response_model=MeOut)
async def me(ctx: Context, token: Bearer) -> MeOut:
    return await _db(_me, ctx, token)


def _settings_key(ctx: ServerContext, token: str | None) -> SettingsKeyOut:
    with ctx.db.read() as s:
        row = sessions.find_session(s, token, ctx.clock.now())
        if row.scope != Scope.FULL.value:
            raise ApiError(
                ErrorCode.SCOPE_DENIED,
                "A temporary passcode past its first 2 days can only print the Online Security "
                "Code Card.",
            )
        user = s.get(User, row.user_id)
        assert user is not None
        key = accounts.settings_key(ctx, user)
    return SettingsKeyOut(key=base64.urlsafe_b64encode(key).decode())


@router.get("/me/settings-key", response_model=SettingsKeyOut)
async def settings_key(ctx: Context, token: Bearer) -> SettingsKeyOut:
    return await _db(_settings_key, ctx, token)


def _online_card(ctx: ServerContext, token: str | None) -> OnlineCardOut:
    with ctx.db.transaction() as s:
        now = ctx.clock.now()
        row = sessions.find_session(s, token, now)
        device = s.get(Device, row.device_id)
        user = s.get(User, row.user_id)
        assert user is not None
        if device is None or device.kind != DeviceKind.TEMPORARY.value:
            raise ApiError(
                ErrorCode.SCOPE_DENIED,
                "The Online Security Code Card is printed after a login with a temporary passcode.",
            )
        state = login_flow.usability(ctx, device, Platform.PORTAL, now)
        if state is not login_flow.Usability.USABLE:
            raise login_flow.unusable(state)  # revoked or past day 8 since the login
        card = accounts.issue_online_card(ctx, s, user)
        return OnlineCardOut(
            device_id=card.id,
            expires_at=card.issued_at + ctx.policy.online_card_validity,
            values=dict(accounts.device_card(ctx, card).values),
        )


@router.post("/me/online-card", response_model=OnlineCardOut)
async def online_card(ctx: Context, token: Bearer) -> OnlineCardOut:
    """Print the Online Security Code Card (valid 21 days) after a temporary-passcode login."""
    return await _db(_online_card, ctx, token)


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
    return app
