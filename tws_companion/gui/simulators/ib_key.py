"""IB Key in IBKR Mobile, on screen: Android (PIN + challenge) or iOS (challenge + Touch ID).

The response is the real OCRA answer (``IB_KEY_OCRA_SUITE``) for the simulated device. On
Android the user types the PIN chosen at activation (``IB_KEY_PIN_MIN_LENGTH`` to
``IB_KEY_PIN_MAX_LENGTH`` letters, digits or symbols, as ``sls.pins`` has it); on iOS the PIN stays
in the phone's secure store and Touch ID releases it.

Like IBKR Mobile, the app may hold IB Key for several users (the demo's ``demo`` and ``solo``):
a drop-down then picks the user, and the response is computed with that user's key and PIN.

The menu (☰) holds the seeds' other screens (:mod:`.ib_key_screens`), which call the server
through the client's :class:`~tws_companion.client.api.ApiClient` on the worker:

- **Change PIN**: user name, password, current PIN, new PIN twice, then the SMS code; on success
  the app answers with the new PIN for that user;
- **Add User**: user name and password, then the SMS activation code (and on Android the PIN): the
  server activates a new IB Key for that user and hands over its key, which the app now holds
  beside the others (a user's first activation is the same steps).

Without a client (``api``) the menu says the phone is not connected and only Authenticate works.

Signals of IbKeySimulator: responseShown(str) — the response string just generated;
pinChanged(str) — the user whose PIN was changed; userAdded(str) — the user just activated.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.errors import (
    AccountLocked,
    ApiError,
    ChallengeExpired,
    ChallengeFailed,
    ChangeNotFound,
    ClientError,
    DailySendLimit,
    DeviceLocked,
    DeviceNotFound,
    InvalidCredentials,
    InvalidPin,
    LoginThrottled,
    PhoneRequired,
    PinMismatch,
    ResponseReused,
    WrongPin,
    WrongResponse,
)
from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.gui.messages import describe_failure
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.simulators.ib_key_screens import AddUserScreen, ChangePinScreen, MenuScreen
from tws_companion.gui.worker import Task, Worker
from tws_companion.protocol.usernames import normalize_username
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE, DeviceKind
from tws_companion.sls.ocra import compute_response
from tws_companion.sls.pins import pin_problem
from tws_companion.sls.policy import (
    IB_KEY_CHALLENGE_DIGITS,
    IB_KEY_PIN_MAX_LENGTH,
    IB_KEY_PIN_MIN_LENGTH,
)
from tws_companion.sls.text_input import is_ascii_digits, secure_equals

if TYPE_CHECKING:
    from tws_companion.client.api import ApiClient
    from tws_companion.protocol.device_changes import ActivatedIbKey, CodeSent

__all__ = ["IbKeySimulator"]

#: The PIN an iPhone keeps in its secure store for a user it activates (Touch ID releases it).
IOS_PIN_LENGTH = IB_KEY_PIN_MAX_LENGTH
_IOS_PIN_ALPHABET = string.ascii_letters + string.digits

_STYLE = """
QFrame#phoneBody { background: #101418; border-radius: 28px; }
QFrame#phoneScreen { background: #ffffff; border-radius: 10px; }
QWidget#appTitleRow { background: #d81222; border-top-left-radius: 10px;
                      border-top-right-radius: 10px; }
QLabel#appTitle { color: #ffffff; font-weight: bold; font-size: 14px; padding: 10px 4px 10px 10px; }
QWidget#userRow { background: #fbe9eb; }
QLabel#response { font-size: 24px; font-weight: bold; color: #0b5cad; letter-spacing: 3px; }
QLabel#problem { color: #b3261e; }
QToolButton#menuButton { color: #ffffff; background: transparent; border: none;
                         font-size: 18px; padding: 4px 10px; }
QToolButton#menuButton::menu-indicator { image: none; width: 0px; }
QPushButton#submit, QPushButton#submitPinChange, QPushButton#continue, QPushButton#activate,
QPushButton#goToStartPage, QPushButton#done { background: #d81222; color: white; border: none;
                         border-radius: 4px; padding: 7px; font-weight: bold; }
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
    pinChanged = Signal(str)
    userAdded = Signal(str)

    def __init__(
        self,
        devices: SimulatedOcraDevice | Sequence[SimulatedOcraDevice],
        parent: QWidget | None = None,
        *,
        api: ApiClient | Callable[[], ApiClient] | None = None,
        worker: Worker | None = None,
    ) -> None:
        held = (devices,) if isinstance(devices, SimulatedOcraDevice) else tuple(devices)
        if not held:
            raise ValueError("IB Key needs at least one device")
        for device in held:
            problem = pin_problem(DeviceKind.IB_KEY, device.pin)
            if problem is not None:
                raise ValueError(problem)
        super().__init__(parent)
        self._devices = list(held)
        #: The server's id of each device held, where the app knows it (those it activated).
        self._device_ids: list[str | None] = [None] * len(held)
        self._api = api
        self.worker = worker if worker is not None or api is None else Worker(self)
        #: The call to the server running, if any.
        self.task: Task | None = None
        self.setStyleSheet(_STYLE)
        self.title = QLabel()
        self.title.setObjectName("appTitle")
        self.menu_button = QToolButton()
        self.menu_button.setObjectName("menuButton")
        self.menu_button.setText("☰")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.menu_button)
        self.authenticate_action = self.menu.addAction("")
        self.change_pin_action = self.menu.addAction("")
        self.add_user_action = self.menu.addAction("")
        self.menu_button.setMenu(self.menu)
        title_row = QWidget()
        title_row.setObjectName("appTitleRow")
        title_row.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        title_layout = QHBoxLayout(title_row)
        title_layout.setContentsMargins(0, 0, 0, 0)
        title_layout.setSpacing(0)
        title_layout.addWidget(self.title, 1)
        title_layout.addWidget(self.menu_button)
        self.user_caption = QLabel()
        self.users = QComboBox()
        for device in held:
            self.users.addItem(device.user or device.label)
        self.user_caption.setBuddy(self.users)
        self.user_row = user_row = QWidget()
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
        screen_layout.addWidget(title_row)
        self.authenticate_screen = QWidget()
        authenticate_layout = QVBoxLayout(self.authenticate_screen)
        authenticate_layout.setContentsMargins(0, 0, 0, 0)
        authenticate_layout.addWidget(user_row)
        authenticate_layout.addWidget(self.platforms, 1)
        self.change_pin = ChangePinScreen()
        self.add_user = AddUserScreen()
        self.screens = QStackedWidget()
        for page in (self.authenticate_screen, self.change_pin, self.add_user):
            self.screens.addWidget(page)
        self.screens.currentChanged.connect(self.retranslate)
        screen_layout.addWidget(self.screens, 1)
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
        self.authenticate_action.triggered.connect(self.show_authenticate)
        self.change_pin_action.triggered.connect(self.show_change_pin)
        self.add_user_action.triggered.connect(self.show_add_user)
        for menu_screen in (self.change_pin, self.add_user):
            menu_screen.closed.connect(self.show_authenticate)
        self.change_pin.submit.clicked.connect(self._submit_pin_change)
        self.change_pin.repeat_pin.returnPressed.connect(self._submit_pin_change)
        self.change_pin.submit_change.clicked.connect(self._confirm_pin_change)
        self.change_pin.code.returnPressed.connect(self._confirm_pin_change)
        self.add_user.continue_button.clicked.connect(self._start_activation)
        self.add_user.password.returnPressed.connect(self._start_activation)
        self.add_user.activate.clicked.connect(self._activate)
        self.change_pin_action.setEnabled(api is not None)
        self.add_user_action.setEnabled(api is not None)
        #: The PIN change or activation waiting for its SMS code.
        self._change_id = ""
        self._change_user = ""
        self._change_pin = ""
        self.retranslate()

    @property
    def device(self) -> SimulatedOcraDevice:
        """The device of the user picked."""
        return self._devices[max(0, self.users.currentIndex())]

    @property
    def devices(self) -> tuple[SimulatedOcraDevice, ...]:
        """Every user's IB Key the app holds, in the order of the drop-down."""
        return tuple(self._devices)

    # --- the menu: Change PIN, Add User -----------------------------------------------------

    @Slot()
    def show_authenticate(self) -> None:
        """Back to the Authenticate screen (a call still running is dropped)."""
        self._drop_task()
        self.screens.setCurrentWidget(self.authenticate_screen)

    @Slot()
    def show_change_pin(self) -> None:
        """The Change PIN screen, for the user picked."""
        self._drop_task()
        self.change_pin.reset(self.device.user)
        self.screens.setCurrentWidget(self.change_pin)
        self.change_pin.focus_step()

    @Slot()
    def show_add_user(self) -> None:
        """The Add User screen (Android or iOS as the tab picked)."""
        self._drop_task()
        self.add_user.reset(android=self.platforms.currentWidget() is self.android)
        self.screens.setCurrentWidget(self.add_user)
        self.add_user.focus_step()

    def _client(self) -> ApiClient:
        api = self._api
        assert api is not None  # the menu's actions are disabled without one
        return api() if callable(api) else api

    def _drop_task(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        for screen in (self.change_pin, self.add_user):
            screen.set_busy(False)

    def _run(
        self,
        screen: MenuScreen,
        name: str,
        call: Callable[[], object],
        then: Callable[[Any], None],
    ) -> None:
        """``call()`` on the worker; ``then(answer)`` on success, the problem said on failure."""
        if self.task is not None or self.worker is None:
            return
        screen.show_problem("")
        screen.set_busy(True)
        task = self.worker.submit(name, call, owner=self)
        task.succeeded.connect(then)
        task.failed.connect(lambda error: self._failed(screen, error))
        task.finished.connect(lambda: self._ended(screen, task))
        self.task = task

    def _ended(self, screen: MenuScreen, task: Task) -> None:
        if self.task is task:
            self.task = None
            screen.set_busy(False)

    def _index_of(self, username: str) -> int | None:
        wanted = normalize_username(username)
        for index, device in enumerate(self._devices):
            if normalize_username(device.user) == wanted:
                return index
        return None

    @Slot()
    def _submit_pin_change(self) -> None:
        screen = self.change_pin
        username, password = screen.username.text().strip(), screen.password.text()
        current, new, repeat = (
            screen.current_pin.text(),
            screen.new_pin.text(),
            screen.repeat_pin.text(),
        )
        if not username or not password or not current:
            screen.show_problem(self.tr("Enter your user name, password and current PIN."))
            return
        if pin_problem(DeviceKind.IB_KEY, new) is not None:
            screen.show_problem(self._pin_rule())
            return
        if new != repeat:
            screen.show_problem(self.tr("The new PINs differ. Type the new PIN twice."))
            screen.repeat_pin.clear()
            screen.repeat_pin.setFocus()
            return
        index = self._index_of(username)
        device_id = None if index is None else self._device_ids[index]
        client = self._client()

        def call() -> CodeSent:
            return client.start_ib_key_pin_change(
                username, password, current, new, repeat, device_id=device_id
            )

        def sent(answer: CodeSent) -> None:
            self._change_id, self._change_user, self._change_pin = (
                answer.change_id,
                username,
                new,
            )
            screen.code_sent(answer.destination)

        self._run(screen, "ib-key-pin-change", call, sent)

    @Slot()
    def _confirm_pin_change(self) -> None:
        screen = self.change_pin
        code = screen.code.text().strip()
        if not code:
            screen.show_problem(self.tr("Enter the SMS Code."))
            return
        client, change_id = self._client(), self._change_id

        def changed(_answer: object) -> None:
            index = self._index_of(self._change_user)
            if index is not None:
                self._devices[index] = replace(self._devices[index], pin=self._change_pin)
            self._change_pin = ""
            screen.show_step(2)
            self.pinChanged.emit(self._change_user)

        self._run(
            screen,
            "ib-key-pin-change-confirm",
            lambda: client.confirm_ib_key_pin_change(change_id, code),
            changed,
        )

    @Slot()
    def _start_activation(self) -> None:
        screen = self.add_user
        username, password = screen.username.text().strip(), screen.password.text()
        if not username or not password:
            screen.show_problem(self.tr("Enter your user name and password."))
            return
        platform = "android" if screen.android else "ios"
        client = self._client()

        def sent(answer: CodeSent) -> None:
            self._change_id, self._change_user = answer.change_id, username
            screen.code_sent(answer.destination)

        self._run(
            screen,
            "ib-key-activation",
            lambda: client.start_ib_key_activation(username, password, platform),
            sent,
        )

    @Slot()
    def _activate(self) -> None:
        screen = self.add_user
        code = screen.code.text().strip()
        if not code:
            screen.show_problem(self.tr("Enter the Activation Code."))
            return
        if screen.android:
            pin = screen.pin.text()
            if pin_problem(DeviceKind.IB_KEY, pin) is not None:
                screen.show_problem(self._pin_rule())
                return
        else:  # kept in the phone's secure store, released by Touch ID or Face ID
            pin = "".join(secrets.choice(_IOS_PIN_ALPHABET) for _ in range(IOS_PIN_LENGTH))
        client, change_id = self._client(), self._change_id

        def activated(answer: ActivatedIbKey) -> None:
            self._hold(
                SimulatedOcraDevice(
                    label=answer.label,
                    secret=bytes.fromhex(answer.secret_hex),
                    pin=pin,
                    user=answer.username,
                ),
                answer.device_id,
            )
            screen.activated(answer.username)
            self.userAdded.emit(answer.username)

        self._run(
            screen,
            "ib-key-activation-confirm",
            lambda: client.confirm_ib_key_activation(change_id, code, pin),
            activated,
        )

    def _hold(self, device: SimulatedOcraDevice, device_id: str) -> None:
        """Hold ``device`` for its user: a user the app held already gets this new IB Key."""
        index = self._index_of(device.user)
        if index is None:
            self._devices.append(device)
            self._device_ids.append(device_id)
            self.users.addItem(device.user)
            index = len(self._devices) - 1
        else:
            self._devices[index] = device
            self._device_ids[index] = device_id
        self.user_row.setVisible(len(self._devices) > 1)
        self.users.setCurrentIndex(index)
        self._user_changed()

    def _failed(self, screen: MenuScreen, error: object) -> None:
        screen.show_problem(self.failure_text(error))
        if isinstance(error, ChallengeExpired | ChallengeFailed | ChangeNotFound | ResponseReused):
            screen.show_step(0)
            screen.show_problem(self.failure_text(error))

    def _pin_rule(self) -> str:
        return self.tr(
            "A PIN has {min} to {max} characters: letters, digits or symbols. Try again."
        ).format(min=IB_KEY_PIN_MIN_LENGTH, max=IB_KEY_PIN_MAX_LENGTH)

    def failure_text(self, error: object) -> str:
        """What a refused Change PIN or Add User step tells the user, in their language."""
        if isinstance(error, InvalidCredentials):
            return self.tr("The user name or password is not correct.")
        if isinstance(error, WrongPin):
            return self.tr(
                "The current PIN is not correct. Attempts left before IB Key is locked: "
                "{attempts}. If you do not know your current PIN, call Client Services "
                "(ibkr.com/support) to reset it."
            ).format(attempts=error.attempts_left if error.attempts_left is not None else 0)
        if isinstance(error, InvalidPin):
            return self._pin_rule()
        if isinstance(error, PinMismatch):
            return self.tr("The new PINs differ. Type the new PIN twice.")
        if isinstance(error, DeviceLocked):
            return self.tr(
                "IB Key is locked after too many failures. Call Client Services "
                "(ibkr.com/support) to reset it."
            )
        if isinstance(error, DeviceNotFound):
            return self.tr("IB Key is not active for this user.")
        if isinstance(error, WrongResponse):
            return self.tr("The code is not correct. Attempts left: {attempts}.").format(
                attempts=error.attempts_left if error.attempts_left is not None else 0
            )
        if isinstance(error, ChallengeExpired | ChallengeFailed | ChangeNotFound | ResponseReused):
            return self.tr("The code can no longer be used. Start again.")
        if isinstance(error, DailySendLimit):
            return self.tr("No more SMS codes can be sent to this user for now. Try again later.")
        if isinstance(error, PhoneRequired):
            return self.tr(
                "No mobile phone number is on file for this user. Call Client Services "
                "(ibkr.com/support)."
            )
        if isinstance(error, LoginThrottled | AccountLocked):
            return self.tr("Too many failed attempts. Wait, then try again.")
        if isinstance(error, ApiError):
            return self.tr("The server refused: {reason}").format(reason=error.message)
        if isinstance(error, ClientError):
            return describe_failure(error)
        return self.tr("Something went wrong: {reason}").format(reason=type(error).__name__)

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
        screen = self.screens.currentWidget()
        if isinstance(screen, MenuScreen):
            self.title.setText(self.tr("IBKR Mobile · {screen}").format(screen=screen.title()))
        else:
            self.title.setText(self.tr("IBKR Mobile · Authenticate"))
        self.menu_button.setToolTip(self.tr("Menu"))
        self.menu_button.setAccessibleName(self.tr("Menu"))
        self.authenticate_action.setText(self.tr("Authenticate"))
        self.change_pin_action.setText(self.tr("Change PIN"))
        self.add_user_action.setText(self.tr("Add User"))
        if self._api is None:
            self.menu.setToolTip(self.tr("This phone is not connected to a server."))
        self.user_caption.setText(self.tr("&User:"))
        self.platforms.setTabText(0, self.tr("Android"))
        self.platforms.setTabText(1, self.tr("iOS"))
