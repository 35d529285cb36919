"""Screenshots of every login step, the device simulators, the workstation and each layout
dialog, "Use/store settings on server", the support windows and the account security centre, in
English and Chinese, for README and review.

Run under a virtual X server (the README's screenshots are taken this way)::

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py \
        [--steps login simulators workstation server-settings report doctor security]

It starts the demo server in this process on a temporary data folder, drives the real login
dialog through each step (``login``), shows the demo's simulators with the devices the demo
gives them (``simulators``; the Phone window shows what the login steps sent), then logs in to
the workstation and opens each layout dialog as a trader would (``workstation``), and writes
``docs/screenshots/<language>/<NN-name>.png``. ``server-settings`` plays two computers of one
user against that server: the other computer saves through the client library, this one (the
app, the option ticked at login) downloads it with progress (the download waits part of the
way for its shot), saves, is asked after the other saved in between, lists the server's versions
in Layout/Settings Recovery, and last logs in while the server cannot be reached (its settings
calls go to a closed port). ``report`` is Help > Report a Login Problem after a refused login (its
trace shown); ``doctor`` is Help > Check My Setup against the demo server and, in English,
``tws-companion doctor`` run in a process and shown as a terminal shows it. ``security`` opens
Settings > Secure Login System in the workstation of ``demo`` (its devices and withdrawal limits;
a withdrawal through the identity check, refused for the code card's limit, then confirmed with
the DSC+; the DSC+'s PIN change at its challenge), shares demo's devices as ``partner`` (refused,
then approved), and shows the IB Key app's Change PIN and Add User screens against the server.
Everything runs in a temporary folder that is also the home folder (so no file of this machine
shows in a file dialog), with an in-memory keyring.

- Openbox is started as the window manager when it is installed, so that windows have their
  title bars; the workstation's shots are taken from the screen (menus and dialogs included),
  and its menus are opened with the mouse through xdotool when that is installed.
- The whole run ends, with every thread's traceback, if it takes longer than ten minutes (a
  window waiting for an answer nobody gives); it takes about a minute.
- Run as root on Linux, the script moves into a private mount namespace (other users of the
  machine see nothing) and mounts two small RAM disks, ``/media/TWS-USB`` and a read-only
  ``/media/WRITE-PROTECTED``: the file dialogs then list a USB stick, and a save to the
  write-protected one fails as it would on a locked SD card. Otherwise the files go to a folder
  in the home folder and the failed-save shot is left out.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from unittest import mock

import keyring
from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QLocale,
    QPoint,
    QRect,
    QSettings,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.demo import (  # noqa: E402 - path set
    dsc_plus_response,
    ib_key_response,
    latest_code,
    write_scenario,
)
from tests.support.dialog_login import log_in_with_dsc_plus  # noqa: E402
from tests.support.memory_keyring import MemoryKeyring  # noqa: E402
from tws_companion.cli import _demo_devices as demo_devices  # noqa: E402
from tws_companion.client.api import ApiClient  # noqa: E402
from tws_companion.client.login_steps import respond_and_cache_key  # noqa: E402
from tws_companion.client.settings_sync import (  # noqa: E402
    Downloaded,
    Progress,
    ServerSettings,
)
from tws_companion.gui import server_settings  # noqa: E402
from tws_companion.gui.app import Application  # noqa: E402
from tws_companion.gui.demo_devices import DemoDevices  # noqa: E402
from tws_companion.gui.device_pages import (  # noqa: E402
    CodeCardPage,
    DevicePage,
    OcraPage,
    SmsPage,
)
from tws_companion.gui.garbage import GuiThreadCollector  # noqa: E402
from tws_companion.gui.global_config import GlobalConfigDialog  # noqa: E402
from tws_companion.gui.i18n import Translations  # noqa: E402
from tws_companion.gui.layout_dialogs import SettingsFileDialog  # noqa: E402
from tws_companion.gui.login_dialog import LoginDialog  # noqa: E402
from tws_companion.gui.panels.notes import NotesPanel  # noqa: E402
from tws_companion.gui.panels.watchlist import WatchlistPanel  # noqa: E402
from tws_companion.gui.preferences import LoginPreferences  # noqa: E402
from tws_companion.gui.recovery_dialog import ChoiceKind, RecoveryDialog  # noqa: E402
from tws_companion.gui.server_settings import ServerSettingsController  # noqa: E402
from tws_companion.gui.simulators import SimulatedOcraDevice  # noqa: E402
from tws_companion.gui.worker import Worker  # noqa: E402
from tws_companion.gui.workstation import WorkstationWindow  # noqa: E402
from tws_companion.layout.defaults import default_layout  # noqa: E402
from tws_companion.layout.model import (  # noqa: E402
    Chart,
    Layout,
    Mode,
    Notes,
    Panel,
    PanelKind,
    Watchlist,
    WatchlistRow,
    Workspace,
)
from tws_companion.layout.partial import Part  # noqa: E402
from tws_companion.layout.profile import SettingsProfile  # noqa: E402
from tws_companion.server.config import ServerConfig  # noqa: E402
from tws_companion.server.runner import EmbeddedServer  # noqa: E402
from tws_companion.server.scenario import Scenario, load_scenario, read_scenario  # noqa: E402
from tws_companion.sls.code_card import CodeCard  # noqa: E402
from tws_companion.storage.paths import data_root  # noqa: E402
from tws_companion.storage.secret_store import SecretStore  # noqa: E402

if TYPE_CHECKING:
    from tws_companion.gui.device_sharing_dialog import DeviceSharingDialog
    from tws_companion.gui.identity_check_dialog import IdentityCheckDialog
    from tws_companion.gui.security_window import SecurityWindow

#: Seconds between "Request new code" requests on the screenshot server.
RESEND_INTERVAL = 1
#: Seconds the lockout countdown runs before its shot.
COUNTDOWN_SHOWN = 2.5
#: The longest a whole run may take.
WATCHDOG_SECONDS = 10 * 60
#: Set in the environment once the script runs in its own mount namespace.
PRIVATE_MOUNTS = "TWS_SHOTS_PRIVATE_MOUNTS"
#: The RAM disks mounted there: (name under /media, mount options).
STICK = ("TWS-USB", "size=16m,mode=0755")
WRITE_PROTECTED = ("WRITE-PROTECTED", "ro,size=1m,mode=0755")
#: The names of the files saved and opened in the shots.
SAVED_NAME = "demo-settings.xml"
OTHER_USERS_NAME = "alice-settings.xml"
#: What the trader noted in the Notes panel, per language.
NOTES = {
    "en": "Roll the ES future on Thursday.\nNVDA reports after the close.",
    "zh_CN": "周四展期 ES 期货。\nNVDA 收盘后公布财报。",
}
STEPS = ("login", "simulators", "workstation", "server-settings", "report", "doctor", "security")
#: The locale of a computer set to each language.
LOCALES = {"en": "en_US", "zh_CN": "zh_CN"}

W = TypeVar("W", bound=QWidget)


def modal() -> QWidget | None:
    """The dialog or message box the user has to answer, if any."""
    return QApplication.activeModalWidget()


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the event loop until ``condition()``; TimeoutError (saying what is on screen) after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            shown = [
                f"{type(w).__name__} {w.windowTitle()!r}"
                for w in QApplication.topLevelWidgets()
                if w.isVisible()
            ]
            raise TimeoutError(
                f"the window did not reach the expected state; modal: {modal()!r}, shown: {shown}"
            )
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def pause(seconds: float) -> None:
    """Let the event loop run for ``seconds`` (paints, the window manager's frames)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def settle(widget: QWidget) -> None:
    """Wait until ``widget``'s window is on screen, framed by the window manager (when there is
    one, within a few seconds), and painted."""
    window = widget.window()

    def exposed() -> bool:
        handle = window.windowHandle()
        return window.isVisible() and handle is not None and handle.isExposed()

    wait_until(exposed, 10)
    if not window.windowFlags() & Qt.WindowType.Popup:
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: window.frameGeometry() != window.geometry(), 3)
    pause(0.4)


def on_screen(widget: QWidget) -> QRect:
    """Where ``widget`` is on the screen; a window with its frame (title bar included)."""
    if widget.isWindow():
        return widget.frameGeometry()
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def shown(path: Path) -> str:
    """``path`` as printed: relative to the project when it is in it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


class Shooter:
    """Saves shots as ``<folder>/<name>.png``: of a widget alone, or of the screen."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, widget: QWidget, name: str) -> None:
        for _ in range(5):
            QCoreApplication.processEvents()
        path = self.folder / f"{name}.png"
        widget.grab().save(str(path))
        print(f"wrote {shown(path)}")

    def screen(self, name: str, *widgets: QWidget, area: QRect | None = None) -> None:
        """Take ``area`` (by default the widgets' windows, frames included) from the screen,
        as a user sees it: menus, title bars and the windows behind included."""
        for widget in widgets:
            settle(widget)
        rect = QRect(area) if area is not None else QRect()
        if area is None:
            for widget in widgets:
                rect = rect.united(on_screen(widget))
        screen = QGuiApplication.primaryScreen()
        rect = rect.intersected(screen.geometry())
        pixmap = screen.grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height())
        path = self.folder / f"{name}.png"
        pixmap.save(str(path))
        print(f"wrote {shown(path)}")


def login_steps(url: str, language: str, shoot: Shooter, outbox: Path) -> None:
    worker = Worker()
    api = ApiClient(url)

    def fresh() -> LoginDialog:
        dialog = LoginDialog(api, worker, translations=translations)
        dialog.resize(480, 470)
        dialog.show()
        return dialog

    def log_in(dialog: LoginDialog, user: str, password: str) -> None:
        dialog.credentials.username.setText(user)
        dialog.credentials.password.setText(password)
        dialog.credentials.login_button.click()
        wait_until(lambda: not dialog.busy)

    def choose(dialog: LoginDialog, kind: str) -> None:
        kinds = {d.id: d.kind for d in dialog.machine.state.devices}
        combo = dialog.select_page.devices
        combo.setCurrentIndex(
            next(i for i in range(combo.count()) if kinds[combo.itemData(i)] == kind)
        )
        dialog.select_page.continue_button.click()
        wait_until(lambda: not dialog.busy)

    translations = Translations()
    translations.apply(language)

    dialog = fresh()
    dialog.credentials.username.setText("demo")
    dialog.credentials.more_button.setChecked(True)
    pause(0.2)
    shoot(dialog, "01-credentials")
    # More Options stays open: the dialog grows to fit the keyboard (nothing clipped).
    dialog.credentials.keyboard_button.setChecked(True)
    pause(0.2)
    shoot(dialog, "02-on-screen-keyboard")
    dialog.close()

    dialog = fresh()
    log_in(dialog, "solo", "not-the-password")
    shoot(dialog, "12-password-warning")
    dialog.close()

    dialog = fresh()
    log_in(dialog, "demo", "demo-pass-1")
    shoot(dialog, "03-select-device")
    for kind, name in (("dsc_plus", "04-dsc-plus"), ("ib_key", "05-ib-key"),
                       ("code_card", "06-code-card")):  # fmt: skip
        choose(dialog, kind)
        shoot(dialog, name)
        dialog.other_device.click()
    choose(dialog, "sms")
    resend_allowed = time.monotonic() + RESEND_INTERVAL + 0.2
    page = dialog.stack.currentWidget()
    assert isinstance(page, SmsPage)
    page.not_received.click()
    shoot(dialog, "07-sms-request-new-code")
    wait_until(lambda: time.monotonic() > resend_allowed)
    page.by_voice.setChecked(True)
    page.request_ok.click()
    wait_until(lambda: not dialog.busy)
    shoot(dialog, "08-voice-call-coming")
    dialog.close()

    dialog = fresh()
    log_in(dialog, "demo", "demo-pass-1")
    choose(dialog, "dsc_plus")
    ocra_page = dialog.stack.currentWidget()
    assert isinstance(ocra_page, OcraPage)
    ocra_page.response_field.setText("00000000")
    ocra_page.submit_button.click()
    wait_until(lambda: not dialog.busy)
    shoot(dialog, "09-wrong-response")
    dialog.close()

    dialog = fresh()
    # The third wrong password starts a wait; its countdown runs a few seconds.
    for _ in range(3):
        log_in(dialog, "locky", "wrong")
    pause(COUNTDOWN_SHOWN)
    shoot(dialog, "10-lockout-countdown")
    dialog.close()

    dialog = fresh()
    log_in(dialog, "restricted", "restricted-pass-1")
    shoot(dialog, "11-ip-restricted")
    dialog.close()

    worker.shutdown()
    api.close()


def simulators(shoot: Shooter, server: EmbeddedServer, scenario: Scenario) -> None:
    """The demo's simulators, with the devices ``tws-companion demo`` gives them (each its
    user's); the Phone window shows what the login steps sent (an SMS and a voice call)."""
    from tws_companion.gui.simulators.code_card import CodeCardViewer
    from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
    from tws_companion.gui.simulators.ib_key import IbKeySimulator
    from tws_companion.gui.simulators.phone import PhoneWindow

    devices = demo_devices(server, scenario)
    assert devices.dsc_plus is not None
    assert devices.ib_key is not None
    assert devices.card is not None
    assert devices.outbox is not None
    dsc = DscPlusSimulator(devices.dsc_plus)
    dsc.show()
    shoot(dsc, "20-dsc-plus-simulator")
    dsc.close()

    ib_key = IbKeySimulator(devices.ib_key)
    ib_key.show()
    shoot(ib_key, "21-ib-key-simulator")
    # Its user drop-down open (every demo user's IB Key, as IBKR Mobile holds them).
    settle(ib_key)
    ib_key.users.showPopup()
    popup = ib_key.users.view().window()
    wait_until(popup.isVisible, 10)
    shoot.screen(
        "25-ib-key-users",
        ib_key,
        popup,
        area=on_screen(ib_key).united(on_screen(popup)),
    )
    ib_key.users.hidePopup()
    ib_key.close()

    viewer = CodeCardViewer(devices.card_label, devices.card)
    viewer.show()
    shoot(viewer, "22-code-card-viewer")
    viewer.close()

    phone = PhoneWindow(devices.outbox, devices.phone)
    phone.show()
    wait_until(lambda: phone.message_count() > 0, 10)
    shoot(phone, "23-phone")
    # A call that cannot be played here (no sound device on the virtual display, or no
    # player) shows its transcript.
    call = next((card for card in phone.cards if card.voice), None)
    if call is None:
        print("skipped 24-phone-call-transcript: no voice call (run the login steps too)")
    else:
        call.play.click()
        try:
            wait_until(call.transcript.isVisible, 20)
        except TimeoutError:
            print("skipped 24-phone-call-transcript: the call was played (a sound device)")
        else:
            shoot(phone, "24-phone-call-transcript")
    phone.close()


# --- the workstation and its layout dialogs --------------------------------------------------


@dataclass(frozen=True)
class Places:
    """Where the shots save and open settings files: a USB stick (or a folder of the home
    folder), and a write-protected drive when there is one."""

    stick: Path
    write_protected: Path | None


def modal_of(kind: type[W], timeout: float = 15.0) -> W:
    """The modal window of ``kind`` once it is open."""
    wait_until(lambda: isinstance(modal(), kind), timeout)
    found = modal()
    assert isinstance(found, kind)
    return found


def write_other_users_file(places: Places, url: str, work: Path) -> Path:
    """Alice's layout, saved with Save Settings As: encrypted with her settings key."""
    path = places.stick / OTHER_USERS_NAME
    if not path.exists():
        SecretStore().set_settings_key(url, "alice", os.urandom(32))
        alice = SettingsProfile(data_root(work / "alice"), "alice", server=url)
        layout = default_layout(Mode.CLASSIC)
        layout.workstation.workspaces[0].name = "Alice's futures"
        alice.save_as(path, layout, decrypted=False)
    return path


def log_in(application: Application) -> WorkstationWindow:
    """Log in as ``demo`` with the DSC+ (the response computed as the simulator would)."""
    log_in_with_dsc_plus(application.show_login(), wait_until)
    return opened_workstation(application)


def opened_workstation(application: Application) -> WorkstationWindow:
    """The workstation, once the login has opened and built it."""

    def opened() -> bool:
        window = application.workstation
        return window is not None and window.isVisible() and window.is_built

    wait_until(opened, 60)
    assert application.workstation is not None
    return application.workstation


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget``: key by key, or (Chinese) committed by an input method."""
    if text.isascii():
        QTest.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)


def use_the_workstation(window: WorkstationWindow, language: str) -> None:
    """What a trader does in the first minutes, each followed by File > Layout Settings > Save
    Settings (so that Layout/Settings Recovery lists two backups, a second or more apart): a
    note typed, a symbol added to the watchlist."""
    notes = next(dock.panel_widget for dock in window.docks() if dock.panel.kind is PanelKind.NOTES)
    assert isinstance(notes, NotesPanel)
    notes.editor.setFocus()
    for number, line in enumerate(NOTES.get(language, NOTES["en"]).splitlines()):
        if number:
            QTest.keyClick(notes.editor, Qt.Key.Key_Return)
        type_text(notes.editor, line)
    save_and_wait(window)
    pause(1.1)
    add_symbol(window, "META")
    save_and_wait(window)


def add_symbol(window: WorkstationWindow, symbol: str) -> None:
    """Type ``symbol`` in the watchlist panel's field and add it."""
    watchlist = next(
        dock.panel_widget for dock in window.docks() if dock.panel.kind is PanelKind.WATCHLIST
    )
    assert isinstance(watchlist, WatchlistPanel)
    QTest.keyClicks(watchlist.add_edit, symbol)
    watchlist.add_button.click()


def save_and_wait(window: WorkstationWindow) -> None:
    """File > Layout Settings > Save Settings, and wait until it is on disk."""
    before = len(window.profile.backups())
    window.save_action.trigger()
    wait_until(lambda: not window.saves.busy and len(window.profile.backups()) > before)


def xdotool(*args: str) -> None:
    """Mouse and keys through the X server, as a user's (``xdotool`` must be installed)."""
    subprocess.run(["xdotool", *args], check=True, timeout=10)


def point_at(widget: QWidget, rect: QRect) -> None:
    """Move the mouse to the middle of ``rect`` (in ``widget``'s coordinates)."""
    where = widget.mapToGlobal(rect.center())
    xdotool("mousemove", str(where.x()), str(where.y()))


def open_layout_menu(window: WorkstationWindow) -> None:
    """File > Layout Settings, with the mouse: a click on File, then over Layout Settings (its
    submenu opens) and over Save Settings As... (without xdotool: from within Qt)."""
    bar = window.menuBar()
    if shutil.which("xdotool") is None:
        bar.setActiveAction(window.file_menu.menuAction())
        wait_until(window.file_menu.isVisible, 10)
        window.file_menu.setActiveAction(window.layout_menu.menuAction())
    else:
        point_at(bar, bar.actionGeometry(window.file_menu.menuAction()))
        xdotool("click", "1")
        wait_until(window.file_menu.isVisible, 10)
        settle(window.file_menu)
        point_at(window.file_menu, window.file_menu.actionGeometry(window.layout_menu.menuAction()))
    wait_until(window.layout_menu.isVisible, 10)
    settle(window.layout_menu)
    if shutil.which("xdotool") is None:
        window.layout_menu.setActiveAction(window.save_as_action)
    else:
        point_at(window.layout_menu, window.layout_menu.actionGeometry(window.save_as_action))
    wait_until(lambda: window.layout_menu.activeAction() is window.save_as_action, 10)


def close_menus(window: WorkstationWindow) -> None:
    """A click outside the menus (on the status bar) closes them."""
    if shutil.which("xdotool") is None:
        window.layout_menu.close()
        window.file_menu.close()
    else:
        status = window.statusBar()
        point_at(status, QRect(0, 0, status.width() // 4, status.height()))
        xdotool("click", "1")
    wait_until(lambda: not window.file_menu.isVisible(), 10)


def fill_in(files: SettingsFileDialog, path: Path) -> QLineEdit:
    """In a settings file dialog, as the seeds say: go to the drive (in the Drives row when
    ``path`` is on one) and type the file name; returns the name field."""
    index = files.drives_combo.findData(str(path.parent))
    if index >= 0:
        files.drives_combo.setCurrentIndex(index)
        files.drives_combo.activated.emit(index)
    else:
        files.setDirectory(str(path.parent))
    name = files.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name, QLineEdit)
    name.setFocus()
    name.clear()
    QTest.keyClicks(name, path.name)
    return name


def save_as(window: WorkstationWindow, path: Path) -> tuple[SettingsFileDialog, QLineEdit]:
    """File > Layout Settings > Save Settings As..., with ``path`` filled in; the dialog is left
    open (Return in the name field saves)."""
    window.save_as_action.trigger()
    files = modal_of(SettingsFileDialog)
    return files, fill_in(files, path)


def open_custom(dialog: RecoveryDialog, path: Path) -> None:
    """Custom..., OK, and ``path`` opened in the file dialog."""
    dialog.select(ChoiceKind.CUSTOM)
    dialog.ok_button.click()
    files = modal_of(SettingsFileDialog)
    QTest.keyClick(fill_in(files, path), Qt.Key.Key_Return)


def workstation_steps(url: str, language: str, shoot: Shooter, places: Places, work: Path) -> None:
    translations = Translations()
    translations.apply(language)
    other_users_file = write_other_users_file(places, url, work)
    # Saved by the previous language's pass: Qt's dialog would ask whether to replace it.
    (places.stick / SAVED_NAME).unlink(missing_ok=True)
    application = Application(ApiClient(url), translations, home=work / f"home-{language}")
    try:
        window = log_in(application)
        use_the_workstation(window, language)
        shoot.screen("30-workstation-mosaic", window)

        window.classic_action.trigger()
        wait_until(lambda: window.is_built)
        shoot.screen("31-workstation-classic", window)
        window.mosaic_action.trigger()
        wait_until(lambda: window.is_built)

        open_layout_menu(window)
        frame, submenu = on_screen(window), on_screen(window.layout_menu)
        shoot.screen(
            "32-layout-settings-menu",
            window.file_menu,
            window.layout_menu,
            area=QRect(frame.topLeft(), submenu.bottomRight() + QPoint(60, 60)),
        )
        close_menus(window)

        window.global_config_action.trigger()
        config = modal_of(GlobalConfigDialog)
        shoot.screen("33-global-configuration-lock-and-exit", config)
        config.pages.setCurrentRow(1)
        shoot.screen("34-global-configuration-display", config)
        config.reject()

        window.save_decrypted_action.trigger()
        warning = modal_of(QMessageBox)
        shoot.screen("35-save-decrypted-format-warning", warning)
        warning.button(QMessageBox.StandardButton.No).click()
        wait_until(lambda: modal() is None)

        files, name = save_as(window, places.stick / SAVED_NAME)
        shoot.screen("36-save-settings-as-dialog", files)
        QTest.keyClick(name, Qt.Key.Key_Return)
        wait_until(lambda: (places.stick / SAVED_NAME).exists() and modal() is None)

        if places.write_protected is not None:
            files, name = save_as(window, places.write_protected / SAVED_NAME)
            QTest.keyClick(name, Qt.Key.Key_Return)
            failed = modal_of(QMessageBox)
            shoot.screen("41-save-failed-read-only", failed)
            failed.button(QMessageBox.StandardButton.Ok).click()
            wait_until(lambda: modal() is None)
        else:
            print("skipped 41-save-failed-read-only: no write-protected drive (run as root)")

        window.recovery_action.trigger()
        recovery = modal_of(RecoveryDialog)
        wait_until(lambda: recovery.backups is not None)
        recovery.select(ChoiceKind.BACKUP, 0)
        wait_until(recovery.ok_button.isEnabled)
        shoot.screen("37-recovery-list", recovery)

        open_custom(recovery, places.stick / SAVED_NAME)
        wait_until(lambda: recovery.page == recovery.CONFIRM and not recovery.busy)
        shoot.screen("38-recovery-open-without-reporting", recovery)

        recovery.parts_button.click()
        recovery.part_boxes[Part.WATCHLISTS].setChecked(True)
        recovery.part_boxes[Part.COLOR_GROUPS].setChecked(True)
        recovery.merge_radio.setChecked(True)
        shoot.screen("39-recovery-import-parts", recovery)

        recovery.parts_back.click()
        recovery.back_button.click()
        open_custom(recovery, other_users_file)
        refused = modal_of(QMessageBox)
        shoot.screen("40-refused-other-users-file", refused)
        refused.button(QMessageBox.StandardButton.Ok).click()
        wait_until(lambda: modal() is recovery)
        recovery.reject()
        wait_until(lambda: modal() is None)

        window.lock()
        shoot.screen("42-workstation-locked", window)
    finally:
        application.shutdown()


# --- "Use/store settings on server" ----------------------------------------------------------

#: The names the saves of the user's two computers carry: this one (the app) and the other.
THIS_COMPUTER, OTHER_COMPUTER = "office-desktop", "trading-laptop"
#: How much of the server's copy has come down when the download at login waits for its shot.
SHOWN_PART = 0.4
#: What the user changes on each computer, per language: (workspace of the other computer's
#: journal, a line of it, a workspace added there later, a workspace added here).
SERVER_TEXTS = {
    "en": ("Trading journal", "Closed half of the AAPL position at the open.", "Options",
           "Earnings week"),
    "zh_CN": ("交易日志", "开盘时平掉了一半 AAPL 仓位。", "期权", "财报周"),
}  # fmt: skip
#: How much of the status bar's width its shot shows.
STATUS_SHOWN = 560
#: Lines in the journal: its settings are about a megabyte, so that the download takes steps.
JOURNAL_LINES = 20_000


@dataclass
class OtherComputer:
    """The user's other computer: a session of ``demo`` through the API (the DSC+ response
    computed as the simulator would) and a settings folder of its own; it saves as File >
    Layout Settings > Save Settings does, through ServerSettings."""

    api: ApiClient
    token: str
    profile: SettingsProfile

    @classmethod
    def log_in(cls, url: str, home: Path) -> OtherComputer:
        api = ApiClient(url)
        start = api.start_login("demo", "demo-pass-1")
        step = api.select_device(start.login_id, "demo-dscplus")
        assert step.challenge.code is not None
        response = dsc_plus_response(step.challenge.code)
        done = respond_and_cache_key(api, SecretStore(), "demo", start.login_id, response)
        profile = SettingsProfile(data_root(home), "demo", server=api.base_url)
        return cls(api, done.session.token, profile)

    def settings(self) -> ServerSettings:
        return ServerSettings(self.api, self.token, self.profile, machine=OTHER_COMPUTER)

    def save(self, layout: Layout) -> None:
        self.profile.save(layout)
        self.settings().upload(layout)


@contextlib.contextmanager
def named_computer(name: str) -> Iterator[None]:
    """This computer's saves carry ``name`` (not the host name of the machine shooting)."""
    real = ServerSettingsController.for_session

    def for_session(*args: Any, **kwargs: Any) -> ServerSettingsController:
        return real(*args, **{**kwargs, "machine": name})

    with mock.patch.object(ServerSettingsController, "for_session", for_session):
        yield


@contextlib.contextmanager
def slow_download(reached: threading.Event, go_on: threading.Event) -> Iterator[None]:
    """The download at login waits, :data:`SHOWN_PART` of the way, until ``go_on`` is set
    (``reached`` says it waits): the progress dialog stays up for its shot."""
    real = server_settings._download

    def download(settings: ServerSettings, progress: Progress) -> Downloaded:
        def report(done: int, total: int) -> None:
            progress(done, total)
            if total and done >= total * SHOWN_PART and not go_on.is_set():
                reached.set()
                go_on.wait(60)

        return real(settings, report)

    with mock.patch.object(server_settings, "_download", download):
        yield


def log_in_with_server_settings(application: Application) -> None:
    """The login dialog with "Use/store settings on server" ticked under More Options."""
    dialog = application.show_login()
    dialog.credentials.more_button.setChecked(True)
    dialog.credentials.username.setText("demo")
    dialog.credentials.use_server_settings.setChecked(True)
    log_in_with_dsc_plus(dialog, wait_until)


def server_status(window: WorkstationWindow, text: str) -> None:
    """Wait until the status bar says ``text`` and no transfer runs."""
    wait_until(
        lambda: (
            window.statusBar().currentMessage() == text
            and window.server is not None
            and not window.server.busy
        )
    )


def server_settings_steps(url: str, language: str, shoot: Shooter, work: Path) -> None:
    """Two computers of ``demo``: the other one saves, this one (the app, the option ticked at
    login) downloads it with progress, saves, is asked after the other saved in between, lists
    the server's versions; then a login whose download fails."""
    translations = Translations()
    translations.apply(language)
    journal_name, journal_line, options_name, earnings_name = SERVER_TEXTS.get(
        language, SERVER_TEXTS["en"]
    )
    homes = work / f"server-settings-{language}"
    other = OtherComputer.log_in(url, homes / OTHER_COMPUTER)
    unreachable = ApiClient(closed_port_url())
    preferences = LoginPreferences()
    try:
        with named_computer(THIS_COMPUTER):
            journal = default_layout()
            journal.workstation.workspaces.append(
                Workspace(
                    name=journal_name,
                    panels=[Panel(Notes(text="\n".join([journal_line] * JOURNAL_LINES)))],
                )
            )
            other.save(journal)  # version 1

            reached, go_on = threading.Event(), threading.Event()
            application = Application(ApiClient(url), translations, home=homes / THIS_COMPUTER)
            try:
                with slow_download(reached, go_on):
                    log_in_with_server_settings(application)

                    def waiting() -> bool:
                        controller = application.server_settings
                        dialog = controller.progress_dialog if controller else None
                        return reached.is_set() and dialog is not None and dialog.isVisible()

                    wait_until(waiting)
                    assert application.server_settings is not None
                    progress = application.server_settings.progress_dialog
                    assert progress is not None
                    pause(0.3)  # the last progress report painted
                    shoot.screen("50-settings-download-progress", progress)
                    go_on.set()
                    window = opened_workstation(application)

                add_symbol(window, "META")
                window.save_action.trigger()
                saved = QCoreApplication.translate(
                    "ServerSettingsController", "Settings saved to the server (version {number})."
                ).format(number=2)
                server_status(window, saved)
                bar = on_screen(window.statusBar())
                shoot.screen(
                    "55-settings-saved-status",
                    window,
                    area=QRect(bar.left(), bar.top() - 4, STATUS_SHOWN, bar.height() + 8),
                )

                # The other computer takes version 2, changes it and saves version 3.
                changed = other.settings().download().layout
                assert changed is not None
                changed.workstation.workspaces.append(
                    Workspace(name=options_name, panels=[Panel(Chart(symbol="SPY"))])
                )
                rows = next(
                    panel.state.rows
                    for panel in changed.workstation.workspaces[0].panels
                    if isinstance(panel.state, Watchlist)
                )
                rows.append(WatchlistRow("AMD"))
                other.save(changed)

                # Meanwhile this one changed too: its save is refused, the user is asked.
                add_symbol(window, "NFLX")
                window.add_workspace(earnings_name)
                window.tabs.setCurrentIndex(0)
                window.save_action.trigger()
                controller = window.server
                assert controller is not None
                wait_until(
                    lambda: (
                        controller.conflict_dialog is not None
                        and controller.conflict_dialog.isVisible()
                    )
                )
                conflict = controller.conflict_dialog
                assert conflict is not None
                shoot.screen("52-settings-conflict", conflict)
                conflict.compare_button.click()
                pause(0.3)
                shoot.screen("53-settings-conflict-compare", conflict)
                conflict.keep_button.click()
                server_status(
                    window,
                    QCoreApplication.translate(
                        "ServerSettingsController",
                        "Settings saved to the server (version {number}).",
                    ).format(number=4),
                )

                window.recovery_action.trigger()
                recovery = modal_of(RecoveryDialog)
                wait_until(lambda: recovery.versions is not None and recovery.backups is not None)
                recovery.select(ChoiceKind.SERVER, 1)
                wait_until(recovery.ok_button.isEnabled)
                shoot.screen("54-recovery-server-versions", recovery)
                recovery.reject()
                wait_until(lambda: modal() is None)
            finally:
                application.shutdown()

            # The server cannot be reached once the login is done (here: the settings are
            # asked of a closed port), before the settings come down.
            reachable = ApiClient(url)
            application = Application(reachable, translations, home=homes / THIS_COMPUTER)
            try:
                log_in_with_server_settings(application)
                application.api = unreachable  # what the settings calls use from now on

                def failed() -> bool:
                    controller = application.server_settings
                    box = controller.failure_box if controller else None
                    return box is not None and box.isVisible()

                wait_until(failed, 60)
                assert application.server_settings is not None
                box = application.server_settings.failure_box
                assert box is not None
                shoot.screen("51-settings-download-failed", box)
                box.button(QMessageBox.StandardButton.Close).click()
                opened_workstation(application)
            finally:
                application.shutdown()
                reachable.close()
    finally:
        # The next pass (another language's workstation) logs in without the option.
        preferences.set_use_server_settings("demo", False)
        preferences.sync()
        other.api.close()
        unreachable.close()


#: The terminal the doctor's output is shown in: its width in columns, and its colours.
TERMINAL_COLUMNS = 110
TERMINAL_STYLE = "QTextEdit { background: #1e1e1e; color: #e8e8e8; border: none; }"


def report_steps(url: str, language: str, shoot: Shooter, home: Path) -> None:
    """Help > Report a Login Problem, as the workstation opens it, after a login refused for its
    password (recorded as the app records it); the login trace is the file shown."""
    from tws_companion.gui.report_dialog import ReportDialog, record_login_traces
    from tws_companion.support.locations import traces_dir

    translations = Translations()
    translations.apply(language)
    worker = Worker()
    api = ApiClient(url)
    dialog = LoginDialog(api, worker, translations=translations)
    dialog.show()
    record_login_traces(dialog.machine, dialog, worker, home=home, language=lambda: language)
    dialog.credentials.username.setText("solo")
    dialog.credentials.password.setText("not-the-password")
    dialog.credentials.login_button.click()
    wait_until(lambda: not dialog.busy)
    dialog.reject()  # the attempt's trace is written as the dialog closes
    wait_until(lambda: any(traces_dir(home).glob("*.json")))

    report = ReportDialog(worker, data_root(home), language=language)
    report.show()
    wait_until(lambda: report.bundle is not None)
    names = report.file_names
    report.files.setCurrentRow(next(i for i, name in enumerate(names) if name.endswith(".json")))
    shoot.screen("60-report-login-problem", report)
    report.close()
    worker.shutdown()
    api.close()


def doctor_steps(url: str, language: str, shoot: Shooter, home: Path) -> None:
    """Help > Check My Setup against the demo server, as the workstation opens it, and (in
    English: the command line speaks English) ``tws-companion doctor`` in a terminal."""
    from tws_companion.gui.doctor_dialog import DoctorDialog, gui_setup

    translations = Translations()
    translations.apply(language)
    worker = Worker()
    dialog = DoctorDialog(worker, gui_setup(url, home))
    dialog.show()
    wait_until(lambda: not dialog.running, 60)
    shoot.screen("61-check-my-setup", dialog)
    dialog.close()
    worker.shutdown()
    if language == "en":
        command = ["doctor", "--server", url, "--home", str(home)]
        shoot(terminal(command), "63-doctor-terminal")


def terminal(command: list[str]) -> QWidget:
    """``tws-companion COMMAND`` run in a process with the same in-memory keyring, and shown as
    a terminal shows it: the prompt, its output, its exit status."""
    from PySide6.QtGui import QFontDatabase, QTextOption
    from PySide6.QtWidgets import QTextEdit

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.support.memory_keyring.MemoryKeyring",
        "COLUMNS": str(TERMINAL_COLUMNS),
    }
    ran = subprocess.run(
        [sys.executable, "-m", "tws_companion", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    text = f"$ tws-companion {' '.join(command)}\n{ran.stdout}{ran.stderr}$ echo $?\n"
    text += f"{ran.returncode}\n$ "
    view = QTextEdit()
    view.setReadOnly(True)
    view.setStyleSheet(TERMINAL_STYLE)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setLineWrapMode(QTextEdit.LineWrapMode.FixedColumnWidth)
    view.setLineWrapColumnOrWidth(TERMINAL_COLUMNS)
    view.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)  # a terminal cuts at the column
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setPlainText(text)
    metrics = view.fontMetrics()
    rows = sum(max(1, -(-len(line) // TERMINAL_COLUMNS)) for line in text.split("\n"))
    margin = 2 * int(view.document().documentMargin()) + 8
    view.resize(
        metrics.horizontalAdvance("M" * TERMINAL_COLUMNS) + margin,
        rows * metrics.lineSpacing() + margin,
    )
    view.show()
    settle(view)
    return view


def closed_port_url() -> str:
    """The address of a loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- the security centre: Settings > Secure Login System -------------------------------------

#: The withdrawal confirmed in the shots, in US dollars: above the Security Code Card's limit per
#: day (refused, naming the devices that can confirm it), within the DSC+'s (accepted).
WITHDRAWAL_AMOUNT = "300000"
#: The user whose devices the shots use, and the user who asks to share them (same entity, an
#: IB Key of their own): (user name, password).
DEMO_USER = ("demo", "demo-pass-1")
PARTNER = ("partner", "partner-pass-1")
#: The new PIN typed in the DSC+'s PIN change (the change is cancelled after its shot: the other
#: shots answer with the scenario's PIN).
NEW_DSC_PLUS_PIN = "5678"
#: The new PIN typed in the IB Key app's Change PIN (the screen is left before Submit).
NEW_IB_KEY_PIN = "1470"
#: The user added to the IB Key app (a DSC+ user with no IB Key yet), and the PIN typed.
ADDED_USER = ("traveller", "traveller-pass-1", "8642")


def security_steps(
    url: str, language: str, shoot: Shooter, server: EmbeddedServer, scenario: Scenario, work: Path
) -> None:
    """Settings > Secure Login System as ``demo`` (its devices and limits, a withdrawal refused
    for the code card's limit then confirmed with the DSC+, the DSC+'s PIN change), device
    sharing as ``partner`` (refused for a less secure device, then approved), and the IB Key
    app's Change PIN and Add User screens."""
    translations = Translations()
    translations.apply(language)
    devices = demo_devices(server, scenario)
    assert devices.card is not None
    homes = work / f"security-{language}"
    application = Application(ApiClient(url), translations, home=homes / "demo")
    try:
        window = log_in(application)
        security = open_security(window, shoot)
        shoot.screen("71-secure-login-system", security)
        withdrawal_shots(security, devices.card, shoot)
        pin_change_shot(security, shoot)
    finally:
        application.shutdown()

    application = Application(ApiClient(url), translations, home=homes / "partner")
    try:
        window = log_in_as_partner(application, devices)
        window.secure_login_action.trigger()
        security = loaded_security_window(window)
        sharing_shots(security, devices.card, shoot)
    finally:
        application.shutdown()

    ib_key_menu_shots(url, devices, shoot)


def open_security(window: WorkstationWindow, shoot: Shooter) -> SecurityWindow:
    """Settings > Secure Login System..., with the mouse (the menu's shot taken on the way; see
    :func:`open_layout_menu` for how without xdotool)."""
    bar, menu, action = window.menuBar(), window.settings_menu, window.secure_login_action
    if shutil.which("xdotool") is None:
        bar.setActiveAction(menu.menuAction())
        wait_until(menu.isVisible, 10)
        menu.setActiveAction(action)
    else:
        point_at(bar, bar.actionGeometry(menu.menuAction()))
        xdotool("click", "1")
        wait_until(menu.isVisible, 10)
        settle(menu)
        point_at(menu, menu.actionGeometry(action))
    wait_until(lambda: menu.activeAction() is action, 10)
    frame, shown_menu = on_screen(window), on_screen(menu)
    shoot.screen(
        "70-settings-secure-login-menu",
        menu,
        area=QRect(frame.topLeft(), shown_menu.bottomRight() + QPoint(160, 60)),
    )
    if shutil.which("xdotool") is None:
        action.trigger()
        menu.close()
    else:
        xdotool("click", "1")
    return loaded_security_window(window)


def loaded_security_window(window: WorkstationWindow) -> SecurityWindow:
    """The Secure Login System window the workstation opened, once its devices are listed."""
    from tws_companion.gui.security_window import SecurityWindow

    def loaded() -> bool:
        security = window.security_window
        return (
            isinstance(security, SecurityWindow)
            and security.isVisible()
            and security.devices is not None
            and security.task is None
        )

    wait_until(loaded)
    security = window.security_window
    assert isinstance(security, SecurityWindow)
    return security


def log_in_as_partner(application: Application, devices: DemoDevices) -> WorkstationWindow:
    """Log in as ``partner`` with its IB Key (its only device: no drop-down), the response
    computed as the IB Key app would."""
    held = devices.ib_key
    keys = (held,) if isinstance(held, SimulatedOcraDevice) else tuple(held or ())
    key = next(device for device in keys if device.user == PARTNER[0])
    dialog = application.show_login()
    dialog.credentials.username.setText(PARTNER[0])
    dialog.credentials.password.setText(PARTNER[1])
    dialog.credentials.login_button.click()
    wait_until(lambda: not dialog.busy)
    page = dialog.stack.currentWidget()
    assert isinstance(page, OcraPage), dialog.stack.currentWidget()
    page.response_field.setText(ib_key_response(page.challenge_code.text(), key.secret, key.pin))
    page.submit_button.click()
    return opened_workstation(application)


def identity_check() -> IdentityCheckDialog:
    """The identity check the task just opened, its first step shown."""
    from tws_companion.gui.identity_check_dialog import IdentityCheckDialog

    check = modal_of(IdentityCheckDialog)
    settle(check)
    return check


def enter_credentials(check: IdentityCheckDialog, username: str, password: str) -> None:
    """Step 1 of an identity check typed in (the user name when it is not filled in)."""
    if not check.credentials.username.text():
        QTest.keyClicks(check.credentials.username, username)
    QTest.keyClicks(check.credentials.password, password)


def to_device_list(check: IdentityCheckDialog) -> None:
    """Continue from step 1: the device drop-down (M2FS)."""
    check.credentials.continue_button.click()
    wait_until(lambda: not check.busy)
    assert check.current_page() is check.select_page, check.notice.text()


def pick_device(check: IdentityCheckDialog, device_id: str) -> DevicePage:
    """``device_id`` picked in the drop-down, Continue: its page, the challenge shown."""
    combo = check.select_page.devices
    combo.setCurrentIndex(combo.findData(device_id))
    check.select_page.continue_button.click()
    wait_until(lambda: not check.busy)
    page = check.current_page()
    assert isinstance(page, DevicePage), check.notice.text()
    assert page.challenge is not None
    return page


def answer(page: DevicePage, card: CodeCard) -> None:
    """Type the answer ``demo``'s device gives (its DSC+ with its PIN, or its code card's
    values), as a user fills the fields."""
    challenge = page.challenge
    assert challenge is not None
    if isinstance(page, CodeCardPage):
        for field, index in zip(page.fields, challenge.indices or (), strict=True):
            QTest.keyClicks(field, card.values[index])
    else:
        assert isinstance(page, OcraPage)
        QTest.keyClicks(page.response_field, dsc_plus_response(challenge.code or ""))


def withdrawal_shots(security: SecurityWindow, card: CodeCard, shoot: Shooter) -> None:
    """Withdraw funds: the identity check (password, device drop-down), refused with the code
    card, confirmed with the DSC+ (its challenge), accepted."""
    from tws_companion.gui.withdrawal_dialog import WithdrawalDialog

    security.withdraw_button.click()
    dialog = modal_of(WithdrawalDialog)
    QTest.keyClicks(dialog.amount_field, WITHDRAWAL_AMOUNT)
    QTest.keyClick(dialog.amount_field, Qt.Key.Key_Return)
    check = identity_check()
    enter_credentials(check, *DEMO_USER)
    shoot.screen("72-identity-check-password", check)

    to_device_list(check)
    settle(check)
    # The list opens over the drop-down from the device it offers first (the DSC+), so the
    # page's title stays in view.
    combo = check.select_page.devices
    combo.setCurrentIndex(0)
    combo.showPopup()
    popup = combo.view().window()
    wait_until(popup.isVisible, 10)
    shoot.screen(
        "73-identity-check-devices", check, popup, area=on_screen(check).united(on_screen(popup))
    )
    combo.hidePopup()
    submit(pick_device(check, "demo-card"), card)
    wait_until(lambda: dialog.check is None and dialog.outcome is not None and dialog.task is None)
    shoot.screen("74-withdrawal-refused", dialog)

    # "Confirm with another device...": the same amount, with the DSC+.
    dialog.other_device_button.click()
    check = identity_check()
    enter_credentials(check, *DEMO_USER)
    to_device_list(check)
    page = pick_device(check, "demo-dscplus")
    answer(page, card)
    shoot.screen("75-identity-check-dsc-plus", check)
    page.submit_button.click()
    wait_until(
        lambda: (
            dialog.outcome is not None
            and not isinstance(dialog.outcome, Exception)
            and dialog.task is None
        )
    )
    shoot.screen("76-withdrawal-accepted", dialog)
    dialog.close_button.click()
    wait_until(lambda: modal() is security and security.task is None)


def submit(page: DevicePage, card: CodeCard) -> None:
    """The device's answer typed in, Continue."""
    answer(page, card)
    page.submit_button.click()


def pin_change_shot(security: SecurityWindow, shoot: Shooter) -> None:
    """Change PIN... for the DSC+: the new PIN twice, Continue, and the challenge to key into the
    card with the new PIN (its response typed in); then Cancel (the PIN stays)."""
    from tws_companion.gui.pin_change_dialog import PinChangeDialog

    row = next(i for i, device in enumerate(security.devices or ()) if device.kind == "dsc_plus")
    security.table.selectRow(row)
    security.pin_button.click()
    dialog = modal_of(PinChangeDialog)
    QTest.keyClicks(dialog.new_pin, NEW_DSC_PLUS_PIN)
    QTest.keyClicks(dialog.repeat_pin, NEW_DSC_PLUS_PIN)
    dialog.continue_button.click()
    wait_until(lambda: dialog.task is None and dialog.step == 1)
    QTest.keyClicks(dialog.response, dsc_plus_response(dialog.challenge.text(), NEW_DSC_PLUS_PIN))
    shoot.screen("77-dsc-plus-pin-change", dialog)
    dialog.cancel_button.click()
    wait_until(lambda: modal() is security and security.task is None)


def sharing_shots(security: SecurityWindow, card: CodeCard, shoot: Shooter) -> None:
    """Share a device..., as ``partner`` with demo's credentials: demo's code card is refused
    ("Less secure device": demo holds a DSC+), demo's DSC+ is approved at once (same entity)."""
    for device_id, name in (
        ("demo-card", "78-device-sharing-refused"),
        ("demo-dscplus", "79-device-sharing-approved"),
    ):
        dialog = share(security, device_id, card)
        shoot.screen(name, dialog)
        dialog.continue_button.click()  # OK
        wait_until(lambda: modal() is security and security.task is None)


def share(security: SecurityWindow, device_id: str, card: CodeCard) -> DeviceSharingDialog:
    """Share a device...: the rules, Continue, demo's credentials and ``device_id``'s answer,
    the review, Continue; returns the dialog once the server answered."""
    from tws_companion.gui.device_sharing_dialog import DeviceSharingDialog

    security.share_button.click()
    dialog = modal_of(DeviceSharingDialog)
    wait_until(lambda: dialog.requests is not None)
    dialog.continue_button.click()
    check = identity_check()
    enter_credentials(check, *DEMO_USER)
    to_device_list(check)
    submit(pick_device(check, device_id), card)
    wait_until(lambda: dialog.stack.currentWidget() is dialog.review_page)
    dialog.continue_button.click()
    wait_until(lambda: dialog.task is None and dialog.list_task is None)
    assert dialog.stack.currentWidget() is dialog.result_page
    return dialog


def ib_key_menu_shots(url: str, devices: DemoDevices, shoot: Shooter) -> None:
    """The IB Key app's menu screens, connected to the demo server: Change PIN filled in for
    ``demo`` (left before Submit), and Add User on Android once the Activation Code came by SMS
    (the code and the PIN typed in)."""
    from tws_companion.gui.simulators.ib_key import IbKeySimulator

    assert devices.ib_key is not None
    assert devices.outbox is not None
    worker = Worker()
    api = ApiClient(url)
    phone = IbKeySimulator(devices.ib_key, api=api, worker=worker)
    try:
        phone.show()
        settle(phone)
        phone.change_pin_action.trigger()
        screen = phone.change_pin
        QTest.keyClicks(screen.password, DEMO_USER[1])
        QTest.keyClicks(screen.current_pin, phone.device.pin)
        QTest.keyClicks(screen.new_pin, NEW_IB_KEY_PIN)
        QTest.keyClicks(screen.repeat_pin, NEW_IB_KEY_PIN)
        shoot(phone, "80-ib-key-change-pin")
        screen.cancel.click()

        username, password, pin = ADDED_USER
        phone.add_user_action.trigger()
        adding = phone.add_user
        QTest.keyClicks(adding.username, username)
        QTest.keyClicks(adding.password, password)
        adding.continue_button.click()
        wait_until(lambda: phone.task is None)
        assert adding.step == 1, adding.problem.text()
        QTest.keyClicks(adding.code, latest_code(devices.outbox, "sms"))
        QTest.keyClicks(adding.pin, pin)
        shoot(phone, "81-ib-key-add-user")
    finally:
        phone.close()
        worker.shutdown()
        api.close()


# --- the machine the shots are taken on ------------------------------------------------------


def enter_private_mounts() -> None:
    """As root on Linux: run again in a mount namespace of its own, so that the drives mounted
    for the shots are seen by this process alone (and go with it)."""
    if sys.platform != "linux" or os.geteuid() != 0 or os.environ.get(PRIVATE_MOUNTS):
        return
    unshare = shutil.which("unshare")
    command = [unshare or "unshare", "--mount", "--propagation", "private"]
    if unshare is None or subprocess.run([*command, "true"], check=False).returncode != 0:
        return
    os.environ[PRIVATE_MOUNTS] = "1"
    os.execv(unshare, [*command, sys.executable, *sys.argv])  # noqa: S606 - no shell


def remove_folder(folder: Path) -> None:
    """Remove the empty folder a drive was mounted on (left, with a warning, if it cannot be)."""
    try:
        folder.rmdir()
    except OSError as exc:
        print(f"could not remove {folder}: {exc.strerror}", file=sys.stderr)


@contextlib.contextmanager
def drives(home: Path) -> Iterator[Places]:
    """A USB stick and a write-protected drive, mounted (see the module doc), or a folder."""
    if os.environ.get(PRIVATE_MOUNTS) != "1":
        folder = home / "Documents"
        folder.mkdir(parents=True, exist_ok=True)
        yield Places(folder, None)
        return
    with contextlib.ExitStack() as stack:
        mounted: list[Path] = []
        for name, options in (STICK, WRITE_PROTECTED):
            folder = Path("/media") / name
            if not folder.exists():
                folder.mkdir(parents=True)
                stack.callback(remove_folder, folder)
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True
            )
            # Lazily: the file dialogs' watchers may still hold it.
            stack.callback(subprocess.run, ["umount", "--lazy", str(folder)], check=False)
            mounted.append(folder)
        yield Places(mounted[0], mounted[1])


@contextlib.contextmanager
def window_manager() -> Iterator[None]:
    """Openbox on the X display, when it is installed and no window manager runs yet (tried a
    few times: now and then it exits at once on a display that has just started)."""
    openbox = shutil.which("openbox")
    if not os.environ.get("DISPLAY") or openbox is None or wm_running():
        yield
        return
    process: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryFile() as errors:
        try:
            for _attempt in range(3):
                process = subprocess.Popen(
                    [openbox, "--sm-disable"], stdout=subprocess.DEVNULL, stderr=errors
                )
                deadline = time.monotonic() + 10
                while not wm_running() and time.monotonic() < deadline:
                    if process.poll() is not None:
                        break
                    time.sleep(0.1)
                if wm_running():
                    break
                stop(process)
            else:
                errors.seek(0)
                said = errors.read().decode(errors="replace").strip()
                print(f"openbox did not start (no title bars): {said}", file=sys.stderr)
            yield
        finally:
            if process is not None:
                stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process this script started."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wm_running() -> bool:
    """Whether a window manager has announced itself on the root window (EWMH)."""
    xprop = shutil.which("xprop")
    if xprop is None:
        return False
    found = subprocess.run(
        [xprop, "-root", "_NET_SUPPORTING_WM_CHECK"],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    return "window id" in found.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "zh_CN"])
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    args = parser.parse_args()
    enter_private_mounts()
    # Should a window ever wait for an answer nobody gives (a nested modal loop), the run ends
    # with every thread's traceback instead of hanging.
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True)
    work = Path(tempfile.mkdtemp(prefix="tws-shots-"))
    home = work / "trader"
    home.mkdir()
    os.environ["HOME"] = str(home)
    keyring.set_keyring(MemoryKeyring())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    try:
        with window_manager(), drives(home) as places:
            app = QApplication([sys.argv[0]])
            app.setStyle("Fusion")
            collector = GuiThreadCollector(app)
            collector.start()
            try:
                for language in args.languages:
                    take(args.output / language, language, args.steps, places, work)
            finally:
                collector.stop()
                # Now, so that what Qt writes on its way out (the file dialogs' settings) is
                # written before the folder is removed, and the drives are free to unmount.
                app.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def take(output: Path, language: str, steps: list[str], places: Places, work: Path) -> None:
    """The shots of ``steps`` in ``language``, against a demo server of their own."""
    scenario = read_scenario(write_scenario(work))
    server = EmbeddedServer.from_config(
        ServerConfig(
            data_dir=work / f"data-{language}",
            # So the voice-callback step needs no 30-second wait.
            policy={"resend_min_interval": RESEND_INTERVAL},
        )
    )
    load_scenario(server.context, scenario)
    started = time.monotonic()
    url = server.start()
    # Dates, times and sizes as on a trader's computer set to this language.
    QLocale.setDefault(QLocale(LOCALES.get(language, "en_US")))
    try:
        LoginPreferences().last_username = ""
        shoot = Shooter(output)
        assert server.context.data_dir is not None
        if "login" in steps:
            login_steps(url, language, shoot, server.context.data_dir / "outbox")
        if "simulators" in steps:
            simulators(shoot, server, scenario)
        if "workstation" in steps:
            workstation_steps(url, language, shoot, places, work)
        if "server-settings" in steps:
            server_settings_steps(url, language, shoot, work)
        if "report" in steps:
            report_steps(url, language, shoot, work / f"support-{language}")
        if "doctor" in steps:
            doctor_steps(url, language, shoot, work / f"support-{language}")
        if "security" in steps:
            security_steps(url, language, shoot, server, scenario, work)
    finally:
        server.stop()
    print(f"{language}: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
