"""The login window of the Secure Login System.

It renders the :class:`LoginMachine`'s current state: credentials, the M2FS drop-down, the page of
the chosen device (``PAGES``), or a message (expired, locked with a live countdown, restricted).
Every server call runs on the :class:`Worker`; while one runs the window shows it is busy and
Cancel always works (the late answer is dropped).

Keyboard: each page opens with the focus in its first empty field; Tab follows the fields in the
order they are shown; Return continues from the field or drop-down that has the focus; the
focused button has a frame. The window grows with what it shows (More Options, the on-screen
keyboard, a taller page) and stays on its screen.

Start-up (``benchmarks/startup.py``): the window paints with its first page alone. The device
pages are built right after, one each time the GUI thread is idle (or when one is needed sooner),
the on-screen keyboard when it is first opened; and nothing before the first paint uses PySide's
``Qt`` namespace, whose 90-odd enums PySide builds on its first use (see ``_after_first_paint``).

Signals of LoginDialog: loggedIn(object) — a :class:`LoginResult`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPoint, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.errors import ApiError
from tws_companion.client.login_machine import (
    LoginMachine,
    LoginState,
    NoticeKind,
    Phase,
    ServerCall,
)
from tws_companion.gui.i18n import LANGUAGES, TranslatedWidget, Translations
from tws_companion.gui.layouts import right_aligned
from tws_companion.gui.messages import (
    describe,
    describe_failure,
    device_choice_text,
    wait_text,
)
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.theme import FOCUS_FRAME, login_palette
from tws_companion.gui.worker import Task, Worker
from tws_companion.protocol import Channel, Platform
from tws_companion.protocol.usernames import normalize_username

if TYPE_CHECKING:
    # The HTTP client (requests), the server's vocabulary (pydantic) and the keyring load after
    # the window's first paint: the app makes its client then, on the worker (gui/app.py), and
    # the last login step runs on the worker (respond_on_worker).
    from tws_companion.client.api import ApiClient
    from tws_companion.client.login_steps import Responded
    from tws_companion.client.models import ChallengeStep, LoginStart, Session
    from tws_companion.gui.device_pages import DevicePage
    from tws_companion.gui.onscreen_keyboard import OnScreenKeyboard
    from tws_companion.storage.secret_store import SecretStore

#: How often the steps after the first paint look whether the worker is done (milliseconds).
WORKER_POLL_MS = 25

#: The width the window opens with (it grows when what it shows needs more).
DEFAULT_SIZE = QSize(460, 430)

STYLE = (
    """
QDialog#loginDialog { background: #f4f6f9; }
QFrame#header { background: #14263b; }
QLabel#brand { color: white; font-size: 17px; font-weight: bold; }
QLabel#subtitle { color: #a9bdd6; font-size: 11px; }
QLabel#pageTitle { font-size: 15px; font-weight: bold; color: #14263b; }
QLabel#sectionTitle { font-weight: bold; }
QLabel#challengeCode { color: #0b5cad; letter-spacing: 4px; }
QLabel#countdown { color: #8a5a00; }
QLabel#notice { color: #b3261e; background: #fdecea; border: 1px solid #f3c1bc;
                border-radius: 4px; padding: 6px; }
QLabel#notice[kind="info"] { color: #14466b; background: #e8f1fb; border-color: #bcd6f3; }
QLineEdit { padding: 5px; border: 1px solid #b8c2cc; border-radius: 3px; background: white; }
QLineEdit:focus { border-color: #0b5cad; }
QLineEdit#responseField { font-family: "DejaVu Sans Mono"; font-size: 16px; }
QPushButton { padding: 3px 12px; color: #14263b; background: #ffffff;
              border: 2px solid #b8c2cc; border-radius: 3px; }
QPushButton:hover { background: #eef3f8; }
QPushButton:pressed, QPushButton:checked { background: #dde6ef; }
QPushButton:disabled { color: #8a96a3; }
QPushButton#primary { background: #0b5cad; color: white; border-color: #0b5cad;
                      padding: 5px 20px; font-weight: bold; }
QPushButton#primary:hover { background: #0a509a; border-color: #0a509a; }
QPushButton#primary:disabled { background: #9db7d3; border-color: #9db7d3; }
QPushButton#link { color: #0b5cad; background: transparent; border-color: transparent;
                   text-decoration: underline; padding: 0 2px; }
QFrame#requestBox { background: white; border: 1px solid #d5dbe1; border-radius: 4px; }
"""
    + FOCUS_FRAME
    + """
QPushButton#primary:focus { border-color: #14263b; }
QPushButton#link:focus { border-color: palette(highlight); }
"""
)


def respond_on_worker(
    api: ApiClient, store: SecretStore | None, username: str, login_id: str, response: str
) -> Responded:
    """On the worker: the last login step (:func:`respond_and_cache_key`), with ``store`` or else
    the user's keyring; the keyring is loaded and checked here, never on the GUI thread."""
    from tws_companion.client.login_steps import respond_and_cache_key
    from tws_companion.storage.secret_store import SecretStore

    keyring = store if store is not None else SecretStore()
    return respond_and_cache_key(api, keyring, username, login_id, response)


@dataclass(frozen=True)
class LoginResult:
    username: str
    server: str
    session: Session = field(repr=False)
    platform: Platform
    use_server_settings: bool
    #: Whether the settings key was fetched and cached in the keyring (full-scope logins).
    settings_key_cached: bool


class CredentialsPage(TranslatedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout()
        # By name: the first paint does not wait for PySide to build the Qt namespace's enums.
        form.setProperty("labelAlignment", "AlignRight")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        # Never offered for saving or completion: no completer, and the password echo mode
        # tells input methods it is hidden, sensitive and not to be predicted or remembered.
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(256)
        self.platform = QComboBox()
        self.username_label = QLabel()
        self.password_label = QLabel()
        self.platform_label = QLabel()
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        form.addRow(self.platform_label, self.platform)
        self.login_button = QPushButton()
        self.login_button.setObjectName("primary")
        self.login_button.setDefault(True)
        self.more_button = QPushButton()
        self.more_button.setObjectName("link")
        self.more_button.setFlat(True)
        self.more_button.setCheckable(True)
        self.keyboard_button = QPushButton()
        self.keyboard_button.setObjectName("link")
        self.keyboard_button.setFlat(True)
        self.keyboard_button.setCheckable(True)
        self.more_options = QFrame()
        more = QVBoxLayout(self.more_options)
        more.setContentsMargins(0, 0, 0, 0)
        self.use_server_settings = QCheckBox()
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        language_row = QHBoxLayout()
        self.language_label = QLabel()
        language_row.addWidget(self.language_label)
        language_row.addWidget(self.language)
        language_row.addStretch(1)
        more.addWidget(self.use_server_settings)
        more.addLayout(language_row)
        self.more_options.hide()
        self._keyboard: OnScreenKeyboard | None = None
        links = QHBoxLayout()
        links.addWidget(self.more_button)
        links.addWidget(self.keyboard_button)
        links.addStretch(1)
        links.addWidget(self.login_button)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(form)
        self._layout.addLayout(links)
        self._layout.addWidget(self.more_options)
        # The on-screen keyboard goes here, under More Options, when it is first opened.
        self._layout.addStretch(1)
        self.more_button.toggled.connect(self.more_options.setVisible)
        self.keyboard_button.toggled.connect(self._show_keyboard)
        self.retranslate()

    @property
    def keyboard(self) -> OnScreenKeyboard:
        """The on-screen keyboard, built when first needed (most logins never open it: the
        window paints sooner without its 50 keys)."""
        if self._keyboard is None:
            from tws_companion.gui.onscreen_keyboard import OnScreenKeyboard

            keyboard = OnScreenKeyboard()
            keyboard.hide()
            self._layout.insertWidget(self._layout.indexOf(self.more_options) + 1, keyboard)
            keyboard.keyPressed.connect(self._type)
            keyboard.backspacePressed.connect(self._backspace)
            keyboard.enterPressed.connect(self.login_button.click)
            self._keyboard = keyboard
        return self._keyboard

    @Slot(bool)
    def _show_keyboard(self, shown: bool) -> None:
        if shown or self._keyboard is not None:
            self.keyboard.setVisible(shown)

    def focus_chain(self) -> list[QWidget]:
        """What Tab visits, in the order shown: the fields, the links, Log In, More Options."""
        return [
            self.username,
            self.password,
            self.platform,
            self.more_button,
            self.keyboard_button,
            self.login_button,
            self.use_server_settings,
            self.language,
        ]

    def focus_first_empty(self) -> None:
        """The user name on a first run, else the password."""
        (self.password if self.username.text().strip() else self.username).setFocus()

    def _target(self) -> QLineEdit:
        return self.username if self.username.hasFocus() else self.password

    def _type(self, text: str) -> None:
        self._target().insert(text)

    def _backspace(self) -> None:
        self._target().backspace()

    def retranslate(self) -> None:
        self.username_label.setText(self.tr("User Name"))
        self.password_label.setText(self.tr("Password"))
        self.platform_label.setText(self.tr("Log in to"))
        current = self.platform.currentData()
        self.platform.clear()
        self.platform.addItem(self.tr("Trader Workstation"), Platform.TWS.value)
        self.platform.addItem(self.tr("Client Portal"), Platform.PORTAL.value)
        self.platform.addItem(self.tr("IBKR Mobile"), Platform.MOBILE.value)
        if current is not None:
            self.platform.setCurrentIndex(max(0, self.platform.findData(current)))
        self.login_button.setText(self.tr("Log In"))
        self.more_button.setText(self.tr("More Options"))
        self.keyboard_button.setText(self.tr("On-screen keyboard"))
        self.use_server_settings.setText(self.tr("Use/store settings on server"))
        self.language_label.setText(self.tr("Language"))


class SelectDevicePage(TranslatedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.devices = QComboBox()
        self.devices.setObjectName("deviceChoice")
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("primary")
        self.continue_button.setDefault(True)
        row = right_aligned(self.continue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.devices)
        layout.addStretch(1)
        layout.addLayout(row)
        self.retranslate()

    def focus_chain(self) -> list[QWidget]:
        return [self.devices, self.continue_button]

    def retranslate(self) -> None:
        self.title.setText(self.tr("Select second factor device"))
        self.hint.setText(
            self.tr("You have several active security devices. Choose the one to use now.")
        )
        self.continue_button.setText(self.tr("Continue"))


class MessagePage(TranslatedWidget):
    """Expired, locked or restricted: what happened, and the way on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.text = QLabel()
        self.text.setObjectName("messageText")
        self.text.setWordWrap(True)
        self.countdown = QLabel()
        self.countdown.setObjectName("lockoutCountdown")
        self.start_over = QPushButton()
        self.start_over.setObjectName("primary")
        row = right_aligned(self.start_over)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.countdown)
        layout.addStretch(1)
        layout.addLayout(row)
        self.retranslate()

    def focus_chain(self) -> list[QWidget]:
        return [self.start_over]

    def retranslate(self) -> None:
        self.start_over.setText(self.tr("Start over"))


class LoginDialog(QDialog):
    loggedIn = Signal(object)

    def __init__(
        self,
        api: ApiClient | Callable[[], ApiClient],
        worker: Worker,
        *,
        preferences: LoginPreferences | None = None,
        store: SecretStore | None = None,
        translations: Translations | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setPalette(login_palette())
        self.setStyleSheet(STYLE)
        self._api = api
        self.worker = worker
        self.preferences = preferences or LoginPreferences()
        #: The keyring the settings key is kept in; ``None``: the user's (made on the worker).
        self.store = store
        self.translations = translations
        self.machine = LoginMachine(platform=self.preferences.platform, clock=clock)
        self.task: Task | None = None
        # The last failure that was not the server's answer: the machine keeps only its text.
        self._failure: Exception | None = None
        self.login_result: LoginResult | None = None
        #: Whether the page shown next gets the focus in its first empty field (at the start,
        #: and when a call ends: the page was disabled meanwhile).
        self._refocus = True
        #: The user name whose "Use/store settings on server" the tick shows, and whether the
        #: user has set the tick since (then it stays as set, whatever name is typed).
        self._options_user = normalize_username(self.preferences.last_username)
        self._tick_set_by_user = False
        #: What is left to build after the first paint (:meth:`_after_first_paint`).
        self._steps: Iterator[None] | None = None
        self._build()
        self._connect_signals()
        self.credentials.username.setText(self.preferences.last_username)
        self.credentials.use_server_settings.setChecked(
            self.preferences.use_server_settings(self._options_user)
        )
        index = self.credentials.platform.findData(self.machine.state.platform.value)
        self.credentials.platform.setCurrentIndex(max(0, index))
        self.retranslate()
        self.show_state(self.machine.state)

    @property
    def api(self) -> ApiClient:
        """The server's client: the one given, or made by the function given when first needed
        (the app makes it on the worker after the first paint, see gui/app.py)."""
        if callable(self._api):
            self._api = self._api()
        return self._api

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        header = QFrame()
        header.setObjectName("header")
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(18, 12, 18, 12)
        self.brand = QLabel()
        self.brand.setObjectName("brand")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        header_layout.addWidget(self.brand)
        header_layout.addWidget(self.subtitle)

        self.credentials = CredentialsPage()
        self.select_page = SelectDevicePage()
        self.message_page = MessagePage()
        #: The device pages built so far, by device kind (see :meth:`device_page`).
        self.device_pages: dict[str, DevicePage] = {}
        self.stack = QStackedWidget()
        for fixed in (self.credentials, self.select_page, self.message_page):
            self.stack.addWidget(fixed)

        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.hide()
        self.busy_label = QLabel()
        self.busy_label.setObjectName("busy")
        self.busy_label.hide()
        self.other_device = QPushButton()
        self.other_device.setObjectName("link")
        self.other_device.setFlat(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancel")

        buttons = QHBoxLayout()
        buttons.addWidget(self.other_device)
        buttons.addStretch(1)
        buttons.addWidget(self.busy_label)
        buttons.addWidget(self.cancel_button)
        body = QVBoxLayout()
        body.setContentsMargins(22, 16, 22, 16)
        body.setSpacing(10)
        body.addWidget(self.stack, 1)
        body.addWidget(self.notice)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.progress)
        layout.addLayout(body, 1)
        # Never smaller than what it shows needs (More Options and the on-screen keyboard open
        # too), so nothing is squeezed or clipped; it opens at least DEFAULT_SIZE.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        margins = body.contentsMargins()
        self.stack.setMinimumWidth(DEFAULT_SIZE.width() - margins.left() - margins.right())
        self.resize(self.sizeHint().expandedTo(DEFAULT_SIZE))
        self._set_tab_order()
        self.timer = QTimer(self)
        self.timer.setInterval(250)

    def _set_tab_order(self) -> None:
        """Tab follows each page's fields, then Use another device and Cancel."""
        chain = [
            *self.credentials.focus_chain(),
            *self.select_page.focus_chain(),
            *self.message_page.focus_chain(),
            *(w for page in dict.fromkeys(self.device_pages.values()) for w in page.focus_chain()),
            self.other_device,
            self.cancel_button,
        ]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def device_page(self, kind: str) -> DevicePage | None:
        """The page of a device kind (``None`` for a kind without one), built when first needed:
        the window paints before any device page is built, and then builds them one at a time
        while the GUI thread is idle (:meth:`_after_first_paint`)."""
        page = self.device_pages.get(kind)
        if page is not None:
            return page
        from tws_companion.gui.device_pages import PAGES

        page_class = PAGES.get(kind)
        if page_class is None:
            return None
        # Kinds that share a page class share one page.
        page = next((p for p in self.device_pages.values() if type(p) is page_class), None)
        if page is None:
            page = page_class()
            self.stack.addWidget(page)
            page.submitted.connect(self._respond)
            page.resendRequested.connect(self._resend)
            if self.busy:
                page.set_busy(True)
        for other, other_class in PAGES.items():
            if other_class is page_class:
                self.device_pages[other] = page
        self._set_tab_order()
        return page

    def _after_first_paint(self) -> Iterator[None]:
        """What the first paint does not wait for, in steps of a few milliseconds each (see
        :meth:`_next_step`): PySide's ``Qt`` namespace (building its 90-odd enums takes tens of
        milliseconds; the first key press the window handles needs it), the module of the
        device pages, then each device page."""
        from PySide6.QtCore import Qt  # noqa: F401  (the enums are built on this first use)

        yield
        from tws_companion.gui.device_pages import PAGES

        yield
        for kind in PAGES:
            if kind not in self.device_pages:
                self.device_page(kind)
                yield

    @Slot()
    def _next_step(self) -> None:
        """One step of :meth:`_after_first_paint`, and the next when the GUI thread is next
        idle (events that came meanwhile go first). Not while the worker runs a task (at
        start-up it loads the login's modules): its thread would take the interpreter in turns
        with this one, and a step of 5 ms would stall the window for 50."""
        if self._steps is None:
            return
        if self.worker.busy:
            QTimer.singleShot(WORKER_POLL_MS, self, self._next_step)
            return
        try:
            next(self._steps)
        except StopIteration:
            return
        QTimer.singleShot(0, self, self._next_step)

    def _connect_signals(self) -> None:
        self.machine.subscribe(self.show_state)
        self.credentials.login_button.clicked.connect(self._login)
        self.credentials.password.returnPressed.connect(self._login)
        self.credentials.username.editingFinished.connect(self._user_name_entered)
        self.credentials.use_server_settings.clicked.connect(self._tick_set)
        for toggle in (self.credentials.more_button, self.credentials.keyboard_button):
            # Once the layout has taken in what was shown or hidden.
            toggle.toggled.connect(lambda _on: QTimer.singleShot(0, self, self._fit_to_contents))
        self.credentials.language.currentIndexChanged.connect(self._language_chosen)
        self.select_page.continue_button.clicked.connect(self._select_device)
        self.message_page.start_over.clicked.connect(self._start_over)
        self.other_device.clicked.connect(self.machine.choose_another_device)
        self.cancel_button.clicked.connect(self._cancel)
        self.timer.timeout.connect(self._tick)

    # --- rendering ----------------------------------------------------------------------------

    @Slot(object)
    def show_state(self, state: LoginState) -> None:
        phase = state.phase
        shown = self.stack.currentWidget()
        if phase is Phase.CREDENTIALS:
            self.stack.setCurrentWidget(self.credentials)
            if state.username and not self.credentials.username.text():
                self.credentials.username.setText(state.username)
        elif phase is Phase.SELECT_DEVICE:
            self._render_devices(state, keep_choice=shown is self.select_page)
            self.stack.setCurrentWidget(self.select_page)
        elif phase is Phase.RESPOND and state.device is not None and state.challenge is not None:
            page = self.device_page(state.device.kind)
            if page is not None:
                if page.challenge is not state.challenge:
                    page.show_challenge(state.device, state.challenge)
                self.stack.setCurrentWidget(page)
        elif phase in (Phase.EXPIRED, Phase.LOCKED, Phase.RESTRICTED):
            self._render_message(state)
        elif phase is Phase.DONE:
            self.stack.setCurrentWidget(self.message_page)
        self._render_notice(state)
        self.other_device.setVisible(state.can_switch_device)
        self._grow_to_fit()
        if self._refocus or self.stack.currentWidget() is not shown:
            self._refocus = False
            self._focus_page()
        self._update_timer()
        self._tick_labels()

    def _render_devices(self, state: LoginState, *, keep_choice: bool) -> None:
        """The M2FS drop-down: each device by the name of its kind, in the user's language;
        the device chosen so far stays chosen (a new language, a refused device), else the
        preferred one."""
        combo = self.select_page.devices
        chosen = combo.currentData() if keep_choice else None
        combo.clear()
        for device in state.devices:
            combo.addItem(device_choice_text(device, state.devices), device.id)
        for wanted in (chosen, state.preferred_device_id):
            if wanted is not None and combo.findData(wanted) >= 0:
                combo.setCurrentIndex(combo.findData(wanted))
                break

    def _focus_page(self) -> None:
        """The focus in the first empty field of the page shown (or its button)."""
        page = self.stack.currentWidget()
        if page is self.credentials:
            self.credentials.focus_first_empty()
        elif page is self.select_page:
            self.select_page.devices.setFocus()
        elif page is self.message_page:
            start_over = self.message_page.start_over
            (start_over if start_over.isVisibleTo(self) else self.cancel_button).setFocus()
        else:
            from tws_companion.gui.device_pages import DevicePage  # loaded: a device page is shown

            if isinstance(page, DevicePage):
                page.focus_input()

    def _render_message(self, state: LoginState) -> None:
        page = self.message_page
        titles = {
            Phase.EXPIRED: self.tr("Start over"),
            Phase.LOCKED: self.tr("Please wait"),
            Phase.RESTRICTED: self.tr("Login refused"),
        }
        page.title.setText(titles[state.phase])
        page.text.setText(self._describe(state))
        page.start_over.setVisible(state.phase is not Phase.LOCKED)
        self.stack.setCurrentWidget(page)

    def _describe(self, state: LoginState) -> str:
        notice = state.notice
        if notice is None:
            return ""
        failure = self._failure
        if (
            notice.kind is NoticeKind.UNREACHABLE
            and failure is not None
            and notice.text == str(failure)
        ):
            return describe_failure(failure)
        return describe(
            notice,
            state.challenge.type if state.challenge is not None else None,
            self.machine.notice_seconds_left(),
        )

    def _render_notice(self, state: LoginState) -> None:
        notice = state.notice
        show = notice is not None and state.phase not in (
            Phase.EXPIRED,
            Phase.LOCKED,
            Phase.RESTRICTED,
        )
        if show and notice is not None:
            self.notice.setText(self._describe(state))
            info = notice.code is None and notice.kind.value != "unreachable"
            self.notice.setProperty("kind", "info" if info else "error")
            self.notice.style().unpolish(self.notice)
            self.notice.style().polish(self.notice)
        self.notice.setVisible(show)

    def _update_timer(self) -> None:
        state = self.machine.state
        needed = (
            state.countdown_until is not None
            or (state.notice is not None and state.notice.wait_until is not None)
            or (state.phase is Phase.RESPOND and state.challenge_deadline is not None)
        )
        if needed and not self.timer.isActive():
            self.timer.start()
        elif not needed:
            self.timer.stop()

    @Slot()
    def _tick(self) -> None:
        self.machine.tick()  # may change the state, which renders
        self._tick_labels()

    def _tick_labels(self) -> None:
        state = self.machine.state
        if state.notice is not None and state.notice.wait_until is not None:
            self._render_notice(state)  # "Please wait N seconds before ...", counted down
        left = self.machine.seconds_left()
        if state.phase is Phase.LOCKED and left is not None:
            self.message_page.countdown.setText(wait_text(left))
        else:
            self.message_page.countdown.clear()
        if state.phase is Phase.RESPOND and state.device is not None:
            page = self.device_page(state.device.kind)
            if page is not None:
                if left is not None:
                    page.set_call_countdown(left)
                else:
                    page.set_countdown(self.machine.challenge_seconds_left())

    # --- busy state ---------------------------------------------------------------------------

    def _run(
        self,
        name: str,
        func: Callable[..., object],
        *args: object,
        on_success: Callable[[Any], object],
    ) -> None:
        if self.task is not None:
            return  # one call at a time
        self.task = self.worker.submit(name, func, *args)
        self.task.succeeded.connect(on_success)
        self.task.failed.connect(self._failed)
        self.task.finished.connect(self._task_finished)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.busy_label.setVisible(busy)
        self.credentials.setEnabled(not busy)
        self.select_page.setEnabled(not busy)
        for page in set(self.device_pages.values()):
            page.set_busy(busy)
        self.message_page.setEnabled(not busy)
        self.other_device.setEnabled(not busy)

    @Slot()
    def _task_finished(self) -> None:
        self.task = None
        self._set_busy(False)
        self._refocus = True
        self.show_state(self.machine.state)

    @Slot(object)
    def _failed(self, error: object) -> None:
        failure = error if isinstance(error, Exception) else RuntimeError(str(error))
        self._failure = None if isinstance(failure, ApiError) else failure
        self.machine.failed(failure)

    @property
    def busy(self) -> bool:
        return self.task is not None

    # --- user actions -------------------------------------------------------------------------

    @Slot()
    def _login(self) -> None:
        username = self.credentials.username.text().strip()
        password = self.credentials.password.text()
        if not username or not password or self.busy:
            return
        if self.machine.state.phase is not Phase.CREDENTIALS:
            return  # a wait is counted down: no login until it ends
        platform = Platform(self.credentials.platform.currentData())
        self.preferences.last_username = username
        self.preferences.platform = platform
        self.preferences.set_use_server_settings(
            username, self.credentials.use_server_settings.isChecked()
        )
        self.machine.remembered_device_id = self.preferences.device(username)
        self.machine.begin(username, platform)
        self.machine.sending(ServerCall.LOGIN)
        self._run(
            "start_login",
            self.api.start_login,
            username,
            password,
            platform,
            on_success=self._started,
        )
        # The password lives on only in the worker's call; the field is cleared for safety.
        self.credentials.password.clear()

    @Slot(object)
    def _started(self, start: LoginStart) -> None:
        self.machine.started(start)

    @Slot()
    def _select_device(self) -> None:
        state = self.machine.state
        device_id = self.select_page.devices.currentData()
        if state.login_id is None or device_id is None:
            return
        self.machine.sending(ServerCall.SELECT_DEVICE, device_id=str(device_id))
        self._run(
            "select_device",
            self.api.select_device,
            state.login_id,
            str(device_id),
            on_success=self._device_chosen,
        )

    @Slot(object)
    def _device_chosen(self, step: ChallengeStep) -> None:
        self.preferences.set_device(self.machine.state.username, step.device_id)
        self.machine.device_chosen(step)

    @Slot(str)
    def _resend(self, channel: str) -> None:
        login_id = self.machine.state.login_id
        if login_id is not None:
            self.machine.sending(ServerCall.RESEND, channel=Channel(channel))
            self._run(
                "resend", self.api.resend, login_id, channel, on_success=self.machine.code_resent
            )

    @Slot(str)
    def _respond(self, response: str) -> None:
        state = self.machine.state
        if state.login_id is not None:
            self.machine.sending(ServerCall.RESPOND)
            self._run(
                "respond",
                respond_on_worker,
                self.api,
                self.store,
                state.username,
                state.login_id,
                response,
                on_success=self._responded,
            )

    @Slot(object)
    def _responded(self, outcome: Responded) -> None:
        session, cached = outcome.session, outcome.key_cached
        state = self.machine.state
        if state.device is not None:
            self.preferences.set_device(state.username, state.device.id)
        self.machine.succeeded(session)
        self.login_result = LoginResult(
            username=state.username,
            server=self.api.base_url,
            session=session,
            platform=state.platform,
            use_server_settings=self.preferences.use_server_settings(state.username),
            settings_key_cached=cached,
        )
        self.loggedIn.emit(self.login_result)
        self.accept()

    @Slot()
    def _start_over(self) -> None:
        self.machine.start_over()

    @Slot()
    def _cancel(self) -> None:
        """Cancel always works: drop a running call; from step 1, close the window."""
        if self.task is not None:
            # A cancelled task emits no result, but still ``finished`` when its call ends: that
            # must not end the busy state of a newer call started meanwhile.
            self.task.cancel()
            self.task.finished.disconnect(self._task_finished)
            self.task = None
            self._set_busy(False)
            self.machine.cancel()
            return
        if self.machine.state.phase is Phase.CREDENTIALS:
            self.reject()
        else:
            self.machine.cancel()

    @Slot()
    def _user_name_entered(self) -> None:
        """A user name was completed (the field left, or Return): the tick shows that user's
        "Use/store settings on server", unless the user has set the tick (it stays as set)."""
        username = normalize_username(self.credentials.username.text())
        if username == self._options_user:
            return
        self._options_user = username
        if not self._tick_set_by_user:
            self.credentials.use_server_settings.setChecked(
                self.preferences.use_server_settings(username)
            )

    @Slot()
    def _tick_set(self) -> None:
        self._tick_set_by_user = True

    @Slot(int)
    def _language_chosen(self, _index: int) -> None:
        code = self.credentials.language.currentData()
        if self.translations is not None and code and code != self.translations.language:
            self.translations.apply(str(code))
            self.preferences.set_language(str(code))

    # --- Qt -----------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("TWS Companion Login"))
        self.brand.setText(self.tr("TWS Companion"))
        self.subtitle.setText(self.tr("Secure Login System"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.other_device.setText(self.tr("Use another device"))
        self.busy_label.setText(self.tr("Contacting the server…"))
        if self.translations is not None:
            index = self.credentials.language.findData(self.translations.language)
            self.credentials.language.blockSignals(True)
            self.credentials.language.setCurrentIndex(max(0, index))
            self.credentials.language.blockSignals(False)
        self.show_state(self.machine.state)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Return belongs to the field that has focus (each page submits on it, the device
        drop-down continues); QDialog would otherwise press some other button. Escape is Cancel:
        it never loses a running login."""
        from PySide6.QtCore import Qt  # not before the first paint: see _after_first_paint

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            if self.select_page.devices.hasFocus() and not self.busy:
                self._select_device()
        elif event.key() == Qt.Key.Key_Escape:
            event.accept()
            self._cancel()
        else:
            super().keyPressEvent(event)

    @Slot()
    def _fit_to_contents(self) -> None:
        """More Options or the keyboard shown or hidden: the height what is shown asks for."""
        self.resize(self.width(), self._wanted_height())

    def _grow_to_fit(self) -> None:
        """Another page or message shown: taller if it asks for more (the window opens at the
        height of the login page, before the device pages are built)."""
        height = self._wanted_height()
        if height > self.height():
            self.resize(self.width(), height)

    def _wanted_height(self) -> int:
        """The height what is shown asks for: at least the default, at most the screen's,
        never less than it needs."""
        height = self.sizeHint().expandedTo(DEFAULT_SIZE).height()
        screen = self.screen()
        if screen is not None:
            title_bar = self.frameGeometry().height() - self.height()
            height = min(height, screen.availableGeometry().height() - title_bar)
        return max(height, self.minimumSize().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Grown (More Options, the on-screen keyboard): moved back onto its screen if it now
        reaches past its edge."""
        super().resizeEvent(event)
        screen = self.screen()
        if not self.isVisible() or screen is None:
            return
        area, frame = screen.availableGeometry(), self.frameGeometry()
        x = max(area.left(), min(frame.left(), area.right() + 1 - frame.width()))
        y = max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height()))
        if (x, y) != (frame.left(), frame.top()):
            self.move(QPoint(x, y))

    def paintEvent(self, event: QPaintEvent) -> None:
        """The first paint done, the rest is built while the GUI thread is idle."""
        super().paintEvent(event)
        if self._steps is None:
            self._steps = self._after_first_paint()
            QTimer.singleShot(0, self, self._next_step)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()
        super().closeEvent(event)
