"""SMS codes: a 6-digit code sent to the phone (and "Request new code" by SMS or by voice
callback), stored only as an HMAC bound to its login, valid ``one_time_code_ttl`` and used once.

Codes are sent after the step's transaction has committed (a gateway may be slow and must not
hold the database); a failed send is taken back, so the user may ask again at once and it uses up
none of the limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
    """A one-time code to deliver once the transaction has committed."""

    login_id: str
    channel: Channel
    to: str
    text: str
    #: Whether it counted as a new-code request of the login (taken back if the send fails).
    counted: bool
    #: The ``code_sends`` row that counts it against the caps (taken back if the send fails).
    send_id: int
    #: What ``text`` holds, for a gateway that words it otherwise (the development phone).
    security_code: SecurityCode

    def __repr__(self) -> str:
        return f"CodeDelivery(login_id={self.login_id!r}, channel={self.channel.value!r})"

    def deliver(self, ctx: ServerContext) -> None:
        try:
            if self.channel is Channel.VOICE:
                ctx.gateway.place_voice_call(self.to, self.text, security_code=self.security_code)
            else:
                ctx.gateway.send_sms(self.to, self.text, security_code=self.security_code)
        except GatewayError as exc:
            self._take_back(ctx)
            raise ApiError(ErrorCode.GATEWAY_UNAVAILABLE, str(exc)) from None

    def _take_back(self, ctx: ServerContext) -> None:
        with ctx.db.transaction() as s:
            login = s.get(Login, self.login_id, with_for_update=True)
            if login is not None:
                login.last_send_at = None
                login.code_digest = None
                if self.counted:
                    login.resends = max(0, login.resends - 1)
            send_caps.take_back(s, self.send_id)


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
        send = send_caps.record_send(s, ctx, login.user_id, device.phone, channel, now)
        code = one_time_codes.new_code(ctx.policy.one_time_code_digits)
        login.code_digest = one_time_codes.code_digest(ctx.code_key, login.id, code)
        login.code_channel = channel.value
        login.code_device_id = device.id
        login.code_expires_at = min(now + ctx.policy.one_time_code_ttl, login.expires_at)
        login.challenge_expires_at = login.code_expires_at
        login.last_send_at = now
        if channel is Channel.VOICE:
            repeats = ctx.policy.voice_code_repeats
            text = one_time_codes.voice_script(code, repeats)
            held = SecurityCode(code, repeats=repeats)
        else:
            ttl = ctx.policy.one_time_code_ttl
            text = one_time_codes.sms_text(code, ttl)
            held = SecurityCode(code, valid_seconds=ceil_seconds(ttl))
        return CodeDelivery(login.id, channel, device.phone, text, counted, send.id, held)

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
