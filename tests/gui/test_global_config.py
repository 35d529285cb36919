"""Global Configuration: Lock and Exit, Display; OK and Apply hand the values out, Cancel not."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTime
from pytestqt.qtbot import QtBot

from tws_companion.gui.global_config import GlobalConfigDialog
from tws_companion.layout.model import Display, Extra, GlobalConfig, LockAndExit, Theme

pytestmark = pytest.mark.gui


def config() -> GlobalConfig:
    return GlobalConfig(
        lock_and_exit=LockAndExit(
            auto_logoff_time="23:45",
            logoff_warning_minutes=5,
            lock_after_idle_minutes=None,
            autosave_minutes=10,
            save_on_exit=True,
            use_server_settings=False,
            extra=Extra({"restartInstead": "true"}),
        ),
        display=Display(theme=Theme.LIGHT, font_size=10, language="en"),
        extra=Extra(children=["<sound enabled='1'/>"]),
    )


def open_dialog(qtbot: QtBot, shown: GlobalConfig) -> tuple[GlobalConfigDialog, list[object]]:
    dialog = GlobalConfigDialog(shown)
    qtbot.addWidget(dialog)
    applied: list[object] = []
    dialog.applied.connect(applied.append)
    dialog.show()
    return dialog, applied


def test_it_shows_the_values_it_was_given(qtbot: QtBot) -> None:
    dialog, _ = open_dialog(qtbot, config())
    lock = dialog.lock_page
    assert dialog.windowTitle() == "Global Configuration"
    assert [dialog.pages.item(i).text() for i in range(dialog.pages.count())] == [
        "Lock and Exit",
        "Display",
    ]
    assert lock.logoff_time.time() == QTime(23, 45)
    assert lock.logoff_time.displayFormat() == "HH:mm"
    assert lock.warning_minutes.value() == 5
    assert lock.lock_minutes.text() == "Never"
    assert lock.autosave_minutes.text() == "10 minutes"
    assert lock.save_on_exit.isChecked()
    assert lock.save_on_exit.text() == "Save settings on exit"
    assert not lock.use_server.isChecked()
    assert lock.use_server.text() == "Use/store settings on server"
    display = dialog.display_page
    assert display.theme.currentText() == "Light"
    assert display.font_size.value() == 10
    assert [display.language.itemText(i) for i in range(display.language.count())] == [
        "English",
        "简体中文",
    ]


def test_the_page_list_switches_pages(qtbot: QtBot) -> None:
    dialog, _ = open_dialog(qtbot, config())
    assert dialog.stack.currentWidget() is dialog.lock_page
    dialog.pages.setCurrentRow(1)
    assert dialog.stack.currentWidget() is dialog.display_page


def test_ok_hands_out_the_edited_copy_with_unknown_parts_kept(qtbot: QtBot) -> None:
    shown = config()
    dialog, applied = open_dialog(qtbot, shown)
    lock = dialog.lock_page
    lock.logoff_time.setTime(QTime(18, 30))
    lock.warning_minutes.setValue(15)
    lock.lock_minutes.setValue(20)
    lock.autosave_minutes.setValue(0)
    lock.save_on_exit.setChecked(False)
    lock.use_server.setChecked(True)
    display = dialog.display_page
    display.theme.setCurrentIndex(display.theme.findData("dark"))
    display.font_size.setValue(13)
    display.language.setCurrentIndex(display.language.findData("zh_CN"))
    dialog.ok_button.click()

    assert not dialog.isVisible()
    assert len(applied) == 1
    edited = applied[0]
    assert isinstance(edited, GlobalConfig)
    assert edited.lock_and_exit == LockAndExit(
        auto_logoff_time="18:30",
        logoff_warning_minutes=15,
        lock_after_idle_minutes=20,
        autosave_minutes=None,
        save_on_exit=False,
        use_server_settings=True,
        extra=Extra({"restartInstead": "true"}),
    )
    assert edited.display == Display(theme=Theme.DARK, font_size=13, language="zh_CN")
    assert edited.extra == Extra(children=["<sound enabled='1'/>"])
    assert shown == config()  # the one given is not touched


def test_cancel_hands_out_nothing(qtbot: QtBot) -> None:
    dialog, applied = open_dialog(qtbot, config())
    dialog.lock_page.lock_minutes.setValue(30)
    dialog.cancel_button.click()
    assert applied == []
    assert not dialog.isVisible()


def test_apply_hands_out_and_stays_open(qtbot: QtBot) -> None:
    dialog, applied = open_dialog(qtbot, config())
    dialog.lock_page.lock_minutes.setValue(30)
    dialog.apply_button.click()
    assert dialog.isVisible()
    assert len(applied) == 1
    first = applied[0]
    assert isinstance(first, GlobalConfig)
    assert first.lock_and_exit.lock_after_idle_minutes == 30
    dialog.display_page.font_size.setValue(12)
    dialog.ok_button.click()
    second = applied[1]
    assert isinstance(second, GlobalConfig)
    assert second.lock_and_exit.lock_after_idle_minutes == 30
    assert second.display.font_size == 12


def test_a_bad_time_in_the_file_shows_the_default(qtbot: QtBot) -> None:
    shown = config()
    shown.lock_and_exit.auto_logoff_time = "late"
    dialog, _ = open_dialog(qtbot, shown)
    assert dialog.lock_page.logoff_time.time() == QTime(23, 45)
