"""Simplified Chinese: every string translated, the compiled file current, switching live."""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.support.demo import DSC_PLUS_KEY
from tws_companion.client.api import ApiClient
from tws_companion.gui.device_pages import DscPlusPage, PasscodePage, SmsPage
from tws_companion.gui.i18n import TRANSLATIONS, Translations
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
from tws_companion.gui.simulators.phone import PhoneWindow
from tws_companion.gui.worker import Worker
from tws_companion.storage.outbox import write_message

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
TS = TRANSLATIONS / "tws_companion_zh_CN.ts"


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    found = []
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found.append((name, message.findtext("source", ""), translation))
    return found


def test_every_string_has_a_chinese_translation() -> None:
    untranslated = [
        f"{context}: {source}"
        for context, source, translation in messages(TS)
        if translation.get("type") in ("unfinished", "vanished", "obsolete")
        or not (translation.text or "").strip()
    ]
    assert untranslated == []


def test_placeholders_survive_translation() -> None:
    for context, source, translation in messages(TS):
        for placeholder in re.findall(r"\{[a-z_]+\}", source):
            assert placeholder in (translation.text or ""), f"{context}: {source}"


def _script() -> ModuleType:
    """scripts/translations.py, the tool that keeps .ts and .qm in step with the code."""
    spec = importlib.util.spec_from_file_location(
        "translations", ROOT / "scripts" / "translations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_translation_file_knows_every_string_of_the_code(tmp_path: Path) -> None:
    """lupdate finds nothing new (run scripts/translations.py update, then translate)."""
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    _script().update(copy)
    assert {(c, s) for c, s, _ in messages(copy)} == {(c, s) for c, s, _ in messages(TS)}


def test_the_compiled_translation_is_current(tmp_path: Path) -> None:
    _script().build(TS, tmp_path / "fresh.qm")
    assert (tmp_path / "fresh.qm").read_bytes() == TS.with_suffix(".qm").read_bytes()


def test_seed_wording_for_the_voice_callback(qtbot: QtBot, chinese: Translations) -> None:
    page = SmsPage()
    qtbot.addWidget(page)
    assert page.not_received.text() == "没收到安全代码?"
    assert page.request_title.text() == "请求新的安全代码"
    assert page.by_voice.text() == "语音"


def test_the_numbers_of_the_rules_are_filled_into_both_languages(qtbot: QtBot) -> None:
    translations = Translations()
    dsc_plus, sms, passcode = DscPlusPage(), SmsPage(), PasscodePage()
    for page in (dsc_plus, sms, passcode):
        qtbot.addWidget(page)
    assert "your 4-digit PIN" in dsc_plus.instructions.text()
    assert "the 6-digit challenge code" in dsc_plus.instructions.text()
    assert "Enter the 8 digits" in dsc_plus.instructions.text()
    assert dsc_plus.response_field.placeholderText() == "8 digits"
    assert sms.code_field.placeholderText() == "6-digit security code"
    assert "for 2 days" in passcode.instructions.text()
    assert translations.apply("zh_CN")
    try:
        qtbot.waitUntil(lambda: dsc_plus.response_field.placeholderText() == "8位数字")
        assert "4位数PIN码" in dsc_plus.instructions.text()
        assert "6位数挑战码" in dsc_plus.instructions.text()
        assert sms.code_field.placeholderText() == "6位数安全代码"
        assert "2天内" in passcode.instructions.text()
    finally:
        translations.apply("en")


def test_qt_own_strings_are_translated_too(qtbot: QtBot, chinese: Translations) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.buttons()[0].text() == "取消"


def test_switching_language_while_the_dialog_is_open(qtbot: QtBot) -> None:
    translations = Translations()
    worker = Worker()
    api = ApiClient("http://127.0.0.1:9")
    dialog = LoginDialog(api, worker, translations=translations)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.credentials.login_button.text() == "Log In"
    combo = dialog.credentials.language
    combo.setCurrentIndex(combo.findData("zh_CN"))
    # Qt delivers LanguageChange through the event loop.
    qtbot.waitUntil(lambda: dialog.credentials.login_button.text() == "登录")
    assert dialog.select_page.title.text() == "选择双因素验证设备"
    assert dialog.windowTitle() == "TWS Companion 登录"
    combo.setCurrentIndex(combo.findData("en"))
    qtbot.waitUntil(lambda: dialog.credentials.login_button.text() == "Log In")
    worker.shutdown()
    api.close()


def test_a_missing_translation_falls_back_to_english() -> None:
    translations = Translations()
    assert not translations.apply("xx_XX")
    assert translations.language == "en"


def test_the_simulators_switch_language_while_open(qtbot: QtBot, tmp_path: Path) -> None:
    card = DscPlusSimulator(SimulatedOcraDevice("My DSC+", DSC_PLUS_KEY, "1234"))
    qtbot.addWidget(card)
    card.press_power()
    outbox = tmp_path / "outbox"
    write_message(outbox, "voice", "+15555550100", "Your code is 1, 2, 3.")
    phone = PhoneWindow(outbox)
    qtbot.addWidget(phone)
    qtbot.waitUntil(lambda: phone.message_count() == 1, timeout=10_000)
    call = phone.cards[0]
    call.play.click()  # a call without a recording: the transcript shows
    assert call.why.text() == "This call has no recording; transcript:"
    translations = Translations()
    try:
        assert translations.apply("zh_CN")
        qtbot.waitUntil(lambda: card.windowTitle() == "数码安全卡+ - My DSC+")
        assert card.model.text() == "数码安全卡+"
        assert card.power_key.toolTip() == "打开或关闭安全卡(空格键)"
        assert card.ok_key.toolTip() == "确认(回车键)"
        assert card.clear_key.toolTip() == "清除(退格键)"
        # What is printed on the card and shown on its display stays as on the device.
        assert [card.power_key.text(), card.ok_key.text(), card.clear_key.text()] == [
            "press",
            "OK",
            "C",
        ]
        assert card.display_text == "PIN>"
        qtbot.waitUntil(lambda: call.play.text() == "播放")
        assert call.title.text() == "来电:+15555550100"
        assert call.why.text() == "此来电没有录音;文字记录:"
        assert call.transcript.text() == "Your code is 1, 2, 3."
        assert phone.heading.text() == "短信和来电"
    finally:
        translations.apply("en")
    qtbot.waitUntil(lambda: call.play.text() == "Play")
    assert card.windowTitle() == "Digital Security Card+ - My DSC+"
    assert call.title.text() == "Incoming call to +15555550100"
