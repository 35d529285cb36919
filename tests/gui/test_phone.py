"""The Phone window: a call always delivers its code, a call stops with the window, and the
messages read in the app's language.

Audio players are stand-in scripts (a player that fails as one does without a sound device, a
player that keeps playing) or nothing at all, chosen through the window's player lookup.
"""

from __future__ import annotations

import os
import stat
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tws_companion.gui.device_pages import SmsPage
from tws_companion.gui.i18n import Translations
from tws_companion.gui.simulators.phone import PhoneWindow
from tws_companion.protocol import ChallengeType, Channel
from tws_companion.protocol.models import Challenge, Device
from tws_companion.sls.one_time_codes import sms_text, voice_script
from tws_companion.storage.outbox import SecurityCode, write_message

pytestmark = pytest.mark.gui

PHONE = "+15555550100"
CODE = "482913"
WAIT_MS = 10_000
TRANSCRIPT = (
    "Hello.\n"
    "Your security code is: 4 8 2 9 1 3.\n"
    "Again, your security code is: 4 8 2 9 1 3.\n"
    "Goodbye."
)
needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="shell-script players")


def use_players(monkeypatch: pytest.MonkeyPatch, *players: str) -> None:
    """Point the window's player lookup at ``players`` (none: a system without a player)."""
    monkeypatch.setattr("tws_companion.gui.simulators.phone.AUDIO_PLAYERS", players)


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def call(outbox: Path, *, recording: bool = True) -> None:
    """A voice call of the SLS, as the development gateway writes it."""
    outbox.mkdir(parents=True, exist_ok=True)
    if recording:
        (outbox / "call.wav").write_bytes(b"RIFF")
    write_message(
        outbox,
        "voice",
        PHONE,
        voice_script(CODE, 2),
        audio_name="call.wav" if recording else None,
        security_code=SecurityCode(CODE, repeats=2),
    )


def open_phone(qtbot: QtBot, outbox: Path, count: int = 1) -> PhoneWindow:
    phone = PhoneWindow(outbox, PHONE)
    qtbot.addWidget(phone)
    phone.show()
    qtbot.waitUntil(lambda: phone.message_count() == count, timeout=WAIT_MS)
    return phone


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- a call always delivers its code ----------------------------------------------------------


@needs_posix
def test_a_player_that_fails_gives_the_transcript(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As sox's play does on a machine without a sound device: an error, exit status 1."""
    failing = script(tmp_path, "play", 'echo "play FAIL sox: no default audio device" >&2; exit 1')
    use_players(monkeypatch, str(failing))
    call(tmp_path / "outbox")
    card = open_phone(qtbot, tmp_path / "outbox").cards[0]
    assert card.transcript.isHidden()
    qtbot.mouseClick(card.play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not card.transcript.isHidden(), timeout=WAIT_MS)
    assert card.why.text() == (
        "The call could not be played (no sound device, or the audio player failed); transcript:"
    )
    assert card.transcript.text() == TRANSCRIPT
    assert card.play.text() == "Play"  # ready to try again
    assert card.status.isHidden()


@needs_posix
def test_a_player_that_cannot_start_gives_the_transcript(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "play"
    broken.write_text("not a program")
    broken.chmod(0o700)  # executable, but no interpreter line: exec fails
    use_players(monkeypatch, str(broken))
    call(tmp_path / "outbox")
    card = open_phone(qtbot, tmp_path / "outbox").cards[0]
    qtbot.mouseClick(card.play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not card.transcript.isHidden(), timeout=WAIT_MS)
    assert card.why.text().startswith("The call could not be played")
    assert card.transcript.text() == TRANSCRIPT


def test_no_player_on_the_system_gives_the_transcript(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_players(monkeypatch)
    call(tmp_path / "outbox")
    phone = open_phone(qtbot, tmp_path / "outbox")
    card = phone.cards[0]
    qtbot.mouseClick(card.play, Qt.MouseButton.LeftButton)
    assert card.why.isVisible()
    assert card.why.text() == "No audio player on this system; transcript:"
    assert card.transcript.isVisible()
    assert card.transcript.text() == TRANSCRIPT
    assert phone.player is None


def test_a_call_without_a_recording_gives_the_transcript(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_players(monkeypatch, sys.executable)  # a player is there: the recording is not
    call(tmp_path / "outbox", recording=False)
    card = open_phone(qtbot, tmp_path / "outbox").cards[0]
    qtbot.mouseClick(card.play, Qt.MouseButton.LeftButton)
    assert card.why.text() == "This call has no recording; transcript:"
    assert card.transcript.text() == TRANSCRIPT


# --- a call playing stops -----------------------------------------------------------------------


def lingering_player(folder: Path) -> Path:
    """A player that keeps playing (a minute of audio), and tells its process id."""
    pid = folder / "pid"
    return script(folder, "play", f'echo $$ > "{pid}.tmp"; mv "{pid}.tmp" "{pid}"; exec sleep 60')


def start_call(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[PhoneWindow, int]:
    """A phone playing a call; the player's process id."""
    use_players(monkeypatch, str(lingering_player(tmp_path)))
    call(tmp_path / "outbox")
    phone = open_phone(qtbot, tmp_path / "outbox")
    card = phone.cards[0]
    qtbot.mouseClick(card.play, Qt.MouseButton.LeftButton)
    pid_file = tmp_path / "pid"
    qtbot.waitUntil(pid_file.exists, timeout=WAIT_MS)
    pid = int(pid_file.read_text())
    assert alive(pid)
    assert card.play.text() == "Stop"
    assert card.status.isVisible()
    assert card.status.text() == "Playing the call…"
    return phone, pid


@needs_posix
def test_closing_the_window_stops_the_call(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone, pid = start_call(qtbot, tmp_path, monkeypatch)
    card = phone.cards[0]
    phone.close()
    qtbot.waitUntil(lambda: not alive(pid), timeout=WAIT_MS)  # no player left behind
    assert phone.player is None
    assert card.transcript.isHidden()  # stopped, not failed
    assert card.play.text() == "Play"


@needs_posix
def test_stop_ends_the_call_and_play_starts_it_again(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone, pid = start_call(qtbot, tmp_path, monkeypatch)
    card = phone.cards[0]
    (tmp_path / "pid").unlink()
    qtbot.mouseClick(card.play, Qt.MouseButton.LeftButton)  # Stop
    qtbot.waitUntil(lambda: not alive(pid), timeout=WAIT_MS)
    assert card.play.text() == "Play"
    assert card.status.isHidden()
    assert card.transcript.isHidden()
    qtbot.mouseClick(card.play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil((tmp_path / "pid").exists, timeout=WAIT_MS)
    again = int((tmp_path / "pid").read_text())
    assert again != pid
    assert alive(again)
    phone.close()
    qtbot.waitUntil(lambda: not alive(again), timeout=WAIT_MS)


# --- the messages in the app's language ---------------------------------------------------------


def test_messages_of_the_sls_read_as_the_server_sent_them_in_english(
    qtbot: QtBot, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    text = sms_text(CODE, timedelta(minutes=5))
    write_message(outbox, "sms", PHONE, text, security_code=SecurityCode(CODE, 300))
    call(outbox)
    voice, sms = open_phone(qtbot, outbox, count=2).cards
    assert sms.text.text() == text
    assert voice.title.text() == f"Incoming call to {PHONE}"
    assert voice.note.isHidden()  # English app, English recording: nothing to say


def test_the_phone_window_in_chinese(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chinese: Translations
) -> None:
    use_players(monkeypatch)
    outbox = tmp_path / "outbox"
    text = sms_text("031415", timedelta(seconds=90))
    write_message(outbox, "sms", PHONE, text, security_code=SecurityCode("031415", 90))
    write_message(outbox, "sms", PHONE, "Your statement is ready.")  # not an SLS message
    call(outbox)
    phone = open_phone(qtbot, outbox, count=3)
    voice, plain, sms = phone.cards  # newest first
    assert phone.windowTitle() == f"手机 {PHONE}"
    assert phone.heading.text() == "短信和来电"
    assert sms.text.text() == "您的安全代码是031415。有效时间为1分钟30秒。请勿与任何人分享。"
    assert plain.text.text() == "Your statement is ready."  # shown as it came
    assert voice.title.text() == f"来电:{PHONE}"
    assert voice.play.text() == "播放"
    assert voice.note.isVisible()
    assert voice.note.text() == "来电语音为英语。"
    qtbot.mouseClick(voice.play, Qt.MouseButton.LeftButton)
    assert voice.why.text() == "此系统没有音频播放器;文字记录:"
    assert voice.transcript.text() == (
        "您好。\n您的安全代码是:4 8 2 9 1 3。\n再说一遍,您的安全代码是:4 8 2 9 1 3。\n再见。"
    )
    chinese.apply("en")  # switched back while the window is open
    qtbot.waitUntil(lambda: voice.play.text() == "Play", timeout=WAIT_MS)
    assert sms.text.text() == (
        "Your security code is 031415. It is valid for 1 minute and 30 seconds. "
        "Do not share it with anyone."
    )
    assert voice.transcript.text() == TRANSCRIPT
    assert voice.note.isHidden()


# --- the SMS page of the login dialog -----------------------------------------------------------


def challenge(channel: Channel) -> Challenge:
    return Challenge(type=ChallengeType.OOB, channel=channel, destination="+*** *** 0100")


def test_the_sms_page_says_call_once_a_voice_call_is_on_its_way(qtbot: QtBot) -> None:
    page = SmsPage()
    qtbot.addWidget(page)
    device = Device(id="demo-sms", kind="sms", label="SMS to my phone")
    page.show_challenge(device, challenge(Channel.SMS))
    assert page.title.text() == "Security code by SMS"
    assert page.sent_to.text() == "A security code was sent by SMS to +*** *** 0100."
    page.show_challenge(device, challenge(Channel.VOICE))
    assert page.title.text() == "Security code by voice call"
    assert page.sent_to.text() == "A call will read the security code to +*** *** 0100."


def test_the_sms_page_says_call_in_chinese(qtbot: QtBot, chinese: Translations) -> None:
    page = SmsPage()
    qtbot.addWidget(page)
    page.show_challenge(Device(id="d", kind="sms", label="SMS"), challenge(Channel.VOICE))
    assert page.title.text() == "语音回呼安全代码"
