"""The wire vocabulary of the HTTP API shared by the server and the client.

This package holds the names (enums, error codes and their HTTP statuses) in plain Python with no
third-party imports, so the GUI can import them before its first paint. The bodies live in its
submodules, on pydantic, and both sides import them: :mod:`.models` (every request and answer),
:mod:`.error_body` (the error answer, built and parsed there), :mod:`.fields` (the constrained
field types) and :mod:`.validation` (validation failures as messages that name a field, never its
value). Extending a vocabulary is fine; renaming a value breaks every client in the field.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypedDict

API_PREFIX = "/api/v1"

# --- settings on the server (``/me/settings``) -------------------------------------------------

#: The largest settings envelope the server keeps (``PUT /me/settings`` above it: 413).
SETTINGS_MAX_BYTES = 16 * 1024 * 1024
#: How many versions of a user's settings the server keeps: the current copy and the 19 before.
SETTINGS_VERSIONS_KEPT = 20
#: The longest machine name a save may carry (characters, once percent-decoded).
MACHINE_NAME_MAX_LENGTH = 64
#: The body of ``GET|PUT /me/settings``: the encrypted envelope, opaque to the server.
SETTINGS_MEDIA_TYPE = "application/octet-stream"
ETAG_HEADER = "ETag"
#: The number of the version a settings answer carries.
VERSION_HEADER = "X-Settings-Version"
#: When that version was saved (ISO 8601, UTC).
SAVED_AT_HEADER = "X-Settings-Saved-At"
#: The machine that saved it (percent-encoded UTF-8).
MACHINE_HEADER = "X-Settings-Machine"
#: The machine a ``PUT /me/settings`` comes from (percent-encoded UTF-8).
MACHINE_NAME_HEADER = "X-Machine-Name"


class Platform(StrEnum):
    """Where the user is logging in from (DESIGN.md section 5)."""

    TWS = "tws"
    PORTAL = "portal"
    MOBILE = "mobile"


class Step(StrEnum):
    """What the login transaction waits for next."""

    SELECT_DEVICE = "select_device"
    RESPOND = "respond"


class ChallengeType(StrEnum):
    OCRA = "ocra"
    INDICES = "indices"
    OOB = "oob"
    PASSCODE = "passcode"


class Channel(StrEnum):
    """How a one-time code reaches the user's phone."""

    SMS = "sms"
    VOICE = "voice"


class DeviceStatus(StrEnum):
    """Whether a security device may be used."""

    ACTIVE = "active"
    #: Too many wrong responses in a row; support resets it.
    LOCKED = "locked"
    #: Replaced or withdrawn; never usable again.
    REVOKED = "revoked"


class Scope(StrEnum):
    """What a session may do."""

    FULL = "full"
    #: A temporary passcode older than its full-access period: Client Portal only, and only to
    #: print the Online Security Code Card.
    PRINT_ONLINE_CARD = "print_online_card"


class ErrorCode(StrEnum):
    """Every ``error.code`` the server may answer with, and the HTTP status it goes with."""

    INVALID_REQUEST = "invalid_request"  # 400/422: malformed body, bad field
    INVALID_CREDENTIALS = "invalid_credentials"  # 401: wrong password or unknown user name
    LOGIN_THROTTLED = "login_throttled"  # 429: wait before re-login (error.retry_after)
    ACCOUNT_LOCKED = "account_locked"  # 423: too many failures in 24 h (error.retry_after)
    SOURCE_THROTTLED = "source_throttled"  # 429: too many failures from this address
    IP_RESTRICTED = "ip_restricted"  # 403: login from an address the user did not designate
    NO_ACTIVE_DEVICE = "no_active_device"  # 403: nothing left to answer a second factor with
    LOGIN_NOT_FOUND = "login_not_found"  # 404: unknown or finished login transaction
    LOGIN_EXPIRED = "login_expired"  # 410: the 5-minute login transaction ran out
    WRONG_STEP = "wrong_step"  # 409: e.g. respond before a device was selected
    DEVICE_NOT_FOUND = "device_not_found"  # 404: device id not offered in this login
    DEVICE_LOCKED = "device_locked"  # 423: the device failed too often; support must reset it
    DEVICE_EXPIRED = "device_expired"  # 403: temporary passcode or online card past validity
    PORTAL_ONLY = (
        "portal_only"  # 403: temporary passcode after 2 days on a platform other than portal
    )
    CHALLENGE_EXPIRED = "challenge_expired"  # 410: start over from step 1
    WRONG_RESPONSE = "wrong_response"  # 401: error.attempts_left more tries on this challenge
    CHALLENGE_FAILED = "challenge_failed"  # 401: third wrong response; start over from step 1
    RESPONSE_REUSED = "response_reused"  # 401: that response/code was already accepted once
    RESEND_NOT_AVAILABLE = "resend_not_available"  # 409: the selected device gets no codes
    RESEND_TOO_SOON = "resend_too_soon"  # 429: one send per 30 s (error.retry_after)
    RESEND_LIMIT = "resend_limit"  # 429: five sends per login
    DAILY_SEND_LIMIT = "daily_send_limit"  # 429: 10 codes per user or phone in 24 h (retry_after)
    GATEWAY_UNAVAILABLE = "gateway_unavailable"  # 502: SMS/voice provider failed; try again
    UNAUTHORIZED = "unauthorized"  # 401: missing, expired or revoked session token
    SCOPE_DENIED = "scope_denied"  # 403: the session's scope does not allow this
    NOT_FOUND = "not_found"  # 404: no such route or resource
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    PRECONDITION_FAILED = "precondition_failed"  # 412: If-Match does not match
    PRECONDITION_REQUIRED = "precondition_required"  # 428: If-Match missing
    PAYLOAD_TOO_LARGE = "payload_too_large"  # 413
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415
    INTERNAL_ERROR = "internal_error"  # 500: never expected; no details leak
    # identity checks, withdrawals, sharing
    APPROVAL_INVALID = "approval_invalid"  # 403: unknown approval, or another user's
    APPROVAL_USED = "approval_used"  # 409: the approval was already used once
    APPROVAL_EXPIRED = "approval_expired"  # 410: the approval's few minutes ran out
    APPROVAL_WRONG_PURPOSE = "approval_wrong_purpose"  # 403: approved for another task
    WITHDRAWAL_LIMIT = "withdrawal_limit"  # 403: above the device's limit (error.device_kinds)
    LESS_SECURE_DEVICE = "less_secure_device"  # 403: KB2481, share the most secure device
    DIFFERENT_IDENTIFICATION = "different_identification"  # 403: KB2481, not the same person
    TEMPORARY_DEVICE_ASSIGNED = "temporary_device_assigned"  # 403: KB2481, temporary device
    SHARE_NOT_NEEDED = "share_not_needed"  # 409: own device, or already shared or pending
    # PIN change, IB Key activation
    PIN_MISMATCH = "pin_mismatch"  # 409: the new PIN and its repetition differ
    INVALID_PIN = "invalid_pin"  # 422: the new PIN breaks the device kind's rule (sls.pins)
    WRONG_PIN = "wrong_pin"  # 401: the current PIN is not right (counts as a device failure)
    CHANGE_NOT_FOUND = "change_not_found"  # 404: unknown, finished or failed PIN change/activation
    PHONE_REQUIRED = "phone_required"  # 409: no mobile number on file for the SMS code


class ErrorNumbers(TypedDict, total=False):
    """The numbers an error answer may carry, each optional (keyword arguments of the server's
    and the client's error types)."""

    #: Seconds to wait (throttling, lockout, resend).
    retry_after: int | None
    #: Tries left on the current challenge; for a wrong password, failed logins before a wait.
    attempts_left: int | None
    #: For a wrong password: failed logins left before the account locks.
    attempts_before_lock: int | None


ERROR_STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID_REQUEST: 422,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.LOGIN_THROTTLED: 429,
    ErrorCode.ACCOUNT_LOCKED: 423,
    ErrorCode.SOURCE_THROTTLED: 429,
    ErrorCode.IP_RESTRICTED: 403,
    ErrorCode.NO_ACTIVE_DEVICE: 403,
    ErrorCode.LOGIN_NOT_FOUND: 404,
    ErrorCode.LOGIN_EXPIRED: 410,
    ErrorCode.WRONG_STEP: 409,
    ErrorCode.DEVICE_NOT_FOUND: 404,
    ErrorCode.DEVICE_LOCKED: 423,
    ErrorCode.DEVICE_EXPIRED: 403,
    ErrorCode.PORTAL_ONLY: 403,
    ErrorCode.CHALLENGE_EXPIRED: 410,
    ErrorCode.WRONG_RESPONSE: 401,
    ErrorCode.CHALLENGE_FAILED: 401,
    ErrorCode.RESPONSE_REUSED: 401,
    ErrorCode.RESEND_NOT_AVAILABLE: 409,
    ErrorCode.RESEND_TOO_SOON: 429,
    ErrorCode.RESEND_LIMIT: 429,
    ErrorCode.DAILY_SEND_LIMIT: 429,
    ErrorCode.GATEWAY_UNAVAILABLE: 502,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.SCOPE_DENIED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.PRECONDITION_FAILED: 412,
    ErrorCode.PRECONDITION_REQUIRED: 428,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.INTERNAL_ERROR: 500,
    # identity checks, withdrawals, sharing
    ErrorCode.APPROVAL_INVALID: 403,
    ErrorCode.APPROVAL_USED: 409,
    ErrorCode.APPROVAL_EXPIRED: 410,
    ErrorCode.APPROVAL_WRONG_PURPOSE: 403,
    ErrorCode.WITHDRAWAL_LIMIT: 403,
    ErrorCode.LESS_SECURE_DEVICE: 403,
    ErrorCode.DIFFERENT_IDENTIFICATION: 403,
    ErrorCode.TEMPORARY_DEVICE_ASSIGNED: 403,
    ErrorCode.SHARE_NOT_NEEDED: 409,
    # PIN change, IB Key activation
    ErrorCode.PIN_MISMATCH: 409,
    ErrorCode.INVALID_PIN: 422,
    ErrorCode.WRONG_PIN: 401,
    ErrorCode.CHANGE_NOT_FOUND: 404,
    ErrorCode.PHONE_REQUIRED: 409,
}
