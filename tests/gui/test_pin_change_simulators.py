"""The simulators follow a PIN change, as a user would see it: the DSC+ card's PIN-change mode
(on its own), the IB Key app's Change PIN screen against a real server process (then a login
with the new PIN through the client, the old PIN refused by the app), and the DSC+ PIN change
dialog answered by the simulated card (then a login with the card's new PIN)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.demo import (
    DSC_PLUS_KEY,
    IB_KEY_KEY,
    SOLO_KEY,
    dsc_plus_response,
    latest_code,
    write_scenario,
)
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import WrongResponse
from tws_companion.gui.pin_change_dialog import PinChangeDialog
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
from tws_companion.gui.simulators.ib_key import IbKeySimulator
from tws_companion.gui.worker import Worker
from tws_companion.protocol import Platform
from tws_companion.sls import ocra
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE

DEMO_CARD = SimulatedOcraDevice("Digital Security Card+", DSC_PLUS_KEY, "1234", user="demo")
DEMO_IB_KEY = SimulatedOcraDevice("IB Key on my phone", IB_KEY_KEY, "2580", user="demo")
SOLO_IB_KEY = SimulatedOcraDevice("IB Key", SOLO_KEY, "4321", user="solo")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with serve(tmp_path / "data", ["--scenario", str(write_scenario(tmp_path))]) as running:
        yield running


@pytest.fixture
def api(server: RunningServer) -> Iterator[ApiClient]:
    with ApiClient(server.url) as client:
        yield client


def _key_in(card: DscPlusSimulator, digits: str) -> None:
    for digit in digits:
        card.press_digit(digit)
    card.press_ok()


# --- the DSC+ card on its own ------------------------------------------------------------------


def test_the_card_takes_a_new_pin_in_pin_change_mode_and_keeps_it(qtbot: QtBot) -> None:
    card = DscPlusSimulator(DEMO_CARD)
    qtbot.addWidget(card)
    card.show()
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_P)  # the Change PIN key
    assert card.display_text == "NEW PIN>"
    assert card.change_pin_key.isChecked()
    qtbot.keyClicks(card, "9753")
    assert card.display_text == "NEW PIN>****"
    qtbot.keyClick(card, Qt.Key.Key_Return)
    assert card.display_text == "CHALLNG>"
    with qtbot.waitSignal(card.pinChanged):
        _key_in(card, "123456")

    assert card.display_text == ocra.compute_response(
        DSC_PLUS_OCRA_SUITE, DSC_PLUS_KEY, "123456", pin="9753"
    )
    assert not card.change_pin_key.isChecked()
    card.press_power()  # off
    card.press_power()  # on: PIN>
    _key_in(card, "1234")
    assert card.display_text == "PIN ERR"
    card.press_clear()
    _key_in(card, "9753")
    assert card.display_text == "CHALLNG>"


def test_leaving_pin_change_mode_before_the_response_keeps_the_old_pin(qtbot: QtBot) -> None:
    card = DscPlusSimulator(DEMO_CARD)
    qtbot.addWidget(card)
    card.press_change_pin()
    _key_in(card, "9753")
    assert card.changing_pin
    card.press_change_pin()  # out of the mode: the card is off
    assert card.display_text == ""
    assert not card.changing_pin
    card.press_power()
    _key_in(card, "1234")
    assert card.display_text == "CHALLNG>"


def test_a_locked_card_cannot_change_its_pin(qtbot: QtBot) -> None:
    card = DscPlusSimulator(DEMO_CARD)
    qtbot.addWidget(card)
    card.press_power()
    for _ in range(3):
        _key_in(card, "0000")
        card.press_clear()
    assert card.display_text == "LOCKED"
    card.press_change_pin()
    assert card.display_text == "LOCKED"
    assert not card.change_pin_key.isChecked()


# --- IB Key: Change PIN against the server -----------------------------------------------------


def _phone(qtbot: QtBot, api: ApiClient, worker: Worker) -> IbKeySimulator:
    phone = IbKeySimulator([DEMO_IB_KEY, SOLO_IB_KEY], api=api, worker=worker)
    qtbot.addWidget(phone)
    phone.show()
    phone.activateWindow()
    qtbot.waitExposed(phone)
    qtbot.waitUntil(phone.isActiveWindow)
    return phone


def _wait(qtbot: QtBot, phone: IbKeySimulator) -> None:
    qtbot.waitUntil(lambda: phone.task is None, timeout=20_000)


def _android_response(phone: IbKeySimulator, pin: str, challenge: str) -> str:
    page = phone.android
    page.pin.setText(pin)
    page.challenge.setText(challenge)
    page.generate.click()
    return page.response.text()


def test_change_pin_in_the_ib_key_app_then_log_in_with_the_new_pin(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    phone = _phone(qtbot, api, worker)
    phone.select_user("solo")
    phone.change_pin_action.trigger()
    screen = phone.change_pin
    assert phone.screens.currentWidget() is screen
    assert screen.username.text() == "solo"
    assert screen.password.hasFocus()
    qtbot.keyClicks(screen.password, "solo-pass-1")
    screen.current_pin.setText("4321")
    screen.new_pin.setText("Zz9!")
    screen.repeat_pin.setText("Zz9!")
    qtbot.keyClick(screen.repeat_pin, Qt.Key.Key_Return)  # Submit
    _wait(qtbot, phone)
    assert screen.step == 1, screen.problem.text()
    assert "+*** *** 0111" in screen.sms_text.text()
    assert screen.code.hasFocus()
    qtbot.keyClicks(screen.code, latest_code(server.data_dir / "outbox", "sms"))
    with qtbot.waitSignal(phone.pinChanged, timeout=20_000) as changed:
        screen.submit_change.click()  # Submit Pin Change
    _wait(qtbot, phone)

    assert changed.args == ["solo"]
    assert screen.step == 2
    assert "successfully processed" in screen.done_text.text()
    screen.start_page.click()  # Go to start page
    assert phone.screens.currentWidget() is phone.authenticate_screen
    # The app answers with the new PIN, and the server takes that answer.
    start = api.start_login("solo", "solo-pass-1", Platform.TWS)
    assert start.challenge is not None
    assert _android_response(phone, "4321", start.challenge.code or "") == ""
    assert phone.android.problem.text() == "Invalid PIN. Try again."
    response = _android_response(phone, "Zz9!", start.challenge.code or "")
    assert api.respond(start.login_id, response).token
    # demo's IB Key on the same phone kept its PIN.
    phone.select_user("demo")
    assert _android_response(phone, "2580", "12345678")


def test_the_ib_key_app_tells_a_wrong_current_pin_and_checks_the_new_pins_first(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    phone = _phone(qtbot, api, worker)
    phone.select_user("solo")
    phone.show_change_pin()
    screen = phone.change_pin
    screen.password.setText("solo-pass-1")
    screen.current_pin.setText("0000")
    screen.new_pin.setText("5678")
    screen.repeat_pin.setText("5679")
    screen.submit.click()
    assert phone.task is None  # refused here: nothing sent
    assert "differ" in screen.problem.text()
    screen.new_pin.setText("567")
    screen.repeat_pin.setText("567")
    screen.submit.click()
    assert phone.task is None
    assert "4 to 6 characters" in screen.problem.text()

    screen.new_pin.setText("5678")
    screen.repeat_pin.setText("5678")
    screen.submit.click()
    _wait(qtbot, phone)

    assert screen.step == 0
    assert "current PIN is not correct" in screen.problem.text()
    assert "Attempts left before IB Key is locked: 9." in screen.problem.text()
    assert "call Client Services" in screen.problem.text()
    screen.password.setText("not-the-password")
    screen.current_pin.setText("4321")
    screen.submit.click()
    _wait(qtbot, phone)
    assert screen.problem.text() == "The user name or password is not correct."


def test_without_a_server_the_menu_offers_only_authenticate(qtbot: QtBot) -> None:
    phone = IbKeySimulator(SOLO_IB_KEY)
    qtbot.addWidget(phone)
    assert phone.authenticate_action.isEnabled()
    assert not phone.change_pin_action.isEnabled()
    assert not phone.add_user_action.isEnabled()


# --- DSC+: the dialog answered by the simulated card -------------------------------------------


def test_the_dsc_plus_pin_change_answered_by_the_card_then_a_login_with_the_new_pin(
    qtbot: QtBot, api: ApiClient, worker: Worker
) -> None:
    start = api.start_login("demo", "demo-pass-1", Platform.TWS)
    step = api.select_device(start.login_id, "demo-dscplus")
    token = api.respond(start.login_id, dsc_plus_response(step.challenge.code or "")).token
    dialog = PinChangeDialog(api, worker, token, "demo-dscplus", "Digital Security Card+")
    card = DscPlusSimulator(DEMO_CARD)
    for widget in (dialog, card):
        qtbot.addWidget(widget)
        widget.show()
    dialog.new_pin.setText("9753")
    dialog.repeat_pin.setText("9753")
    dialog.continue_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
    assert dialog.step == 1

    card.press_change_pin()
    _key_in(card, "9753")
    with qtbot.waitSignal(card.pinChanged):
        _key_in(card, dialog.challenge.text())
    dialog.response.setText(card.display_text)
    with qtbot.waitSignal(dialog.pinChanged, timeout=20_000):
        dialog.continue_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
    assert dialog.step == 2

    login = api.start_login("demo", "demo-pass-1", Platform.TWS)
    challenge = api.select_device(login.login_id, "demo-dscplus").challenge.code or ""
    card.press_power()  # off
    card.press_power()  # on: the card asks for its (new) PIN
    _key_in(card, "9753")
    _key_in(card, challenge)
    assert api.respond(login.login_id, card.display_text).token
    again = api.start_login("demo", "demo-pass-1", Platform.TWS)
    old = dsc_plus_response(api.select_device(again.login_id, "demo-dscplus").challenge.code or "")
    with pytest.raises(WrongResponse):
        api.respond(again.login_id, old)
