"""Help > About TWS Companion: the one version number, the Qt and Python the app runs on, and
the license the package declares."""

from __future__ import annotations

import platform
import tomllib
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QLabel, QMenu
from pytestqt.qtbot import QtBot

from tests.gui.test_workstation import Env, env, open_window
from tws_companion import __version__
from tws_companion.gui.about_dialog import AboutDialog, BuildFacts

pytestmark = pytest.mark.gui
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
__all__ = ["env"]  # the workstation's fixture, used by the last test


def shown_values(dialog: AboutDialog) -> dict[str, str]:
    """The form's rows as the user reads them: label (without its mnemonic) → value."""
    rows: dict[str, str] = {}
    for label in dialog.findChildren(QLabel):
        buddy = label.buddy()
        if isinstance(buddy, QLabel):
            rows[label.text().replace("&", "").rstrip(":")] = buddy.text()
    return rows


def test_the_about_box_shows_the_version_qt_python_and_license(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with PYPROJECT.open("rb") as file:
        declared = tomllib.load(file)["project"]["license"]
    assert dialog.windowTitle() == "About TWS Companion"
    assert shown_values(dialog) == {
        "Version": __version__,
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "Python": platform.python_version(),
        "License": declared,
    }


def test_copy_puts_the_versions_on_the_clipboard(qtbot: QtBot) -> None:
    facts = BuildFacts("9.8.7", "6.9.1", "6.9.1", "3.11.7", None)
    dialog = AboutDialog(facts=facts)
    qtbot.addWidget(dialog)
    assert shown_values(dialog)["License"] == "not recorded"
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert copied.splitlines()[:2] == ["TWS Companion 9.8.7", "Qt 6.9.1, PySide6 6.9.1"]
    assert "License: unknown" in copied


def test_help_about_opens_the_about_box_from_the_workstation(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    help_menu = next(
        action.menu()
        for action in window.menuBar().actions()
        if action.text() == "&Help" and isinstance(action.menu(), QMenu)
    )
    assert isinstance(help_menu, QMenu)
    about = next(a for a in help_menu.actions() if a.text() == "About TWS Companion")
    about.trigger()
    qtbot.waitUntil(lambda: window.about_dialog is not None and window.about_dialog.isVisible())
    assert window.about_dialog is not None
    assert window.about_dialog.windowTitle() == "About TWS Companion"
    first = window.about_dialog
    about.trigger()
    assert window.about_dialog is first, "a second click shows the same box"
    first.reject()
    qtbot.waitUntil(lambda: not first.isVisible())
