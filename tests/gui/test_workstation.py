"""After the login: the workstation window, its layout settings, and leaving it.

Most tests build the window directly, with a login result made by hand, a settings profile in a
temporary folder and an API client pointed at a closed port (logging out then fails at once,
which is what a lost connection does); the first ones log in to a real server process.
"""

from __future__ import annotations

import copy
import os
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.support.demo import write_scenario
from tests.support.dialog_login import log_in_with_dsc_plus
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import Unauthorized
from tws_companion.client.models import Session
from tws_companion.gui.app import Application
from tws_companion.gui.demo_devices import DemoDevices
from tws_companion.gui.i18n import Translations
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.login_result import LoginResult
from tws_companion.gui.panel_dock import PanelDock
from tws_companion.gui.panels.notes import NotesPanel
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.recovery_dialog import RecoveryDialog
from tws_companion.gui.save_queue import SaveQueue
from tws_companion.gui.screens import apply_rect, current_screens, frame_rect, qrect
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.theme import dark_palette
from tws_companion.gui.worker import Worker
from tws_companion.gui.workstation import WorkstationWindow
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.geometry import (
    MAIN_WINDOW_ID,
    GeometryBook,
    Rect,
    WindowGeometry,
    is_reachable,
)
from tws_companion.layout.model import (
    ColorGroup,
    DockArea,
    Extra,
    Layout,
    Mode,
    Notes,
    OrderEntry,
    Panel,
    PanelKind,
    Theme,
    Watchlist,
    WatchlistRow,
    Workspace,
)
from tws_companion.layout.profile import SettingsProfile
from tws_companion.protocol import Platform, Scope
from tws_companion.sls.code_card import generate_card
from tws_companion.storage.errors import DriveFull
from tws_companion.storage.paths import data_root

pytestmark = pytest.mark.gui
WAIT_MS = 30_000
#: Nothing listens there: logging out fails at once, as with a lost connection.
UNREACHABLE = "http://127.0.0.1:9"
Button = QMessageBox.StandardButton


# --- a real login ----------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with serve(tmp_path / "data", ["--scenario", str(write_scenario(tmp_path))]) as running:
        yield running


@pytest.fixture
def app_for() -> Iterator[Callable[..., Application]]:
    """Applications that are shut down at the end of the test, whatever happened."""
    made: list[Application] = []

    def make(tmp_path: Path, url: str = UNREACHABLE) -> Application:
        application = Application(ApiClient(url), Translations(), home=tmp_path / "home")
        made.append(application)
        return application

    yield make
    for application in made:
        application.shutdown()


def full_login(qtbot: QtBot, dialog: LoginDialog) -> None:
    log_in_with_dsc_plus(dialog, lambda condition: qtbot.waitUntil(condition, timeout=WAIT_MS))


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_the_login_preferences_are_readable_by_their_owner_only(
    qtbot: QtBot, tmp_path: Path, app_for: Callable[..., Application]
) -> None:
    application = app_for(tmp_path)
    qtbot.addWidget(application.show_login())  # made private once the login window has painted
    path = application.preferences.path

    def private() -> bool:
        return path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600

    qtbot.waitUntil(private, timeout=WAIT_MS)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_login_opens_the_workstation_and_log_out_ends_the_session(
    qtbot: QtBot, server: RunningServer, tmp_path: Path, app_for: Callable[..., Application]
) -> None:
    application = app_for(tmp_path, server.url)
    dialog = application.show_login()
    qtbot.addWidget(dialog)
    full_login(qtbot, dialog)
    qtbot.waitUntil(lambda: application.workstation is not None, timeout=WAIT_MS)
    workstation = application.workstation
    assert workstation is not None
    assert workstation.isVisible()
    assert not dialog.isVisible()
    assert "Logged in as demo" in workstation.session_label.text()
    assert "full access" in workstation.session_label.text()
    assert workstation.windowTitle() == "TWS Companion Workstation — demo"
    token = workstation.result.session.token

    with qtbot.waitSignal(workstation.loggedOut, timeout=WAIT_MS):
        workstation.logout_action.trigger()
    assert not workstation.isVisible()
    # "Save settings on exit" is set in a new layout: the settings were saved, no question.
    profile = SettingsProfile(data_root(tmp_path / "home"), "demo")
    assert profile.load().source == "settings"
    assert application.dialog is not None
    assert application.dialog is not dialog
    assert application.dialog.isVisible()
    with ApiClient(server.url) as api, pytest.raises(Unauthorized):
        api.me(token)


def test_cancelling_the_login_quits(
    qtbot: QtBot, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))
    application = Application(ApiClient(server.url), Translations())
    dialog = application.show_login()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert quits == [True]
    application.shutdown()


# --- the window on its own -------------------------------------------------------------------


@dataclass
class Env:
    home: Path
    worker: Worker
    api: ApiClient
    profile: SettingsProfile
    preferences: LoginPreferences
    translations: Translations


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    worker = Worker()
    api = ApiClient(UNREACHABLE)
    home = data_root(tmp_path / "home")
    settings = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    yield Env(
        home,
        worker,
        api,
        SettingsProfile(home, "demo"),
        LoginPreferences(settings),
        Translations(),
    )
    worker.shutdown()
    api.close()
    QApplication.setPalette(QApplication.style().standardPalette())


def login_result(username: str = "demo", scope: Scope = Scope.FULL) -> LoginResult:
    session = Session(
        token="not-a-real-token", expires_at=datetime.now(UTC) + timedelta(hours=1), scope=scope
    )
    return LoginResult(username, UNREACHABLE, session, Platform.TWS, False, False)


def open_window(
    qtbot: QtBot,
    env: Env,
    layout: Layout | None = None,
    *,
    book: GeometryBook | None = None,
    load_geometry: bool = False,
    show: bool = True,
    **options: Any,
) -> WorkstationWindow:
    window = WorkstationWindow(
        login_result(),
        env.api,
        env.worker,
        env.profile,
        layout or default_layout(),
        env.translations,
        env.preferences,
        geometry=None if load_geometry else (book or GeometryBook()),
        **options,
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.shut_down())
    if show:
        window.show()
        qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.is_built, timeout=WAIT_MS)
    return window


def visible_texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]


def menus(window: WorkstationWindow) -> dict[str, QMenu]:
    found: dict[str, QMenu] = {}
    for action in window.menuBar().actions():
        menu = action.menu()
        if action.isVisible() and isinstance(menu, QMenu):
            found[action.text()] = menu
    return found


def dock_of(window: WorkstationWindow, kind: PanelKind) -> PanelDock:
    return next(dock for dock in window.docks() if dock.panel.kind is kind)


def answer(monkeypatch: pytest.MonkeyPatch, method: str, *replies: Button) -> list[tuple[str, str]]:
    """Patch QMessageBox.<method> to give ``replies`` in turn; returns (title, text) asked."""
    asked: list[tuple[str, str]] = []
    queue = list(replies)

    def fake(_parent: QWidget | None, title: str, text: str, *_args: object) -> Button:
        asked.append((title, text))
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, method, staticmethod(fake))
    return asked


def saved_layout(profile: SettingsProfile) -> Layout | None:
    loaded = profile.load()
    return loaded.layout if loaded.source == "settings" else None


def test_the_menus_are_the_seeds_in_mosaic(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    bar = menus(window)
    assert list(bar) == ["&File", "&Edit", "&View", "&Settings", "&Window", "&Help"]
    assert visible_texts(bar["&Edit"]) == ["Undo Import"]
    assert visible_texts(bar["&Help"]) == [
        "Report a Login Problem...",
        "Check My Setup...",
        "About TWS Companion",
    ]
    assert visible_texts(bar["&File"]) == [
        "Layout Settings",
        "Global Configuration...",
        "Log Out",
        "Exit",
    ]
    assert visible_texts(window.layout_menu) == [
        "Save Settings",
        "Save Settings As...",
        "Save Decrypted Settings As...",
        "Layout/Settings Recovery...",
    ]
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    assert visible_texts(bar["&View"]) == ["Mosaic", "Classic"]
    assert window.mosaic_action.isChecked()
    assert "Gather Windows" in visible_texts(bar["&Window"])
    assert visible_texts(window.new_panel_menu) == [
        "Watchlist",
        "Order Defaults",
        "Chart",
        "Portfolio",
        "News",
        "Notes",
    ]


def test_classic_puts_global_configuration_under_edit(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    window.classic_action.trigger()
    qtbot.waitUntil(lambda: window.is_built, timeout=WAIT_MS)
    bar = menus(window)
    assert list(bar) == ["&File", "&Edit", "&View", "&Settings", "&Window", "&Help"]
    assert visible_texts(bar["&Edit"]) == ["Undo Import", "Global Configuration..."]
    assert "Global Configuration..." not in visible_texts(bar["&File"])
    assert window.model.workstation.mode is Mode.CLASSIC
    # The watchlist is the trading window in the middle; the other panels dock around it.
    page = window.current_page()
    assert page is not None
    assert page.central is dock_of(window, PanelKind.WATCHLIST)
    assert page.centralWidget() is page.central
    window.mosaic_action.trigger()
    assert visible_texts(menus(window)["&Edit"]) == ["Undo Import"]
    assert "Global Configuration..." in visible_texts(menus(window)["&File"])


def test_a_classic_layout_opens_classic(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env, default_layout(Mode.CLASSIC))
    assert window.classic_action.isChecked()
    assert "Global Configuration..." in visible_texts(menus(window)["&Edit"])


def rich_layout() -> Layout:
    """Two workspaces, a floating panel, extras everywhere, the second tab active."""
    layout = default_layout()
    layout.extra = Extra({"build": "10.30"}, ['<toolbar visible="0" />'])
    layout.global_config.extra = Extra({"beep": "1"})
    layout.global_config.lock_and_exit.autosave_minutes = None
    layout.global_config.display.font_size = 11
    layout.workstation.extra = Extra({"tabs": "top"})
    red = layout.workstation.color_groups[0]
    red.extra = Extra({"blink": "1"})
    layout.workstation.color_groups.append(ColorGroup("Amber", "#f0ad4e", symbol="IBKR"))
    amber = layout.workstation.color_groups[-1].id
    first = layout.workstation.workspaces[0]
    first.extra = Extra(children=['<ticker speed="2" />'])
    first.panels[0].extra = Extra({"sort": "change"})
    second = Workspace(
        "Options",
        panels=[
            Panel(
                Watchlist(
                    columns=["last", "volume"],
                    rows=[
                        WatchlistRow("ES", "CME", extra=Extra({"expiry": "202606"})),
                        WatchlistRow("VIX", "CBOE"),
                    ],
                    extra=Extra({"font": "mono"}),
                ),
                title="Futures",
                area=DockArea.FLOATING,
                color_group=amber,
            ),
            Panel(Notes(text="Roll on Thursday\n"), title="", area=DockArea.TOP),
            Panel(OrderEntry(symbol="ES", quantity=2), area=DockArea.BOTTOM, color_group=amber),
        ],
        extra=Extra({"locked": "no"}),
    )
    layout.workstation.workspaces.append(second)
    layout.workstation.active_workspace = 1
    return layout


@pytest.mark.parametrize("mode", [Mode.MOSAIC, Mode.CLASSIC])
def test_current_layout_gives_back_an_applied_layout_unchanged(
    qtbot: QtBot, env: Env, mode: Mode
) -> None:
    window = open_window(qtbot, env)
    layout = rich_layout()
    layout.workstation.mode = mode
    expected = copy.deepcopy(layout)
    with qtbot.waitSignal(window.layoutApplied):
        window.apply_layout(layout)
    got = window.current_layout()
    assert got is layout  # the model is kept, not rebuilt
    assert got == expected
    assert window.tabs.count() == 2
    assert window.tabs.tabText(1) == "Options"
    assert window.tabs.currentIndex() == 1
    futures = window.dock_for(layout.workstation.workspaces[1].panels[0].id)
    assert futures is not None
    assert futures.isVisible()
    if mode is Mode.MOSAIC:
        assert futures.isFloating()
    else:  # the workspace's first watchlist is the trading window in the middle
        assert window.pages[1].central is futures


def test_apply_layout_replaces_every_panel_and_saves_it(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    old_docks = list(window.docks())
    layout = rich_layout()
    window.apply_layout(layout)
    assert not any(dock in old_docks for dock in window.docks())
    assert [page.workspace.name for page in window.pages] == ["Mosaic", "Options"]
    qtbot.waitUntil(lambda: saved_layout(env.profile) == layout, timeout=WAIT_MS)


def test_a_panel_edit_is_saved_soon_on_the_worker(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[bool] = []
    save = env.profile.save

    def recording_save(layout: Layout) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        save(layout)

    monkeypatch.setattr(env.profile, "save", recording_save)
    window = open_window(qtbot, env, save_delay_ms=50)
    notes = dock_of(window, PanelKind.NOTES)
    assert isinstance(notes.panel_widget, NotesPanel)
    qtbot.keyClicks(notes.panel_widget.editor, "Buy low")

    def saved_notes() -> str | None:
        layout = saved_layout(env.profile)
        if layout is None:
            return None
        states = [p.state for p in layout.panels() if isinstance(p.state, Notes)]
        return states[0].text

    qtbot.waitUntil(lambda: saved_notes() == "Buy low", timeout=WAIT_MS)
    assert threads
    assert not any(threads)  # never on the GUI thread


def test_opening_the_workstation_saves_nothing(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env, rich_layout())
    assert not window.saves.unsaved  # no change noted: no save, no backup pushed out
    assert not window.saves.busy
    window.tabs.setCurrentIndex(0)  # choosing another workspace is a change
    assert window.saves.unsaved


def test_saves_never_overlap_and_the_last_change_wins(qtbot: QtBot) -> None:
    worker = Worker()
    release = threading.Event()
    running = 0
    most = 0
    written: list[int] = []
    lock = threading.Lock()

    def slow_save(value: int) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(10)
        with lock:
            running -= 1
        written.append(value)

    state = [1]
    queue = SaveQueue(worker, "test-save", slow_save, lambda: state[0], 10)
    done: list[BaseException | None] = []
    queue.save_now(done.append)
    state[0] = 2
    queue.save_now(done.append)
    state[0] = 3
    queue.save_now(done.append)  # joins the waiting one: snapshot taken when it starts
    assert queue.busy
    release.set()
    qtbot.waitUntil(lambda: len(done) == 3, timeout=WAIT_MS)
    assert written == [1, 3]
    assert most == 1
    assert done == [None, None, None]
    assert not queue.busy
    queue.save_if_changed()  # nothing changed since the last save: skipped
    assert not queue.busy
    assert written == [1, 3]
    state[0] = 4
    queue.schedule()  # a change: saved after the delay
    qtbot.waitUntil(lambda: not queue.busy, timeout=WAIT_MS)
    assert written == [1, 3, 4]
    assert not queue.unsaved
    worker.shutdown()


def test_a_failed_save_is_shown_once_and_the_layout_kept(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_layout: Layout) -> None:
        raise DriveFull(env.profile.files.settings_path, previous_kept=True)

    monkeypatch.setattr(env.profile, "save", full)
    window = open_window(qtbot, env)
    window.add_workspace("Scalping")
    with qtbot.waitSignal(window.saves.failed, timeout=WAIT_MS):
        window.save_action.trigger()
    assert window.statusBar().currentMessage().startswith("Saving the settings failed:")
    box = window.save_error_box
    assert box is not None
    assert box.isVisible()
    assert not box.isModal()
    assert "full" in box.informativeText()
    with qtbot.waitSignal(window.saves.failed, timeout=WAIT_MS):
        window.save_action.trigger()
    assert window.save_error_box is box  # not a second box
    assert [w.name for w in window.current_layout().workstation.workspaces] == [
        "Mosaic",
        "Scalping",
    ]


def test_recovery_restarts_the_window_with_the_chosen_layout(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    window.recovery_action.trigger()
    dialog = window.recovery_dialog
    assert isinstance(dialog, RecoveryDialog)
    assert dialog.isVisible()
    chosen = rich_layout()
    with qtbot.waitSignal(window.layoutApplied, timeout=WAIT_MS):
        dialog.layoutChosen.emit(chosen)
    assert window.model is chosen
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Mosaic", "Options"]
    assert not window.import_undo.action.isEnabled()  # a whole layout: nothing to undo


def test_a_partial_import_can_be_undone(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    before = copy.deepcopy(window.current_layout())
    dialog = window.open_recovery()
    imported = copy.deepcopy(before)
    imported.workstation.workspaces.append(Workspace("Imported"))
    snapshot = window._layout_snapshot()
    dialog.partsImported.emit(snapshot, imported)
    dialog.layoutChosen.emit(imported)
    assert window.tabs.count() == 2
    assert window.import_undo.action.isEnabled()
    assert window.import_undo.action.text() == "Undo Import"
    with qtbot.waitSignal(window.layoutApplied, timeout=WAIT_MS):
        window.import_undo.action.trigger()
    assert window.current_layout() == before
    assert window.tabs.count() == 1


# --- leaving ---------------------------------------------------------------------------------


def no_save_on_exit() -> Layout:
    layout = default_layout()
    layout.global_config.lock_and_exit.save_on_exit = False
    return layout


def test_closing_asks_to_save_and_cancel_keeps_the_window(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answer(monkeypatch, "question", Button.Cancel)
    window = open_window(qtbot, env, no_save_on_exit())
    exits: list[bool] = []
    window.exited.connect(lambda: exits.append(True))
    assert not window.close()
    assert window.isVisible()
    assert asked == [("Exit", "Save the settings before exiting?")]
    assert exits == []


def test_closing_and_saving_saves_then_exits(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer(monkeypatch, "question", Button.Save)
    window = open_window(qtbot, env, no_save_on_exit())
    window.add_workspace("Saved on exit")
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        window.close()
    assert not window.isVisible()
    saved = saved_layout(env.profile)
    assert saved is not None
    assert saved.workstation.workspaces[-1].name == "Saved on exit"


def test_closing_without_saving_writes_nothing(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer(monkeypatch, "question", Button.Discard)
    window = open_window(qtbot, env, no_save_on_exit(), save_delay_ms=60_000)
    window.add_workspace("Thrown away")
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        window.exit_action.trigger()
    assert not window.isVisible()
    assert saved_layout(env.profile) is None


def test_save_on_exit_saves_without_asking(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answer(monkeypatch, "question")
    window = open_window(qtbot, env, save_delay_ms=60_000)
    window.add_workspace("Kept")
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        window.close()
    assert asked == []
    saved = saved_layout(env.profile)
    assert saved is not None
    assert saved.workstation.workspaces[-1].name == "Kept"


def test_log_out_saves_and_asks_when_told_to(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answer(monkeypatch, "question", Button.Save)
    window = open_window(qtbot, env, no_save_on_exit())
    window.add_workspace("Before log out")
    with qtbot.waitSignal(window.loggedOut, timeout=WAIT_MS):
        window.logout_action.trigger()
    assert asked == [("Log Out", "Save the settings before exiting?")]
    assert not window.isVisible()
    saved = saved_layout(env.profile)
    assert saved is not None
    assert saved.workstation.workspaces[-1].name == "Before log out"


# --- workspaces, panels, color groups --------------------------------------------------------


def test_workspaces_are_added_renamed_and_closed(
    qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = iter([("Options", True), ("Futures", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(names)))
    window = open_window(qtbot, env)
    assert not window.close_workspace_action.isEnabled()  # the last one stays
    window.new_workspace_action.trigger()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Mosaic", "Options"]
    assert window.tabs.currentIndex() == 1
    window.rename_workspace_action.trigger()
    assert window.tabs.tabText(1) == "Futures"
    assert window.close_workspace_action.isEnabled()

    asked = answer(monkeypatch, "question", Button.No, Button.Yes)
    window.close_workspace_action.trigger()
    assert window.tabs.count() == 2
    window.close_workspace_action.trigger()
    assert window.tabs.count() == 1
    assert asked[0][0] == "Close Workspace"
    assert '"Futures"' in asked[0][1]
    assert [w.name for w in window.current_layout().workstation.workspaces] == ["Mosaic"]


def test_new_window_adds_a_panel_of_each_kind(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    window.add_workspace("Empty")
    for kind, action in window.new_panel_actions.items():
        action.trigger()
        page = window.current_page()
        assert page is not None
        assert page.docks[-1].panel.kind is kind
    workspace = window.current_layout().workstation.workspaces[-1]
    assert [p.kind for p in workspace.panels] == list(PanelKind)
    assert all(p.area is DockArea.RIGHT for p in workspace.panels)


def test_closing_a_panel_removes_it(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    news = dock_of(window, PanelKind.NEWS)
    news.title_bar.close_button.click()
    kinds = [p.kind for p in window.current_layout().panels()]
    assert PanelKind.NEWS not in kinds
    assert len(kinds) == 5


def test_a_floated_panel_is_saved_as_floating(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    chart = dock_of(window, PanelKind.CHART)
    chart.title_bar.float_button.click()
    assert chart.isFloating()
    assert chart.panel.id in {p.id for p in window.current_layout().panels()}
    assert window.current_layout().panels()[1].area is DockArea.FLOATING


def test_color_groups_link_panels(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    red = window.model.workstation.color_groups[0]
    chart = dock_of(window, PanelKind.CHART)
    order = dock_of(window, PanelKind.ORDER_ENTRY)
    portfolio = dock_of(window, PanelKind.PORTFOLIO)
    assert chart.panel.color_group == order.panel.color_group == red.id

    chart.panel_widget.symbolChosen.emit("MSFT")
    order_state = order.panel_widget.state()
    assert isinstance(order_state, OrderEntry)
    assert order_state.symbol == "MSFT"
    assert red.symbol == "MSFT"

    # Through the chip's menu: the order entry leaves the group, and no longer follows it.
    order.group_menu.aboutToShow.emit()
    choices = {a.text(): a for a in order.group_menu.actions() if a.isCheckable()}
    assert list(choices) == ["None", "Red", "Green", "Blue"]
    assert choices["Red"].isChecked()
    choices["None"].trigger()
    assert order.panel.color_group is None
    chart.panel_widget.symbolChosen.emit("NVDA")
    order_state = order.panel_widget.state()
    assert isinstance(order_state, OrderEntry)
    assert order_state.symbol == "MSFT"

    # Joining a group follows its symbol at once.
    order.group_menu.aboutToShow.emit()
    {a.text(): a for a in order.group_menu.actions()}["Red"].trigger()
    order_state = order.panel_widget.state()
    assert isinstance(order_state, OrderEntry)
    assert order_state.symbol == "NVDA"
    assert portfolio.panel.color_group is None
    assert "Red" in order.title_bar.chip.toolTip()


# --- geometry --------------------------------------------------------------------------------


def floating_news() -> Layout:
    layout = default_layout()
    layout.workstation.workspaces[0].panels[4].area = DockArea.FLOATING
    return layout


def screen_area() -> Rect:
    return current_screens()[0].available


def test_gather_windows_brings_an_off_screen_panel_back(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env, floating_news())
    news = dock_of(window, PanelKind.NEWS)
    qtbot.waitUntil(news.isVisible)
    apply_rect(news, Rect(5_000, 4_000, 300, 200))
    before = frame_rect(news)
    assert before is not None
    assert not is_reachable(before, current_screens())
    window.gather_action.trigger()
    rect = frame_rect(news)
    assert rect is not None
    assert screen_area().contains(rect)
    assert (rect.width, rect.height) == (before.width, before.height)


def test_remembered_places_are_recalled_onto_visible_screens(qtbot: QtBot, env: Env) -> None:
    layout = floating_news()
    news_id = layout.workstation.workspaces[0].panels[4].id
    screens = current_screens()
    book = GeometryBook()
    # The main window was on a monitor left of this one, now gone.
    book.remember(screens, MAIN_WINDOW_ID, WindowGeometry(Rect(-2_500, 60, 700, 720)))
    book.remember(screens, news_id, WindowGeometry(Rect(120, 140, 360, 300)))
    window = open_window(qtbot, env, layout, book=book)
    main = frame_rect(window)
    assert main is not None
    assert is_reachable(main, screens)
    assert (main.width, main.height) == (700, 720)  # the frame included, as remembered
    news = dock_of(window, PanelKind.NEWS)
    assert frame_rect(news) == Rect(120, 140, 360, 300)


def test_geometry_is_loaded_on_the_worker_and_moves_are_saved(qtbot: QtBot, env: Env) -> None:
    screens = current_screens()
    book = GeometryBook()
    book.remember(screens, MAIN_WINDOW_ID, WindowGeometry(Rect(20, 30, 700, 720)))
    env.profile.save_geometry(book)
    window = open_window(qtbot, env, load_geometry=True, geometry_delay_ms=50)
    qtbot.waitUntil(lambda: frame_rect(window) == Rect(20, 30, 700, 720), timeout=WAIT_MS)

    window.move(60, 70)

    def remembered() -> Rect | None:
        found = env.profile.load_geometry().recall(current_screens(), MAIN_WINDOW_ID)
        return found.rect if found else None

    qtbot.waitUntil(lambda: remembered() == Rect(60, 70, 700, 720), timeout=WAIT_MS)


def test_a_screen_change_places_windows_again(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env, floating_news())
    news = dock_of(window, PanelKind.NEWS)
    qtbot.waitUntil(news.isVisible)
    apply_rect(news, Rect(-4_000, -3_000, 300, 200))
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    app.screenRemoved.emit(QGuiApplication.primaryScreen())

    def reachable() -> bool:
        rect = frame_rect(news)
        return rect is not None and is_reachable(rect, current_screens())

    qtbot.waitUntil(reachable, timeout=WAIT_MS)


# --- Global Configuration, lock, auto log-off ------------------------------------------------


def test_global_configuration_ok_applies_and_cancel_does_not(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    assert not env.preferences.use_server_settings("demo")
    window.global_config_action.trigger()
    dialog = window.global_config_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.lock_page.use_server.isChecked()  # the login window's tick
    dialog.lock_page.lock_minutes.setValue(15)
    dialog.lock_page.use_server.setChecked(True)
    dialog.display_page.theme.setCurrentIndex(dialog.display_page.theme.findData("dark"))
    dialog.display_page.font_size.setValue(14)
    dialog.ok_button.click()

    config = window.model.global_config
    assert config.lock_and_exit.lock_after_idle_minutes == 15
    assert window.idle.interval_ms == 15 * 60_000
    assert config.lock_and_exit.use_server_settings
    assert env.preferences.use_server_settings("demo")  # the same setting as the login's
    assert config.display.theme is Theme.DARK
    assert QApplication.palette().color(QPalette.ColorRole.Window) == dark_palette().color(
        QPalette.ColorRole.Window
    )
    assert window.font().pointSize() == 14

    window.global_config_action.trigger()
    dialog = window.global_config_dialog
    assert dialog is not None
    assert dialog.lock_page.use_server.isChecked()
    dialog.lock_page.lock_minutes.setValue(0)
    dialog.lock_page.use_server.setChecked(False)
    dialog.cancel_button.click()
    assert window.model.global_config.lock_and_exit.lock_after_idle_minutes == 15
    assert env.preferences.use_server_settings("demo")


def test_the_login_windows_tick_is_shown(qtbot: QtBot, env: Env) -> None:
    env.preferences.set_use_server_settings("Demo", True)
    layout = default_layout()
    assert not layout.global_config.lock_and_exit.use_server_settings
    window = open_window(qtbot, env, layout)
    assert window.model.global_config.lock_and_exit.use_server_settings


def test_the_idle_lock_leaves_only_log_out(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env, floating_news(), minute_ms=100)
    news = dock_of(window, PanelKind.NEWS)
    qtbot.waitUntil(news.isVisible)
    config = copy.deepcopy(window.model.global_config)
    config.lock_and_exit.lock_after_idle_minutes = 1  # a "minute" of 100 ms here
    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        window.apply_global_config(config)
    assert window.is_locked
    assert window.stack.currentWidget() is window.locked_page
    assert not window.tabs.isVisible()
    assert not news.isVisible()
    assert not window.window_menu.menuAction().isEnabled()
    assert not window.global_config_action.isEnabled()
    assert not window.save_as_action.isEnabled()
    assert window.logout_action.isEnabled()
    assert window.locked_page.logout_button.text() == "Log Out"
    with qtbot.waitSignal(window.loggedOut, timeout=WAIT_MS):
        window.locked_page.logout_button.click()
    assert not window.isVisible()


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_auto_log_off_warns_then_saves_and_logs_off(qtbot: QtBot, env: Env) -> None:
    clock = FakeClock(datetime(2024, 3, 1, 9, 0))
    layout = default_layout()
    layout.global_config.lock_and_exit.auto_logoff_time = "10:00"
    layout.global_config.lock_and_exit.logoff_warning_minutes = 5
    window = open_window(qtbot, env, layout, clock=clock, logoff_tick_ms=10, save_delay_ms=60_000)
    window.add_workspace("Unsaved yet")
    clock.now = datetime(2024, 3, 1, 9, 56)
    qtbot.waitUntil(lambda: window.logoff_box is not None, timeout=WAIT_MS)
    box = window.logoff_box
    assert box is not None
    assert box.isVisible()
    assert not box.isModal()
    assert box.text() == "TWS Companion will log off automatically in 4 minutes."
    clock.now = datetime(2024, 3, 1, 10, 0)
    with qtbot.waitSignal(window.loggedOut, timeout=WAIT_MS):
        pass
    assert not window.isVisible()
    saved = saved_layout(env.profile)
    assert saved is not None
    assert saved.workstation.workspaces[-1].name == "Unsaved yet"


# --- language --------------------------------------------------------------------------------


def test_a_language_change_translates_the_menus_again(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    window.file_menu.setTitle("stale")
    window.save_action.setText("stale")
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.LanguageChange))
    assert window.file_menu.title() == "&File"
    assert window.save_action.text() == "Save Settings"

    def tr(text: str) -> str:
        return QCoreApplication.translate("WorkstationWindow", text)

    try:
        assert env.translations.apply("zh_CN")
        assert tr("&File") != "&File"  # the translation of the placeholder's menu
        qtbot.waitUntil(lambda: window.file_menu.title() == tr("&File"))
        assert window.gather_action.text() == tr("Gather Windows")
    finally:
        env.translations.apply("en")
    qtbot.waitUntil(lambda: window.file_menu.title() == "&File")
    assert window.gather_action.text() == "Gather Windows"


def test_choosing_a_language_in_global_configuration_switches_the_app(
    qtbot: QtBot, env: Env
) -> None:
    window = open_window(qtbot, env)
    config = copy.deepcopy(window.model.global_config)
    config.display.language = "zh_CN"
    try:
        window.apply_global_config(config)
        assert env.translations.language == "zh_CN"
        assert env.preferences.language() == "zh_CN"
    finally:
        env.translations.apply("en")


# --- the app around it -----------------------------------------------------------------------


@pytest.fixture
def quits(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    found: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: found.append(True))
    return found


def logged_in(qtbot: QtBot, application: Application) -> WorkstationWindow:
    application._logged_in(login_result())
    qtbot.waitUntil(lambda: application.workstation is not None, timeout=WAIT_MS)
    window = application.workstation
    assert window is not None
    return window


def test_a_damaged_settings_file_falls_back_to_the_backup_with_a_message(
    qtbot: QtBot, tmp_path: Path, app_for: Callable[..., Application]
) -> None:
    profile = SettingsProfile(data_root(tmp_path / "home"), "demo")
    good = default_layout()
    good.workstation.workspaces[0].name = "Last good"
    profile.save(good)
    profile.files.settings_path.write_bytes(b"<?xml version='1.0'?><tws-companion-lay")
    application = app_for(tmp_path)
    window = logged_in(qtbot, application)
    assert window.tabs.tabText(0) == "Last good"
    box = application.recovered_box
    assert box is not None
    assert box.isVisible()
    assert box.text() == "Your settings file was damaged and could not be read."
    set_aside = profile.files.set_aside_files()
    assert len(set_aside) == 1
    assert str(set_aside[0]) in box.informativeText()


def test_a_second_instance_for_the_same_user_goes_back_to_the_login(
    qtbot: QtBot,
    tmp_path: Path,
    app_for: Callable[..., Application],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warned = answer(monkeypatch, "warning", Button.Ok)
    held = SettingsProfile(data_root(tmp_path / "home"), "demo").lock()
    held.acquire()
    try:
        application = app_for(tmp_path)
        application._logged_in(login_result())
        qtbot.waitUntil(lambda: bool(warned), timeout=WAIT_MS)
        assert "already open in another TWS Companion" in warned[0][1]
        assert application.workstation is None
        assert application.dialog is not None
        assert application.dialog.isVisible()
    finally:
        held.release()


def test_cancel_after_a_log_out_asks_and_no_returns_to_the_login(
    qtbot: QtBot,
    tmp_path: Path,
    app_for: Callable[..., Application],
    monkeypatch: pytest.MonkeyPatch,
    quits: list[bool],
) -> None:
    application = app_for(tmp_path)
    window = logged_in(qtbot, application)
    with qtbot.waitSignal(window.loggedOut, timeout=WAIT_MS):
        window.logout_action.trigger()
    dialog = application.dialog
    assert dialog is not None
    assert dialog.isVisible()
    asked = answer(monkeypatch, "question", Button.No, Button.Yes)
    dialog.cancel_button.click()
    assert asked == [("Quit TWS Companion", "Quit TWS Companion?")]
    assert dialog.isVisible()
    assert quits == []
    dialog.cancel_button.click()
    assert quits == [True]


def test_exit_quits_and_closes_the_side_windows(
    qtbot: QtBot, tmp_path: Path, app_for: Callable[..., Application], quits: list[bool]
) -> None:
    application = app_for(tmp_path)
    side = QWidget()
    qtbot.addWidget(side)
    side.show()
    application.simulators = [side]
    window = logged_in(qtbot, application)
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        window.exit_action.trigger()
    assert quits == [True]
    assert not side.isVisible()
    assert not window.isVisible()
    # The lock is given back: the next start for this user is not refused.
    SettingsProfile(data_root(tmp_path / "home"), "demo").lock().acquire()


def test_the_demo_asks_before_quitting(
    qtbot: QtBot,
    tmp_path: Path,
    app_for: Callable[..., Application],
    monkeypatch: pytest.MonkeyPatch,
    quits: list[bool],
) -> None:
    application = app_for(tmp_path)
    side = QWidget()
    qtbot.addWidget(side)
    side.show()
    application.simulators = [side]
    dialog = application.show_login()
    asked = answer(monkeypatch, "question", Button.No)
    dialog.cancel_button.click()
    assert asked[0][1] == "Quit the demo? The device simulators close too."
    assert quits == []
    assert dialog.isVisible()
    assert side.isVisible()


def test_the_simulators_open_within_the_screen(
    qtbot: QtBot, tmp_path: Path, app_for: Callable[..., Application]
) -> None:
    from tests.support.demo import DSC_PLUS_KEY, IB_KEY_KEY

    application = app_for(tmp_path)
    application.show_login()
    devices = DemoDevices(
        dsc_plus=SimulatedOcraDevice("DSC+", DSC_PLUS_KEY, "1234"),
        ib_key=SimulatedOcraDevice("IB Key", IB_KEY_KEY, "2580"),
        card_label="Security Code Card",
        card=generate_card(),
        outbox=tmp_path / "outbox",
        phone="+1 555 0100",
    )
    application.show_simulators(devices)
    for window in application.simulators:
        qtbot.addWidget(window)
    assert len(application.simulators) == 4
    available = QGuiApplication.primaryScreen().availableGeometry()
    for window in application.simulators:
        assert window.isVisible()
        assert available.contains(window.frameGeometry()), (window, window.frameGeometry())
    assert qrect(screen_area()) == available


def test_a_save_that_ends_after_its_window_is_gone_still_reports(qtbot: QtBot) -> None:
    """The workstation is deleted after a logout while a save still runs on the worker: the save
    ends quietly, the waiting caller still hears of it, and nothing is raised in Qt's event loop."""
    worker = Worker()
    release = threading.Event()
    written: list[int] = []

    def slow_save(value: int) -> None:
        release.wait(10)
        written.append(value)

    window = QObject()  # stands for the workstation, which owns its save queues
    queue = SaveQueue(worker, "test-save", slow_save, lambda: 7, 10, parent=window)
    done: list[BaseException | None] = []
    queue.save_now(done.append)
    queue.save_now(done.append)  # waits for the running one, which outlives the window
    with qtbot.waitSignal(window.destroyed, timeout=WAIT_MS):
        window.deleteLater()  # as the workstation is after a logout
    assert not shiboken6.isValid(queue)
    release.set()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT_MS)
    assert done[0] is None
    assert isinstance(done[1], RuntimeError)
    assert "closed before the save started" in str(done[1])
    assert written == [7]
    worker.shutdown()
