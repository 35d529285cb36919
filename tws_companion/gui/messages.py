"""What the login dialog tells the user, in the user's language.

The server answers in English with a stable error code; the dialog shows its own translated
sentence for every code it knows and falls back to the server's words for a code it does not.
A failure that is not the server's answer (no connection, a certificate, plain HTTP, a garbled
answer) is described by the class of the client's error (:func:`describe_failure`). Also here:
waits spelled out with correct plurals (:func:`wait_text`) and the names of the device kinds
(:func:`device_kind_name`, :func:`device_choice_text`).

Counts use Qt's plural forms: ``translate(context, "%n second(s)", "", n)``; a translation has
its own forms, and the English source is made "1 second" or "2 seconds" by :func:`_plural`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication

from tws_companion.client.errors import CertificateError, InsecureTransport, ProtocolError, TlsError
from tws_companion.client.login_machine import Notice, NoticeKind
from tws_companion.gui.code_texts import QT_TRANSLATE_NOOP, CodeTexts
from tws_companion.protocol import ChallengeType, ErrorCode

if TYPE_CHECKING:  # a pydantic model: the login window paints before pydantic is loaded
    from tws_companion.client.models import Device

_MINUTE = 60
_HOUR = 3600


def _plural(text: str, count: int) -> str:
    """A translated ``"%n thing(s)"`` text for ``count``: a translation carries its own plural
    forms; the English source (no translation installed) becomes "1 thing" or "2 things"."""
    return text.replace("(s)", "" if count == 1 else "s")


def _hours(count: int) -> str:
    return _plural(QCoreApplication.translate("Messages", "%n hour(s)", "", count), count)


def _minutes(count: int) -> str:
    return _plural(QCoreApplication.translate("Messages", "%n minute(s)", "", count), count)


def _seconds(count: int) -> str:
    return _plural(QCoreApplication.translate("Messages", "%n second(s)", "", count), count)


def duration_text(seconds: int) -> str:
    """A wait in words, in the two largest units: "45 seconds", "1 minute and 5 seconds",
    "23 hours and 59 minutes" (from an hour on, minutes rounded up)."""
    seconds = max(0, seconds)
    if seconds >= _HOUR:
        hours, minutes = divmod(-(-seconds // _MINUTE), 60)
        parts = [_hours(hours)] + ([_minutes(minutes)] if minutes else [])
    else:
        minutes, rest = divmod(seconds, _MINUTE)
        parts = ([_minutes(minutes)] if minutes else []) + (
            [_seconds(rest)] if rest or not minutes else []
        )
    if len(parts) == 1:
        return parts[0]
    return QCoreApplication.translate("Messages", "{first} and {second}").format(
        first=parts[0], second=parts[1]
    )


def wait_text(seconds: int) -> str:
    """'Please wait 1 minute and 5 seconds' for the lockout countdown."""
    return QCoreApplication.translate("Messages", "Please wait {time}").format(
        time=duration_text(seconds)
    )


def device_kind_name(kind: str) -> str:
    """The name of a device kind (``sls.devices.DeviceKind``: ``dsc_plus``, ``ib_key``, ...) in
    the user's language; a kind this app does not know, as it is."""
    names = {
        "dsc_plus": QCoreApplication.translate("DeviceKinds", "Digital Security Card+"),
        "ib_key": QCoreApplication.translate("DeviceKinds", "IB Key"),
        "code_card": QCoreApplication.translate("DeviceKinds", "Security Code Card"),
        "sms": QCoreApplication.translate("DeviceKinds", "SMS"),
        "temporary": QCoreApplication.translate("DeviceKinds", "Temporary passcode"),
        "online_card": QCoreApplication.translate("DeviceKinds", "Online Security Code Card"),
        "dsc": QCoreApplication.translate("DeviceKinds", "Digital Security Card"),
        "gold": QCoreApplication.translate("DeviceKinds", "Gold Card"),
        "platinum": QCoreApplication.translate("DeviceKinds", "Platinum Card"),
    }
    return names.get(kind, kind)


def device_choice_text(device: Device, devices: Sequence[Device]) -> str:
    """How ``device`` is offered in the M2FS drop-down: the name of its kind, in the user's
    language; with the label it was given when another device of ``devices`` is of its kind."""
    name = device_kind_name(device.kind)
    same_kind = Counter(d.kind for d in devices)[device.kind]
    if same_kind > 1 and device.label and device.label != name:
        return QCoreApplication.translate("DeviceKinds", "{kind}: {label}").format(
            kind=name, label=device.label
        )
    return name


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


def describe(
    notice: Notice,
    challenge_type: ChallengeType | None = None,
    seconds_left: int | None = None,
) -> str:
    """``notice`` in the user's language; ``challenge_type`` is that of the challenge being
    answered, if any (an expired SMS or voice code leaves the login alive); ``seconds_left``,
    what is left of the wait the notice tells of (a new code asked for too early)."""
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
    if code is ErrorCode.INVALID_CREDENTIALS:
        return _wrong_password(notice)
    if code is ErrorCode.RESEND_TOO_SOON and seconds_left:
        return _plural(
            QCoreApplication.translate(
                "Messages",
                "Please wait %n second(s) before requesting a new code.",
                "",
                seconds_left,
            ),
            seconds_left,
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
    return _BY_CODE.text(code, notice.text)


def _wrong_password(notice: Notice) -> str:
    """A wrong password, one sentence a line: then how many failed logins are left before a
    wait and before the account locks, as far as the server told."""
    lines = [QCoreApplication.translate("Messages", "The user name or password is not correct.")]
    before_wait, before_lock = notice.attempts_left, notice.attempts_before_lock
    if before_lock == 0:
        lines.append(
            QCoreApplication.translate(
                "Messages",
                "The account is now locked: contact Client Services to unlock it sooner.",
            )
        )
        return "\n".join(lines)
    if before_wait:
        lines.append(
            _plural(
                QCoreApplication.translate(
                    "Messages", "%n attempt(s) left before a wait.", "", before_wait
                ),
                before_wait,
            )
        )
    if before_lock is not None:
        lines.append(
            _plural(
                QCoreApplication.translate(
                    "Messages", "%n attempt(s) left before the account locks.", "", before_lock
                ),
                before_lock,
            )
        )
    return "\n".join(lines)


#: The server's refusals of a login step, by code.
_BY_CODE = CodeTexts(
    "Messages",
    {
        ErrorCode.LOGIN_THROTTLED: QT_TRANSLATE_NOOP("Messages", "Too many failed login attempts."),
        ErrorCode.SOURCE_THROTTLED: QT_TRANSLATE_NOOP(
            "Messages", "Too many failed logins from this computer."
        ),
        ErrorCode.ACCOUNT_LOCKED: QT_TRANSLATE_NOOP(
            "Messages",
            "Too many failed login attempts: the account is locked. Contact Client Services "
            "to unlock it sooner.",
        ),
        ErrorCode.IP_RESTRICTED: QT_TRANSLATE_NOOP(
            "Messages",
            "IP restrictions are active on your account: logins are permitted only from the "
            "IP addresses you designated, and this computer is not one of them.",
        ),
        ErrorCode.NO_ACTIVE_DEVICE: QT_TRANSLATE_NOOP(
            "Messages", "You have no active security device. Contact Client Services."
        ),
        ErrorCode.LOGIN_EXPIRED: QT_TRANSLATE_NOOP(
            "Messages", "The login took too long and has expired. Start over from step 1."
        ),
        ErrorCode.LOGIN_NOT_FOUND: QT_TRANSLATE_NOOP(
            "Messages", "This login is over. Start over from step 1."
        ),
        ErrorCode.CHALLENGE_EXPIRED: QT_TRANSLATE_NOOP(
            "Messages", "The challenge has expired. Start over from step 1."
        ),
        ErrorCode.CHALLENGE_FAILED: QT_TRANSLATE_NOOP(
            "Messages", "Too many wrong responses. Start over from step 1."
        ),
        ErrorCode.RESPONSE_REUSED: QT_TRANSLATE_NOOP(
            "Messages", "That response was already used once. Start over from step 1."
        ),
        ErrorCode.DEVICE_LOCKED: QT_TRANSLATE_NOOP(
            "Messages",
            "This security device is locked after too many wrong responses. Contact Client "
            "Services to reset it.",
        ),
        ErrorCode.DEVICE_EXPIRED: QT_TRANSLATE_NOOP(
            "Messages", "Your temporary security device has expired. Contact Client Services."
        ),
        ErrorCode.PORTAL_ONLY: QT_TRANSLATE_NOOP(
            "Messages",
            "Your temporary passcode is more than 2 days old: it now opens Client Portal only, "
            "to print your Online Security Code Card.",
        ),
        ErrorCode.RESEND_TOO_SOON: QT_TRANSLATE_NOOP(
            "Messages", "Please wait a few seconds before requesting a new code."
        ),
        ErrorCode.RESEND_LIMIT: QT_TRANSLATE_NOOP(
            "Messages",
            "You have requested the maximum number of new codes. Start over from step 1.",
        ),
        ErrorCode.GATEWAY_UNAVAILABLE: QT_TRANSLATE_NOOP(
            "Messages", "The security code could not be sent. Try again, or choose another way."
        ),
        ErrorCode.SCOPE_DENIED: QT_TRANSLATE_NOOP("Messages", "This login does not allow that."),
    },
)
