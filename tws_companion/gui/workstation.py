"""The workstation window opened after a login: workspaces of panels, as the layout says.

The :class:`~tws_companion.layout.model.Layout` is the one source of what the window shows:
:meth:`WorkstationWindow.current_layout` writes what the widgets hold back into it (panel states,
dock areas, floating, tab order, the active workspace, the mode) and keeps every other object of
it, ``extra`` included; :meth:`WorkstationWindow.apply_layout` tears every panel and tab down and
builds them again from another layout (Layout/Settings Recovery's "restart"), keeping the session.

- **Mosaic**: a tab per workspace; each tab is an inner main window holding its panels as dock
  widgets in their areas, or floating as windows of their own (see
  :mod:`tws_companion.gui.panel_dock`). **Classic**: the same, but the first watchlist of each
  workspace is the fixed trading window in the middle, the other panels docked around it; Global
  Configuration is under Edit instead of File, as in TWS.
- **Opening**: a workspace's panels are built when it is first shown, out of sight (the page
  covered, its layout off) and a few at a time (:data:`BUILD_SLICE_MS`), laid out every
  :data:`LAYOUT_EVERY` panels (a pass in a turn of the event loop of its own), then uncovered a
  strip per turn of the event loop; what is taken down is deleted the same way (the page shown
  is kept, covered, for the workspace shown next: hiding or showing a page of a hundred panels
  in one call would stall the window). A workspace never shown keeps its panels in the model
  untouched.
- **Color groups**: a panel's chip (and its title bar's context menu) puts it in a group; a
  symbol chosen in one panel of a group is shown by the others, and the group keeps it.
- **Saving**: every change (a panel edited, a dock moved, a tab added...) is saved about two
  seconds after the last one, and every N minutes when Global Configuration says so; saves run on
  the worker one at a time (a change during a save is saved right after it, see
  :mod:`tws_companion.gui.save_queue`). A failed save is shown in the status bar and once in a
  message box; the layout in memory is kept. A layout applied (Layout/Settings Recovery) is saved
  once the window has built it, not during the rebuild (its XML would compete with the rebuild
  for the GIL); leaving before then saves it anyway.
- **Settings on the server** ("Use/store settings on server" on, a full login; see
  :mod:`tws_companion.gui.server_settings`): File > Layout Settings > Save Settings, the
  auto-save every N minutes (when something changed since the last upload) and a tidy exit or
  log out upload the settings after the local save, with a progress bar in the status bar and
  the result there ("Settings saved to the server (version N)."); a failure says so and keeps
  the local save. When another computer saved in between, the conflict dialog asks; taking the
  server's copy restarts the window with it. Leaving waits for an upload in flight (in a
  progress dialog) and, when it fails, offers to leave without it. Layout/Settings Recovery
  lists the server's versions too.
- **Geometry** (machine-specific, :mod:`tws_companion.layout.geometry`, placed through
  :mod:`tws_companion.gui.screens`): the main window's and the floating panels' places are
  recalled for the current screens, remembered when they move, and placed again when a monitor
  comes or goes; Window > Gather Windows brings them all onto the main window's screen.
- **Lock and Exit**: the idle lock hides the panels behind a page whose only way on is Log Out
  (a full login again, see :mod:`tws_companion.gui.idle` and
  :mod:`tws_companion.gui.locked_page`); the daily auto log-off warns first, then saves (if "Save
  settings on exit" is set) and logs off without asking.
- **Leaving**: closing the window or File > Exit asks "Save the settings before exiting?" (unless
  "Save settings on exit" is set: then it saves), then emits ``exited`` (the app quits, side
  windows too); File > Log Out does the same and emits ``loggedOut`` (back to the login).

Signals of WorkstationWindow:
    loggedOut() — after File > Log Out (or the auto log-off) has ended the session.
    exited() — after File > Exit or closing the window: the app should quit.
    locked() — the idle lock hid the workstation.
    layoutApplied() — :meth:`apply_layout` rebuilt the window (the workspace shown is built).
    built() — every workspace asked for has its panels (workspaces are built when first shown,
    a few panels per turn of the event loop).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QFont,
    QGuiApplication,
    QKeySequence,
    QMoveEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from tws_companion.client.api import ApiClient
from tws_companion.client.settings_sync import ServerCopy
from tws_companion.gui.about_dialog import AboutDialog
from tws_companion.gui.global_config import GlobalConfigDialog
from tws_companion.gui.i18n import Translations
from tws_companion.gui.idle import AutoLogoff, IdleLock, parse_time_of_day
from tws_companion.gui.layout_dialogs import (
    TranslatedMessageBox,
    describe_storage_error,
    save_settings_as,
)
from tws_companion.gui.locked_page import LockedPage
from tws_companion.gui.login_result import LoginResult
from tws_companion.gui.panel_dock import PanelDock, WorkspacePage, chip_icon, display_title
from tws_companion.gui.panels import create_panel
from tws_companion.gui.panels.labels import color_group_label, kind_label
from tws_companion.gui.preferences import LoginPreferences
from tws_companion.gui.recovery_dialog import ImportUndo, RecoveryDialog
from tws_companion.gui.save_queue import SaveQueue
from tws_companion.gui.screens import (
    apply_geometry,
    apply_rect,
    cascaded,
    centered,
    current_screens,
    frame_rect,
    gather_onto,
    primary_screen,
    window_geometry,
)
from tws_companion.gui.server_settings import ServerSettingsController, SyncResult
from tws_companion.gui.theme import palette_for
from tws_companion.gui.worker import Worker
from tws_companion.layout.geometry import (
    MAIN_WINDOW_ID,
    GeometryBook,
    Rect,
    Screen,
    WindowGeometry,
    fit_onto,
    is_reachable,
    screen_of,
)
from tws_companion.layout.model import (
    ColorGroup,
    DockArea,
    GlobalConfig,
    Layout,
    Mode,
    Panel,
    PanelKind,
    Watchlist,
    Workspace,
    new_state,
)
from tws_companion.layout.profile import SettingsProfile
from tws_companion.protocol import Scope

__all__ = [
    "AUTOSAVE_DELAY_MS",
    "BUILD_SLICE_MS",
    "GEOMETRY_DELAY_MS",
    "LAYOUT_EVERY",
    "WorkstationWindow",
]

#: The longest stretch of building or deleting panels before the event loop runs again.
BUILD_SLICE_MS = 10
#: A workspace being built is laid out every this many new panels (each pass in a turn of the
#: event loop of its own): one pass over a hundred new panels would stall the window.
LAYOUT_EVERY = 8
#: A change is saved this long after the last one.
AUTOSAVE_DELAY_MS = 2_000
#: A moved or resized window's place is saved this long after it stopped moving.
GEOMETRY_DELAY_MS = 1_000
#: How long a status bar message stays.
STATUS_MS = 10_000
#: The main window's size when nothing is remembered (shrunk to the screen).
DEFAULT_SIZE = (1280, 820)
#: A floating panel's size when nothing is remembered.
DEFAULT_FLOATING_SIZE = (420, 320)


def _save_geometry_json(profile: SettingsProfile, data: bytes) -> None:
    """On the worker: save the geometry book taken as JSON on the GUI thread."""
    profile.save_geometry(GeometryBook.from_json(data))


# --- the window ------------------------------------------------------------------------------


class WorkstationWindow(QMainWindow):
    """The workstation of one logged-in user (see the module doc)."""

    loggedOut = Signal()
    exited = Signal()
    locked = Signal()
    layoutApplied = Signal()
    built = Signal()

    def __init__(
        self,
        result: LoginResult,
        api: ApiClient,
        worker: Worker,
        profile: SettingsProfile,
        layout: Layout,
        translations: Translations,
        preferences: LoginPreferences,
        parent: QWidget | None = None,
        *,
        geometry: GeometryBook | None = None,
        server_settings: ServerSettingsController | None = None,
        clock: Callable[[], datetime] = datetime.now,
        minute_ms: int = 60_000,
        save_delay_ms: int = AUTOSAVE_DELAY_MS,
        geometry_delay_ms: int = GEOMETRY_DELAY_MS,
        logoff_tick_ms: int = AutoLogoff.TICK_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workstation")
        self.result = result
        self.api = api
        self.worker = worker
        self.profile = profile
        self.translations = translations
        self.preferences = preferences
        #: The layout shown (see :meth:`current_layout`).
        self.model = layout
        self.minute_ms = minute_ms
        self.book = geometry
        self.pages: list[WorkspacePage] = []
        self.is_locked = False
        self.global_config_dialog: GlobalConfigDialog | None = None
        self.about_dialog: AboutDialog | None = None
        #: Help > Report a login problem (a ReportDialog, imported when first opened).
        self.report_dialog: QWidget | None = None
        #: Help > Check My Setup (a DoctorDialog, imported when first opened).
        self.doctor_dialog: QWidget | None = None
        #: Settings > Secure Login System (a SecurityWindow, imported when first opened).
        self.security_window: QDialog | None = None
        self.logoff_box: QMessageBox | None = None
        self.save_error_box: QMessageBox | None = None
        self._finishing: str | None = None
        self._closing = False
        self._linking = False
        self._building = False
        self._watching_screens = False
        #: The outer rectangle applied before the window had a frame (see _apply_main).
        self._unframed_rect: Rect | None = None
        #: The settings on the server (made when first needed; the app's after a download).
        self.server: ServerSettingsController | None = None
        #: Something changed since the settings were last stored on the server.
        self.server_dirty = False
        #: The server's copy is replacing the local settings: no local save meanwhile.
        self._taking = False
        #: The layout handed to the last local save (what an upload after it sends).
        self._last_saved: Layout | None = None
        #: A layout applied is to be saved once the window has built it (see apply_layout).
        self._save_when_built = False

        self.saves = SaveQueue(
            worker, "save-settings", profile.save, self._save_snapshot, save_delay_ms, self
        )
        self.geometry_saves = SaveQueue(
            worker,
            "save-window-geometry",
            functools.partial(_save_geometry_json, profile),
            self._geometry_snapshot,
            geometry_delay_ms,
            self,
        )
        self._build_queue: list[WorkspacePage] = []
        #: Pages built and laid out, still (partly) covered (see :meth:`_build_slice`).
        self._to_uncover: list[WorkspacePage] = []
        #: Floating panels of the workspace shown, to show (a few per turn of the event loop).
        self._to_show: list[PanelDock] = []
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._graveyard: list[QWidget] = []
        self._reap_timer = QTimer(self)
        self._reap_timer.setSingleShot(True)
        self._reap_timer.setInterval(0)
        #: Panels that said they changed since the layout was last collected.
        self._dirty: set[PanelDock] = set()
        self._announce_applied = False
        self.autosave_timer = QTimer(self)
        self.idle = IdleLock(self)
        self.auto_logoff = AutoLogoff(self, clock=clock, tick_ms=logoff_tick_ms)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspaces")
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.locked_page = LockedPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.locked_page)
        self.setCentralWidget(self.stack)
        self.import_undo = ImportUndo(self)
        self.recovery_dialog: RecoveryDialog | None = None
        self.statusBar().addPermanentWidget(self.import_undo.make_button())
        self.session_label = QLabel()
        self.statusBar().addPermanentWidget(self.session_label)

        self._build_menus()
        self._connect_signals()
        self._app_palette = QApplication.palette()
        self._sync_user_settings()
        self._place_main_window()
        self._populate()
        self.retranslate()
        self._apply_config(self.model.global_config)
        if server_settings is not None:
            self._install_server(server_settings)
        if self.book is None:
            self._load_geometry()

    # --- construction -------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.layout_menu = self.file_menu.addMenu("")
        self.save_action = self.layout_menu.addAction("")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_as_action = self.layout_menu.addAction("")
        self.save_decrypted_action = self.layout_menu.addAction("")
        self.layout_menu.addSeparator()
        self.recovery_action = self.layout_menu.addAction("")
        self.global_config_action = QAction(self)
        self.global_config_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.file_menu.addAction(self.global_config_action)
        self.file_menu.addSeparator()
        self.logout_action = self.file_menu.addAction("")
        self.exit_action = self.file_menu.addAction("")
        self.exit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.exit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.edit_menu = bar.addMenu("")
        self.edit_menu.addAction(self.import_undo.action)
        self.edit_menu.addSeparator()

        self.view_menu = bar.addMenu("")
        self.mode_group = QActionGroup(self)
        self.mosaic_action = self.view_menu.addAction("")
        self.classic_action = self.view_menu.addAction("")
        for action in (self.mosaic_action, self.classic_action):
            action.setCheckable(True)
            self.mode_group.addAction(action)

        self.settings_menu = bar.addMenu("")
        self.secure_login_action = self.settings_menu.addAction("")
        self.window_menu = bar.addMenu("")
        self.new_panel_menu = self.window_menu.addMenu("")
        self.new_panel_actions: dict[PanelKind, QAction] = {}
        for kind in PanelKind:
            action = self.new_panel_menu.addAction("")
            action.setData(kind.value)
            self.new_panel_actions[kind] = action
        self.window_menu.addSeparator()
        self.new_workspace_action = self.window_menu.addAction("")
        self.new_workspace_action.setShortcut(QKeySequence.StandardKey.AddTab)
        self.rename_workspace_action = self.window_menu.addAction("")
        self.close_workspace_action = self.window_menu.addAction("")
        self.window_menu.addSeparator()
        self.gather_action = self.window_menu.addAction("")
        self.help_menu = bar.addMenu("")
        self.report_problem_action = self.help_menu.addAction("")
        self.check_setup_action = self.help_menu.addAction("")
        self.about_action = self.help_menu.addAction("")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self._menus_when_unlocked = [
            self.edit_menu,
            self.view_menu,
            self.settings_menu,
            self.window_menu,
        ]
        self._actions_when_unlocked = [
            self.save_action,
            self.save_as_action,
            self.save_decrypted_action,
            self.recovery_action,
            self.global_config_action,
        ]

    def _connect_signals(self) -> None:
        self.save_action.triggered.connect(self.save_settings)
        self.save_as_action.triggered.connect(lambda: self._save_as(decrypted=False))
        self.save_decrypted_action.triggered.connect(lambda: self._save_as(decrypted=True))
        self.recovery_action.triggered.connect(self.open_recovery)
        self.global_config_action.triggered.connect(self.open_global_config)
        self.logout_action.triggered.connect(self.log_out)
        self.exit_action.triggered.connect(self.request_exit)
        self.mosaic_action.triggered.connect(lambda: self.set_mode(Mode.MOSAIC))
        self.classic_action.triggered.connect(lambda: self.set_mode(Mode.CLASSIC))
        self.new_panel_menu.triggered.connect(self._new_panel_chosen)
        self.new_workspace_action.triggered.connect(self.new_workspace)
        self.rename_workspace_action.triggered.connect(lambda: self.rename_workspace())
        self.close_workspace_action.triggered.connect(lambda: self.close_workspace())
        self.gather_action.triggered.connect(self.gather_windows)
        self.about_action.triggered.connect(self.open_about)
        self.report_problem_action.triggered.connect(self.open_report_problem)
        self.check_setup_action.triggered.connect(self.open_check_setup)
        self.secure_login_action.triggered.connect(self.open_security)
        self.tabs.currentChanged.connect(self._workspace_shown)
        self.tabs.tabBar().tabMoved.connect(self._changed)
        self.tabs.tabBarDoubleClicked.connect(self._tab_double_clicked)
        self.locked_page.logout_button.clicked.connect(self.log_out)
        self.saves.saved.connect(self._saved)
        self.saves.failed.connect(self._save_failed)
        self.geometry_saves.failed.connect(self._geometry_save_failed)
        self.autosave_timer.timeout.connect(self._autosave)
        self._build_timer.timeout.connect(self._build_slice)
        self._reap_timer.timeout.connect(self._reap)
        self.idle.idle.connect(self.lock)
        self.import_undo.undone.connect(self._undo_import)
        self.auto_logoff.warning.connect(self._warn_logoff)
        self.auto_logoff.due.connect(self._auto_logoff)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(self._screens_changed)
            app.screenRemoved.connect(self._screens_changed)
            self._watching_screens = True

    def _disconnect_app(self) -> None:
        app = QGuiApplication.instance()
        if self._watching_screens and isinstance(app, QGuiApplication):
            self._watching_screens = False
            for signal in (app.screenAdded, app.screenRemoved):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect(self._screens_changed)

    def _sync_user_settings(self) -> None:
        """What the user chose at the login wins over what the file says: the per-user "Use/store
        settings on server" tick, and the app's language."""
        lock_and_exit = self.model.global_config.lock_and_exit
        lock_and_exit.use_server_settings = self.preferences.use_server_settings(
            self.result.username
        )
        self.model.global_config.display.language = self.translations.language

    # --- building from the layout --------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        return self.model.workstation.mode

    def _populate(self, kept: WorkspacePage | None = None) -> None:
        """Tabs for every workspace; the panels of the one shown are built (in slices, see
        :meth:`_build_slice`), the others when they are first shown. ``kept``: the page shown
        until now (emptied by :meth:`_teardown`), the tab of the workspace shown next."""
        self._building = True
        try:
            workstation = self.model.workstation
            if not workstation.workspaces:
                workstation.workspaces.append(Workspace(name=self.tr("Workspace 1")))
            index = min(max(workstation.active_workspace, 0), len(workstation.workspaces) - 1)
            for number, workspace in enumerate(workstation.workspaces):
                self._add_page(workspace, kept if number == index else None)
            self.tabs.setCurrentIndex(index)
            (self.classic_action if self.mode is Mode.CLASSIC else self.mosaic_action).setChecked(
                True
            )
            self._place_global_config_action()
        finally:
            self._building = False
        self._show_current()

    def _add_page(self, workspace: Workspace, kept: WorkspacePage | None = None) -> WorkspacePage:
        """A tab for ``workspace``, after the ones there (``kept``: that page, already a tab,
        now the page of ``workspace``)."""
        if kept is None:
            page = WorkspacePage(workspace)
            self.tabs.insertTab(len(self.pages), page, workspace.name)
        else:
            page = kept
            page.empty(workspace)
            self.tabs.setTabText(self.tabs.indexOf(page), workspace.name)
        if self.mode is Mode.CLASSIC:
            page.central_panel = next(
                (p for p in workspace.panels if isinstance(p.state, Watchlist)), None
            )
        self.pages.append(page)
        return page

    def _request_build(self, page: WorkspacePage) -> None:
        """Build ``page``'s panels soon (first in line), unless done or under way."""
        if page.pending is None:
            page.pending = list(page.workspace.panels)
        if page.is_built and not page.departing and not page.is_covered:
            return
        if page in self._build_queue:
            self._build_queue.remove(page)
        self._build_queue.insert(0, page)
        page.cover()  # built out of sight: a layout pass every few panels, not one per panel
        if not self.statusBar().currentMessage():  # a result said just before stays
            self.statusBar().showMessage(self._opening_text())
        self._build_timer.start()

    def _opening_text(self) -> str:
        return self.tr("Opening the workspace…")

    @property
    def is_built(self) -> bool:
        """Every workspace asked for so far has all its panels, laid out and uncovered, and the
        floating ones of the workspace shown are on screen (see ``built``)."""
        return not self._build_queue and not self._to_uncover and not self._to_show

    @Slot()
    def _build_slice(self) -> None:
        """Build panels (after deleting the ones a page showed before), then uncover the page,
        then show the floating panels, for at most :data:`BUILD_SLICE_MS` at a time, then let
        the event loop run: a large layout never freezes the window while it opens."""
        started = time.perf_counter()
        worked = False
        while (time.perf_counter() - started) * 1000 < BUILD_SLICE_MS:
            if self._build_queue:
                page = self._build_queue[0]
                if page.departing:
                    self._delete(page.departing.pop())
                elif page.pending and page.unlaid < LAYOUT_EVERY:
                    panel = page.pending.pop(0)
                    self._building = True
                    try:
                        self._add_dock(page, panel, central=panel is page.central_panel)
                    finally:
                        self._building = False
                else:
                    if worked:
                        break  # a layout pass has a turn of the event loop to itself
                    if page.pending:
                        page.lay_out(more_to_come=True)  # the docks built so far
                    else:
                        self._build_queue.pop(0)
                        self._page_built(page)
                    break
                worked = True
            elif self._to_uncover:
                if not self._to_uncover[0].uncover_band():
                    self._to_uncover.pop(0)
                    if not self._to_uncover:
                        self._show_floating()
                break  # the strip uncovered is painted before anything else is done
            elif self._to_show:
                dock = self._to_show.pop(0)
                self._keep_above(dock)
                dock.show()
                dock.raise_()
            else:
                break
        if not self.is_built:
            self._build_timer.start()
            return
        if self.statusBar().currentMessage() == self._opening_text():
            self.statusBar().clearMessage()  # only its own: a result said meanwhile stays
        self.built.emit()
        if self._announce_applied:
            self._announce_applied = False
            self.layoutApplied.emit()
        self._save_applied()

    def _page_built(self, page: WorkspacePage) -> None:
        """Lay ``page`` out (its last panels; the others were laid out every few panels); it is
        uncovered a strip at a time (see :meth:`_build_slice`)."""
        page.lay_out()
        if page not in self._to_uncover:
            self._to_uncover.append(page)

    def _add_dock(self, page: WorkspacePage, panel: Panel, *, central: bool = False) -> PanelDock:
        widget = create_panel(panel.state, None)
        dock = PanelDock(panel, widget)
        page.add(dock, central=central)
        self._show_dock_title(dock)
        dock.group_menu.aboutToShow.connect(lambda: self._fill_group_menu(dock))
        dock.closedByUser.connect(self._dock_closed)
        dock.topLevelChanged.connect(lambda _floating: self._dock_moved(dock))
        dock.dockLocationChanged.connect(lambda _area: self._changed())
        if dock.isFloating():
            dock.installEventFilter(self)  # its moves are remembered (see _dock_moved)
        widget.changed.connect(lambda: self._panel_changed(dock))
        widget.symbolChosen.connect(lambda symbol: self._symbol_chosen(dock, symbol))
        if panel.area is DockArea.FLOATING and not central:
            self._place_floating(dock)
        return dock

    def _rebuild(self) -> None:
        """Every tab and panel taken down and built again from the layout (the floating panels'
        places remembered first)."""
        self._record_geometry()
        kept = self._teardown()
        self._populate(kept)
        self.retranslate()

    def _teardown(self) -> WorkspacePage | None:
        """Take every tab and panel down, without hiding anything big in one call (a stall of
        the GUI thread): the pages not shown are hidden already, so they go at once (deleted in
        slices); the page shown stays, covered, for the workspace shown next, and its panels
        are deleted a few at a time before that one's are built (see :meth:`_build_slice`).
        Returns the page kept (``None`` when there was no page)."""
        self._build_timer.stop()
        self._build_queue.clear()
        self._to_uncover.clear()
        self._to_show.clear()
        self._dirty.clear()
        kept = self.current_page()
        self._building = True
        try:
            for dock in self.docks():
                self._let_go(dock)
                dock.quieten()
            for page in self.pages:
                if page is kept:
                    continue
                self.tabs.removeTab(self.tabs.indexOf(page))
                self._bury(page)
            self.pages = []
            if kept is not None:
                kept.cover()
                # Its panels go first (see _build_slice); _populate gives it its workspace.
                kept.empty(kept.workspace)
        finally:
            self._building = False
        return kept

    def _let_go(self, dock: PanelDock) -> None:
        """Stop following ``dock`` (its moves, its changes, showing it): it is going away."""
        dock.removeEventFilter(self)
        self._dirty.discard(dock)
        if dock in self._to_show:
            self._to_show.remove(dock)

    def _bury(self, page: WorkspacePage) -> None:
        """Hide ``page`` (taken off the tabs) and delete it and its panels soon, in slices."""
        page.hide()
        for dock in page.docks:
            dock.close_quietly()  # a floating one is a window of its own, maybe shown
        self._graveyard.extend(page.docks)
        self._graveyard.extend(page.departing)
        self._graveyard.append(page)
        self._reap_timer.start()

    @staticmethod
    def _delete(widget: QWidget) -> None:
        if shiboken6.isValid(widget):
            shiboken6.delete(widget)

    @Slot()
    def _reap(self) -> None:
        """Delete what :meth:`_bury` took down, for at most :data:`BUILD_SLICE_MS` at a
        time (a page goes after its panels)."""
        started = time.perf_counter()
        while self._graveyard and (time.perf_counter() - started) * 1000 < BUILD_SLICE_MS:
            self._delete(self._graveyard.pop(0))
        if self._graveyard:
            self._reap_timer.start()

    def _ordered_pages(self) -> list[WorkspacePage]:
        """The pages in the order of their tabs (which the user can drag)."""
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        return [page for page in pages if isinstance(page, WorkspacePage)]

    def docks(self) -> Iterator[PanelDock]:
        """Every panel dock of every workspace."""
        for page in self.pages:
            yield from page.docks

    def dock_for(self, panel_id: str) -> PanelDock | None:
        return next((dock for dock in self.docks() if dock.panel.id == panel_id), None)

    def current_page(self) -> WorkspacePage | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, WorkspacePage) else None

    # --- the layout, back from the widgets -----------------------------------------------------

    def current_layout(self) -> Layout:
        """The layout as the window shows it now: the same :class:`Layout` object, with every
        panel's state, area, the workspaces' order and panels, the active workspace and the
        mode written back from the widgets (everything else, ``extra`` included, kept)."""
        workstation = self.model.workstation
        ordered = self._ordered_pages()
        for page in ordered:
            for dock in page.docks:
                if dock in self._dirty:  # only a panel that said it changed is read again
                    dock.panel.state = dock.panel_widget.state()
                dock.panel.area = page.area_of(dock)
        self._dirty.clear()
        workstation.workspaces = [page.workspace for page in ordered]
        workstation.active_workspace = max(0, self.tabs.currentIndex())
        return self.model

    def _layout_snapshot(self) -> Layout:
        """A copy of :meth:`current_layout` for the worker to write while the window goes on
        changing: new objects for every node the window changes, the panel states (fresh from
        the widgets) and ``extra`` shared."""
        layout = self.current_layout()
        workstation = layout.workstation
        return dataclasses.replace(
            layout,
            global_config=copy.deepcopy(layout.global_config),
            workstation=dataclasses.replace(
                workstation,
                workspaces=[
                    dataclasses.replace(
                        space, panels=[dataclasses.replace(p) for p in space.panels]
                    )
                    for space in workstation.workspaces
                ],
                color_groups=[dataclasses.replace(g) for g in workstation.color_groups],
            ),
        )

    def apply_layout(self, layout: Layout, *, save: bool = True) -> None:
        """Show ``layout`` instead (Layout/Settings Recovery): every panel and tab is torn down
        and built again, geometry recalled, the session kept; the new layout is saved
        (``save=False``: it is the local settings already, the server's copy just taken).
        ``layoutApplied`` follows when the workspace shown has its panels.

        The save starts once the window is built (``built``), so that the worker's XML does not
        compete for the GIL with the rebuild's layout passes; leaving (or the app's end) before
        then saves it anyway (:meth:`_finish`, :meth:`shut_down`)."""
        #: The layout shown (see :meth:`current_layout`).
        self.model = layout
        self._sync_user_settings()
        self._announce_applied = True
        # save=False: the layout applied is the local settings already, and replaces any that
        # was waiting to be saved.
        self._save_when_built = save
        if save:
            self.server_dirty = True
        self._rebuild()
        self._apply_config(layout.global_config)
        if self.is_built:
            self._announce_applied = False
            self.layoutApplied.emit()
            self._save_applied()

    def _save_applied(self) -> None:
        """Save the layout applied, if it waits for the window to be built."""
        if self._save_when_built and self._finishing is None:
            self._save_when_built = False
            self.saves.save_now()

    # --- changes and saving --------------------------------------------------------------------

    @Slot()
    def _changed(self) -> None:
        if not self._building and self._finishing is None and not self._taking:
            self.server_dirty = True
            self.saves.schedule()

    def _panel_changed(self, dock: PanelDock) -> None:
        self._dirty.add(dock)
        self._changed()

    @Slot()
    def save_settings(self) -> None:
        """File > Layout Settings > Save Settings (then to the server, with the option on)."""
        if self._taking:
            return  # the server's copy is replacing the local settings: it is saved already
        self.statusBar().showMessage(self.tr("Saving settings…"))
        if self.server_sync:
            self.saves.save_now(functools.partial(self._upload_saved, explicit=True))
        else:
            self.saves.save_now()

    def _save_snapshot(self) -> Layout:
        self._last_saved = self._layout_snapshot()
        return self._last_saved

    # --- settings on the server ----------------------------------------------------------------

    @property
    def server_sync(self) -> bool:
        """Whether "Use/store settings on server" is on and the login may use it (full
        access)."""
        return (
            self.model.global_config.lock_and_exit.use_server_settings
            and self.result.session.scope is Scope.FULL
        )

    def _install_server(self, server: ServerSettingsController) -> None:
        self.server = server
        server.attach(self)
        server.before_take = self._before_take
        server.after_take = self._take_ended
        server.layoutTaken.connect(self._server_copy_taken)

    def server_settings(self) -> ServerSettingsController:
        """The settings on the server of this login (made on first use)."""
        if self.server is None:
            self._install_server(
                ServerSettingsController.for_session(
                    self.worker, self.api, self.result.session.token, self.profile, self
                )
            )
        assert self.server is not None
        return self.server

    @Slot()
    def _autosave(self) -> None:
        """Every N minutes (Lock and Exit): save what changed, and upload it (option on)."""
        if self._taking:
            return
        if not self.server_sync:
            self.saves.save_if_changed()
        elif self.saves.unsaved:
            self.saves.save_now(functools.partial(self._upload_saved, explicit=False))
        elif self.server_dirty:
            self._upload(self._layout_snapshot(), explicit=False)

    def _upload_saved(self, error: BaseException | None, *, explicit: bool) -> None:
        """A local save asked to go on to the server has finished."""
        if error is None and self.server_sync and self._last_saved is not None:
            self._upload(self._last_saved, explicit=explicit)

    def _upload(self, layout: Layout, *, explicit: bool) -> None:
        self.server_dirty = False
        self.server_settings().upload(layout, self._uploaded, explicit=explicit)

    def _uploaded(self, result: SyncResult) -> None:
        if result.taken is not None:
            self._server_copy_taken(result.taken)
        elif not result.ok:
            self.server_dirty = True

    def _before_take(self, go: Callable[[], None]) -> None:
        """The server's copy is about to replace the local settings: every local save asked
        for so far first, none after it (until the window shows the server's copy)."""
        self._taking = True
        self._save_when_built = False  # this save holds the layout applied, if it waited
        self.saves.save_now(lambda _error: go())

    def _take_ended(self) -> None:
        self._taking = False

    @Slot(object)
    def _server_copy_taken(self, layout: object) -> None:
        """The server's copy is now the local settings: show it."""
        if not isinstance(layout, Layout) or self._finishing is not None:
            return
        self._taking = False
        self.import_undo.forget()
        self.apply_layout(layout, save=False)
        self.server_dirty = False

    @Slot()
    def _saved(self) -> None:
        self.save_error_box = None
        self.statusBar().showMessage(self.tr("Settings saved."), STATUS_MS)

    @Slot(object)
    def _save_failed(self, error: object) -> None:
        reason = (
            describe_storage_error(error)
            if isinstance(error, BaseException)
            else self.tr("The settings could not be saved.")
        )
        self.statusBar().showMessage(
            self.tr("Saving the settings failed: {reason} Your changes are kept.").format(
                reason=reason
            )
        )
        if self.save_error_box is not None:
            return  # once until a save succeeds again

        def texts() -> tuple[str, str, str]:
            return (
                self.tr("Saving the settings failed"),
                self.tr("Your layout settings could not be saved."),
                self.tr(
                    "{reason}\n\nYour changes are kept in this window and will be saved again "
                    "with the next change, with File > Layout Settings > Save Settings, or on "
                    "exit."
                ).format(reason=reason),
            )

        box = TranslatedMessageBox(self, QMessageBox.Icon.Warning, texts)
        box.setModal(False)
        box.setWindowModality(Qt.WindowModality.NonModal)
        self.save_error_box = box
        box.show()

    @Slot(object)
    def _geometry_save_failed(self, _error: object) -> None:
        self.statusBar().showMessage(self.tr("The window positions could not be saved."), STATUS_MS)

    def _save_as(self, *, decrypted: bool) -> None:
        save_settings_as(
            self, self.profile, self.worker, self._layout_snapshot(), decrypted=decrypted
        )

    @Slot()
    def open_recovery(self) -> RecoveryDialog:
        """File > Layout Settings > Layout/Settings Recovery...: the layout chosen there (or
        imported in part, which Edit > Undo Import takes back) restarts the window with it."""
        dialog = RecoveryDialog(
            self.profile,
            self.worker,
            self._layout_snapshot(),
            self,
            server=self.server_settings() if self.server_sync else None,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_WindowPropagation)
        dialog.partsImported.connect(self.import_undo.record)
        dialog.layoutChosen.connect(self._recovered)
        dialog.serverCopyRestored.connect(self._restored_from_server)
        dialog.finished.connect(self._recovery_closed)
        self.recovery_dialog = dialog
        dialog.open()
        return dialog

    @Slot(int)
    def _recovery_closed(self, _result: int) -> None:
        if self.recovery_dialog is not None:
            self.recovery_dialog.deleteLater()
        self.recovery_dialog = None

    @Slot(object)
    def _recovered(self, layout: object) -> None:
        if not isinstance(layout, Layout):
            return
        if layout is not self.import_undo.imported:
            self.import_undo.forget()  # the whole layout replaced: nothing left to undo
        self.apply_layout(layout)

    @Slot(object)
    def _restored_from_server(self, copy: object) -> None:
        if not isinstance(copy, ServerCopy):
            return
        self._server_copy_taken(copy.layout)
        self.statusBar().showMessage(
            self.tr(
                "Version {number} from the server is in use, and is now the current copy on "
                "the server."
            ).format(number=copy.version.number),
            STATUS_MS,
        )

    @Slot(object)
    def _undo_import(self, previous: object) -> None:
        if isinstance(previous, Layout):
            self.apply_layout(previous)

    # --- Help > About ----------------------------------------------------------------------------

    @Slot()
    def open_about(self) -> None:
        """Help > About TWS Companion: one box at a time, window-modal."""
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self)
        self.about_dialog.open()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()

    @Slot()
    def open_report_problem(self) -> None:
        """Help > Report a login problem: the diagnostics bundle, shown before it is saved (one
        dialog at a time)."""
        from tws_companion.gui.report_dialog import ReportDialog

        if self.report_dialog is None:
            dialog = ReportDialog(
                self.worker, self.profile.root, language=self.translations.language, parent=self
            )
            dialog.finished.connect(self._report_problem_closed)
            self.report_dialog = dialog
            dialog.open()
        self.report_dialog.raise_()
        self.report_dialog.activateWindow()

    @Slot(int)
    def _report_problem_closed(self, _result: int) -> None:
        if self.report_dialog is not None:
            self.report_dialog.deleteLater()
            self.report_dialog = None

    @Slot()
    def open_check_setup(self) -> None:
        """Help > Check My Setup: the doctor's checks of this computer and the server (one
        dialog at a time; the checks run on the worker)."""
        from tws_companion.gui.doctor_dialog import DoctorDialog, gui_setup

        if self.doctor_dialog is None:
            dialog = DoctorDialog(
                self.worker, gui_setup(self.result.server, self.profile.root), parent=self
            )
            dialog.finished.connect(self._check_setup_closed)
            self.doctor_dialog = dialog
            dialog.open()
        self.doctor_dialog.raise_()
        self.doctor_dialog.activateWindow()

    @Slot(int)
    def _check_setup_closed(self, _result: int) -> None:
        if self.doctor_dialog is not None:
            self.doctor_dialog.deleteLater()
            self.doctor_dialog = None

    @Slot()
    def open_security(self) -> None:
        """Settings > Secure Login System: the user's security devices, withdrawals, device
        sharing, PIN change (one window at a time; see :mod:`tws_companion.gui.security_window`)."""
        from tws_companion.gui.security_window import SecurityWindow

        if self.security_window is None:
            window = SecurityWindow(self.result, self.api, self.worker, parent=self)
            window.finished.connect(self._security_closed)
            self.security_window = window
            window.open()
        self.security_window.raise_()
        self.security_window.activateWindow()

    @Slot(int)
    def _security_closed(self, _result: int) -> None:
        if self.security_window is not None:
            self.security_window.deleteLater()
            self.security_window = None

    # --- Global Configuration ------------------------------------------------------------------

    @Slot()
    def open_global_config(self) -> None:
        if self.global_config_dialog is not None:
            self.global_config_dialog.raise_()
            self.global_config_dialog.activateWindow()
            return
        dialog = GlobalConfigDialog(self.model.global_config, self)
        dialog.applied.connect(self.apply_global_config)
        dialog.finished.connect(self._global_config_closed)
        self.global_config_dialog = dialog
        dialog.open()

    @Slot(int)
    def _global_config_closed(self, _result: int) -> None:
        if self.global_config_dialog is not None:
            self.global_config_dialog.deleteLater()
        self.global_config_dialog = None

    @Slot(object)
    def apply_global_config(self, config: GlobalConfig) -> None:
        """Use ``config`` (from the Global Configuration dialog): timers, theme, font size,
        language and the per-user server settings tick."""
        self.model.global_config = config
        self.preferences.set_use_server_settings(
            self.result.username, config.lock_and_exit.use_server_settings
        )
        language = config.display.language
        if language != self.translations.language:
            if self.translations.apply(language):
                self.preferences.set_language(language)
            else:
                config.display.language = self.translations.language
                self.statusBar().showMessage(self.tr("This language is not installed."), STATUS_MS)
        self._apply_config(config)
        self._changed()

    def _apply_config(self, config: GlobalConfig) -> None:
        display = config.display
        # The theme is the whole app's while the user is logged in (menus, dialogs, message
        # boxes): it goes back to the system's on leaving. The font size is the workstation's.
        QApplication.setPalette(palette_for(display.theme, self._app_palette))
        font = QFont(QApplication.font())
        font.setPointSize(max(6, display.font_size))
        self.setFont(font)
        lock_and_exit = config.lock_and_exit
        if not self.is_locked and self._finishing is None:
            idle = lock_and_exit.lock_after_idle_minutes
            self.idle.set_interval_ms(idle * self.minute_ms if idle else None)
            at = parse_time_of_day(lock_and_exit.auto_logoff_time)
            self.auto_logoff.configure(at, lock_and_exit.logoff_warning_minutes)
        every = lock_and_exit.autosave_minutes
        if every:
            self.autosave_timer.start(every * self.minute_ms)
        else:
            self.autosave_timer.stop()

    # --- mode, workspaces, panels --------------------------------------------------------------

    def set_mode(self, mode: Mode) -> None:
        """View > Mosaic / Classic: the window is built again in the other arrangement."""
        if mode is self.mode:
            return
        layout = self.current_layout()
        layout.workstation.mode = mode
        self._rebuild()
        self._changed()

    def _place_global_config_action(self) -> None:
        """Global Configuration sits under File in Mosaic and under Edit in Classic (after Undo
        Import)."""
        self.file_menu.removeAction(self.global_config_action)
        self.edit_menu.removeAction(self.global_config_action)
        if self.mode is Mode.CLASSIC:
            self.edit_menu.addAction(self.global_config_action)
        else:
            # After Layout Settings, before the separator above Log Out.
            self.file_menu.insertAction(self.file_menu.actions()[1], self.global_config_action)

    @Slot()
    def new_workspace(self) -> None:
        """Window > New Workspace: asks for its name."""
        name, ok = QInputDialog.getText(
            self,
            self.tr("New Workspace"),
            self.tr("Name of the new workspace:"),
            text=self.tr("Workspace {number}").format(number=len(self.pages) + 1),
        )
        if ok and name.strip():
            self.add_workspace(name.strip())

    def add_workspace(self, name: str) -> WorkspacePage:
        workspace = Workspace(name=name)
        self.model.workstation.workspaces.append(workspace)
        page = self._add_page(workspace)
        self.tabs.setCurrentWidget(page)
        self._update_workspace_actions()
        self._changed()
        return page

    def rename_workspace(self, index: int | None = None) -> None:
        """Window > Rename Workspace... (or a double click on its tab)."""
        index = self.tabs.currentIndex() if index is None else index
        page = self.tabs.widget(index)
        if not isinstance(page, WorkspacePage):
            return
        name, ok = QInputDialog.getText(
            self,
            self.tr("Rename Workspace"),
            self.tr("New name of the workspace:"),
            text=page.workspace.name,
        )
        if ok and name.strip():
            page.workspace.name = name.strip()
            self.tabs.setTabText(index, page.workspace.name)
            self._changed()

    @Slot(int)
    def _tab_double_clicked(self, index: int) -> None:
        if index >= 0:
            self.rename_workspace(index)

    def close_workspace(self, index: int | None = None) -> bool:
        """Window > Close Workspace, after a confirmation (the last one stays)."""
        index = self.tabs.currentIndex() if index is None else index
        page = self.tabs.widget(index)
        if not isinstance(page, WorkspacePage) or self.tabs.count() <= 1:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("Close Workspace"),
            self.tr(
                'Close the workspace "{name}" and its {count} panels? This cannot be undone '
                "(Layout/Settings Recovery keeps earlier versions)."
            ).format(name=page.workspace.name, count=len(page.docks)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        for dock in page.docks:
            self._let_go(dock)
            dock.close_quietly()
        if self.book is not None:
            for panel in page.workspace.panels:
                self.book.forget(panel.id)
        self.tabs.removeTab(index)
        self.pages.remove(page)
        if page in self._build_queue:
            self._build_queue.remove(page)
        if page in self._to_uncover:
            self._to_uncover.remove(page)
        self.model.workstation.workspaces = [p.workspace for p in self._ordered_pages()]
        self._bury(page)
        self._update_workspace_actions()
        self._changed()
        return True

    def _update_workspace_actions(self) -> None:
        self.close_workspace_action.setEnabled(self.tabs.count() > 1)

    @Slot(QAction)
    def _new_panel_chosen(self, action: QAction) -> None:
        self.add_panel(PanelKind(str(action.data())))

    def add_panel(self, kind: PanelKind) -> PanelDock | None:
        """Window > New Window > (a kind): a new panel docked in the current workspace."""
        page = self.current_page()
        if page is None:
            return None
        panel = Panel(new_state(kind), area=DockArea.RIGHT)
        page.workspace.panels.append(panel)
        dock = self._add_dock(page, panel)
        dock.show()
        dock.raise_()
        self._changed()
        return dock

    @Slot(object)
    def _dock_closed(self, dock: object) -> None:
        if not isinstance(dock, PanelDock):
            return
        for page in self.pages:
            if dock in page.docks:
                page.remove(dock)
                page.workspace.panels = [p for p in page.workspace.panels if p is not dock.panel]
        self._let_go(dock)
        if self.book is not None:
            self.book.forget(dock.panel.id)
        dock.deleteLater()
        self._changed()

    def _dock_moved(self, dock: PanelDock) -> None:
        if dock.isFloating():
            dock.installEventFilter(self)  # a window of its own: its moves are remembered
            self._keep_above(dock)
        else:
            dock.removeEventFilter(self)  # not every event of every docked panel through Python
        self._show_dock_title(dock)
        self._changed()
        self._geometry_changed()

    @Slot(int)
    def _workspace_shown(self, _index: int) -> None:
        """The user chose another tab (the active workspace is saved)."""
        if self._building:
            return  # _populate shows the active workspace when every tab is there
        self._show_current()
        self._changed()

    def _show_current(self) -> None:
        page = self.current_page()
        if page is not None:
            self._request_build(page)
        self._show_floating()
        self._update_workspace_actions()

    def _show_floating(self) -> None:
        """Only the floating panels of the workspace shown are on screen, and only while the
        window is (and is not locked): the others are hidden now, these shown a few at a time
        (each is a window of its own)."""
        current = self.tabs.currentWidget()
        shown: list[PanelDock] = []
        for page in self.pages:
            for dock in page.floating():
                if page is current and self.isVisible() and not self.is_locked:
                    shown.append(dock)
                else:
                    dock.setVisible(False)
        self._to_show = shown
        if shown:
            self._build_timer.start()

    def _keep_above(self, dock: PanelDock) -> None:
        """A floating panel stays above the main window (a panel floated before the main window
        had a native window has no transient parent, and window managers then let the main
        window cover it)."""
        dock.winId()  # the native window, created now if it is not yet
        handle, main = dock.windowHandle(), self.windowHandle()
        if handle is not None and main is not None and handle.transientParent() is not main:
            handle.setTransientParent(main)

    # --- color groups --------------------------------------------------------------------------

    def group(self, group_id: str | None) -> ColorGroup | None:
        if group_id is None:
            return None
        return next((g for g in self.model.workstation.color_groups if g.id == group_id), None)

    def group_name(self, group: ColorGroup | None) -> str:
        if group is None:
            return self.tr("No color group")
        return color_group_label(group.name)

    def _fill_group_menu(self, dock: PanelDock) -> None:
        menu = dock.group_menu
        menu.clear()
        heading = menu.addAction(self.tr("Color Group"))
        heading.setEnabled(False)
        choices = QActionGroup(menu)
        options: list[ColorGroup | None] = [None, *self.model.workstation.color_groups]
        for group in options:
            action = menu.addAction(
                chip_icon(group.color if group else None),
                self.group_name(group) if group else self.tr("None"),
            )
            action.setCheckable(True)
            action.setChecked(dock.panel.color_group == (group.id if group else None))
            choices.addAction(action)
            group_id = group.id if group else None
            action.triggered.connect(
                lambda _checked=False, g=group_id: self.set_color_group(dock, g)
            )

    def set_color_group(self, dock: PanelDock, group_id: str | None) -> None:
        """Put ``dock``'s panel in a color group (``None``: none); it follows the group's
        symbol."""
        dock.panel.color_group = group_id
        self._show_dock_title(dock)
        group = self.group(group_id)
        if group is not None and group.symbol:
            self._linking = True
            try:
                dock.panel_widget.show_symbol(group.symbol)
                self._dirty.add(dock)
            finally:
                self._linking = False
        self._changed()

    def _symbol_chosen(self, dock: PanelDock, symbol: str) -> None:
        if self._linking:
            return
        group = self.group(dock.panel.color_group)
        if group is None or not symbol:
            return
        group.symbol = symbol
        self._linking = True
        try:
            for other in self.docks():
                if other is not dock and other.panel.color_group == group.id:
                    other.panel_widget.show_symbol(symbol)
                    self._dirty.add(other)
        finally:
            self._linking = False
        self._changed()

    def _show_dock_title(self, dock: PanelDock) -> None:
        group = self.group(dock.panel.color_group)
        name = self.group_name(group)
        dock.show_title(
            display_title(dock.panel),
            group,
            self.tr("Color group: {name} (click to change)").format(name=name),
        )

    # --- geometry ------------------------------------------------------------------------------

    def _load_geometry(self) -> None:
        task = self.worker.submit("load-window-geometry", self.profile.load_geometry, owner=self)
        task.succeeded.connect(self._geometry_loaded)

    @Slot(object)
    def _geometry_loaded(self, book: object) -> None:
        if not isinstance(book, GeometryBook) or self.book is not None:
            return
        self.book = book
        self.place_windows()

    def _recall(self, screens: list[Screen], window_id: str) -> WindowGeometry | None:
        """Where the book says ``window_id`` goes on ``screens`` (``None``: not remembered, or
        no book yet)."""
        return self.book.recall(screens, window_id) if self.book else None

    def _floating_docks(self) -> Iterator[PanelDock]:
        """The floating panels of every workspace."""
        for page in self.pages:
            yield from page.floating()

    def _place_main_window(self) -> None:
        screens = current_screens()
        remembered = self._recall(screens, MAIN_WINDOW_ID)
        if remembered is None:
            remembered = WindowGeometry(centered(DEFAULT_SIZE, primary_screen(screens).available))
        self._apply_main(remembered)

    def _apply_main(self, geometry: WindowGeometry) -> None:
        """Place the main window. Its frame is not known before the window manager has framed
        it: the outer rectangle is applied again once it is, so the window does not grow by
        its frame at every start."""
        apply_geometry(self, geometry)
        if geometry.maximized and not self.isVisible():
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self._unframed_rect = None if self._frame_known() else geometry.rect

    def _frame_known(self) -> bool:
        return self.isVisible() and self.frameGeometry() != self.geometry()

    def _fix_unframed(self) -> None:
        if self._unframed_rect is not None and self._frame_known():
            rect, self._unframed_rect = self._unframed_rect, None
            if not self.isMaximized():
                apply_rect(self, rect)

    def _place_floating(self, dock: PanelDock) -> None:
        screens = current_screens()
        remembered = self._recall(screens, dock.panel.id)
        if remembered is not None:
            apply_rect(dock, remembered.rect)
            return
        main = frame_rect(self) or Rect(0, 0, *DEFAULT_SIZE)
        count = sum(1 for _ in self._floating_docks())
        apply_rect(dock, fit_onto(cascaded(DEFAULT_FLOATING_SIZE, main, count), screens))

    def place_windows(self) -> None:
        """Recall the main window's and the floating panels' places for the current screens
        (at start, and when a monitor comes or goes); a window never remembered is only made
        reachable."""
        screens = current_screens()
        windows: list[tuple[str, QWidget]] = [(MAIN_WINDOW_ID, self)]
        windows += [(dock.panel.id, dock) for dock in self._floating_docks()]
        for window_id, window in windows:
            remembered = self._recall(screens, window_id)
            if remembered is not None:
                if window is self:
                    self._apply_main(remembered)
                else:
                    apply_rect(window, remembered.rect)
                continue
            rect = frame_rect(window)
            if rect is not None and not is_reachable(rect, screens):
                apply_rect(window, fit_onto(rect, screens))

    @Slot()
    def _screens_changed(self) -> None:
        # Qt updates its screen list and moves windows itself first; place them after that.
        QTimer.singleShot(0, self.place_windows)

    @Slot()
    def gather_windows(self) -> None:
        """Window > Gather Windows: the main window and every floating panel onto the screen
        the main window is on."""
        screens = current_screens()
        main = frame_rect(self)
        target = (screen_of(main, screens) if main else None) or primary_screen(screens)
        windows: dict[str, QWidget] = {} if self.isMaximized() else {MAIN_WINDOW_ID: self}
        windows.update((dock.panel.id, dock) for dock in self._floating_docks())
        gather_onto(windows, target)
        self._geometry_changed()

    def _record_geometry(self) -> None:
        """File where the main window and the floating panels are now in the book."""
        if self.book is None:
            return
        screens = current_screens()
        if self.isVisible():
            main = window_geometry(self, screens)
            if main is not None:
                self.book.remember(screens, MAIN_WINDOW_ID, main)
        for dock in self._floating_docks():
            if dock.isVisible():
                geometry = window_geometry(dock, screens)
                if geometry is not None:
                    self.book.remember(screens, dock.panel.id, geometry)

    def _geometry_snapshot(self) -> bytes | None:
        """The book as JSON (quick on the GUI thread; the worker reads it back and saves it)."""
        if self.book is None:
            return None
        self._record_geometry()
        return self.book.to_json()

    def _geometry_changed(self) -> None:
        if not self._building and self.book is not None:
            self.geometry_saves.schedule()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, PanelDock)
            and event.type() in (QEvent.Type.Move, QEvent.Type.Resize)
            and watched.isFloating()
            and watched.isVisible()
        ):
            self._geometry_changed()
        return super().eventFilter(watched, event)

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        if self.isVisible():
            self._fix_unframed()
            self._geometry_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            self._fix_unframed()
            self._geometry_changed()

    # --- lock, auto log-off --------------------------------------------------------------------

    @Slot()
    def lock(self) -> None:
        """The idle lock: the panels are hidden behind a page whose only way on is Log Out."""
        if self.is_locked or self._finishing is not None:
            return
        self.is_locked = True
        self.idle.stop()
        self.stack.setCurrentWidget(self.locked_page)
        self._show_floating()  # locked: every floating panel hidden
        for menu in self._menus_when_unlocked:
            menu.menuAction().setEnabled(False)
        for action in self._actions_when_unlocked:
            action.setEnabled(False)
        self.retranslate()
        self.locked.emit()

    @Slot(int)
    def _warn_logoff(self, minutes: int) -> None:
        if self.logoff_box is not None:
            self.logoff_box.close()
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Auto Log-Off"))
        box.setText(
            self.tr("TWS Companion will log off automatically in {minutes} minutes.").format(
                minutes=minutes
            )
            if minutes != 1
            else self.tr("TWS Companion will log off automatically in 1 minute.")
        )
        box.setInformativeText(
            self.tr("Your settings are saved first if Save settings on exit is set.")
        )
        now = box.addButton(self.tr("Log Off Now"), QMessageBox.ButtonRole.DestructiveRole)
        later = box.addButton(self.tr("Postpone 1 Hour"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setModal(False)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        now.clicked.connect(self._auto_logoff)
        later.clicked.connect(lambda: self.auto_logoff.postpone(60))
        box.destroyed.connect(lambda: setattr(self, "logoff_box", None))
        self.logoff_box = box
        box.show()

    @Slot()
    def _auto_logoff(self) -> None:
        """The auto log-off time has come: no questions (nobody may be there to answer)."""
        if self.logoff_box is not None:
            self.logoff_box.close()
            self.logoff_box = None
        self._finish("logout", ask=False)

    # --- leaving -------------------------------------------------------------------------------

    @Slot()
    def log_out(self) -> None:
        """File > Log Out: save (as Lock and Exit says, or after asking), end the session on the
        server (on the worker), then close and emit ``loggedOut``."""
        self._finish("logout")

    @Slot()
    def request_exit(self) -> None:
        """File > Exit (and the window's close button)."""
        self._finish("exit")

    def _finish(self, how: str, *, ask: bool = True) -> bool:
        if self._finishing is not None:
            return False
        # A layout applied and not saved yet (the window still building it) is saved anyway.
        save = self.model.global_config.lock_and_exit.save_on_exit or self._save_when_built
        if not save and ask:
            answer = QMessageBox.question(
                self,
                self.tr("Log Out") if how == "logout" else self.tr("Exit"),
                self.tr("Save the settings before exiting?"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer not in (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard):
                return False
            save = answer == QMessageBox.StandardButton.Save
        self._finishing = how
        self._set_leaving(True)
        if save:
            self._save_when_built = False  # this save holds it
            self.statusBar().showMessage(self.tr("Saving settings…"))
            self.saves.save_now(lambda error: self._saved_before_leaving(error, ask=ask))
        else:
            self.saves.cancel_scheduled()
            self._upload_before_leaving(upload=False, ask=ask)
        return True

    def _saved_before_leaving(self, error: BaseException | None, *, ask: bool) -> None:
        if error is None or not ask:
            self._upload_before_leaving(upload=error is None, ask=ask)
            return
        answer = QMessageBox.warning(
            self,
            self.tr("Saving the settings failed"),
            self.tr("The settings could not be saved: {reason}\n\nLeave without saving?").format(
                reason=describe_storage_error(error)
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._upload_before_leaving(upload=False, ask=ask)
        else:
            self._stay()

    def _upload_before_leaving(self, *, upload: bool, ask: bool) -> None:
        """After the local save: the settings to the server (option on, something changed
        since the last upload), waiting for an upload in flight; then leave, or stay when the
        user says so after a failure."""
        layout = None
        if upload and self.server_sync and self.server_dirty and self._last_saved is not None:
            layout = self._last_saved
        if layout is None and self.server is None:
            self._leave()
            return
        if layout is not None:
            self.server_dirty = False
        self.server_settings().upload_before_leaving(layout, self._leave_or_stay, ask=ask)

    def _leave_or_stay(self, leave: bool) -> None:
        if leave:
            self._leave()
        else:
            self.server_dirty = True
            self._stay()

    def _stay(self) -> None:
        self._finishing = None
        self._set_leaving(False)
        self.statusBar().clearMessage()

    def _set_leaving(self, leaving: bool) -> None:
        for action in (self.logout_action, self.exit_action):
            action.setEnabled(not leaving)
        for action in self._actions_when_unlocked:
            action.setEnabled(not leaving and not self.is_locked)
        self.locked_page.logout_button.setEnabled(not leaving)

    def _leave(self) -> None:
        how = self._finishing
        self._stop_timers()
        if self.book is not None:
            self.geometry_saves.save_now()
        for dialog in (self.global_config_dialog, self.recovery_dialog, self.security_window):
            if dialog is not None:
                dialog.reject()
        task = self.worker.submit("logout", self.api.logout, self.result.session.token, owner=self)
        if how == "logout":
            task.finished.connect(self._logged_out)
        else:
            self._close_for_good()
            self.exited.emit()

    @Slot()
    def _logged_out(self) -> None:
        self._close_for_good()
        self.loggedOut.emit()

    def _close_for_good(self) -> None:
        self._closing = True
        self._stop_timers()
        for dock in self._floating_docks():
            dock.close_quietly()
        if self.logoff_box is not None:
            self.logoff_box.close()
        if self.save_error_box is not None:
            self.save_error_box.close()
        QApplication.setPalette(self._app_palette)
        self.close()

    def _stop_timers(self) -> None:
        self._build_timer.stop()
        self.idle.stop()
        self.auto_logoff.stop()
        self.autosave_timer.stop()
        self.saves.cancel_scheduled()
        self.geometry_saves.cancel_scheduled()
        self._disconnect_app()

    def shut_down(self) -> None:
        """Close at once, without asking or saving (the app is being torn down), except a
        layout applied whose save waits for the window to be built: it is handed to the worker,
        which finishes it before the app ends (``Worker.shutdown`` waits)."""
        if not self._closing:
            if self._save_when_built:
                self._save_when_built = False
                self.saves.save_now()
            self._finishing = self._finishing or "exit"
            if self.server is not None:
                self.server.close_all()
            self._close_for_good()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fix_unframed()
        # After the window itself is on screen, so that the floating panels are above it.
        QTimer.singleShot(0, self._show_floating)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:
            super().closeEvent(event)
            return
        event.ignore()
        self._finish("exit")

    # --- language ------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(
            self.tr("TWS Companion Workstation — {user}").format(user=self.result.username)
        )
        self.file_menu.setTitle(self.tr("&File"))
        self.layout_menu.setTitle(self.tr("Layout Settings"))
        self.save_action.setText(self.tr("Save Settings"))
        self.save_as_action.setText(self.tr("Save Settings As..."))
        self.save_decrypted_action.setText(self.tr("Save Decrypted Settings As..."))
        self.recovery_action.setText(self.tr("Layout/Settings Recovery..."))
        self.global_config_action.setText(self.tr("Global Configuration..."))
        self.logout_action.setText(self.tr("Log Out"))
        self.exit_action.setText(self.tr("Exit"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.view_menu.setTitle(self.tr("&View"))
        self.mosaic_action.setText(self.tr("Mosaic"))
        self.classic_action.setText(self.tr("Classic"))
        self.window_menu.setTitle(self.tr("&Window"))
        self.new_panel_menu.setTitle(self.tr("New Window"))
        for kind, action in self.new_panel_actions.items():
            action.setText(kind_label(kind))
        self.new_workspace_action.setText(self.tr("New Workspace..."))
        self.rename_workspace_action.setText(self.tr("Rename Workspace..."))
        self.close_workspace_action.setText(self.tr("Close Workspace"))
        self.gather_action.setText(self.tr("Gather Windows"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("About TWS Companion"))
        self.report_problem_action.setText(self.tr("Report a Login Problem..."))
        self.check_setup_action.setText(self.tr("Check My Setup..."))
        self.settings_menu.setTitle(self.tr("&Settings"))
        self.secure_login_action.setText(self.tr("Secure Login System..."))
        scope = (
            self.tr("full access")
            if self.result.session.scope.value == "full"
            else self.tr("Client Portal only, to print the Online Security Code Card")
        )
        self.session_label.setText(
            self.tr("Logged in as {user} · {scope} · {server}").format(
                user=self.result.username, scope=scope, server=self.result.server
            )
        )
        self.locked_page.heading.setText(self.tr("Locked"))
        self.locked_page.details.setText(
            self.tr(
                "The workstation was locked because it was not used for a while. Log out, then "
                "log in again with your password and security device to continue. Your "
                "settings are kept."
            )
        )
        self.locked_page.logout_button.setText(self.tr("Log Out"))
        self.import_undo.retranslate()
        for dock in self.docks():
            self._show_dock_title(dock)
