"""Typed errors of the API client.

Every error the client raises is a :class:`ClientError`. An error answered by the server is an
:class:`ApiError`, or rather the subclass registered for its :class:`ErrorCode` (one per code, in
:data:`ERROR_CLASSES`); transport failures have their own classes. Messages never carry a
password, a response, a code, a session token or a settings key, nor a response body.
"""

# The class names mirror the ErrorCode names (InvalidCredentials for invalid_credentials, ...).
# ruff: noqa: N818

from __future__ import annotations

from typing import Any, ClassVar, Unpack

from tws_companion.protocol import ErrorCode, ErrorNumbers


class ClientError(Exception):
    """Base of every error raised by :mod:`tws_companion.client`."""


class ApiError(ClientError):
    """The server answered with an error body ``{"error": {"code", "message", ...}}``.

    ``code`` is an :class:`ErrorCode` for every code this client knows; a code from a newer
    server is kept as the plain string (and the error is a plain :class:`ApiError`).
    """

    #: The code a subclass stands for; ``None`` on the plain :class:`ApiError`.
    error_code: ClassVar[ErrorCode | None] = None

    def __init__(
        self,
        code: ErrorCode | str,
        status: int,
        message: str,
        *,
        device_kinds: tuple[str, ...] = (),
        **numbers: Unpack[ErrorNumbers],
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.retry_after = numbers.get("retry_after")
        self.attempts_left = numbers.get("attempts_left")
        #: A wrong password: failed logins left before the account locks.
        self.attempts_before_lock = numbers.get("attempts_before_lock")
        #: ``withdrawal_limit``: the device kinds that could confirm the withdrawal.
        self.device_kinds = device_kinds

    def __init_subclass__(cls, *, code: ErrorCode | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            if code in ERROR_CLASSES:
                raise TypeError(f"{code!r} already has {ERROR_CLASSES[code].__name__}")
            cls.error_code = code
            ERROR_CLASSES[code] = cls

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extra = ""
        if self.retry_after is not None:
            extra += f", retry_after={self.retry_after}"
        if self.attempts_left is not None:
            extra += f", attempts_left={self.attempts_left}"
        if self.attempts_before_lock is not None:
            extra += f", attempts_before_lock={self.attempts_before_lock}"
        if self.device_kinds:
            extra += f", device_kinds={self.device_kinds!r}"
        return (
            f"{type(self).__name__}(code={str(self.code)!r}, status={self.status}, "
            f"message={self.message!r}{extra})"
        )

    @classmethod
    def create(
        cls,
        code: str,
        status: int,
        message: str,
        *,
        device_kinds: tuple[str, ...] = (),
        **numbers: Unpack[ErrorNumbers],
    ) -> ApiError:
        """The error of the class registered for ``code``; a plain ApiError for an unknown code."""
        try:
            known = ErrorCode(code)
        except ValueError:
            return ApiError(code, status, message, **numbers, device_kinds=device_kinds)
        return ERROR_CLASSES[known](known, status, message, **numbers, device_kinds=device_kinds)

    @classmethod
    def from_body(cls, status: int, body: object) -> ApiError:
        """Parse an error body; :class:`ProtocolError` when it is not one."""
        # Here, not at the top: the login window imports this module and paints before pydantic
        # (which these two need) is loaded.
        from tws_companion.protocol.error_body import parse_error_body
        from tws_companion.protocol.validation import WireFormatError

        try:
            error = parse_error_body(body)
        except WireFormatError as exc:
            raise ProtocolError(f"not an error answer ({exc})", status=status) from None
        return cls.create(
            error.code,
            status,
            error.message or f"The server refused the request ({error.code}).",
            retry_after=error.retry_after,
            attempts_left=error.attempts_left,
            attempts_before_lock=error.attempts_before_lock,
            device_kinds=error.device_kinds or (),
        )


#: The class of each error code, filled in by the subclasses below as they are defined.
ERROR_CLASSES: dict[ErrorCode, type[ApiError]] = {}


class InvalidRequest(ApiError, code=ErrorCode.INVALID_REQUEST):
    """Malformed body or bad field (a client bug, or a value the user typed)."""


class InvalidCredentials(ApiError, code=ErrorCode.INVALID_CREDENTIALS):
    """Wrong password or unknown user name."""


class LoginThrottled(ApiError, code=ErrorCode.LOGIN_THROTTLED):
    """Wait ``retry_after`` seconds before logging in again."""


class AccountLocked(ApiError, code=ErrorCode.ACCOUNT_LOCKED):
    """Too many failures in 24 hours; locked for ``retry_after`` seconds."""


class SourceThrottled(ApiError, code=ErrorCode.SOURCE_THROTTLED):
    """Too many failures from this address."""


class IpRestricted(ApiError, code=ErrorCode.IP_RESTRICTED):
    """The user allows logins only from designated addresses."""


class NoActiveDevice(ApiError, code=ErrorCode.NO_ACTIVE_DEVICE):
    """The user has no device left to answer a second factor with."""


class LoginNotFound(ApiError, code=ErrorCode.LOGIN_NOT_FOUND):
    """Unknown or finished login transaction."""


class LoginExpired(ApiError, code=ErrorCode.LOGIN_EXPIRED):
    """The login transaction ran out of time; start over."""


class WrongStep(ApiError, code=ErrorCode.WRONG_STEP):
    """The login transaction waits for something else."""


class DeviceNotFound(ApiError, code=ErrorCode.DEVICE_NOT_FOUND):
    """The device was not offered in this login."""


class DeviceLocked(ApiError, code=ErrorCode.DEVICE_LOCKED):
    """The device failed too often; support must reset it."""


class DeviceExpired(ApiError, code=ErrorCode.DEVICE_EXPIRED):
    """A temporary passcode or online card past its validity."""


class PortalOnly(ApiError, code=ErrorCode.PORTAL_ONLY):
    """A temporary passcode past its full-access period: Client Portal only."""


class ChallengeExpired(ApiError, code=ErrorCode.CHALLENGE_EXPIRED):
    """The challenge ran out of time; start over from step 1."""


class WrongResponse(ApiError, code=ErrorCode.WRONG_RESPONSE):
    """Wrong response; ``attempts_left`` more tries on this challenge."""


class ChallengeFailed(ApiError, code=ErrorCode.CHALLENGE_FAILED):
    """The last wrong response on this challenge; start over from step 1."""


class ResponseReused(ApiError, code=ErrorCode.RESPONSE_REUSED):
    """That response or code was already accepted once."""


class ResendNotAvailable(ApiError, code=ErrorCode.RESEND_NOT_AVAILABLE):
    """The selected device gets no codes by SMS or voice."""


class ResendTooSoon(ApiError, code=ErrorCode.RESEND_TOO_SOON):
    """Another code may be sent after ``retry_after`` seconds."""


class ResendLimit(ApiError, code=ErrorCode.RESEND_LIMIT):
    """No more codes for this login."""


class DailySendLimit(ApiError, code=ErrorCode.DAILY_SEND_LIMIT):
    """No more SMS or voice codes to this user or phone for now; ``retry_after`` seconds."""


class GatewayUnavailable(ApiError, code=ErrorCode.GATEWAY_UNAVAILABLE):
    """The SMS or voice provider failed; try again."""


class Unauthorized(ApiError, code=ErrorCode.UNAUTHORIZED):
    """Missing, expired or revoked session token."""


class ScopeDenied(ApiError, code=ErrorCode.SCOPE_DENIED):
    """The session's scope does not allow this."""


class NotFound(ApiError, code=ErrorCode.NOT_FOUND):
    """No such route or resource."""


class MethodNotAllowed(ApiError, code=ErrorCode.METHOD_NOT_ALLOWED):
    """The route exists but not with this method."""


class PreconditionFailed(ApiError, code=ErrorCode.PRECONDITION_FAILED):
    """If-Match does not match the server's copy."""


class PreconditionRequired(ApiError, code=ErrorCode.PRECONDITION_REQUIRED):
    """The request needs If-Match."""


class PayloadTooLarge(ApiError, code=ErrorCode.PAYLOAD_TOO_LARGE):
    """The request body is too large."""


class UnsupportedMediaType(ApiError, code=ErrorCode.UNSUPPORTED_MEDIA_TYPE):
    """The request body is not of a type the route accepts."""


class InternalError(ApiError, code=ErrorCode.INTERNAL_ERROR):
    """The server failed; it tells no details."""


# identity checks, withdrawals, sharing


class ApprovalInvalid(ApiError, code=ErrorCode.APPROVAL_INVALID):
    """The approval is unknown, or was given to another user: verify your identity again."""


class ApprovalUsed(ApiError, code=ErrorCode.APPROVAL_USED):
    """The approval was already used once: verify your identity again."""


class ApprovalExpired(ApiError, code=ErrorCode.APPROVAL_EXPIRED):
    """The approval's few minutes ran out: verify your identity again."""


class ApprovalWrongPurpose(ApiError, code=ErrorCode.APPROVAL_WRONG_PURPOSE):
    """The approval was given for another task."""


class WithdrawalLimit(ApiError, code=ErrorCode.WITHDRAWAL_LIMIT):
    """Above the limit of the device that confirmed it; ``device_kinds`` could confirm it."""


class LessSecureDevice(ApiError, code=ErrorCode.LESS_SECURE_DEVICE):
    """KB2481: a participant holds a more secure device; share that one."""


class DifferentIdentification(ApiError, code=ErrorCode.DIFFERENT_IDENTIFICATION):
    """KB2481: the users' identification data differ."""


class TemporaryDeviceAssigned(ApiError, code=ErrorCode.TEMPORARY_DEVICE_ASSIGNED):
    """KB2481: a participant holds a temporary device (temporary passcode, online card)."""


class ShareNotNeeded(ApiError, code=ErrorCode.SHARE_NOT_NEEDED):
    """The device is the requester's own, or is already shared with them or pending."""


# PIN change, IB Key activation


class PinMismatch(ApiError, code=ErrorCode.PIN_MISMATCH):
    """The new PIN and its repetition differ."""


class InvalidPin(ApiError, code=ErrorCode.INVALID_PIN):
    """The new PIN breaks the rule of its device kind (the message says the rule)."""


class WrongPin(ApiError, code=ErrorCode.WRONG_PIN):
    """The current PIN is not right; ``attempts_left`` failures before the device locks."""


class ChangeNotFound(ApiError, code=ErrorCode.CHANGE_NOT_FOUND):
    """Unknown, finished or failed PIN change or activation; start over."""


class PhoneRequired(ApiError, code=ErrorCode.PHONE_REQUIRED):
    """No mobile number is on file to send the SMS code to; call Client Services."""


class ServerUnreachable(ClientError):
    """No connection to the server: refused, host name not resolved, network down."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"Cannot reach the server at {url}: {reason}")
        self.url = url
        self.reason = reason


class ServerTimeout(ClientError):
    """The server did not connect or answer in time."""

    def __init__(self, url: str, *, connecting: bool = False) -> None:
        what = "accept the connection" if connecting else "answer"
        super().__init__(f"The server at {url} did not {what} in time.")
        self.url = url
        self.connecting = connecting


class TlsError(ClientError):
    """The TLS handshake with the server failed."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(self._describe(url, reason))
        self.url = url
        self.reason = reason

    @staticmethod
    def _describe(url: str, reason: str) -> str:
        return f"Secure connection to {url} failed: {reason}"


class CertificateError(TlsError):
    """The server's TLS certificate could not be verified."""

    @staticmethod
    def _describe(url: str, reason: str) -> str:
        return (
            f"The TLS certificate of the server at {url} could not be verified ({reason}); "
            "the connection was not trusted and nothing was sent."
        )


class InsecureTransport(ClientError):
    """Refusing to send a password over plain HTTP to a host that is not this machine."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"Refusing to send a password over plain HTTP to {url}: use an https:// address "
            "(plain http:// is only allowed to this machine: localhost, 127.0.0.1, ::1)."
        )
        self.url = url


class NotModified(ClientError):
    """``If-None-Match`` named the server's current copy of the settings (HTTP 304): this
    computer has it already, nothing was sent."""

    def __init__(self, etag: str) -> None:
        super().__init__("The settings on the server are the copy this computer already has.")
        self.etag = etag


class TransferInterrupted(ClientError):
    """The connection broke while the settings were being transferred."""

    def __init__(self, url: str, *, done: int, total: int) -> None:
        of = f" of {total:,}" if total else ""
        super().__init__(
            f"The connection to the server at {url} was lost during the transfer "
            f"({done:,}{of} bytes). Try again."
        )
        self.url = url
        self.done = done
        self.total = total


class SettingsTooLarge(ClientError):
    """The settings are larger than the server keeps; nothing was sent."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"The settings are too large to store on the server ({size:,} bytes; the server "
            f"keeps at most {limit:,} bytes). Remove some workspaces or notes, then try again."
        )
        self.size = size
        self.limit = limit


class ProtocolError(ClientError):
    """The server's answer is not JSON or not the expected shape (the body is never quoted)."""

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        where = f" (HTTP {status})" if status is not None else ""
        super().__init__(f"Unexpected answer from the server{where}: {detail}")
        self.detail = detail
        self.status = status
