"""'Use/store settings on server' in the GUI, against a real server process.

Machine A is the desktop app under test (the login dialog, the workstation), with its own data
folder; machine B is another computer of the same user, driven through the client library with
a folder of its own. Shown here: the download at login with its progress, "Downloading settings
from server failed" with Retry (the server stopped, then back), uploads after Save Settings and
on exit with their progress and result, the conflict dialog's three answers, the server's
versions in Layout/Settings Recovery, and the one tick shared by the login window and Global
Configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.support.demo import dsc_plus_response, write_scenario
from tests.support.dialog_login import log_in_with_dsc_plus
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.login_steps import respond_and_cache_key
from tws_companion.client.settings_sync import ServerSettings
from tws_companion.gui import app as app_module
from tws_companion.gui import server_settings
from tws_companion.gui.app import Application
from tws_companion.gui.device_pages import PasscodePage
from tws_companion.gui.i18n import Translations
from tws_companion.gui.opened_settings import OpenedSettings
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.recovery_dialog import ChoiceKind, RecoveryDialog
from tws_companion.gui.server_settings import ProgressDialog, StatusProgress
from tws_companion.gui.workstation import WorkstationWindow
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import Layout, Notes, Panel, Workspace
from tws_companion.layout.profile import SettingsProfile
from tws_companion.protocol import Platform, Scope
from tws_companion.storage.paths import data_root
from tws_companion.storage.secret_store import SecretStore

pytestmark = pytest.mark.gui
WAIT_MS = 30_000
USER, PASSWORD = "demo", "demo-pass-1"
OTHER_MACHINE = "machine-b"


# --- the server, the two machines ------------------------------------------------------------


@dataclass
class Server:
    """The server process; ``stop()`` and ``start()`` keep its data and its address."""

    data: Path
    scenario: Path
    stack: ExitStack
    running: RunningServer | None = None
    port: int = 0

    @property
    def url(self) -> str:
        assert self.running is not None
        return self.running.url

    def start(self) -> None:
        extra = ["--scenario", str(self.scenario)]
        if self.port:
            extra += ["--port", str(self.port)]  # the last --port wins: the same address
        self.running = self.stack.enter_context(serve(self.data, extra))
        self.port = urlsplit(self.running.url).port or 0

    def stop(self) -> None:
        assert self.running is not None
        self.running.process.terminate()
        self.running.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with ExitStack() as stack:
        running = Server(tmp_path / "data", write_scenario(tmp_path), stack)
        running.start()
        yield running


def layout_named(*names: str, notes: str = "") -> Layout:
    """The default layout with workspaces of these names after its own (each with a notes
    panel holding ``notes``)."""
    layout = default_layout()
    for name in names:
        panel = Panel(Notes(text=notes), title=f"Notes of {name}")
        layout.workstation.workspaces.append(Workspace(name=name, panels=[panel]))
    return layout


def names(layout: Layout) -> list[str]:
    return [space.name for space in layout.workstation.workspaces]


@dataclass
class Machine:
    """One computer of the user: its own data folder."""

    home: Path
    server: Server

    def profile(self) -> SettingsProfile:
        url = ApiClient(self.server.url).base_url
        return SettingsProfile(data_root(self.home), USER, server=url)

    def local(self) -> Layout:
        loaded = self.profile().load()
        assert loaded.source == "settings"
        return loaded.layout

    def state(self) -> tuple[bytes, dict[str, bytes], object]:
        """The local settings file, the backups and the server copy they are based on, as
        they are on disk."""
        files = self.profile().files
        folder = files.backups.folder
        kept = (
            {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
            if folder.is_dir()
            else {}
        )
        return files.settings_path.read_bytes(), kept, files.read_profile().get("server_settings")

    def backups(self) -> list[list[str]]:
        """The workspaces of each local backup, newest first."""
        profile = self.profile()
        return [names(profile.open_backup(backup)) for backup in profile.backups()]


@dataclass
class Remote:
    """Machine B: a session of the same user through the API, and its own folder."""

    machine: Machine
    api: ApiClient = field(init=False)
    token: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.api = ApiClient(self.machine.server.url)
        start = self.api.start_login(USER, PASSWORD)
        step = self.api.select_device(start.login_id, "demo-dscplus")
        assert step.challenge.code is not None
        response = dsc_plus_response(step.challenge.code)
        done = respond_and_cache_key(self.api, SecretStore(), USER, start.login_id, response)
        self.token = done.session.token

    def settings(self) -> ServerSettings:
        return ServerSettings(self.api, self.token, self.machine.profile(), machine=OTHER_MACHINE)

    def save(self, layout: Layout) -> int:
        """Save ``layout`` locally and to the server, as File > Save Settings does; its
        version number."""
        self.machine.profile().save(layout)
        return self.settings().upload(layout).number

    def current(self) -> list[str]:
        """The workspaces of the server's current copy."""
        settings = self.settings()
        newest = settings.versions()[0]
        return names(settings.fetch_version(newest.number).layout)


@pytest.fixture
def machine_a(tmp_path: Path, server: Server) -> Machine:
    return Machine(tmp_path / "machine-a", server)


@pytest.fixture
def machine_b(tmp_path: Path, server: Server) -> Iterator[Remote]:
    remote = Remote(Machine(tmp_path / "machine-b", server))
    yield remote
    remote.api.close()


# --- the desktop app of machine A ------------------------------------------------------------


@dataclass
class Apps:
    """The desktop apps of a test, with login preferences of their own (Qt keeps the path of
    its default settings file for the whole process: the tests must not share it)."""

    preferences: Path
    made: list[Application] = field(default_factory=list)


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Apps]:
    """Applications shut down at the end of the test; quitting the app is only noted."""
    made = Apps(tmp_path / "preferences.ini")
    monkeypatch.setattr(QApplication, "quit", lambda: None)
    yield made
    for application in made.made:
        application.shutdown()


def start_app(apps: Apps, machine: Machine) -> Application:
    application = Application(ApiClient(machine.server.url), Translations(), home=machine.home)
    settings = QSettings(str(apps.preferences), QSettings.Format.IniFormat)
    application.preferences = LoginPreferences(settings)
    apps.made.append(application)
    return application


def log_in(qtbot: QtBot, application: Application, *, use_server: bool = True) -> None:
    """Log in through the dialog with "Use/store settings on server" ticked (or not) under More
    Options; returns once the response is sent."""
    dialog = application.show_login()
    qtbot.addWidget(dialog)
    dialog.credentials.more_button.click()
    dialog.credentials.username.setText(USER)
    dialog.credentials.use_server_settings.setChecked(use_server)
    log_in_with_dsc_plus(dialog, lambda condition: qtbot.waitUntil(condition, timeout=WAIT_MS))


def workstation_of(qtbot: QtBot, application: Application) -> WorkstationWindow:
    qtbot.waitUntil(lambda: application.workstation is not None, timeout=WAIT_MS)
    window = application.workstation
    assert window is not None
    qtbot.waitUntil(lambda: window.is_built, timeout=WAIT_MS)
    return window


def open_workstation(qtbot: QtBot, apps: Apps, machine: Machine) -> WorkstationWindow:
    application = start_app(apps, machine)
    log_in(qtbot, application)
    return workstation_of(qtbot, application)


def showing(find: Callable[[], QWidget | None]) -> Callable[[], bool]:
    """Whether the widget ``find()`` gives is there and shown."""

    def shown() -> bool:
        widget = find()
        return widget is not None and widget.isVisible()

    return shown


def status(window: WorkstationWindow) -> str:
    return window.statusBar().currentMessage()


def idle(window: WorkstationWindow) -> Callable[[], bool]:
    return lambda: window.server is not None and not window.server.busy


@dataclass
class Seen:
    """What a progress display showed: (shown, label, done, total) at each step."""

    steps: list[tuple[bool, str, int, int]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return any(total and done == total for _shown, _label, done, total in self.steps)


@pytest.fixture
def progress_dialogs(monkeypatch: pytest.MonkeyPatch) -> Seen:
    """Every progress dialog shows at once, and what it shows is noted."""
    seen = Seen()
    monkeypatch.setattr(server_settings, "PROGRESS_DELAY_MS", 0)
    original = ProgressDialog.set_progress

    def noting(dialog: ProgressDialog, done: int, total: int) -> None:
        original(dialog, done, total)
        seen.steps.append((dialog.isVisible(), dialog.label.text(), done, total))

    monkeypatch.setattr(ProgressDialog, "set_progress", noting)
    return seen


@pytest.fixture
def status_progress(monkeypatch: pytest.MonkeyPatch) -> Seen:
    """What the status bar's progress shows."""
    seen = Seen()
    original = StatusProgress.set_progress

    def noting(widget: StatusProgress, done: int, total: int) -> None:
        original(widget, done, total)
        seen.steps.append((widget.isVisible(), widget.label.text(), done, total))

    monkeypatch.setattr(StatusProgress, "set_progress", noting)
    return seen


# --- the download at login -------------------------------------------------------------------


def test_login_downloads_the_servers_copy_with_progress(
    qtbot: QtBot,
    apps: Apps,
    machine_a: Machine,
    machine_b: Remote,
    progress_dialogs: Seen,
) -> None:
    saved = layout_named("From machine B", notes="n" * 600_000)  # several steps of progress
    assert machine_b.save(saved) == 1

    window = open_workstation(qtbot, apps, machine_a)

    assert names(window.model) == names(saved)
    assert window.model.workstation.workspaces[-1].panels[0].state == Notes(text="n" * 600_000)
    assert status(window) == "The settings from the server are in use (version 1)."
    assert names(machine_a.local()) == names(saved)  # now this computer's settings too
    assert progress_dialogs.steps, "no progress was shown"
    shown, label, _done, total = progress_dialogs.steps[-1]
    assert shown
    assert label.startswith("Downloading settings from server…")
    assert progress_dialogs.finished
    assert total > 600_000
    assert len(progress_dialogs.steps) > 2
    assert apps.made[0].server_settings is not None
    assert apps.made[0].server_settings.progress_dialog is None  # gone once done


def test_without_the_option_nothing_is_downloaded(
    qtbot: QtBot, apps: Apps, machine_a: Machine, machine_b: Remote
) -> None:
    machine_b.save(layout_named("From machine B"))
    application = start_app(apps, machine_a)
    log_in(qtbot, application, use_server=False)
    window = workstation_of(qtbot, application)
    assert names(window.model) == names(default_layout())
    assert window.server is None


def stop_after_opening(monkeypatch: pytest.MonkeyPatch, server: Server) -> None:
    """The server stops right after the login has opened the local settings, before the
    server's copy comes down."""
    real_open = app_module.open_settings

    def open_then_stop(home: Path | None, username: str, url: str) -> OpenedSettings:
        opened = real_open(home, username, url)
        server.stop()
        return opened

    monkeypatch.setattr(app_module, "open_settings", open_then_stop)


def failure_box(application: Application) -> QMessageBox | None:
    controller = application.server_settings
    return controller.failure_box if controller is not None else None


def shown_failure(qtbot: QtBot, application: Application) -> QMessageBox:
    """The failure message of the download at login, once it shows."""
    qtbot.waitUntil(showing(lambda: failure_box(application)), timeout=WAIT_MS)
    box = failure_box(application)
    assert box is not None
    return box


def test_a_failed_download_keeps_the_local_settings_and_retry_works(
    qtbot: QtBot,
    apps: Apps,
    server: Server,
    machine_a: Machine,
    machine_b: Remote,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Both computers based on version 1; then machine B saves version 2.
    mine = layout_named("Machine A's own")
    ServerSettings(machine_b.api, machine_b.token, machine_a.profile()).upload(mine)
    machine_a.profile().save(mine)
    machine_b.settings().download()
    assert machine_b.save(layout_named("Saved on machine B")) == 2
    before = machine_a.state()

    # The server stops right after the login, before the settings come down.
    stop_after_opening(monkeypatch, server)
    application = start_app(apps, machine_a)
    log_in(qtbot, application)
    box = shown_failure(qtbot, application)
    assert box.text() == "Downloading settings from server failed"
    assert "The server cannot be reached" in box.informativeText()
    assert "This computer's settings stay in use." in box.informativeText()
    retry = box.button(QMessageBox.StandardButton.Retry)
    assert box.defaultButton() is retry
    assert box.button(QMessageBox.StandardButton.Close) is not None
    assert application.workstation is None
    assert machine_a.state() == before  # nothing local changed
    assert names(machine_a.local()) == names(mine)

    # Retry while the server is still down: the same answer, still nothing changed.
    first = box
    retry.click()
    qtbot.waitUntil(lambda: failure_box(application) not in (None, first), timeout=WAIT_MS)
    box = shown_failure(qtbot, application)
    assert box.text() == "Downloading settings from server failed"
    assert machine_a.state() == before

    # The server is back: Retry brings machine B's copy; this computer's is kept as a backup.
    server.start()
    box.button(QMessageBox.StandardButton.Retry).click()
    window = workstation_of(qtbot, application)
    assert names(window.model) == names(layout_named("Saved on machine B"))
    assert status(window) == "The settings from the server are in use (version 2)."
    assert names(machine_a.local()) == names(layout_named("Saved on machine B"))
    assert names(mine) in machine_a.backups()


def test_close_after_a_failed_download_opens_the_local_settings(
    qtbot: QtBot,
    apps: Apps,
    server: Server,
    machine_a: Machine,
    machine_b: Remote,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    machine_b.save(layout_named("Saved on machine B"))
    mine = layout_named("Machine A's own")
    machine_a.profile().save(mine)
    stop_after_opening(monkeypatch, server)
    application = start_app(apps, machine_a)
    log_in(qtbot, application)
    box = shown_failure(qtbot, application)
    box.button(QMessageBox.StandardButton.Close).click()
    window = workstation_of(qtbot, application)
    assert names(window.model) == names(mine)
    assert status(window) == (
        "Downloading settings from server failed. This computer's settings are in use."
    )
    assert names(machine_a.local()) == names(mine)


# --- uploads ---------------------------------------------------------------------------------


def test_save_settings_uploads_with_progress_and_reports_the_version(
    qtbot: QtBot,
    apps: Apps,
    machine_a: Machine,
    machine_b: Remote,
    status_progress: Seen,
) -> None:
    window = open_workstation(qtbot, apps, machine_a)
    assert status(window) == (
        "There are no settings on the server yet: File > Layout Settings > Save Settings "
        "stores them there."
    )
    window.add_workspace("Saved from machine A")
    window.save_action.trigger()
    qtbot.waitUntil(
        lambda: status(window) == "Settings saved to the server (version 1).", timeout=WAIT_MS
    )
    assert status_progress.steps, "no progress was shown"
    shown, label, _done, _total = status_progress.steps[-1]
    assert shown
    assert label == "Saving settings to the server…"
    assert status_progress.finished
    assert window.server is not None
    assert window.server.status_progress is not None
    assert not window.server.status_progress.isVisible()  # gone once done
    versions = machine_b.settings().versions()
    assert [v.number for v in versions] == [1]
    assert versions[0].machine != OTHER_MACHINE  # this computer's name
    assert machine_b.current() == names(window.model)
    assert "Saved from machine A" in machine_b.current()


def test_an_upload_failure_says_so_and_keeps_the_local_save(
    qtbot: QtBot, apps: Apps, server: Server, machine_a: Machine
) -> None:
    window = open_workstation(qtbot, apps, machine_a)
    window.add_workspace("Kept on this computer")
    server.stop()
    window.save_action.trigger()
    qtbot.waitUntil(
        lambda: status(window).startswith("Saving settings to the server failed"), timeout=WAIT_MS
    )
    assert "your settings are saved on this computer" in status(window)
    assert status(window).endswith(
        "The server cannot be reached. Check your connection and try again."
    )
    assert window.server is not None
    box = window.server.message_box
    assert box is not None
    assert box.isVisible()
    assert box.text() == "Your settings could not be saved to the server."
    assert "Kept on this computer" in names(machine_a.local())
    assert window.server_dirty  # tried again with the next save


def test_the_auto_save_uploads_what_changed(
    qtbot: QtBot, apps: Apps, machine_a: Machine, machine_b: Remote
) -> None:
    window = open_workstation(qtbot, apps, machine_a)
    window.add_workspace("Auto-saved")
    window.autosave_timer.timeout.emit()  # the auto-save's time has come
    qtbot.waitUntil(
        lambda: status(window) == "Settings saved to the server (version 1).", timeout=WAIT_MS
    )
    assert "Auto-saved" in machine_b.current()
    # Nothing changed since: the next auto-save stores nothing new.
    window.autosave_timer.timeout.emit()
    qtbot.waitUntil(idle(window), timeout=WAIT_MS)
    assert [v.number for v in machine_b.settings().versions()] == [1]


def test_exit_uploads_with_progress_before_leaving(
    qtbot: QtBot,
    apps: Apps,
    machine_a: Machine,
    machine_b: Remote,
    progress_dialogs: Seen,
) -> None:
    window = open_workstation(qtbot, apps, machine_a)
    window.add_workspace("Stored on exit")
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        window.exit_action.trigger()  # "Save settings on exit" is set: no question
    assert "Stored on exit" in machine_b.current()
    assert "Stored on exit" in names(machine_a.local())
    assert progress_dialogs.steps
    shown, label, _done, _total = progress_dialogs.steps[-1]
    assert shown
    assert label.startswith("Saving settings to the server before leaving…")


def test_exit_offers_to_leave_when_the_upload_fails(
    qtbot: QtBot, apps: Apps, server: Server, machine_a: Machine
) -> None:
    window = open_workstation(qtbot, apps, machine_a)
    window.add_workspace("Only on this computer")
    server.stop()
    window.exit_action.trigger()
    assert window.server is not None
    server_settings_of = window.server

    def box() -> QMessageBox | None:
        return server_settings_of.failure_box

    qtbot.waitUntil(showing(box), timeout=WAIT_MS)
    first = box()
    assert first is not None
    assert "Leave without saving them to the server?" in first.informativeText()
    assert "Only on this computer" in names(machine_a.local())  # the local save is done

    # Cancel: the workstation stays.
    first.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: box() is None, timeout=WAIT_MS)
    assert window.isVisible()
    assert window.exit_action.isEnabled()

    # Again, and this time leave without it.
    window.exit_action.trigger()
    qtbot.waitUntil(showing(box), timeout=WAIT_MS)
    second = box()
    assert second is not None
    leave = next(
        button
        for button in second.buttons()
        if button.text() == "&Leave Without Saving to the Server"
    )
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        leave.click()
    assert "Only on this computer" in names(machine_a.local())


def test_the_option_turned_on_in_global_configuration_uploads_on_exit(
    qtbot: QtBot, apps: Apps, machine_a: Machine, machine_b: Remote
) -> None:
    application = start_app(apps, machine_a)
    log_in(qtbot, application, use_server=False)
    window = workstation_of(qtbot, application)
    window.global_config_action.trigger()
    config = window.global_config_dialog
    assert config is not None
    config.lock_page.use_server.setChecked(True)
    config.ok_button.click()
    window.add_workspace("Stored once the option was on")
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        window.exit_action.trigger()
    assert "Stored once the option was on" in machine_b.current()


# --- conflicts -------------------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["keep", "take", "cancel"])
def test_a_conflict_asks_and_each_choice_does_what_it_says(
    qtbot: QtBot,
    apps: Apps,
    machine_a: Machine,
    machine_b: Remote,
    choice: str,
) -> None:
    window = open_workstation(qtbot, apps, machine_a)
    window.add_workspace("Base")
    window.save_action.trigger()
    qtbot.waitUntil(
        lambda: status(window) == "Settings saved to the server (version 1).", timeout=WAIT_MS
    )
    machine_b.settings().download()  # machine B takes version 1...
    from_b = machine_b.machine.local()
    from_b.workstation.workspaces.append(Workspace(name="Changed on machine B"))
    assert machine_b.save(from_b) == 2  # ... and saves version 2
    window.add_workspace("Changed on machine A")
    mine = names(window.model)

    window.save_action.trigger()
    assert window.server is not None
    controller = window.server
    qtbot.waitUntil(
        lambda: controller.conflict_dialog is not None and controller.conflict_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = controller.conflict_dialog
    assert dialog is not None
    assert OTHER_MACHINE in dialog.message.text()
    assert names(machine_a.local()) == mine  # the local save happened; nothing else yet
    assert machine_b.current() == names(from_b)

    if choice == "keep":
        dialog.keep_button.click()
        qtbot.waitUntil(
            lambda: status(window) == "Settings saved to the server (version 3).",
            timeout=WAIT_MS,
        )
        assert machine_b.current() == mine
        assert names(window.model) == mine
    elif choice == "take":
        with qtbot.waitSignal(window.layoutApplied, timeout=WAIT_MS):
            dialog.take_button.click()
        assert names(window.model) == names(from_b)
        assert status(window).startswith("The settings saved on the server at ")
        assert OTHER_MACHINE in status(window)
        qtbot.waitUntil(idle(window), timeout=WAIT_MS)
        assert names(machine_a.local()) == names(from_b)
        assert mine in machine_a.backups()  # this computer's were kept
        assert machine_b.current() == names(from_b)
        assert [v.number for v in machine_b.settings().versions()] == [2, 1]
        assert not window.server_dirty
    else:
        dialog.cancel_button.click()
        qtbot.waitUntil(idle(window), timeout=WAIT_MS)
        assert status(window).startswith("The settings were not saved to the server")
        assert names(window.model) == mine
        assert names(machine_a.local()) == mine
        assert machine_b.current() == names(from_b)
        assert window.server_dirty


def test_a_conflict_at_login_asks_before_the_workstation_opens(
    qtbot: QtBot, apps: Apps, machine_a: Machine, machine_b: Remote
) -> None:
    # Machine A is based on version 1 and changed since; machine B saved version 2.
    base = layout_named("Base")
    ServerSettings(machine_b.api, machine_b.token, machine_a.profile()).upload(base)
    changed = layout_named("Base", "Changed on machine A")
    machine_a.profile().save(changed)
    machine_b.settings().download()
    assert machine_b.save(layout_named("Base", "Changed on machine B")) == 2

    application = start_app(apps, machine_a)
    log_in(qtbot, application)

    def conflict() -> QWidget | None:
        controller = application.server_settings
        return controller.conflict_dialog if controller is not None else None

    qtbot.waitUntil(showing(conflict), timeout=WAIT_MS)
    assert application.workstation is None
    dialog = application.server_settings.conflict_dialog if application.server_settings else None
    assert dialog is not None
    dialog.take_button.click()
    window = workstation_of(qtbot, application)
    assert names(window.model) == names(layout_named("Base", "Changed on machine B"))
    assert names(machine_a.local()) == names(layout_named("Base", "Changed on machine B"))
    assert names(changed) in machine_a.backups()


# --- Layout/Settings Recovery ----------------------------------------------------------------


def test_recovery_lists_the_server_versions_and_restores_one(
    qtbot: QtBot, apps: Apps, machine_a: Machine, machine_b: Remote
) -> None:
    window = open_workstation(qtbot, apps, machine_a)
    window.add_workspace("First")
    window.save_action.trigger()
    qtbot.waitUntil(
        lambda: status(window) == "Settings saved to the server (version 1).", timeout=WAIT_MS
    )
    window.add_workspace("Second")
    window.save_action.trigger()
    qtbot.waitUntil(
        lambda: status(window) == "Settings saved to the server (version 2).", timeout=WAIT_MS
    )
    first = names(window.model)[:-1]

    dialog = window.open_recovery()
    assert isinstance(dialog, RecoveryDialog)
    qtbot.waitUntil(lambda: dialog.versions is not None, timeout=WAIT_MS)
    texts = [dialog.choices.item(row).text() for row in range(dialog.choices.count())]
    listed = [text.split("\n") for text in texts if text.startswith("Server version")]
    assert [title for title, _details in listed] == [
        "Server version 2 (current)",
        "Server version 1",
    ]
    machine = machine_b.settings().versions()[1].machine
    assert all(f" · {machine} · " in details for _title, details in listed)

    dialog.select(ChoiceKind.SERVER, 1)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=WAIT_MS)
    assert "First" in dialog.preview.text()
    assert "Second" not in dialog.preview.text()
    dialog.ok_button.click()
    assert dialog.page == dialog.CONFIRM
    assert "current copy on the server" in dialog.confirm_note.text()
    with qtbot.waitSignal(window.layoutApplied, timeout=WAIT_MS):
        dialog.open_button.click()
    assert names(window.model) == first
    assert status(window) == (
        "Version 3 from the server is in use, and is now the current copy on the server."
    )
    assert machine_b.current() == first
    assert [v.number for v in machine_b.settings().versions()] == [3, 2, 1]
    qtbot.waitUntil(idle(window), timeout=WAIT_MS)
    assert names(machine_a.local()) == first


def test_recovery_lists_no_server_versions_without_the_option(
    qtbot: QtBot, apps: Apps, machine_a: Machine
) -> None:
    application = start_app(apps, machine_a)
    log_in(qtbot, application, use_server=False)
    window = workstation_of(qtbot, application)
    dialog = window.open_recovery()
    texts = [dialog.choices.item(row).text() for row in range(dialog.choices.count())]
    assert not any("server" in text for text in texts)


# --- one setting in two places ---------------------------------------------------------------


def test_the_login_tick_and_global_configuration_are_one_setting(
    qtbot: QtBot, apps: Apps, machine_a: Machine
) -> None:
    application = start_app(apps, machine_a)
    log_in(qtbot, application, use_server=True)
    window = workstation_of(qtbot, application)
    assert window.server_sync
    window.global_config_action.trigger()
    config = window.global_config_dialog
    assert config is not None
    assert config.lock_page.use_server.isChecked()  # what the login window said
    config.lock_page.use_server.setChecked(False)
    config.ok_button.click()
    assert not window.server_sync

    with qtbot.waitSignal(window.loggedOut, timeout=WAIT_MS):
        window.logout_action.trigger()
    dialog = application.dialog
    assert dialog is not None
    assert dialog.credentials.username.text() == USER
    assert not dialog.credentials.use_server_settings.isChecked()  # Global Configuration's
    dialog.credentials.username.setText("solo")
    dialog.credentials.username.editingFinished.emit()
    assert not dialog.credentials.use_server_settings.isChecked()

    # Ticked again at the login: Global Configuration shows it on.
    dialog.credentials.username.setText(USER)
    dialog.credentials.username.editingFinished.emit()
    dialog.credentials.use_server_settings.setChecked(True)
    log_in_with_dsc_plus(dialog, lambda condition: qtbot.waitUntil(condition, timeout=WAIT_MS))
    qtbot.waitUntil(
        lambda: application.workstation is not None and application.workstation is not window,
        timeout=WAIT_MS,
    )
    second = application.workstation
    assert second is not None
    assert second.server_sync
    second.global_config_action.trigger()
    again = second.global_config_dialog
    assert again is not None
    assert again.lock_page.use_server.isChecked()
    again.cancel_button.click()


LATE_USER = """
[[users]]
username = "late"
password = "late-pass-1"
phone = "+15555550177"

[[users.devices]]
id = "late-temp"
kind = "temporary"
passcode = "LATEPASS"
issued_days_ago = 3
"""


def test_a_portal_only_login_says_the_server_copy_is_not_used(
    qtbot: QtBot, apps: Apps, tmp_path: Path
) -> None:
    """A temporary passcode past its full-access days gives a Client Portal session: the server
    copy is out of reach, and the workstation says so instead of silently skipping it."""
    scenario = write_scenario(tmp_path)
    scenario.write_text(scenario.read_text(encoding="utf-8") + LATE_USER, encoding="utf-8")
    with ExitStack() as stack:
        server = Server(tmp_path / "data", scenario, stack)
        server.start()
        application = start_app(apps, Machine(tmp_path / "machine-a", server))
        dialog = application.show_login()
        qtbot.addWidget(dialog)
        credentials = dialog.credentials
        credentials.more_button.click()
        credentials.platform.setCurrentIndex(credentials.platform.findData(Platform.PORTAL.value))
        credentials.username.setText("late")
        credentials.use_server_settings.setChecked(True)
        credentials.password.setText("late-pass-1")
        credentials.login_button.click()
        qtbot.waitUntil(
            lambda: isinstance(dialog.stack.currentWidget(), PasscodePage), timeout=WAIT_MS
        )
        page = dialog.stack.currentWidget()
        assert isinstance(page, PasscodePage)
        page.passcode_field.setText("LATEPASS")
        page.submit_button.click()
        window = workstation_of(qtbot, application)
        assert window.result.session.scope is Scope.PRINT_ONLINE_CARD
        assert status(window) == (
            "Settings on the server need a login with full access: this login (Client Portal "
            "only) uses the settings of this computer."
        )
        assert window.server is None
        assert names(window.model) == names(default_layout())
