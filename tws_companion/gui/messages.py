"""What the login dialog tells the user, in the user's language.

The server answers in English with a stable error code; the dialog shows its own translated
sentence for every code it knows and falls back to the server's words for a code it does not.
A failure that is not the server's answer (no connection, a certificate, plain HTTP, a garbled
answer) is described by the class of the client's error (:func:`describe_failure`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication

from tws_companion.client.errors import CertificateError, InsecureTransport, ProtocolError, TlsError
from tws_companion.client.login_machine import Notice, NoticeKind
from tws_companion.protocol import ChallengeType, ErrorCode


def wait_text(seconds: int) -> str:
    """'Please wait N minutes & S seconds' for the lockout countdown."""
    minutes, rest = divmod(max(0, seconds), 60)
    if minutes == 1:
        text = QCoreApplication.translate("Messages", "Please wait 1 minute & {seconds} seconds")
    elif minutes:
        text = QCoreApplication.translate(
            "Messages", "Please wait {minutes} minutes & {seconds} seconds"
        )
    else:
        text = QCoreApplication.translate("Messages", "Please wait {seconds} seconds")
    return text.format(minutes=minutes, seconds=rest)


def countdown_text(seconds: int) -> str:
    """m:ss for a challenge or call countdown."""
    minutes, rest = divmod(max(0, seconds), 60)
    return f"{minutes}:{rest:02d}"


def describe_failure(error: Exception) -> str:
    """A failure without an answer from the server, by the class of the client's error: no
    connection or no answer in time, an untrusted certificate, plain HTTP to another machine, or
    an answer this app does not understand."""
    if isinstance(error, CertificateError):
        return QCoreApplication.translate(
            "Messages",
            "The server's certificate could not be verified, so the connection is not trusted. "
            "Nothing was sent.",
        )
    if isinstance(error, TlsError):
        return QCoreApplication.translate(
            "Messages", "A secure connection to the server could not be established."
        )
    if isinstance(error, InsecureTransport):
        host = urlsplit(error.url).hostname or error.url
        return QCoreApplication.translate(
            "Messages",
            "Refusing to send your password over an unencrypted connection to {host}. Use an "
            "https:// server address.",
        ).format(host=host)
    if isinstance(error, ProtocolError):
        return QCoreApplication.translate(
            "Messages", "The server gave an answer this app does not understand."
        )
    return _unreachable()


def _unreachable() -> str:
    return QCoreApplication.translate(
        "Messages", "The server cannot be reached. Check your connection and try again."
    )


def describe(notice: Notice, challenge_type: ChallengeType | None = None) -> str:
    """``notice`` in the user's language; ``challenge_type`` is that of the challenge being
    answered, if any (an expired SMS or voice code leaves the login alive)."""
    if notice.kind is NoticeKind.UNREACHABLE:
        return _unreachable()
    if notice.kind is NoticeKind.CODE_SENT:
        return QCoreApplication.translate("Messages", "A new security code has been sent by SMS.")
    if notice.kind is NoticeKind.VOICE_CALL_COMING:
        return QCoreApplication.translate(
            "Messages",
            "You will receive a call within one minute. Wait for the call and be ready to "
            "write down the code it gives you.",
        )
    code = notice.code
    if code is ErrorCode.CHALLENGE_EXPIRED and challenge_type is ChallengeType.OOB:
        return QCoreApplication.translate(
            "Messages", "The security code has expired. Request a new security code."
        )
    if code is ErrorCode.WRONG_RESPONSE:
        left = notice.attempts_left or 0
        if left == 1:
            return QCoreApplication.translate(
                "Messages", "The response is not correct. 1 attempt left."
            )
        return QCoreApplication.translate(
            "Messages", "The response is not correct. {left} attempts left."
        ).format(left=left)
    known = _by_code().get(code) if code is not None else None
    return known if known is not None else notice.text


def _by_code() -> dict[ErrorCode, str]:
    return {
        ErrorCode.INVALID_CREDENTIALS: QCoreApplication.translate(
            "Messages", "The user name or password is not correct."
        ),
        ErrorCode.LOGIN_THROTTLED: QCoreApplication.translate(
            "Messages", "Too many failed login attempts."
        ),
        ErrorCode.SOURCE_THROTTLED: QCoreApplication.translate(
            "Messages", "Too many failed logins from this computer."
        ),
        ErrorCode.ACCOUNT_LOCKED: QCoreApplication.translate(
            "Messages",
            "Too many failed login attempts: the account is locked. Contact Client Services "
            "to unlock it sooner.",
        ),
        ErrorCode.IP_RESTRICTED: QCoreApplication.translate(
            "Messages",
            "IP restrictions are active on your account: logins are permitted only from the "
            "IP addresses you designated, and this computer is not one of them.",
        ),
        ErrorCode.NO_ACTIVE_DEVICE: QCoreApplication.translate(
            "Messages", "You have no active security device. Contact Client Services."
        ),
        ErrorCode.LOGIN_EXPIRED: QCoreApplication.translate(
            "Messages", "The login took too long and has expired. Start over from step 1."
        ),
        ErrorCode.LOGIN_NOT_FOUND: QCoreApplication.translate(
            "Messages", "This login is over. Start over from step 1."
        ),
        ErrorCode.CHALLENGE_EXPIRED: QCoreApplication.translate(
            "Messages", "The challenge has expired. Start over from step 1."
        ),
        ErrorCode.CHALLENGE_FAILED: QCoreApplication.translate(
            "Messages", "Too many wrong responses. Start over from step 1."
        ),
        ErrorCode.RESPONSE_REUSED: QCoreApplication.translate(
            "Messages", "That response was already used once. Start over from step 1."
        ),
        ErrorCode.DEVICE_LOCKED: QCoreApplication.translate(
            "Messages",
            "This security device is locked after too many wrong responses. Contact Client "
            "Services to reset it.",
        ),
        ErrorCode.DEVICE_EXPIRED: QCoreApplication.translate(
            "Messages", "Your temporary security device has expired. Contact Client Services."
        ),
        ErrorCode.PORTAL_ONLY: QCoreApplication.translate(
            "Messages",
            "Your temporary passcode is more than 2 days old: it now opens Client Portal only, "
            "to print your Online Security Code Card.",
        ),
        ErrorCode.RESEND_TOO_SOON: QCoreApplication.translate(
            "Messages", "Please wait a few seconds before requesting a new code."
        ),
        ErrorCode.RESEND_LIMIT: QCoreApplication.translate(
            "Messages",
            "You have requested the maximum number of new codes. Start over from step 1.",
        ),
        ErrorCode.GATEWAY_UNAVAILABLE: QCoreApplication.translate(
            "Messages", "The security code could not be sent. Try again, or choose another way."
        ),
        ErrorCode.SCOPE_DENIED: QCoreApplication.translate(
            "Messages", "This login does not allow that."
        ),
    }
