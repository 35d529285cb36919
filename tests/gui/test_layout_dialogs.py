"""Save Settings As and Save Decrypted Settings As, driven as a user would.

The dialogs are the real ones: the format warning answered Yes or No on its own buttons, Qt's own
file dialog driven through its Drives row and file name field, the file written by a real
SettingsProfile on the worker. Only the list of drives is given (this machine has no USB stick):
a folder stands in for one.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from tests.support.profiles import SERVER, profile_of
from tws_companion.gui import layout_dialogs
from tws_companion.gui.layout_dialogs import (
    FolderMemory,
    SaveAsFlow,
    SettingsFileDialog,
    save_settings_as,
)
from tws_companion.gui.worker import Worker
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.errors import OtherUsersFile
from tws_companion.layout.model import Layout, Watchlist, WatchlistRow
from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.drives import Drive

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def a_layout() -> Layout:
    layout = default_layout()
    layout.workstation.workspaces[0].name = "Morning trading"
    watchlist = layout.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows.append(WatchlistRow("ZZZQ"))
    return layout


def modal(qtbot: QtBot, kind: type[QMessageBox] | type[QFileDialog]) -> QMessageBox | QFileDialog:
    """The dialog of ``kind`` the user now faces."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind), timeout=WAIT_MS)
    found = QApplication.activeModalWidget()
    assert isinstance(found, kind)
    return found


def message_box(qtbot: QtBot) -> QMessageBox:
    box = modal(qtbot, QMessageBox)
    assert isinstance(box, QMessageBox)
    return box


def file_dialog(qtbot: QtBot) -> SettingsFileDialog:
    dialog = modal(qtbot, QFileDialog)
    assert isinstance(dialog, SettingsFileDialog)
    return dialog


def save_on_stick(qtbot: QtBot, dialog: SettingsFileDialog, name: str) -> None:
    """As the seeds: pick the drive, type a file name, press Enter (Save)."""
    combo = dialog.drives_combo
    combo.setCurrentIndex(combo.findText("STICK", Qt.MatchFlag.MatchStartsWith))
    combo.activated.emit(combo.currentIndex())
    name_field = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name_field is not None
    name_field.setFocus()
    qtbot.keyClicks(name_field, name)
    qtbot.keyClick(name_field, Qt.Key.Key_Return)


def click(qtbot: QtBot, box: QMessageBox, button: QMessageBox.StandardButton) -> None:
    widget = box.button(button)
    assert widget is not None
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_save_settings_as_writes_an_envelope_the_same_user_opens_elsewhere(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile, stick: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    layout = a_layout()
    flow = save_settings_as(window, alice, worker, layout, decrypted=False, folders=FolderMemory())
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS) as finished:
        dialog = file_dialog(qtbot)
        assert dialog.windowTitle() == "Save Settings As"
        assert dialog.nameFilters() == ["Settings files (*.xml)"]
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        sidebar = [url.toLocalFile() for url in dialog.sidebarUrls()]
        assert str(stick) in sidebar
        save_on_stick(qtbot, dialog, "migrate")
    assert finished.args == [True]

    saved = stick / "migrate.xml"  # ".xml" added, as the seeds say
    data = saved.read_bytes()
    assert data.startswith(b"<?xml")
    assert b"tws-companion-encrypted-settings" in data
    assert b"Morning trading" not in data
    assert b'"ZZZQ"' not in data  # quoted: cannot occur in base64 by chance
    assert window.statusBar().currentMessage() == f"Settings saved to {saved}"
    # The same user on another machine (another data root, the key from the keyring).
    elsewhere = SettingsProfile(tmp_path / "alice-laptop", "alice", server=SERVER)
    assert elsewhere.open_file(saved) == layout
    # Another user cannot open it.
    bob = profile_of(tmp_path / "bob-machine", "bob")
    with pytest.raises(OtherUsersFile):
        bob.open_file(saved)


def test_a_name_with_another_suffix_still_ends_in_xml(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile, stick: Path
) -> None:
    flow = save_settings_as(window, alice, worker, a_layout(), decrypted=True)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
        click(qtbot, message_box(qtbot), QMessageBox.StandardButton.Yes)
        save_on_stick(qtbot, file_dialog(qtbot), "migrate.v2")
    assert sorted(path.name for path in stick.iterdir()) == ["migrate.v2.xml"]


def test_save_decrypted_explains_the_format_and_no_writes_nothing(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile, stick: Path
) -> None:
    flow = save_settings_as(window, alice, worker, a_layout(), decrypted=True)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS) as finished:
        box = message_box(qtbot)
        assert box.windowTitle() == "Save Decrypted Settings As"
        explained = box.text() + box.informativeText()
        assert "plain, unencrypted XML" in explained
        assert "Anyone who gets this file can read it" in explained
        assert "another user" in explained
        assert "Save Settings As instead" in explained
        click(qtbot, box, QMessageBox.StandardButton.No)
    assert finished.args == [False]
    assert not any(
        isinstance(w, QFileDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    assert list(stick.iterdir()) == []


def test_save_decrypted_yes_writes_plain_xml_any_user_opens(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile, stick: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    layout = a_layout()
    flow = save_settings_as(window, alice, worker, layout, decrypted=True)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS) as finished:
        click(qtbot, message_box(qtbot), QMessageBox.StandardButton.Yes)
        dialog = file_dialog(qtbot)
        assert dialog.windowTitle() == "Save Decrypted Settings As"
        save_on_stick(qtbot, dialog, "for-bob")
    assert finished.args == [True]
    saved = stick / "for-bob.xml"
    data = saved.read_bytes()
    assert b"<tws-companion-settings" in data
    assert b"Morning trading" in data
    bob = profile_of(tmp_path / "bob-machine", "bob")
    assert bob.open_file(saved) == layout


def test_cancel_in_the_file_dialog_saves_nothing(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile, stick: Path
) -> None:
    flow = save_settings_as(window, alice, worker, a_layout(), decrypted=False)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS) as finished:
        file_dialog(qtbot).reject()
    assert finished.args == [False]
    assert list(stick.iterdir()) == []


def test_the_next_dialog_starts_in_the_folder_used_last(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile, stick: Path
) -> None:
    folders = FolderMemory()
    flow = save_settings_as(window, alice, worker, a_layout(), decrypted=False, folders=folders)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
        save_on_stick(qtbot, file_dialog(qtbot), "first")
    flow = save_settings_as(window, alice, worker, a_layout(), decrypted=False, folders=folders)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
        dialog = file_dialog(qtbot)
        assert Path(dialog.directory().absolutePath()) == stick
        dialog.reject()


def test_without_the_settings_key_save_settings_as_says_what_to_do(
    qtbot: QtBot, window: QMainWindow, worker: Worker, stick: Path, tmp_path: Path
) -> None:
    carol = SettingsProfile(tmp_path / "carol-machine", "carol", server=SERVER)  # no key
    flow = save_settings_as(window, carol, worker, a_layout(), decrypted=False)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS) as finished:
        save_on_stick(qtbot, file_dialog(qtbot), "migrate")
        box = message_box(qtbot)
        assert box.icon() is QMessageBox.Icon.Warning
        assert "settings key is not on this computer" in box.informativeText()
        click(qtbot, box, QMessageBox.StandardButton.Ok)
    assert finished.args == [False]
    assert list(stick.iterdir()) == []


@pytest.fixture
def read_only_stick(stick: Path) -> Iterator[Path]:
    """``stick`` made read-only, holding migrate.xml from an earlier save."""
    (stick / "migrate.xml").write_bytes(b"the earlier save")
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    if os.geteuid() != 0:
        stick.chmod(0o555)
        yield stick
        stick.chmod(0o755)
        return
    # root writes through permissions: a read-only bind mount of the folder over itself
    bound = subprocess.run(["mount", "--bind", str(stick), str(stick)], check=False)
    if bound.returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(stick)], check=True)
        yield stick
    finally:
        subprocess.run(["umount", str(stick)], check=False)


def test_a_read_only_drive_is_reported_and_the_earlier_file_survives(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile,
    read_only_stick: Path,
) -> None:  # fmt: skip
    with pytest.raises(OSError) as refused:  # the folder really is read-only
        (read_only_stick / "probe").write_bytes(b"")
    assert refused.value.errno in (errno.EROFS, errno.EACCES)

    flow = save_settings_as(window, alice, worker, a_layout(), decrypted=True)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS) as finished:
        click(qtbot, message_box(qtbot), QMessageBox.StandardButton.Yes)
        dialog = file_dialog(qtbot)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
        save_on_stick(qtbot, dialog, "migrate")
        box = message_box(qtbot)
        assert box.windowTitle() == "Save Decrypted Settings As"
        assert box.text() == f"The settings were not saved to {read_only_stick / 'migrate.xml'}."
        assert "cannot be written to" in box.informativeText()
        assert "read-only" in box.informativeText()
        click(qtbot, box, QMessageBox.StandardButton.Ok)
    assert finished.args == [False]
    assert (read_only_stick / "migrate.xml").read_bytes() == b"the earlier save"
    assert sorted(p.name for p in read_only_stick.iterdir()) == ["migrate.xml"]
    assert "Settings saved" not in window.statusBar().currentMessage()


def test_the_drives_row_names_each_drive(qtbot: QtBot, tmp_path: Path) -> None:
    home = Drive("alice", tmp_path, "local", "ext4", free_bytes=None, is_home=True)
    share = Drive("trading", tmp_path / "share", "network", "cifs", free_bytes=2**30)
    stick = Drive("STICK", tmp_path / "stick", "removable", "vfat", read_only=True)
    dialog = SettingsFileDialog(
        None, save=True, title=lambda: "Save Settings As", directory=tmp_path,
        drives=[home, share, stick],
    )  # fmt: skip
    qtbot.addWidget(dialog)
    texts = [dialog.drives_combo.itemText(row) for row in range(1, dialog.drives_combo.count())]
    assert texts[0] == f"Home — your home folder ({tmp_path})"
    assert texts[1].startswith("trading — Network drive, 1")
    assert "free" in texts[1]
    assert texts[2] == f"STICK — USB or removable drive, read-only ({tmp_path / 'stick'})"
    sidebar = [url.toLocalFile() for url in dialog.sidebarUrls()]
    assert sidebar == [str(tmp_path), str(tmp_path / "share"), str(tmp_path / "stick")]


def test_a_slow_drive_list_does_not_keep_the_dialog_from_opening(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import threading

    release = threading.Event()

    def hung() -> list[Drive]:
        release.wait(WAIT_MS / 1000)
        return []

    monkeypatch.setattr(layout_dialogs, "list_drives", hung)
    monkeypatch.setattr(layout_dialogs, "DRIVES_TIMEOUT_MS", 50)
    flow: SaveAsFlow = save_settings_as(window, alice, worker, a_layout(), decrypted=False)
    try:
        with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
            dialog = file_dialog(qtbot)
            assert not dialog.drives_combo.isEnabled()  # opened without them
            dialog.reject()
    finally:
        release.set()


class Shouting(QTranslator):
    """A "language" that writes the texts of the save dialogs in capitals."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if context not in ("SaveAsFlow", "SettingsFileDialog"):
            return ""
        # capitals everywhere but in the {placeholders}
        return re.sub(r"[^{}]+(?=\{|$)", lambda found: found.group().upper(), source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def test_a_language_change_rewrites_the_open_dialogs(
    qtbot: QtBot, window: QMainWindow, worker: Worker, alice: SettingsProfile, stick: Path
) -> None:
    flow = save_settings_as(window, alice, worker, a_layout(), decrypted=True)
    translator = Shouting()
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
        box = message_box(qtbot)
        QApplication.installTranslator(translator)
        try:
            qtbot.waitUntil(lambda: box.windowTitle() == "SAVE DECRYPTED SETTINGS AS")
            assert box.text() == "THE SETTINGS WILL BE SAVED AS PLAIN, UNENCRYPTED XML."
            click(qtbot, box, QMessageBox.StandardButton.Yes)
            dialog = file_dialog(qtbot)
            assert dialog.windowTitle() == "SAVE DECRYPTED SETTINGS AS"
            assert dialog.nameFilters() == ["SETTINGS FILES (*.XML)"]
        finally:
            QApplication.removeTranslator(translator)
        qtbot.waitUntil(lambda: dialog.windowTitle() == "Save Decrypted Settings As")
        assert dialog.drives_label.text() == "&Drives:"
        dialog.reject()
