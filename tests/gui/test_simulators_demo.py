"""The demo's simulators against the demo's own server (``tws-companion demo`` without its main
window): each simulated device belongs to the user it serves, and a voice call delivers its code
on a machine without a sound device.
"""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.support.demo import DSC_PLUS_KEY, IB_KEY_KEY, PARTNER_KEY, SOLO_KEY
from tws_companion.cli import DEMO_SCENARIO, _demo_devices
from tws_companion.client.api import ApiClient
from tws_companion.gui.demo_devices import DemoDevices
from tws_companion.gui.device_pages import OcraPage, SmsPage
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.login_result import LoginResult
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.simulators.ib_key import IbKeySimulator
from tws_companion.gui.simulators.phone import PhoneWindow
from tws_companion.gui.worker import Worker
from tws_companion.server import device_secrets
from tws_companion.server.config import ServerConfig
from tws_companion.server.db import Device
from tws_companion.server.runner import EmbeddedServer
from tws_companion.server.scenario import load_scenario, read_scenario

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


@dataclass
class Demo:
    server: EmbeddedServer
    url: str
    devices: DemoDevices
    clock_file: Path

    def move_clock(self, seconds: float) -> None:
        current = float(self.clock_file.read_text() or 0) if self.clock_file.exists() else 0.0
        self.clock_file.write_text(str(current + seconds))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo's server and simulated devices, set up as ``tws-companion demo`` does."""
    folder = tmp_path_factory.mktemp("demo")
    scenario = read_scenario(DEMO_SCENARIO)
    config = ServerConfig(
        data_dir=folder / "data", clock_file=folder / "clock", policy=scenario.policy
    )
    server = EmbeddedServer.from_config(config)
    load_scenario(server.context, scenario)
    url = server.start()
    try:
        yield Demo(server, url, _demo_devices(server, scenario), folder / "clock")
    finally:
        server.stop()


@pytest.fixture
def dialog(qtbot: QtBot, demo: Demo) -> Iterator[LoginDialog]:
    worker = Worker()
    api = ApiClient(demo.url)
    window = LoginDialog(api, worker)
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
    wait_idle(qtbot, dialog)


def choose(qtbot: QtBot, dialog: LoginDialog, kind: str) -> None:
    combo = dialog.select_page.devices
    kinds = {device.id: device.kind for device in dialog.machine.state.devices}
    combo.setCurrentIndex(next(i for i in range(combo.count()) if kinds[combo.itemData(i)] == kind))
    qtbot.mouseClick(dialog.select_page.continue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)


def submit(qtbot: QtBot, dialog: LoginDialog, page: OcraPage | SmsPage) -> LoginResult:
    with qtbot.waitSignal(dialog.loggedIn, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert isinstance(result, LoginResult)
    return result


def test_each_simulated_device_belongs_to_the_user_it_serves(demo: Demo) -> None:
    devices = demo.devices
    assert isinstance(devices.ib_key, tuple)
    assert [(d.user, d.secret, d.pin) for d in devices.ib_key] == [
        ("demo", IB_KEY_KEY, "2580"),
        ("solo", SOLO_KEY, "4321"),
        ("partner", PARTNER_KEY, "1357"),
    ]
    assert isinstance(devices.dsc_plus, SimulatedOcraDevice)
    assert (devices.dsc_plus.user, devices.dsc_plus.secret) == ("demo", DSC_PLUS_KEY)
    assert devices.dsc_plus.shown_label == "Digital Security Card+ (demo)"
    assert devices.card_label == "Security Code Card (demo)"
    with demo.server.context.db.transaction() as s:
        row = s.get(Device, "demo-card")
        assert row is not None
        assert devices.card == device_secrets.device_card(demo.server.context, row)
    assert devices.phone == "+15555550100"  # demo's: the SMS device's user


@pytest.mark.parametrize(
    ("username", "password", "pin"),
    [("solo", "solo-pass-1", "4321"), ("demo", "demo-pass-1", "2580")],
)
def test_a_demo_user_logs_in_with_the_ib_key_simulator(
    qtbot: QtBot, demo: Demo, dialog: LoginDialog, username: str, password: str, pin: str
) -> None:
    """``solo``'s IB Key login used to be refused: the simulator answered with ``demo``'s key."""
    assert demo.devices.ib_key is not None
    app = IbKeySimulator(demo.devices.ib_key)
    qtbot.addWidget(app)
    app.show()
    log_in(qtbot, dialog, username, password)
    if username == "demo":  # four devices: the drop-down; solo's only one goes straight on
        choose(qtbot, dialog, "ib_key")
    page = dialog.stack.currentWidget()
    assert isinstance(page, OcraPage)
    app.users.setCurrentIndex(app.users.findText(username))  # as the user would, on the phone
    type_into(qtbot, app.android.pin, pin)
    type_into(qtbot, app.android.challenge, page.challenge_code.text())
    with qtbot.waitSignal(app.responseShown, timeout=WAIT_MS):
        qtbot.mouseClick(app.android.generate, Qt.MouseButton.LeftButton)
    type_into(qtbot, page.response_field, app.android.response.text())
    assert submit(qtbot, dialog, page).username == username


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="voice calls need espeak-ng")
def test_a_voice_call_delivers_the_code_on_a_machine_without_sound(
    qtbot: QtBot,
    demo: Demo,
    dialog: LoginDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The player fails as sox's play does without a sound device.
    player = tmp_path / "play"
    player.write_text("#!/bin/sh\necho 'play FAIL sox: no default audio device' >&2\nexit 1\n")
    player.chmod(player.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr("tws_companion.gui.simulators.phone.AUDIO_PLAYERS", (str(player),))
    assert demo.devices.outbox is not None
    phone = PhoneWindow(demo.devices.outbox, demo.devices.phone)
    qtbot.addWidget(phone)
    phone.show()
    log_in(qtbot, dialog, "demo", "demo-pass-1")
    seen = phone.message_count()
    choose(qtbot, dialog, "sms")
    page = dialog.stack.currentWidget()
    assert isinstance(page, SmsPage)
    assert page.title.text() == "Security code by SMS"
    qtbot.waitUntil(lambda: phone.message_count() == seen + 1, timeout=WAIT_MS)  # the SMS
    demo.move_clock(30)  # a new code may be asked for 30 s after the last one
    qtbot.mouseClick(page.not_received, Qt.MouseButton.LeftButton)
    page.by_voice.setChecked(True)
    qtbot.mouseClick(page.request_ok, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert page.title.text() == "Security code by voice call"
    assert page.sent_to.text().startswith("A call will read the security code to")
    qtbot.waitUntil(lambda: phone.message_count() == seen + 2, timeout=WAIT_MS)  # the call
    call = phone.cards[0]
    assert call.voice
    qtbot.mouseClick(call.play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: call.transcript.isVisible(), timeout=WAIT_MS)
    assert call.why.text().startswith("The call could not be played (no sound device")
    lines = call.transcript.text().splitlines()
    assert lines[0] == "Hello."
    assert lines[-1] == "Goodbye."
    spoken = re.fullmatch(r"Your security code is: ((?:\d ){5}\d)\.", lines[1])
    assert spoken is not None
    type_into(qtbot, page.code_field, spoken.group(1).replace(" ", ""))
    assert submit(qtbot, dialog, page).username == "demo"


def test_the_readme_lists_every_demo_user_with_their_devices_and_pins() -> None:
    readme = (DEMO_SCENARIO.parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Demo users", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    for user in read_scenario(DEMO_SCENARIO).users:
        start = next(i for i, row in enumerate(rows) if row.startswith(f"| `{user['username']}` |"))
        end = next((i for i in range(start + 1, len(rows)) if not rows[i].startswith("| |")), None)
        mine = "\n".join(rows[start:end])
        assert f"`{user['password']}`" in mine
        for device in user["devices"]:
            assert device["label"] in mine, device["label"]
            if "pin" in device:
                assert f"PIN `{device['pin']}`" in mine, device["label"]
