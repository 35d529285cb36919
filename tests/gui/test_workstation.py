"""After the login: the workstation window, and Log Out back to the login dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.demo import dsc_plus_response, write_scenario
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import Unauthorized
from tws_companion.gui.app import Application
from tws_companion.gui.device_pages import OcraPage
from tws_companion.gui.i18n import Translations
from tws_companion.gui.login_dialog import LoginDialog

pytestmark = pytest.mark.gui
WAIT_MS = 30_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with serve(tmp_path / "data", ["--scenario", str(write_scenario(tmp_path))]) as running:
        yield running


def full_login(qtbot: QtBot, dialog: LoginDialog) -> None:
    dialog.credentials.username.setText("demo")
    dialog.credentials.password.setText("demo-pass-1")
    dialog.credentials.login_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    combo = dialog.select_page.devices
    combo.setCurrentIndex(combo.findData("demo-dscplus"))
    dialog.select_page.continue_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    page = dialog.stack.currentWidget()
    assert isinstance(page, OcraPage)
    page.response_field.setText(dsc_plus_response(page.challenge_code.text()))
    page.submit_button.click()


def test_login_opens_the_workstation_and_log_out_ends_the_session(
    qtbot: QtBot, server: RunningServer
) -> None:
    application = Application(ApiClient(server.url), Translations())
    dialog = application.show_login()
    qtbot.addWidget(dialog)
    full_login(qtbot, dialog)
    qtbot.waitUntil(lambda: application.workstation is not None, timeout=WAIT_MS)
    workstation = application.workstation
    assert workstation is not None
    qtbot.addWidget(workstation)
    assert workstation.isVisible()
    assert not dialog.isVisible()
    assert workstation.heading.text() == "Logged in as demo"
    assert "full access" in workstation.details.text()
    token = workstation.result.session.token

    with qtbot.waitSignal(workstation.loggedOut, timeout=WAIT_MS):
        workstation.logout_action.trigger()
    assert not workstation.isVisible()
    assert application.dialog is not None
    assert application.dialog is not dialog
    qtbot.addWidget(application.dialog)
    assert application.dialog.isVisible()
    with ApiClient(server.url) as api, pytest.raises(Unauthorized):
        api.me(token)
    application.shutdown()


def test_cancelling_the_login_quits(
    qtbot: QtBot, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))
    application = Application(ApiClient(server.url), Translations())
    dialog = application.show_login()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert quits == [True]
    application.shutdown()
