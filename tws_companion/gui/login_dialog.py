"""The login window of the Secure Login System.

It renders the :class:`LoginMachine`'s current state: credentials, the M2FS drop-down, the page of
the chosen device (``PAGES``), or a message (expired, locked with a live countdown, restricted).
Every server call runs on the :class:`Worker`; while one runs the window shows it is busy and
Cancel always works (the late answer is dropped). What it shares with the identity check (the
rendering, the busy state, Cancel, the keys) is its base,
:class:`~tws_companion.gui.login_machine_dialog.LoginMachineDialog`; here are its first page, its
header, its calls and its start-up.

Keyboard: each page opens with the focus in its first empty field; Tab follows the fields in the
order they are shown; Return continues from the field or drop-down that has the focus; the
focused button has a frame. The window grows with what it shows (More Options, the on-screen
keyboard, a taller page) and stays on its screen.

Start-up (``benchmarks/startup.py``): the window paints with its first page alone. The other
pages (the device drop-down's, the message page, the device pages) are built right after, one
each time the GUI thread is idle (or when one is needed sooner), the on-screen keyboard when it
is first opened; and nothing before the first paint uses PySide's ``Qt`` namespace, whose 90-odd
enums PySide builds on its first use (see ``_after_first_paint``).

Signals of LoginDialog: loggedIn(object) — a :class:`LoginResult`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.login_machine import (
    LoginMachine,
    LoginState,
    Phase,
    ServerCall,
)
from tws_companion.gui.i18n import LANGUAGES, Translations
from tws_companion.gui.login_machine_dialog import STYLE, CredentialsFields, LoginMachineDialog
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.theme import login_palette
from tws_companion.gui.worker import Worker
from tws_companion.protocol import Channel, Platform
from tws_companion.protocol.usernames import normalize_username

if TYPE_CHECKING:
    # The HTTP client (requests), the server's vocabulary (pydantic) and the keyring load after
    # the window's first paint: the app makes its client then, on the worker (gui/app.py), and
    # the last login step runs on the worker (respond_on_worker).
    from tws_companion.client.api import ApiClient
    from tws_companion.client.login_steps import Responded
    from tws_companion.client.models import ChallengeStep, LoginStart
    from tws_companion.gui.device_pages import DevicePage
    from tws_companion.gui.login_result import LoginResult
    from tws_companion.gui.onscreen_keyboard import OnScreenKeyboard
    from tws_companion.storage.secret_store import SecretStore


#: How often the steps after the first paint look whether the worker is done (milliseconds).
WORKER_POLL_MS = 25

#: The width the window opens with (it grows when what it shows needs more).
DEFAULT_SIZE = QSize(460, 430)


def respond_on_worker(
    api: ApiClient, store: SecretStore | None, username: str, login_id: str, response: str
) -> Responded:
    """On the worker: the last login step (:func:`respond_and_cache_key`), with ``store`` or else
    the user's keyring; the keyring is loaded and checked here, never on the GUI thread."""
    from tws_companion.client.login_steps import respond_and_cache_key
    from tws_companion.storage.secret_store import SecretStore

    keyring = store if store is not None else SecretStore()
    return respond_and_cache_key(api, keyring, username, login_id, response)


class CredentialsPage(CredentialsFields):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.platform = QComboBox()
        self.platform_label = QLabel()
        self.form.addRow(self.platform_label, self.platform)
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
        self._layout.addLayout(self.form)
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


class LoginDialog(LoginMachineDialog):
    credentials: CredentialsPage

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
        preferences = preferences or LoginPreferences()
        machine = LoginMachine(platform=preferences.platform, clock=clock)
        super().__init__(machine, worker, CredentialsPage(), parent)
        self.preferences = preferences
        self.setObjectName("loginDialog")
        self.setPalette(login_palette())
        self.setStyleSheet(STYLE)
        self._api = api
        #: The keyring the settings key is kept in; ``None``: the user's (made on the worker).
        self.store = store
        self.translations = translations
        self.login_result: LoginResult | None = None
        #: The user name whose "Use/store settings on server" the tick shows, and whether the
        #: user has set the tick since (then it stays as set, whatever name is typed).
        self._options_user = normalize_username(self.preferences.last_username)
        self._tick_set_by_user = False
        #: What is left to build after the first paint (:meth:`_after_first_paint`).
        self._steps: Iterator[None] | None = None
        self._settled = False
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

        self.busy_label = QLabel()
        self.busy_label.setObjectName("busy")
        self.busy_label.hide()
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

    def _page_built(self, page: DevicePage) -> None:
        page.resendRequested.connect(self._resend)

    def _after_first_paint(self) -> Iterator[None]:
        """What the first paint does not wait for, in steps of a few milliseconds each (see
        :meth:`_next_step`): PySide's ``Qt`` namespace (building its 90-odd enums takes tens of
        milliseconds; the first key press the window handles needs it), the drop-down's page and
        the message page (built and styled), the module of the device pages, then each device
        page."""
        from PySide6.QtCore import Qt  # noqa: F401  (the enums are built on this first use)

        yield
        self.select_page.ensurePolished()
        yield
        self.message_page.ensurePolished()
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
            self._settled = True
            return
        QTimer.singleShot(0, self, self._next_step)

    @property
    def settled(self) -> bool:
        """Whether everything the first paint did not wait for is built (every page): what a
        user's first key press finds, a few hundred milliseconds after the window shows."""
        return self._settled

    def _connect_signals(self) -> None:
        self.credentials.login_button.clicked.connect(self._login)
        self.credentials.password.returnPressed.connect(self._login)
        self.credentials.username.editingFinished.connect(self._user_name_entered)
        self.credentials.use_server_settings.clicked.connect(self._tick_set)
        for toggle in (self.credentials.more_button, self.credentials.keyboard_button):
            # Once the layout has taken in what was shown or hidden.
            toggle.toggled.connect(lambda _on: QTimer.singleShot(0, self, self._fit_to_contents))
        self.credentials.language.currentIndexChanged.connect(self._language_chosen)

    # --- rendering ----------------------------------------------------------------------------

    def _state_shown(self, state: LoginState) -> None:
        if (
            state.phase is Phase.CREDENTIALS
            and state.username
            and not self.credentials.username.text()
        ):
            self.credentials.username.setText(state.username)
        self._grow_to_fit()

    def _message_titles(self) -> dict[Phase, str]:
        return {
            Phase.EXPIRED: self.tr("Start over"),
            Phase.LOCKED: self.tr("Please wait"),
            Phase.RESTRICTED: self.tr("Login refused"),
        }

    # --- busy state ---------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.busy_label.setVisible(busy)

    # --- user actions -------------------------------------------------------------------------

    @Slot()
    def _login(self) -> None:
        entered = self._entered_credentials()
        if entered is None:
            return  # e.g. a wait is counted down: no login until it ends
        username, password = entered
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

    def _send_device_choice(self, login_id: str, device_id: str) -> None:
        self.machine.sending(ServerCall.SELECT_DEVICE, device_id=device_id)
        self._run(
            "select_device",
            self.api.select_device,
            login_id,
            device_id,
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

    def _send_response(self, login_id: str, response: str) -> None:
        self.machine.sending(ServerCall.RESPOND)
        self._run(
            "respond",
            respond_on_worker,
            self.api,
            self.store,
            self.machine.state.username,
            login_id,
            response,
            on_success=self._responded,
        )

    @Slot(object)
    def _responded(self, outcome: Responded) -> None:
        from tws_companion.gui.login_result import LoginResult

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
