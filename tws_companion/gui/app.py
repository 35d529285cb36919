"""Starting the desktop app: language, the login dialog, then the workstation.

``run(server_url)`` is the ``tws-companion`` (gui) command; the demo passes its simulated devices
too, so anyone can log in without hardware.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication, QWidget

from tws_companion.client.api import ApiClient
from tws_companion.gui.garbage import GuiThreadCollector
from tws_companion.gui.i18n import LANGUAGES, Translations, system_language
from tws_companion.gui.login_dialog import LoginDialog, LoginResult
from tws_companion.gui.preferences import APPLICATION, ORGANIZATION, LoginPreferences
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.worker import Worker
from tws_companion.gui.workstation import WorkstationWindow
from tws_companion.sls.code_card import CodeCard

NO_DISPLAY = """\
No display is available for the desktop window.
  - On a machine without a screen, run it inside a virtual X server:
      xvfb-run -a tws-companion {command}
  - Or render without any window system (nothing is shown, useful for checks):
      QT_QPA_PLATFORM=offscreen tws-companion {command}
"""


def has_display() -> bool:
    """Whether Qt can open a window here (Linux needs X11 or Wayland; others always can)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


@dataclass
class DemoDevices:
    """What the demo simulates: hardware tokens, a printed card, and the user's phone."""

    dsc_plus: SimulatedOcraDevice | None = None
    ib_key: SimulatedOcraDevice | None = None
    card_label: str = ""
    card: CodeCard | None = field(default=None, repr=False)
    outbox: Path | None = None
    phone: str | None = None


class Application(QObject):
    """Owns the windows: login dialog → workstation → (after Log Out) login again."""

    def __init__(self, api: ApiClient, translations: Translations) -> None:
        super().__init__()
        self.api = api
        self.translations = translations
        self.worker = Worker(self)
        self.preferences = LoginPreferences()
        self.dialog: LoginDialog | None = None
        self.workstation: WorkstationWindow | None = None
        self.simulators: list[QWidget] = []

    def show_login(self) -> LoginDialog:
        dialog = LoginDialog(
            self.api, self.worker, preferences=self.preferences, translations=self.translations
        )
        dialog.loggedIn.connect(self._logged_in)
        dialog.rejected.connect(self._login_cancelled)
        dialog.move(40, 40)
        dialog.show()
        self.dialog = dialog
        return dialog

    def show_simulators(self, devices: DemoDevices) -> None:
        from tws_companion.gui.simulators.code_card import CodeCardViewer
        from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
        from tws_companion.gui.simulators.ib_key import IbKeySimulator
        from tws_companion.gui.simulators.phone import PhoneWindow

        windows: list[QWidget] = []
        if devices.dsc_plus is not None:
            windows.append(DscPlusSimulator(devices.dsc_plus))
        if devices.ib_key is not None:
            windows.append(IbKeySimulator(devices.ib_key))
        if devices.card is not None:
            windows.append(CodeCardViewer(devices.card_label, devices.card, worker=self.worker))
        if devices.outbox is not None:
            windows.append(PhoneWindow(devices.outbox, devices.phone, self.worker))
        x = 540
        for window in windows:
            window.move(x, 40)
            window.show()
            x += window.frameGeometry().width() + 12
        self.simulators = windows

    @Slot(object)
    def _logged_in(self, result: LoginResult) -> None:
        self.workstation = WorkstationWindow(result, self.api, self.worker)
        self.workstation.loggedOut.connect(self.show_login)
        self.workstation.show()

    @Slot()
    def _login_cancelled(self) -> None:
        if self.workstation is None or not self.workstation.isVisible():
            for window in self.simulators:
                window.close()
            QApplication.quit()

    def shutdown(self) -> None:
        self.worker.shutdown()
        self.api.close()


def run(
    server_url: str,
    *,
    demo: DemoDevices | None = None,
    language: str | None = None,
    argv: Sequence[str] = (),
    command: str = "gui",
) -> int:
    if not has_display():
        print(NO_DISPLAY.format(command=command), file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("TWS Companion")
    translations = Translations()
    chosen = language or LoginPreferences().language() or system_language()
    translations.apply(chosen if chosen in LANGUAGES else "en")
    try:
        api = ApiClient(server_url)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    collector = GuiThreadCollector(app)
    collector.start()
    application = Application(api, translations)
    application.show_login()
    if demo is not None:
        application.show_simulators(demo)
    try:
        return app.exec()
    finally:
        application.shutdown()
        collector.stop()
