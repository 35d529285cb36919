"""The outbox of the development SMS and voice gateways (DESIGN.md section 5).

``<data-dir>/outbox/`` holds one JSON file per message::

    {"channel": "sms" | "voice", "to": "+15551234567", "text": "...",
     "created_at": "2025-01-31T12:00:00.123456+00:00", "audio": "<name>.wav"}

``audio`` is present for voice messages only: the name of a WAV file in the same folder, spoken by
espeak-ng. The development gateway writes the files (:func:`write_message`); the GUI's phone window
and the tests read them (:func:`read_messages`).

File names are ``<UTC timestamp>-<random hex>.json``, so they sort by creation time and never
collide. Each file is written atomically, and a voice message's WAV is in place before its JSON
appears, so a reader never sees a half-written message. The folder is owner-only (0700) and
every file in it 0600 (POSIX): each holds a one-time code.

The ``text`` of a message holds a one-time code: it is kept out of reprs, exception messages and
log records.
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
from typing import Final

from tws_companion.protocol import Channel
from tws_companion.storage.atomic import TEMP_SUFFIX, atomic_write_text
from tws_companion.storage.paths import ensure_private_dir

__all__ = [
    "MESSAGE_SUFFIX",
    "OutboxMessage",
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


@dataclass(frozen=True)
class OutboxMessage:
    """One message of the outbox. Its repr leaves out ``text``, which holds a one-time code."""

    channel: Channel
    to: str
    text: str = field(repr=False)
    created_at: datetime
    audio: Path | None
    path: Path

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
) -> Path:
    """Write one message into ``outbox`` (created if missing) and return the JSON file's path.

    ``audio_name`` is the name of a WAV file already in ``outbox`` (voice messages). ``now``
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

    payload: dict[str, str] = {
        "channel": channel.value,
        "to": to,
        "text": text,
        "created_at": moment.isoformat(timespec="microseconds"),
    }
    if audio_name is not None:
        payload["audio"] = audio_name
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
    )


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
