"""The option "Use/store settings on server" in the GUI: :class:`ServerSettingsController`
runs the calls of :class:`~tws_companion.client.settings_sync.ServerSettings` on the worker and
tells the user.

One controller serves one login. Its calls never overlap (a lock held on the worker around each,
so the "base" the client keeps in the profile is never read and written at once), and it drives
what the user sees:

- **At login** (:meth:`ServerSettingsController.download_at_login`): a progress dialog while the
  server's copy comes down; its button stops waiting and opens the workstation with this
  computer's settings. A failure says "Downloading settings from server failed" with the reason
  and offers Retry (download again) or Close (this computer's settings stay in use).
- **Uploads** (:meth:`~ServerSettingsController.upload`, after a local save): a progress bar in
  the workstation's status bar, then "Settings saved to the server (version N)." or why it
  failed (the local save is kept).
- **Leaving** (:meth:`~ServerSettingsController.upload_before_leaving`): waits for an upload in
  flight and uploads the last save, in a progress dialog; a failure offers Retry or leaving
  without it.
- **A conflict** (another computer saved in between): the
  :class:`~tws_companion.gui.conflict_dialog.SettingsConflictDialog` asks. Keeping this
  computer's settings uploads them over the server's copy; taking the server's copy replaces
  the local settings (after a local backup; the window's pending local saves are flushed first
  through :attr:`~ServerSettingsController.before_take`) and ``then`` gets the layout to show;
  Cancel changes nothing.
- Layout/Settings Recovery lists, fetches and restores server versions through
  :meth:`~ServerSettingsController.submit` and :meth:`~ServerSettingsController.restore_version`.

Signals of ServerSettingsController: layoutTaken(object) — a download stopped by the user took
the server's copy after all: the :class:`Layout` to show; busyChanged(bool); progressed(int,
int) — how far the upload under way has come (bytes).
Signals of ProgressDialog: stopped() — its button (or Escape) was pressed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.settings_sync import (
    Downloaded,
    DownloadOutcome,
    Progress,
    ServerCopy,
    ServerSettings,
    SettingsConflict,
)
from tws_companion.gui.conflict_dialog import ConflictChoice, SettingsConflictDialog
from tws_companion.gui.layout_dialogs import TranslatedMessageBox
from tws_companion.gui.server_messages import describe_server_error, progress_text, saved_time
from tws_companion.gui.worker import Report, Task, Worker
from tws_companion.layout.compare import LayoutComparison, compare
from tws_companion.layout.model import Layout
from tws_companion.protocol.models import SettingsVersion

if TYPE_CHECKING:
    from tws_companion.client.api import ApiClient
    from tws_companion.layout.profile import SettingsProfile

__all__ = [
    "PROGRESS_DELAY_MS",
    "ProgressDialog",
    "ServerSettingsController",
    "StatusProgress",
    "Stopped",
    "SyncResult",
]

#: A progress dialog shows only when the work takes longer than this (no flash for quick ones).
PROGRESS_DELAY_MS = 400
#: How long a status bar message stays.
STATUS_MS = 10_000

T = TypeVar("T")
#: A call of the client, run on the worker: ``call(settings, progress)``.
Call = Callable[[ServerSettings, Progress], T]


class Stopped(Exception):  # noqa: N818  (not an error: the user chose it)
    """The user stopped waiting: raised from the progress callback, so the transfer ends before
    anything local changes."""


@dataclass(frozen=True)
class SyncResult:
    """How an upload ended (what ``then`` gets)."""

    #: Stored on the server as this version.
    version: SettingsVersion | None = None
    #: The user took the server's copy: it is now the local settings; the window shows it.
    taken: Layout | None = None
    #: It failed (the user was told).
    error: BaseException | None = None
    #: A conflict the user left for later (Cancel): nothing changed.
    deferred: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.deferred


# --- the progress shown ----------------------------------------------------------------------


class ProgressDialog(QDialog):
    """A progress bar with a label and one button that stops waiting (Escape too). It never
    blocks: it is shown with ``show()``, and ``stopped`` tells that the button was pressed."""

    stopped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverProgress")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setMinimumWidth(380)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.button = QPushButton()
        self.button.setAutoDefault(True)
        self.button.setDefault(True)
        self.button.clicked.connect(self._stop)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        column = QVBoxLayout(self)
        column.addWidget(self.label)
        column.addWidget(self.bar)
        column.addLayout(row)
        self._texts: Callable[[], tuple[str, str, str]] = lambda: ("", "", "")
        self._done = 0
        self._total = 0

    def set_texts(self, texts: Callable[[], tuple[str, str, str]]) -> None:
        """``texts()`` → (title, what is going on, the button's text), read again on a
        language change."""
        self._texts = texts
        self.retranslate()

    def set_progress(self, done: int, total: int) -> None:
        self._done, self._total = done, total
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        self.retranslate()

    def retranslate(self) -> None:
        title, action, button = self._texts()
        self.setWindowTitle(title)
        self.label.setText(progress_text(action, self._done, self._total))
        self.button.setText(button)
        self.button.setVisible(bool(button))

    def _stop(self) -> None:
        self.stopped.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            if self.button.isVisible():
                self._stop()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # The window's close button is the stop button (never a silent dismissal).
        event.ignore()
        if self.button.isVisible():
            self._stop()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class StatusProgress(QWidget):
    """A label and a progress bar for a window's status bar, shown while an upload runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverStatusProgress")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setMaximumHeight(16)
        self.bar.setRange(0, 0)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        self._action: Callable[[], str] = lambda: ""
        self.hide()

    def start(self, action: Callable[[], str]) -> None:
        self._action = action
        self.bar.setRange(0, 0)
        self.label.setText(action())
        self.show()

    def set_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.label.setText(self._action())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.label.setText(self._action())
        super().changeEvent(event)


# --- the calls, on the worker ----------------------------------------------------------------


class _Calls:
    """The one :class:`ServerSettings` of a login, made on first use (on the worker) and used by
    one call at a time."""

    def __init__(self, factory: Callable[[], ServerSettings]) -> None:
        self._factory = factory
        self._settings: ServerSettings | None = None
        self._lock = threading.Lock()

    def run(self, report: Report, stop: threading.Event | None, call: Call[T]) -> T:
        with self._lock:
            if self._settings is None:
                self._settings = self._factory()

            def progress(done: int, total: int) -> None:
                if stop is not None and stop.is_set():
                    raise Stopped
                report(done, total)

            return call(self._settings, progress)


def _download(settings: ServerSettings, progress: Progress) -> Downloaded:
    return settings.download(progress=progress)


def _upload(layout: Layout, settings: ServerSettings, progress: Progress) -> SettingsVersion:
    return settings.upload(layout, progress=progress)


def _keep_local(
    conflict: SettingsConflict, settings: ServerSettings, progress: Progress
) -> SettingsVersion:
    return settings.keep_local(conflict, progress=progress)


def _take(copy: ServerCopy, settings: ServerSettings, _progress: Progress) -> Layout:
    return settings.take_server(copy)


# --- the controller --------------------------------------------------------------------------


Then = Callable[[SyncResult], None]


class ServerSettingsController(QObject):
    """Runs the server settings of one login on the worker and tells the user (module doc)."""

    layoutTaken = Signal(object)
    busyChanged = Signal(bool)
    progressed = Signal(int, int)

    def __init__(
        self,
        worker: Worker,
        factory: Callable[[], ServerSettings],
        parent: QObject | None = None,
        *,
        progress_delay_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self._calls = _Calls(factory)
        #: A progress dialog shows after this long (default: :data:`PROGRESS_DELAY_MS`).
        self.progress_delay_ms = (
            PROGRESS_DELAY_MS if progress_delay_ms is None else (progress_delay_ms)
        )
        self.window: QMainWindow | None = None
        self.status_progress: StatusProgress | None = None
        #: Called before the server's copy replaces the local settings, with the function that
        #: does it: the window flushes its local saves first (and makes none until it shows it).
        self.before_take: Callable[[Callable[[], None]], None] = lambda go: go()
        #: Called when that replacement has ended, done or failed.
        self.after_take: Callable[[], None] = lambda: None
        #: What the user sees or answers now (tests drive them).
        self.progress_dialog: ProgressDialog | None = None
        self.conflict_dialog: SettingsConflictDialog | None = None
        self.message_box: QMessageBox | None = None
        self.failure_box: QMessageBox | None = None
        self._running = False
        self._pending: _Request | None = None
        self._idle_waiters: list[Callable[[], None]] = []
        self._stop: threading.Event | None = None
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_progress_dialog)

    @classmethod
    def for_session(
        cls,
        worker: Worker,
        api: ApiClient,
        token: str,
        profile: SettingsProfile,
        parent: QObject | None = None,
        *,
        machine: str | None = None,
    ) -> ServerSettingsController:
        """The controller of a login: ``ServerSettings(api, token, profile)``."""
        return cls(
            worker,
            functools.partial(ServerSettings, api, token, profile, machine=machine),
            parent,
        )

    def attach(self, window: QMainWindow) -> None:
        """Report in ``window``: dialogs over it, progress and results in its status bar."""
        self.window = window
        self.status_progress = StatusProgress()
        window.statusBar().addPermanentWidget(self.status_progress)

    @property
    def busy(self) -> bool:
        """An upload, a download or a question about one is under way."""
        return self._running

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.busyChanged.emit(running)
        if not running:
            waiters, self._idle_waiters = self._idle_waiters, []
            for waiter in waiters:
                waiter()

    # --- running calls ------------------------------------------------------------------------

    def submit(
        self,
        name: str,
        call: Call[Any],
        *,
        stop: threading.Event | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Run ``call(settings, progress)`` on the worker, after any other call of this login;
        the task emits ``progress`` as the call reports. Its signals are ``owner``'s (the
        worker's owner rule; default: this controller): nothing is heard from them once the
        owner is gone."""
        return self.worker.submit_with_progress(
            name, self._calls.run, stop, call, owner=self if owner is None else owner
        )

    def _status(self, text: str, timeout: int = STATUS_MS) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, timeout)

    def _start_progress(self, action: Callable[[], str], task: Task) -> None:
        task.progress.connect(self.progressed)
        progress = self.status_progress
        if progress is None:
            return
        progress.start(action)
        task.progress.connect(progress.set_progress)
        task.finished.connect(progress.hide)

    def _open_progress_dialog(
        self, parent: QWidget | None, texts: Callable[[], tuple[str, str, str]]
    ) -> ProgressDialog:
        self._close_progress_dialog()
        dialog = ProgressDialog(parent)
        if parent is not None:
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.set_texts(texts)
        self.progress_dialog = dialog
        if self.progress_delay_ms <= 0:
            self._show_progress_dialog()
        else:
            self._show_timer.start(self.progress_delay_ms)
        return dialog

    @Slot()
    def _show_progress_dialog(self) -> None:
        dialog = self.progress_dialog
        if dialog is not None and not dialog.isVisible():
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
            dialog.button.setFocus()

    def _close_progress_dialog(self, only: ProgressDialog | None = None) -> None:
        """Close the progress dialog shown (``only``: if it is that one)."""
        if only is not None and only is not self.progress_dialog:
            return
        self._show_timer.stop()
        dialog, self.progress_dialog = self.progress_dialog, None
        if dialog is not None:
            dialog.stopped.disconnect()
            dialog.hide()
            dialog.deleteLater()

    def _dialog_parent(self) -> QWidget | None:
        return self.window

    # --- at login -----------------------------------------------------------------------------

    def download_at_login(self, local: Layout, then: Callable[[Layout, str], None]) -> None:
        """Download the server's copy before the workstation opens. ``then(layout, note)``
        gets the layout to open (the server's when it was taken, else ``local``) and a sentence
        for the status bar. Called exactly once, whatever happens."""
        self._set_running(True)
        flow = _LoginDownload(self, local, then)
        flow.start()

    # --- uploads ------------------------------------------------------------------------------

    def upload(
        self,
        layout: Layout,
        then: Then | None = None,
        *,
        explicit: bool = False,
        ask: bool = True,
    ) -> None:
        """Store ``layout`` (just saved locally) on the server; one upload at a time (asked
        for during one, it follows with the newest layout). ``explicit``: File > Save Settings
        (a failure is also shown in a message box). ``ask=False``: nobody is there to answer
        (the auto log-off): a conflict leaves the server's copy as it is."""
        request = _Request(layout, [then] if then is not None else [], explicit, ask)
        if self._running:
            self._pending = request if self._pending is None else self._pending.merged(request)
            return
        self._set_running(True)
        _Upload(self, request).start()

    def _upload_done(self) -> None:
        if self._pending is not None:
            request, self._pending = self._pending, None
            _Upload(self, request).start()
            return
        self._set_running(False)

    def when_idle(self, then: Callable[[], None]) -> None:
        """``then()`` once no upload or download runs or waits (at once if none)."""
        if self._running:
            self._idle_waiters.append(then)
        else:
            then()

    def upload_before_leaving(
        self, layout: Layout | None, then: Callable[[bool], None], *, ask: bool = True
    ) -> None:
        """Leaving (Exit, Log Out): wait for an upload in flight, then upload ``layout`` (if
        not ``None``), in a progress dialog. ``then(True)``: go; ``then(False)``: the user chose
        to stay. With ``ask=False`` (the auto log-off) nobody is asked: a failure or a
        conflict leaves the server's copy as it is."""
        _Leaving(self, layout, then, ask).start()

    # --- recovery -----------------------------------------------------------------------------

    def restore_version(
        self,
        number: int,
        then: Callable[[object], None],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Make server version ``number`` the local settings and the server's current copy;
        ``then(ServerCopy)`` or ``then(error)``. The window's local saves are flushed first."""

        def go() -> None:
            task = self.submit(
                "settings-restore-version",
                lambda settings, report: settings.restore_version(number, progress=report),
            )
            if progress is not None:
                task.progress.connect(progress)
            task.succeeded.connect(ended)
            task.failed.connect(ended)

        def ended(result: object) -> None:
            self.after_take()
            then(result)

        self.before_take(go)

    # --- shared steps -------------------------------------------------------------------------

    def ask_conflict(
        self, conflict: SettingsConflict, answered: Callable[[ConflictChoice | None], None]
    ) -> None:
        """Compare the two layouts on the worker (a large one takes a while), then show the
        conflict dialog; ``answered(choice)`` (``None``: Cancel)."""
        self._close_progress_dialog()
        task = self.worker.submit(
            "settings-compare", compare, conflict.local, conflict.server.layout, owner=self
        )
        task.succeeded.connect(
            lambda comparison: self._show_conflict(conflict, comparison, answered)
        )
        task.failed.connect(lambda _error: self._show_conflict(conflict, None, answered))

    def _show_conflict(
        self,
        conflict: SettingsConflict,
        comparison: LayoutComparison | None,
        answered: Callable[[ConflictChoice | None], None],
    ) -> None:
        copy = conflict.server
        dialog = SettingsConflictDialog(
            conflict.local,
            copy.layout,
            server_saved_at=copy.version.saved_at,
            server_machine=copy.version.machine,
            comparison=comparison,
            parent=self._dialog_parent(),
        )
        self.conflict_dialog = dialog

        def finished(_result: int) -> None:
            choice = dialog.choice
            self.conflict_dialog = None
            dialog.deleteLater()
            answered(choice)

        dialog.finished.connect(finished)
        dialog.open()

    def take(self, copy: ServerCopy, then: Callable[[Layout | BaseException], None]) -> None:
        """Replace the local settings with the server's ``copy`` (a backup of them is kept),
        after the window's local saves; ``then(layout)`` or ``then(error)``."""

        def go() -> None:
            task = self.submit("settings-take-server", functools.partial(_take, copy))
            task.succeeded.connect(ended)
            task.failed.connect(ended)

        def ended(result: object) -> None:
            self.after_take()
            then(result if isinstance(result, Layout | BaseException) else RuntimeError("?"))

        self.before_take(go)

    def taken_note(self, copy: ServerCopy) -> str:
        return self.tr(
            "The settings saved on the server at {time} by {machine} are in use (version "
            "{number}). This computer's settings were kept as a backup."
        ).format(
            time=saved_time(copy.version.saved_at),
            machine=copy.version.machine,
            number=copy.version.number,
        )

    def saved_note(self, version: SettingsVersion) -> str:
        return self.tr("Settings saved to the server (version {number}).").format(
            number=version.number
        )

    def deferred_note(self) -> str:
        return self.tr(
            "The settings were not saved to the server: another computer saved settings there "
            "first. Use File > Layout Settings > Save Settings to choose which to keep."
        )

    def upload_failed_note(self, error: BaseException) -> str:
        return self.tr(
            "Saving settings to the server failed; your settings are saved on this computer. "
            "{reason}"
        ).format(reason=describe_server_error(error))

    def close_all(self) -> None:
        """The window goes: close what this controller shows (the calls run to their end)."""
        if self._stop is not None:
            self._stop.set()
        self._close_progress_dialog()
        for dialog in (self.conflict_dialog, self.message_box, self.failure_box):
            if dialog is not None:
                dialog.close()


# --- the flows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    """An upload asked for."""

    layout: Layout
    callbacks: list[Then]
    explicit: bool
    ask: bool

    def merged(self, newer: _Request) -> _Request:
        """One upload for both: the newer layout, everyone told."""
        return _Request(
            newer.layout,
            self.callbacks + newer.callbacks,
            self.explicit or newer.explicit,
            self.ask or newer.ask,
        )


class _LoginDownload(QObject):
    """download_at_login: progress, Retry, the conflict, and the one call of ``then``."""

    def __init__(
        self,
        owner: ServerSettingsController,
        local: Layout,
        then: Callable[[Layout, str], None],
    ) -> None:
        super().__init__(owner)
        self.owner = owner
        self.local = local
        self.then = then
        self.answered = False
        self.dialog: ProgressDialog | None = None

    def start(self) -> None:
        owner = self.owner
        stop = threading.Event()
        owner._stop = stop
        self.dialog = dialog = owner._open_progress_dialog(
            None,
            lambda: (
                self.tr("TWS Companion"),
                self.tr("Downloading settings from server…"),
                self.tr("Use This Computer's Settings"),
            ),
        )
        task = owner.submit("settings-download", _download, stop=stop)
        task.progress.connect(dialog.set_progress)
        task.succeeded.connect(self._downloaded)
        task.failed.connect(self._failed)
        dialog.stopped.connect(functools.partial(self._stopped, stop))

    def _finish(self, layout: Layout, note: str) -> None:
        owner = self.owner
        owner._close_progress_dialog(self.dialog)
        owner._stop = None
        if not self.answered:
            self.answered = True
            self.then(layout, note)
        owner._set_running(False)
        self.deleteLater()

    def _stopped(self, stop: threading.Event) -> None:
        """The user stopped waiting: the workstation opens with this computer's settings. The
        call stops at its next progress report; should the server's copy have been taken
        already, ``layoutTaken`` brings it."""
        stop.set()
        self.owner._close_progress_dialog(self.dialog)
        if not self.answered:
            self.answered = True
            self.then(
                self.local,
                self.tr(
                    "Downloading settings from server was stopped. This computer's settings "
                    "are in use."
                ),
            )

    @Slot(object)
    def _downloaded(self, result: object) -> None:
        if not isinstance(result, Downloaded):
            self._failed(RuntimeError("no download"))
            return
        number = result.version.number if result.version is not None else "?"
        if result.outcome is DownloadOutcome.TAKEN and result.layout is not None:
            if self.answered:
                self.owner.layoutTaken.emit(result.layout)
            note = self.tr("The settings from the server are in use (version {number}).").format(
                number=number
            )
            self._finish(result.layout, note)
        elif result.outcome is DownloadOutcome.UP_TO_DATE:
            self._finish(
                self.local,
                self.tr("Your settings are the same as on the server (version {number}).").format(
                    number=number
                ),
            )
        else:
            self._finish(
                self.local,
                self.tr(
                    "There are no settings on the server yet: File > Layout Settings > Save "
                    "Settings stores them there."
                ),
            )

    @Slot(object)
    def _failed(self, error: object) -> None:
        if self.answered:  # the user stopped waiting: nothing more to say
            self._finish(self.local, "")
            return
        if isinstance(error, SettingsConflict):
            self.owner.ask_conflict(error, functools.partial(self._chosen, error))
            return
        self.owner._close_progress_dialog(self.dialog)
        reason = (
            describe_server_error(error)
            if isinstance(error, BaseException)
            else self.tr("Something went wrong.")
        )

        def texts() -> tuple[str, str, str]:
            return (
                self.tr("TWS Companion"),
                self.tr("Downloading settings from server failed"),
                self.tr("{reason}\n\nThis computer's settings stay in use.").format(reason=reason),
            )

        box = TranslatedMessageBox(
            None,
            QMessageBox.Icon.Warning,
            texts,
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close,
            QMessageBox.StandardButton.Retry,
        )
        box.setEscapeButton(QMessageBox.StandardButton.Close)
        box.setObjectName("downloadFailed")
        self.owner.failure_box = box

        def answered(result: int) -> None:
            self.owner.failure_box = None
            box.deleteLater()
            if result == QMessageBox.StandardButton.Retry:
                self.start()
            else:
                self._finish(
                    self.local,
                    self.tr(
                        "Downloading settings from server failed. This computer's settings are "
                        "in use."
                    ),
                )

        box.finished.connect(answered)
        box.open()

    def _chosen(self, conflict: SettingsConflict, choice: ConflictChoice | None) -> None:
        owner = self.owner
        if choice is ConflictChoice.TAKE_SERVER:
            owner.take(conflict.server, functools.partial(self._taken, conflict))
        elif choice is ConflictChoice.KEEP_THIS_COMPUTER:
            self.dialog = dialog = owner._open_progress_dialog(
                None,
                lambda: (
                    self.tr("TWS Companion"),
                    self.tr("Saving this computer's settings to the server…"),
                    "",
                ),
            )
            task = owner.submit("settings-keep-local", functools.partial(_keep_local, conflict))
            task.progress.connect(dialog.set_progress)
            task.succeeded.connect(self._kept)
            task.failed.connect(self._keep_failed)
        else:
            self._finish(self.local, owner.deferred_note())

    def _taken(self, conflict: SettingsConflict, result: object) -> None:
        if isinstance(result, Layout):
            self._finish(result, self.owner.taken_note(conflict.server))
        else:
            error = result if isinstance(result, BaseException) else RuntimeError(str(result))
            self._finish(
                self.local,
                self.tr(
                    "The settings from the server could not be used: {reason} This computer's "
                    "settings are in use."
                ).format(reason=describe_server_error(error)),
            )

    @Slot(object)
    def _kept(self, version: object) -> None:
        note = (
            self.owner.saved_note(version)
            if isinstance(version, SettingsVersion)
            else self.tr("This computer's settings are in use.")
        )
        self._finish(self.local, note)

    @Slot(object)
    def _keep_failed(self, error: object) -> None:
        if isinstance(error, SettingsConflict):  # a third save came in between: ask again
            self.owner.ask_conflict(error, functools.partial(self._chosen, error))
            return
        failure = error if isinstance(error, BaseException) else RuntimeError(str(error))
        self._finish(self.local, self.owner.upload_failed_note(failure))


class _Upload(QObject):
    """upload(): progress in the status bar, the result, a conflict."""

    def __init__(self, owner: ServerSettingsController, request: _Request) -> None:
        super().__init__(owner)
        self.owner = owner
        self.request = request

    def start(self) -> None:
        task = self.owner.submit("settings-upload", functools.partial(_upload, self.request.layout))
        self._follow(task, lambda: self.tr("Saving settings to the server…"))

    def _follow(self, task: Task, action: Callable[[], str]) -> None:
        self.owner._start_progress(action, task)
        task.succeeded.connect(self._stored)
        task.failed.connect(self._failed)

    def _finish(self, result: SyncResult) -> None:
        for callback in self.request.callbacks:
            callback(result)
        self.owner._upload_done()
        self.deleteLater()

    @Slot(object)
    def _stored(self, version: object) -> None:
        if not isinstance(version, SettingsVersion):
            self._failed(RuntimeError("no version"))
            return
        self.owner._status(self.owner.saved_note(version))
        self._finish(SyncResult(version=version))

    @Slot(object)
    def _failed(self, error: object) -> None:
        if isinstance(error, SettingsConflict):
            if self.request.ask:
                self.owner.ask_conflict(error, functools.partial(self._chosen, error))
            else:
                self._chosen(error, None)
            return
        failure = error if isinstance(error, BaseException) else RuntimeError(str(error))
        owner = self.owner
        note = owner.upload_failed_note(failure)
        owner._status(note, 0)
        if self.request.explicit and owner.message_box is None:
            reason = describe_server_error(failure)

            def texts() -> tuple[str, str, str]:
                return (
                    self.tr("Saving settings to the server failed"),
                    self.tr("Your settings could not be saved to the server."),
                    self.tr(
                        "{reason}\n\nYour settings are saved on this computer. They are saved "
                        "to the server again with File > Layout Settings > Save Settings, the "
                        "auto-save, or on exit."
                    ).format(reason=reason),
                )

            box = TranslatedMessageBox(owner.window, QMessageBox.Icon.Warning, texts)
            box.setModal(False)
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.destroyed.connect(lambda: setattr(owner, "message_box", None))
            owner.message_box = box
            box.show()
        self._finish(SyncResult(error=failure))

    def _chosen(self, conflict: SettingsConflict, choice: ConflictChoice | None) -> None:
        owner = self.owner
        if choice is ConflictChoice.KEEP_THIS_COMPUTER:
            task = owner.submit("settings-keep-local", functools.partial(_keep_local, conflict))
            self._follow(task, lambda: self.tr("Saving this computer's settings to the server…"))
        elif choice is ConflictChoice.TAKE_SERVER:
            owner.take(conflict.server, functools.partial(self._taken, conflict))
        else:
            owner._status(owner.deferred_note(), 0)
            self._finish(SyncResult(deferred=True))

    def _taken(self, conflict: SettingsConflict, result: object) -> None:
        owner = self.owner
        if isinstance(result, Layout):
            owner._status(owner.taken_note(conflict.server))
            self._finish(SyncResult(taken=result))
            return
        error = result if isinstance(result, BaseException) else RuntimeError(str(result))
        owner._status(
            self.tr("The settings from the server could not be used: {reason}").format(
                reason=describe_server_error(error)
            ),
            0,
        )
        self._finish(SyncResult(error=error))


class _Leaving(QObject):
    """upload_before_leaving(): wait, upload, and on a failure ask whether to go anyway."""

    def __init__(
        self,
        owner: ServerSettingsController,
        layout: Layout | None,
        then: Callable[[bool], None],
        ask: bool,
    ) -> None:
        super().__init__(owner)
        self.owner = owner
        self.layout = layout
        self.then = then
        self.ask = ask
        self.answered = False
        self.dialog: ProgressDialog | None = None

    def start(self) -> None:
        owner = self.owner
        if not self.ask and owner.conflict_dialog is not None:
            owner.conflict_dialog.reject()  # nobody is there to answer: decide later
        if self.layout is None and not owner.busy:
            self._finish(True)
            return
        self.dialog = dialog = owner._open_progress_dialog(
            owner.window,
            lambda: (
                self.tr("Saving Settings to the Server"),
                self.tr("Saving settings to the server before leaving…"),
                self.tr("Leave Without Waiting"),
            ),
        )
        dialog.stopped.connect(lambda: self._finish(True))
        owner.progressed.connect(dialog.set_progress)
        owner.when_idle(self._upload)

    def _upload(self) -> None:
        if self.answered:
            return
        if self.layout is None:
            self._finish(True)
            return
        self.owner.upload(self.layout, self._uploaded, ask=self.ask)

    def _uploaded(self, result: SyncResult) -> None:
        if self.answered:
            return
        if result.error is None or not self.ask:
            self._finish(True)
            return
        self._ask_after_failure(result.error)

    def _ask_after_failure(self, error: BaseException) -> None:
        owner = self.owner
        owner._close_progress_dialog(self.dialog)
        reason = describe_server_error(error)

        def texts() -> tuple[str, str, str]:
            return (
                self.tr("Saving settings to the server failed"),
                self.tr("Your settings could not be saved to the server."),
                self.tr(
                    "{reason}\n\nYour settings are saved on this computer. Leave without "
                    "saving them to the server?"
                ).format(reason=reason),
            )

        box = TranslatedMessageBox(owner.window, QMessageBox.Icon.Warning, texts)
        box.setStandardButtons(QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel)
        leave = box.addButton(
            self.tr("&Leave Without Saving to the Server"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.setDefaultButton(QMessageBox.StandardButton.Retry)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("uploadBeforeLeavingFailed")
        owner.failure_box = box

        def answered(_result: int) -> None:
            owner.failure_box = None
            clicked = box.clickedButton()
            box.deleteLater()
            if clicked is leave:
                self._finish(True)
            elif clicked is box.button(QMessageBox.StandardButton.Retry):
                self.start()
            else:
                self._finish(False)

        box.finished.connect(answered)
        box.open()

    def _finish(self, leave: bool) -> None:
        if self.answered:
            return
        self.answered = True
        owner = self.owner
        owner._close_progress_dialog(self.dialog)
        self.then(leave)
        self.deleteLater()
