"""A Digital Security Card+ on screen: an LCD, a keypad, "OK", "C" and the "press" power key.

It follows the seeds' sequence: "press" until ``PIN>`` shows, the PIN (``DSC_PLUS_PIN_DIGITS``
digits) and "OK", then at ``CHALLNG>`` the challenge and "OK", and the OCRA response appears
(``DSC_PLUS_OCRA_SUITE``). ``DSC_PLUS_PIN_TRIES`` wrong PINs in a row lock the card for the life
of the window.

PIN change (seed: "How to change the PIN of a security device", DSC+): the "Change PIN" key (or
P) puts the card in PIN-change mode: ``NEW PIN>`` takes any 4 digits, then ``CHALLNG>`` the
challenge the client shows, and the response is computed with that new PIN. Once it has shown
that response the card keeps the new PIN, as a physical card does: it cannot know whether the
server accepted the change, so a change the server refused is undone by changing the PIN again
(back to the old one). Leaving the mode before the response keeps the old PIN.
"""

from __future__ import annotations

from enum import Enum, auto

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE, DeviceKind
from tws_companion.sls.ocra import compute_response
from tws_companion.sls.pins import pin_problem
from tws_companion.sls.policy import (
    DSC_PLUS_CHALLENGE_DIGITS,
    DSC_PLUS_PIN_DIGITS,
    DSC_PLUS_PIN_TRIES,
)
from tws_companion.sls.text_input import secure_equals

__all__ = ["DscPlusSimulator"]

#: How long "PIN ERR" stays on the display before ``PIN>`` comes back.
PIN_ERROR_DISPLAY_MS = 1500

_DIGITS = "0123456789"
_KEYPAD_ROWS = ("123", "456", "789")

_STYLE = """
QFrame#dscBody {
    background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #3a4250, stop:1 #1d222b);
    border: 1px solid #10131a;
    border-radius: 22px;
}
QLabel#dscBrand { color: #f2f4f7; font-weight: bold; font-size: 17px; }
QLabel#dscModel { color: #9aa4b2; font-size: 11px; }
QLabel#dscLabel { color: #9aa4b2; font-size: 11px; }
QLabel#dscLcd {
    background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #0f1a14, stop:1 #182a20);
    color: #8df0a8;
    border: 3px solid #0a0d12;
    border-radius: 8px;
    padding: 6px 10px;
}
QPushButton#dscKey, QPushButton#dscOk, QPushButton#dscClear {
    background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #f4f6f8, stop:1 #d5dae0);
    color: #1d222b;
    border: 1px solid #0d1016;
    border-bottom: 4px solid #7d8591;
    border-radius: 10px;
    font-size: 18px;
    font-weight: bold;
    min-width: 58px;
    min-height: 40px;
}
QPushButton#dscOk { color: #1d6b34; }
QPushButton#dscClear { color: #a23b17; }
QPushButton#dscKey:pressed, QPushButton#dscOk:pressed, QPushButton#dscClear:pressed {
    background: #c3c9d1;
    border-bottom: 1px solid #7d8591;
    padding-top: 3px;
}
QPushButton#dscPower {
    background: qradialgradient(cx:0.5, cy:0.4, radius:0.7, stop:0 #e05a47, stop:1 #9c2a1c);
    color: #ffffff;
    border: 2px solid #5e150c;
    border-radius: 23px;
    font-size: 12px;
    font-weight: bold;
    min-width: 46px; max-width: 46px;
    min-height: 46px; max-height: 46px;
}
QPushButton#dscPower:pressed { background: #7d1f14; }
QPushButton#dscChangePin {
    background: transparent;
    color: #c9d1db;
    border: 1px solid #7d8591;
    border-radius: 8px;
    font-size: 11px;
    padding: 3px;
}
QPushButton#dscChangePin:checked { background: #8df0a8; color: #10131a; }
"""


class _State(Enum):
    OFF = auto()
    PIN = auto()
    NEW_PIN = auto()
    PIN_ERROR = auto()
    CHALLENGE = auto()
    RESPONSE = auto()
    LOCKED = auto()


class DscPlusSimulator(TranslatedWidget):
    """A Digital Security Card+ that computes real OCRA responses for ``device``.

    ``ValueError`` (naming the rule, never the PIN) for a device whose PIN no DSC+ takes.

    Keyboard: the digits, Enter (OK), Backspace, Delete or Escape (C), Space ("press"), P (Change
    PIN mode).
    The title and tooltips follow the app's language; what is printed on the card and shown on
    its display ("press", "OK", "C", ``PIN>``, ``CHALLNG>``) stays as on the device.

    Signals: responseShown(str) - the response just put on the display;
    displayChanged(str) - the new display text (PIN digits show as ``*``);
    pinChanged() - the card now holds a new PIN (never carried by the signal).
    """

    responseShown = Signal(str)
    displayChanged = Signal(str)
    pinChanged = Signal()

    def __init__(self, device: SimulatedOcraDevice, parent: QWidget | None = None) -> None:
        problem = pin_problem(DeviceKind.DSC_PLUS, device.pin)
        if problem is not None:
            raise ValueError(problem)
        super().__init__(parent)
        self._device = device
        #: The card's PIN: the device's, until a PIN change gives it another.
        self._pin = device.pin
        #: In PIN-change mode, after the new PIN was keyed: the response computed with it makes
        #: it the card's PIN.
        self._changing = False
        self._state = _State.OFF
        self._entry = ""
        self._pin_ok = ""
        self._response = ""
        self._wrong_pins = 0
        self._display = ""
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.setInterval(PIN_ERROR_DISPLAY_MS)

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(_STYLE)

        self.lcd = QLabel()
        self.model = QLabel()
        self.power_key = QPushButton(self.tr("press", "the power key printed on the DSC+"))
        self.ok_key = QPushButton(self.tr("OK", "a key printed on the DSC+"))
        self.clear_key = QPushButton(self.tr("C", "the clear key printed on the DSC+"))
        self.change_pin_key = QPushButton()
        self.change_pin_key.setCheckable(True)
        self.digit_keys: dict[str, QPushButton] = {digit: QPushButton(digit) for digit in _DIGITS}
        self._build()
        self._connect_signals()
        self.retranslate()
        self._render()

    # -- public API ----------------------------------------------------------------------------

    @property
    def display_text(self) -> str:
        """What the LCD shows right now ("" when the card is off)."""
        return self._display

    @property
    def changing_pin(self) -> bool:
        """Whether the card is in PIN-change mode."""
        return self._state is _State.NEW_PIN or self._changing

    @Slot()
    def press_power(self) -> None:
        """The "press" key: turns the card on (``PIN>``) or off (leaving PIN-change mode)."""
        if self._state is _State.LOCKED:
            return
        self._start(_State.PIN if self._state is _State.OFF else _State.OFF)

    @Slot()
    def press_change_pin(self) -> None:
        """The "Change PIN" key: the card on in PIN-change mode (``NEW PIN>``), or out of it
        (off) when it is in it."""
        if self._state is not _State.LOCKED:
            self._start(_State.OFF if self.changing_pin else _State.NEW_PIN)
        self.change_pin_key.setChecked(self.changing_pin)

    def _start(self, state: _State) -> None:
        self._error_timer.stop()
        self._entry = ""
        self._pin_ok = ""
        self._response = ""
        self._changing = False
        self._state = state
        self.change_pin_key.setChecked(state is _State.NEW_PIN)
        self._render()

    def press_digit(self, digit: str) -> None:
        """A digit key."""
        if digit not in _DIGITS or len(digit) != 1:
            raise ValueError("a DSC+ key is a single digit")
        if self._state is _State.PIN_ERROR:
            self._leave_pin_error()
        if self._state is _State.RESPONSE:
            self._state = _State.CHALLENGE
            self._response = ""
        limit = {
            _State.PIN: DSC_PLUS_PIN_DIGITS,
            _State.NEW_PIN: DSC_PLUS_PIN_DIGITS,
            _State.CHALLENGE: DSC_PLUS_CHALLENGE_DIGITS,
        }.get(self._state)
        if limit is None or len(self._entry) >= limit:
            return
        self._entry += digit
        self._render()

    @Slot()
    def press_ok(self) -> None:
        """The "OK" key: checks the PIN, or answers the challenge."""
        if self._state is _State.PIN and len(self._entry) == DSC_PLUS_PIN_DIGITS:
            self._check_pin()
        elif self._state is _State.NEW_PIN and len(self._entry) == DSC_PLUS_PIN_DIGITS:
            self._pin_ok = self._entry  # any PIN: the response will carry it to the server
            self._entry = ""
            self._changing = True
            self._state = _State.CHALLENGE
            self._render()
        elif self._state is _State.CHALLENGE and len(self._entry) == DSC_PLUS_CHALLENGE_DIGITS:
            self._answer_challenge()

    @Slot()
    def press_clear(self) -> None:
        """The "C" key: clears what was typed; after a response, asks for a new challenge."""
        if self._state is _State.PIN_ERROR:
            self._leave_pin_error()
            return
        if self._state is _State.RESPONSE:
            self._state = _State.CHALLENGE
            self._response = ""
        if self._state in (_State.PIN, _State.NEW_PIN, _State.CHALLENGE):
            self._entry = ""
            self._render()

    # -- Qt overrides --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if len(text) == 1 and text in _DIGITS:
            self.press_digit(text)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.press_ok()
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Escape):
            self.press_clear()
        elif key == Qt.Key.Key_Space:
            self.press_power()
        elif key == Qt.Key.Key_P:
            self.press_change_pin()
        else:
            super().keyPressEvent(event)

    # -- internals -----------------------------------------------------------------------------

    def _build(self) -> None:
        body = QFrame()
        body.setObjectName("dscBody")

        brand = QLabel(self.tr("DSC+", "the model name printed on the card"))
        brand.setObjectName("dscBrand")
        self.model.setObjectName("dscModel")
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(brand)
        titles.addWidget(self.model)
        self.power_key.setObjectName("dscPower")
        top = QHBoxLayout()
        top.addLayout(titles)
        top.addStretch(1)
        top.addWidget(self.power_key)

        self.lcd.setObjectName("dscLcd")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPixelSize(24)
        font.setBold(True)
        self.lcd.setFont(font)
        self.lcd.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.lcd.setMinimumHeight(54)
        self.lcd.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        keypad = QGridLayout()
        keypad.setHorizontalSpacing(12)
        keypad.setVerticalSpacing(10)
        for row, digits in enumerate(_KEYPAD_ROWS):
            for column, digit in enumerate(digits):
                keypad.addWidget(self.digit_keys[digit], row, column)
        keypad.addWidget(self.clear_key, 3, 0)
        keypad.addWidget(self.digit_keys["0"], 3, 1)
        keypad.addWidget(self.ok_key, 3, 2)
        keypad.addWidget(self.change_pin_key, 4, 0, 1, 3)
        for digit, key in self.digit_keys.items():
            key.setObjectName("dscKey")
            key.setAccessibleName(digit)
        self.ok_key.setObjectName("dscOk")
        self.clear_key.setObjectName("dscClear")
        self.change_pin_key.setObjectName("dscChangePin")
        keys = (self.power_key, self.ok_key, self.clear_key, self.change_pin_key)
        for key in (*keys, *self.digit_keys.values()):
            # The card keeps the keyboard focus, so typing works whatever key was clicked last.
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.setCursor(Qt.CursorShape.PointingHandCursor)

        label = QLabel(self._device.shown_label)
        label.setObjectName("dscLabel")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        inner = QVBoxLayout(body)
        inner.setContentsMargins(22, 16, 22, 16)
        inner.setSpacing(14)
        inner.addLayout(top)
        inner.addWidget(self.lcd)
        inner.addSpacing(4)
        inner.addLayout(keypad)
        inner.addWidget(label)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        outer.addWidget(body)
        self.setFixedWidth(300)

    def retranslate(self) -> None:
        self.setWindowTitle(
            self.tr("Digital Security Card+ - {label}").format(label=self._device.shown_label)
        )
        self.model.setText(self.tr("Digital Security Card+"))
        self.power_key.setToolTip(self.tr("Turn the card on or off (Space)"))
        self.lcd.setAccessibleName(self.tr("Card display"))
        self.ok_key.setToolTip(self.tr("Confirm (Enter)"))
        self.clear_key.setToolTip(self.tr("Clear (Backspace)"))
        self.change_pin_key.setText(self.tr("Change PIN"))
        self.change_pin_key.setToolTip(
            self.tr(
                "PIN-change mode (P): key the new PIN, then the challenge shown by the PIN "
                "change; the card keeps the new PIN once it shows the response"
            )
        )

    def _connect_signals(self) -> None:
        self.power_key.clicked.connect(self.press_power)
        self.ok_key.clicked.connect(self.press_ok)
        self.change_pin_key.clicked.connect(self.press_change_pin)
        self.clear_key.clicked.connect(self.press_clear)
        for digit, key in self.digit_keys.items():
            key.clicked.connect(lambda _checked=False, d=digit: self.press_digit(d))
        self._error_timer.timeout.connect(self._leave_pin_error)

    def _check_pin(self) -> None:
        entered = self._entry
        self._entry = ""
        if secure_equals(entered, self._pin):
            self._wrong_pins = 0
            self._pin_ok = entered
            self._state = _State.CHALLENGE
        else:
            self._wrong_pins += 1
            if self._wrong_pins >= DSC_PLUS_PIN_TRIES:
                self._state = _State.LOCKED
            else:
                self._state = _State.PIN_ERROR
                self._error_timer.start()
        self._render()

    @Slot()
    def _leave_pin_error(self) -> None:
        self._error_timer.stop()
        if self._state is _State.PIN_ERROR:
            self._state = _State.PIN
            self._entry = ""
            self._render()

    def _answer_challenge(self) -> None:
        challenge = self._entry
        self._entry = ""
        try:
            response = compute_response(
                DSC_PLUS_OCRA_SUITE, self._device.secret, challenge, pin=self._pin_ok
            )
        except ValueError:
            # A device set up with a bad PIN or key: the card shows an error, never the inputs.
            self._state = _State.CHALLENGE
            self._set_display(self.tr("ERROR", "LCD text of the DSC+"))
            return
        self._response = response
        self._state = _State.RESPONSE
        changed = self._changing
        if changed:
            self._pin = self._pin_ok
            self._changing = False
            self.change_pin_key.setChecked(False)
        self._render()
        self.responseShown.emit(response)
        if changed:
            self.pinChanged.emit()

    def _render(self) -> None:
        state = self._state
        if state is _State.OFF:
            text = ""
        elif state is _State.PIN:
            text = self.tr("PIN>", "LCD text of the DSC+; keep as on the device") + "*" * len(
                self._entry
            )
        elif state is _State.NEW_PIN:
            text = self.tr("NEW PIN>", "LCD text of the DSC+ in PIN-change mode") + "*" * len(
                self._entry
            )
        elif state is _State.PIN_ERROR:
            text = self.tr("PIN ERR", "LCD text of the DSC+; keep as on the device")
        elif state is _State.CHALLENGE:
            text = self.tr("CHALLNG>", "LCD text of the DSC+; keep as on the device") + self._entry
        elif state is _State.RESPONSE:
            text = self._response
        else:
            text = self.tr("LOCKED", "LCD text of the DSC+")
        self._set_display(text)

    def _set_display(self, text: str) -> None:
        self.lcd.setText(text)
        if text != self._display:
            self._display = text
            self.displayChanged.emit(text)
