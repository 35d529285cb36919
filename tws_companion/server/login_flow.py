"""The login protocol of DESIGN.md section 5: password, device selection, challenge, response.

Each step is a plain function over one database transaction; the login transaction lives in the
``logins`` table, so any worker can serve any step. Steps that change state and then refuse (a
wrong response counts; an expired login is closed) commit the change before raising, which is why
the refusals are returned from the transaction block and raised after it.

SMS and voice sends happen after the commit (a gateway may be slow and must not hold the database),
and a failed send is undone, so the user may ask again at once.
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tws_companion.protocol import ChallengeType, Channel, ErrorCode, Platform, Scope, Step
from tws_companion.server import accounts, password_check, sessions
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login, LoginFailure, SourceFailure, UsedChallenge, User
from tws_companion.server.errors import ApiError
from tws_companion.server.gateways.base import GatewayError
from tws_companion.server.schemas import (
    ChallengeOut,
    ChallengeStep,
    DeviceOut,
    LoginDone,
    LoginStarted,
    SessionOut,
)
from tws_companion.sls import code_card, ocra, one_time_codes, temporary
from tws_companion.sls.devices import DeviceKind, spec
from tws_companion.sls.ip_rules import ip_allowed, parse_allowed_ips

LOGIN_ID_BYTES = 24
#: How many fresh challenges to draw before accepting one a device has answered before.
CHALLENGE_DRAWS = 32
#: One in this many logins also prunes finished logins and old used challenges.
PRUNE_EVERY = 100

LOGIN_NOT_FOUND = "This login is over or does not exist. Start over from step 1."


# --- devices ----------------------------------------------------------------------------------


class Usability(Enum):
    USABLE = "usable"
    LOCKED = "locked"
    EXPIRED = "expired"
    PORTAL_ONLY = "portal_only"
    REVOKED = "revoked"


def usability(ctx: ServerContext, device: Device, platform: str, now: datetime) -> Usability:
    if device.status == "revoked":
        return Usability.REVOKED
    if device.status == "locked":
        return Usability.LOCKED
    kind = DeviceKind(device.kind)
    if kind is DeviceKind.TEMPORARY:
        access = temporary.temporary_passcode_access(device.issued_at, now, ctx.policy)
        if access is temporary.TemporaryAccess.EXPIRED:
            return Usability.EXPIRED
        if access is temporary.TemporaryAccess.PORTAL_PRINT_CARD and platform != Platform.PORTAL:
            return Usability.PORTAL_ONLY
    if kind is DeviceKind.ONLINE_CARD and not temporary.online_card_valid(
        device.issued_at, now, ctx.policy
    ):
        return Usability.EXPIRED
    return Usability.USABLE


_UNUSABLE: dict[Usability, tuple[ErrorCode, str]] = {
    Usability.PORTAL_ONLY: (
        ErrorCode.PORTAL_ONLY,
        "Your temporary passcode is more than 2 days old: it now opens Client Portal only, to "
        "print your Online Security Code Card.",
    ),
    Usability.LOCKED: (
        ErrorCode.DEVICE_LOCKED,
        "Your security device is locked after too many wrong responses. Contact Client Services "
        "to reset it.",
    ),
    Usability.EXPIRED: (
        ErrorCode.DEVICE_EXPIRED,
        "Your temporary security device has expired. Contact Client Services.",
    ),
    Usability.REVOKED: (
        ErrorCode.NO_ACTIVE_DEVICE,
        "You have no active security device. Contact Client Services.",
    ),
}


def unusable(state: Usability) -> ApiError:
    """Why a device cannot be used now, as a fresh error to raise."""
    code, message = _UNUSABLE.get(state, _UNUSABLE[Usability.REVOKED])
    return ApiError(code, message)


def _device_out(device: Device) -> DeviceOut:
    return DeviceOut(id=device.id, kind=device.kind, label=device.label)


# --- challenges -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingSend:
    """A one-time code to deliver once the transaction has committed."""

    login_id: str
    channel: Channel
    to: str
    text: str
    #: Whether it counted as a resend (taken back if the send fails).
    counted: bool = False

    def __repr__(self) -> str:
        return f"PendingSend(login_id={self.login_id!r}, channel={self.channel.value!r})"


def _used_challenges(s: Session, device: Device) -> set[str]:
    return set(
        s.scalars(select(UsedChallenge.challenge).where(UsedChallenge.device_id == device.id))
    )


def _draw(draw: Callable[[], str], used: set[str]) -> str:
    challenge = draw()
    for _ in range(CHALLENGE_DRAWS):
        if challenge not in used:
            break
        challenge = draw()
    return challenge


def _indices_key(indices: tuple[int, int]) -> str:
    return f"{indices[0]},{indices[1]}"


def _parse_indices(text: str) -> tuple[int, int]:
    first, second = text.split(",")
    return int(first), int(second)


def _check_send_allowed(ctx: ServerContext, login: Login, now: datetime) -> None:
    """A code after the first: at most one per 30 s and 5 per login, however it is asked for
    (Request new code, or selecting the SMS device again)."""
    if login.resends >= ctx.policy.resend_max_per_login:
        raise ApiError(
            ErrorCode.RESEND_LIMIT,
            "You have requested the maximum number of new codes for this login. "
            "Start over from step 1.",
        )
    wait = _resend_wait(ctx, login, now)
    if wait > 0:
        raise ApiError(
            ErrorCode.RESEND_TOO_SOON,
            f"Please wait {wait} seconds before requesting a new code.",
            retry_after=wait,
        )


def _resend_wait(ctx: ServerContext, login: Login, now: datetime) -> int:
    """Whole seconds until another code may be sent (0: now)."""
    if login.last_send_at is None:
        return 0
    left = (login.last_send_at + ctx.policy.resend_min_interval - now).total_seconds()
    return max(0, math.ceil(left))


def _new_code(
    ctx: ServerContext, login: Login, device: Device, channel: Channel, now: datetime
) -> PendingSend:
    counted = login.last_send_at is not None  # the first code of a login is not a resend
    if counted:
        _check_send_allowed(ctx, login, now)
        login.resends += 1
    code = one_time_codes.new_code(ctx.policy.one_time_code_digits)
    login.code_digest = one_time_codes.code_digest(ctx.code_key, login.id, code)
    login.code_channel = channel.value
    login.code_device_id = device.id
    login.code_expires_at = min(now + ctx.policy.one_time_code_ttl, login.expires_at)
    login.challenge_expires_at = login.code_expires_at
    login.last_send_at = now
    assert device.phone is not None
    if channel is Channel.VOICE:
        text = one_time_codes.voice_script(code, ctx.policy.voice_code_repeats)
    else:
        text = one_time_codes.sms_text(code, ctx.policy.one_time_code_ttl)
    return PendingSend(login.id, channel, device.phone, text, counted)


def _issue_challenge(
    ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
) -> PendingSend | None:
    """The device's challenge for this login. Wrong responses keep counting across challenges:
    three in one login end it, however often the device is selected again."""
    device_spec = spec(device.kind)
    login.device_id = device.id
    login.state = Step.RESPOND.value
    if device_spec.challenge is ChallengeType.OCRA:
        assert device_spec.ocra_suite is not None
        digits = ocra.challenge_digits(device_spec.ocra_suite)
        login.challenge = _draw(
            lambda: ocra.new_numeric_challenge(digits), _used_challenges(s, device)
        )
        login.challenge_expires_at = min(now + ctx.policy.challenge_ttl, login.expires_at)
    elif device_spec.challenge is ChallengeType.INDICES:
        card = accounts.device_card(ctx, device)
        used = [_parse_indices(key) for key in _used_challenges(s, device)]
        login.challenge = _indices_key(code_card.new_index_challenge(card.size, avoid=used))
        login.challenge_expires_at = min(now + ctx.policy.challenge_ttl, login.expires_at)
    elif device_spec.challenge is ChallengeType.OOB:
        login.challenge = None
        live = (
            login.code_device_id == device.id
            and login.code_digest is not None
            and login.code_expires_at is not None
            and login.code_expires_at > now
        )
        if not live:
            return _new_code(ctx, login, device, Channel.SMS, now)
        login.challenge_expires_at = login.code_expires_at
    else:
        login.challenge = None
        login.challenge_expires_at = login.expires_at
    return None


def _challenge_body(
    ctx: ServerContext, login: Login, device: Device, now: datetime
) -> ChallengeOut:
    kind = spec(device.kind).challenge
    if kind is ChallengeType.OCRA:
        return ChallengeOut(type=kind, code=login.challenge, expires_at=login.challenge_expires_at)
    if kind is ChallengeType.INDICES:
        assert login.challenge is not None
        return ChallengeOut(
            type=kind,
            indices=list(_parse_indices(login.challenge)),
            expires_at=login.challenge_expires_at,
        )
    if kind is ChallengeType.OOB:
        resend_after = _resend_wait(ctx, login, now)
        return ChallengeOut(
            type=kind,
            channel=Channel(login.code_channel or Channel.SMS.value),
            destination=one_time_codes.mask_phone(device.phone or ""),
            expires_at=login.challenge_expires_at,
            resend_after=resend_after,
        )
    return ChallengeOut(type=kind, expires_at=login.expires_at)


def _challenge_out(ctx: ServerContext, login: Login, device: Device, now: datetime) -> ChallengeOut:
    challenge = _challenge_body(ctx, login, device, now)
    if challenge.expires_at is not None:
        # Seconds rather than a time of day alone: a client whose clock is off still counts right.
        left = (challenge.expires_at - now).total_seconds()
        challenge.expires_in = max(0, math.ceil(left))
    return challenge


def _deliver(ctx: ServerContext, pending: PendingSend | None) -> None:
    """Send a code after commit; on failure take the send back so the user may ask again now."""
    if pending is None:
        return
    try:
        if pending.channel is Channel.VOICE:
            ctx.gateway.place_voice_call(pending.to, pending.text)
        else:
            ctx.gateway.send_sms(pending.to, pending.text)
    except GatewayError as exc:
        with ctx.db.transaction() as s:
            login = s.get(Login, pending.login_id, with_for_update=True)
            if login is not None:
                login.last_send_at = None
                login.code_digest = None
                if pending.counted:
                    login.resends = max(0, login.resends - 1)
        raise ApiError(ErrorCode.GATEWAY_UNAVAILABLE, str(exc)) from None


# --- step 2: open the login and pick a device -------------------------------------------------


def open_login(
    ctx: ServerContext, user_id: int, platform: Platform, source: str, now: datetime
) -> LoginStarted:
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
            for reason in (Usability.PORTAL_ONLY, Usability.LOCKED, Usability.EXPIRED):
                if reason in states.values():
                    raise unusable(reason)
            raise unusable(Usability.REVOKED)
        login = Login(
            id=secrets.token_urlsafe(LOGIN_ID_BYTES),
            user_id=user.id,
            platform=platform.value,
            source=source,
            state=Step.SELECT_DEVICE.value,
            created_at=now,
            expires_at=now + ctx.policy.login_transaction_ttl,
        )
        s.add(login)
        pending: PendingSend | None = None
        challenge: ChallengeOut | None = None
        if len(usable) == 1:
            pending = _issue_challenge(ctx, s, login, usable[0], now)
            challenge = _challenge_out(ctx, login, usable[0], now)
        s.flush()
        started = LoginStarted(
            login_id=login.id,
            expires_at=login.expires_at,
            devices=[_device_out(device) for device in usable],
            preferred_device_id=(
                user.preferred_device_id
                if user.preferred_device_id in {d.id for d in usable}
                else None
            ),
            step=Step(login.state),
            device_id=login.device_id,
            challenge=challenge,
        )
        if secrets.randbelow(PRUNE_EVERY) == 0:
            prune(s, ctx, now)
    _deliver(ctx, pending)
    return started


def _load_login(s: Session, login_id: str, now: datetime) -> tuple[Login | None, ApiError | None]:
    login = s.get(Login, login_id, with_for_update=True) if len(login_id) <= 64 else None
    if login is None or login.state in ("done", "failed"):
        return None, ApiError(ErrorCode.LOGIN_NOT_FOUND, LOGIN_NOT_FOUND)
    if now >= login.expires_at:
        login.state = "failed"
        return None, ApiError(
            ErrorCode.LOGIN_EXPIRED,
            "The login took too long and has expired. Start over from step 1.",
        )
    return login, None


def select_device(
    ctx: ServerContext, login_id: str, device_id: str, now: datetime
) -> ChallengeStep:
    """Pick (or switch to) one of the login's devices and get its challenge."""
    error: ApiError | None = None
    pending: PendingSend | None = None
    with ctx.db.transaction() as s:
        login, error = _load_login(s, login_id, now)
        if login is not None:
            device = s.get(Device, device_id)
            if device is None or device.user_id != login.user_id:
                raise ApiError(ErrorCode.DEVICE_NOT_FOUND, "That device is not one of yours.")
            state = usability(ctx, device, login.platform, now)
            if state is Usability.REVOKED:
                raise ApiError(ErrorCode.DEVICE_NOT_FOUND, "That device is not one of yours.")
            if state is not Usability.USABLE:
                raise unusable(state)
            pending = _issue_challenge(ctx, s, login, device, now)
            step = ChallengeStep(
                device_id=device.id, challenge=_challenge_out(ctx, login, device, now)
            )
    if error is not None:
        raise error
    _deliver(ctx, pending)
    return step


def resend(ctx: ServerContext, login_id: str, channel: Channel, now: datetime) -> ChallengeStep:
    """ "Request new code": a fresh code by SMS or by voice callback, within the send limits."""
    error: ApiError | None = None
    with ctx.db.transaction() as s:
        login, error = _load_login(s, login_id, now)
        if login is not None:
            device = s.get(Device, login.device_id) if login.device_id else None
            if device is None or login.state != Step.RESPOND.value:
                raise ApiError(ErrorCode.WRONG_STEP, "Select a security device first.")
            if spec(device.kind).challenge is not ChallengeType.OOB:
                raise ApiError(
                    ErrorCode.RESEND_NOT_AVAILABLE,
                    "Only SMS security codes can be requested again; this device shows its own.",
                )
            pending = _new_code(ctx, login, device, channel, now)
            step = ChallengeStep(
                device_id=device.id, challenge=_challenge_out(ctx, login, device, now)
            )
    if error is not None:
        raise error
    _deliver(ctx, pending)
    return step


# --- step 3: the response ---------------------------------------------------------------------


def _response_ok(ctx: ServerContext, login: Login, device: Device, response: str) -> bool:
    device_spec = spec(device.kind)
    if device_spec.challenge is ChallengeType.OCRA:
        assert device_spec.ocra_suite is not None
        assert login.challenge is not None
        return ocra.verify_response(
            device_spec.ocra_suite,
            accounts.device_secret(ctx, device),
            login.challenge,
            response,
            pin=accounts.device_pin(ctx, device),
        )
    if device_spec.challenge is ChallengeType.INDICES:
        assert login.challenge is not None
        return code_card.verify_card_response(
            accounts.device_card(ctx, device), _parse_indices(login.challenge), response
        )
    if device_spec.challenge is ChallengeType.OOB:
        assert login.code_digest is not None  # checked by the caller
        return one_time_codes.verify_code(ctx.code_key, login.id, response, login.code_digest)
    expected = accounts.device_secret(ctx, device).decode()
    given = accounts.passcode_digest(ctx, temporary.normalize_passcode(response))
    return hmac.compare_digest(expected, given)


def respond(ctx: ServerContext, login_id: str, response: str, now: datetime) -> LoginDone:
    """Check the response to the latest challenge; a session on success."""
    error: ApiError | None = None
    with ctx.db.transaction() as s:
        login, error = _load_login(s, login_id, now)
        if login is not None:
            error, done = _respond_in(ctx, s, login, response, now)
    if error is not None:
        raise error
    return done


def _respond_in(
    ctx: ServerContext, s: Session, login: Login, response: str, now: datetime
) -> tuple[ApiError | None, LoginDone]:
    # Locked: its failure count may be changed by another login of the same user at once.
    device = s.get(Device, login.device_id, with_for_update=True) if login.device_id else None
    if device is None or login.state != Step.RESPOND.value:
        raise ApiError(ErrorCode.WRONG_STEP, "Select a security device first.")
    user = s.get(User, login.user_id)
    assert user is not None
    state = usability(ctx, device, login.platform, now)
    if state is not Usability.USABLE:
        login.state = "failed"
        return unusable(state), _NOTHING
    device_spec = spec(device.kind)
    if login.challenge_expires_at is not None and now >= login.challenge_expires_at:
        if device_spec.challenge is ChallengeType.OOB:
            return ApiError(
                ErrorCode.CHALLENGE_EXPIRED,
                "The security code has expired. Request a new security code.",
            ), _NOTHING
        login.state = "failed"
        return ApiError(
            ErrorCode.CHALLENGE_EXPIRED,
            "The challenge has expired. Start over from step 1.",
        ), _NOTHING

    if device_spec.challenge is ChallengeType.OOB and login.code_digest is None:
        # The last send failed or was used up: nothing to answer yet, and no one is at fault.
        return ApiError(
            ErrorCode.CHALLENGE_EXPIRED, "No security code is waiting. Request a new security code."
        ), _NOTHING
    if not _response_ok(ctx, login, device, response):
        return _wrong_response(ctx, s, login, device, user, now), _NOTHING

    if login.challenge is not None:
        if s.get(UsedChallenge, (device.id, login.challenge)) is not None:
            login.state = "failed"
            return ApiError(
                ErrorCode.RESPONSE_REUSED,
                "That response was already used once. Start over from step 1.",
            ), _NOTHING
        s.add(UsedChallenge(device_id=device.id, challenge=login.challenge, used_at=now))
    login.code_digest = None
    login.state = "done"
    device.consecutive_failures = 0
    s.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    user.preferred_device_id = device.id
    scope = Scope.FULL
    not_after: datetime | None = None
    if device_spec.kind is DeviceKind.TEMPORARY:
        access = temporary.temporary_passcode_access(device.issued_at, now, ctx.policy)
        not_after = device.issued_at + ctx.policy.temporary_full_access
        if access is temporary.TemporaryAccess.PORTAL_PRINT_CARD:
            scope = Scope.PRINT_ONLINE_CARD
            not_after = device.issued_at + ctx.policy.temporary_portal_access
    elif device_spec.kind is DeviceKind.ONLINE_CARD:
        not_after = device.issued_at + ctx.policy.online_card_validity
    else:
        user.last_permanent_login_at = now
    token, row = sessions.create_session(
        s,
        user_id=user.id,
        device_id=device.id,
        scope=scope,
        platform=login.platform,
        now=now,
        policy=ctx.policy,
        not_after=not_after,
    )
    return None, LoginDone(session=SessionOut(token=token, expires_at=row.expires_at, scope=scope))


_NOTHING = LoginDone.model_construct()


def _wrong_response(
    ctx: ServerContext, s: Session, login: Login, device: Device, user: User, now: datetime
) -> ApiError:
    login.wrong_responses += 1
    device.consecutive_failures += 1
    if device.consecutive_failures >= ctx.policy.device_lock_failures:
        device.status = "locked"
        login.state = "failed"
        password_check.record_failure(s, ctx, user.username, login.source, now)
        return unusable(Usability.LOCKED)
    attempts_left = ctx.policy.max_wrong_responses - login.wrong_responses
    if attempts_left <= 0:
        login.state = "failed"
        password_check.record_failure(s, ctx, user.username, login.source, now)
        return ApiError(
            ErrorCode.CHALLENGE_FAILED,
            "Too many wrong responses. Start over from step 1.",
        )
    plural = "attempt" if attempts_left == 1 else "attempts"
    return ApiError(
        ErrorCode.WRONG_RESPONSE,
        f"The response is not correct. {attempts_left} {plural} left.",
        attempts_left=attempts_left,
    )


def prune(s: Session, ctx: ServerContext, now: datetime) -> None:
    """Forget what no rule needs any more: finished logins, challenges answered over a day ago
    (they may be issued again after that), failure counts past every wait, expired sessions."""
    horizon = now - max(ctx.policy.login_transaction_ttl, ctx.policy.lockout_window)
    s.execute(delete(Login).where(Login.expires_at < horizon))
    s.execute(delete(UsedChallenge).where(UsedChallenge.used_at < now - ctx.policy.lockout_window))
    forgotten = now - (ctx.policy.lockout_window + ctx.policy.lockout_duration)
    s.execute(
        delete(LoginFailure).where(
            (LoginFailure.consecutive == 0) | (LoginFailure.last_failure_at < forgotten)
        )
    )
    s.execute(
        delete(SourceFailure).where(
            (SourceFailure.failures == 0)
            | (SourceFailure.window_start < now - ctx.policy.source_window)
        )
    )
    sessions.prune(s, now)
