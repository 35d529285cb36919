"""The screens of IBKR Mobile's menu in the IB Key simulator (:mod:`.ib_key`), each a few steps
on the phone's screen, as the seeds go:

- :class:`ChangePinScreen` ("How to change the PIN", Android): user name, password, current PIN,
  new PIN twice, Submit; then the SMS Code, Submit Pin Change; then "PIN change successfully
  processed" and Go to start page. A user who does not know the current PIN is told to call
  Client Services.
- :class:`AddUserScreen` (IB Key activation; "How to Add Another User to an Active IB Key",
  Android and iOS): the instructions, user name and password, Continue; then the Activation Code
  sent by SMS (and on Android the PIN), Activate; then the confirmation and Done.

The screens hold the fields and say what happened; the simulator runs the calls on the worker and
tells them the outcome (:meth:`show_step`, :meth:`show_problem`). Every visible string goes
through ``tr()``; PINs, passwords and codes stay in the fields.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.sls.policy import IB_KEY_PIN_MAX_LENGTH, IB_KEY_PIN_MIN_LENGTH

__all__ = ["AddUserScreen", "ChangePinScreen", "MenuScreen"]

#: The longest SMS code typed (6 digits, with room for spaces).
CODE_MAX_LENGTH = 12
#: The longest user name and password the server takes (``protocol.fields``, which loads pydantic:
#: the simulators show before the login window's first paint).
USERNAME_MAX_LENGTH = 64
PASSWORD_MAX_LENGTH = 256


def _field(name: str, *, secret: bool = False, length: int = IB_KEY_PIN_MAX_LENGTH) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setMaxLength(length)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _wrapped(name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class MenuScreen(TranslatedWidget):
    """A screen of steps (a stack of pages), a problem line, and a busy state."""

    #: The user left the screen (Cancel, Go to start page, Done).
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps = QStackedWidget()
        # Above the fields, where it is seen; the fields scroll when the phone is too small
        # ("some phones may need scrolling to see all items", as the seed says).
        self.problem = _wrapped("problem")
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.steps)
        # The phone's white screen shows through: a scroll area paints its own grey otherwise.
        self.scroller.viewport().setAutoFillBackground(False)
        self.steps.setAutoFillBackground(False)
        self.cancel = QPushButton()
        self.cancel.setObjectName("cancelScreen")
        self.cancel.clicked.connect(self.closed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.problem)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.cancel)

    def title(self) -> str:
        """The screen's name, for the app's title bar."""
        return ""

    def page(self, *widgets: QWidget) -> QWidget:
        """A step of widgets, top to bottom, added to the stack."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)
        self.steps.addWidget(page)
        return page

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    def show_step(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        self.show_problem("")
        self.cancel.setVisible(step < self.steps.count() - 1)
        self.focus_step()

    def focus_step(self) -> None:
        """Put the focus in the step's first empty field."""

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def set_busy(self, busy: bool) -> None:
        for button in self.findChildren(QPushButton):
            if button is not self.cancel:
                button.setEnabled(not busy)

    def retranslate(self) -> None:
        self.cancel.setText(self.tr("Cancel"))


class ChangePinScreen(MenuScreen):
    """Change PIN: the credentials and the PINs, the SMS Code, the result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.support_note = _wrapped("supportNote")
        self.username_caption, self.password_caption = QLabel(), QLabel()
        self.current_caption, self.new_caption, self.repeat_caption = QLabel(), QLabel(), QLabel()
        self.username = _field("username", length=USERNAME_MAX_LENGTH)
        self.password = _field("password", secret=True, length=PASSWORD_MAX_LENGTH)
        self.current_pin = _field("currentPin", secret=True)
        self.new_pin = _field("newPin", secret=True)
        self.repeat_pin = _field("repeatPin", secret=True)
        for caption, field in (
            (self.username_caption, self.username),
            (self.password_caption, self.password),
            (self.current_caption, self.current_pin),
            (self.new_caption, self.new_pin),
            (self.repeat_caption, self.repeat_pin),
        ):
            caption.setBuddy(field)
        self.submit = QPushButton()
        self.submit.setObjectName("submit")
        self.page(
            self.username_caption, self.username, self.password_caption, self.password,
            self.current_caption, self.current_pin, self.new_caption, self.new_pin,
            self.repeat_caption, self.repeat_pin, self.submit, self.support_note,
        )  # fmt: skip
        self.sms_text = _wrapped("smsText")
        self.code_caption = QLabel()
        self.code = _field("smsCode", length=CODE_MAX_LENGTH)
        self.code_caption.setBuddy(self.code)
        self.submit_change = QPushButton()
        self.submit_change.setObjectName("submitPinChange")
        self.page(self.sms_text, self.code_caption, self.code, self.submit_change)
        self.done_text = _wrapped("doneText")
        self.start_page = QPushButton()
        self.start_page.setObjectName("goToStartPage")
        self.start_page.clicked.connect(self.closed)
        self.page(self.done_text, self.start_page)
        self.destination = ""
        self.retranslate()

    def title(self) -> str:
        return self.tr("Change PIN")

    def reset(self, username: str) -> None:
        """A fresh form for ``username`` (the user picked in the app)."""
        for field in (self.password, self.current_pin, self.new_pin, self.repeat_pin, self.code):
            field.clear()
        self.username.setText(username)
        self.show_step(0)

    def focus_step(self) -> None:
        if self.step == 0:
            fields = (self.username, self.password, self.current_pin, self.new_pin)
            next((f for f in fields if not f.text()), self.repeat_pin).setFocus()
        elif self.step == 1:
            self.code.setFocus()
        else:
            self.start_page.setFocus()

    def code_sent(self, destination: str) -> None:
        self.destination = destination
        self.code.clear()
        self.show_step(1)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.username_caption.setText(self.tr("&User Name"))
        self.password_caption.setText(self.tr("&Password"))
        self.current_caption.setText(self.tr("&Current PIN"))
        self.new_caption.setText(self.tr("&New PIN"))
        self.repeat_caption.setText(self.tr("&Repeat New PIN"))
        self.submit.setText(self.tr("Submit"))
        self.support_note.setText(
            self.tr(
                "If you do not know your current PIN, call Client Services (ibkr.com/support) "
                "to reset it."
            )
        )
        self.sms_text.setText(
            self.tr("A text message with an SMS Code was sent to {phone}. Enter it below.").format(
                phone=self.destination
            )
        )
        self.code_caption.setText(self.tr("&SMS Code"))
        self.submit_change.setText(self.tr("Submit Pin Change"))
        self.done_text.setText(
            self.tr(
                "PIN change successfully processed. Use the new PIN from now on, also to log in "
                "to the trading platform."
            )
        )
        self.start_page.setText(self.tr("Go to start page"))


class AddUserScreen(MenuScreen):
    """Add User (also the first activation): the credentials, the Activation Code (and the PIN
    on Android), the confirmation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.android = True
        self.instructions = _wrapped("instructions")
        self.username_caption, self.password_caption = QLabel(), QLabel()
        self.username = _field("username", length=USERNAME_MAX_LENGTH)
        self.password = _field("password", secret=True, length=PASSWORD_MAX_LENGTH)
        self.username_caption.setBuddy(self.username)
        self.password_caption.setBuddy(self.password)
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("continue")
        self.page(
            self.instructions, self.username_caption, self.username, self.password_caption,
            self.password, self.continue_button,
        )  # fmt: skip
        self.sms_text = _wrapped("smsText")
        self.code_caption = QLabel()
        self.code = _field("activationCode", length=CODE_MAX_LENGTH)
        self.code_caption.setBuddy(self.code)
        self.pin_caption = QLabel()
        self.pin = _field("pin", secret=True)
        self.pin_caption.setBuddy(self.pin)
        self.pin_note = _wrapped("pinNote")
        self.activate = QPushButton()
        self.activate.setObjectName("activate")
        self.page(
            self.sms_text, self.code_caption, self.code, self.pin_caption, self.pin,
            self.pin_note, self.activate,
        )  # fmt: skip
        self.done_text = _wrapped("doneText")
        self.done = QPushButton()
        self.done.setObjectName("done")
        self.done.clicked.connect(self.closed)
        self.page(self.done_text, self.done)
        self.destination = ""
        self.activated_user = ""
        self.retranslate()

    def title(self) -> str:
        return self.tr("Add User")

    def reset(self, android: bool) -> None:
        """A fresh form, for an Android phone (a PIN to give) or an iPhone (Touch ID)."""
        self.android = android
        for field in (self.username, self.password, self.code, self.pin):
            field.clear()
        self.pin_caption.setVisible(android)
        self.pin.setVisible(android)
        self.show_step(0)
        self.retranslate()

    def focus_step(self) -> None:
        if self.step == 0:
            (self.password if self.username.text() else self.username).setFocus()
        elif self.step == 1:
            self.code.setFocus()
        else:
            self.done.setFocus()

    def code_sent(self, destination: str) -> None:
        self.destination = destination
        self.show_step(1)
        self.retranslate()

    def activated(self, username: str) -> None:
        self.activated_user = username
        self.show_step(2)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.instructions.setText(
            self.tr(
                "Enter the user name and password of the user to add to IB Key on this phone, "
                "then tap Continue. An Authentication Code will be sent via SMS to the mobile "
                "phone number listed on the account."
            )
        )
        self.username_caption.setText(self.tr("&User Name"))
        self.password_caption.setText(self.tr("&Password"))
        self.continue_button.setText(self.tr("Continue"))
        self.sms_text.setText(
            self.tr(
                "An Authentication Code was sent via SMS to {phone}. Enter it in the "
                "Activation Code field."
            ).format(phone=self.destination)
        )
        self.code_caption.setText(self.tr("&Activation Code"))
        self.pin_caption.setText(self.tr("P&IN"))
        if self.android:
            self.pin_note.setText(
                self.tr(
                    "Provide your PIN: {min} to {max} letters, digits or symbols, the one chosen "
                    "at your first activation."
                ).format(min=IB_KEY_PIN_MIN_LENGTH, max=IB_KEY_PIN_MAX_LENGTH)
            )
        else:
            self.pin_note.setText(
                self.tr(
                    "Activating uses your Passcode, Touch ID or Face ID: the PIN stays in the "
                    "phone's secure store."
                )
            )
        self.activate.setText(self.tr("Activate"))
        self.done_text.setText(
            self.tr("Activation successful: IB Key is active for {user} on this phone.").format(
                user=self.activated_user
            )
        )
        self.done.setText(self.tr("Done"))
