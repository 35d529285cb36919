"""Temporary passcodes issued by support, and the Online Security Code Card's validity.

All datetimes must be timezone-aware; a naive one is a ``ValueError``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tws_companion.sls.durations import require_aware
from tws_companion.sls.policy import DEFAULT_POLICY, TEMPORARY_PASSCODE_LENGTH, Policy
from tws_companion.sls.randomness import UNAMBIGUOUS_ALPHABET, random_string
from tws_companion.sls.text_input import remove_whitespace

#: The characters of a temporary passcode: upper case, no 0/O or 1/I/L to misread on the phone.
PASSCODE_ALPHABET = UNAMBIGUOUS_ALPHABET


class TemporaryAccess(StrEnum):
    """What a temporary passcode still allows."""

    #: Every platform.
    FULL = "full"
    #: Client Portal only, and only to print the Online Security Code Card.
    PORTAL_PRINT_CARD = "portal_print_card"
    EXPIRED = "expired"


def new_temporary_passcode(length: int = TEMPORARY_PASSCODE_LENGTH) -> str:
    """A random upper-case passcode of ``length`` characters (``secrets``)."""
    return random_string(PASSCODE_ALPHABET, length)


def normalize_passcode(text: str) -> str:
    """The passcode as typed, without whitespace and in upper case."""
    return remove_whitespace(text).upper()


def temporary_passcode_access(
    issued_at: datetime, now: datetime, policy: Policy = DEFAULT_POLICY
) -> TemporaryAccess:
    """What a passcode issued at ``issued_at`` allows at ``now``.

    Full access before ``temporary_full_access`` has passed, then portal-only printing of the
    online card before ``temporary_portal_access``, then nothing. Each limit is exclusive: at
    exactly 2 days the passcode is portal-only, at exactly 8 days it is expired.
    """
    require_aware("issued_at", issued_at)
    require_aware("now", now)
    age = now - issued_at
    if age < policy.temporary_full_access:
        return TemporaryAccess.FULL
    if age < policy.temporary_portal_access:
        return TemporaryAccess.PORTAL_PRINT_CARD
    return TemporaryAccess.EXPIRED


def online_card_valid(issued_at: datetime, now: datetime, policy: Policy = DEFAULT_POLICY) -> bool:
    """Whether an Online Security Code Card issued at ``issued_at`` still works at ``now``."""
    require_aware("issued_at", issued_at)
    require_aware("now", now)
    return now - issued_at < policy.online_card_validity


def may_issue_temporary(
    last_temporary_issued_at: datetime | None, last_permanent_login_at: datetime | None
) -> bool:
    """Whether support may issue a temporary passcode now.

    Only if none was issued before, or the user has since logged in with a permanent device.
    """
    if last_temporary_issued_at is None:
        return True
    require_aware("last_temporary_issued_at", last_temporary_issued_at)
    if last_permanent_login_at is None:
        return False
    require_aware("last_permanent_login_at", last_permanent_login_at)
    return last_permanent_login_at > last_temporary_issued_at
