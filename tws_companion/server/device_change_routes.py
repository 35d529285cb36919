"""The routes of PIN changes and IB Key activations (issue 11): the rules live in
:mod:`.pin_change` and :mod:`.ib_key_activation`, the pending changes in :mod:`.device_changes`.

The IB Key routes take no session (the phone app calls them, as IBKR Mobile does before any
login); the DSC+ routes need the session of a login with full access. Every new PIN is checked
(rule, both copies equal) before the password, so a mistyped PIN costs no password attempt.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from tws_companion.protocol import ErrorCode
from tws_companion.protocol.device_changes import (
    ActivatedIbKey,
    ActivationConfirmRequest,
    ActivationRequest,
    CodeRequest,
    CodeSent,
    IbKeyPinChangeRequest,
    NewPinRequest,
    PinChangeChallenge,
    PinChanged,
)
from tws_companion.protocol.fields import DEVICE_ID_MAX_LENGTH, IDENTIFIER_PATTERN, is_login_id
from tws_companion.protocol.models import RespondRequest
from tws_companion.server import ib_key_activation, pin_change
from tws_companion.server.api_router import api_router
from tws_companion.server.deps import Context, CurrentSession, Source, in_threadpool
from tws_companion.server.device_changes import CHANGE_NOT_FOUND
from tws_companion.server.errors import ApiError
from tws_companion.server.password_gate import after_password
from tws_companion.sls.devices import DeviceKind

__all__ = ["router"]

router = api_router()


async def _change_id(change_id: Annotated[str, Path()]) -> str:
    # A change id has the shape of a login id (``secrets.token_urlsafe``).
    if not is_login_id(change_id):
        raise ApiError(ErrorCode.CHANGE_NOT_FOUND, CHANGE_NOT_FOUND)
    return change_id


ChangeId = Annotated[str, Depends(_change_id)]
DeviceIdPath = Annotated[
    str, Path(min_length=1, max_length=DEVICE_ID_MAX_LENGTH, pattern=IDENTIFIER_PATTERN)
]


@router.post("/ib-key/pin-change", response_model=CodeSent)
async def start_ib_key_pin_change(
    body: IbKeyPinChangeRequest, source: Source, ctx: Context
) -> CodeSent:
    """IB Key PIN change: user name, password, current PIN, new PIN twice → an SMS code."""
    pin_change.check_new_pin(DeviceKind.IB_KEY, body.new_pin, body.new_pin_repeat)
    return await after_password(
        ctx,
        body,
        source,
        pin_change.start_ib_key_pin_change,
        body.device_id,
        body.current_pin,
        body.new_pin,
    )


@router.post("/ib-key/pin-change/{change_id}/confirm", response_model=PinChanged)
async def confirm_ib_key_pin_change(
    change_id: ChangeId, body: CodeRequest, ctx: Context
) -> PinChanged:
    """The SMS code ("Submit Pin Change"): the IB Key's PIN is the new one."""
    return await in_threadpool(
        pin_change.confirm_ib_key_pin_change, ctx, change_id, body.code, ctx.clock.now()
    )


@router.post("/ib-key/activation", response_model=CodeSent)
async def start_ib_key_activation(
    body: ActivationRequest, source: Source, ctx: Context
) -> CodeSent:
    """IB Key activation or Add User: user name and password → an SMS activation code."""
    return await after_password(
        ctx, body, source, ib_key_activation.start_activation, body.platform, body.device_label
    )


@router.post("/ib-key/activation/{change_id}/confirm", response_model=ActivatedIbKey)
async def confirm_ib_key_activation(
    change_id: ChangeId, body: ActivationConfirmRequest, ctx: Context
) -> ActivatedIbKey:
    """The activation code and the PIN: the new IB Key and its OCRA key, once."""
    return await in_threadpool(
        ib_key_activation.confirm_activation, ctx, change_id, body.code, body.pin, ctx.clock.now()
    )


@router.post("/me/devices/{device_id}/pin-change", response_model=PinChangeChallenge)
async def start_dsc_plus_pin_change(
    device_id: DeviceIdPath, body: NewPinRequest, ctx: Context, session: CurrentSession
) -> PinChangeChallenge:
    """DSC+ PIN change: the new PIN twice → the challenge to key into the card with it."""
    pin_change.check_new_pin(DeviceKind.DSC_PLUS, body.new_pin, body.new_pin_repeat)
    return await in_threadpool(
        pin_change.start_dsc_plus_pin_change,
        ctx,
        session,
        device_id,
        body.new_pin,
        ctx.clock.now(),
    )


@router.post("/me/devices/{device_id}/pin-change/respond", response_model=PinChanged)
async def respond_dsc_plus_pin_change(
    device_id: DeviceIdPath, body: RespondRequest, ctx: Context, session: CurrentSession
) -> PinChanged:
    """The card's response, computed with the new PIN: the DSC+'s PIN is the new one."""
    return await in_threadpool(
        pin_change.respond_dsc_plus_pin_change,
        ctx,
        session,
        device_id,
        body.response,
        ctx.clock.now(),
    )
