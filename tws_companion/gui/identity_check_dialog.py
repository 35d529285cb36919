"""The identity check of a sensitive task ("How to verify your identity using your Secure Login
Device"): user name and password, then the device drop-down (M2FS) and the chosen device's
challenge, the response, Continue. What comes out is an approval for that one task.

The steps are those of a login, so the dialog is driven by the login's own state machine
(:class:`~tws_companion.client.login_machine.LoginMachine`: which failure leaves the step open,
which sends the user back to the drop-down, when a challenge has run out) and is a
:class:`~tws_companion.gui.login_machine_dialog.LoginMachineDialog` like the login window: the
same M2FS drop-down, pages of each device kind (:data:`~tws_companion.gui.device_pages.PAGES`,
their button saying Continue, the instructions those of the seed's identity check), message page,
busy state and Cancel (every call runs on the worker; Cancel drops the late answer).

The approval's token is a secret: it is kept in memory only, never logged, never in a repr, and
handed to the task (``approved``) once.

Keyboard: each step opens with the focus in its first empty field; Tab follows the fields in the
order they are shown; Return continues.

Signals of IdentityCheckDialog: approved(object) — the approval (an ``Approval``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tws_companion.client.login_machine import LoginMachine, LoginState, Phase
from tws_companion.gui.device_pages import DevicePage
from tws_companion.gui.layouts import right_aligned
from tws_companion.gui.login_machine_dialog import STYLE, CredentialsFields, LoginMachineDialog
from tws_companion.gui.theme import login_palette
from tws_companion.gui.worker import Worker
from tws_companion.protocol import ErrorCode

if TYPE_CHECKING:
    from tws_companion.client.api import ApiClient

__all__ = ["IdentityCheckDialog"]


class IdentityCredentialsPage(CredentialsFields):
    """Step 1 of an identity check: user name and password, then Continue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("primary")
        self.continue_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addLayout(right_aligned(self.continue_button))
        self.retranslate()

    def focus_chain(self) -> list[QWidget]:
        return [self.username, self.password, self.continue_button]

    def retranslate(self) -> None:
        self.title.setText(self.tr("Verify your identity"))
        self.username_label.setText(self.tr("User Name"))
        self.password_label.setText(self.tr("Password"))
        self.continue_button.setText(self.tr("Continue"))


class IdentityCheckDialog(LoginMachineDialog):
    """The identity check of one task (``purpose``: ``withdrawal``, ``share_device``...)."""

    credentials: IdentityCredentialsPage

    approved = Signal(object)

    def __init__(
        self,
        api: ApiClient,
        worker: Worker,
        purpose: str,
        *,
        username: str = "",
        intro: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(LoginMachine(), worker, IdentityCredentialsPage(), parent)
        self.setObjectName("identityCheckDialog")
        self.setPalette(login_palette())
        self.setStyleSheet(STYLE)
        self.api = api
        self.purpose = purpose
        #: What step 1 says about the task (read again on every language change).
        self._intro = intro
        #: The approval, once the response was accepted (its token is a secret).
        self.approval: Any = None
        self.credentials.username.setText(username)
        #: The seed's instructions for each device page, in place of the page's own (which
        #: speak of logging in); see :meth:`instructions`.
        self._instructions_of: dict[DevicePage, QLabel] = {}
        buttons = QHBoxLayout()
        buttons.addWidget(self.other_device)
        buttons.addStretch(1)
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
        layout.addWidget(self.progress)
        layout.addLayout(body, 1)
        self.stack.setMinimumWidth(420)
        self.credentials.continue_button.clicked.connect(self._start)
        self.credentials.password.returnPressed.connect(self._start)
        self.credentials.username.returnPressed.connect(self.credentials.password.setFocus)
        self._set_tab_order()
        self.resize(520, 440)
        self.retranslate()

    # --- pages ---------------------------------------------------------------------------------

    def _page_built(self, page: DevicePage) -> None:
        """Its button says Continue; the seed's instructions stand in place of its own."""
        page.submit_text = lambda: self.tr("Continue")
        page.retranslate()
        page.instructions.hide()
        label = QLabel()
        label.setObjectName("instructions")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        page.layout_.insertWidget(page.layout_.indexOf(page.instructions), label)
        self._instructions_of[page] = label

    def current_page(self) -> QWidget | None:
        """The step shown."""
        return self.stack.currentWidget()

    # --- rendering -----------------------------------------------------------------------------

    def _state_shown(self, state: LoginState) -> None:
        self._render_instructions(state)

    def _message_titles(self) -> dict[Phase, str]:
        return {
            Phase.EXPIRED: self.tr("Start over"),
            Phase.LOCKED: self.tr("Please wait"),
            Phase.RESTRICTED: self.tr("Identity check refused"),
        }

    def instructions(self) -> QLabel | None:
        """The instructions shown on the device page shown (``None`` on another step)."""
        page = self.stack.currentWidget()
        return self._instructions_of.get(page) if isinstance(page, DevicePage) else None

    def _render_instructions(self, state: LoginState) -> None:
        label = self.instructions()
        if label is not None and state.device is not None:
            label.setText(self._instructions(state.device.kind))

    def _instructions(self, kind: str) -> str:
        """The seed's steps for verifying with a device of ``kind``."""
        if kind == "dsc_plus":
            return self.tr(
                "<ol><li>Turn on your DSC+ using the <b>press</b> button until <b>PIN&gt;</b> "
                "is displayed, enter your 4-digit PIN and confirm with <b>OK</b>.</li>"
                "<li>When <b>CHALLNG&gt;</b> is displayed, enter the 6-digit Challenge Code "
                "into the DSC+ and confirm with <b>OK</b>.</li>"
                "<li>Enter the response string from your DSC+ into the passcode field and click "
                "<b>Continue</b>.</li></ol>"
            )
        if kind == "ib_key":
            return self.tr(
                "Launch IBKR Mobile on your smartphone and select <b>Authenticate</b>."
                "<ul><li><b>Android:</b> type your PIN and the Challenge Code, then select "
                "<b>Generate Passcode</b>.</li>"
                "<li><b>iOS:</b> type the Challenge Code, select <b>Generate Passcode</b> and "
                "use Touch ID or Face ID.</li></ul>"
                "Enter the response string from IB Key into the passcode field and click "
                "<b>Continue</b>."
            )
        if kind in ("code_card", "online_card"):
            return self.tr(
                "Find the index numbers on your card and enter the value next to each, "
                "without spaces, then click <b>Continue</b>."
            )
        return self.tr("Enter the response of your security device and click <b>Continue</b>.")

    def _describe(self, state: LoginState) -> str:
        notice = state.notice
        if notice is not None and notice.code is ErrorCode.NO_ACTIVE_DEVICE:
            return self.tr(
                "None of the security devices of this user can verify an identity: that takes "
                "a Digital Security Card+, IB Key or a Security Code Card."
            )
        return super()._describe(state)

    @Slot()
    def _start(self) -> None:
        entered = self._entered_credentials()
        if entered is None:
            return
        username, password = entered
        self.machine.begin(username, self.machine.state.platform)
        self._run(
            "start_verify",
            self.api.start_verify,
            username,
            password,
            self.purpose,
            on_success=self.machine.started,
        )
        # The password lives on only in the worker's call.
        self.credentials.password.clear()

    def _send_device_choice(self, login_id: str, device_id: str) -> None:
        self._run(
            "verify_device",
            self.api.verify_device,
            login_id,
            device_id,
            on_success=self.machine.device_chosen,
        )

    def _send_response(self, login_id: str, response: str) -> None:
        self._run(
            "verify_respond",
            self.api.verify_respond,
            login_id,
            response,
            on_success=self._approved,
        )

    @Slot(object)
    def _approved(self, approval: object) -> None:
        self.approval = approval
        self.timer.stop()
        self.approved.emit(approval)
        self.accept()

    # --- Qt ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Verify your identity"))
        self.credentials.intro.setText(
            self._intro()
            if self._intro is not None
            else self.tr(
                "This task asks you to verify your identity with your Secure Login Device. "
                "Enter your user name and password and click Continue."
            )
        )
        self.other_device.setText(self.tr("Use another device"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.show_state(self.machine.state)

    def done(self, result: int) -> None:
        """Closed (Continue accepted, Cancel, Escape, the window's close button): a call still
        running is dropped, the countdowns stop."""
        if self.task is not None:
            self.task.cancel()
        self.timer.stop()
        super().done(result)
