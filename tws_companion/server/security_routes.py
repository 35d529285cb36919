"""The routes of the security centre (DESIGN.md section 5): identity checks (``/verify``),
withdrawals and device sharing. The rules live in :mod:`identity_check`, :mod:`withdrawals` and
:mod:`device_sharing`; ``app.create_app`` includes :data:`router`.
"""

from __future__ import annotations

from tws_companion.protocol.models import ChallengeStep, DeviceRequest, LoginStart, RespondRequest
from tws_companion.protocol.security import (
    DeviceShare,
    DeviceShareRequest,
    DeviceShares,
    VerifyDone,
    VerifyRequest,
    Withdrawal,
    WithdrawalRequest,
    Withdrawals,
)
from tws_companion.server import device_sharing, identity_check, withdrawals
from tws_companion.server.api_router import api_router
from tws_companion.server.deps import (
    Context,
    CurrentSession,
    LoginId,
    Source,
    in_threadpool,
    in_writer,
)
from tws_companion.server.password_gate import after_password

router = api_router()


# --- identity checks ----------------------------------------------------------------------------


@router.post("/verify", response_model=LoginStart, response_model_exclude_none=True)
async def verify(body: VerifyRequest, source: Source, ctx: Context) -> LoginStart:
    """Start an identity check: as ``POST /login`` (the same password check and throttles),
    offering the devices that verify an identity."""
    return await after_password(ctx, body, source, identity_check.open_check, body.purpose)


@router.post(
    "/verify/{login_id}/device", response_model=ChallengeStep, response_model_exclude_none=True
)
async def verify_device(login_id: LoginId, body: DeviceRequest, ctx: Context) -> ChallengeStep:
    now = ctx.clock.now()
    return await in_threadpool(identity_check.select_device, ctx, login_id, body.device_id, now)


@router.post("/verify/{login_id}/respond", response_model=VerifyDone)
async def verify_respond(login_id: LoginId, body: RespondRequest, ctx: Context) -> VerifyDone:
    """The approval: valid once, for the check's purpose only, for a few minutes."""
    now = ctx.clock.now()
    return await in_writer(ctx, identity_check.respond, ctx, login_id, body.response, now)


# --- withdrawals --------------------------------------------------------------------------------


@router.post("/withdrawals", response_model=Withdrawal, status_code=201)
async def withdraw(body: WithdrawalRequest, ctx: Context, session: CurrentSession) -> Withdrawal:
    """A withdrawal confirmed with an approval for ``withdrawal``, within the limits of the
    device that answered it (403 ``withdrawal_limit`` names the kinds that could confirm it)."""
    return await in_threadpool(withdrawals.withdraw, ctx, session, body.amount_usd, body.approval)


@router.get("/me/withdrawals", response_model=Withdrawals)
async def list_withdrawals(ctx: Context, session: CurrentSession) -> Withdrawals:
    return await in_threadpool(withdrawals.list_withdrawals, ctx, session)


# --- device sharing -----------------------------------------------------------------------------


@router.post("/me/device-shares", response_model=DeviceShare, status_code=201)
async def request_share(
    body: DeviceShareRequest, ctx: Context, session: CurrentSession
) -> DeviceShare:
    """Share the device that answered the owner's identity check (``share_device``) with the
    session's user (KB2481): approved at once or pending compliance, or refused by the rules."""
    return await in_threadpool(device_sharing.request_share, ctx, session, body.approval)


@router.get("/me/device-shares", response_model=DeviceShares)
async def list_shares(ctx: Context, session: CurrentSession) -> DeviceShares:
    return await in_threadpool(device_sharing.list_mine, ctx, session)
