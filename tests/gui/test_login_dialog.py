"""The login dialog, driven like a user would, against the real server as a process.

Every server call goes through the dialog's worker; tests wait on signals (never sleep). Time that
must pass (a lockout wait, a challenge's 120 s) passes on injected clocks: the dialog's monotonic
clock and the server's clock file.
"""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.support.demo import (
    SOLO_KEY,
    dsc_plus_response,
    ib_key_response,
    latest_code,
    write_scenario,
)
from tests.support.memory_keyring import MemoryKeyring
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.login_machine import Phase
from tws_companion.client.models import LoginStart
from tws_companion.gui.device_pages import CodeCardPage, OcraPage, PasscodePage, SmsPage
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.login_result import LoginResult
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.worker import Worker
from tws_companion.protocol import Platform, Scope

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("gui-server")
    with serve(folder / "data", ["--scenario", str(write_scenario(folder))]) as running:
        yield running


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def dialog(qtbot: QtBot, server: RunningServer, clock: Clock) -> Iterator[LoginDialog]:
    worker = Worker()
    api = ApiClient(server.url)
    window = LoginDialog(api, worker, clock=clock)
    qtbot.addWidget(window)
    window.show()
    yield window
    worker.shutdown()
    api.close()


def wait_idle(qtbot: QtBot, dialog: LoginDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)


def log_in(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.credentials.username.setText(username)
    dialog.credentials.password.setText(password)
    qtbot.mouseClick(dialog.credentials.login_button, Qt.MouseButton.LeftButton)
    assert dialog.busy
    assert dialog.progress.isVisible()
    wait_idle(qtbot, dialog)


def choose(qtbot: QtBot, dialog: LoginDialog, kind: str) -> None:
    assert dialog.stack.currentWidget() is dialog.select_page
    combo = dialog.select_page.devices
    labels = {d.id: d.kind for d in dialog.machine.state.devices}
    index = next(i for i in range(combo.count()) if labels[combo.itemData(i)] == kind)
    combo.setCurrentIndex(index)
    qtbot.mouseClick(dialog.select_page.continue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)


def submit(
    qtbot: QtBot, dialog: LoginDialog, page: OcraPage | SmsPage | CodeCardPage
) -> LoginResult:
    with qtbot.waitSignal(dialog.loggedIn, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert isinstance(result, LoginResult)
    return result


def ocra_page(dialog: LoginDialog) -> OcraPage:
    page = dialog.stack.currentWidget()
    assert isinstance(page, OcraPage)
    return page


# --- every device kind ------------------------------------------------------------------------


def test_m2fs_drop_down_then_dsc_plus(
    qtbot: QtBot, dialog: LoginDialog, memory_keyring: MemoryKeyring
) -> None:
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    assert dialog.credentials.password.text() == ""  # the password is not kept
    assert dialog.select_page.devices.count() == 4
    choose(qtbot, dialog, "dsc_plus")
    page = ocra_page(dialog)
    challenge = page.challenge_code.text()
    assert len(challenge) == 6
    assert "PIN&gt;" in page.instructions.text()
    assert page.countdown.text().startswith("Time left to respond: 2:00")
    assert not page.submit_button.isEnabled()
    type_into(qtbot, page.response_field, dsc_plus_response(challenge))
    result = submit(qtbot, dialog, page)
    assert result.username == "demo"
    assert result.session.scope is Scope.FULL
    assert result.settings_key_cached
    assert len(memory_keyring.secrets) == 1
    # Remembered for next time: the user name and the device; never the password.
    preferences = LoginPreferences()
    assert preferences.last_username == "demo"
    assert preferences.device("demo") == "demo-dscplus"


def test_ib_key(qtbot: QtBot, dialog: LoginDialog) -> None:
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    choose(qtbot, dialog, "ib_key")
    page = ocra_page(dialog)
    assert "Android" in page.instructions.text()
    assert "iOS" in page.instructions.text()
    type_into(qtbot, page.response_field, ib_key_response(page.challenge_code.text()))
    assert submit(qtbot, dialog, page).username == "demo"


def test_security_code_card(qtbot: QtBot, dialog: LoginDialog, server: RunningServer) -> None:
    exported = server.admin("export-card", "--user", "demo")
    card = {int(i): v for i, v in list(csv.reader(io.StringIO(exported.stdout)))[1:]}
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    choose(qtbot, dialog, "code_card")
    page = dialog.stack.currentWidget()
    assert isinstance(page, CodeCardPage)
    challenge = dialog.machine.state.challenge
    assert challenge is not None
    indices = challenge.indices
    assert indices is not None
    assert len(indices) == 2
    for caption, field, index in zip(page.captions, page.fields, indices, strict=True):
        assert caption.text() == f"Index {index}"
        type_into(qtbot, field, card[index].lower())
    assert submit(qtbot, dialog, page).username == "demo"


def test_single_device_goes_straight_to_its_page(qtbot: QtBot, dialog: LoginDialog) -> None:
    log_in(qtbot, dialog, "solo", "solo-pass-1")
    page = ocra_page(dialog)
    assert not dialog.other_device.isVisible()
    type_into(
        qtbot, page.response_field, ib_key_response(page.challenge_code.text(), SOLO_KEY, "4321")
    )
    assert submit(qtbot, dialog, page).username == "solo"


def test_sms_then_request_new_code_by_voice(
    qtbot: QtBot, dialog: LoginDialog, server: RunningServer
) -> None:
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    choose(qtbot, dialog, "sms")
    page = dialog.stack.currentWidget()
    assert isinstance(page, SmsPage)
    assert "0100" in page.sent_to.text()
    assert page.not_received.text() == "Didn't receive a security code?"
    qtbot.mouseClick(page.not_received, Qt.MouseButton.LeftButton)
    assert page.request_box.isVisible()
    assert page.request_title.text() == "Request new security code"
    server.move_clock(30)
    page.by_voice.setChecked(True)
    qtbot.mouseClick(page.request_ok, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert "You will receive a call within one minute" in dialog.notice.text()
    assert page.countdown.text() == "Expected call within 1:00"
    type_into(qtbot, page.code_field, latest_code(server.data_dir / "outbox", "voice"))
    assert submit(qtbot, dialog, page).username == "demo"


def test_temporary_passcode(qtbot: QtBot, dialog: LoginDialog, server: RunningServer) -> None:
    issued = server.admin("issue-temp-passcode", "--user", "traveller")
    passcode = issued.stdout.split(":")[1].split()[0]
    log_in(qtbot, dialog, "traveller", "traveller-pass-1")
    choose(qtbot, dialog, "temporary")
    page = dialog.stack.currentWidget()
    assert isinstance(page, PasscodePage)
    type_into(qtbot, page.passcode_field, passcode.lower())
    with qtbot.waitSignal(dialog.loggedIn, timeout=WAIT_MS):
        qtbot.keyClick(page.passcode_field, Qt.Key.Key_Return)


# --- what goes wrong --------------------------------------------------------------------------


def test_wrong_response_shows_attempts_left(qtbot: QtBot, dialog: LoginDialog) -> None:
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    choose(qtbot, dialog, "dsc_plus")
    page = ocra_page(dialog)
    type_into(qtbot, page.response_field, "00000000")
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert dialog.notice.isVisible()
    assert dialog.notice.text() == "The response is not correct. 2 attempts left."
    assert dialog.stack.currentWidget() is page


def test_the_user_can_switch_to_another_device(qtbot: QtBot, dialog: LoginDialog) -> None:
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    choose(qtbot, dialog, "code_card")
    assert dialog.other_device.isVisible()
    qtbot.mouseClick(dialog.other_device, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.select_page
    choose(qtbot, dialog, "dsc_plus")
    assert isinstance(dialog.stack.currentWidget(), OcraPage)


def test_challenge_expiry_asks_to_start_over(
    qtbot: QtBot, dialog: LoginDialog, clock: Clock
) -> None:
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    choose(qtbot, dialog, "dsc_plus")
    page = ocra_page(dialog)
    clock.now += 61
    qtbot.waitUntil(lambda: page.countdown.text() == "Time left to respond: 0:59", timeout=WAIT_MS)
    clock.now += 59
    qtbot.waitUntil(lambda: dialog.machine.state.phase is Phase.EXPIRED, timeout=WAIT_MS)
    assert dialog.stack.currentWidget() is dialog.message_page
    assert "Start over from step 1" in dialog.message_page.text.text()
    qtbot.mouseClick(dialog.message_page.start_over, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.credentials
    assert dialog.credentials.username.text() == "demo"


def test_wrong_passwords_warn_before_the_wait_which_is_then_counted_down(
    qtbot: QtBot, dialog: LoginDialog, clock: Clock, server: RunningServer
) -> None:
    log_in(qtbot, dialog, "locky", "wrong")
    assert dialog.notice.text() == (
        "The user name or password is not correct.\n"
        "2 attempts left before a wait.\n"
        "9 attempts left before the account locks."
    )
    log_in(qtbot, dialog, "locky", "wrong")
    assert dialog.notice.text() == (
        "The user name or password is not correct.\n"
        "1 attempt left before a wait.\n"
        "8 attempts left before the account locks."
    )
    # The third failure starts the wait: it is counted down at once, no fourth try needed.
    log_in(qtbot, dialog, "locky", "wrong")
    assert dialog.machine.state.phase is Phase.LOCKED
    page = dialog.message_page
    assert dialog.stack.currentWidget() is page
    assert page.title.text() == "Please wait"
    assert page.text.text() == (
        "The user name or password is not correct.\n7 attempts left before the account locks."
    )
    assert page.countdown.text() == "Please wait 1 minute"
    assert not page.start_over.isVisible()
    dialog.credentials.password.setText("locky-pass-1")
    dialog.credentials.login_button.click()  # not shown now: nothing is sent
    assert not dialog.busy
    clock.now += 1
    qtbot.waitUntil(lambda: page.countdown.text() == "Please wait 59 seconds", timeout=WAIT_MS)
    clock.now += 58
    qtbot.waitUntil(lambda: page.countdown.text() == "Please wait 1 second", timeout=WAIT_MS)
    clock.now += 1
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.credentials, timeout=WAIT_MS)
    assert not dialog.notice.isVisible()
    server.move_clock(60)
    log_in(qtbot, dialog, "locky", "locky-pass-1")
    assert isinstance(dialog.stack.currentWidget(), SmsPage)


def test_a_new_code_asked_for_too_early_shows_the_seconds_left(
    qtbot: QtBot, dialog: LoginDialog, clock: Clock
) -> None:
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    choose(qtbot, dialog, "sms")
    page = dialog.stack.currentWidget()
    assert isinstance(page, SmsPage)
    qtbot.mouseClick(page.not_received, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.request_ok, Qt.MouseButton.LeftButton)  # by SMS, at once
    wait_idle(qtbot, dialog)
    match = re.fullmatch(
        r"Please wait (\d+) seconds before requesting a new code\.", dialog.notice.text()
    )
    assert match is not None, dialog.notice.text()
    waiting = int(match.group(1))
    assert 25 <= waiting <= 30  # the server counts from the code it sent
    clock.now += waiting - 1
    qtbot.waitUntil(
        lambda: dialog.notice.text() == "Please wait 1 second before requesting a new code.",
        timeout=WAIT_MS,
    )
    clock.now += 1
    qtbot.waitUntil(lambda: not dialog.notice.isVisible(), timeout=WAIT_MS)
    assert dialog.stack.currentWidget() is page


def test_ip_restriction_is_explained(qtbot: QtBot, dialog: LoginDialog) -> None:
    log_in(qtbot, dialog, "restricted", "restricted-pass-1")
    assert dialog.machine.state.phase is Phase.RESTRICTED
    assert "IP restrictions are active" in dialog.message_page.text.text()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def stuck_dialog(qtbot: QtBot, silent_server: str, clock: Clock) -> Iterator[LoginDialog]:
    """A login dialog whose server never answers."""
    worker = Worker()
    api = ApiClient(silent_server, timeout=(3.0, 3.0))
    dialog = LoginDialog(api, worker, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    # The late failure of an abandoned call is dropped, not shown.
    assert worker.shutdown(10_000)
    assert not dialog.notice.isVisible()
    api.close()


def test_escape_cancels_a_running_call_and_return_never_does(
    qtbot: QtBot, stuck_dialog: LoginDialog
) -> None:
    dialog = stuck_dialog
    dialog.credentials.username.setText("demo")
    dialog.credentials.password.setText("demo-pass-1")
    qtbot.keyClick(dialog.credentials.password, Qt.Key.Key_Return)
    assert dialog.busy
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.busy
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.busy
    assert dialog.isVisible()


def test_cancel_always_works(qtbot: QtBot, stuck_dialog: LoginDialog) -> None:
    dialog = stuck_dialog
    dialog.credentials.username.setText("demo")
    dialog.credentials.password.setText("demo-pass-1")
    qtbot.mouseClick(dialog.credentials.login_button, Qt.MouseButton.LeftButton)
    assert dialog.busy
    assert dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.busy
    assert dialog.credentials.isEnabled()
    assert dialog.stack.currentWidget() is dialog.credentials


class GatedApi(ApiClient):
    """Each user's login waits at its own gate, so a test decides which call ends first."""

    def __init__(self, base_url: str, *users: str) -> None:
        super().__init__(base_url)
        self.gates = {user: threading.Event() for user in users}

    def start_login(
        self, username: str, password: str, platform: Platform | str = Platform.TWS
    ) -> LoginStart:
        self.gates[username].wait(WAIT_MS / 1000)
        return super().start_login(username, password, platform)

    def open_all(self) -> None:
        for gate in self.gates.values():
            gate.set()


def test_a_cancelled_call_ending_late_leaves_the_next_call_busy(
    qtbot: QtBot, server: RunningServer, clock: Clock
) -> None:
    worker = Worker()
    api = GatedApi(server.url, "solo", "demo")
    dialog = LoginDialog(api, worker, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        dialog.credentials.username.setText("solo")
        dialog.credentials.password.setText("solo-pass-1")
        qtbot.mouseClick(dialog.credentials.login_button, Qt.MouseButton.LeftButton)
        first = dialog.task
        assert first is not None
        ended: list[str] = []  # not waitSignal: a finished task is deleted
        first.finished.connect(lambda: ended.append("first"))
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert not dialog.busy
        dialog.credentials.username.setText("demo")
        dialog.credentials.password.setText("demo-pass-1")
        qtbot.mouseClick(dialog.credentials.login_button, Qt.MouseButton.LeftButton)
        second = dialog.task
        assert second is not None
        assert second is not first
        api.gates["solo"].set()
        qtbot.waitUntil(lambda: ended == ["first"], timeout=WAIT_MS)
        # The cancelled call ended: the newer one still runs, and the window still says so.
        assert dialog.busy
        assert dialog.task is second
        assert dialog.progress.isVisible()
        assert not dialog.credentials.isEnabled()
        api.gates["demo"].set()
        wait_idle(qtbot, dialog)
        # Only the newer call's answer is shown: demo has several devices, solo has one.
        assert dialog.stack.currentWidget() is dialog.select_page
        assert dialog.machine.state.username == "demo"
    finally:
        api.open_all()
        assert worker.shutdown(WAIT_MS)
        api.close()


def test_unreachable_server_is_explained(qtbot: QtBot, clock: Clock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    worker = Worker()
    api = ApiClient(f"http://127.0.0.1:{port}")
    dialog = LoginDialog(api, worker, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    log_in(qtbot, dialog, "demo", "x")
    assert "cannot be reached" in dialog.notice.text()
    worker.shutdown()
    api.close()


def test_more_options_remember_server_settings_per_user(
    qtbot: QtBot, dialog: LoginDialog, tmp_path: Path
) -> None:
    options = dialog.credentials
    assert not options.more_options.isVisible()
    qtbot.mouseClick(options.more_button, Qt.MouseButton.LeftButton)
    assert options.more_options.isVisible()
    options.username.setText("demo")
    options.use_server_settings.setChecked(True)
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    assert LoginPreferences().use_server_settings("demo")
    assert not LoginPreferences().use_server_settings("solo")


def test_on_screen_keyboard_types_the_password(qtbot: QtBot, dialog: LoginDialog) -> None:
    qtbot.mouseClick(dialog.credentials.keyboard_button, Qt.MouseButton.LeftButton)
    keyboard = dialog.credentials.keyboard
    assert keyboard.isVisible()
    dialog.credentials.password.setFocus()
    keys = {
        button.text().replace("&&", "&"): button for button in keyboard.findChildren(QPushButton)
    }
    for char in "ab1&@":
        qtbot.mouseClick(keys[char], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keyboard.backspace_button, Qt.MouseButton.LeftButton)
    assert dialog.credentials.password.text() == "ab1&"
    # The user name too: the keys type into whichever field has the focus.
    dialog.credentials.username.clear()
    dialog.credentials.username.setFocus()
    for char in "xy":
        qtbot.mouseClick(keys[char], Qt.MouseButton.LeftButton)
    assert dialog.credentials.username.text() == "xy"
    assert dialog.credentials.password.text() == "ab1&"
