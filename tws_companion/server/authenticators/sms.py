"""SMS codes: a 6-digit code sent to the phone (and "Request new code" by SMS or by voice
callback), stored only as an HMAC bound to its login, valid ``one_time_code_ttl`` and used once.

Codes are sent after the step's transaction has committed (a gateway may be slow and must not
hold the database); a failed send is taken back, so the user may ask again at once and it uses up
none of the limits. The codes that confirm a device change (:mod:`..device_changes`) are made and
delivered the same way (:func:`new_code`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from tws_companion.protocol import ChallengeType, Channel, ErrorCode
from tws_companion.protocol.models import Challenge
from tws_companion.server.account_errors import AccountError
from tws_companion.server.authenticators import send_caps
from tws_companion.server.authenticators.base import (
    Authenticator,
    Enrolled,
    Enrolment,
    PendingDelivery,
)
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, Login, User
from tws_companion.server.errors import ApiError
from tws_companion.server.gateways.base import GatewayError
from tws_companion.sls import one_time_codes
from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.durations import ceil_seconds, plural
from tws_companion.sls.policy import MIN_PHONE_DIGITS
from tws_companion.storage.outbox import SecurityCode


@dataclass(frozen=True, slots=True)
class CodeDelivery:
    """A new one-time code, counted against the caps, to deliver once the step's transaction has
    committed (a login's code, or the code that confirms a device change)."""

    channel: Channel
    to: str
    text: str
    #: The ``code_sends`` row that counts it against the caps (taken back if the send fails).
    send_id: int
    #: What ``text`` holds, for a gateway that words it otherwise (the development phone).
    security_code: SecurityCode
    #: Forgets what the code changed, should the send fail (in the transaction that takes back
    #: its count).
    take_back: Callable[[Session], None]

    def __repr__(self) -> str:
        return f"CodeDelivery(channel={self.channel.value!r})"

    def deliver(self, ctx: ServerContext) -> None:
        """Hand it to the gateway. If that fails, take it back (what it changed and its count
        against the caps, in one transaction) and refuse with ``gateway_unavailable``."""
        try:
            if self.channel is Channel.VOICE:
                ctx.gateway.place_voice_call(self.to, self.text, security_code=self.security_code)
            else:
                ctx.gateway.send_sms(self.to, self.text, security_code=self.security_code)
        except GatewayError as exc:
            with ctx.db.transaction() as s:
                self.take_back(s)
                send_caps.take_back(s, self.send_id)
            raise ApiError(ErrorCode.GATEWAY_UNAVAILABLE, str(exc)) from None


def new_code(
    ctx: ServerContext,
    s: Session,
    user_id: int,
    phone: str,
    channel: Channel,
    now: datetime,
    *,
    bound_to: str,
    take_back: Callable[[Session], None],
) -> tuple[str, CodeDelivery]:
    """A new one-time code to ``phone`` by ``channel``, counted against the caps of ``user_id``
    and of the phone (``daily_send_limit`` over them): its HMAC bound to ``bound_to`` (what it
    answers), and its delivery (``take_back`` forgets what the code changed if the send fails).
    """
    send = send_caps.record_send(s, ctx, user_id, phone, channel, now)
    code = one_time_codes.new_code(ctx.policy.one_time_code_digits)
    digest = one_time_codes.code_digest(ctx.code_key, bound_to, code)
    if channel is Channel.VOICE:
        repeats = ctx.policy.voice_code_repeats
        text = one_time_codes.voice_script(code, repeats)
        held = SecurityCode(code, repeats=repeats)
    else:
        ttl = ctx.policy.one_time_code_ttl
        text = one_time_codes.sms_text(code, ttl)
        held = SecurityCode(code, valid_seconds=ceil_seconds(ttl))
    return digest, CodeDelivery(channel, phone, text, send.id, held, take_back)


def _take_back_login_code(login_id: str, counted: bool, s: Session) -> None:
    """A login's code that could not be sent: none is waiting, and a new-code request it
    counted is given back."""
    login = s.get(Login, login_id, with_for_update=True)
    if login is not None:
        login.last_send_at = None
        login.code_digest = None
        if counted:
            login.resends = max(0, login.resends - 1)


def resend_wait(ctx: ServerContext, login: Login, now: datetime) -> int:
    """Whole seconds until another code may be sent for this login (0: now)."""
    if login.last_send_at is None:
        return 0
    return max(0, ceil_seconds(login.last_send_at + ctx.policy.resend_min_interval - now))


def _check_new_code_allowed(ctx: ServerContext, login: Login, now: datetime) -> None:
    """A code after the first of a login: at most one per 30 s and 5 per login, however it is
    asked for (Request new code, or selecting the SMS device again)."""
    if login.resends >= ctx.policy.resend_max_per_login:
        raise ApiError(
            ErrorCode.RESEND_LIMIT,
            "You have requested the maximum number of new codes for this login. "
            "Start over from step 1.",
        )
    wait = resend_wait(ctx, login, now)
    if wait > 0:
        raise ApiError(
            ErrorCode.RESEND_TOO_SOON,
            f"Please wait {plural(wait, 'second')} before requesting a new code.",
            retry_after=wait,
        )


class SmsDevice(Authenticator):
    """The device holds the phone number; the login holds the latest code's HMAC."""

    def __init__(self) -> None:
        super().__init__(DeviceKind.SMS)

    def enroll(
        self, ctx: ServerContext, device: Device, user: User, enrolment: Enrolment
    ) -> Enrolled:
        phone = enrolment.phone or user.phone
        if not phone:
            raise AccountError("an SMS device needs a phone number (the user has none)")
        if len(one_time_codes.phone_digits(phone)) < MIN_PHONE_DIGITS:
            raise AccountError(f"a phone number needs at least {MIN_PHONE_DIGITS} digits")
        device.phone = phone
        return Enrolled()

    def new_challenge(
        self, ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
    ) -> PendingDelivery | None:
        login.challenge = None
        live = (
            login.code_device_id == device.id
            and login.code_digest is not None
            and login.code_expires_at is not None
            and login.code_expires_at > now
        )
        if live:  # switching back to SMS: the code on its way still counts
            login.challenge_expires_at = login.code_expires_at
            return None
        return self.resend(ctx, s, login, device, Channel.SMS, now)

    def resend(
        self,
        ctx: ServerContext,
        s: Session,
        login: Login,
        device: Device,
        channel: Channel,
        now: datetime,
    ) -> CodeDelivery:
        """A new code by ``channel``, within the limits of the login and the caps."""
        assert device.phone is not None  # enroll refuses an SMS device without one
        counted = login.last_send_at is not None  # the first code of a login is not a resend
        if counted:
            _check_new_code_allowed(ctx, login, now)
            login.resends += 1
        take_back = partial(_take_back_login_code, login.id, counted)
        login.code_digest, delivery = new_code(
            ctx,
            s,
            login.user_id,
            device.phone,
            channel,
            now,
            bound_to=login.id,
            take_back=take_back,
        )
        login.code_channel = channel.value
        login.code_device_id = device.id
        login.code_expires_at = min(now + ctx.policy.one_time_code_ttl, login.expires_at)
        login.challenge_expires_at = login.code_expires_at
        login.last_send_at = now
        return delivery

    def challenge_out(
        self, ctx: ServerContext, login: Login, device: Device, now: datetime
    ) -> Challenge:
        return Challenge(
            type=ChallengeType.OOB,
            channel=Channel(login.code_channel or Channel.SMS.value),
            destination=one_time_codes.mask_phone(device.phone or ""),
            expires_at=login.challenge_expires_at,
            resend_after=resend_wait(ctx, login, now),
        )

    def check_answerable(self, login: Login, now: datetime) -> None:
        # The user asks for a new code; nothing is counted and the login goes on.
        if login.challenge_expires_at is not None and now >= login.challenge_expires_at:
            raise ApiError(
                ErrorCode.CHALLENGE_EXPIRED,
                "The security code has expired. Request a new security code.",
            )
        if login.code_digest is None:
            # The last send failed or was used up: nothing to answer yet, and no one is at fault.
            raise ApiError(
                ErrorCode.CHALLENGE_EXPIRED,
                "No security code is waiting. Request a new security code.",
            )

    def verify(self, ctx: ServerContext, login: Login, device: Device, response: str) -> bool:
        assert login.code_digest is not None  # check_answerable refuses a login without one
        return one_time_codes.verify_code(ctx.code_key, login.id, response, login.code_digest)
