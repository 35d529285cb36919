"""The wire models of the security centre (issue 11): identity checks, withdrawals, device sharing.

- ``POST /verify`` (:class:`VerifyRequest`) answers like ``POST /login`` (``LoginStart``);
  ``POST /verify/{id}/device`` like ``/login/{id}/device`` (``ChallengeStep``);
  ``POST /verify/{id}/respond`` gives a :class:`VerifyDone`: an :class:`Approval`, a short-lived
  token valid once, for its :class:`Purpose` only.
- ``POST /withdrawals`` (:class:`WithdrawalRequest`) → :class:`Withdrawal`;
  ``GET /me/withdrawals`` → :class:`Withdrawals`.
- ``POST /me/device-shares`` (:class:`DeviceShareRequest`) → :class:`DeviceShare`;
  ``GET /me/device-shares`` → :class:`DeviceShares`.

Amounts are USD with at most 2 decimal places: a JSON number or a decimal string in requests, a
decimal string (``"250000.00"``) in answers. Approval tokens stay out of ``repr``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from tws_companion.protocol.body_bases import AnswerBody, Credentials, RequestBody
from tws_companion.protocol.fields import (
    IDENTIFIER_PATTERN,
    Moment,
    Name,
)

#: The largest withdrawal a request may name (USD); above it the request is a 422.
MAX_WITHDRAWAL_USD = Decimal(10) ** 12
#: Longest approval token a request may carry (the server's are 43 characters).
APPROVAL_TOKEN_MAX_LENGTH = 64


class Purpose(StrEnum):
    """What an identity check approves."""

    WITHDRAWAL = "withdrawal"
    SHARE_DEVICE = "share_device"


class ShareStatus(StrEnum):
    """Where a device-sharing request stands."""

    #: Waiting for compliance approval (``admin approve-sharing``).
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


AmountUsd = Annotated[Decimal, Field(gt=0, le=MAX_WITHDRAWAL_USD, decimal_places=2)]
ApprovalToken = Annotated[
    str,
    Field(
        min_length=1,
        max_length=APPROVAL_TOKEN_MAX_LENGTH,
        pattern=IDENTIFIER_PATTERN,
        repr=False,
    ),
]


# --- requests ----------------------------------------------------------------------------------


class VerifyRequest(Credentials):
    """``POST /verify``: the user name and password of the user whose device will answer."""

    purpose: Purpose


class WithdrawalRequest(RequestBody):
    """``POST /withdrawals``: the amount, confirmed by an approval for ``withdrawal``."""

    amount_usd: AmountUsd
    approval: ApprovalToken


class DeviceShareRequest(RequestBody):
    """``POST /me/device-shares``: an approval for ``share_device`` given to the device owner."""

    approval: ApprovalToken


# --- answers -----------------------------------------------------------------------------------


class Approval(AnswerBody):
    """A completed identity check: valid once, for ``purpose`` only, until ``expires_at``."""

    token: Annotated[str, Field(min_length=1, repr=False)]
    expires_at: Moment
    device_kind: Name
    purpose: Purpose


class VerifyDone(AnswerBody):
    """``POST /verify/{id}/respond``."""

    approval: Approval


class Withdrawal(AnswerBody):
    """A withdrawal accepted (``POST /withdrawals``, 201), or one listed."""

    withdrawal_id: Annotated[int, Field(ge=1)]
    amount_usd: Decimal
    #: The kind of the device that confirmed it.
    device_kind: Name
    created_at: Moment


class Withdrawals(AnswerBody):
    """``GET /me/withdrawals``: the user's withdrawals, newest first."""

    withdrawals: tuple[Withdrawal, ...]


class DeviceShare(AnswerBody):
    """A device-sharing request of the session's user (the requester)."""

    share_id: Annotated[int, Field(ge=1)]
    status: ShareStatus
    device_id: Name
    device_kind: Name
    device_label: str
    #: The user name of the device's owner.
    owner: Name
    created_at: Moment
    decided_at: Moment | None = None


class DeviceShares(AnswerBody):
    """``GET /me/device-shares``: the user's requests, newest first."""

    shares: tuple[DeviceShare, ...]
