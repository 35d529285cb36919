"""Help > Check my setup: results appear as each check ends, copy to the clipboard, the keyboard
reaches everything, the TWS API can be installed from it; its English is the command line's."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTranslator
from PySide6.QtGui import QGuiApplication, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.doctor.test_doctor_tws_api import GOOD, make_zip
from tests.gui.test_workstation import UNREACHABLE, Env, open_window
from tws_companion.client.api import ApiClient
from tws_companion.client.server_probe import ServerProbe, probe_server
from tws_companion.gui.doctor_dialog import DoctorDialog, gui_setup
from tws_companion.gui.doctor_messages import check_title, finding_texts
from tws_companion.gui.i18n import Translations
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.worker import Worker
from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.paths import data_root
from tws_companion.support.doctor_findings import MESSAGES, TITLES, Finding, Status

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    """A logged-in user's workstation setting (as tests/gui/test_workstation.py makes it)."""
    worker = Worker()
    api = ApiClient(UNREACHABLE)
    root = data_root(tmp_path / "data")
    settings = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    preferences = LoginPreferences(settings)
    yield Env(root, worker, api, SettingsProfile(root, "demo"), preferences, Translations())
    worker.shutdown()
    api.close()


def open_dialog(qtbot: QtBot, dialog: DoctorDialog) -> DoctorDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WAIT_MS)
    return dialog


def finished(qtbot: QtBot, dialog: DoctorDialog) -> list[str]:
    qtbot.waitUntil(lambda: not dialog.running, timeout=WAIT_MS)
    return dialog.lines()


def test_the_checks_of_a_working_setup(
    qtbot: QtBot, worker: Worker, app_server: str, home: Path, tmp_path: Path
) -> None:
    (home / "IBJts" / "samples").mkdir(parents=True)
    (home / "IBJts" / "source").mkdir()
    dialog = open_dialog(qtbot, DoctorDialog(worker, gui_setup(app_server, tmp_path / "data")))
    lines = finished(qtbot, dialog)
    assert [line.split(" | ")[1] for line in lines] == [
        "Server", "Certificate", "Clock", "Keyring", "Settings folder", "Free space", "Display",
        "Chinese fonts", "TWS API",
    ]  # fmt: skip
    statuses = {line.split(" | ")[1]: line.split(" | ")[0] for line in lines}
    for title in ("Server", "Certificate", "Clock", "Keyring", "Settings folder", "TWS API"):
        assert statuses[title] == "OK", lines
    assert lines[0].startswith(f"OK | Server | Reached {app_server} in ")
    assert lines[6].startswith("OK | Display | A display is available (offscreen: ")
    assert not dialog.install_button.isVisible()
    assert dialog.again_button.isEnabled()


def test_results_appear_as_each_check_ends(
    qtbot: QtBot, worker: Worker, app_server: str, home: Path, tmp_path: Path
) -> None:
    """The server stays silent until the test lets it answer: the other rows are filled
    meanwhile, the server's still say "Checking…"."""
    release = threading.Event()

    def slow_probe(url: str, verify: bool | str, now: Callable[[], datetime]) -> ServerProbe:
        assert release.wait(WAIT_MS / 1000)
        return probe_server(url, verify=verify, now=now)

    setup = gui_setup(app_server, tmp_path / "data")
    setup.probe = slow_probe
    dialog = open_dialog(qtbot, DoctorDialog(worker, setup))
    try:
        qtbot.waitUntil(lambda: "keyring" in dialog.findings, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "tws_api" in dialog.findings, timeout=WAIT_MS)
        lines = dialog.lines()
        assert lines[0] == "Checking… | Server | "
        assert lines[2] == "Checking… | Clock | "
        assert lines[3].startswith("OK | Keyring | Secrets are kept in ")
        assert dialog.verdict.text().startswith("Checking… ")
        assert not dialog.again_button.isEnabled()
    finally:
        release.set()
    lines = finished(qtbot, dialog)
    assert lines[0].startswith("OK | Server | Reached ")
    assert dialog.verdict.text() == "Problems: 0. Warnings: 1."  # no ~/IBJts


def test_a_problem_shows_what_to_do_and_copies_to_the_clipboard(
    qtbot: QtBot, worker: Worker, home: Path, tmp_path: Path
) -> None:
    setup = gui_setup("http://127.0.0.1:9", tmp_path / "data")  # the discard port: nobody
    dialog = open_dialog(qtbot, DoctorDialog(worker, setup))
    lines = finished(qtbot, dialog)
    assert lines[0].startswith("Problem | Server | http://127.0.0.1:9 cannot be reached: ")
    assert "What to do: Check the server address" in lines[0]
    assert lines[2] == (
        "Warning | Clock | Not checked: the server was not reached. What to do: See the server "
        "check."
    )
    assert dialog.verdict.text() == "Problems: 1. Warnings: 2."
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0] == "Check my setup: http://127.0.0.1:9"
    assert copied.splitlines()[1].startswith("Problem\tServer\thttp://127.0.0.1:9 cannot be")
    assert len(copied.splitlines()) == 1 + len(lines)


def test_every_button_is_reached_by_keyboard_and_the_results_first(
    qtbot: QtBot, worker: Worker, app_server: str, home: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, DoctorDialog(worker, gui_setup(app_server, tmp_path / "data")))
    finished(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.table
    seen: list[QWidget | None] = []
    for _ in range(8):
        target = QApplication.focusWidget()
        assert target is not None
        qtbot.keyClick(target, Qt.Key.Key_Tab)  # type: ignore[no-untyped-call]
        seen.append(QApplication.focusWidget())
    for button in (dialog.again_button, dialog.install_button, dialog.copy_button):
        assert button in seen
    assert dialog.close_button in seen
    # Space on a focused button presses it.
    QGuiApplication.clipboard().clear()
    dialog.copy_button.setFocus()
    qtbot.keyClick(dialog.copy_button, Qt.Key.Key_Space)  # type: ignore[no-untyped-call]
    assert QGuiApplication.clipboard().text().startswith("Check my setup: ")
    dialog.again_button.setFocus()
    qtbot.keyClick(dialog.again_button, Qt.Key.Key_Space)  # type: ignore[no-untyped-call]
    assert dialog.running
    finished(qtbot, dialog)


def test_installing_the_tws_api_from_the_dialog(
    qtbot: QtBot, worker: Worker, app_server: str, home: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, DoctorDialog(worker, gui_setup(app_server, tmp_path / "data")))
    lines = finished(qtbot, dialog)
    assert lines[-1].startswith("Warning | TWS API | The TWS API components are not installed")
    assert dialog.install_button.isVisible()
    archive = make_zip(tmp_path / "twsapi_macunix.1030.01.zip", GOOD)
    dialog.install_api(archive)
    qtbot.waitUntil(lambda: dialog.lines()[-1].startswith("OK | TWS API"), timeout=WAIT_MS)
    assert (home / "IBJts" / "source").is_dir()
    assert not dialog.install_button.isVisible()
    # Again: asked before replacing; "No" leaves everything as it is.
    asked: list[Path] = []

    def refuse(folder: Path) -> bool:
        asked.append(folder)
        return False

    dialog.ask_replace = refuse
    dialog.install_api(archive)
    assert asked == [home / "IBJts"]
    assert sorted(p.name for p in home.iterdir()) == ["IBJts"]
    dialog.ask_replace = lambda folder: True
    dialog.install_api(archive)

    def names() -> list[str]:
        return sorted(p.name.split("-")[0] for p in home.iterdir())

    qtbot.waitUntil(lambda: names() == ["IBJts", "IBJts.old"], timeout=WAIT_MS)


def test_the_dialogs_english_is_the_command_lines() -> None:
    """Every finding reads the same in the dialog (before translation) as on the command line."""
    for code in MESSAGES:
        names = {part[1:-1] for part in _placeholders(MESSAGES[code])}
        params = {name: f"<{name}>" for name in names}
        finding = Finding(_check_of(code), Status.WARNING, code, params)
        assert finding_texts(finding) == (finding.summary, finding.action), code
    for check, title in TITLES.items():
        assert check_title(check) == title


def _check_of(code: str) -> str:
    prefix = code.split(".")[0]
    return prefix if prefix in TITLES else "server"


def _placeholders(texts: tuple[str, str]) -> set[str]:
    return {match for text in texts for match in re.findall(r"\{[a-z_]+\}", text)}


def test_help_check_my_setup_opens_it_from_the_workstation(
    qtbot: QtBot, env: Env, home: Path
) -> None:
    window = open_window(qtbot, env)
    assert window.help_menu.title() == "&Help"
    action = next(a for a in window.help_menu.actions() if a.text() == "Check My Setup...")
    action.trigger()
    dialog = window.doctor_dialog
    assert isinstance(dialog, DoctorDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.windowTitle() == "Check My Setup"
    assert dialog.setup.server == UNREACHABLE
    assert dialog.setup.home == env.profile.root
    lines = finished(qtbot, dialog)
    assert lines[0].startswith(f"Problem | Server | {UNREACHABLE} cannot be reached")
    action.trigger()  # one dialog at a time
    assert window.doctor_dialog is dialog
    dialog.close_button.click()
    qtbot.waitUntil(lambda: window.doctor_dialog is None, timeout=WAIT_MS)


ZH_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="zh_CN"><context><name>Doctor</name>
<message><source>The TWS API components are not installed ({path} not found).</source>
<translation>未安装TWS API组件(未找到 {path})。</translation></message>
<message><source>Download twsapi_macunix.N.M.zip from the API Software Download List, then install \
it with: tws-companion doctor --install-api ~/Downloads/twsapi_macunix.N.M.zip</source>
<translation>请从API软件下载列表下载 twsapi_macunix.N.M.zip,然后用以下命令安装:tws-companion \
doctor --install-api ~/Downloads/twsapi_macunix.N.M.zip</translation></message>
</context></TS>
"""


@pytest.fixture
def chinese_finding(tmp_path: Path) -> Iterator[None]:
    """The TWS API finding in Chinese (compiled here: the app's own file may not have it yet)."""
    ts, qm = tmp_path / "doctor_zh.ts", tmp_path / "doctor_zh.qm"
    ts.write_text(ZH_TS, encoding="utf-8")
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_no_finding_is_cut_short(
    qtbot: QtBot,
    worker: Worker,
    app_server: str,
    home: Path,
    tmp_path: Path,
    chinese_finding: None,
) -> None:
    """A Chinese finding with a long command wraps anywhere; its row is tall enough for every
    line it wraps to (Qt's own size hint counted the command as one line, cutting the last)."""
    dialog = open_dialog(qtbot, DoctorDialog(worker, gui_setup(app_server, tmp_path / "data")))
    finished(qtbot, dialog)
    row = [check.id for check in dialog.checks].index("tws_api")
    item = dialog.table.item(row, 2)
    assert item is not None
    assert item.text().startswith("未安装TWS API组件")
    # The text as the table paints it: wrapped at words, or anywhere within a long word.
    layout = QTextLayout(item.text(), dialog.table.font())
    wrapping = QTextOption()
    wrapping.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(wrapping)
    layout.beginLayout()
    height = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(dialog.table.columnWidth(2) - 6)
        height += line.height()
    layout.endLayout()
    assert layout.lineCount() >= 3  # it did wrap
    # The cell (the row less its grid line) holds every line, with room to spare: Qt elides the
    # last line of a cell it fills to the pixel.
    assert dialog.table.rowHeight(row) - 1 > height
