"""Withdrawals, each confirmed with an identity check, within the limits of the device that
answered it (DESIGN.md section 3, the M2FS withdrawal limits of the seed).

A withdrawal counts against two limits of that device's kind: per day (the server's calendar day,
UTC) and per 5 business days (the window that starts at midnight of the 4th business day,
Monday to Friday, before the current one, so it spans a weekend; on a Saturday or a Sunday the
window is the week's 5 business days and the weekend so far). The totals are the user's earlier
withdrawals, whatever device confirmed them, plus the new one. Above a limit the refusal names
the device kinds whose limits would allow it ("above 200,000 USD, confirm with DSC+").

A refused withdrawal leaves its approval unused (the refusal rolls back its transaction), so the
user may ask for a smaller amount within the approval's few minutes. Concurrent withdrawals of one
user are serialised on the user's row, so two cannot both pass the limit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tws_companion.protocol import ErrorCode, Scope
from tws_companion.protocol.security import Purpose, Withdrawal, Withdrawals
from tws_companion.server import accounts, identity_check, sessions
from tws_companion.server.context import ServerContext
from tws_companion.server.db import SessionToken, User
from tws_companion.server.db import Withdrawal as WithdrawalRow
from tws_companion.server.errors import ApiError
from tws_companion.sls.devices import DEVICE_SPECS, DeviceKind, WithdrawalLimit, spec

__all__ = [
    "BUSINESS_DAYS",
    "five_business_days_start",
    "list_withdrawals",
    "withdraw",
]

#: The second limit counts this many business days, the current one included.
BUSINESS_DAYS = 5
#: Monday to Friday (``date.weekday()``).
_WEEKEND = frozenset((5, 6))
CENTS = 100
NEEDS_FULL_SCOPE = "Log in with a permanent security device to withdraw funds."


def five_business_days_start(today: date) -> date:
    """The first day of the 5-business-day window that ``today`` ends."""
    day = today
    counted = 0 if today.weekday() in _WEEKEND else 1
    while counted < BUSINESS_DAYS:
        day -= timedelta(days=1)
        if day.weekday() not in _WEEKEND:
            counted += 1
    return day


def _midnight(day: date, moment: datetime) -> datetime:
    """The start of ``day`` in the time zone of ``moment`` (the server clock's, UTC)."""
    return datetime.combine(day, time(), tzinfo=moment.tzinfo)


def _usd(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _describe(limit: WithdrawalLimit) -> str:
    parts = []
    if limit.per_day is not None:
        parts.append(f"{_usd(limit.per_day)} USD a day")
    if limit.per_five_business_days is not None:
        parts.append(f"{_usd(limit.per_five_business_days)} USD in {BUSINESS_DAYS} business days")
    return " and ".join(parts) or "none"


def _confirming_kinds(s: Session, user: User, today: Decimal, window: Decimal) -> list[DeviceKind]:
    """The kinds whose limits allow these totals: those still issued, and the legacy kinds the
    user holds; the most secure first."""
    held = {device.kind for device in accounts.login_devices(s, user)}
    kinds = [
        kind
        for kind, device_spec in DEVICE_SPECS.items()
        if kind.value in identity_check.VERIFYING_KINDS
        and (device_spec.issued or kind.value in held)
        and device_spec.withdrawal_limit.allows(today, window)
    ]
    return sorted(kinds, key=lambda kind: -DEVICE_SPECS[kind].level)


def withdraw(
    ctx: ServerContext, row: SessionToken, amount_usd: Decimal, approval: str
) -> Withdrawal:
    """``POST /withdrawals``: the withdrawal, if the approval (for ``withdrawal``, given to the
    session's user) and its device's limits allow it."""
    if row.scope != Scope.FULL.value:
        raise ApiError(ErrorCode.SCOPE_DENIED, NEEDS_FULL_SCOPE)
    now = ctx.clock.now()
    cents = int(amount_usd * CENTS)
    with ctx.db.transaction() as s:
        row = sessions.live_session(s, row.token_hash, now, lock=True)
        user = s.get(User, row.user_id, with_for_update=True)
        if user is None:
            raise sessions.unauthorized()
        used = identity_check.use_approval(s, approval, Purpose.WITHDRAWAL, now, user_id=user.id)
        today = _total(s, user.id, _midnight(now.date(), now)) + cents
        window = _total(s, user.id, _midnight(five_business_days_start(now.date()), now)) + cents
        today_usd, window_usd = Decimal(today) / CENTS, Decimal(window) / CENTS
        limit = spec(used.device_kind).withdrawal_limit
        if not limit.allows(today_usd, window_usd):
            kinds = _confirming_kinds(s, user, today_usd, window_usd)
            names = ", ".join(spec(kind).name for kind in kinds)
            raise ApiError(
                ErrorCode.WITHDRAWAL_LIMIT,
                f"This withdrawal is above the limit of your "
                f"{spec(used.device_kind).name} ({_describe(limit)}). "
                f"Confirm it with: {names}.",
                device_kinds=tuple(kind.value for kind in kinds),
            )
        withdrawal = WithdrawalRow(
            user_id=user.id,
            amount_cents=cents,
            device_kind=used.device_kind,
            device_id=used.device_id,
            created_at=now,
        )
        s.add(withdrawal)
        s.flush()
        return _out(withdrawal)


def _total(s: Session, user_id: int, since: datetime) -> int:
    total = s.scalar(
        select(func.coalesce(func.sum(WithdrawalRow.amount_cents), 0)).where(
            WithdrawalRow.user_id == user_id, WithdrawalRow.created_at >= since
        )
    )
    return int(total or 0)


def _out(row: WithdrawalRow) -> Withdrawal:
    return Withdrawal(
        withdrawal_id=row.id,
        amount_usd=(Decimal(row.amount_cents) / CENTS).quantize(Decimal("0.01")),
        device_kind=row.device_kind,
        created_at=row.created_at,
    )


def list_withdrawals(ctx: ServerContext, row: SessionToken) -> Withdrawals:
    """``GET /me/withdrawals``: newest first."""
    with ctx.db.read() as s:
        rows = s.scalars(
            select(WithdrawalRow)
            .where(WithdrawalRow.user_id == row.user_id)
            .order_by(WithdrawalRow.created_at.desc(), WithdrawalRow.id.desc())
        )
        return Withdrawals(withdrawals=tuple(_out(withdrawal) for withdrawal in rows))
