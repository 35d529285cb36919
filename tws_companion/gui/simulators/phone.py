"""The user's phone: the SMS and voice calls the development gateways wrote to the outbox.

The outbox is read on the worker whenever the folder changes (and every few seconds, since the
folder may not exist yet). A message that says what it holds (a security code: the outbox's
``kind`` and ``code``) is worded here, in the app's language; any other message shows as it came.

A voice call is played with the first audio player found on the system (``paplay``, ``aplay`` or
sox's ``play``), started as a QProcess so nothing blocks. The recording is English whatever the
app's language (a note says so in other languages). The call always delivers its code: where it
cannot be played (no recording, no player, or a player that fails, as it does on a machine without
a sound device) the card says why and shows the call's transcript. Closing the window stops a call
that is playing.

Signals of PhoneWindow: messagesChanged(int) — the number of messages shown.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QProcess, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.gui.worker import Worker
from tws_companion.protocol import Channel
from tws_companion.storage.outbox import OutboxMessage, read_messages

__all__ = ["AUDIO_PLAYERS", "PhoneWindow", "message_text"]

_log = logging.getLogger(__name__)

# Why a call is shown as text: no recording, no player on the system, or the player failed.
TranscriptReason = Literal["no recording", "no player", "failed"]
#: Players tried in order; each takes the WAV file as its only argument.
AUDIO_PLAYERS = ("paplay", "aplay", "play")
#: Fallback polling, for a folder that does not exist yet or a file system without notifications.
POLL_MS = 2000

_STYLE = """
QLabel#pageTitle { font-size: 15px; font-weight: bold; color: #14263b; }
QScrollArea { border: none; background: white; }
QFrame#bubble { background: #eef2f6; border-radius: 10px; }
QFrame#call { background: #e9f6ee; border-radius: 10px; }
QLabel#when { color: #6b7785; font-size: 10px; }
QLabel#note { color: #4a5866; }
QLabel#why { color: #8a4b00; }
QLabel#transcript { color: #33404d; font-style: italic; }
"""


def find_player() -> str | None:
    """The first of :data:`AUDIO_PLAYERS` on the system, as a path; None when there is none."""
    for name in AUDIO_PLAYERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def _duration(seconds: int) -> str:
    """``"5 minutes"``, ``"1 minute and 30 seconds"``, in the app's language."""
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(
            QCoreApplication.translate("PhoneWindow", "1 minute")
            if minutes == 1
            else QCoreApplication.translate("PhoneWindow", "{count} minutes").format(count=minutes)
        )
    if rest or not minutes:
        parts.append(
            QCoreApplication.translate("PhoneWindow", "1 second")
            if rest == 1
            else QCoreApplication.translate("PhoneWindow", "{count} seconds").format(count=rest)
        )
    if len(parts) == 1:
        return parts[0]
    return QCoreApplication.translate("PhoneWindow", "{minutes} and {seconds}").format(
        minutes=parts[0], seconds=parts[1]
    )


def message_text(message: OutboxMessage) -> str:
    """What ``message`` says, in the app's language: a security-code message (SMS, or a call's
    transcript, one sentence a line) is worded here; any other message is its text as it came."""
    found = message.security_code
    if found is None:
        return message.text
    if message.channel is Channel.SMS:
        if found.valid_seconds is None:
            return QCoreApplication.translate(
                "PhoneWindow", "Your security code is {code}. Do not share it with anyone."
            ).format(code=found.code)
        return QCoreApplication.translate(
            "PhoneWindow",
            "Your security code is {code}. It is valid for {time}. Do not share it with anyone.",
        ).format(code=found.code, time=_duration(found.valid_seconds))
    digits = " ".join(found.code)  # read digit by digit
    sentences = [
        QCoreApplication.translate("PhoneWindow", "Hello."),
        QCoreApplication.translate("PhoneWindow", "Your security code is: {digits}.").format(
            digits=digits
        ),
    ]
    again = QCoreApplication.translate(
        "PhoneWindow", "Again, your security code is: {digits}."
    ).format(digits=digits)
    sentences.extend(again for _ in range((found.repeats or 1) - 1))
    sentences.append(QCoreApplication.translate("PhoneWindow", "Goodbye."))
    return "\n".join(sentences)


def _selectable(label: QLabel) -> QLabel:
    """A label for a message: plain text (what a file holds is never markup), wrapped, and
    selectable with the mouse and the keyboard."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return label


class _MessageCard(QFrame):
    """One SMS or call; its texts are set again by :meth:`retranslate`."""

    def __init__(self, message: OutboxMessage, window: PhoneWindow) -> None:
        super().__init__()
        self.message = message
        self.voice = message.channel is Channel.VOICE
        self.setObjectName("call" if self.voice else "bubble")
        layout = QVBoxLayout(self)
        when = QLabel(message.created_at.astimezone().strftime("%H:%M:%S"))
        when.setObjectName("when")
        layout.addWidget(when)
        # Why the transcript shows, once it does; whether the call is playing.
        self._why: TranscriptReason | None = None
        self._playing = False
        if self.voice:
            self.title = QLabel()
            self.title.setWordWrap(True)
            self.play = QPushButton()
            self.play.clicked.connect(lambda: window.play(self))
            row = QHBoxLayout()
            row.addWidget(self.title, 1)
            row.addWidget(self.play)
            layout.addLayout(row)
            self.note = QLabel()
            self.note.setObjectName("note")
            self.note.setWordWrap(True)
            layout.addWidget(self.note)
            self.status = QLabel()
            self.status.setObjectName("note")
            self.status.hide()
            layout.addWidget(self.status)
            self.why = QLabel()
            self.why.setObjectName("why")
            self.why.setWordWrap(True)
            self.why.hide()
            layout.addWidget(self.why)
            self.transcript = _selectable(QLabel())
            self.transcript.setObjectName("transcript")
            self.transcript.hide()
            layout.addWidget(self.transcript)
        else:
            self.text = _selectable(QLabel())
            layout.addWidget(self.text)
        self.retranslate()

    def retranslate(self) -> None:
        if not self.voice:
            self.text.setText(message_text(self.message))
            return
        self.title.setText(
            QCoreApplication.translate("PhoneWindow", "Incoming call to {phone}").format(
                phone=self.message.to
            )
        )
        self.play.setText(
            QCoreApplication.translate("PhoneWindow", "Stop")
            if self._playing
            else QCoreApplication.translate("PhoneWindow", "Play")
        )
        # The recording is English: said where the app's language words it otherwise.
        english = "The call is read in English."
        note = QCoreApplication.translate("PhoneWindow", "The call is read in English.")
        self.note.setText(note)
        self.note.setHidden(note == english)
        self.status.setText(QCoreApplication.translate("PhoneWindow", "Playing the call…"))
        if self._why == "no recording":
            why = QCoreApplication.translate(
                "PhoneWindow", "This call has no recording; transcript:"
            )
        elif self._why == "no player":
            why = QCoreApplication.translate(
                "PhoneWindow", "No audio player on this system; transcript:"
            )
        elif self._why == "failed":
            why = QCoreApplication.translate(
                "PhoneWindow",
                "The call could not be played (no sound device, or the audio player failed); "
                "transcript:",
            )
        else:
            return
        self.why.setText(why)
        self.transcript.setText(message_text(self.message))

    def set_playing(self, playing: bool) -> None:
        self._playing = playing
        self.status.setVisible(playing)
        self.retranslate()

    def show_transcript(self, why: TranscriptReason) -> None:
        """Show the call as text, since it cannot be played, and say why."""
        self._why = why
        self.retranslate()
        self.why.show()
        self.transcript.show()


class PhoneWindow(TranslatedWidget):
    messagesChanged = Signal(int)

    def __init__(
        self,
        outbox: Path,
        phone_number: str | None = None,
        worker: Worker | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.outbox = Path(outbox)
        self.phone_number = phone_number
        self.worker = worker or Worker(self)
        self.setStyleSheet(_STYLE)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.empty = QLabel()
        self.list = QVBoxLayout()
        self.list.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.list)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        self.cards: list[_MessageCard] = []
        self._seen: set[Path] = set()
        self._reading = False
        #: The player of the call playing, and that call's card.
        self.player: QProcess | None = None
        self._playing: _MessageCard | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self.refresh)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._closed = False
        self.resize(340, 520)
        self.retranslate()
        self.refresh()

    def message_count(self) -> int:
        return len(self.cards)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._closed = False
        self.timer.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        """A closed phone stops its call and reads no more messages (the app's worker may be gone
        soon after)."""
        self._closed = True
        self.stop_call()
        self.timer.stop()
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        super().closeEvent(event)

    @Slot()
    def refresh(self) -> None:
        if self._reading or self._closed:
            return
        self._reading = True
        task = self.worker.submit("read outbox", read_messages, self.outbox, owner=self)
        task.succeeded.connect(self._show)
        task.finished.connect(self._read_done)

    @Slot()
    def _read_done(self) -> None:
        self._reading = False
        if self._closed:
            return
        if self.outbox.is_dir() and str(self.outbox) not in self.watcher.directories():
            self.watcher.addPath(str(self.outbox))

    @Slot(object)
    def _show(self, messages: list[OutboxMessage]) -> None:
        new = [
            message
            for message in messages
            if message.path not in self._seen
            and (self.phone_number is None or message.to == self.phone_number)
        ]
        for message in new:  # oldest first, each inserted on top
            self._seen.add(message.path)
            card = _MessageCard(message, self)
            self.list.insertWidget(0, card)
            card.show()
            self.cards.insert(0, card)
        if new:
            self.empty.hide()
            QApplication.alert(self)
            self.messagesChanged.emit(len(self.cards))

    def play(self, card: _MessageCard) -> None:
        """Play a call (or stop it, when it is the one playing); where it cannot be played, show
        its transcript and say why."""
        if self._playing is card:
            self.stop_call()
            return
        self.stop_call()  # one call at a time
        audio = card.message.audio
        if audio is None:
            card.show_transcript("no recording")
            return
        player = find_player()
        if player is None:
            card.show_transcript("no player")
            return
        process = QProcess(self)
        # Players complain on stderr where there is no sound device; the card says what matters.
        process.setStandardOutputFile(QProcess.nullDevice())
        process.setStandardErrorFile(QProcess.nullDevice())

        def ended(exit_code: int, status: QProcess.ExitStatus) -> None:
            # A call stopped here (Stop, another call, the window closed) is no longer current.
            if self.player is process:
                self._forget_call()
                if status is QProcess.ExitStatus.CrashExit or exit_code != 0:
                    _log.info("phone: the audio player ended with status %s", exit_code)
                    card.show_transcript("failed")
            process.deleteLater()

        def failed(error: QProcess.ProcessError) -> None:
            if error is QProcess.ProcessError.FailedToStart:  # no ``finished`` will follow
                if self.player is process:
                    self._forget_call()
                    card.show_transcript("failed")
                process.deleteLater()

        process.errorOccurred.connect(failed)
        process.finished.connect(ended)
        self.player = process
        self._playing = card
        card.set_playing(True)
        process.start(player, [str(audio)])

    def stop_call(self) -> None:
        """Stop the call playing, if any: its player process is killed."""
        process = self.player
        if process is None:
            return
        self._forget_call()
        process.kill()

    def _forget_call(self) -> None:
        if self._playing is not None:
            self._playing.set_playing(False)
        self.player = None
        self._playing = None

    def retranslate(self) -> None:
        title = self.tr("Phone")
        self.setWindowTitle(f"{title} {self.phone_number}" if self.phone_number else title)
        self.heading.setText(self.tr("Messages and calls"))
        self.empty.setText(self.tr("No messages yet."))
        for card in self.cards:
            card.retranslate()
