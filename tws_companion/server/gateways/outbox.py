"""The development gateway: messages go to the outbox folder instead of a phone.

SMS become JSON files; voice calls become a WAV file spoken by espeak-ng plus a JSON file that
names it (DESIGN.md section 5). The GUI's phone window and the tests read them back with
:func:`tws_companion.storage.outbox.read_messages`.

A message that carries a one-time code comes with what it holds (the code, and how long it is valid
or how many times the call reads it; :class:`~tws_companion.storage.outbox.SecurityCode`); its file
says so too, so the phone window can show it in the user's language. The text and the audio stay
English.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from tws_companion.server.gateways.base import GatewayError
from tws_companion.storage.outbox import SecurityCode, new_message_id, write_message
from tws_companion.storage.paths import ensure_private_dir, ensure_private_file

__all__ = ["ESPEAK_MISSING_MESSAGE", "OutboxGateway"]

_log = logging.getLogger(__name__)

ESPEAK_MISSING_MESSAGE: Final = (
    "Voice codes need espeak-ng, which is not installed. Install the espeak-ng package "
    "(apt-get install espeak-ng) or use SMS."
)

#: Speaking speed in words per minute: slower than espeak-ng's default 175, easy to follow.
ESPEAK_SPEED_WPM: Final = 140
#: Longest time espeak-ng may take to render one message.
ESPEAK_TIMEOUT_S: Final = 30.0


class OutboxGateway:
    """Writes SMS and voice messages into ``outbox_dir`` (created when first needed).

    ``espeak`` is the espeak-ng program: a name looked up on ``PATH`` or a path.
    """

    def __init__(self, outbox_dir: Path, *, espeak: str = "espeak-ng") -> None:
        self._outbox_dir = Path(outbox_dir)
        self._espeak = espeak

    @property
    def outbox_dir(self) -> Path:
        return self._outbox_dir

    def __repr__(self) -> str:
        return f"OutboxGateway(outbox_dir={str(self._outbox_dir)!r}, espeak={self._espeak!r})"

    def send_sms(self, to: str, text: str, *, security_code: SecurityCode | None = None) -> None:
        try:
            path = write_message(
                self._outbox_dir,
                "sms",
                to,
                text,
                security_code=security_code,
            )
        except OSError as exc:
            raise GatewayError(_write_failed_message(exc)) from None
        _log.info("outbox: SMS written to %s", path.name)

    def place_voice_call(
        self, to: str, text: str, *, security_code: SecurityCode | None = None
    ) -> None:
        program = shutil.which(self._espeak)
        if program is None:
            raise GatewayError(ESPEAK_MISSING_MESSAGE)
        now = datetime.now(UTC)
        message_id = new_message_id(now)
        wav_name = f"{message_id}.wav"
        try:
            ensure_private_dir(self._outbox_dir)
        except OSError as exc:
            raise GatewayError(_write_failed_message(exc)) from None
        wav_path = self._outbox_dir / wav_name
        # espeak-ng writes the WAV under a temporary name; it is renamed once complete, and the
        # JSON that points at it is written last, so readers never see a half-written message.
        tmp_wav = self._outbox_dir / f".{wav_name}.tmp"
        try:
            ensure_private_file(tmp_wav)  # 0600 from the start: espeak-ng writes into it
            self._speak(program, text, tmp_wav)
            os.replace(tmp_wav, wav_path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp_wav.unlink()
            raise GatewayError(_write_failed_message(exc)) from None
        except BaseException:
            with contextlib.suppress(OSError):
                tmp_wav.unlink()
            raise
        try:
            path = write_message(
                self._outbox_dir,
                "voice",
                to,
                text,
                audio_name=wav_name,
                now=now,
                message_id=message_id,
                security_code=security_code,
            )
        except OSError as exc:
            with contextlib.suppress(OSError):
                wav_path.unlink()
            raise GatewayError(_write_failed_message(exc)) from None
        _log.info("outbox: voice message written to %s", path.name)

    def _speak(self, program: str, text: str, wav: Path) -> None:
        """Render ``text`` to ``wav``. The text goes through standard input, never the command
        line, so it shows neither in the process list nor in subprocess exception messages."""
        command = [program, "-s", str(ESPEAK_SPEED_WPM), "-b", "1", "--stdin", "-w", str(wav)]
        try:
            result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                command,
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=ESPEAK_TIMEOUT_S,
                check=False,
            )
        except FileNotFoundError:
            raise GatewayError(ESPEAK_MISSING_MESSAGE) from None
        except PermissionError:
            raise GatewayError(
                "Voice codes need espeak-ng, but it could not be started (permission denied). "
                "Check the espeak-ng installation or use SMS."
            ) from None
        except subprocess.TimeoutExpired:
            raise GatewayError(
                f"espeak-ng did not finish within {ESPEAK_TIMEOUT_S:g} seconds, so the voice "
                "message was not created. Try again or use SMS."
            ) from None
        if result.returncode != 0:
            raise GatewayError(
                f"espeak-ng failed (exit status {result.returncode}), so the voice message was "
                "not created. Check the espeak-ng installation or use SMS."
            )
        # espeak-ng exits 0 even when it cannot open the output file.
        try:
            size = wav.stat().st_size
        except OSError:
            size = 0
        if size <= 44:  # a WAV header and no samples
            raise GatewayError(
                "espeak-ng produced no audio, so the voice message was not created. "
                "Check the espeak-ng installation or use SMS."
            )


def _write_failed_message(exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"The message could not be written to the outbox folder ({reason})."
