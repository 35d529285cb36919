"""The identity check of a sensitive task against a real server process: user name and password,
the device drop-down, the device's challenge, the response; wrong answers said as at the login;
keyboard only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.support.process_server import RunningServer
from tests.support.security_session import (
    WAIT_MS,
    device_answer,
    pass_identity_check,
    server_fixture,
    type_answer,
    waiter,
)
from tws_companion.client.api import ApiClient
from tws_companion.gui.device_pages import CodeCardPage, DevicePage, OcraPage
from tws_companion.gui.identity_check_dialog import IdentityCheckDialog
from tws_companion.gui.worker import Worker

pytestmark = pytest.mark.gui


server = server_fixture("identity", ("sqlite",))


@pytest.fixture
def check(qtbot: QtBot, server: RunningServer, worker: Worker) -> Iterator[IdentityCheckDialog]:
    with ApiClient(server.url) as api:
        dialog = IdentityCheckDialog(api, worker, "withdrawal", username="demo")
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitExposed(dialog)
        yield dialog


def test_a_wrong_response_is_said_and_the_right_one_gives_an_approval(
    qtbot: QtBot, server: RunningServer, check: IdentityCheckDialog
) -> None:
    wait = waiter(qtbot)

    assert check.windowTitle() == "Verify your identity"
    page = pass_identity_check(check, wait, server, "demo", "demo-dscplus", answer="00000000")
    wait(lambda: not check.busy)
    assert check.current_page() is page
    assert isinstance(page, OcraPage)
    assert check.notice.isVisible()
    assert check.notice.text() == "The response is not correct. 2 attempts left."
    assert page.submit_button.text() == "Continue"
    instructions = check.instructions()
    assert instructions is not None
    assert "enter your 4-digit PIN" in instructions.text()
    assert page.device is not None
    assert page.challenge is not None
    type_answer(page, device_answer(server, "demo", page.device.kind, page.challenge))
    with qtbot.waitSignal(check.approved, timeout=WAIT_MS) as approved:
        page.submit_button.click()
    approval = approved.args[0]
    assert approval.device_kind == "dsc_plus"
    assert approval.purpose == "withdrawal"
    assert approval.token not in repr(approval)
    assert not check.isVisible()


def test_a_wrong_password_is_said_on_the_first_step(
    qtbot: QtBot, check: IdentityCheckDialog
) -> None:
    check.credentials.password.setText("not-the-password")
    check.credentials.continue_button.click()
    qtbot.waitUntil(lambda: not check.busy, timeout=WAIT_MS)
    assert check.current_page() is check.credentials
    assert check.notice.isVisible()
    assert check.notice.text().startswith("The user name or password is not correct.")
    assert check.credentials.password.text() == ""


def test_the_code_card_shows_its_indices_and_use_another_device_goes_back(
    qtbot: QtBot, server: RunningServer, check: IdentityCheckDialog
) -> None:
    check.credentials.password.setText("demo-pass-1")
    check.credentials.continue_button.click()
    qtbot.waitUntil(lambda: not check.busy, timeout=WAIT_MS)
    combo = check.select_page.devices
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["Digital Security Card+", "IB Key", "Security Code Card"]
    combo.setCurrentIndex(combo.findData("demo-card"))
    check.select_page.continue_button.click()
    qtbot.waitUntil(lambda: not check.busy, timeout=WAIT_MS)
    page = check.current_page()
    assert isinstance(page, CodeCardPage)
    assert page.challenge is not None
    assert page.challenge.indices is not None
    assert [c.text() for c in page.captions] == [f"Index {i}" for i in page.challenge.indices]
    instructions = check.instructions()
    assert instructions is not None
    assert "Find the index numbers on your card" in instructions.text()
    assert check.other_device.isVisible()
    check.other_device.click()
    assert check.current_page() is check.select_page


def test_every_field_is_reached_by_tab_and_enter_continues(
    qtbot: QtBot, server: RunningServer, check: IdentityCheckDialog
) -> None:
    credentials = check.credentials
    credentials.username.clear()
    credentials.username.setFocus()
    qtbot.keyClicks(credentials.username, "demo")
    qtbot.keyClick(credentials.username, Qt.Key.Key_Tab)
    assert credentials.password.hasFocus()
    qtbot.keyClicks(credentials.password, "demo-pass-1")
    focus: list[QWidget | None] = []
    for _ in range(2):
        qtbot.keyClick(check.focusWidget(), Qt.Key.Key_Tab)
        focus.append(check.focusWidget())
    assert focus == [credentials.continue_button, check.cancel_button]
    credentials.password.setFocus()
    qtbot.keyClick(credentials.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: check.current_page() is check.select_page, timeout=WAIT_MS)
    combo = check.select_page.devices
    assert combo.hasFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Tab)
    assert check.select_page.continue_button.hasFocus()
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # the DSC+, offered first
    qtbot.waitUntil(lambda: isinstance(check.current_page(), DevicePage), timeout=WAIT_MS)
    page = check.current_page()
    assert isinstance(page, OcraPage)
    assert page.response_field.hasFocus()
    assert page.device is not None
    assert page.challenge is not None
    qtbot.keyClicks(
        page.response_field, device_answer(server, "demo", page.device.kind, page.challenge)
    )
    qtbot.keyClick(page.response_field, Qt.Key.Key_Tab)
    assert page.submit_button.hasFocus()
    with qtbot.waitSignal(check.approved, timeout=WAIT_MS):
        qtbot.keyClick(page.response_field, Qt.Key.Key_Return)


def test_a_user_without_a_device_that_can_verify_is_told_so(
    qtbot: QtBot, check: IdentityCheckDialog
) -> None:
    check.credentials.username.setText("texter")
    check.credentials.password.setText("texter-pass-1")
    check.credentials.continue_button.click()
    qtbot.waitUntil(lambda: not check.busy, timeout=WAIT_MS)
    assert check.current_page() is check.credentials
    assert check.notice.text() == (
        "None of the security devices of this user can verify an identity: that takes a "
        "Digital Security Card+, IB Key or a Security Code Card."
    )
