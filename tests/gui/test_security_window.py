"""Settings > Secure Login System against a real server process: the device list with its
withdrawal limits, the notes and actions per device, and what the user sees when the server
cannot answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from tests.support.process_server import RunningServer
from tests.support.security_session import WAIT_MS, log_in, open_security_window, server_fixture
from tws_companion.client.api import ApiClient
from tws_companion.gui.i18n import Translations
from tws_companion.gui.pin_change_dialog import PinChangeDialog
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.security_window import SecurityWindow
from tws_companion.gui.withdrawal_dialog import WithdrawalDialog
from tws_companion.gui.worker import Worker
from tws_companion.gui.workstation import WorkstationWindow
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.geometry import GeometryBook
from tws_companion.layout.model import Mode
from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.paths import data_root

pytestmark = pytest.mark.gui
#: Nothing listens there.
UNREACHABLE = "http://127.0.0.1:9"


server = server_fixture("security-window", ("sqlite",))


@pytest.fixture
def api(server: RunningServer) -> Iterator[ApiClient]:
    with ApiClient(server.url) as client:
        yield client


def select(window: SecurityWindow, kind_name: str) -> None:
    row = next(i for i, texts in enumerate(window.device_texts()) if texts[0] == kind_name)
    window.table.selectRow(row)


def test_the_devices_are_listed_with_their_withdrawal_limits(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    window = open_security_window(qtbot, log_in(server), api, worker)
    assert window.windowTitle() == "Secure Login System"
    assert window.device_texts() == [
        ("Digital Security Card+", "Digital Security Card+", "Active", "Unlimited", "Unlimited"),
        ("IB Key", "IB Key on my phone", "Active", "1,000,000 USD", "1,000,000 USD"),
        ("Security Code Card", "Security Code Card", "Active", "200,000 USD", "600,000 USD"),
        ("SMS", "SMS to my phone", "Active", "200,000 USD", "600,000 USD"),
    ]
    assert not window.status.isVisible()
    assert window.withdraw_button.isEnabled()
    assert window.share_button.isEnabled()


def test_change_pin_is_offered_for_a_dsc_plus_and_ib_key_is_told_to_use_its_app(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    window = open_security_window(qtbot, log_in(server), api, worker)
    select(window, "Digital Security Card+")
    assert window.pin_button.isEnabled()
    select(window, "IB Key")
    assert not window.pin_button.isEnabled()
    assert window.note.isVisible()
    assert window.note.text() == "Change the PIN in IBKR Mobile: Authenticate > Change PIN"
    select(window, "Security Code Card")
    assert not window.pin_button.isEnabled()
    assert not window.note.isVisible()


def test_an_expired_session_is_said_and_not_retried(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    result = log_in(server)
    api.logout(result.session.token)
    window = open_security_window(qtbot, result, api, worker)
    assert window.status.isVisible()
    assert "Your session has expired" in window.status.text()
    assert not window.retry_button.isVisible()
    assert window.device_texts() == []
    assert not window.withdraw_button.isEnabled()


def test_an_unreachable_server_is_said_and_try_again_loads_the_list(
    qtbot: QtBot, server: RunningServer, worker: Worker
) -> None:
    result = log_in(server)
    with ApiClient(UNREACHABLE) as nowhere:
        window = open_security_window(qtbot, result, nowhere, worker)
    assert window.status.isVisible()
    assert "The server cannot be reached" in window.status.text()
    assert window.retry_button.isVisible()
    with ApiClient(server.url) as api:
        window.api = api
        qtbot.mouseClick(window.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.task is None, timeout=WAIT_MS)
    assert len(window.device_texts()) == 4
    assert not window.status.isVisible()


def test_tab_visits_the_list_and_every_action(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    window = open_security_window(qtbot, log_in(server), api, worker)
    window.table.setFocus()
    seen = []
    for _ in range(6):
        seen.append(window.focusWidget())
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert seen[:5] == [
        window.table,
        window.withdraw_button,
        window.share_button,
        window.pin_button,
        window.close_button,
    ]


def test_change_pin_opens_the_pin_change_of_the_selected_dsc_plus(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    window = open_security_window(qtbot, log_in(server), api, worker)
    select(window, "Digital Security Card+")
    qtbot.mouseClick(window.pin_button, Qt.MouseButton.LeftButton)
    dialog = window.action_dialog
    assert isinstance(dialog, PinChangeDialog)
    assert dialog.isVisible()
    assert dialog.device_id == "demo-dscplus"


@pytest.mark.parametrize("mode", [Mode.MOSAIC, Mode.CLASSIC])
def test_settings_secure_login_system_opens_the_window_in_both_modes(
    qtbot: QtBot,
    server: RunningServer,
    api: ApiClient,
    worker: Worker,
    tmp_path: Path,
    mode: Mode,
) -> None:
    layout = default_layout()
    layout.workstation.mode = mode
    settings = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    workstation = WorkstationWindow(
        log_in(server),
        api,
        worker,
        SettingsProfile(data_root(tmp_path / "home"), "demo"),
        layout,
        Translations(),
        LoginPreferences(settings),
        geometry=GeometryBook(),
    )
    qtbot.addWidget(workstation, before_close_func=lambda w: w.shut_down())
    workstation.show()
    titles = [a.text() for a in workstation.menuBar().actions() if a.isVisible()]
    assert titles == ["&File", "&Edit", "&View", "&Settings", "&Window", "&Help"]
    assert [a.text() for a in workstation.settings_menu.actions()] == ["Secure Login System..."]
    workstation.secure_login_action.trigger()
    security = workstation.security_window
    assert isinstance(security, SecurityWindow)
    assert security.isVisible()
    qtbot.waitUntil(lambda: security.task is None, timeout=WAIT_MS)
    assert len(security.device_texts()) == 4
    workstation.lock()
    assert not workstation.settings_menu.menuAction().isEnabled()


def test_closing_the_window_closes_the_withdrawal_and_its_identity_check(
    qtbot: QtBot, server: RunningServer, api: ApiClient, worker: Worker
) -> None:
    window = open_security_window(qtbot, log_in(server), api, worker)
    qtbot.mouseClick(window.withdraw_button, Qt.MouseButton.LeftButton)
    withdrawal = window.action_dialog
    assert isinstance(withdrawal, WithdrawalDialog)
    withdrawal.amount_field.setText("1000")
    qtbot.mouseClick(withdrawal.continue_button, Qt.MouseButton.LeftButton)
    check = withdrawal.check
    assert check is not None
    assert check.isVisible()
    window.reject()
    assert not check.isVisible()
    assert not withdrawal.isVisible()
    assert not window.isVisible()
    assert window.task is None
