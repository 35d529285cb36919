"""IB Key in IBKR Mobile, on screen: Android (PIN + challenge) or iOS (challenge + Touch ID).

The response is the real OCRA answer (``IB_KEY_OCRA_SUITE``) for the simulated device. On
Android the user types the PIN chosen at activation (``IB_KEY_PIN_MIN_LENGTH`` to
``IB_KEY_PIN_MAX_LENGTH`` letters, digits or symbols, as ``sls.pins`` has it); on iOS the PIN stays
in the phone's secure store and Touch ID releases it.

Like IBKR Mobile, the app may hold IB Key for several users (the demo's ``demo`` and ``solo``):
a drop-down then picks the user, and the response is computed with that user's key and PIN.

Signals of IbKeySimulator: responseShown(str) — the response string just generated.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE, DeviceKind
from tws_companion.sls.ocra import compute_response
from tws_companion.sls.pins import pin_problem
from tws_companion.sls.policy import (
    IB_KEY_CHALLENGE_DIGITS,
    IB_KEY_PIN_MAX_LENGTH,
    IB_KEY_PIN_MIN_LENGTH,
)
from tws_companion.sls.text_input import is_ascii_digits, secure_equals

__all__ = ["IbKeySimulator"]

_STYLE = """
QFrame#phoneBody { background: #101418; border-radius: 28px; }
QFrame#phoneScreen { background: #ffffff; border-radius: 10px; }
QLabel#appTitle { color: #ffffff; background: #d81222; font-weight: bold; font-size: 15px;
                  padding: 10px; border-top-left-radius: 10px; border-top-right-radius: 10px; }
QWidget#userRow { background: #fbe9eb; }
QLabel#response { font-size: 24px; font-weight: bold; color: #0b5cad; letter-spacing: 3px; }
QLabel#problem { color: #b3261e; }
QLineEdit { padding: 6px; border: 1px solid #b8c2cc; border-radius: 4px; font-size: 15px; }
QPushButton#generate { background: #d81222; color: white; border: none; border-radius: 4px;
                       padding: 8px; font-weight: bold; }
QPushButton#touchId { background: #f2f4f7; border: 2px solid #d81222; border-radius: 34px;
                      min-width: 68px; max-width: 68px; min-height: 68px; max-height: 68px;
                      font-size: 28px; }
"""


def _mono(label: QLabel) -> QLabel:
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return label


class _PlatformPage(TranslatedWidget):
    """One platform's screen: fields, a Generate Passcode button, the response or a problem."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.challenge_caption = QLabel()
        self.challenge = QLineEdit()
        self.challenge.setMaxLength(IB_KEY_CHALLENGE_DIGITS)
        self.challenge.setObjectName("challenge")
        self.generate = QPushButton()
        self.generate.setObjectName("generate")
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.response = _mono(QLabel())
        self.response.setObjectName("response")
        self.response.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.response.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def challenge_problem(self) -> str | None:
        text = self.challenge.text().strip()
        if len(text) != IB_KEY_CHALLENGE_DIGITS or not is_ascii_digits(text):
            return self.tr("Enter the {digits}-digit challenge code shown at login.").format(
                digits=IB_KEY_CHALLENGE_DIGITS
            )
        return None

    def show_problem(self, problem: str) -> None:
        self.problem.setText(problem)
        self.response.clear()

    def show_response(self, response: str) -> None:
        self.problem.clear()
        self.response.setText(response)

    def reset(self) -> None:
        """Clear what was typed and shown (another user was picked)."""
        self.challenge.clear()
        self.problem.clear()
        self.response.clear()

    def retranslate(self) -> None:
        self.challenge_caption.setText(self.tr("Challenge Code"))
        self.generate.setText(self.tr("Generate Passcode"))


class _AndroidPage(_PlatformPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pin_caption = QLabel()
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(IB_KEY_PIN_MAX_LENGTH)
        for widget in (self.heading, self.pin_caption, self.pin, self.challenge_caption,
                       self.challenge, self.generate, self.problem, self.response):  # fmt: skip
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(
            self.tr("Type the PIN you chose when you activated IB Key and the challenge code.")
        )
        self.pin_caption.setText(self.tr("PIN"))


class _IosPage(_PlatformPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.touch_prompt = QLabel()
        self.touch_prompt.setWordWrap(True)
        self.touch_prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.touch_id = QPushButton("☝")
        self.touch_id.setObjectName("touchId")
        self.touch_prompt.hide()
        self.touch_id.hide()
        for widget in (self.heading, self.challenge_caption, self.challenge, self.generate,
                       self.touch_prompt, self.problem, self.response):  # fmt: skip
            self.layout_.addWidget(widget)
        self.layout_.addWidget(self.touch_id, 0, Qt.AlignmentFlag.AlignHCenter)
        self.layout_.addStretch(1)
        self.retranslate()

    def ask_for_touch(self, waiting: bool) -> None:
        self.touch_prompt.setVisible(waiting)
        self.touch_id.setVisible(waiting)

    def reset(self) -> None:
        super().reset()
        self.ask_for_touch(False)

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Type the challenge code, then use Touch ID or Face ID."))
        self.touch_prompt.setText(self.tr("Place your finger on the Home Button"))
        self.touch_id.setToolTip(self.tr("Touch ID"))


class IbKeySimulator(TranslatedWidget):
    """IBKR Mobile's Authenticate screen for ``devices`` (one, or one per user: a drop-down then
    picks the user), on Android and on iOS.

    ``ValueError`` (naming the rule, never the PIN) for a device whose PIN IB Key does not take,
    or for no device at all.
    """

    responseShown = Signal(str)

    def __init__(
        self,
        devices: SimulatedOcraDevice | Sequence[SimulatedOcraDevice],
        parent: QWidget | None = None,
    ) -> None:
        held = (devices,) if isinstance(devices, SimulatedOcraDevice) else tuple(devices)
        if not held:
            raise ValueError("IB Key needs at least one device")
        for device in held:
            problem = pin_problem(DeviceKind.IB_KEY, device.pin)
            if problem is not None:
                raise ValueError(problem)
        super().__init__(parent)
        self._devices = held
        self.setStyleSheet(_STYLE)
        self.title = QLabel()
        self.title.setObjectName("appTitle")
        self.user_caption = QLabel()
        self.users = QComboBox()
        for device in held:
            self.users.addItem(device.user or device.label)
        self.user_caption.setBuddy(self.users)
        user_row = QWidget()
        user_row.setObjectName("userRow")
        row = QHBoxLayout(user_row)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.user_caption)
        row.addWidget(self.users, 1)
        user_row.setVisible(len(held) > 1)  # one user: nothing to pick
        self.android = _AndroidPage()
        self.ios = _IosPage()
        self.platforms = QTabWidget()
        self.platforms.addTab(self.android, "")
        self.platforms.addTab(self.ios, "")
        screen = QFrame()
        screen.setObjectName("phoneScreen")
        screen_layout = QVBoxLayout(screen)
        screen_layout.setContentsMargins(0, 0, 0, 8)
        screen_layout.addWidget(self.title)
        screen_layout.addWidget(user_row)
        screen_layout.addWidget(self.platforms, 1)
        body = QFrame()
        body.setObjectName("phoneBody")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(14, 30, 14, 30)
        body_layout.addWidget(screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(body)
        self.setFixedSize(330, 560)
        self.android.generate.clicked.connect(self._generate_android)
        self.android.challenge.returnPressed.connect(self._generate_android)
        self.ios.generate.clicked.connect(self._generate_ios)
        self.ios.challenge.returnPressed.connect(self._generate_ios)
        self.ios.touch_id.clicked.connect(self._touched)
        self.users.currentIndexChanged.connect(self._user_changed)
        self.retranslate()

    @property
    def device(self) -> SimulatedOcraDevice:
        """The device of the user picked."""
        return self._devices[max(0, self.users.currentIndex())]

    def select_user(self, user: str) -> None:
        """Pick ``user``'s IB Key (``ValueError`` when the app holds none for that user)."""
        for index, device in enumerate(self._devices):
            if device.user == user:
                self.users.setCurrentIndex(index)
                return
        raise ValueError(f"IB Key holds no device of the user {user!r}")

    @Slot()
    def _user_changed(self) -> None:
        for page in (self.android, self.ios):
            page.reset()
        self.android.pin.clear()
        self.retranslate()

    def _respond(self, page: _PlatformPage, pin: str) -> None:
        response = compute_response(
            IB_KEY_OCRA_SUITE, self.device.secret, page.challenge.text().strip(), pin=pin
        )
        page.show_response(response)
        self.responseShown.emit(response)

    @Slot()
    def _generate_android(self) -> None:
        page = self.android
        pin = page.pin.text()
        problem = page.challenge_problem()
        if problem is not None:
            page.show_problem(problem)
        elif pin_problem(DeviceKind.IB_KEY, pin) is not None:
            page.show_problem(
                self.tr(
                    "A PIN has {min} to {max} characters: letters, digits or symbols. Try again."
                ).format(min=IB_KEY_PIN_MIN_LENGTH, max=IB_KEY_PIN_MAX_LENGTH)
            )
        elif not secure_equals(pin, self.device.pin):
            page.show_problem(self.tr("Invalid PIN. Try again."))
        else:
            self._respond(page, self.device.pin)
        page.pin.clear()

    @Slot()
    def _generate_ios(self) -> None:
        page = self.ios
        problem = page.challenge_problem()
        if problem is not None:
            page.show_problem(problem)
            page.ask_for_touch(False)
            return
        page.show_problem("")
        page.ask_for_touch(True)

    @Slot()
    def _touched(self) -> None:
        self.ios.ask_for_touch(False)
        self._respond(self.ios, self.device.pin)

    def retranslate(self) -> None:
        # The user, not the device's label: the title must fit the phone-sized window.
        self.setWindowTitle(
            self.tr("IB Key - {label}").format(label=self.device.user or self.device.label)
        )
        self.title.setText(self.tr("IBKR Mobile · Authenticate"))
        self.user_caption.setText(self.tr("&User:"))
        self.platforms.setTabText(0, self.tr("Android"))
        self.platforms.setTabText(1, self.tr("iOS"))
