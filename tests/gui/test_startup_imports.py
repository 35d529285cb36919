"""Start-up: the login window paints before the HTTP client, the keyring, pydantic and the
server's modules are loaded; the client is made after it, and logging in works as before."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.demo import write_scenario
from tests.support.dialog_login import log_in_with_dsc_plus
from tests.support.first_paint import LOGIN_WINDOW, first_paint, isolated_env
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.gui import app as app_module
from tws_companion.gui.app import Application
from tws_companion.gui.garbage import GuiThreadCollector
from tws_companion.gui.i18n import Translations

pytestmark = pytest.mark.gui
WAIT_MS = 30_000

#: What the login window's first paint must not wait for: the HTTP client, the keyring, the
#: server's vocabulary (pydantic) and the server itself.
LOADED_AFTER_THE_FIRST_PAINT = ("requests", "keyring", "pydantic", "sqlalchemy", "fastapi")


def test_the_login_window_paints_before_the_client_keyring_and_server_modules_load(
    tmp_path: Path,
) -> None:
    painted = first_paint(LOGIN_WINDOW, "loginDialog", isolated_env(tmp_path))
    assert "PySide6" in painted.modules
    assert "tws_companion" in painted.modules
    loaded = [name for name in LOADED_AFTER_THE_FIRST_PAINT if name in painted.modules]
    assert loaded == []


#: Nor for what only comes later: dataclasses (each is generated and compiled at import, a few
#: milliseconds), and what the worker loads to make the preferences file owner-only (its thread
#: would take the interpreter in turns with the GUI thread building the window).
MADE_AFTER_THE_FIRST_PAINT = ("dataclasses", "platformdirs")


def test_the_login_window_paints_before_any_dataclass_is_made_and_before_the_worker_runs(
    tmp_path: Path,
) -> None:
    painted = first_paint(LOGIN_WINDOW, "loginDialog", isolated_env(tmp_path))
    assert "tws_companion" in painted.modules
    loaded = [name for name in MADE_AFTER_THE_FIRST_PAINT if name in painted.modules]
    assert loaded == []


def test_an_unusable_server_url_is_told_and_the_app_exits(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tws_companion", "gui", "--server", "ftp://sls.example.com"],
        capture_output=True,
        text=True,
        env=isolated_env(tmp_path),
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "error: the server URL must start with http:// or https://" in result.stderr


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with serve(tmp_path / "data", ["--scenario", str(write_scenario(tmp_path))]) as running:
        yield running


def test_the_app_started_with_the_server_url_makes_its_client_on_the_worker_and_logs_in(
    qtbot: QtBot, server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``tws-companion gui`` does: the app gets the URL (not a client), with the GUI thread's
    garbage collector running, which waits while the worker loads the login's modules, and then
    goes on."""
    made: list[tuple[str, ApiClient]] = []

    def make_client(server_url: str) -> ApiClient:
        client = real_make_client(server_url)
        made.append((threading.current_thread().name, client))
        return client

    real_make_client = app_module.make_client
    monkeypatch.setattr(app_module, "make_client", make_client)
    collector = GuiThreadCollector()
    collector.start()
    application = Application(server.url, Translations(), home=tmp_path / "home")
    try:
        dialog = application.show_login()
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: bool(made) and not application.worker.busy, timeout=WAIT_MS)
        assert collector.timer.isActive()
        log_in_with_dsc_plus(dialog, lambda done: qtbot.waitUntil(done, timeout=WAIT_MS))
        qtbot.waitUntil(lambda: application.workstation is not None, timeout=WAIT_MS)
        workstation = application.workstation
        assert workstation is not None
        assert "Logged in as demo" in workstation.session_label.text()
        [(thread, client)] = made
        assert thread != threading.main_thread().name
        assert application.api is client
        assert dialog.api is client
    finally:
        application.shutdown()
        collector.stop()
