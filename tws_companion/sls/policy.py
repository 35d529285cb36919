"""Every number of the Secure Login System, as named defaults and one configurable policy.

The defaults are the rules of DESIGN.md section 3. A server (or a support scenario reproducing a
customer's setup) may override any of them through :class:`Policy`; nothing else in the code base
spells these numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

#: From the password step to the second-factor response.
LOGIN_TRANSACTION_TTL = timedelta(minutes=5)
#: How long an OCRA or code-card challenge may be answered.
CHALLENGE_TTL = timedelta(seconds=120)
#: Wrong responses that end a challenge ("start over from step 1").
MAX_WRONG_RESPONSES = 3

#: SMS and voice codes.
ONE_TIME_CODE_DIGITS = 6
ONE_TIME_CODE_TTL = timedelta(minutes=5)
RESEND_MIN_INTERVAL = timedelta(seconds=30)
RESEND_MAX_PER_LOGIN = 5
#: The voice call is placed within this time of the request ...
VOICE_CALL_WITHIN = timedelta(seconds=60)
#: ... and reads the code digit by digit this many times.
VOICE_CODE_REPEATS = 2

#: Consecutive failed logins after which the user must wait before trying again.
THROTTLE_AFTER_FAILURES = 3
#: The first wait; it doubles with each further failure, up to THROTTLE_MAX_WAIT.
THROTTLE_FIRST_WAIT = timedelta(seconds=60)
THROTTLE_MAX_WAIT = timedelta(minutes=30)
#: Consecutive failures within LOCKOUT_WINDOW that lock the account until LOCKOUT_DURATION after
#: the last one.
LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW = timedelta(hours=24)
LOCKOUT_DURATION = timedelta(hours=24)
#: The separate limit per source address: failures within the window, then a wait.
SOURCE_MAX_FAILURES = 50
SOURCE_WINDOW = timedelta(minutes=15)

#: Consecutive wrong responses after which a device is locked until support resets it.
DEVICE_LOCK_FAILURES = 10

#: Temporary passcode: every platform for 2 days, then Client Portal only (to print the Online
#: Security Code Card) until day 8.
TEMPORARY_FULL_ACCESS = timedelta(days=2)
TEMPORARY_PORTAL_ACCESS = timedelta(days=8)
TEMPORARY_PASSCODE_LENGTH = 8
#: The Online Security Code Card is valid for 21 days.
ONLINE_CARD_VALIDITY = timedelta(days=21)

#: Security Code Card: how many index numbers it has and how long each value is.
CODE_CARD_SIZE = 224
CODE_CARD_VALUE_LENGTH = 3
CODE_CARD_INDICES_PER_CHALLENGE = 2

#: The DSC+ PIN: exactly this many digits.
DSC_PLUS_PIN_DIGITS = 4
#: Wrong PINs in a row after which a DSC+ card locks itself (the card counts them, not the server).
DSC_PLUS_PIN_TRIES = 3
#: The IB Key (IBKR Mobile) PIN: letters, digits and symbols, chosen at activation.
IB_KEY_PIN_MIN_LENGTH = 4
IB_KEY_PIN_MAX_LENGTH = 6

#: OCRA devices (the suites of ``sls/devices.py`` are built from these, so they cannot disagree):
#: every response has this many digits ...
OCRA_RESPONSE_DIGITS = 8
#: ... and the numeric challenge this many: DSC+ (the seeds fix it), IB Key (RFC 6287's own
#: test-vector suite), and the legacy DSC and gold and platinum cards.
DSC_PLUS_CHALLENGE_DIGITS = 6
IB_KEY_CHALLENGE_DIGITS = 8
LEGACY_CHALLENGE_DIGITS = 6

#: Fewer digits than this are not a phone number (provisioning refuses it, masks hide it all).
MIN_PHONE_DIGITS = 7

#: Per user and per phone number, at most this many SMS or voice codes within the window,
#: whatever the logins.
SEND_MAX_PER_WINDOW = 10
SEND_WINDOW = timedelta(hours=24)

#: Sessions: 256-bit random tokens stored hashed.
SESSION_TOKEN_BYTES = 32
SESSION_TTL = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Policy:
    """The rules one server enforces; every field defaults to the constant of the same name."""

    login_transaction_ttl: timedelta = LOGIN_TRANSACTION_TTL
    challenge_ttl: timedelta = CHALLENGE_TTL
    max_wrong_responses: int = MAX_WRONG_RESPONSES
    one_time_code_digits: int = ONE_TIME_CODE_DIGITS
    one_time_code_ttl: timedelta = ONE_TIME_CODE_TTL
    resend_min_interval: timedelta = RESEND_MIN_INTERVAL
    resend_max_per_login: int = RESEND_MAX_PER_LOGIN
    send_max_per_window: int = SEND_MAX_PER_WINDOW
    send_window: timedelta = SEND_WINDOW
    voice_call_within: timedelta = VOICE_CALL_WITHIN
    voice_code_repeats: int = VOICE_CODE_REPEATS
    throttle_after_failures: int = THROTTLE_AFTER_FAILURES
    throttle_first_wait: timedelta = THROTTLE_FIRST_WAIT
    throttle_max_wait: timedelta = THROTTLE_MAX_WAIT
    lockout_failures: int = LOCKOUT_FAILURES
    lockout_window: timedelta = LOCKOUT_WINDOW
    lockout_duration: timedelta = LOCKOUT_DURATION
    source_max_failures: int = SOURCE_MAX_FAILURES
    source_window: timedelta = SOURCE_WINDOW
    device_lock_failures: int = DEVICE_LOCK_FAILURES
    temporary_full_access: timedelta = TEMPORARY_FULL_ACCESS
    temporary_portal_access: timedelta = TEMPORARY_PORTAL_ACCESS
    temporary_passcode_length: int = TEMPORARY_PASSCODE_LENGTH
    online_card_validity: timedelta = ONLINE_CARD_VALIDITY
    code_card_size: int = CODE_CARD_SIZE
    session_ttl: timedelta = SESSION_TTL

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(field.default, timedelta):
                if not isinstance(value, timedelta):
                    raise TypeError(f"policy {field.name} must be a timedelta")
                if value <= timedelta(0):
                    raise ValueError(f"policy {field.name} must be positive, not {value}")
            else:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise TypeError(f"policy {field.name} must be an int")
                if value < 1:
                    raise ValueError(f"policy {field.name} must be at least 1, not {value}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Policy:
        """Build a policy from a config mapping: durations in seconds, counts as integers.

        Unknown names raise ``ValueError`` naming them, so a typo in a scenario is not ignored.
        """
        known = {field.name: field for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(unknown)}")
        converted: dict[str, Any] = {}
        for name, raw in values.items():
            if isinstance(known[name].default, timedelta):
                if not isinstance(raw, int | float) or isinstance(raw, bool):
                    # A bad config file is a ValueError, whatever is wrong in it.
                    raise ValueError(f"policy {name} must be a number of seconds")  # noqa: TRY004
                try:
                    converted[name] = timedelta(seconds=raw)
                except (OverflowError, ValueError):  # inf, nan, beyond timedelta.max
                    raise ValueError(f"policy {name} must be a finite number of seconds") from None
            else:
                if not isinstance(raw, int) or isinstance(raw, bool):
                    raise ValueError(f"policy {name} must be a whole number")  # noqa: TRY004
                converted[name] = raw
        return cls(**converted)


#: The policy of DESIGN.md section 3, the default of every function that takes a policy.
DEFAULT_POLICY = Policy()
