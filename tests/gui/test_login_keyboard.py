"""The login window with the keyboard, as a trader meets it in the first minute: where the focus
starts and where Tab and Return take it, the code card's fields, the focused button's frame, the
"Use/store settings on server" tick while the user name is edited, the names of the devices.

A scripted API client answers (no server): the password "right" opens an M2FS login with a DSC+,
a Security Code Card and an SMS device; any other password is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QStyleFactory, QWidget
from pytestqt.qtbot import QtBot

from tws_companion.client.api import ApiClient
from tws_companion.client.errors import InvalidCredentials
from tws_companion.client.models import Challenge, ChallengeStep, Device, LoginStart
from tws_companion.gui.device_pages import CodeCardPage, DevicePage, OcraPage, SmsPage
from tws_companion.gui.i18n import Translations
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.messages import wait_text
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.theme import dark_palette
from tws_companion.gui.worker import Worker
from tws_companion.protocol import ChallengeType, Channel, ErrorCode, Platform, Step

pytestmark = pytest.mark.gui

P = TypeVar("P", bound=DevicePage)

WAIT_MS = 10_000
DSC = Device(id="d-dsc", kind="dsc_plus", label="Digital Security Card+")
CARD = Device(id="d-card", kind="code_card", label="Security Code Card")
SMS = Device(id="d-sms", kind="sms", label="SMS to my phone")
CHALLENGES = {
    DSC.id: Challenge(type=ChallengeType.OCRA, code="123456", expires_in=120),
    CARD.id: Challenge(type=ChallengeType.INDICES, indices=(16, 101), expires_in=120),
    SMS.id: Challenge(
        type=ChallengeType.OOB,
        channel=Channel.SMS,
        destination="*** 0100",
        expires_in=300,
        resend_after=30,
    ),
}


class ScriptedApi(ApiClient):
    def __init__(self, devices: tuple[Device, ...] = (DSC, CARD, SMS)) -> None:
        super().__init__("https://sls.example.com")
        self.devices = devices
        self.chosen: list[str] = []

    def start_login(
        self, username: str, password: str, platform: Platform | str = Platform.TWS
    ) -> LoginStart:
        if password != "right":
            raise InvalidCredentials(
                ErrorCode.INVALID_CREDENTIALS,
                401,
                "The user name or password is not correct.",
                attempts_left=2,
                attempts_before_lock=9,
            )
        return LoginStart(
            login_id="L1",
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
            devices=self.devices,
            preferred_device_id=None,
            step=Step.SELECT_DEVICE,
        )

    def select_device(self, login_id: str, device_id: str) -> ChallengeStep:
        self.chosen.append(device_id)
        return ChallengeStep(
            step=Step.RESPOND, device_id=device_id, challenge=CHALLENGES[device_id]
        )


@pytest.fixture
def worker() -> Iterator[Worker]:
    worker = Worker()
    yield worker
    assert worker.shutdown(WAIT_MS)


@pytest.fixture
def preferences(tmp_path: Path) -> LoginPreferences:
    return LoginPreferences(QSettings(str(tmp_path / "login.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def api() -> Iterator[ScriptedApi]:
    with ScriptedApi() as scripted:
        yield scripted


def open_dialog(
    qtbot: QtBot, api: ApiClient, worker: Worker, preferences: LoginPreferences
) -> LoginDialog:
    dialog = LoginDialog(api, worker, preferences=preferences)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WAIT_MS)
    return dialog


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot: QtBot, key: Qt.Key) -> None:
    """A key pressed where the focus is, as on a keyboard."""
    target = focused()
    assert target is not None
    qtbot.keyClick(target, key)


def type_text(qtbot: QtBot, text: str) -> None:
    for char in text:
        target = focused()
        assert target is not None
        qtbot.keyClicks(target, char)


def tab_order(qtbot: QtBot, start: QWidget, steps: int) -> list[QWidget | None]:
    """Where the focus goes from ``start``, Tab after Tab."""
    start.setFocus()
    seen = [focused()]
    for _ in range(steps):
        press(qtbot, Qt.Key.Key_Tab)
        seen.append(focused())
    return seen


def log_in(qtbot: QtBot, dialog: LoginDialog, password: str = "right") -> None:
    dialog.credentials.username.setText("demo")
    dialog.credentials.password.setText(password)
    qtbot.mouseClick(dialog.credentials.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)


def choose(qtbot: QtBot, dialog: LoginDialog, device: Device) -> None:
    combo = dialog.select_page.devices
    combo.setCurrentIndex(combo.findData(device.id))
    qtbot.mouseClick(dialog.select_page.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)


def device_page(qtbot: QtBot, dialog: LoginDialog, device: Device, kind: type[P]) -> P:
    """Logged in and ``device`` chosen: its page, which opens with the focus in its first
    field."""
    log_in(qtbot, dialog)
    choose(qtbot, dialog, device)
    page = dialog.stack.currentWidget()
    assert isinstance(page, kind)
    assert focused() is page.findChildren(QLineEdit)[0]
    return page


# --- where the focus starts -------------------------------------------------------------------


def test_on_a_first_run_the_focus_starts_in_the_user_name(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    assert focused() is dialog.credentials.username
    type_text(qtbot, "demo")
    assert dialog.credentials.username.text() == "demo"


def test_with_a_remembered_user_name_the_focus_starts_in_the_password(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    preferences.last_username = "demo"
    dialog = open_dialog(qtbot, api, worker, preferences)
    assert dialog.credentials.username.text() == "demo"
    assert focused() is dialog.credentials.password


def test_after_a_wrong_password_the_focus_is_back_in_the_password(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    log_in(qtbot, dialog, "wrong")
    assert dialog.notice.text() == (
        "The user name or password is not correct.\n"
        "2 attempts left before a wait.\n"
        "9 attempts left before the account locks."
    )
    assert dialog.credentials.password.text() == ""
    assert focused() is dialog.credentials.password


def test_a_language_change_leaves_the_focus_where_it_is(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    qtbot.mouseClick(dialog.credentials.more_button, Qt.MouseButton.LeftButton)
    dialog.credentials.language.setFocus()
    dialog.retranslate()  # what a language change runs
    assert focused() is dialog.credentials.language


# --- Return and Tab ---------------------------------------------------------------------------


def test_return_on_the_device_drop_down_continues(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    log_in(qtbot, dialog)
    combo = dialog.select_page.devices
    assert dialog.stack.currentWidget() is dialog.select_page
    assert focused() is combo
    assert combo.currentData() == DSC.id
    press(qtbot, Qt.Key.Key_Down)
    assert combo.currentData() == CARD.id
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert api.chosen == [CARD.id]
    page = dialog.stack.currentWidget()
    assert isinstance(page, CodeCardPage)
    assert focused() is page.fields[0]


def test_tab_follows_the_fields_of_the_login_page(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    page = dialog.credentials
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    assert tab_order(qtbot, page.username, 9) == [
        page.username,
        page.password,
        page.platform,
        page.more_button,
        page.keyboard_button,
        page.login_button,
        page.use_server_settings,
        page.language,
        dialog.cancel_button,
        page.username,
    ]


def test_tab_on_a_device_page_goes_from_the_response_to_log_in_then_the_links(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    page = device_page(qtbot, dialog, DSC, OcraPage)
    type_text(qtbot, "12345678")
    assert tab_order(qtbot, page.response_field, 4) == [
        page.response_field,
        page.submit_button,
        dialog.other_device,
        dialog.cancel_button,
        page.response_field,
    ]


def test_tab_on_the_sms_page_follows_what_it_shows(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    page = device_page(qtbot, dialog, SMS, SmsPage)
    type_text(qtbot, "123456")
    qtbot.mouseClick(page.not_received, Qt.MouseButton.LeftButton)
    assert tab_order(qtbot, page.code_field, 6) == [
        page.code_field,
        page.not_received,
        page.by_sms,  # the chosen one of the two channels
        page.request_ok,
        page.submit_button,
        dialog.other_device,
        dialog.cancel_button,
    ]


def test_the_code_card_page_skips_no_field_after_moving_on_by_itself(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    page = device_page(qtbot, dialog, CARD, CodeCardPage)
    first, second = page.fields
    type_text(qtbot, "ab1")
    assert focused() is second  # a full value moves on
    # Tab typed after the value, out of habit: the move is already made, no field is skipped.
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is second
    type_text(qtbot, "xy2")
    assert (first.text(), second.text()) == ("ab1", "xy2")
    assert page.response() == "AB1XY2"
    # Tab moves on as usual once something was typed.
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.submit_button
    press(qtbot, Qt.Key.Key_Backtab)
    press(qtbot, Qt.Key.Key_Backtab)
    assert focused() is first


# --- the focused button is seen ---------------------------------------------------------------


def _grab(widget: QWidget) -> QImage:
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def changed_pixels(before: QImage, after: QImage) -> int:
    assert before.size() == after.size()
    return sum(
        before.pixel(x, y) != after.pixel(x, y)
        for y in range(before.height())
        for x in range(before.width())
    )


@pytest.fixture(params=QStyleFactory.keys())
def style(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    name = str(request.param)
    previous, palette = qapp.style().name(), qapp.palette()
    qapp.setStyle(name)
    yield name
    qapp.setStyle(previous)
    qapp.setPalette(palette)


@pytest.mark.parametrize("theme", ["system", "dark"])
def test_the_focused_button_has_a_frame_in_every_style_and_theme(
    qtbot: QtBot,
    qapp: QApplication,
    api: ScriptedApi,
    worker: Worker,
    preferences: LoginPreferences,
    style: str,
    theme: str,
) -> None:
    if theme == "dark":
        qapp.setPalette(dark_palette())
    preferences.last_username = "demo"
    dialog = open_dialog(qtbot, api, worker, preferences)
    page = dialog.credentials
    # The login window keeps its own light look whatever the theme: its text stays readable.
    assert dialog.palette().color(QPalette.ColorRole.WindowText).lightness() < 80
    buttons: list[QPushButton] = [
        page.login_button,
        page.more_button,
        page.keyboard_button,
        dialog.cancel_button,
    ]
    for button in buttons:
        page.password.setFocus()
        plain = _grab(button)
        button.setFocus()
        assert button.hasFocus()
        framed = _grab(button)
        # A frame all round: at least one ring of pixels changes.
        ring = 2 * (button.width() + button.height()) - 4
        assert changed_pixels(plain, framed) >= ring, (style, theme, button.text())


# --- the "Use/store settings on server" tick --------------------------------------------------


def finish_user_name(qtbot: QtBot, dialog: LoginDialog, name: str) -> None:
    """Type a user name over the old one, key by key, then leave the field with Tab."""
    field = dialog.credentials.username
    field.setFocus()
    field.selectAll()
    type_text(qtbot, name)
    press(qtbot, Qt.Key.Key_Tab)


def test_the_tick_stays_as_the_user_set_it_while_the_user_name_is_edited(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    preferences.set_use_server_settings("demo", True)
    preferences.set_use_server_settings("solo", False)
    preferences.last_username = "demo"
    dialog = open_dialog(qtbot, api, worker, preferences)
    page = dialog.credentials
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    tick = page.use_server_settings
    assert tick.isChecked()  # demo's setting
    tick.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert not tick.isChecked()
    finish_user_name(qtbot, dialog, "solo")
    assert not tick.isChecked()
    finish_user_name(qtbot, dialog, "demo")
    assert not tick.isChecked()  # as the user set it, not demo's remembered setting
    page.password.setText("right")
    qtbot.mouseClick(page.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert not preferences.use_server_settings("demo")  # one setting per user name


def test_until_the_user_sets_it_the_tick_shows_each_completed_user_names_setting(
    qtbot: QtBot, api: ScriptedApi, worker: Worker, preferences: LoginPreferences
) -> None:
    preferences.set_use_server_settings("demo", True)
    preferences.last_username = "demo"
    dialog = open_dialog(qtbot, api, worker, preferences)
    page = dialog.credentials
    tick = page.use_server_settings
    assert tick.isChecked()
    field = page.username
    field.setFocus()
    field.selectAll()
    changes: list[bool] = []
    tick.toggled.connect(changes.append)
    type_text(qtbot, "solo")
    assert changes == []  # typing alone changes nothing
    press(qtbot, Qt.Key.Key_Tab)
    assert not tick.isChecked()  # solo has no setting: off
    finish_user_name(qtbot, dialog, "demo")
    assert tick.isChecked()
    assert changes == [False, True]


# --- the names of the devices -----------------------------------------------------------------


def test_the_drop_down_names_the_kind_of_each_device(
    qtbot: QtBot, worker: Worker, preferences: LoginPreferences
) -> None:
    phone_a = Device(id="k1", kind="ib_key", label="Phone A")
    phone_b = Device(id="k2", kind="ib_key", label="Phone B")
    with ScriptedApi((DSC, SMS, phone_a, phone_b)) as api:
        dialog = open_dialog(qtbot, api, worker, preferences)
        log_in(qtbot, dialog)
        combo = dialog.select_page.devices
        names = [combo.itemText(i) for i in range(combo.count())]
        # The kind's name; the device's own label only where two devices are of one kind.
        assert names == ["Digital Security Card+", "SMS", "IB Key: Phone A", "IB Key: Phone B"]


def test_device_names_waits_and_warnings_are_in_chinese(
    qtbot: QtBot,
    api: ScriptedApi,
    worker: Worker,
    preferences: LoginPreferences,
    chinese: Translations,
) -> None:
    dialog = open_dialog(qtbot, api, worker, preferences)
    log_in(qtbot, dialog, "wrong")
    assert (
        dialog.notice.text()
        == "用户名或密码不正确。\n再失败2次后需要等待。\n再失败9次后账户将被锁定。"
    )
    assert [wait_text(1), wait_text(65), wait_text(7200)] == [
        "请等待1秒",
        "请等待1分钟5秒",
        "请等待2小时",
    ]
    log_in(qtbot, dialog)
    combo = dialog.select_page.devices
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "数码安全卡+",
        "安全代码卡",
        "短信",
    ]
    dialog.machine.start_over()
    page = device_page(qtbot, dialog, CARD, CodeCardPage)
    assert page.title.text() == "安全代码卡"
    assert [caption.text() for caption in page.captions] == ["索引号 16", "索引号 101"]
