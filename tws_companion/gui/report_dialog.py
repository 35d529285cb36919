"""Help > Report a login problem: the diagnostics bundle, shown file by file before it is saved.

:class:`ReportDialog` gathers the bundle on the worker (``support.bundle.gather_bundle``: the
recent login traces, the app's logs, the environment with what Qt knows, and a summary of the
settings without their content), then lists its files with their sizes; selecting one shows its
exact text (the environment first). Nothing leaves the computer: "Save..." asks where to save the
zip (Qt's own file dialog, with the removable and network drives) and writes it on the worker; a
write that fails (a full or read-only drive, a pulled stick) is explained in a warning, and a file
already there is left as it was.

:func:`record_login_traces` makes the login dialog record its login traces (written on the
worker); :func:`display_info` is what Qt knows for a login trace or a bundle (the Qt version, its
platform, the screens, the language shown). This module imports nothing heavy at import time
(the login window may import it after its first paint); the file dialog helpers load when
"Save..." is used.

Signals: ``saved(str)`` the path written; ``saveFailed(str)`` the message shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal, Slot, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.worker import Task, Worker
from tws_companion.support.bundle import (
    ENVIRONMENT_NAME,
    Bundle,
    gather_bundle,
    write_bundle,
)
from tws_companion.support.environment import DisplayInfo, Screen
from tws_companion.support.locations import home_of

if TYPE_CHECKING:  # the file dialog helpers load the keyring: only when "Save..." is used
    from tws_companion.client.login_machine import LoginMachine
    from tws_companion.gui.layout_dialogs import (
        FileDialogStart,
        FolderMemory,
        TranslatedMessageBox,
    )
    from tws_companion.support.recorder import CompletedLogin, TraceRecorder

__all__ = ["ReportDialog", "display_info", "record_login_traces"]

#: A file's text shown in the dialog is cut after this many characters (a long log).
_SHOWN_CHARS = 200_000
#: A hung network drive must not keep the save dialog from opening.
_DRIVES_TIMEOUT_MS = 2000


def display_info(language: str) -> DisplayInfo:
    """What Qt knows of this session, for a login trace or a bundle; ``language``: the one the
    app shows. On the GUI thread."""
    primary = QGuiApplication.primaryScreen()
    screens = tuple(
        Screen(
            x=screen.geometry().x(),
            y=screen.geometry().y(),
            width=screen.geometry().width(),
            height=screen.geometry().height(),
            device_pixel_ratio=float(screen.devicePixelRatio()),
            primary=screen is primary,
        )
        for screen in QGuiApplication.screens()
    )
    return DisplayInfo(qVersion(), QGuiApplication.platformName(), screens, language)


def record_login_traces(
    machine: LoginMachine,
    dialog: QDialog,
    worker: Worker,
    *,
    home: Path | None,
    language: Callable[[], str],
) -> TraceRecorder:
    """Record every login attempt of the login ``dialog`` (driving ``machine``) as a login
    trace in the log folder of ``home`` (``--home``; ``None``: the default one). Traces are
    written on ``worker``; an attempt still open when the dialog closes is written as abandoned.
    ``language`` returns the language the app shows. Call it after the dialog's first paint."""
    from tws_companion.support.login_traces import SURFACE_DIALOG, login_trace_recorder

    def write_on_worker(
        write: Callable[[CompletedLogin], object], completed: CompletedLogin
    ) -> object:
        return worker.submit("login-trace", write, completed)

    recorder = login_trace_recorder(
        SURFACE_DIALOG,
        home=home,
        display=lambda: display_info(language()),
        run_write=write_on_worker,
    )
    machine.observe(recorder)
    dialog.finished.connect(lambda _result: recorder.close())
    return recorder


class ReportDialog(QDialog):
    """The diagnostics bundle of the machine whose data root is ``root``, shown, then saved.

    ``language``: the language the app shows (for the environment); ``folders``: where the
    save dialog starts (default: the folder last used for a settings file).
    """

    saved = Signal(str)
    saveFailed = Signal(str)

    def __init__(
        self,
        worker: Worker,
        root: Path,
        *,
        language: str = "en",
        folders: FolderMemory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.worker = worker
        self.root = Path(root)
        self.language = language
        self._folders = folders
        self.bundle: Bundle | None = None
        self.path: Path | None = None
        self.file_dialog: QFileDialog | None = None
        self.error_box: TranslatedMessageBox | None = None
        self._gather_failed = False
        self._saving = False
        self._start: FileDialogStart | None = None
        self._prepare: Task | None = None
        self._drives_timer = QTimer(self)
        self._drives_timer.setSingleShot(True)
        self._drives_timer.timeout.connect(self._drives_late)
        self._build()
        self.retranslate()
        self.resize(960, 560)
        self._gather()

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.files_label = QLabel()
        self.files = QListWidget()
        self.files.setObjectName("bundleFiles")
        self.files.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files_label.setBuddy(self.files)
        self.content_label = QLabel()
        self.content = QPlainTextEdit()
        self.content.setObjectName("bundleContent")
        self.content.setReadOnly(True)
        self.content.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.content.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.content_label.setBuddy(self.content)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton()
        self.save_button.setObjectName("primary")
        self.save_button.setEnabled(False)
        self.save_button.setDefault(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.choose_path)
        self.files.currentRowChanged.connect(self._show_file)

        left = QVBoxLayout()
        left.addWidget(self.files_label)
        left.addWidget(self.files)
        right = QVBoxLayout()
        right.addWidget(self.content_label)
        right.addWidget(self.content)
        columns = QHBoxLayout()
        columns.addLayout(left, 4)
        columns.addLayout(right, 5)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(columns, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.files, self.content)
        self.setTabOrder(self.content, self.save_button)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Report a Login Problem"))
        self.intro.setText(
            self.tr(
                "These files help support see what happened when you logged in. They hold no "
                "password, security code, response or session, and your user name only as a "
                "code that support cannot turn back into it. Select a file to see exactly what "
                "it contains. Nothing is sent: save the file, then send it to support yourself."
            )
        )
        self.files_label.setText(self.tr("&Files in the report:"))
        self.content_label.setText(self.tr("&Content of the selected file:"))
        self.save_button.setText(self.tr("&Save..."))
        self._show_state()

    # --- what the bundle holds ----------------------------------------------------------------

    def _gather(self) -> None:
        info = display_info(self.language)
        task = self.worker.submit(
            "gather-report", gather_bundle, home_of(self.root), info, owner=self
        )
        task.succeeded.connect(self._gathered)
        task.failed.connect(self._gather_error)

    @Slot(object)
    def _gathered(self, bundle: object) -> None:
        if not isinstance(bundle, Bundle):
            return
        self.bundle = bundle
        self.files.clear()
        for entry in bundle.entries:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, entry.name)
            self.files.addItem(item)
        self._show_state()
        names = [entry.name for entry in bundle.entries]
        self.files.setCurrentRow(names.index(ENVIRONMENT_NAME) if ENVIRONMENT_NAME in names else 0)
        self.save_button.setEnabled(True)
        self.files.setFocus()

    @Slot(object)
    def _gather_error(self, _error: object) -> None:
        self._gather_failed = True
        self._show_state()

    def _show_state(self) -> None:
        """The texts that depend on the bundle: the file list's sizes, the status line."""
        from tws_companion.gui.layout_dialogs import data_size

        bundle = self.bundle
        if bundle is None:
            self.status.setText(
                self.tr("The report could not be put together.")
                if self._gather_failed
                else self.tr("Putting the report together…")
            )
            return
        for row, entry in enumerate(bundle.entries):
            item = self.files.item(row)
            if item is not None:
                item.setText(f"{entry.name}  ({data_size(entry.size)})")
                item.setToolTip(item.text())
        if self.path is not None and not self._saving:
            self.status.setText(self.tr("Report saved to {path}").format(path=self.path))
        elif not self._saving:
            self.status.setText(
                self.tr("{count} files, {size} in all.").format(
                    count=len(bundle.entries), size=data_size(bundle.size)
                )
            )

    @Slot(int)
    def _show_file(self, row: int) -> None:
        if self.bundle is None or not 0 <= row < len(self.bundle.entries):
            self.content.clear()
            return
        text = self.bundle.entries[row].data.decode("utf-8", errors="replace")
        if len(text) > _SHOWN_CHARS:
            text = text[:_SHOWN_CHARS] + "\n…"
        self.content.setPlainText(text)

    def file_text(self, name: str) -> str:
        """The text the dialog shows for the file ``name`` (``environment.txt``...)."""
        if self.bundle is None:
            raise KeyError(name)
        return self.bundle.text_of(name)

    @property
    def file_names(self) -> list[str]:
        """The files listed, in order."""
        return [
            str(self.files.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.files.count())
        ]

    # --- saving -------------------------------------------------------------------------------

    def _folder_memory(self) -> FolderMemory:
        from tws_companion.gui.layout_dialogs import FOLDERS

        return self._folders if self._folders is not None else FOLDERS

    @Slot()
    def choose_path(self) -> None:
        """Save...: where the zip goes (the drives are found on the worker first)."""
        from tws_companion.gui.layout_dialogs import prepare_file_dialog

        if self.bundle is None or self._saving or self.file_dialog is not None:
            return
        self._start = None
        self._prepare = self.worker.submit(
            "report-dialog-drives", prepare_file_dialog, self._folder_memory().get(), owner=self
        )
        self._prepare.succeeded.connect(self._prepared)
        self._prepare.failed.connect(self._prepare_failed)
        self._drives_timer.start(_DRIVES_TIMEOUT_MS)

    @Slot(object)
    def _prepared(self, start: object) -> None:
        from tws_companion.gui.layout_dialogs import FileDialogStart

        if isinstance(start, FileDialogStart) and self._start is None:
            self._drives_timer.stop()
            self._start = start
            self._open_file_dialog()

    @Slot(object)
    def _prepare_failed(self, _error: object) -> None:
        self._drives_late()

    @Slot()
    def _drives_late(self) -> None:
        from tws_companion.gui.layout_dialogs import FileDialogStart

        self._drives_timer.stop()
        if self._start is None:
            self._start = FileDialogStart((), self._folder_memory().get() or Path.home())
            self._open_file_dialog()

    def _open_file_dialog(self) -> None:
        start = self._start
        if start is None or self.file_dialog is not None:
            return
        dialog = QFileDialog(self, self.tr("Save the Report As"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter(self.tr("Zip archives (*.zip)"))
        dialog.setDefaultSuffix("zip")
        dialog.setDirectory(str(start.directory))
        homes = [d.mountpoint for d in start.drives if d.is_home] or [Path.home()]
        others = [d.mountpoint for d in start.drives if not d.is_home]
        dialog.setSidebarUrls([QUrl.fromLocalFile(str(path)) for path in homes + others])
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        dialog.selectFile(f"tws-companion-report-{stamp}.zip")
        dialog.finished.connect(self._path_chosen)
        self.file_dialog = dialog
        dialog.open()

    @Slot(int)
    def _path_chosen(self, result: int) -> None:
        dialog, self.file_dialog = self.file_dialog, None
        if dialog is None:
            return
        files = dialog.selectedFiles()
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and files:
            self.save_to(Path(files[0]))

    def save_to(self, path: Path) -> None:
        """Write the bundle to ``path`` on the worker."""
        if self.bundle is None or self._saving:
            return
        self._saving = True
        self.path = Path(path)
        self._folder_memory().set(self.path.parent)
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Saving the report to {path}…").format(path=self.path))
        task = self.worker.submit("save-report", write_bundle, self.bundle, self.path, owner=self)
        task.succeeded.connect(self._saved)
        task.failed.connect(self._save_failed)

    @Slot(object)
    def _saved(self, _path: object) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._show_state()
        self.saved.emit(str(self.path))

    @Slot(object)
    def _save_failed(self, error: object) -> None:
        from PySide6.QtWidgets import QMessageBox

        from tws_companion.gui.layout_dialogs import TranslatedMessageBox, describe_storage_error

        self._saving = False
        self.save_button.setEnabled(True)
        path = self.path
        self.path = None
        reason = (
            describe_storage_error(error)
            if isinstance(error, BaseException)
            else self.tr("The report could not be saved.")
        )

        def texts() -> tuple[str, str, str]:
            return (
                self.tr("Report a Login Problem"),
                self.tr("The report was not saved to {path}.").format(path=path),
                reason
                + "\n\n"
                + self.tr("A file already there under that name was left as it was."),
            )

        self.status.setText(self.tr("The report was not saved to {path}.").format(path=path))
        box = TranslatedMessageBox(self, QMessageBox.Icon.Warning, texts)
        box.finished.connect(self._error_closed)
        self.error_box = box
        box.open()
        self.saveFailed.emit(reason)

    @Slot(int)
    def _error_closed(self, _result: int) -> None:
        if self.error_box is not None:
            self.error_box.deleteLater()
            self.error_box = None
