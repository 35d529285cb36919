"""The outbox of the development SMS and voice gateways (DESIGN.md section 5).

``<data-dir>/outbox/`` holds one JSON file per message::

    {"channel": "sms" | "voice", "to": "+15551234567", "text": "...",
     "created_at": "2025-01-31T12:00:00.123456+00:00", "audio": "<name>.wav",
     "kind": "security_code", "code": "123456", "valid_seconds": 300, "repeats": 2}

``audio`` is present for voice messages only: the name of a WAV file in the same folder, spoken by
espeak-ng. ``text`` is the message as sent, in English. A message carrying a one-time security code
also says so (``kind``, :data:`SECURITY_CODE_KIND`) with what it holds (:class:`SecurityCode`):
``code``, and ``valid_seconds`` (an SMS states how long the code is valid) or ``repeats`` (a call
reads it that many times), so a reader such as the GUI's phone window can word the message in the
user's language. A reader ignores fields it does not know. The development gateway writes the files
(:func:`write_message`); the GUI's phone window and the tests read them (:func:`read_messages`).

File names are ``<UTC timestamp>-<random hex>.json``, so they sort by creation time and never
collide. Each file is written atomically, and a voice message's WAV is in place before its JSON
appears, so a reader never sees a half-written message. The folder is owner-only (0700) and
every file in it 0600 (POSIX): each holds a one-time code.

The ``text`` and ``code`` of a message hold a one-time code: they are kept out of reprs, exception
messages and log records.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypeGuard

from tws_companion.protocol import Channel
from tws_companion.sls.text_input import is_ascii_digits
from tws_companion.storage.atomic import TEMP_SUFFIX, atomic_write_text
from tws_companion.storage.paths import ensure_private_dir

__all__ = [
    "MESSAGE_SUFFIX",
    "SECURITY_CODE_KIND",
    "OutboxMessage",
    "SecurityCode",
    "new_message_id",
    "read_messages",
    "write_message",
]

_log = logging.getLogger(__name__)

#: The channel names a message file may hold (the values of :class:`Channel`).
_CHANNEL_NAMES: Final = frozenset(channel.value for channel in Channel)

#: Suffix of a message file.
MESSAGE_SUFFIX: Final = ".json"

#: Files larger than this are not messages (guards the reader against a stray huge file).
_MAX_MESSAGE_BYTES: Final = 1 << 20

_MESSAGE_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")

#: The ``kind`` of a message that carries a one-time security code.
SECURITY_CODE_KIND: Final = "security_code"
#: The longest code a message may carry (digits).
_MAX_CODE_DIGITS: Final = 32


@dataclass(frozen=True)
class SecurityCode:
    """What a security-code message says, so a reader can word it in its own language.

    ``valid_seconds``: how long the code is valid, as an SMS says; ``repeats``: how many times a
    call reads it. ``code`` is a secret: it is left out of the repr. ``ValueError`` for a code that
    is not ASCII digits, or a count that is not a positive whole number.
    """

    code: str = field(repr=False)
    valid_seconds: int | None = None
    repeats: int | None = None

    def __post_init__(self) -> None:
        if not _is_code(self.code):
            raise ValueError(f"a security code is 1 to {_MAX_CODE_DIGITS} ASCII digits")
        for name in ("valid_seconds", "repeats"):
            value = getattr(self, name)
            if value is not None and not _is_positive_int(value):
                raise ValueError(f"{name} must be a positive whole number")


def _is_code(value: str) -> bool:
    return len(value) <= _MAX_CODE_DIGITS and is_ascii_digits(value)


def _is_positive_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@dataclass(frozen=True)
class OutboxMessage:
    """One message of the outbox. Its repr leaves out ``text``, which holds a one-time code.

    ``security_code`` is what a security-code message holds (None for any other message, or one
    written before the outbox said so).
    """

    channel: Channel
    to: str
    text: str = field(repr=False)
    created_at: datetime
    audio: Path | None
    path: Path
    security_code: SecurityCode | None = None

    @property
    def message_id(self) -> str:
        """The file name without its suffix; a voice message's WAV is named after it."""
        return self.path.stem


def _require_aware_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


def new_message_id(now: datetime | None = None) -> str:
    """A fresh message id: a UTC timestamp that sorts by time, then a random suffix.

    For example ``20250131T120000.123456Z-9f86d081``.
    """
    moment = datetime.now(UTC) if now is None else _require_aware_utc(now, "now")
    return f"{moment:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(4)}"


def _check_plain_name(value: str, what: str) -> None:
    if (
        not _MESSAGE_ID_RE.fullmatch(value)
        or value.endswith(TEMP_SUFFIX)
        or Path(value).name != value
    ):
        raise ValueError(f"{what} must be a plain file name (letters, digits, '.', '_', '-')")


def write_message(
    outbox: Path,
    channel: Channel | str,
    to: str,
    text: str,
    *,
    audio_name: str | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
    security_code: SecurityCode | None = None,
) -> Path:
    """Write one message into ``outbox`` (created if missing) and return the JSON file's path.

    ``audio_name`` is the name of a WAV file already in ``outbox`` (voice messages).
    ``security_code`` is what ``text`` says, for a message carrying a one-time code. ``now``
    (timezone-aware) defaults to the current time. ``message_id`` names the file (see
    :func:`new_message_id`, useful to name the WAV after the message first); by default a fresh
    one is made. An explicit ``message_id`` that already exists raises :class:`FileExistsError`.
    """
    if channel not in _CHANNEL_NAMES:
        raise ValueError(f"channel must be one of {', '.join(sorted(_CHANNEL_NAMES))}")
    channel = Channel(channel)
    moment = datetime.now(UTC) if now is None else _require_aware_utc(now, "now")
    if audio_name is not None:
        _check_plain_name(audio_name, "audio_name")
    if message_id is not None:
        _check_plain_name(message_id, "message_id")

    outbox = Path(outbox)
    ensure_private_dir(outbox)

    payload: dict[str, str | int] = {
        "channel": channel.value,
        "to": to,
        "text": text,
        "created_at": moment.isoformat(timespec="microseconds"),
    }
    if audio_name is not None:
        payload["audio"] = audio_name
    if security_code is not None:
        payload["kind"] = SECURITY_CODE_KIND
        payload["code"] = security_code.code
        if security_code.valid_seconds is not None:
            payload["valid_seconds"] = security_code.valid_seconds
        if security_code.repeats is not None:
            payload["repeats"] = security_code.repeats
    document = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"

    if message_id is not None:
        path = outbox / f"{message_id}{MESSAGE_SUFFIX}"
        if path.exists():
            raise FileExistsError(f"outbox message {path.name} already exists")
    else:
        path = outbox / f"{new_message_id(moment)}{MESSAGE_SUFFIX}"
        while path.exists():  # pragma: no cover - 32 random bits within one microsecond
            path = outbox / f"{new_message_id(moment)}{MESSAGE_SUFFIX}"

    atomic_write_text(path, document)
    _log.debug("outbox: wrote %s message %s", channel, path.name)
    return path


def _parse_message(path: Path) -> OutboxMessage | None:
    """The message in ``path``, or None when it is not a well-formed message file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_MESSAGE_BYTES + 1)
        if len(raw) > _MAX_MESSAGE_BYTES:
            return None
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None

    channel = data.get("channel")
    to = data.get("to")
    text = data.get("text")
    created = data.get("created_at")
    audio = data.get("audio")
    if channel not in _CHANNEL_NAMES or not isinstance(to, str) or not isinstance(text, str):
        return None
    if not isinstance(created, str):
        return None
    try:
        created_at = datetime.fromisoformat(created)
    except ValueError:
        return None
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        created_at = created_at.replace(tzinfo=UTC)  # the contract says UTC
    created_at = created_at.astimezone(UTC)

    audio_path: Path | None = None
    if audio is not None:
        if not isinstance(audio, str) or not audio or Path(audio).name != audio:
            return None
        if audio in {".", ".."} or "/" in audio or "\\" in audio:
            return None
        audio_path = path.parent / audio

    return OutboxMessage(
        channel=Channel(channel),
        to=to,
        text=text,
        created_at=created_at,
        audio=audio_path,
        path=path,
        security_code=_parse_security_code(data),
    )


def _parse_security_code(data: dict[str, object]) -> SecurityCode | None:
    """What a security-code message holds; None for another kind, or fields that do not fit (the
    message is then still shown, as its ``text``)."""
    if data.get("kind") != SECURITY_CODE_KIND:
        return None
    code = data.get("code")
    if not isinstance(code, str):
        return None
    try:
        return SecurityCode(
            code, _optional_count(data.get("valid_seconds")), _optional_count(data.get("repeats"))
        )
    except ValueError:
        return None


def _optional_count(value: object) -> int | None:
    """``value`` as a count: None when absent, ``ValueError`` when not a positive whole number."""
    if value is None:
        return None
    if not _is_positive_int(value):
        raise ValueError("not a positive whole number")
    return value


def read_messages(outbox: Path, *, since: datetime | None = None) -> list[OutboxMessage]:
    """The messages in ``outbox``, oldest first; [] when the folder does not exist.

    ``since`` (timezone-aware) keeps only messages created at or after that moment. Files that
    cannot be read or parsed, and the temporary files of writes in progress, are skipped: one bad
    file never hides the others.
    """
    threshold = None if since is None else _require_aware_utc(since, "since")
    outbox = Path(outbox)
    try:
        entries = [entry.name for entry in os.scandir(outbox)]
    except (FileNotFoundError, NotADirectoryError):
        return []

    messages: list[OutboxMessage] = []
    for name in entries:
        if name.startswith(".") or not name.endswith(MESSAGE_SUFFIX):
            continue
        message = _parse_message(outbox / name)
        if message is None:
            _log.debug("outbox: skipped unreadable file %s", name)
            continue
        if threshold is not None and message.created_at < threshold:
            continue
        messages.append(message)
    messages.sort(key=lambda message: (message.created_at, message.path.name))
    return messages
