"""Add User in the IB Key app against a real server process, as the seeds go (Android: user name
and password, the SMS Activation Code, the PIN, Activate; iOS: Touch ID keeps the PIN): the app
then holds the new user's IB Key, which the login (the client, and the login dialog's M2FS
drop-down) offers and which answers it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.demo import IB_KEY_KEY, latest_code, write_scenario
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.gui.device_pages import OcraPage
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.simulators.ib_key import IbKeySimulator
from tws_companion.gui.worker import Worker
from tws_companion.protocol import Platform

DEMO_IB_KEY = SimulatedOcraDevice("IB Key on my phone", IB_KEY_KEY, "2580", user="demo")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with serve(tmp_path / "data", ["--scenario", str(write_scenario(tmp_path))]) as running:
        yield running


@pytest.fixture
def api(server: RunningServer) -> Iterator[ApiClient]:
    with ApiClient(server.url) as client:
        yield client


@pytest.fixture
def phone(qtbot: QtBot, api: ApiClient, worker: Worker) -> IbKeySimulator:
    window = IbKeySimulator(DEMO_IB_KEY, api=lambda: api, worker=worker)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    return window


def _wait(qtbot: QtBot, phone: IbKeySimulator) -> None:
    qtbot.waitUntil(lambda: phone.task is None, timeout=20_000)


def _add_user(
    qtbot: QtBot, phone: IbKeySimulator, server: RunningServer, username: str, password: str
) -> None:
    phone.add_user_action.trigger()
    screen = phone.add_user
    assert phone.screens.currentWidget() is screen
    assert "Authentication Code will be sent via SMS" in screen.instructions.text()
    screen.username.setText(username)
    screen.password.setText(password)
    screen.continue_button.click()
    _wait(qtbot, phone)
    assert screen.step == 1, screen.problem.text()
    screen.code.setText(latest_code(server.data_dir / "outbox", "sms"))


def _new_device(api: ApiClient, username: str, password: str, old: str) -> tuple[str, str]:
    """A login of ``username`` with the drop-down: the new IB Key's id and its challenge."""
    start = api.start_login(username, password, Platform.TWS)
    ids = [device.id for device in start.devices]
    assert len(ids) == 2, ids
    assert old in ids
    new = next(device_id for device_id in ids if device_id != old)
    step = api.select_device(start.login_id, new)
    return start.login_id, step.challenge.code or ""


def test_add_user_on_android_then_log_in_with_the_new_ib_key(
    qtbot: QtBot, phone: IbKeySimulator, server: RunningServer, api: ApiClient
) -> None:
    assert phone.users.count() == 1
    _add_user(qtbot, phone, server, "solo", "solo-pass-1")
    screen = phone.add_user
    assert screen.pin.isVisible()
    screen.pin.setText("12")
    screen.activate.click()
    assert phone.task is None  # the PIN rule is checked before anything is sent
    assert "4 to 6 characters" in screen.problem.text()
    screen.pin.setText("Qw3$")
    with qtbot.waitSignal(phone.userAdded, timeout=20_000) as added:
        screen.activate.click()
    _wait(qtbot, phone)

    assert added.args == ["solo"]
    assert screen.step == 2
    assert "active for solo" in screen.done_text.text()
    screen.done.click()
    assert phone.screens.currentWidget() is phone.authenticate_screen
    assert [phone.users.itemText(i) for i in range(phone.users.count())] == ["demo", "solo"]
    assert phone.users.isVisible()  # several users: the app asks which one
    assert phone.device.user == "solo"
    login_id, challenge = _new_device(api, "solo", "solo-pass-1", "solo-ibkey")
    phone.android.pin.setText("Qw3$")
    phone.android.challenge.setText(challenge)
    phone.android.generate.click()
    assert api.respond(login_id, phone.android.response.text()).token


def test_add_user_on_an_iphone_keeps_the_pin_behind_touch_id(
    qtbot: QtBot, phone: IbKeySimulator, server: RunningServer, api: ApiClient
) -> None:
    phone.platforms.setCurrentWidget(phone.ios)
    _add_user(qtbot, phone, server, "traveller", "traveller-pass-1")
    screen = phone.add_user
    assert not screen.pin.isVisible()
    assert "Touch ID" in screen.pin_note.text()
    with qtbot.waitSignal(phone.userAdded, timeout=20_000):
        screen.activate.click()
    _wait(qtbot, phone)
    screen.done.click()

    login_id, challenge = _new_device(api, "traveller", "traveller-pass-1", "traveller-dscplus")
    phone.select_user("traveller")
    phone.ios.challenge.setText(challenge)
    phone.ios.generate.click()
    with qtbot.waitSignal(phone.responseShown) as shown:
        phone.ios.touch_id.click()
    assert api.respond(login_id, shown.args[0]).token


def test_a_wrong_activation_code_and_a_wrong_password_are_said(
    qtbot: QtBot, phone: IbKeySimulator, server: RunningServer
) -> None:
    phone.show_add_user()
    screen = phone.add_user
    screen.username.setText("solo")
    screen.password.setText("wrong")
    screen.continue_button.click()
    _wait(qtbot, phone)
    assert screen.step == 0
    assert screen.problem.text() == "The user name or password is not correct."

    _add_user(qtbot, phone, server, "solo", "solo-pass-1")
    code = screen.code.text()
    screen.code.setText("000000" if code != "000000" else "111111")
    screen.pin.setText("2468")
    screen.activate.click()
    _wait(qtbot, phone)
    assert screen.step == 1
    assert screen.problem.text() == "The code is not correct. Attempts left: 2."
    assert phone.users.count() == 1


def test_the_login_dialog_offers_the_activated_ib_key_in_its_drop_down(
    qtbot: QtBot, phone: IbKeySimulator, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    _add_user(qtbot, phone, server, "solo", "solo-pass-1")
    phone.add_user.pin.setText("Pin42")
    with qtbot.waitSignal(phone.userAdded, timeout=20_000):
        phone.add_user.activate.click()
    _wait(qtbot, phone)
    phone.add_user.done.click()
    dialog = LoginDialog(api, worker)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.credentials.username.setText("solo")
    dialog.credentials.password.setText("solo-pass-1")
    dialog.credentials.login_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)

    # solo had one device (straight to its challenge); now the drop-down offers both IB Keys.
    combo = dialog.select_page.devices
    assert dialog.stack.currentWidget() is dialog.select_page
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert len(offered) == 2
    assert "solo-ibkey" in offered
    combo.setCurrentIndex(next(i for i, d in enumerate(offered) if d != "solo-ibkey"))
    dialog.select_page.continue_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    page = dialog.stack.currentWidget()
    assert isinstance(page, OcraPage)
    phone.android.pin.setText("Pin42")
    phone.android.challenge.setText(page.challenge_code.text())
    phone.android.generate.click()
    page.response_field.setText(phone.android.response.text())
    with qtbot.waitSignal(dialog.loggedIn, timeout=20_000) as logged_in:
        page.submit_button.click()
    assert logged_in.args[0].username == "solo"
