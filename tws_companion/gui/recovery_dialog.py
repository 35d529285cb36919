"""File > Layout Settings > Layout/Settings Recovery..., with partial import and its Undo.

:class:`RecoveryDialog` lists the choices, as TWS does: "Custom..." (a settings file chosen in a
file dialog that lists the USB and network drives), each local backup with its date, time and
size, with "Use/store settings on server" on the versions kept on the server (each with its time
in local time, the machine that saved it and its size; listed and read on the worker), and
"Default layout". Selecting one shows beside the list a preview of what it holds (mode,
workspaces, panels by kind, watchlist rows, color groups, Global Configuration). OK (on
Custom..., after the file was chosen with Open) shows that preview once more with "Open without
reporting problem": it emits ``layoutChosen(layout)`` and closes; the window then restarts with
that layout. A server version is restored instead (with a progress bar): it becomes the current
copy on the server and the local settings (after a backup of them), and
``serverCopyRestored(copy)`` tells the window to restart with it. A file that cannot be opened
(another user's encrypted file, a tampered or damaged file, one from a newer version, not a
settings file, too large, a drive gone) gives a message saying what to do; the current layout is
untouched and the dialog stays open for another choice.

Beyond TWS, "Import parts..." takes only some parts of the chosen settings (Workspaces,
Watchlists, Color groups, Global Configuration), replacing or merging
(:func:`tws_companion.layout.partial.import_parts`). It emits ``partsImported(previous, new)``
then ``layoutChosen(new)``. The window offers Undo with an :class:`ImportUndo`:

    undo = ImportUndo(app_or_window)          # lives as long as the session, across restarts
    dialog.partsImported.connect(undo.record)
    edit_menu.addAction(undo.action)          # "Undo Import" (disabled until an import)
    status_bar.addPermanentWidget(undo.make_button())
    undo.undone.connect(apply_layout)         # the previous Layout, to apply as any other
    # after any other change of the whole layout (another recovery): undo.forget()

Every disk access (backups, files, the import itself) runs on the worker.

Signals of RecoveryDialog: layoutChosen(object) — the :class:`Layout` to apply;
partsImported(object, object) — the layout before a partial import and the result;
serverCopyRestored(object) — the :class:`ServerCopy` restored from the server (already the
local settings and the server's current copy: apply it without saving).
Signals of ImportUndo: undone(object) — the :class:`Layout` to go back to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.errors import ClientError
from tws_companion.client.settings_sync import ServerCopy, ServerSettings
from tws_companion.gui.file_text import clean_name
from tws_companion.gui.i18n import LANGUAGES
from tws_companion.gui.layout_dialogs import (
    DRIVES_TIMEOUT_MS,
    FOLDERS,
    FileDialogStart,
    FolderMemory,
    SettingsFileDialog,
    TranslatedMessageBox,
    data_size,
    describe_storage_error,
    prepare_file_dialog,
)
from tws_companion.gui.layouts import page_title
from tws_companion.gui.panels.labels import color_group_label, kind_label
from tws_companion.gui.server_messages import describe_server_error, progress_text, saved_time
from tws_companion.gui.worker import Report, Task, Worker
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.errors import (
    CorruptSettingsFile,
    LayoutError,
    NewerVersionFile,
    NotASettingsFile,
    OtherUsersFile,
    SettingsFileTooLarge,
    SettingsKeyMissing,
    TamperedFile,
)
from tws_companion.layout.model import Layout, Mode, Theme
from tws_companion.layout.partial import Part, import_parts
from tws_companion.layout.profile import SettingsProfile
from tws_companion.layout.summary import LayoutSummary, summarize
from tws_companion.protocol.models import SettingsVersion
from tws_companion.storage.backups import Backup
from tws_companion.storage.errors import FileTooLarge, StorageError

if TYPE_CHECKING:
    from tws_companion.gui.server_settings import ServerSettingsController

__all__ = [
    "ChoiceKind",
    "ImportUndo",
    "LayoutPreview",
    "Opened",
    "RecoveryDialog",
    "describe_open_error",
]

#: At most this many names (workspaces, color groups) in a preview; the rest are counted.
_MAX_NAMES = 8
#: A name from a file is cut to this many characters in a preview.


# --- work done on the worker -----------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A layout read for recovery, with its summary for the preview."""

    layout: Layout
    summary: LayoutSummary


def _opened(layout: Layout) -> Opened:
    return Opened(layout, summarize(layout))


def _open_file(profile: SettingsProfile, path: Path) -> Opened:
    return _opened(profile.open_file(path))


def _server_versions(settings: ServerSettings, _progress: Report) -> list[SettingsVersion]:
    return settings.versions()


def _fetch_version(
    number: int, settings: ServerSettings, progress: Report
) -> tuple[int, Opened | Exception]:
    """Server version ``number`` and what it holds, or why it cannot be had (never raises)."""
    try:
        return number, _opened(settings.fetch_version(number, progress=progress).layout)
    except (ClientError, LayoutError, StorageError, OSError, ValueError) as exc:
        return number, exc


def _open_backup(profile: SettingsProfile, backup: Backup) -> tuple[Backup, Opened | Exception]:
    """The backup, and what it holds or why it cannot be read (never raises: the answer must
    say which backup it is about)."""
    try:
        return backup, _opened(profile.open_backup(backup))
    except (LayoutError, StorageError, OSError, ValueError) as exc:
        return backup, exc


# --- words -----------------------------------------------------------------------------------


class _OpenWords(QObject):
    """The translated sentences for a settings file that cannot be opened (their tr() context)."""

    def describe(self, error: BaseException) -> str:
        if isinstance(error, OtherUsersFile):
            return self.tr(
                "This file holds the encrypted settings of another user ({owner}); only that "
                "user can open it. Ask them to save their settings with File > Layout Settings > "
                "Save Decrypted Settings As, then open that file."
            ).format(owner=clean_name(error.owner))
        if isinstance(error, TamperedFile):
            return self.tr(
                "This encrypted settings file has been changed or damaged since it was saved, "
                "so it was not opened. Use another copy: a backup, or save the settings again "
                "on the first computer."
            )
        if isinstance(error, NewerVersionFile):
            return self.tr(
                "This settings file was saved by a newer version of TWS Companion (format "
                "{version}; this version reads up to {supported}). Update TWS Companion, then "
                "open the file again."
            ).format(version=error.version, supported=error.supported)
        if isinstance(error, NotASettingsFile):
            return self.tr(
                "This is not a TWS Companion settings file. Choose a file saved with Save "
                "Settings As or Save Decrypted Settings As."
            )
        if isinstance(error, SettingsFileTooLarge | FileTooLarge):
            return self.tr(
                "This file is too large to be a settings file ({size}; the limit is {limit}). "
                "Choose the .xml file saved with Save Settings As or Save Decrypted Settings As."
            ).format(
                size=data_size(error.size),
                limit=data_size(error.limit),
            )
        if isinstance(error, CorruptSettingsFile):
            return self.tr(
                "The settings file is damaged (cut short or edited) and cannot be read. Choose "
                "another copy, for example one of the backups in this list."
            )
        if isinstance(error, SettingsKeyMissing):
            return self.tr(
                "This file holds your encrypted settings, but your settings key is not on this "
                "computer yet. Log in once with your security device (the key is then kept in "
                "the system keyring), then open the file again."
            )
        if isinstance(error, LayoutError):
            return self.tr("The settings file cannot be opened. Choose another file.")
        return describe_storage_error(error)


def describe_open_error(error: BaseException) -> str:
    """Why a settings file cannot be opened and what to do, in the user's language, chosen by
    the error's type (a :class:`LayoutError` or a :class:`StorageError`)."""
    return _OpenWords().describe(error)


# --- the preview -----------------------------------------------------------------------------


class LayoutPreview(QWidget):
    """What a layout holds, as a form of plain-text lines (names from a file are never markup)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: LayoutSummary | None = None
        self.message_text = ""
        self.heading = QLabel()
        self.heading.setObjectName("previewHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A grid, not a form: its rows grow with the wrapped values (height for width).
        self.form = QGridLayout()
        self.form.setColumnStretch(1, 1)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for key in ("mode", "workspaces", "panels", "rows", "groups", "lock", "display"):
            name, value = QLabel(), QLabel()
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.names[key], self.values[key] = name, value
            name.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            name.setBuddy(value)
            row = self.form.rowCount()
            self.form.addWidget(name, row, 0)
            self.form.addWidget(value, row, 1)
        self.details = QWidget()
        self.details.setLayout(self.form)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.message)
        column.addWidget(self.details)
        column.addStretch(1)
        self.retranslate()
        self.show_message("")

    def show_summary(self, heading: str, summary: LayoutSummary) -> None:
        self.heading.setText(heading)
        self.heading.setVisible(bool(heading))
        self.summary = summary
        self.message_text = ""
        self.message.hide()
        self.details.show()
        self._fill()

    def show_message(self, text: str, heading: str = "") -> None:
        """No layout to show: ``text`` says why (reading it, or what went wrong)."""
        self.heading.setText(heading)
        self.heading.setVisible(bool(heading))
        self.summary = None
        self.message_text = text
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.details.hide()

    def text(self) -> str:
        """Everything the preview shows, one line a row (for tests and accessibility)."""
        lines = [self.heading.text()] if self.heading.text() else []
        if self.summary is None:
            return "\n".join([*lines, self.message_text])
        lines += [f"{self.names[key].text()} {self.values[key].text()}" for key in self.values]
        return "\n".join(lines)

    def _names(self, names: Sequence[str], active: int | None = None) -> str:
        shown = [clean_name(name) or self.tr("(no name)") for name in names[:_MAX_NAMES]]
        if active is not None and 0 <= active < len(shown):
            shown[active] = self.tr("{name} (shown)").format(name=shown[active])
        text = ", ".join(shown) if shown else self.tr("none")
        if len(names) > _MAX_NAMES:
            text = self.tr("{names} and {count} more").format(
                names=text, count=QLocale().toString(len(names) - _MAX_NAMES)
            )
        return text

    def _minutes(self, minutes: int | None, every: bool) -> str:
        if minutes is None:
            return self.tr("never")
        if every:
            return self.tr("every {minutes} min").format(minutes=minutes)
        return self.tr("after {minutes} min").format(minutes=minutes)

    def _fill(self) -> None:
        summary = self.summary
        if summary is None:
            return
        locale = QLocale()
        number = locale.toString
        self.values["mode"].setText(
            self.tr("Mosaic") if summary.mode is Mode.MOSAIC else self.tr("Classic")
        )
        self.values["workspaces"].setText(
            self.tr("{count}: {names}").format(
                count=number(len(summary.workspaces)),
                names=self._names(summary.workspaces, summary.active_workspace),
            )
        )
        kinds = " · ".join(
            self.tr("{kind} {count}").format(kind=kind_label(kind), count=number(count))
            for kind, count in summary.panel_counts
        )
        self.values["panels"].setText(
            self.tr("{count}: {kinds}").format(count=number(summary.panel_total), kinds=kinds)
            if kinds
            else self.tr("none")
        )
        self.values["rows"].setText(number(summary.watchlist_rows))
        self.values["groups"].setText(
            self.tr("{count}: {names}").format(
                count=number(len(summary.color_groups)),
                names=self._names([color_group_label(n) for n in summary.color_groups]),
            )
            if summary.color_groups
            else self.tr("none")
        )
        yes, no = self.tr("yes"), self.tr("no")
        self.values["lock"].setText(
            self.tr(
                "auto log-off at {time}; lock when idle: {idle}; auto-save: {autosave}; save on "
                "exit: {on_exit}; settings on server: {server}"
            ).format(
                time=clean_name(summary.auto_logoff_time, 8),
                idle=self._minutes(summary.lock_after_idle_minutes, every=False),
                autosave=self._minutes(summary.autosave_minutes, every=True),
                on_exit=yes if summary.save_on_exit else no,
                server=yes if summary.use_server_settings else no,
            )
        )
        theme = self.tr("dark theme") if summary.theme is Theme.DARK else self.tr("light theme")
        self.values["display"].setText(
            self.tr("{theme}, font size {size}, {language}").format(
                theme=theme,
                size=number(summary.font_size),
                language=LANGUAGES.get(summary.language, clean_name(summary.language, 16)),
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.names["mode"].setText(self.tr("Mode:"))
        self.names["workspaces"].setText(self.tr("Workspaces:"))
        self.names["panels"].setText(self.tr("Panels:"))
        self.names["rows"].setText(self.tr("Watchlist rows:"))
        self.names["groups"].setText(self.tr("Color groups:"))
        self.names["lock"].setText(self.tr("Lock and Exit:"))
        self.names["display"].setText(self.tr("Display:"))
        self._fill()


# --- Undo of a partial import ----------------------------------------------------------------


class ImportUndo(QObject):
    """Edit > Undo Import (and a status-bar button): goes back to the layout before the last
    partial import by emitting ``undone(previous_layout)``; the window applies it like any
    other layout. One level: a new import replaces the one remembered."""

    undone = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.previous: Layout | None = None
        self.imported: Layout | None = None
        self.action = QAction(self)
        self.action.setEnabled(False)
        self.action.triggered.connect(self.undo)
        self.retranslate()

    @property
    def available(self) -> bool:
        return self.previous is not None

    @Slot(object, object)
    def record(self, previous: object, imported: object) -> None:
        """Remember ``previous`` (the layout before the import of ``imported``)."""
        if isinstance(previous, Layout) and isinstance(imported, Layout):
            self.previous, self.imported = previous, imported
            self.action.setEnabled(True)

    @Slot()
    def undo(self) -> None:
        previous = self.previous
        if previous is None:
            return
        self.forget()
        self.undone.emit(previous)

    @Slot()
    def forget(self) -> None:
        """No undo any more (the layout was replaced some other way)."""
        self.previous = self.imported = None
        self.action.setEnabled(False)

    def make_button(self, parent: QWidget | None = None) -> QToolButton:
        """A button for the status bar that shows only while an import can be undone."""
        button = QToolButton(parent)
        button.setDefaultAction(self.action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setVisible(self.action.isEnabled())
        self.action.enabledChanged.connect(button.setVisible)
        return button

    def retranslate(self) -> None:
        """Call on a language change (a QObject gets no LanguageChange event of its own)."""
        self.action.setText(self.tr("Undo Import"))
        self.action.setToolTip(
            self.tr("Go back to the layout you had before importing parts of a settings file")
        )


# --- the dialog ------------------------------------------------------------------------------


class ChoiceKind(Enum):
    CUSTOM = "custom"
    BACKUP = "backup"
    #: A version kept on the server ("Use/store settings on server").
    SERVER = "server"
    DEFAULT = "default"
    #: A line that says something ("Reading the backups…", "No backups yet"), not a choice.
    NOTE = "note"


_KIND_ROLE = Qt.ItemDataRole.UserRole
_BACKUP_ROLE = Qt.ItemDataRole.UserRole + 1


class RecoveryDialog(QDialog):
    """Layout/Settings Recovery: choose settings, see what they hold, open them (see module)."""

    layoutChosen = Signal(object)
    partsImported = Signal(object, object)
    serverCopyRestored = Signal(object)

    CHOOSE, CONFIRM, PARTS = range(3)

    def __init__(
        self,
        profile: SettingsProfile,
        worker: Worker,
        current: Layout,
        parent: QWidget | None = None,
        *,
        folders: FolderMemory | None = None,
        server: ServerSettingsController | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.worker = worker
        self.current = current
        self.folders = folders or FOLDERS
        self.backups: list[Backup] | None = None
        self.backups_error: BaseException | None = None
        #: The settings on the server ("Use/store settings on server" on), their versions (None:
        #: being read), why they cannot be read, and the versions read for their preview.
        self.server = server
        self.versions: list[SettingsVersion] | None = None
        self.versions_error: BaseException | None = None
        self.server_read: dict[int, Opened | Exception] = {}
        self._fetching: dict[int, tuple[int, int]] = {}
        #: A server version being restored.
        self.restoring: int | None = None
        #: Backups read for their preview: path -> what it holds, or why it cannot be read.
        self.read: dict[Path, Opened | Exception] = {}
        #: The file chosen with Custom..., once opened.
        self.custom: tuple[Path, Opened] | None = None
        #: What "Open without reporting problem" opens, and where it comes from.
        self.chosen: Opened | None = None
        self.chosen_from: Backup | Path | SettingsVersion | None = None
        self.file_dialog: SettingsFileDialog | None = None
        self.error_box: TranslatedMessageBox | None = None
        #: Work the dialog waits for (the list and buttons are disabled meanwhile).
        self._tasks: set[Task] = set()
        #: Work in the background (the list of backups, previews), cancelled on closing.
        self._background: set[Task] = set()
        self._reading: set[Path] = set()
        self._awaiting_file = False
        self._default: Opened | None = None
        self._drives_timer = QTimer(self)
        self._drives_timer.setSingleShot(True)
        self._drives_timer.timeout.connect(self._drives_late)
        self._build()
        self.retranslate()
        self._load_backups()
        self._load_versions()
        self.choices.setCurrentRow(0)
        self.show_page(self.CHOOSE)

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self.setModal(True)
        self.stack = QStackedWidget()
        column = QVBoxLayout(self)
        column.addWidget(self.stack)

        # Choose: the list and the preview of the selected entry.
        choose = QWidget()
        self.choose_hint = QLabel()
        self.choose_hint.setWordWrap(True)
        self.choices = QListWidget()
        self.choices.setMinimumWidth(260)
        self.choices.currentItemChanged.connect(self._selection_changed)
        self.choices.itemDoubleClicked.connect(self._double_clicked)
        self.choices_label = QLabel()
        self.choices_label.setBuddy(self.choices)
        self.preview = LayoutPreview()
        self.preview_box = QGroupBox()
        QVBoxLayout(self.preview_box).addWidget(self.preview)
        self.preview_box.setMinimumWidth(380)
        left = QVBoxLayout()
        left.addWidget(self.choices_label)
        left.addWidget(self.choices, 1)
        row = QHBoxLayout()
        row.addLayout(left, 2)
        row.addWidget(self.preview_box, 3)
        self.ok_button = QPushButton()
        self.ok_button.clicked.connect(self.choose_selected)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.reject)
        page = QVBoxLayout(choose)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.choose_hint)
        page.addLayout(row, 1)
        page.addLayout(self._buttons(self.ok_button, self.cancel_button))
        self.stack.addWidget(choose)

        # Confirm: what was chosen, and "Open without reporting problem".
        confirm = QWidget()
        self.confirm_title = page_title()
        self.confirm_preview = LayoutPreview()
        self.confirm_note = QLabel()
        self.confirm_note.setWordWrap(True)
        self.restore_label = QLabel()
        self.restore_label.setTextFormat(Qt.TextFormat.PlainText)
        self.restore_bar = QProgressBar()
        self.restore_bar.setRange(0, 0)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_chosen)
        self.parts_button = QPushButton()
        self.parts_button.clicked.connect(lambda: self.show_page(self.PARTS))
        self.back_button = QPushButton()
        self.back_button.clicked.connect(lambda: self.show_page(self.CHOOSE))
        self.confirm_cancel = QPushButton()
        self.confirm_cancel.clicked.connect(self.reject)
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        QVBoxLayout(frame).addWidget(self.confirm_preview)
        page = QVBoxLayout(confirm)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.confirm_title)
        page.addWidget(frame, 1)
        page.addWidget(self.confirm_note)
        page.addWidget(self.restore_label)
        page.addWidget(self.restore_bar)
        self.restore_label.hide()
        self.restore_bar.hide()
        buttons = self._buttons(self.open_button, self.confirm_cancel)
        buttons.insertWidget(0, self.parts_button)
        buttons.insertWidget(1, self.back_button)
        page.addLayout(buttons)
        self.stack.addWidget(confirm)
        for before, after in (
            (self.parts_button, self.back_button),
            (self.back_button, self.open_button),
            (self.open_button, self.confirm_cancel),
        ):
            QWidget.setTabOrder(before, after)

        # Parts: which parts of the chosen settings to import, replacing or merging.
        parts = QWidget()
        self.parts_title = page_title()
        self.parts_source = QLabel()
        self.parts_source.setWordWrap(True)
        self.parts_source.setTextFormat(Qt.TextFormat.PlainText)
        self.parts_box = QGroupBox()
        self.part_boxes: dict[Part, QCheckBox] = {}
        part_column = QVBoxLayout(self.parts_box)
        for part in Part:
            box = QCheckBox()
            box.toggled.connect(self._parts_changed)
            self.part_boxes[part] = box
            part_column.addWidget(box)
        self.how_box = QGroupBox()
        self.replace_radio = QRadioButton()
        self.merge_radio = QRadioButton()
        self.replace_radio.setChecked(True)
        self.how = QButtonGroup(self)
        self.how.addButton(self.replace_radio)
        self.how.addButton(self.merge_radio)
        self.replace_note = QLabel()
        self.merge_note = QLabel()
        how_column = QVBoxLayout(self.how_box)
        for radio, note in (
            (self.replace_radio, self.replace_note),
            (self.merge_radio, self.merge_note),
        ):
            note.setWordWrap(True)
            note.setIndent(24)
            how_column.addWidget(radio)
            how_column.addWidget(note)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_chosen_parts)
        self.parts_back = QPushButton()
        self.parts_back.clicked.connect(lambda: self.show_page(self.CONFIRM))
        page = QVBoxLayout(parts)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.parts_title)
        page.addWidget(self.parts_source)
        page.addWidget(self.parts_box)
        page.addWidget(self.how_box)
        page.addStretch(1)
        page.addLayout(self._buttons(self.import_button, self.parts_back))
        self.stack.addWidget(parts)
        self._parts_changed()
        self.resize(820, 520)

    @staticmethod
    def _buttons(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        for button in buttons:
            button.setAutoDefault(False)
            row.addWidget(button)
        return row

    # --- pages --------------------------------------------------------------------------------

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    def show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        default, focus = {
            self.CHOOSE: (self.ok_button, self.choices),
            self.CONFIRM: (self.open_button, self.open_button),
            self.PARTS: (self.import_button, self.part_boxes[Part.WORKSPACES]),
        }[page]
        for button in (
            self.ok_button,
            self.cancel_button,
            self.open_button,
            self.parts_button,
            self.back_button,
            self.confirm_cancel,
            self.import_button,
            self.parts_back,
        ):
            button.setDefault(button is default)
        focus.setFocus()
        self._update_buttons()

    @property
    def busy(self) -> bool:
        """Whether something is being read, imported or restored on the worker."""
        return bool(self._tasks) or self._awaiting_file or self.restoring is not None

    def _submit(
        self, name: str, func: Callable[..., Any], *args: Any, background: bool = False
    ) -> Task:
        task = self.worker.submit(name, func, *args, owner=self)
        (self._background if background else self._tasks).add(task)
        task.finished.connect(partial(self._task_done, task))
        self._update_buttons()
        return task

    def _task_done(self, task: Task) -> None:
        self._tasks.discard(task)
        self._background.discard(task)
        self._update_buttons()

    def _update_buttons(self) -> None:
        kind, backup = self.selected()
        ready = not self.busy
        if kind is ChoiceKind.BACKUP and backup is not None:
            ready = ready and isinstance(self.read.get(backup.path), Opened)
        elif kind is ChoiceKind.NOTE:
            ready = False
        if kind is ChoiceKind.SERVER:
            version = self.selected_version()
            ready = (
                ready
                and version is not None
                and isinstance(self.server_read.get(version.number), Opened)
            )
        self.ok_button.setEnabled(ready)
        self.choices.setEnabled(not self._tasks)
        for button in (self.open_button, self.parts_button, self.back_button):
            button.setEnabled(not self.busy)
        self.confirm_cancel.setEnabled(self.restoring is None)
        self.import_button.setEnabled(not self.busy and bool(self.chosen_parts()))
        self.parts_back.setEnabled(not self.busy)

    # --- the list -----------------------------------------------------------------------------

    def _load_backups(self) -> None:
        task = self._submit("recovery-backups", self.profile.backups, background=True)
        task.succeeded.connect(self._backups_listed)
        task.failed.connect(self._backups_failed)
        self._fill_choices()

    @Slot(object)
    def _backups_listed(self, backups: object) -> None:
        listed = backups if isinstance(backups, list) else []
        self.backups = [backup for backup in listed if isinstance(backup, Backup)]
        self._fill_choices()

    @Slot(object)
    def _backups_failed(self, error: object) -> None:
        self.backups = []
        self.backups_error = error if isinstance(error, BaseException) else None
        self._fill_choices()

    def _fill_choices(self) -> None:
        kind, backup = self.selected()
        chosen = self.selected_version()
        chosen_number = str(chosen.number) if chosen is not None else None
        self.choices.blockSignals(True)
        self.choices.clear()
        self._add_choice(ChoiceKind.CUSTOM)
        if self.backups is None:
            self._add_choice(ChoiceKind.NOTE, note="loading")
        elif self.backups_error is not None:
            self._add_choice(ChoiceKind.NOTE, note="failed")
        elif not self.backups:
            self._add_choice(ChoiceKind.NOTE, note="none")
        for each in self.backups or []:
            self._add_choice(ChoiceKind.BACKUP, each)
        if self.server is not None:
            if self.versions is None:
                self._add_choice(ChoiceKind.NOTE, note="server-loading")
            elif self.versions_error is not None:
                self._add_choice(ChoiceKind.NOTE, note="server-failed")
            elif not self.versions:
                self._add_choice(ChoiceKind.NOTE, note="server-none")
            for version in self.versions or []:
                self._add_choice(ChoiceKind.SERVER, number=version.number)
        self._add_choice(ChoiceKind.DEFAULT)
        self._retranslate_choices()
        row = 0
        for index in range(self.choices.count()):
            item = self.choices.item(index)
            same_kind = item.data(_KIND_ROLE) == (kind.value if kind else None)
            if kind is ChoiceKind.SERVER:
                if same_kind and item.data(_BACKUP_ROLE) == chosen_number:
                    row = index
            elif same_kind and (backup is None or item.data(_BACKUP_ROLE) == str(backup.path)):
                row = index
        self.choices.blockSignals(False)
        self.choices.setCurrentRow(row)
        self._selection_changed()

    def _add_choice(
        self,
        kind: ChoiceKind,
        backup: Backup | None = None,
        *,
        note: str = "",
        number: int | None = None,
    ) -> None:
        item = QListWidgetItem()
        item.setData(_KIND_ROLE, kind.value)
        if backup is not None:
            item.setData(_BACKUP_ROLE, str(backup.path))
        if number is not None:
            item.setData(_BACKUP_ROLE, str(number))
        if kind is ChoiceKind.NOTE:
            item.setData(_BACKUP_ROLE, note)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.choices.addItem(item)

    def selected(self) -> tuple[ChoiceKind | None, Backup | None]:
        item = self.choices.currentItem()
        if item is None:
            return None, None
        kind = ChoiceKind(item.data(_KIND_ROLE))
        if kind is ChoiceKind.BACKUP:
            return kind, self._backup(str(item.data(_BACKUP_ROLE)))
        return kind, None

    def _backup(self, path: str) -> Backup | None:
        return next((b for b in self.backups or [] if str(b.path) == path), None)

    def selected_version(self) -> SettingsVersion | None:
        """The server version selected, if one is."""
        item = self.choices.currentItem()
        if item is None or item.data(_KIND_ROLE) != ChoiceKind.SERVER.value:
            return None
        return self._version(str(item.data(_BACKUP_ROLE)))

    def _version(self, number: str) -> SettingsVersion | None:
        return next((v for v in self.versions or [] if str(v.number) == number), None)

    def select(self, kind: ChoiceKind, index: int = 0) -> None:
        """Select Custom..., the default layout, or the backup or server version at ``index``
        (0: the newest)."""
        rows = [
            row
            for row in range(self.choices.count())
            if self.choices.item(row).data(_KIND_ROLE) == kind.value
        ]
        self.choices.setCurrentRow(rows[index])

    def backup_text(self, backup: Backup) -> str:
        """'Backup of 12/05/2024 14:03:22 (18.2 KB)', in local time."""
        return self.tr("Backup of {when} ({size})").format(
            when=saved_time(backup.saved_at), size=data_size(backup.size)
        )

    def version_item_text(self, version: SettingsVersion) -> str:
        """The list's entry of a server version, on two lines (the list is narrow):
        'Server version 7 (current)' / '12/05/2024 14:03:22 · alice-laptop · 18.2 KB'."""
        newest = bool(self.versions) and version.number == (self.versions or [version])[0].number
        title = (
            self.tr("Server version {number} (current)")
            if newest
            else self.tr("Server version {number}")
        ).format(number=version.number)
        details = self.tr("{when} · {machine} · {size}").format(
            when=saved_time(version.saved_at),
            machine=clean_name(version.machine) or self.tr("(no name)"),
            size=data_size(version.size),
        )
        return f"{title}\n{details}"

    def version_text(self, version: SettingsVersion) -> str:
        """'Server version 7: 12/05/2024 14:03:22, alice-laptop (18.2 KB)', in local time;
        the newest is the server's current copy."""
        newest = bool(self.versions) and version.number == (self.versions or [version])[0].number
        text = (
            self.tr("Server version {number} (current): {when}, {machine} ({size})")
            if newest
            else self.tr("Server version {number}: {when}, {machine} ({size})")
        )
        return text.format(
            number=version.number,
            when=saved_time(version.saved_at),
            machine=clean_name(version.machine) or self.tr("(no name)"),
            size=data_size(version.size),
        )

    @Slot()
    def _selection_changed(self, *_args: object) -> None:
        kind, backup = self.selected()
        if kind is ChoiceKind.CUSTOM:
            if self.custom is not None:
                path, opened = self.custom
                self.preview.show_summary(self._file_heading(path), opened.summary)
            else:
                self.preview.show_message(
                    self.tr(
                        "Click OK to choose a settings file: on this computer, a USB stick or a "
                        "network drive. Files saved with Save Settings As open for you alone; "
                        "files saved with Save Decrypted Settings As open for any user."
                    )
                )
        elif kind is ChoiceKind.BACKUP and backup is not None:
            self._preview_backup(backup)
        elif kind is ChoiceKind.SERVER and (version := self.selected_version()) is not None:
            self._preview_version(version)
        elif kind is ChoiceKind.DEFAULT:
            self.preview.show_summary(self._heading(None), self._default_opened().summary)
        else:
            self.preview.show_message("")
        self._update_buttons()

    # --- the versions on the server -----------------------------------------------------------

    def _load_versions(self) -> None:
        if self.server is None:
            return
        task = self.server.submit("recovery-server-versions", _server_versions, owner=self)
        self._background.add(task)
        task.finished.connect(partial(self._task_done, task))
        task.succeeded.connect(self._versions_listed)
        task.failed.connect(self._versions_failed)

    @Slot(object)
    def _versions_listed(self, versions: object) -> None:
        listed = versions if isinstance(versions, list) else []
        self.versions = [v for v in listed if isinstance(v, SettingsVersion)]
        self._fill_choices()

    @Slot(object)
    def _versions_failed(self, error: object) -> None:
        self.versions = []
        self.versions_error = error if isinstance(error, BaseException) else RuntimeError()
        self._fill_choices()

    def _preview_version(self, version: SettingsVersion) -> None:
        done, total = self._fetching.get(version.number, (0, 0))
        unread = self._show_read(
            self.version_text(version),
            self.server_read.get(version.number),
            lambda error: self.tr("This version cannot be read: {reason}").format(
                reason=describe_server_error(error)
            ),
            progress_text(self.tr("Downloading this version from the server…"), done, total),
        )
        if unread and version.number not in self._fetching and self.server is not None:
            self._fetching[version.number] = (0, version.size)
            task = self.server.submit(
                "recovery-server-preview", partial(_fetch_version, version.number), owner=self
            )
            self._background.add(task)
            task.finished.connect(partial(self._task_done, task))
            task.progress.connect(partial(self._fetch_progress, version.number))
            task.succeeded.connect(self._version_read)

    def _fetch_progress(self, number: int, done: int, total: int) -> None:
        self._fetching[number] = (done, total)
        version = self.selected_version()
        if version is not None and version.number == number:
            self._preview_version(version)

    @Slot(object)
    def _version_read(self, result: object) -> None:
        if not isinstance(result, tuple):
            return
        number, read = result
        self._fetching.pop(number, None)
        self.server_read[number] = read
        version = self.selected_version()
        if version is not None and version.number == number:
            self._preview_version(version)
        self._update_buttons()

    def _show_read(
        self,
        heading: str,
        read: Opened | Exception | None,
        unreadable: Callable[[Exception], str],
        reading: str,
    ) -> bool:
        """Preview what was read of an entry (a backup, a server version), or why it cannot be
        read, or ``reading`` while it is; ``True`` when it is not read yet."""
        if isinstance(read, Opened):
            self.preview.show_summary(heading, read.summary)
        elif read is not None:
            self.preview.show_message(unreadable(read), heading)
        else:
            self.preview.show_message(reading, heading)
        return read is None

    def _preview_backup(self, backup: Backup) -> None:
        unread = self._show_read(
            self.backup_text(backup),
            self.read.get(backup.path),
            lambda error: self.tr("This backup cannot be read: {reason}").format(
                reason=describe_open_error(error)
            ),
            self.tr("Reading the backup…"),
        )
        if unread and backup.path not in self._reading:
            self._reading.add(backup.path)
            task = self._submit(
                "recovery-backup-preview", _open_backup, self.profile, backup, background=True
            )
            task.succeeded.connect(self._backup_read)

    @Slot(object)
    def _backup_read(self, result: object) -> None:
        if not isinstance(result, tuple):
            return
        backup, read = result
        self._reading.discard(backup.path)
        self.read[backup.path] = read
        _kind, selected = self.selected()
        if selected is not None and selected.path == backup.path:
            self._preview_backup(backup)
        self._update_buttons()

    def _default_opened(self) -> Opened:
        if self._default is None:
            self._default = _opened(default_layout(self.current.workstation.mode))
        return self._default

    def _file_heading(self, path: Path) -> str:
        return self.tr("The file {name}").format(name=str(path))

    # --- OK -----------------------------------------------------------------------------------

    @Slot()
    def _double_clicked(self, _item: QListWidgetItem) -> None:
        if self.ok_button.isEnabled():
            self.choose_selected()

    @Slot()
    def choose_selected(self) -> None:
        """OK: Custom... asks for a file; a backup or the default layout goes to Open."""
        if self.busy:
            return
        kind, backup = self.selected()
        if kind is ChoiceKind.CUSTOM:
            self._choose_file()
        elif kind is ChoiceKind.BACKUP and backup is not None:
            read = self.read.get(backup.path)
            if isinstance(read, Opened):
                self._confirm(read, backup)
        elif kind is ChoiceKind.SERVER and (version := self.selected_version()) is not None:
            opened = self.server_read.get(version.number)
            if isinstance(opened, Opened):
                self._confirm(opened, version)
        elif kind is ChoiceKind.DEFAULT:
            self._confirm(self._default_opened(), None)

    def _choose_file(self) -> None:
        self._awaiting_file = True
        task = self._submit(
            "recovery-file-dialog", prepare_file_dialog, self.folders.get(), background=True
        )
        task.succeeded.connect(self._open_file_dialog)
        task.failed.connect(self._drives_late)
        self._drives_timer.start(DRIVES_TIMEOUT_MS)

    @Slot()
    def _drives_late(self, *_args: object) -> None:
        """The drives are slow to come (a hung network share): open without them for now."""
        self._open_file_dialog(None)

    @Slot(object)
    def _open_file_dialog(self, start: object) -> None:
        self._drives_timer.stop()
        if self.file_dialog is not None:
            if isinstance(start, FileDialogStart):
                self.file_dialog.set_drives(start.drives)
            return
        if not self._awaiting_file:
            return
        if not isinstance(start, FileDialogStart):
            start = FileDialogStart((), self.folders.get() or Path.home())
        dialog = SettingsFileDialog(
            self,
            save=False,
            title=lambda: self.tr("Open Settings File"),
            directory=start.directory,
            drives=start.drives,
        )
        dialog.finished.connect(self._file_chosen)
        self.file_dialog = dialog
        dialog.open()

    @Slot(int)
    def _file_chosen(self, result: int) -> None:
        dialog = self.file_dialog
        if dialog is None:
            return
        self.file_dialog = None
        path = dialog.selected_path() if result == QFileDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        self._awaiting_file = False
        if path is None:
            self._update_buttons()
            return
        self.folders.set(path.parent)
        self.preview.show_message(self.tr("Opening the file…"), str(path))
        task = self._submit("recovery-open-file", _open_file, self.profile, path)
        task.succeeded.connect(partial(self._file_opened, path))
        task.failed.connect(partial(self._file_failed, path))

    def _file_opened(self, path: Path, opened: object) -> None:
        if not isinstance(opened, Opened):
            return
        self.custom = (path, opened)
        self._selection_changed()
        self._confirm(opened, path)

    def _file_failed(self, path: Path, error: object) -> None:
        message = (
            describe_open_error(error)
            if isinstance(error, BaseException)
            else self.tr("The file cannot be opened.")
        )
        self._selection_changed()

        def texts() -> tuple[str, str, str]:
            return (
                self.tr("Layout/Settings Recovery"),
                self.tr("{name} was not opened.").format(name=path.name),
                message + "\n\n" + self.tr("Your current layout has not been changed."),
            )

        box = TranslatedMessageBox(self, QMessageBox.Icon.Warning, texts)
        box.finished.connect(self._error_closed)
        self.error_box = box
        box.open()

    @Slot(int)
    def _error_closed(self, _result: int) -> None:
        if self.error_box is not None:
            self.error_box.deleteLater()
            self.error_box = None
        self.choices.setFocus()

    # --- Open ---------------------------------------------------------------------------------

    def _confirm(self, opened: Opened, source: Backup | Path | SettingsVersion | None) -> None:
        """Show ``opened`` with "Open without reporting problem"; ``source``: the backup, the
        file, the server version, or None for the default layout."""
        self.chosen = opened
        self.chosen_from = source
        self.confirm_preview.show_summary(self._heading(source), opened.summary)
        self.parts_source.setText(self._heading(source))
        self._show_confirm_note()
        self.show_page(self.CONFIRM)

    def _show_confirm_note(self) -> None:
        self.confirm_note.setText(
            self.tr(
                "The workstation will restart, applying these layout settings, and they become "
                "the current copy on the server (this computer's settings are kept as a "
                "backup). To take only some of them, choose Import parts."
            )
            if isinstance(self.chosen_from, SettingsVersion)
            else self.tr(
                "The workstation will restart, applying these layout settings. To take only "
                "some of them, choose Import parts."
            )
        )

    def _heading(self, source: Backup | Path | SettingsVersion | None) -> str:
        if isinstance(source, Backup):
            return self.backup_text(source)
        if isinstance(source, SettingsVersion):
            return self.version_text(source)
        if isinstance(source, Path):
            return self._file_heading(source)
        return self.tr("The default layout")

    @Slot()
    def open_chosen(self) -> None:
        """Open without reporting problem: the window restarts with the chosen layout."""
        if self.chosen is None or self.busy:
            return
        if isinstance(self.chosen_from, SettingsVersion):
            self._restore(self.chosen_from)
            return
        self.layoutChosen.emit(self.chosen.layout)
        self.accept()

    def _restore(self, version: SettingsVersion) -> None:
        """A server version: restored (local settings and the server's current copy), then
        the window restarts with it."""
        if self.server is None:
            return
        self.restoring = version.number
        self._restore_progress(0, version.size)
        self.restore_label.show()
        self.restore_bar.show()
        self._update_buttons()
        self.server.restore_version(version.number, self._restored, self._restore_progress)

    def _restore_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.restore_bar.setRange(0, total)
            self.restore_bar.setValue(min(done, total))
        else:
            self.restore_bar.setRange(0, 0)
        self.restore_label.setText(
            progress_text(
                self.tr("Restoring version {number} from the server…").format(
                    number=self.restoring
                ),
                done,
                total,
            )
        )

    def _restored(self, result: object) -> None:
        number, self.restoring = self.restoring, None
        self.restore_label.hide()
        self.restore_bar.hide()
        self._update_buttons()
        if isinstance(result, ServerCopy):
            self.serverCopyRestored.emit(result)
            self.accept()
            return
        reason = (
            describe_server_error(result)
            if isinstance(result, BaseException)
            else self.tr("Something went wrong.")
        )

        def texts() -> tuple[str, str, str]:
            return (
                self.tr("Layout/Settings Recovery"),
                self.tr("Version {number} could not be restored from the server.").format(
                    number=number
                ),
                reason + "\n\n" + self.tr("Your current layout has not been changed."),
            )

        box = TranslatedMessageBox(self, QMessageBox.Icon.Warning, texts)
        box.finished.connect(self._error_closed)
        self.error_box = box
        box.open()

    def chosen_parts(self) -> list[Part]:
        return [part for part, box in self.part_boxes.items() if box.isChecked()]

    @Slot()
    def _parts_changed(self, *_args: object) -> None:
        self.import_button.setEnabled(not self.busy and bool(self.chosen_parts()))

    @Slot()
    def import_chosen_parts(self) -> None:
        """Import the checked parts (on the worker), replacing or merging."""
        parts = self.chosen_parts()
        if self.chosen is None or not parts or self.busy:
            return
        run = partial(
            import_parts,
            self.current,
            self.chosen.layout,
            parts,
            merge=self.merge_radio.isChecked(),
        )
        task = self._submit("recovery-import-parts", run)
        task.succeeded.connect(self._imported)
        task.failed.connect(self._import_failed)

    @Slot(object)
    def _imported(self, layout: object) -> None:
        if not isinstance(layout, Layout):
            return
        self.partsImported.emit(self.current, layout)
        self.layoutChosen.emit(layout)
        self.accept()

    @Slot(object)
    def _import_failed(self, _error: object) -> None:
        def texts() -> tuple[str, str, str]:
            return (
                self.tr("Layout/Settings Recovery"),
                self.tr("The parts could not be imported."),
                self.tr("Your current layout has not been changed."),
            )

        box = TranslatedMessageBox(self, QMessageBox.Icon.Warning, texts)
        box.finished.connect(self._error_closed)
        self.error_box = box
        box.open()

    # --- closing and languages ----------------------------------------------------------------

    def _cancel_tasks(self) -> None:
        for task in [*self._tasks, *self._background]:
            task.cancel()

    def done(self, result: int) -> None:
        if self.restoring is not None:
            return  # a server version is being restored: its outcome closes the dialog
        self._cancel_tasks()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._cancel_tasks()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _retranslate_choices(self) -> None:
        for row in range(self.choices.count()):
            item = self.choices.item(row)
            kind = ChoiceKind(item.data(_KIND_ROLE))
            if kind is ChoiceKind.CUSTOM:
                item.setText(self.tr("Custom..."))
            elif kind is ChoiceKind.DEFAULT:
                item.setText(self.tr("Default layout"))
            elif kind is ChoiceKind.BACKUP:
                backup = self._backup(str(item.data(_BACKUP_ROLE)))
                item.setText(self.backup_text(backup) if backup is not None else "")
            elif kind is ChoiceKind.SERVER:
                version = self._version(str(item.data(_BACKUP_ROLE)))
                item.setText(self.version_item_text(version) if version is not None else "")
                item.setToolTip(self.version_text(version) if version is not None else "")
            else:
                note = str(item.data(_BACKUP_ROLE))
                item.setText(
                    {
                        "loading": self.tr("Reading the backups…"),
                        "none": self.tr("No backups yet"),
                        "failed": self.tr("The backups cannot be read"),
                        "server-loading": self.tr("Reading the versions on the server…"),
                        "server-none": self.tr("No settings on the server yet"),
                        "server-failed": self.tr("The versions on the server cannot be read"),
                    }.get(note, "")
                )
                if note == "server-failed" and self.versions_error is not None:
                    item.setToolTip(describe_server_error(self.versions_error))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Layout/Settings Recovery"))
        self.choose_hint.setText(
            self.tr(
                "Choose the settings to open: a file, a backup kept on this computer, a version "
                "kept on the server, or the default layout. The workstation restarts with them."
            )
            if self.server is not None
            else self.tr(
                "Choose the settings to open: a file, a backup kept on this computer, or the "
                "default layout. The workstation restarts with them."
            )
        )
        self.choices_label.setText(self.tr("&Settings:"))
        self.preview_box.setTitle(self.tr("Preview"))
        self.ok_button.setText(self.tr("OK"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.confirm_title.setText(self.tr("Open these settings?"))
        self._show_confirm_note()
        self.open_button.setText(self.tr("&Open without reporting problem"))
        self.parts_button.setText(self.tr("&Import parts..."))
        self.back_button.setText(self.tr("&Back"))
        self.confirm_cancel.setText(self.tr("Cancel"))
        self.parts_title.setText(self.tr("Import parts of these settings"))
        self.parts_box.setTitle(self.tr("Parts"))
        names = {
            Part.WORKSPACES: self.tr("&Workspaces (with their panels)"),
            Part.WATCHLISTS: self.tr("W&atchlists"),
            Part.COLOR_GROUPS: self.tr("&Color groups"),
            Part.GLOBAL_CONFIG: self.tr("&Global Configuration (Lock and Exit, Display)"),
        }
        for part, box in self.part_boxes.items():
            box.setText(names[part])
        self.how_box.setTitle(self.tr("How"))
        self.replace_radio.setText(self.tr("&Replace"))
        self.replace_note.setText(self.tr("The chosen parts take the place of yours."))
        self.merge_radio.setText(self.tr("&Merge"))
        self.merge_note.setText(
            self.tr(
                "Workspaces, watchlist rows and color groups are added to yours; a watchlist "
                "of the same name gets the new symbols. Global Configuration is replaced."
            )
        )
        self.import_button.setText(self.tr("&Import"))
        self.parts_back.setText(self.tr("&Back"))
        self._retranslate_choices()
        self._selection_changed()
        if self.chosen is not None:
            self.confirm_preview.heading.setText(self._heading(self.chosen_from))
            self.parts_source.setText(self._heading(self.chosen_from))
