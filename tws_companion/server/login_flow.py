"""The login protocol of DESIGN.md section 5 after the password: open the login, select a device,
request a new code, respond; and the pruning of what no rule needs any more.

Each step is one database transaction over the ``logins`` table, so any worker can serve any
step; what differs between device kinds is asked of the device's authenticator
(:mod:`tws_companion.server.authenticators`). A refusal that changes state (a wrong response
counts, an expired login is closed, a device locks) is a :class:`CommittedApiError`, which the
transaction commits before it propagates. Codes are sent after the commit (a gateway may be slow
and must not hold the database).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import NoReturn

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tws_companion.protocol import Channel, DeviceStatus, ErrorCode, Platform
from tws_companion.protocol import models as wire
from tws_companion.protocol.fields import is_login_id
from tws_companion.protocol.models import Challenge, ChallengeStep, LoginDone, LoginStart
from tws_companion.server import accounts, password_check, sessions
from tws_companion.server.authenticators import (
    Authenticator,
    PendingDelivery,
    Usability,
    authenticator_for,
    unusable,
    usability,
)
from tws_companion.server.authenticators.send_caps import prune_sends
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login, LoginFailure, UsedChallenge, User
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.server.login_states import LoginState
from tws_companion.sls.durations import ceil_seconds, plural
from tws_companion.sls.ip_rules import ip_allowed, parse_allowed_ips

__all__ = ["open_login", "prune", "resend", "respond", "select_device"]

LOGIN_ID_BYTES = 24
#: One in this many logins also prunes finished logins and old used challenges.
PRUNE_EVERY = 100

LOGIN_NOT_FOUND = "This login is over or does not exist. Start over from step 1."
NOT_YOUR_DEVICE = "That device is not one of yours."
#: Why no usable device is left, in the order a user should hear it.
_REFUSAL_ORDER = (Usability.PORTAL_ONLY, Usability.LOCKED, Usability.EXPIRED)


def _device_out(device: Device) -> wire.Device:
    return wire.Device(id=device.id, kind=device.kind, label=device.label)


def _challenge_out(
    ctx: ServerContext, authenticator: Authenticator, login: Login, device: Device, now: datetime
) -> Challenge:
    challenge = authenticator.challenge_out(ctx, login, device, now)
    if challenge.expires_at is None:
        return challenge
    # Seconds rather than a time of day alone: a client whose clock is off still counts right.
    expires_in = max(0, ceil_seconds(challenge.expires_at - now))
    return challenge.model_copy(update={"expires_in": expires_in})


def _issue_challenge(
    ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
) -> tuple[ChallengeStep, PendingDelivery | None]:
    """Make ``device`` the login's device and issue its challenge. Wrong responses keep counting
    across challenges: three in one login end it, however often a device is selected again."""
    authenticator = authenticator_for(device.kind)
    login.device_id = device.id
    login.state = LoginState.RESPOND
    pending = authenticator.new_challenge(ctx, s, login, device, now)
    step = ChallengeStep(
        device_id=device.id, challenge=_challenge_out(ctx, authenticator, login, device, now)
    )
    return step, pending


def _deliver(ctx: ServerContext, pending: PendingDelivery | None) -> None:
    if pending is not None:
        pending.deliver(ctx)


# --- after the password: open the login, pick a device ----------------------------------------


def open_login(
    ctx: ServerContext, user_id: int, platform: Platform, source: str, now: datetime
) -> LoginStart:
    """After a correct password: check the address, list the usable devices, and with a single
    device issue its challenge at once (M2FS users pick from the list first)."""
    with ctx.db.transaction() as s:
        user = s.get(User, user_id)
        if user is None:
            raise password_check.invalid_credentials()
        if not ip_allowed(source, parse_allowed_ips(user.allowed_ips)):
            raise ApiError(
                ErrorCode.IP_RESTRICTED,
                "Login from this IP address is not permitted: IP restrictions are active on "
                "your account. Log in from one of the addresses you designated.",
            )
        devices = accounts.user_devices(s, user)
        states = {device.id: usability(ctx, device, platform, now) for device in devices}
        usable = [device for device in devices if states[device.id] is Usability.USABLE]
        if not usable:
            reason = next((r for r in _REFUSAL_ORDER if r in states.values()), Usability.REVOKED)
            raise unusable(reason)
        login = Login(
            id=secrets.token_urlsafe(LOGIN_ID_BYTES),
            user_id=user.id,
            platform=platform.value,
            source=source,
            state=LoginState.SELECT_DEVICE,
            created_at=now,
            expires_at=now + ctx.policy.login_transaction_ttl,
        )
        s.add(login)
        pending: PendingDelivery | None = None
        challenge: Challenge | None = None
        if len(usable) == 1:
            step, pending = _issue_challenge(ctx, s, login, usable[0], now)
            challenge = step.challenge
        s.flush()
        usable_ids = {device.id for device in usable}
        started = LoginStart(
            login_id=login.id,
            expires_at=login.expires_at,
            devices=tuple(_device_out(device) for device in usable),
            preferred_device_id=(
                user.preferred_device_id if user.preferred_device_id in usable_ids else None
            ),
            step=login.state.step,
            device_id=login.device_id,
            challenge=challenge,
        )
        if secrets.randbelow(PRUNE_EVERY) == 0:
            prune(s, ctx, now)
    _deliver(ctx, pending)
    return started


def _load_login(s: Session, login_id: str, now: datetime) -> Login:
    """The login, locked for this transaction; a login that has just expired is closed (and that
    is committed)."""
    login = s.get(Login, login_id, with_for_update=True) if is_login_id(login_id) else None
    if login is None or login.state.over:
        raise ApiError(ErrorCode.LOGIN_NOT_FOUND, LOGIN_NOT_FOUND)
    if now >= login.expires_at:
        login.state = LoginState.FAILED
        raise CommittedApiError(
            ErrorCode.LOGIN_EXPIRED,
            "The login took too long and has expired. Start over from step 1.",
        )
    return login


def _selected_device(s: Session, login: Login, *, lock: bool = False) -> Device:
    """The device the login waits for a response from."""
    device = s.get(Device, login.device_id, with_for_update=lock) if login.device_id else None
    if device is None or login.state is not LoginState.RESPOND:
        raise ApiError(ErrorCode.WRONG_STEP, "Select a security device first.")
    return device


def select_device(
    ctx: ServerContext, login_id: str, device_id: str, now: datetime
) -> ChallengeStep:
    """Pick (or switch to) one of the login's devices and get its challenge."""
    with ctx.db.transaction() as s:
        login = _load_login(s, login_id, now)
        device = s.get(Device, device_id)
        if device is None or device.user_id != login.user_id:
            raise ApiError(ErrorCode.DEVICE_NOT_FOUND, NOT_YOUR_DEVICE)
        state = usability(ctx, device, login.platform, now)
        if state is Usability.REVOKED:
            raise ApiError(ErrorCode.DEVICE_NOT_FOUND, NOT_YOUR_DEVICE)
        if state is not Usability.USABLE:
            raise unusable(state)
        step, pending = _issue_challenge(ctx, s, login, device, now)
    _deliver(ctx, pending)
    return step


def resend(ctx: ServerContext, login_id: str, channel: Channel, now: datetime) -> ChallengeStep:
    """ "Request new code": a fresh code by SMS or by voice callback, within the send limits."""
    with ctx.db.transaction() as s:
        login = _load_login(s, login_id, now)
        device = _selected_device(s, login)
        authenticator = authenticator_for(device.kind)
        pending = authenticator.resend(ctx, s, login, device, channel, now)
        step = ChallengeStep(
            device_id=device.id, challenge=_challenge_out(ctx, authenticator, login, device, now)
        )
    _deliver(ctx, pending)
    return step


# --- the response -----------------------------------------------------------------------------


def respond(ctx: ServerContext, login_id: str, response: str, now: datetime) -> LoginDone:
    """Check the response to the latest challenge; a session on success."""
    with ctx.db.transaction() as s:
        login = _load_login(s, login_id, now)
        # Locked: its failure count may be changed by another login of the same user at once.
        device = _selected_device(s, login, lock=True)
        user = s.get(User, login.user_id)
        assert user is not None  # the login belongs to it (ON DELETE CASCADE)
        authenticator = authenticator_for(device.kind)
        state = authenticator.usability(ctx, device, login.platform, now)
        if state is not Usability.USABLE:
            _back_to_device_choice(login)
            raise unusable(state, committed=True)
        authenticator.check_answerable(login, now)
        if not authenticator.verify(ctx, login, device, response):
            _wrong_response(ctx, s, login, device, user, now)
        if login.challenge is not None:
            if s.get(UsedChallenge, (device.id, login.challenge)) is not None:
                login.state = LoginState.FAILED
                raise CommittedApiError(
                    ErrorCode.RESPONSE_REUSED,
                    "That response was already used once. Start over from step 1.",
                )
            s.add(UsedChallenge(device_id=device.id, challenge=login.challenge, used_at=now))
        login.code_digest = None
        login.state = LoginState.DONE
        device.consecutive_failures = 0
        # A completed login ends the failure streak. Core, not ORM: no session objects to sync.
        s.connection().execute(delete(LoginFailure).where(LoginFailure.username == user.username))
        user.preferred_device_id = device.id
        terms = authenticator.session_terms(ctx, device, now)
        if terms.permanent:
            user.last_permanent_login_at = now
        token, row = sessions.create_session(
            s,
            user_id=user.id,
            device_id=device.id,
            scope=terms.scope,
            platform=login.platform,
            now=now,
            policy=ctx.policy,
            not_after=terms.not_after,
        )
        return LoginDone(
            session=wire.Session(token=token, expires_at=row.expires_at, scope=terms.scope)
        )


def _back_to_device_choice(login: Login) -> None:
    """The selected device cannot be used any more (locked, revoked, expired): the login stays
    open for the user's other devices (M2FS: the user can always switch), until it expires."""
    login.state = LoginState.SELECT_DEVICE
    login.device_id = None
    login.challenge = None
    login.challenge_expires_at = None


def _wrong_response(
    ctx: ServerContext, s: Session, login: Login, device: Device, user: User, now: datetime
) -> NoReturn:
    """Count a wrong response (for the login and for the device) and refuse it; the count is
    committed. Ten in a row lock the device; three in one login end it, a failed login."""
    login.wrong_responses += 1
    device.consecutive_failures += 1
    if device.consecutive_failures >= ctx.policy.device_lock_failures:
        device.status = DeviceStatus.LOCKED
        _back_to_device_choice(login)
        password_check.record_failure(s, ctx, user.username, login.source, now)
        raise unusable(Usability.LOCKED, committed=True)
    attempts_left = ctx.policy.max_wrong_responses - login.wrong_responses
    if attempts_left <= 0:
        login.state = LoginState.FAILED
        password_check.record_failure(s, ctx, user.username, login.source, now)
        raise CommittedApiError(
            ErrorCode.CHALLENGE_FAILED, "Too many wrong responses. Start over from step 1."
        )
    raise CommittedApiError(
        ErrorCode.WRONG_RESPONSE,
        f"The response is not correct. {plural(attempts_left, 'attempt')} left.",
        attempts_left=attempts_left,
    )


def prune(s: Session, ctx: ServerContext, now: datetime) -> None:
    """Forget what no rule needs any more: finished logins, challenges answered over a day ago
    (they may be issued again after that), failure counts past every wait, code sends that left
    the caps' window, expired sessions."""
    horizon = now - max(ctx.policy.login_transaction_ttl, ctx.policy.lockout_window)
    s.execute(delete(Login).where(Login.expires_at < horizon))
    s.execute(delete(UsedChallenge).where(UsedChallenge.used_at < now - ctx.policy.lockout_window))
    password_check.prune_failures(s, ctx, now)
    prune_sends(s, ctx, now)
    sessions.prune(s, now)
