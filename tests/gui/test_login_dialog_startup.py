"""The login window paints before what its first page does not show: the device list, the
message page and the device pages are built right after the first paint, while the GUI thread is
idle (or when one is needed sooner), the on-screen keyboard when it is first opened; the window
grows when a page needs more room.

A scripted API client answers (no server): "solo" has one IB Key, so a login goes straight to its
challenge.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.support.first_paint import isolated_env
from tws_companion.client.api import ApiClient
from tws_companion.client.models import Challenge, Device, LoginStart
from tws_companion.gui.device_pages import PAGES, IbKeyPage
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.onscreen_keyboard import OnScreenKeyboard
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.worker import Worker
from tws_companion.protocol import ChallengeType, Platform, Step

pytestmark = pytest.mark.gui

WAIT_MS = 10_000
IB_KEY = Device(id="d-ibkey", kind="ib_key", label="IB Key")


class SoloApi(ApiClient):
    """One IB Key: the password "right" opens its challenge at once."""

    def __init__(self) -> None:
        super().__init__("https://sls.example.com")

    def start_login(
        self, username: str, password: str, platform: Platform | str = Platform.TWS
    ) -> LoginStart:
        return LoginStart(
            login_id="L1",
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
            devices=(IB_KEY,),
            step=Step.RESPOND,
            device_id=IB_KEY.id,
            challenge=Challenge(type=ChallengeType.OCRA, code="12345678", expires_in=120),
        )


@pytest.fixture
def worker() -> Iterator[Worker]:
    worker = Worker()
    yield worker
    assert worker.shutdown(WAIT_MS)


@pytest.fixture
def api() -> Iterator[SoloApi]:
    with SoloApi() as scripted:
        yield scripted


@pytest.fixture
def preferences(tmp_path: Path) -> LoginPreferences:
    return LoginPreferences(QSettings(str(tmp_path / "login.ini"), QSettings.Format.IniFormat))


def pages_in(dialog: LoginDialog) -> list[QWidget]:
    pages = (dialog.stack.widget(index) for index in range(dialog.stack.count()))
    return [page for page in pages if page is not None]


def log_in(qtbot: QtBot, dialog: LoginDialog) -> None:
    dialog.credentials.username.setText("solo")
    dialog.credentials.password.setText("right")
    qtbot.mouseClick(dialog.credentials.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)


def test_the_device_pages_are_built_after_the_first_paint_while_the_window_is_idle(
    qtbot: QtBot, api: SoloApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = LoginDialog(api, worker, preferences=preferences)
    qtbot.addWidget(dialog)
    # Built and shown, not painted yet: only the login page.
    assert pages_in(dialog) == [dialog.credentials]
    assert not dialog.settled
    dialog.show()
    qtbot.waitExposed(dialog)
    page_classes = set(PAGES.values())
    qtbot.waitUntil(lambda: dialog.settled, timeout=WAIT_MS)
    assert len(pages_in(dialog)) == 3 + len(page_classes)
    # Then the device list and the message, then the device pages.
    assert pages_in(dialog)[1:3] == [dialog.select_page, dialog.message_page]
    assert {type(page) for page in pages_in(dialog)[3:]} == page_classes
    # Kinds that share a page class share one page.
    assert dialog.device_pages["dsc"] is dialog.device_pages["platinum"]
    assert dialog.stack.currentWidget() is dialog.credentials


def test_a_device_page_needed_before_the_first_paint_is_built_then(
    qtbot: QtBot, api: SoloApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = LoginDialog(api, worker, preferences=preferences)
    qtbot.addWidget(dialog)
    log_in(qtbot, dialog)  # never shown, never painted
    page = dialog.stack.currentWidget()
    assert isinstance(page, IbKeyPage)
    assert page.challenge_code.text() == "12345678"
    assert page.title.text() == "IB Key"
    assert [p for p in pages_in(dialog) if isinstance(p, IbKeyPage)] == [page]


def test_the_window_grows_when_a_device_page_needs_more_room(
    qtbot: QtBot, api: SoloApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = LoginDialog(api, worker, preferences=preferences)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    opened = dialog.height()
    log_in(qtbot, dialog)
    page = dialog.stack.currentWidget()
    assert isinstance(page, IbKeyPage)
    qtbot.waitUntil(lambda: page.height() >= page.heightForWidth(page.width()), timeout=WAIT_MS)
    assert dialog.height() > opened  # the IB Key's instructions are taller than the login page
    # Every line of the instructions is inside the page, above the Log In button.
    bottom = page.instructions.mapTo(page, page.instructions.rect().bottomLeft()).y()
    assert bottom < page.submit_button.mapTo(page, page.submit_button.rect().topLeft()).y()


def test_the_on_screen_keyboard_is_built_when_first_opened_under_more_options(
    qtbot: QtBot, api: SoloApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = LoginDialog(api, worker, preferences=preferences)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    page = dialog.credentials
    assert dialog.findChildren(OnScreenKeyboard) == []
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.keyboard_button, Qt.MouseButton.LeftButton)
    [keyboard] = dialog.findChildren(OnScreenKeyboard)
    assert keyboard.isVisible()
    assert keyboard.y() > page.more_options.y() + page.more_options.height() - 1
    qtbot.mouseClick(page.keyboard_button, Qt.MouseButton.LeftButton)
    assert not keyboard.isVisible()
    qtbot.mouseClick(page.keyboard_button, Qt.MouseButton.LeftButton)
    assert dialog.findChildren(OnScreenKeyboard) == [keyboard]  # the same one, shown again
    assert keyboard.isVisible()


#: Shows the login window in a new process and tells, at its first paint, whether PySide had built
#: the ``Qt`` namespace's enums by then (90-odd, tens of milliseconds), and whether the first key
#: press the window handles itself (Escape: Cancel) works afterwards.
PROBE = """
import sys
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.worker import Worker
worker = Worker()
dialog = LoginDialog(lambda: None, worker)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print("Qt enums at the first paint:", "Qt" in vars(QtCore), flush=True)
        return False

watcher = FirstPaint()
dialog.installEventFilter(watcher)
dialog.show()
for _ in range(50):
    app.processEvents()
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
dialog.finished.connect(lambda result: print("closed:", result, flush=True))
QTest.keyClick(dialog, Qt.Key.Key_Escape)
worker.shutdown()
"""


def test_the_first_paint_does_not_wait_for_the_qt_namespace(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=isolated_env(tmp_path),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["Qt enums at the first paint: False", "closed: 0"]
