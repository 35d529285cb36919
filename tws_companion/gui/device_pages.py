"""One page per second-factor device; ``PAGES`` maps a device kind to its page class.

A page shows the challenge and its instructions and emits what the user typed; it never talks to
the server. Its heading is the name of the device's kind. ``focus_chain()`` lists what Tab visits,
in the order the page shows it. Signals of DevicePage: submitted(str) — the response;
resendRequested(str) — "sms" or "voice" (SMS page only).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.gui.layouts import right_aligned
from tws_companion.gui.messages import countdown_text, device_kind_name
from tws_companion.sls.policy import (
    CODE_CARD_INDICES_PER_CHALLENGE,
    CODE_CARD_VALUE_LENGTH,
    DSC_PLUS_CHALLENGE_DIGITS,
    DSC_PLUS_PIN_DIGITS,
    OCRA_RESPONSE_DIGITS,
    ONE_TIME_CODE_DIGITS,
    TEMPORARY_FULL_ACCESS,
)

if TYPE_CHECKING:  # pydantic models: the login window paints before pydantic is loaded
    from tws_companion.client.models import Challenge, Device


def _digits_validator(digits: int, field: QLineEdit) -> QRegularExpressionValidator:
    """Up to ``digits`` ASCII digits in ``field``."""
    return QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{digits}}}"), field)


def _big(label: QLabel, size: int = 22) -> QLabel:
    font = QFont(label.font())
    font.setPointSize(size)
    font.setBold(True)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFamily("DejaVu Sans Mono")
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DevicePage(TranslatedWidget):
    submitted = Signal(str)
    resendRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.device: Device | None = None
        self.challenge: Challenge | None = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.instructions = QLabel()
        self.instructions.setWordWrap(True)
        self.instructions.setTextFormat(Qt.TextFormat.RichText)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.submit_button = QPushButton()
        self.submit_button.setObjectName("primary")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self._submit)
        #: The submit button's text, read on every language change: "Log In" when ``None``;
        #: another use of the page sets its own (the identity check's "Continue").
        self.submit_text: Callable[[], str] | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.title)

    def _finish_layout(self) -> None:
        self.layout_.addWidget(self.instructions)
        self.layout_.addWidget(self.countdown)
        self.layout_.addStretch(1)
        row = right_aligned(self.submit_button)
        self.layout_.addLayout(row)
        self.retranslate()

    def show_challenge(self, device: Device, challenge: Challenge) -> None:
        self.device = device
        self.challenge = challenge
        self.clear()
        self.retranslate()

    def set_countdown(self, seconds: int | None) -> None:
        if seconds is None:
            self.countdown.clear()
        else:
            self.countdown.setText(
                self.tr("Time left to respond: {time}").format(time=countdown_text(seconds))
            )

    def set_call_countdown(self, seconds: int) -> None:
        """A voice call is on its way (SMS page); other pages show the challenge's time."""
        self.set_countdown(seconds)

    def set_busy(self, busy: bool) -> None:
        for child in self.findChildren(QLineEdit) + self.findChildren(QPushButton):
            child.setEnabled(not busy)

    def clear(self) -> None:
        for field in self.findChildren(QLineEdit):
            field.clear()

    def focus_input(self) -> None:
        fields = self.findChildren(QLineEdit)
        if fields:
            fields[0].setFocus()

    def focus_chain(self) -> list[QWidget]:
        """What Tab visits on this page, top to bottom: the fields, then Log In."""
        return [*self.findChildren(QLineEdit), self.submit_button]

    def kind_name(self, default: str) -> str:
        """The name of the shown device's kind (``default`` before a device is shown)."""
        return device_kind_name(self.device.kind if self.device is not None else default)

    def response(self) -> str:
        """What the user typed, complete and normalised; empty while it is incomplete."""
        return ""

    def _submit(self) -> None:
        text = self.response()
        if text:
            self.submitted.emit(text)

    def retranslate(self) -> None:
        self.submit_button.setText(
            self.submit_text() if self.submit_text is not None else self.tr("Log In")
        )


class OcraPage(DevicePage):
    """A challenge code typed into a device; the device's response typed back."""

    response_length = OCRA_RESPONSE_DIGITS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.challenge_caption = QLabel()
        self.challenge_code = _big(QLabel())
        self.challenge_code.setObjectName("challengeCode")
        self.response_caption = QLabel()
        self.response_field = QLineEdit()
        self.response_field.setObjectName("responseField")
        self.response_field.setValidator(
            _digits_validator(self.response_length, self.response_field)
        )
        self.response_field.returnPressed.connect(self._submit)
        self.response_field.textChanged.connect(self._update_enabled)
        self.layout_.addWidget(self.challenge_caption)
        self.layout_.addWidget(self.challenge_code)
        self.layout_.addWidget(self.response_caption)
        self.layout_.addWidget(self.response_field)
        self._finish_layout()
        self._update_enabled()

    def show_challenge(self, device: Device, challenge: Challenge) -> None:
        super().show_challenge(device, challenge)
        self.challenge_code.setText(challenge.code or "")

    def _update_enabled(self) -> None:
        self.submit_button.setEnabled(len(self.response_field.text()) == self.response_length)

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        if not busy:
            self._update_enabled()

    def response(self) -> str:
        text = self.response_field.text().strip()
        return text if len(text) == self.response_length else ""

    def retranslate(self) -> None:
        super().retranslate()
        self.challenge_caption.setText(self.tr("Challenge code:"))
        self.response_caption.setText(self.tr("Response:"))
        self.response_field.setPlaceholderText(
            self.tr("{digits} digits").format(digits=self.response_length)
        )


class DscPlusPage(OcraPage):
    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.kind_name("dsc_plus"))
        self.instructions.setText(
            self.tr(
                "<ol>"
                "<li>Press and hold the <b>press</b> button until <b>PIN&gt;</b> appears, enter "
                "your {pin}-digit PIN and press <b>OK</b>.</li>"
                "<li>When <b>CHALLNG&gt;</b> appears, enter the {challenge}-digit challenge code "
                "shown here and press <b>OK</b>.</li>"
                "<li>Enter the {response} digits of the response code below and click "
                "<b>Log In</b>. If the time runs out, start over from step 1.</li>"
                "</ol>"
            ).format(
                pin=DSC_PLUS_PIN_DIGITS,
                challenge=DSC_PLUS_CHALLENGE_DIGITS,
                response=self.response_length,
            )
        )


class IbKeyPage(OcraPage):
    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.kind_name("ib_key"))
        self.instructions.setText(
            self.tr(
                "Open IBKR Mobile on your phone and select <b>Authenticate</b>."
                "<ul><li><b>Android:</b> enter your PIN and the challenge code, then tap "
                "<b>Generate Passcode</b>.</li>"
                "<li><b>iOS:</b> enter the challenge code, tap <b>Generate Passcode</b> and use "
                "Touch ID or Face ID.</li></ul>"
                "Enter the response string below and click <b>Log In</b>."
            )
        )


class LegacyOcraPage(OcraPage):
    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.kind_name("dsc"))
        self.instructions.setText(
            self.tr("Enter the challenge code into your device and type its response below.")
        )


class CodeCardPage(DevicePage):
    """The index numbers of the challenge; the card's value for each, one field each.

    A full value moves the focus on to the next field; a Tab typed right after it (out of habit)
    is then taken as that move, not as one more: no field is skipped.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: list[QLineEdit] = []
        self.captions: list[QLabel] = []
        #: The field the focus was just moved on to, until something is typed or it is left.
        self._moved_to: QLineEdit | None = None
        grid = QHBoxLayout()
        for _ in range(CODE_CARD_INDICES_PER_CHALLENGE):
            box = QVBoxLayout()
            caption = _big(QLabel(), 14)
            field = QLineEdit()
            field.setMaxLength(CODE_CARD_VALUE_LENGTH)
            field.setValidator(
                QRegularExpressionValidator(
                    QRegularExpression(f"[A-Za-z0-9]{{0,{CODE_CARD_VALUE_LENGTH}}}"), field
                )
            )
            field.textChanged.connect(self._advance)
            field.returnPressed.connect(self._submit)
            field.installEventFilter(self)
            box.addWidget(caption)
            box.addWidget(field)
            grid.addLayout(box)
            self.fields.append(field)
            self.captions.append(caption)
        self.layout_.addLayout(grid)
        self._finish_layout()

    def show_challenge(self, device: Device, challenge: Challenge) -> None:
        super().show_challenge(device, challenge)
        self._advance()

    def _advance(self) -> None:
        for field, following in pairwise(self.fields):
            if len(field.text()) == CODE_CARD_VALUE_LENGTH and field.hasFocus():
                following.setFocus(Qt.FocusReason.TabFocusReason)
                self._moved_to = following
                break
        self.submit_button.setEnabled(
            all(len(f.text()) == CODE_CARD_VALUE_LENGTH for f in self.fields)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A Tab pressed in the field the focus was just moved on to, before anything is typed
        there, is the move already made: it is dropped."""
        if watched is self._moved_to and watched is not None:
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                self._moved_to = None
                if event.key() == Qt.Key.Key_Tab and not event.modifiers() and not watched.text():
                    return True
            elif event.type() == QEvent.Type.FocusOut:
                self._moved_to = None
        return super().eventFilter(watched, event)

    def response(self) -> str:
        values = [field.text().strip().upper() for field in self.fields]
        return "".join(values) if all(len(v) == CODE_CARD_VALUE_LENGTH for v in values) else ""

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        if not busy:
            self._advance()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.kind_name("code_card"))
        indices = self.challenge.indices if self.challenge is not None else None
        for caption, index in zip(self.captions, indices or (), strict=False):
            caption.setText(self.tr("Index {index}").format(index=index))
        self.instructions.setText(
            self.tr(
                "Find the index numbers on your card and enter the {length}-character value "
                "next to each, without spaces."
            ).format(length=CODE_CARD_VALUE_LENGTH)
        )


class SmsPage(DevicePage):
    """A code sent by SMS; "Didn't receive a security code?" asks for a new one by SMS or voice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sent_to = QLabel()
        self.sent_to.setWordWrap(True)
        self.code_field = QLineEdit()
        self.code_field.setObjectName("responseField")
        self.code_field.setValidator(_digits_validator(ONE_TIME_CODE_DIGITS, self.code_field))
        self.code_field.textChanged.connect(self._update_enabled)
        self.code_field.returnPressed.connect(self._submit)
        self.not_received = QPushButton()
        self.not_received.setObjectName("link")
        self.not_received.setFlat(True)
        self.not_received.setCursor(Qt.CursorShape.PointingHandCursor)
        self.not_received.clicked.connect(self._toggle_request)
        self.request_box = QFrame()
        self.request_box.setObjectName("requestBox")
        box = QVBoxLayout(self.request_box)
        self.request_title = QLabel()
        self.request_title.setObjectName("sectionTitle")
        self.by_sms = QRadioButton()
        self.by_voice = QRadioButton()
        self.by_sms.setChecked(True)
        self.channels = QButtonGroup(self)
        self.channels.addButton(self.by_sms)
        self.channels.addButton(self.by_voice)
        self.request_ok = QPushButton()
        self.request_ok.clicked.connect(self._request)
        choice = QHBoxLayout()
        choice.addWidget(self.by_sms)
        choice.addWidget(self.by_voice)
        choice.addStretch(1)
        choice.addWidget(self.request_ok)
        box.addWidget(self.request_title)
        box.addLayout(choice)
        self.request_box.hide()
        self.layout_.addWidget(self.sent_to)
        self.layout_.addWidget(self.code_field)
        self.layout_.addWidget(self.not_received, 0, Qt.AlignmentFlag.AlignLeft)
        self.layout_.addWidget(self.request_box)
        self._finish_layout()
        self._update_enabled()

    def show_challenge(self, device: Device, challenge: Challenge) -> None:
        super().show_challenge(device, challenge)
        self.request_box.hide()

    def focus_chain(self) -> list[QWidget]:
        return [
            self.code_field,
            self.not_received,
            self.by_sms,
            self.by_voice,
            self.request_ok,
            self.submit_button,
        ]

    def _toggle_request(self) -> None:
        self.request_box.setVisible(not self.request_box.isVisible())

    def _request(self) -> None:
        self.request_box.hide()
        self.resendRequested.emit("voice" if self.by_voice.isChecked() else "sms")

    def _update_enabled(self) -> None:
        self.submit_button.setEnabled(len(self.code_field.text()) == ONE_TIME_CODE_DIGITS)

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        for button in (self.by_sms, self.by_voice):
            button.setEnabled(not busy)
        if not busy:
            self._update_enabled()

    def set_countdown(self, seconds: int | None) -> None:
        if seconds is None:
            self.countdown.clear()
        else:
            self.countdown.setText(
                self.tr("The code is valid for {time}").format(time=countdown_text(seconds))
            )

    def set_call_countdown(self, seconds: int) -> None:
        self.countdown.setText(
            self.tr("Expected call within {time}").format(time=countdown_text(seconds))
        )

    def response(self) -> str:
        text = self.code_field.text().strip()
        return text if len(text) == ONE_TIME_CODE_DIGITS else ""

    def retranslate(self) -> None:
        super().retranslate()
        destination = self.challenge.destination if self.challenge else ""
        voice = bool(
            self.challenge and self.challenge.channel and self.challenge.channel == "voice"
        )
        self.title.setText(
            self.tr("Security code by voice call") if voice else self.tr("Security code by SMS")
        )
        self.sent_to.setText(
            self.tr("A call will read the security code to {phone}.").format(phone=destination)
            if voice
            else self.tr("A security code was sent by SMS to {phone}.").format(phone=destination)
        )
        self.code_field.setPlaceholderText(
            self.tr("{digits}-digit security code").format(digits=ONE_TIME_CODE_DIGITS)
        )
        self.instructions.setText(self.tr("Enter the security code and click <b>Log In</b>."))
        self.not_received.setText(self.tr("Didn't receive a security code?"))
        self.request_title.setText(self.tr("Request new security code"))
        self.by_sms.setText(self.tr("SMS"))
        self.by_voice.setText(self.tr("Voice"))
        self.request_ok.setText(self.tr("OK"))


class PasscodePage(DevicePage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.passcode_field = QLineEdit()
        self.passcode_field.setObjectName("responseField")
        self.passcode_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.passcode_field.returnPressed.connect(self._submit)
        self.layout_.addWidget(self.passcode_field)
        self._finish_layout()

    def response(self) -> str:
        return self.passcode_field.text().strip().upper()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Temporary passcode"))
        self.instructions.setText(
            self.tr(
                "Enter the temporary passcode Client Services gave you. It opens every platform "
                "for {days} days, then Client Portal only, to print your Online Security Code "
                "Card."
            ).format(days=TEMPORARY_FULL_ACCESS.days)
        )
        self.passcode_field.setPlaceholderText(self.tr("Temporary passcode"))


PAGES: dict[str, type[DevicePage]] = {
    "dsc_plus": DscPlusPage,
    "ib_key": IbKeyPage,
    "code_card": CodeCardPage,
    "online_card": CodeCardPage,
    "sms": SmsPage,
    "temporary": PasscodePage,
    "dsc": LegacyOcraPage,
    "gold": LegacyOcraPage,
    "platinum": LegacyOcraPage,
}
