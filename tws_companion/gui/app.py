"""Starting the desktop app: language, the login dialog, then the workstation.

``run(server_url)`` is the ``tws-companion`` (gui) command; the demo passes its simulated devices
too, so anyone can log in without hardware.

Start-up: the login window's first paint waits for neither the HTTP client (requests) nor the
keyring: they load on the worker just after it (:func:`make_client`; ``benchmarks/startup.py``
measures it), and then the preferences file is made owner-only. An unusable server URL is told
then, and the app exits (status 2).

After a login the user's settings are opened on the worker: this machine's lock on them (a
second instance for the same user gets a clear message and goes back to the login), the layout
(a damaged settings file is set aside and the last good backup used, with a message) and the
window geometry. With "Use/store settings on server" on for that user (a full login), the
server's copy is then downloaded, with progress, and used when it is newer (the local settings
kept as a backup); a failure says "Downloading settings from server failed", keeps this
computer's settings and offers Retry (see :mod:`tws_companion.gui.server_settings`). Then the
workstation opens. Leaving it: Log Out comes back to the login; Exit
(or closing it) quits, side windows too. Cancelling the login quits at once on the first start;
after a logout, or in the demo (whose simulators would all close), it asks first, and "No" goes
back to the login.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication, QWidget

from tws_companion.gui.garbage import GuiThreadCollector
from tws_companion.gui.i18n import LANGUAGES, Translations, system_language
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.preferences import (
    APPLICATION,
    ORGANIZATION,
    LoginPreferences,
    make_owner_only,
)
from tws_companion.gui.worker import Worker
from tws_companion.layout import bulk
from tws_companion.protocol import Scope

if TYPE_CHECKING:
    # QMessageBox: imported where a box is shown (PySide builds its 4 enums, 46 values, on the
    # first import; the login window paints without them).
    from PySide6.QtWidgets import QMessageBox

    # The HTTP client, the server's vocabulary (pydantic) and the keyring are loaded after the
    # login window's first paint, on the worker (make_client); the workstation, the layout files
    # and their encryption after the login, on the worker too (open_settings).
    from tws_companion.client.api import ApiClient
    from tws_companion.gui.demo_devices import DemoDevices
    from tws_companion.gui.login_result import LoginResult
    from tws_companion.gui.opened_settings import OpenedSettings
    from tws_companion.gui.server_settings import ServerSettingsController
    from tws_companion.gui.workstation import WorkstationWindow
    from tws_companion.layout.model import Layout
    from tws_companion.layout.profile import LoadedLayout
    from tws_companion.storage.instance_lock import InstanceLock

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


def make_client(server_url: str) -> ApiClient:
    """On the worker, after the login window's first paint: the server's client. The modules
    of the whole login are loaded here (the HTTP client, the server's vocabulary, the keyring),
    so that none loads on the GUI thread. Raises ValueError for an unusable URL.

    The tens of thousands of objects those modules bring all live as long as the app: they are
    made with the collector held off (``bulk.collector_paused``, which the GUI thread's collector
    waits for) and filed with the old objects, so that no young collection walks them (a stall
    of the GUI thread of 30 ms and more)."""
    with bulk.collector_paused(file_away=True):
        import tws_companion.client.login_steps  # noqa: F401  (the last login step, the keyring)
        from tws_companion.client.api import ApiClient

        return ApiClient(server_url)


class AfterFirstPaint(QObject):
    """Calls ``then()`` once, on the GUI thread, just after ``window`` has first been painted."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # once this paint is done
        return False


def open_settings(home: Path | None, username: str, server: str) -> OpenedSettings:
    """On the worker: lock the user's settings on this machine (raises AlreadyLocked), note the
    server (for the settings commands), load the layout and the geometry. The workstation's
    modules are imported here too, off the GUI thread."""
    import tws_companion.gui.workstation  # noqa: F401  (imported for the GUI thread's later use)
    from tws_companion.gui.opened_settings import OpenedSettings
    from tws_companion.layout.profile import SettingsProfile
    from tws_companion.storage.paths import data_root

    profile = SettingsProfile(data_root(home), username, server=server)
    lock = profile.lock()
    lock.acquire()
    try:
        profile.remember_server(server)
        loaded = profile.load()
        geometry = profile.load_geometry()
    except BaseException:
        lock.release()
        raise
    return OpenedSettings(profile, lock, loaded, geometry)


class Application(QObject):
    """Owns the windows: login dialog → workstation → (after Log Out) login again.

    ``api`` is the server's client, or its URL: the client is then made on the worker after the
    login window's first paint (:func:`make_client`), or when first needed if that is sooner.
    """

    def __init__(
        self,
        api: ApiClient | str,
        translations: Translations,
        *,
        home: Path | None = None,
    ) -> None:
        super().__init__()
        self._api: ApiClient | None = None if isinstance(api, str) else api
        self._server_url = api if isinstance(api, str) else api.base_url
        #: Whether make_client was submitted to the worker.
        self._connecting = False
        self.translations = translations
        self.home = home
        self.worker = Worker(self)
        self.preferences = LoginPreferences()
        #: Whether the preferences file was made owner-only (on the worker, once: after the login
        #: window's first paint, see _login_painted).
        self._preferences_private = False
        self.dialog: LoginDialog | None = None
        self.workstation: WorkstationWindow | None = None
        #: The server settings of the login being opened or shown (the option on).
        self.server_settings: ServerSettingsController | None = None
        self.simulators: list[QWidget] = []
        self.lock: InstanceLock | None = None
        #: The message saying a backup replaced a damaged settings file, while it shows.
        self.recovered_box: QMessageBox | None = None
        #: Whether a workstation was left with Log Out (cancelling the login then asks first).
        self.logged_out = False
        #: Whether the app's log file is written (the process's app: ``run``), once the login
        #: window has painted.
        self.log_to_file = False
        self._shut_down = False

    @property
    def api(self) -> ApiClient:
        """The server's client (made here, on the GUI thread, if the worker has not made it
        yet: only when the user is quicker than the worker)."""
        if self._api is None:
            from tws_companion.client.api import ApiClient

            self._api = ApiClient(self._server_url)
        return self._api

    @api.setter
    def api(self, client: ApiClient) -> None:
        self._api = client

    def show_login(self) -> LoginDialog:
        api: ApiClient | Callable[[], ApiClient] = self._api or (lambda: self.api)
        dialog = LoginDialog(
            api, self.worker, preferences=self.preferences, translations=self.translations
        )
        dialog.loggedIn.connect(self._logged_in)
        dialog.rejected.connect(self._login_cancelled)
        dialog.move(40, 40)
        AfterFirstPaint(dialog, lambda: self._login_painted(dialog))
        dialog.show()
        self.dialog = dialog
        return dialog

    def _login_painted(self, dialog: LoginDialog) -> None:
        """After the login window's first paint: what it did not need to show itself."""
        if self._api is None and not self._connecting:
            self._connecting = True
            self._make_client()
        if not self._preferences_private:
            # Not before the paint: the worker's thread, loading storage.paths and platformdirs,
            # would take the interpreter in turns with the GUI thread building the window.
            self._preferences_private = True
            self.worker.submit("private-preferences", make_owner_only, self.preferences.path)
        if self.log_to_file:
            from tws_companion.support.app_log import install_app_log

            self.log_to_file = False  # once
            self.worker.submit("app-log", install_app_log, self.home)
        from tws_companion.gui.report_dialog import record_login_traces

        record_login_traces(
            dialog.machine,
            dialog,
            self.worker,
            home=self.home,
            language=lambda: self.translations.language,
        )

    @Slot()
    def _make_client(self) -> None:
        task = self.worker.submit("make-client", make_client, self._server_url)
        task.succeeded.connect(self._client_made)
        task.failed.connect(self._client_failed)

    def _client_made(self, client: ApiClient) -> None:
        if self._api is None:
            self._api = client
        else:  # the GUI thread needed one sooner
            client.close()

    def _client_failed(self, error: object) -> None:
        print(f"error: {error}", file=sys.stderr)
        self._shut_down = True
        QApplication.exit(2)

    def show_simulators(self, devices: DemoDevices) -> None:
        from tws_companion.gui.simulators.code_card import CodeCardViewer
        from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
        from tws_companion.gui.simulators.ib_key import IbKeySimulator
        from tws_companion.gui.simulators.phone import PhoneWindow

        windows: list[QWidget] = []
        if devices.outbox is not None:
            # First: where SMS and voice codes arrive must be on screen whatever its size.
            windows.append(PhoneWindow(devices.outbox, devices.phone, self.worker))
        if devices.dsc_plus is not None:
            windows.append(DscPlusSimulator(devices.dsc_plus))
        if devices.ib_key is not None:
            windows.append(IbKeySimulator(devices.ib_key, api=lambda: self.api, worker=self.worker))
        if devices.card is not None:
            windows.append(CodeCardViewer(devices.card_label, devices.card, worker=self.worker))
        self.simulators = windows
        for window in windows:
            window.show()
        self.place_simulators()
        # Where they overlap (a small screen), the first ones stay on top: the phone first.
        for window in reversed(windows):
            window.raise_()

    def place_simulators(self) -> None:
        """The simulators in rows right of the login dialog, all within the primary screen's
        available area (overlapping rather than off-screen on a small screen)."""
        from tws_companion.gui.screens import current_screens, flow_onto, primary_screen
        from tws_companion.layout.geometry import TITLE_BAR_HEIGHT

        screen = primary_screen(current_screens())
        start_x = 40 + (self.dialog.frameGeometry().width() if self.dialog else 480) + 20
        extras: list[tuple[int, int]] = []
        for window in self.simulators:
            outer, inner = window.frameGeometry(), window.geometry()
            # Until the window manager has framed it, allow for a title bar.
            framed = outer != inner
            extras.append(
                (outer.width() - inner.width(), outer.height() - inner.height())
                if framed
                else (0, TITLE_BAR_HEIGHT)
            )
        sizes = [
            (window.width() + dx, window.height() + dy)
            for window, (dx, dy) in zip(self.simulators, extras, strict=True)
        ]
        rects = flow_onto(sizes, screen, start=(start_x, 40))
        for window, (dx, dy), rect in zip(self.simulators, extras, rects, strict=True):
            if rect.width - dx < window.width() or rect.height - dy < window.height():
                window.resize(max(1, rect.width - dx), max(1, rect.height - dy))
            window.move(rect.x, rect.y)

    @Slot(object)
    def _logged_in(self, result: LoginResult) -> None:
        from PySide6.QtCore import Qt  # here: the login window paints without its enums

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        task = self.worker.submit(
            "open-settings", open_settings, self.home, result.username, result.server
        )
        task.succeeded.connect(lambda opened: self._settings_opened(result, opened))
        task.failed.connect(lambda error: self._settings_failed(result, error))
        task.finished.connect(QApplication.restoreOverrideCursor)

    def _settings_opened(self, result: LoginResult, opened: OpenedSettings) -> None:
        # Both loaded by open_settings, on the worker.
        from tws_companion.gui.server_settings import ServerSettingsController

        self.lock = opened.lock
        if not result.use_server_settings:
            self._open_workstation(result, opened, opened.loaded.layout, None, "")
            return
        if result.session.scope is not Scope.FULL:
            note = self.tr(
                "Settings on the server need a login with full access: this login (Client "
                "Portal only) uses the settings of this computer."
            )
            self._open_workstation(result, opened, opened.loaded.layout, None, note)
            return
        server = ServerSettingsController.for_session(
            self.worker, self.api, result.session.token, opened.profile, self
        )
        self.server_settings = server
        server.download_at_login(
            opened.loaded.layout,
            lambda layout, note: self._open_workstation(result, opened, layout, server, note),
        )

    def _open_workstation(
        self,
        result: LoginResult,
        opened: OpenedSettings,
        layout: Layout,
        server: ServerSettingsController | None,
        note: str,
    ) -> None:
        from tws_companion.gui.workstation import WorkstationWindow

        if self._shut_down:
            return
        window = WorkstationWindow(
            result,
            self.api,
            self.worker,
            opened.profile,
            layout,
            self.translations,
            self.preferences,
            geometry=opened.geometry,
            server_settings=server,
        )
        window.loggedOut.connect(self._workstation_logged_out)
        window.exited.connect(self.quit)
        self.workstation = window
        window.show()
        if note:
            window.statusBar().showMessage(note, 15_000)
        if opened.loaded.source == "backup" and layout is opened.loaded.layout:
            self._tell_backup_used(window, opened.loaded)

    def _tell_backup_used(self, window: WorkstationWindow, loaded: LoadedLayout) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Settings Recovered"))
        box.setText(self.tr("Your settings file was damaged and could not be read."))
        box.setInformativeText(
            self.tr(
                "It was set aside at {path}, and the last good backup is in use. Use File > "
                "Layout Settings > Layout/Settings Recovery to choose another backup."
            ).format(path=loaded.set_aside or "?")
        )
        if loaded.problem:
            box.setDetailedText(loaded.problem)
        box.setModal(False)
        box.finished.connect(box.deleteLater)
        box.show()
        self.recovered_box = box

    def _settings_failed(self, result: LoginResult, error: object) -> None:
        from PySide6.QtWidgets import QMessageBox

        from tws_companion.storage.errors import AlreadyLocked

        if isinstance(error, AlreadyLocked):
            text = self.tr(
                "Your settings are already open in another TWS Companion on this computer. "
                "Switch to that window, or close it, then log in again."
            )
        else:
            text = self.tr("Your settings could not be opened: {reason}").format(
                reason=str(error) or type(error).__name__
            )
        # The session is of no use without the workstation: end it.
        self.worker.submit("logout", self.api.logout, result.session.token)
        QMessageBox.warning(None, self.tr("TWS Companion"), text)
        self.show_login()

    @Slot()
    def _workstation_logged_out(self) -> None:
        self.logged_out = True
        self._release_lock()
        if self.workstation is not None:
            # Its panels may run timers (simulated prices): it goes, not just hidden.
            self.workstation.deleteLater()
            self.workstation = None
        if self.server_settings is not None:
            self.server_settings.deleteLater()
            self.server_settings = None
        self.show_login()

    def _release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @Slot()
    def _login_cancelled(self) -> None:
        if self._shut_down or (self.workstation is not None and self.workstation.isVisible()):
            return
        if (self.logged_out or self.simulators) and not self._confirm_quit():
            if self.dialog is not None:
                self.dialog.show()
            return
        self.quit()

    def _confirm_quit(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        if self.simulators:
            title = self.tr("Quit the Demo")
            text = self.tr("Quit the demo? The device simulators close too.")
        else:
            title = self.tr("Quit TWS Companion")
            text = self.tr("Quit TWS Companion?")
        answer = QMessageBox.question(
            self.dialog,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def quit(self) -> None:
        """Quit the app: the side windows close too."""
        for window in self.simulators:
            window.close()
        self._release_lock()
        QApplication.quit()

    def shutdown(self) -> None:
        """The app is going away: close every window without a question, stop the worker."""
        self._shut_down = True
        if self.server_settings is not None:
            self.server_settings.close_all()
        if self.workstation is not None:
            self.workstation.shut_down()
        if self.dialog is not None:
            self.dialog.close()
        for window in self.simulators:
            window.close()
        self.worker.shutdown()
        self._release_lock()
        if self._api is not None:
            self._api.close()


def run(
    server_url: str,
    *,
    demo: DemoDevices | None = None,
    language: str | None = None,
    argv: Sequence[str] = (),
    command: str = "gui",
    home: Path | None = None,
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
    collector = GuiThreadCollector(app)
    collector.start()
    application = Application(server_url, translations, home=home)
    application.log_to_file = True
    application.show_login()
    if demo is not None:
        application.show_simulators(demo)
    try:
        return app.exec()
    finally:
        application.shutdown()
        collector.stop()
