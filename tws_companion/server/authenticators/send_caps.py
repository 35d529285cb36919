"""The caps on SMS and voice codes (DESIGN.md section 3): per user and per phone number, at most
``send_max_per_window`` sends within ``send_window``, whatever the logins, first codes and
"Request new code" alike.

Each send is a ``code_sends`` row holding an HMAC of the phone number's digits (never the
number), so two users sharing a phone share its cap. Counting and recording happen under locks
(the user's row; on PostgreSQL also a transaction-level advisory lock per phone number; SQLite's
IMMEDIATE write lock serialises every writer anyway), so parallel logins cannot all take the last
send.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from tws_companion.protocol import Channel, ErrorCode
from tws_companion.server.context import ServerContext
from tws_companion.server.db import CodeSend, User
from tws_companion.server.errors import ApiError
from tws_companion.sls import one_time_codes
from tws_companion.sls.durations import ceil_seconds, duration_text, wait_seconds

_MINUTE = 60


def phone_key(ctx: ServerContext, phone: str) -> str:
    """What stands for ``phone`` in ``code_sends``: HMAC-SHA256 (hex) of its digits under the
    server's phone-number key, so ``+1 555 555 0100`` and ``+15555550100`` are one number."""
    return hmac.new(
        ctx.phone_key, one_time_codes.phone_digits(phone).encode(), hashlib.sha256
    ).hexdigest()


def advisory_lock_id(key: str) -> int:
    """A stable signed 64-bit number for a phone key, for ``pg_advisory_xact_lock``."""
    return int.from_bytes(bytes.fromhex(key)[:8], "big", signed=True)


def _lock(s: Session, user_id: int, key: str) -> None:
    """Hold the user's row and the phone number until the transaction ends.

    The row lock is PostgreSQL's ``FOR NO KEY UPDATE``: it serialises the sends of one user, yet
    does not wait for the key-share locks that inserting a login (which references the user)
    takes, so two logins opened at once cannot deadlock on them.
    """
    s.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(func.pg_advisory_xact_lock(advisory_lock_id(key))))


def _wait(
    s: Session, ctx: ServerContext, which: ColumnElement[bool], now: datetime
) -> timedelta | None:
    """How long until one more send fits under the cap for the sends ``which`` selects
    (``None``: it fits now)."""
    window, cap = ctx.policy.send_window, ctx.policy.send_max_per_window
    sent = list(
        s.scalars(
            select(CodeSend.sent_at)
            .where(which, CodeSend.sent_at > now - window)
            .order_by(CodeSend.sent_at)
        )
    )
    if len(sent) < cap:
        return None
    # Once this one leaves the window, cap - 1 remain: room for one more.
    return sent[len(sent) - cap] + window - now


def limit_reached(ctx: ServerContext, wait: timedelta) -> ApiError:
    """The refusal of a send over the cap, with the time until one fits again."""
    minutes = math.ceil(ceil_seconds(wait) / _MINUTE)
    return ApiError(
        ErrorCode.DAILY_SEND_LIMIT,
        f"You have reached the limit of {ctx.policy.send_max_per_window} security codes in "
        f"{duration_text(ceil_seconds(ctx.policy.send_window))}. Please try again in "
        f"{duration_text(max(1, minutes) * _MINUTE)}, or use another security device.",
        retry_after=wait_seconds(wait),
    )


def record_send(
    s: Session, ctx: ServerContext, user_id: int, phone: str, channel: Channel, now: datetime
) -> CodeSend:
    """Count a send to ``phone`` for ``user_id``, or refuse it (``daily_send_limit``) when the
    user or the phone number has had its share within the window."""
    key = phone_key(ctx, phone)
    _lock(s, user_id, key)
    waits = [
        wait
        for wait in (
            _wait(s, ctx, CodeSend.user_id == user_id, now),
            _wait(s, ctx, CodeSend.phone_key == key, now),
        )
        if wait is not None
    ]
    if waits:
        raise limit_reached(ctx, max(waits))
    send = CodeSend(user_id=user_id, phone_key=key, channel=channel.value, sent_at=now)
    s.add(send)
    s.flush()
    return send


def take_back(s: Session, send_id: int) -> None:
    """Forget a send the gateway could not deliver: it uses up no one's cap."""
    s.execute(delete(CodeSend).where(CodeSend.id == send_id))


def prune_sends(s: Session, ctx: ServerContext, now: datetime) -> None:
    """Forget sends that left the window."""
    s.execute(delete(CodeSend).where(CodeSend.sent_at <= now - ctx.policy.send_window))
