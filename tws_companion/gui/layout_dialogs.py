"""File > Layout Settings > Save Settings As / Save Decrypted Settings As, and the file dialogs.

- :func:`save_settings_as` runs one "Save Settings As" (an encrypted envelope, for the same user on
  any computer) or "Save Decrypted Settings As" (plain XML for another user: it first explains
  the file format and asks Yes/No, as TWS does) and returns the running :class:`SaveAsFlow`.
  The file is written by ``SettingsProfile.save_as`` on the worker; the result is a status
  message "Settings saved to <path>" (on the parent's status bar when it is a main window, and
  as ``statusMessage``) or a warning saying what went wrong (a full, read-only or removed drive,
  the settings key missing) — the previous file is left as it was.
- :class:`SettingsFileDialog` is Qt's own (non-native) file dialog, for saving and opening
  settings files: its "Look in" drop-down (the seeds' "Look In drop-down") and its sidebar list
  the removable and network drives by name, and a "Drives" row jumps to one; the filter is
  "Settings files (*.xml)" and a saved name always ends in ".xml".
- :func:`prepare_file_dialog` (run on the worker: ``list_drives()`` and a check that the last
  folder still exists) and :class:`FolderMemory` (the folder last used) feed it.
- :func:`describe_storage_error` words a :class:`StorageError` for the user, by its type.
- :class:`TranslatedMessageBox`: a message box whose texts follow language changes.

Signals of SaveAsFlow: finished(bool) — True when the file was saved, False when the user
declined or the save failed (after the warning was closed); statusMessage(str) — what the
status bar shows ("Saving settings to …", "Settings saved to …").

Nothing here touches the disk on the GUI thread; Qt's file dialog lists folders itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, QObject, QSettings, QTimer, QUrl, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTreeView,
    QWidget,
)

from tws_companion.gui.worker import Task, Worker
from tws_companion.layout.errors import SettingsFileTooLarge, SettingsKeyMissing
from tws_companion.layout.model import Layout
from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.drives import Drive, list_drives
from tws_companion.storage.errors import (
    AccessDenied,
    AlreadyLocked,
    DriveFull,
    FileInUse,
    FileMissing,
    FileTooLarge,
    LocationGone,
    NotARegularFile,
    ReadOnlyLocation,
    StorageFailed,
    VerifyFailed,
)

__all__ = [
    "DRIVES_TIMEOUT_MS",
    "FOLDERS",
    "FileDialogStart",
    "FolderMemory",
    "SaveAsFlow",
    "SettingsFileDialog",
    "TranslatedMessageBox",
    "data_size",
    "describe_storage_error",
    "prepare_file_dialog",
    "save_settings_as",
    "shown_drives",
]

#: A hung network drive must not keep the dialog from opening: after this long it opens without
#: the drives, and they are added when they arrive.
DRIVES_TIMEOUT_MS = 2000
_STATUS_MS = 15_000


# --- where the dialogs start -----------------------------------------------------------------


class FolderMemory:
    """The folder a settings file was last saved to or opened from.

    Kept in memory for this run, and in ``settings`` (a :class:`QSettings`) when one is given, so
    that the next run starts there too.
    """

    KEY = "layout/last_folder"

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings
        self._folder: Path | None = None
        if settings is not None:
            value = settings.value(self.KEY)
            if isinstance(value, str) and value:
                self._folder = Path(value)

    def get(self) -> Path | None:
        return self._folder

    def set(self, folder: Path) -> None:
        self._folder = folder
        if self._settings is not None:
            self._settings.setValue(self.KEY, str(folder))


#: What the dialogs remember when the caller gives no :class:`FolderMemory` of its own.
FOLDERS = FolderMemory()


@dataclass(frozen=True)
class FileDialogStart:
    """What a settings file dialog needs before it opens (gathered on the worker)."""

    drives: tuple[Drive, ...]
    directory: Path


def shown_drives(drives: Sequence[Drive]) -> tuple[Drive, ...]:
    """``drives`` as the dialogs list them: in the given order, each mount point once."""
    seen: set[Path] = set()
    shown: list[Drive] = []
    for drive in drives:
        if drive.mountpoint not in seen:
            seen.add(drive.mountpoint)
            shown.append(drive)
    return tuple(shown)


def prepare_file_dialog(last: Path | None) -> FileDialogStart:
    """On the worker: the drives (removable, network, home: ``list_drives()``), and the folder to
    start in (``last`` if it still exists, else the home folder). A failure to list the drives
    leaves the list empty."""
    try:
        drives = shown_drives(list_drives())
    except (OSError, RuntimeError):
        drives = ()
    try:
        directory = last if last is not None and last.is_dir() else Path.home()
    except OSError:
        directory = Path.home()
    return FileDialogStart(drives, directory)


def data_size(size: int) -> str:
    """'2.16 KB', '3.2 GB' in the user's locale (the units people see in file managers)."""
    return QLocale().formattedDataSize(
        max(0, size), 2, QLocale.DataSizeFormat.DataSizeTraditionalFormat
    )


# --- the file dialog -------------------------------------------------------------------------


class SettingsFileDialog(QFileDialog):
    """Qt's own file dialog for settings files, with the removable and network drives.

    ``save``: a save dialog (a name always ends in ".xml", overwriting asks first), else an open
    dialog for an existing file. ``title``: returns the translated window title.
    """

    def __init__(
        self,
        parent: QWidget | None,
        *,
        save: bool,
        title: Callable[[], str],
        directory: Path,
        drives: Sequence[Drive] = (),
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._drives: tuple[Drive, ...] = ()
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        self.setAcceptMode(
            QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen
        )
        self.setFileMode(
            QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile
        )
        if save:
            self.setDefaultSuffix("xml")
        self.setDirectory(str(directory))
        self.drives_label = QLabel()
        self.drives_combo = QComboBox()
        self.drives_combo.activated.connect(self._go_to_drive)
        self.drives_label.setBuddy(self.drives_combo)
        grid = self.layout()
        if isinstance(grid, QGridLayout):  # Qt's own dialog is laid out on a grid
            row = grid.rowCount()
            grid.addWidget(self.drives_label, row, 0)
            grid.addWidget(self.drives_combo, row, 1)
        self.retranslate()
        self.set_drives(drives)
        # Wide enough that drive names in the sidebar and the file list's columns read whole.
        self.resize(960, 520)
        splitter = self.findChild(QSplitter)
        if splitter is not None:
            splitter.setSizes([220, 740])
        files = self.findChild(QTreeView)
        if files is not None:  # Name, Size, Type, Date Modified
            files.header().resizeSection(0, 280)
            files.header().resizeSection(3, 170)

    @property
    def drives(self) -> tuple[Drive, ...]:
        return self._drives

    def set_drives(self, drives: Sequence[Drive]) -> None:
        """List ``drives`` in the sidebar and the Drives row (home first in the sidebar)."""
        self._drives = tuple(drives)
        homes = [drive.mountpoint for drive in self._drives if drive.is_home] or [Path.home()]
        others = [drive.mountpoint for drive in self._drives if not drive.is_home]
        self.setSidebarUrls([QUrl.fromLocalFile(str(path)) for path in homes + others])
        self._fill_drives()

    def selected_path(self) -> Path | None:
        files = self.selectedFiles()
        return Path(files[0]) if files else None

    def accept(self) -> None:
        if self.acceptMode() is QFileDialog.AcceptMode.AcceptSave:
            path = self.selected_path()
            # A name with another suffix ("migrate.v2") still gets ".xml", before Qt's own
            # check asks whether to overwrite an existing file of that name.
            other_suffix = path is not None and path.suffix.lower() not in ("", ".xml")
            if path is not None and other_suffix and not path.is_dir():
                wanted = str(path.with_name(path.name + ".xml"))
                # selectFile() leaves the name field alone while it has the focus (after Enter)
                name_field = self.findChild(QLineEdit, "fileNameEdit")
                if isinstance(name_field, QLineEdit) and name_field.hasFocus():
                    name_field.setText(wanted)
                else:
                    self.selectFile(wanted)
        super().accept()

    @Slot(int)
    def _go_to_drive(self, index: int) -> None:
        mountpoint = self.drives_combo.itemData(index)
        if isinstance(mountpoint, str) and mountpoint:
            self.setDirectory(mountpoint)

    def _fill_drives(self) -> None:
        self.drives_combo.clear()
        if not self._drives:
            self.drives_combo.addItem(self.tr("No drive found"), "")
            self.drives_combo.setEnabled(False)
            return
        self.drives_combo.setEnabled(True)
        self.drives_combo.addItem(self.tr("Choose a drive…"), "")
        for drive in self._drives:
            self.drives_combo.addItem(self.drive_text(drive), str(drive.mountpoint))

    def drive_text(self, drive: Drive) -> str:
        """'STICK — USB or removable drive, 3.2 GB free (/media/me/STICK)'."""
        if drive.is_home:
            name, kind = self.tr("Home"), self.tr("your home folder")
        else:
            name = drive.name
            kind = {
                "removable": self.tr("USB or removable drive"),
                "network": self.tr("Network drive"),
            }.get(drive.kind, self.tr("Local drive"))
        details = [kind]
        if drive.free_bytes is not None:
            free = data_size(drive.free_bytes)
            details.append(self.tr("{size} free").format(size=free))
        if drive.read_only:
            details.append(self.tr("read-only"))
        return self.tr("{name} — {details} ({path})").format(
            name=name, details=", ".join(details), path=drive.mountpoint
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self._title())
        self.setNameFilter(self.tr("Settings files (*.xml)"))
        self.drives_label.setText(self.tr("&Drives:"))
        # Qt's own translations lack these labels of its dialog in some languages (Chinese).
        label = QFileDialog.DialogLabel
        self.setLabelText(label.LookIn, self.tr("&Look in:"))
        self.setLabelText(label.FileName, self.tr("File &name:"))
        self.setLabelText(label.FileType, self.tr("Files of &type:"))
        self.drives_combo.setToolTip(self.tr("Go to a USB stick or a network drive"))
        if hasattr(self, "_drives"):
            self._fill_drives()


# --- messages --------------------------------------------------------------------------------


class TranslatedMessageBox(QMessageBox):
    """A message box whose title, text and informative text come from ``texts()``, read again
    on every language change."""

    def __init__(
        self,
        parent: QWidget | None,
        icon: QMessageBox.Icon,
        texts: Callable[[], tuple[str, str, str]],
        buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
        default: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    ) -> None:
        super().__init__(parent)
        self._texts = texts
        self.setIcon(icon)
        self.setStandardButtons(buttons)
        self.setDefaultButton(default)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        title, text, informative = self._texts()
        self.setWindowTitle(title)
        self.setText(text)
        self.setInformativeText(informative)


class _StorageWords(QObject):
    """Holds the translated sentences for storage errors (their tr() context)."""

    def describe(self, error: BaseException) -> str:
        if isinstance(error, DriveFull):
            return self.tr(
                "The drive is full. Free some space on it or choose another drive, then try again."
            )
        if isinstance(error, ReadOnlyLocation):
            return self.tr(
                "The folder {folder} cannot be written to: the drive is read-only (or "
                "write-protected) or you do not have permission to write there. Choose another "
                "folder or drive."
            ).format(folder=error.path.parent)
        if isinstance(error, AccessDenied):
            return self.tr(
                "You do not have permission to read {path}. Ask the owner of the file for a "
                "copy, or choose another file."
            ).format(path=error.path)
        if isinstance(error, LocationGone):
            return self.tr(
                "The folder {folder} is no longer available: was the USB stick pulled out or "
                "the network drive disconnected? Connect it again and try again, or choose "
                "another folder."
            ).format(folder=error.path.parent)
        if isinstance(error, FileMissing):
            return self.tr(
                "The file {path} does not exist (any more). Choose another file."
            ).format(path=error.path)
        if isinstance(error, FileInUse):
            return self.tr(
                "{path} is in use by another program. Close that program and try again."
            ).format(path=error.path)
        if isinstance(error, NotARegularFile):
            return self.tr("{path} is not a file. Choose a settings file.").format(path=error.path)
        if isinstance(error, FileTooLarge | SettingsFileTooLarge):
            return self.tr(
                "The file is too large to be a settings file. Choose the .xml file saved with "
                "Save Settings As or Save Decrypted Settings As."
            )
        if isinstance(error, VerifyFailed):
            return self.tr(
                "The file was written, but reading it back gave different content: the drive "
                "may be failing. Save again, or choose another drive."
            )
        if isinstance(error, AlreadyLocked):
            return self.tr(
                "TWS Companion is already running for this user on this computer. Switch to "
                "that window, or close it and try again."
            )
        if isinstance(error, SettingsKeyMissing):
            return self.tr(
                "Your settings key is not on this computer yet. Log in once with your security "
                "device (the key is then kept in the system keyring), then try again."
            )
        if isinstance(error, StorageFailed):
            return self.tr("The operating system reported: {reason}. Try again.").format(
                reason=error.reason
            )
        reason = getattr(error, "strerror", None) or type(error).__name__
        return self.tr("The operating system reported: {reason}. Try again.").format(reason=reason)


def describe_storage_error(error: BaseException) -> str:
    """What went wrong with a file or a drive, in the user's language, chosen by the error's
    type (a :class:`StorageError`, :class:`SettingsKeyMissing` or a plain :class:`OSError`)."""
    return _StorageWords().describe(error)


# --- Save Settings As ------------------------------------------------------------------------


class SaveAsFlow(QObject):
    """One Save Settings As / Save Decrypted Settings As, from the first question to the result.

    It lives until it has finished (a child of the parent window), then deletes itself.
    """

    finished = Signal(bool)
    statusMessage = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        profile: SettingsProfile,
        worker: Worker,
        layout: Layout,
        *,
        decrypted: bool,
        folders: FolderMemory | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self.profile = profile
        self.worker = worker
        self.layout = layout
        self.decrypted = decrypted
        self.folders = folders or FOLDERS
        self.format_box: TranslatedMessageBox | None = None
        self.dialog: SettingsFileDialog | None = None
        self.error_box: TranslatedMessageBox | None = None
        self.path: Path | None = None
        self.saved = False
        self._start: FileDialogStart | None = None
        self._confirmed = not decrypted
        self._done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._drives_late)
        self._prepare: Task | None = None

    # --- steps ---

    def start(self) -> None:
        self._prepare = self.worker.submit(
            "settings-dialog-drives", prepare_file_dialog, self.folders.get(), owner=self
        )
        self._prepare.succeeded.connect(self._prepared)
        self._prepare.failed.connect(self._prepare_failed)
        self._timer.start(DRIVES_TIMEOUT_MS)
        if self.decrypted:
            self._ask_format()

    def title(self) -> str:
        return (
            self.tr("Save Decrypted Settings As") if self.decrypted else self.tr("Save Settings As")
        )

    def _format_texts(self) -> tuple[str, str, str]:
        return (
            self.tr("Save Decrypted Settings As"),
            self.tr("The settings will be saved as plain, unencrypted XML."),
            self.tr(
                "Anyone who gets this file can read it (your workspaces, watchlists, notes and "
                "Global Configuration) and import it. Use it to move your layout settings to "
                "another user.\n\nTo move your settings to another computer for yourself, use "
                "Save Settings As instead: it encrypts the file so that only you can open it."
                "\n\nSave the settings unencrypted?"
            ),
        )

    def _ask_format(self) -> None:
        yes_no = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        box = TranslatedMessageBox(
            self.window,
            QMessageBox.Icon.Information,
            self._format_texts,
            yes_no,
            QMessageBox.StandardButton.Yes,
        )
        box.setEscapeButton(QMessageBox.StandardButton.No)
        box.finished.connect(self._format_answered)
        self.format_box = box
        box.open()

    @Slot(int)
    def _format_answered(self, _result: int) -> None:
        box = self.format_box
        if box is None:
            return
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        self.format_box = None
        box.deleteLater()
        if not yes:
            self._finish(False)
            return
        self._confirmed = True
        self._open_dialog()

    @Slot(object)
    def _prepared(self, start: object) -> None:
        if not isinstance(start, FileDialogStart):
            return
        self._start = start
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.set_drives(start.drives)
        else:
            self._open_dialog()

    @Slot(object)
    def _prepare_failed(self, _error: object) -> None:
        self._drives_late()

    @Slot()
    def _drives_late(self) -> None:
        self._timer.stop()
        if self._start is None:
            self._start = FileDialogStart((), self.folders.get() or Path.home())
        self._open_dialog()

    def _open_dialog(self) -> None:
        if self._done or not self._confirmed or self._start is None or self.dialog is not None:
            return
        dialog = SettingsFileDialog(
            self.window,
            save=True,
            title=self.title,
            directory=self._start.directory,
            drives=self._start.drives,
        )
        dialog.finished.connect(self._file_chosen)
        self.dialog = dialog
        dialog.open()

    @Slot(int)
    def _file_chosen(self, result: int) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        path = dialog.selected_path() if result == QFileDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        if path is None:
            self._finish(False)
            return
        self.path = path
        self.folders.set(path.parent)
        self._status(self.tr("Saving settings to {path}…").format(path=path))
        save = partial(self.profile.save_as, path, self.layout, decrypted=self.decrypted)
        task = self.worker.submit("save-settings-as", save, owner=self)
        task.succeeded.connect(self._saved)
        task.failed.connect(self._failed)

    @Slot(object)
    def _saved(self, _result: object) -> None:
        self.saved = True
        self._status(self.tr("Settings saved to {path}").format(path=self.path))
        self._finish(True)

    @Slot(object)
    def _failed(self, error: object) -> None:
        message = (
            describe_storage_error(error)
            if isinstance(error, BaseException)
            else self.tr("The settings could not be saved.")
        )
        path = self.path

        def texts() -> tuple[str, str, str]:
            return (
                self.title(),
                self.tr("The settings were not saved to {path}.").format(path=path),
                message
                + "\n\n"
                + self.tr("A file already there under that name was left as it was."),
            )

        self._status("")
        box = TranslatedMessageBox(self.window, QMessageBox.Icon.Warning, texts)
        box.finished.connect(self._error_closed)
        self.error_box = box
        box.open()

    @Slot(int)
    def _error_closed(self, _result: int) -> None:
        if self.error_box is not None:
            self.error_box.deleteLater()
            self.error_box = None
        self._finish(False)

    def _status(self, text: str) -> None:
        if isinstance(self.window, QMainWindow):
            if text:
                self.window.statusBar().showMessage(text, _STATUS_MS)
            else:
                self.window.statusBar().clearMessage()
        self.statusMessage.emit(text)

    def _finish(self, saved: bool) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        if self._prepare is not None:
            self._prepare.cancel()
        self.finished.emit(saved)
        self.deleteLater()


def save_settings_as(
    parent: QWidget,
    profile: SettingsProfile,
    worker: Worker,
    layout: Layout,
    *,
    decrypted: bool,
    folders: FolderMemory | None = None,
) -> SaveAsFlow:
    """Start File > Layout Settings > Save Settings As (``decrypted``: Save Decrypted Settings
    As). ``layout`` must not change while it is written (give a snapshot); ``folders`` remembers
    the folder last used (by default for this run only)."""
    flow = SaveAsFlow(parent, profile, worker, layout, decrypted=decrypted, folders=folders)
    flow.start()
    return flow
