"""Changing the PIN of a Digital Security Card+ (seed: "How to change the PIN of a security
device", DSC+): opened from Settings > Secure Login System for the user's DSC+.

1. The new PIN and its confirmation (4 digits, checked here before anything is sent, and again
   by the server); Continue.
2. The challenge: the user turns the card on, keys the NEW PIN and the challenge into it, and
   types the card's response; Continue.
3. The new PIN was accepted: OK.

Every call runs on the worker (:mod:`tws_companion.gui.worker`); while one runs the buttons wait
and Cancel always works (a late answer is dropped). The PINs and the response never leave the
fields except in the calls; nothing is logged.

Keyboard: each step opens with the focus in its first field; Return continues; Escape cancels.

Signals of PinChangeDialog: pinChanged(str) — the device id, once the server took the new PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QRegularExpression, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.errors import (
    ApiError,
    ChallengeExpired,
    ChallengeFailed,
    ChangeNotFound,
    ClientError,
    DeviceLocked,
    DeviceNotFound,
    InvalidPin,
    PinMismatch,
    Unauthorized,
    WrongResponse,
)
from tws_companion.gui.messages import describe_failure
from tws_companion.gui.worker import Task, Worker
from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.pins import pin_problem
from tws_companion.sls.policy import DSC_PLUS_PIN_DIGITS

if TYPE_CHECKING:
    from tws_companion.client.api import ApiClient
    from tws_companion.protocol.device_changes import PinChangeChallenge, PinChanged

__all__ = ["PinChangeDialog"]

#: The longest response a DSC+ shows (8 digits); a few more are allowed for spaces.
RESPONSE_MAX_LENGTH = 12
#: How often the challenge's countdown is refreshed (milliseconds).
TICK_MS = 1000


class PinChangeDialog(QDialog):
    """The DSC+ PIN change of ``device_id`` for the session ``token``."""

    pinChanged = Signal(str)

    def __init__(
        self,
        api: ApiClient,
        worker: Worker,
        token: str,
        device_id: str,
        device_label: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pinChangeDialog")
        self.api = api
        self.worker = worker
        self._token = token
        self.device_id = device_id
        self.device_label = device_label
        self.task: Task | None = None
        self._seconds_left = 0

        digits = QRegularExpressionValidator(QRegularExpression(r"[0-9]*"), self)
        # Step 1: the new PIN twice.
        self.pin_page = QWidget()
        self.pin_intro = QLabel()
        self.pin_intro.setWordWrap(True)
        self.new_pin = QLineEdit()
        self.new_pin.setObjectName("newPin")
        self.repeat_pin = QLineEdit()
        self.repeat_pin.setObjectName("repeatPin")
        for field in (self.new_pin, self.repeat_pin):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(DSC_PLUS_PIN_DIGITS)
            field.setValidator(digits)
        self.new_pin_label = QLabel()
        self.new_pin_label.setBuddy(self.new_pin)
        self.repeat_pin_label = QLabel()
        self.repeat_pin_label.setBuddy(self.repeat_pin)
        pin_form = QFormLayout()
        pin_form.addRow(self.new_pin_label, self.new_pin)
        pin_form.addRow(self.repeat_pin_label, self.repeat_pin)
        pin_layout = QVBoxLayout(self.pin_page)
        pin_layout.setContentsMargins(0, 0, 0, 0)
        pin_layout.addWidget(self.pin_intro)
        pin_layout.addLayout(pin_form)
        pin_layout.addStretch(1)

        # Step 2: the challenge and the response.
        self.challenge_page = QWidget()
        self.challenge_intro = QLabel()
        self.challenge_intro.setWordWrap(True)
        self.challenge_caption = QLabel()
        self.challenge = QLabel()
        self.challenge.setObjectName("challenge")
        self.challenge.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.challenge.font())
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 3)
        self.challenge.setFont(font)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.response = QLineEdit()
        self.response.setObjectName("response")
        self.response.setMaxLength(RESPONSE_MAX_LENGTH)
        self.response_label = QLabel()
        self.response_label.setBuddy(self.response)
        response_form = QFormLayout()
        response_form.addRow(self.challenge_caption, self.challenge)
        response_form.addRow(QLabel(), self.countdown)
        response_form.addRow(self.response_label, self.response)
        challenge_layout = QVBoxLayout(self.challenge_page)
        challenge_layout.setContentsMargins(0, 0, 0, 0)
        challenge_layout.addWidget(self.challenge_intro)
        challenge_layout.addLayout(response_form)
        challenge_layout.addStretch(1)

        # Step 3: done.
        self.done_page = QWidget()
        self.done_text = QLabel()
        self.done_text.setObjectName("doneText")
        self.done_text.setWordWrap(True)
        done_layout = QVBoxLayout(self.done_page)
        done_layout.setContentsMargins(0, 0, 0, 0)
        done_layout.addWidget(self.done_text)
        done_layout.addStretch(1)

        self.stack = QStackedWidget()
        for page in (self.pin_page, self.challenge_page, self.done_page):
            self.stack.addWidget(page)
        self.title = QLabel()
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSize(title_font.pointSize() + 2)
        self.title.setFont(title_font)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b3261e;")
        self.notice.hide()
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("continue")
        self.continue_button.setDefault(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 16, 22, 16)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.continue_button.clicked.connect(self._continue)
        self.cancel_button.clicked.connect(self.reject)
        self.new_pin.returnPressed.connect(self.repeat_pin.setFocus)
        self.repeat_pin.returnPressed.connect(self._continue)
        self.response.returnPressed.connect(self._continue)
        self.setTabOrder(self.new_pin, self.repeat_pin)
        self.setTabOrder(self.repeat_pin, self.response)
        self.setTabOrder(self.response, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.continue_button)
        self.retranslate()
        self.new_pin.setFocus()

    # --- what the user sees ---------------------------------------------------------------------

    @property
    def step(self) -> int:
        """0: the new PIN; 1: the challenge; 2: done."""
        return self.stack.currentIndex()

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        self.continue_button.setEnabled(not busy)
        for field in (self.new_pin, self.repeat_pin, self.response):
            field.setReadOnly(busy)

    def _go_to(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.cancel_button.setVisible(step != 2)
        if step == 0:
            self.timer.stop()
            self.new_pin.clear()
            self.repeat_pin.clear()
            self.new_pin.setFocus()
        elif step == 1:
            self.response.clear()
            self.response.setFocus()
        else:
            self.timer.stop()
            self.continue_button.setFocus()
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        label = self.device_label or self.tr("Digital Security Card+")
        self.setWindowTitle(self.tr("Change PIN"))
        self.title.setText(self.tr("Change the PIN of {device}").format(device=label))
        self.pin_intro.setText(
            self.tr(
                "Enter the PIN you want to use and confirm it. A PIN has {digits} digits. "
                "A challenge code is then shown."
            ).format(digits=DSC_PLUS_PIN_DIGITS)
        )
        self.new_pin_label.setText(self.tr("&New PIN"))
        self.repeat_pin_label.setText(self.tr("C&onfirm New PIN"))
        self.challenge_intro.setText(
            self.tr(
                "Turn on your DSC+ with the press button. At the PIN prompt, enter your NEW "
                "PIN and press OK; at CHALLNG>, enter the challenge code below and press OK. "
                "Type the response code the card shows, then click Continue."
            )
        )
        self.challenge_caption.setText(self.tr("Challenge Code"))
        self.response_label.setText(self.tr("&Response"))
        self._show_countdown()
        self.done_text.setText(
            self.tr(
                "Your new PIN has been accepted. Use it on your DSC+ from now on, also the next "
                "time you log in."
            )
        )
        self.continue_button.setText(self.tr("OK") if self.step == 2 else self.tr("Continue"))
        self.cancel_button.setText(self.tr("Cancel"))

    def _show_countdown(self) -> None:
        self.countdown.setText(
            self.tr("The challenge expires in {seconds} seconds.").format(
                seconds=self._seconds_left
            )
            if self._seconds_left > 0
            else self.tr("The challenge has expired. Click Continue to start again.")
        )

    @Slot()
    def _tick(self) -> None:
        self._seconds_left = max(0, self._seconds_left - 1)
        self._show_countdown()
        if self._seconds_left == 0:
            self.timer.stop()

    # --- the steps ---------------------------------------------------------------------------

    @Slot()
    def _continue(self) -> None:
        if self.task is not None:
            return
        if self.step == 0:
            self._send_new_pin()
        elif self.step == 1:
            if self._seconds_left == 0:
                self._go_to(0)
                self.show_notice("")
                return
            self._send_response()
        else:
            self.accept()

    def _send_new_pin(self) -> None:
        new, repeat = self.new_pin.text(), self.repeat_pin.text()
        if pin_problem(DeviceKind.DSC_PLUS, new) is not None:
            self.show_notice(
                self.tr("A DSC+ PIN has exactly {digits} digits.").format(
                    digits=DSC_PLUS_PIN_DIGITS
                )
            )
            self.new_pin.setFocus()
            return
        if new != repeat:
            self.show_notice(self.tr("The two PINs differ. Type the new PIN twice."))
            self.repeat_pin.clear()
            self.repeat_pin.setFocus()
            return
        self._run(
            "dsc-pin-change",
            self._challenge_shown,
            self.api.start_dsc_plus_pin_change,
            self._token,
            self.device_id,
            new,
            repeat,
        )

    def _send_response(self) -> None:
        response = self.response.text().strip()
        if not response:
            self.show_notice(self.tr("Type the response code your DSC+ shows."))
            return
        self._run(
            "dsc-pin-change-respond",
            self._pin_changed,
            self.api.respond_dsc_plus_pin_change,
            self._token,
            self.device_id,
            response,
        )

    def _run(
        self, name: str, then: Callable[[Any], None], func: Callable[..., object], *args: object
    ) -> None:
        self.show_notice("")
        self._busy(True)
        task = self.worker.submit(name, func, *args, owner=self)
        task.succeeded.connect(then)
        task.failed.connect(self._failed)
        task.finished.connect(self._ended)
        self.task = task

    @Slot()
    def _ended(self) -> None:
        self.task = None
        self._busy(False)

    def _challenge_shown(self, answer: PinChangeChallenge) -> None:
        self.challenge.setText(answer.challenge.code or "")
        self._seconds_left = answer.challenge.expires_in or 0
        self.timer.start()
        self._go_to(1)

    def _pin_changed(self, answer: PinChanged) -> None:
        self._go_to(2)
        self.pinChanged.emit(answer.device_id)

    def _failed(self, error: object) -> None:
        self.show_notice(self.failure_text(error))
        if isinstance(error, ChallengeExpired | ChallengeFailed | ChangeNotFound):
            self._go_to(0)
        elif isinstance(error, WrongResponse):
            self.response.selectAll()
            self.response.setFocus()
        elif isinstance(error, DeviceLocked | DeviceNotFound | Unauthorized):
            self.continue_button.hide()

    def failure_text(self, error: object) -> str:
        """What went wrong, in the user's language."""
        if isinstance(error, InvalidPin):
            return self.tr("A DSC+ PIN has exactly {digits} digits.").format(
                digits=DSC_PLUS_PIN_DIGITS
            )
        if isinstance(error, PinMismatch):
            return self.tr("The two PINs differ. Type the new PIN twice.")
        if isinstance(error, WrongResponse):
            return self.tr(
                "The response is not correct: enter the NEW PIN on your DSC+, then the "
                "challenge code. Attempts left: {attempts}."
            ).format(attempts=error.attempts_left if error.attempts_left is not None else 0)
        if isinstance(error, ChallengeFailed):
            return self.tr("Too many wrong responses. Your PIN was not changed. Start again.")
        if isinstance(error, ChallengeExpired):
            return self.tr("The challenge has expired. Your PIN was not changed. Start again.")
        if isinstance(error, ChangeNotFound):
            return self.tr("This PIN change is over. Start again.")
        if isinstance(error, DeviceLocked):
            return self.tr(
                "Your DSC+ is locked after too many wrong responses. Contact Client Services "
                "to reset it."
            )
        if isinstance(error, DeviceNotFound):
            return self.tr("This device is no longer one of your active devices.")
        if isinstance(error, Unauthorized):
            return self.tr("Your session has ended. Log in again to change the PIN.")
        if isinstance(error, ApiError):
            return self.tr("The server refused the PIN change: {reason}").format(
                reason=error.message
            )
        if isinstance(error, ClientError):
            return describe_failure(error)
        return self.tr("The PIN change failed: {reason}").format(reason=type(error).__name__)

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.timer.stop()
        super().reject()
