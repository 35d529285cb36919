"""The login dialog records its login traces (``gui.report_dialog.record_login_traces``): a login
through the real dialog against the app's server in this process leaves a trace with what Qt
knows, written on the worker; a dialog closed mid-login leaves an abandoned one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.demo import DEMO
from tests.support.dialog_login import log_in_with_dsc_plus
from tws_companion.client.api import ApiClient
from tws_companion.client.login_machine import Phase
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.report_dialog import record_login_traces
from tws_companion.gui.worker import Worker
from tws_companion.server.config import ServerConfig
from tws_companion.server.runner import EmbeddedServer
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.support.trace_format import LoginTrace
from tws_companion.support.trace_store import TraceStore

pytestmark = pytest.mark.gui
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = EmbeddedServer.from_config(
        ServerConfig(data_dir=tmp_path_factory.mktemp("demo-server"))
    )
    load_scenario(server.context, read_scenario(DEMO))
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    return tmp_path / "machine"


@pytest.fixture
def dialog(qtbot: QtBot, server_url: str, machine: Path) -> Iterator[LoginDialog]:
    worker = Worker()
    api = ApiClient(server_url)
    shown = LoginDialog(api, worker)
    record_login_traces(shown.machine, shown, worker, home=machine, language=lambda: "zh_CN")
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    worker.shutdown()
    api.close()


def traces(qtbot: QtBot, machine: Path, count: int) -> list[LoginTrace]:
    store = TraceStore(machine / "logs" / "traces")
    qtbot.waitUntil(lambda: len(store.paths()) == count, timeout=WAIT_MS)
    return [store.read(path) for path in store.paths()]


def test_a_login_in_the_dialog_leaves_a_trace_with_what_qt_knows(
    qtbot: QtBot, dialog: LoginDialog, machine: Path
) -> None:
    log_in_with_dsc_plus(dialog, lambda done: qtbot.waitUntil(done, timeout=WAIT_MS))
    [trace] = traces(qtbot, machine, 1)
    assert trace.surface == "dialog"
    assert trace.outcome == "succeeded"
    assert [(step.event, step.request) for step in trace.steps] == [
        ("begin", None),
        ("request", "login"),
        ("started", None),
        ("request", "select_device"),
        ("device_chosen", None),
        ("request", "respond"),
        ("succeeded", None),
    ]
    assert trace.steps[3].device_kind == "dsc_plus"  # the device asked for
    assert trace.steps[4].device_kind == "dsc_plus"
    assert trace.steps[4].challenge_type == "ocra"
    environment = trace.environment
    assert environment.qt_version == qVersion()
    assert environment.qt_platform == "offscreen"
    assert len(environment.screens) == len(QApplication.screens())
    assert environment.language == "zh_CN"
    written = next((machine / "logs" / "traces").iterdir()).read_bytes()
    assert b"demo-pass-1" not in written
    assert b'"demo"' not in written


def test_a_dialog_closed_mid_login_leaves_an_abandoned_trace(
    qtbot: QtBot, dialog: LoginDialog, machine: Path
) -> None:
    dialog.credentials.username.setText("demo")
    dialog.credentials.password.setText("demo-pass-1")
    dialog.credentials.login_button.click()
    qtbot.waitUntil(lambda: dialog.machine.state.phase is Phase.SELECT_DEVICE, timeout=WAIT_MS)
    dialog.close()
    [trace] = traces(qtbot, machine, 1)
    assert trace.outcome == "abandoned"
    assert [step.event for step in trace.steps] == ["begin", "request", "started"]
    assert trace.steps[2].device_kinds  # the drop-down the user saw
