"""What the dialogs that walk a :class:`~tws_companion.client.login_machine.LoginMachine` share:
the login window and the identity check of a sensitive task.

:class:`LoginMachineDialog` is their base: it renders the machine's state (the first step, the
M2FS drop-down :class:`SelectDevicePage`, the page of the chosen device kind, or
:class:`MessagePage`: expired, locked with a live countdown, restricted), the notice under it,
the countdowns, the busy state while a call runs on the worker (one call at a time, Cancel
always works and drops the late answer) and the keyboard (each page opens with the focus in its
first empty field, Tab follows the fields in the order shown, Return continues, Escape cancels).
Each dialog lays the widgets out, says its own texts and makes its own server calls: the hooks
it must write are marked ``@abstractmethod`` (QDialog's metaclass does not mix with ABCMeta, so
nothing stops a missing one at run time, but mypy refuses to make a dialog that lacks one).
:class:`CredentialsFields` is the base of their first page (user name and password); ``STYLE``
their look.

The login window paints fast (see :mod:`tws_companion.gui.login_dialog`): this module imports
neither the device pages nor anything heavy, and uses PySide's ``Qt`` namespace only after the
first paint (in :meth:`LoginMachineDialog.keyPressEvent`); the texts of notices and devices
(:mod:`tws_companion.gui.messages`) and the client's error classes load when first needed. The
drop-down's page and the message page are built when first used, as the device pages are: the
first paint shows the first page alone (the drop-down's pop-up list alone is ten widgets, each
styled by ``STYLE``).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.login_machine import LoginMachine, LoginState, NoticeKind, Phase
from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.gui.layouts import right_aligned
from tws_companion.gui.theme import FOCUS_FRAME
from tws_companion.gui.worker import Task, Worker

if TYPE_CHECKING:
    from tws_companion.gui.device_pages import DevicePage

__all__ = [
    "STYLE",
    "CredentialsFields",
    "LoginMachineDialog",
    "MessagePage",
    "SelectDevicePage",
]

#: How often the countdowns are refreshed (milliseconds).
TICK_MS = 250

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


class CredentialsFields(TranslatedWidget):
    """The base of a first page: the user name and password fields with their labels, in
    ``form`` (the page lays it out, may add rows, and says the labels' texts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        # By name: the first paint does not wait for PySide to build the Qt namespace's enums.
        self.form.setProperty("labelAlignment", "AlignRight")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        # Never offered for saving or completion: no completer, and the password echo mode
        # tells input methods it is hidden, sensitive and not to be predicted or remembered.
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(256)
        self.username_label = QLabel()
        self.password_label = QLabel()
        self.form.addRow(self.username_label, self.username)
        self.form.addRow(self.password_label, self.password)

    @abstractmethod
    def focus_chain(self) -> list[QWidget]:
        """What Tab visits on this page, in the order shown."""
        raise NotImplementedError

    def focus_first_empty(self) -> None:
        """The user name on a first run, else the password."""
        (self.password if self.username.text().strip() else self.username).setFocus()


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


class LoginMachineDialog(QDialog):
    """A dialog that shows the steps of ``machine``, its first page ``credentials``.

    The subclass lays out ``stack``, ``notice``, ``progress``, ``other_device`` and
    ``cancel_button``, connects its first page (sending it with :meth:`_entered_credentials`),
    sets its texts in ``retranslate`` and makes the calls: :meth:`_send_device_choice`,
    :meth:`_send_response` and :meth:`_message_titles`; it may add to :meth:`_page_built` and
    :meth:`_state_shown`.
    """

    def __init__(
        self,
        machine: LoginMachine,
        worker: Worker,
        credentials: CredentialsFields,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.machine = machine
        self.task: Task | None = None
        # The last failure that was not the server's answer: the machine keeps only its text.
        self._failure: Exception | None = None
        #: Whether the page shown next gets the focus in its first empty field (at the start,
        #: and when a call ends: the page was disabled meanwhile).
        self._refocus = True
        self.credentials = credentials
        #: The drop-down's page and the message page, once built (see :attr:`select_page`).
        self._select_page: SelectDevicePage | None = None
        self._message_page: MessagePage | None = None
        #: The device pages built so far, by device kind (see :meth:`device_page`).
        self.device_pages: dict[str, DevicePage] = {}
        self.stack = QStackedWidget()
        self.stack.addWidget(self.credentials)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.hide()
        self.other_device = QPushButton()
        self.other_device.setObjectName("link")
        self.other_device.setFlat(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancel")
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.machine.subscribe(self.show_state)
        self.other_device.clicked.connect(self.machine.choose_another_device)
        self.cancel_button.clicked.connect(self._cancel)
        self.timer.timeout.connect(self._tick)

    # --- what each dialog says and does ---------------------------------------------------------

    @abstractmethod
    def retranslate(self) -> None:
        raise NotImplementedError

    @abstractmethod
    def _message_titles(self) -> dict[Phase, str]:
        """The title of the message page in each of its phases (expired, locked, restricted)."""
        raise NotImplementedError

    @abstractmethod
    def _send_device_choice(self, login_id: str, device_id: str) -> None:
        """Ask the server for the challenge of the device chosen in the drop-down."""
        raise NotImplementedError

    @abstractmethod
    def _send_response(self, login_id: str, response: str) -> None:
        """Send the response typed on a device page."""
        raise NotImplementedError

    def _page_built(self, page: DevicePage) -> None:
        """A device page was made (and put in the stack): the dialog may adapt it."""

    def _state_shown(self, state: LoginState) -> None:
        """The page and the notice of ``state`` are shown (before the focus is placed)."""

    # --- pages ----------------------------------------------------------------------------------

    @property
    def select_page(self) -> SelectDevicePage:
        """The M2FS drop-down's page, built when first needed."""
        if self._select_page is None:
            self._select_page = SelectDevicePage()
            self._select_page.continue_button.clicked.connect(self._select_device)
            self._add_page(self._select_page)
        return self._select_page

    @property
    def message_page(self) -> MessagePage:
        """The page of an expired, locked or restricted login, built when first needed."""
        if self._message_page is None:
            self._message_page = MessagePage()
            self._message_page.start_over.clicked.connect(self._start_over)
            self._add_page(self._message_page)
        return self._message_page

    def _add_page(self, page: QWidget) -> None:
        """``page`` in the stack, disabled while a call runs, in the Tab order."""
        page.setEnabled(not self.busy)
        self.stack.addWidget(page)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """Tab follows each page's fields, then Use another device and Cancel."""
        fixed = (self._select_page, self._message_page)
        chain = [
            *self.credentials.focus_chain(),
            *(w for page in fixed if page is not None for w in page.focus_chain()),
            *(w for page in dict.fromkeys(self.device_pages.values()) for w in page.focus_chain()),
            self.other_device,
            self.cancel_button,
        ]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def device_page(self, kind: str) -> DevicePage | None:
        """The page of a device kind (``None`` for a kind without one), built when first
        needed (the login window paints before any device page is built)."""
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
            self._page_built(page)
            self.stack.addWidget(page)
            page.submitted.connect(self._respond)
            if self.busy:
                page.set_busy(True)
        for other, other_class in PAGES.items():
            if other_class is page_class:
                self.device_pages[other] = page
        self._set_tab_order()
        return page

    # --- rendering ------------------------------------------------------------------------------

    @Slot(object)
    def show_state(self, state: LoginState) -> None:
        phase = state.phase
        shown = self.stack.currentWidget()
        if phase is Phase.CREDENTIALS:
            self.stack.setCurrentWidget(self.credentials)
        elif phase is Phase.SELECT_DEVICE:
            self._render_devices(state, keep_choice=shown is self._select_page)
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
        self._state_shown(state)
        if self._refocus or self.stack.currentWidget() is not shown:
            self._refocus = False
            self._focus_page()
        self._update_timer()
        self._tick_labels()

    def _render_devices(self, state: LoginState, *, keep_choice: bool) -> None:
        """The M2FS drop-down: each device by the name of its kind, in the user's language;
        the device chosen so far stays chosen (a new language, a refused device), else the
        preferred one."""
        from tws_companion.gui.messages import device_choice_text

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
        elif self._select_page is not None and page is self._select_page:
            self._select_page.devices.setFocus()
        elif self._message_page is not None and page is self._message_page:
            start_over = self._message_page.start_over
            (start_over if start_over.isVisibleTo(self) else self.cancel_button).setFocus()
        else:
            from tws_companion.gui.device_pages import DevicePage  # loaded: a device page is shown

            if isinstance(page, DevicePage):
                page.focus_input()

    def _render_message(self, state: LoginState) -> None:
        page = self.message_page
        page.title.setText(self._message_titles()[state.phase])
        page.text.setText(self._describe(state))
        page.start_over.setVisible(state.phase is not Phase.LOCKED)
        self.stack.setCurrentWidget(page)

    def _describe(self, state: LoginState) -> str:
        """What the notice of ``state`` tells the user, in the user's language."""
        notice = state.notice
        if notice is None:
            return ""
        from tws_companion.gui.messages import describe, describe_failure

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
            from tws_companion.gui.messages import wait_text

            self.message_page.countdown.setText(wait_text(left))
        elif self._message_page is not None:
            self._message_page.countdown.clear()
        if state.phase is Phase.RESPOND and state.device is not None:
            page = self.device_page(state.device.kind)
            if page is not None:
                if left is not None:
                    page.set_call_countdown(left)
                else:
                    page.set_countdown(self.machine.challenge_seconds_left())

    # --- calls ----------------------------------------------------------------------------------

    def _run(
        self,
        name: str,
        func: Callable[..., object],
        *args: object,
        on_success: Callable[[Any], object],
    ) -> None:
        if self.task is not None:
            return  # one call at a time
        self.task = self.worker.submit(name, func, *args, owner=self)
        self.task.succeeded.connect(on_success)
        self.task.failed.connect(self._failed)
        self.task.finished.connect(self._task_finished)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.credentials.setEnabled(not busy)
        for fixed in (self._select_page, self._message_page):
            if fixed is not None:
                fixed.setEnabled(not busy)
        for page in set(self.device_pages.values()):
            page.set_busy(busy)
        self.other_device.setEnabled(not busy)

    @Slot()
    def _task_finished(self) -> None:
        self.task = None
        self._set_busy(False)
        self._refocus = True
        self.show_state(self.machine.state)

    @Slot(object)
    def _failed(self, error: object) -> None:
        from tws_companion.client.errors import ApiError

        failure = error if isinstance(error, Exception) else RuntimeError(str(error))
        self._failure = None if isinstance(failure, ApiError) else failure
        self.machine.failed(failure)

    @property
    def busy(self) -> bool:
        return self.task is not None

    # --- user actions ---------------------------------------------------------------------------

    def _entered_credentials(self) -> tuple[str, str] | None:
        """The user name and password typed, if the first step can be sent now (both typed, no
        call running, no wait being counted down)."""
        username = self.credentials.username.text().strip()
        password = self.credentials.password.text()
        if not username or not password or self.busy:
            return None
        if self.machine.state.phase is not Phase.CREDENTIALS:
            return None
        return username, password

    @Slot()
    def _select_device(self) -> None:
        login_id = self.machine.state.login_id
        device_id = self.select_page.devices.currentData()
        if login_id is not None and device_id is not None:
            self._send_device_choice(login_id, str(device_id))

    @Slot(str)
    def _respond(self, response: str) -> None:
        login_id = self.machine.state.login_id
        if login_id is not None:
            self._send_response(login_id, response)

    @Slot()
    def _start_over(self) -> None:
        self.machine.start_over()

    @Slot()
    def _cancel(self) -> None:
        """Cancel always works: drop a running call; from step 1, close the dialog."""
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

    # --- Qt -------------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Return belongs to the field that has focus (each page submits on it, the device
        drop-down continues); QDialog would otherwise press some other button. Escape is Cancel:
        it never loses a running call."""
        from PySide6.QtCore import Qt  # not before the login window's first paint

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            choice = self._select_page
            if choice is not None and choice.devices.hasFocus() and not self.busy:
                self._select_device()
        elif event.key() == Qt.Key.Key_Escape:
            event.accept()
            self._cancel()
        else:
            super().keyPressEvent(event)
