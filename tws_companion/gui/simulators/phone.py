"""The user's phone: the SMS and voice calls the development gateways wrote to the outbox.

The outbox is read on the worker whenever the folder changes (and every few seconds, since the
folder may not exist yet). A voice call is played with the first audio player found on the
system (``paplay``, ``aplay`` or sox's ``play``), started as a QProcess so nothing blocks; where
there is none, the call's transcript is shown instead.

Signals of PhoneWindow: messagesChanged(int) — the number of messages shown.
"""

from __future__ import annotations

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
from tws_companion.storage.outbox import OutboxMessage, read_messages

__all__ = ["AUDIO_PLAYERS", "PhoneWindow"]

# Why a call is shown as text: no player on the system, or the player failed to start.
TranscriptReason = Literal["no player", "failed"]
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
QLabel#transcript { color: #33404d; font-style: italic; }
"""


def find_player() -> str | None:
    for name in AUDIO_PLAYERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class _MessageCard(QFrame):
    """One SMS or call; its texts are set again by :meth:`PhoneWindow.retranslate`."""

    def __init__(self, message: OutboxMessage, window: PhoneWindow) -> None:
        super().__init__()
        self.message = message
        self.voice = message.channel == "voice"
        self.setObjectName("call" if self.voice else "bubble")
        layout = QVBoxLayout(self)
        when = QLabel(message.created_at.astimezone().strftime("%H:%M:%S"))
        when.setObjectName("when")
        layout.addWidget(when)
        # Why the transcript shows, once it does.
        self._why: TranscriptReason | None = None
        if self.voice:
            self.title = QLabel()
            self.title.setWordWrap(True)
            self.play = QPushButton()
            self.play.clicked.connect(lambda: window.play(self))
            row = QHBoxLayout()
            row.addWidget(self.title, 1)
            row.addWidget(self.play)
            layout.addLayout(row)
            self.transcript = QLabel()
            self.transcript.setObjectName("transcript")
            self.transcript.setWordWrap(True)
            self.transcript.hide()
            layout.addWidget(self.transcript)
        else:
            text = QLabel(message.text)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(text)
        self.retranslate()

    def retranslate(self) -> None:
        if not self.voice:
            return  # an SMS shows the message as it came
        self.title.setText(
            QCoreApplication.translate("PhoneWindow", "Incoming call to {phone}").format(
                phone=self.message.to
            )
        )
        self.play.setText(QCoreApplication.translate("PhoneWindow", "Play"))
        if self._why == "no player":
            note = QCoreApplication.translate(
                "PhoneWindow", "No audio player on this system; transcript:"
            )
        elif self._why == "failed":
            note = QCoreApplication.translate(
                "PhoneWindow", "The call could not be played; transcript:"
            )
        else:
            return
        self.transcript.setText(f"{note}\n{self.message.text}")

    def show_transcript(self, why: TranscriptReason) -> None:
        """Show the call as text, since it cannot be played."""
        self._why = why
        self.retranslate()
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
        self.player: QProcess | None = None
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
        """A closed phone reads no more messages (the app's worker may be gone soon after)."""
        self._closed = True
        self.timer.stop()
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        super().closeEvent(event)

    @Slot()
    def refresh(self) -> None:
        if self._reading or self._closed:
            return
        self._reading = True
        task = self.worker.submit("read outbox", read_messages, self.outbox)
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
        """Play a call's audio, or show its transcript where that cannot be done."""
        audio = card.message.audio
        player = find_player()
        if audio is None or player is None:
            card.show_transcript("no player")
            return
        if self.player is not None:
            self.player.kill()  # one call at a time
        process = QProcess(self)

        def done() -> None:
            # Deleted once it ends; forgotten too, unless a newer call already replaced it.
            if self.player is process:
                self.player = None
            process.deleteLater()

        def failed(error: QProcess.ProcessError) -> None:
            if error == QProcess.ProcessError.FailedToStart:  # no ``finished`` will follow
                card.show_transcript("failed")
                done()

        process.errorOccurred.connect(failed)
        process.finished.connect(done)
        self.player = process
        process.start(player, [str(audio)])

    def retranslate(self) -> None:
        title = self.tr("Phone")
        self.setWindowTitle(f"{title} {self.phone_number}" if self.phone_number else title)
        self.heading.setText(self.tr("Messages and calls"))
        self.empty.setText(self.tr("No messages yet."))
        for card in self.cards:
            card.retranslate()
