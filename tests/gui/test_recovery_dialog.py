"""Layout/Settings Recovery, driven as a user would: Custom... with a file on a "USB stick", the
local backups with their previews, the default layout, refusals with their messages, and the
partial import with its Undo. Files are written and read by real SettingsProfiles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.support.profiles import SERVER
from tws_companion.gui.layout_dialogs import FolderMemory, SettingsFileDialog
from tws_companion.gui.recovery_dialog import ChoiceKind, ImportUndo, RecoveryDialog
from tws_companion.gui.worker import Worker
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import (
    Layout,
    Mode,
    Notes,
    Panel,
    Watchlist,
    WatchlistRow,
    Workspace,
)
from tws_companion.layout.profile import SettingsProfile
from tws_companion.layout.summary import summarize

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


def alices_layout() -> Layout:
    layout = default_layout()
    layout.workstation.workspaces[0].name = "Alice's desk"
    return layout


def bobs_layout() -> Layout:
    layout = default_layout(Mode.CLASSIC)
    layout.workstation.workspaces[0].name = "Bob's futures"
    watchlist = layout.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows = [WatchlistRow("ES"), WatchlistRow("NQ"), WatchlistRow("AAPL")]
    layout.workstation.workspaces.append(
        Workspace("Bob's notes", [Panel(Notes("buy low"), title="Notes")])
    )
    layout.global_config.display.font_size = 14
    return layout


@pytest.fixture
def dialog(qtbot: QtBot, alice: SettingsProfile, worker: Worker) -> RecoveryDialog:
    window = RecoveryDialog(alice, worker, alices_layout(), folders=FolderMemory())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.backups is not None, timeout=WAIT_MS)
    return window


def button(qtbot: QtBot, widget: QPushButton) -> None:
    assert widget.isVisible(), widget.text()
    assert widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_custom(qtbot: QtBot, dialog: RecoveryDialog, path: Path) -> None:
    """Select Custom... and click OK; select the file and click Open."""
    dialog.select(ChoiceKind.CUSTOM)
    button(qtbot, dialog.ok_button)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), QFileDialog), timeout=WAIT_MS
    )
    files = QApplication.activeModalWidget()
    assert isinstance(files, SettingsFileDialog)
    assert files.windowTitle() == "Open Settings File"
    assert files.nameFilters() == ["Settings files (*.xml)"]
    assert str(path.parent) in [url.toLocalFile() for url in files.sidebarUrls()]
    # As the seeds: go to the drive, select the settings file and click Open (here: Enter).
    drives = files.drives_combo
    drives.setCurrentIndex(drives.findText("STICK", Qt.MatchFlag.MatchStartsWith))
    drives.activated.emit(drives.currentIndex())
    assert Path(files.directory().absolutePath()) == path.parent
    name_field = files.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name_field, QLineEdit)
    name_field.setFocus()
    qtbot.keyClicks(name_field, path.name)
    qtbot.keyClick(name_field, Qt.Key.Key_Return)


def refusal(qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=WAIT_MS
    )
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    return box


def test_custom_opens_another_users_decrypted_file(
    qtbot: QtBot, dialog: RecoveryDialog, bob: SettingsProfile, stick: Path
) -> None:
    bob.save_as(stick / "migrate.xml", bobs_layout(), decrypted=True)
    assert dialog.choices.item(0).text() == "Custom..."
    open_custom(qtbot, dialog, stick / "migrate.xml")
    qtbot.waitUntil(lambda: dialog.page == RecoveryDialog.CONFIRM, timeout=WAIT_MS)
    shown = dialog.confirm_preview.text()
    assert str(stick / "migrate.xml") in shown
    assert "Mode: Classic" in shown
    assert "Workspaces: 2: Bob's futures (shown), Bob's notes" in shown
    assert "Watchlist rows: 3" in shown
    assert "font size 14" in shown
    assert dialog.open_button.text() == "&Open without reporting problem"
    assert dialog.open_button.isDefault()
    with qtbot.waitSignal(dialog.layoutChosen, timeout=WAIT_MS) as chosen:
        button(qtbot, dialog.open_button)
    assert chosen.args == [bob.open_file(stick / "migrate.xml")]
    assert not dialog.isVisible()


def test_the_same_users_encrypted_file_opens(
    qtbot: QtBot, dialog: RecoveryDialog, alice: SettingsProfile, stick: Path, tmp_path: Path
) -> None:
    laptop = SettingsProfile(tmp_path / "alice-laptop", "alice", server=SERVER)
    theirs = bobs_layout()
    laptop.save_as(stick / "mine.xml", theirs, decrypted=False)
    open_custom(qtbot, dialog, stick / "mine.xml")
    qtbot.waitUntil(lambda: dialog.page == RecoveryDialog.CONFIRM, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.layoutChosen, timeout=WAIT_MS) as chosen:
        button(qtbot, dialog.open_button)
    assert chosen.args == [theirs]


REFUSALS = {
    "another user's encrypted file": "encrypted settings of another user (bob); only that user",
    "a tampered file": "has been changed or damaged since it was saved",
    "a newer version's file": "saved by a newer version of TWS Companion (format 99",
    "not a settings file": "This is not a TWS Companion settings file",
    "a file too large": "too large to be a settings file",
    "a damaged plain file": "damaged (cut short or edited)",
}


def write_refused(kind: str, path: Path, bob: SettingsProfile) -> None:
    if kind == "another user's encrypted file":
        bob.save_as(path, bobs_layout(), decrypted=False)
    elif kind == "a tampered file":
        bob_as_alice = SettingsProfile(bob.root, "alice", server=SERVER)
        bob_as_alice.save_as(path, bobs_layout(), decrypted=False)
        data = bytearray(path.read_bytes())
        start = data.index(b">", data.index(b"<tws-companion-encrypted-settings")) + 1
        middle = (start + data.index(b"</", start)) // 2  # a character of the ciphertext
        data[middle] = ord("B") if data[middle] == ord("A") else ord("A")
        path.write_bytes(bytes(data))
    elif kind == "a newer version's file":
        bob.save_as(path, bobs_layout(), decrypted=True)
        path.write_bytes(path.read_bytes().replace(b'format="2"', b'format="99"', 1))
    elif kind == "not a settings file":
        path.write_bytes(b"<?xml version='1.0'?>\n<shopping><item>milk</item></shopping>\n")
    elif kind == "a file too large":
        with path.open("wb") as handle:
            handle.truncate(33 * 1024 * 1024)  # sparse: no time spent writing it
    else:
        bob.save_as(path, bobs_layout(), decrypted=True)
        path.write_bytes(path.read_bytes()[:-200])


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_a_file_that_cannot_be_opened_is_explained_and_nothing_changes(
    qtbot: QtBot, dialog: RecoveryDialog, bob: SettingsProfile, stick: Path, kind: str
) -> None:
    path = stick / "migrate.xml"
    write_refused(kind, path, bob)
    chosen: list[object] = []
    dialog.layoutChosen.connect(chosen.append)
    open_custom(qtbot, dialog, path)
    box = refusal(qtbot)
    assert box.icon() is QMessageBox.Icon.Warning
    assert box.text() == "migrate.xml was not opened."
    assert REFUSALS[kind] in box.informativeText()
    assert "Your current layout has not been changed." in box.informativeText()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=WAIT_MS)
    # The dialog stays open for another choice; nothing was applied.
    assert dialog.isVisible()
    assert dialog.page == RecoveryDialog.CHOOSE
    assert chosen == []
    assert summarize(dialog.current) == summarize(alices_layout())
    dialog.select(ChoiceKind.DEFAULT)
    assert dialog.ok_button.isEnabled()


def test_a_backup_shows_its_preview_and_applies(
    qtbot: QtBot, alice: SettingsProfile, worker: Worker
) -> None:
    older, newer = alices_layout(), bobs_layout()
    alice.save(older)
    alice.save(newer)
    backups = alice.backups()
    assert len(backups) >= 2
    window = RecoveryDialog(alice, worker, alices_layout(), folders=FolderMemory())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.backups is not None, timeout=WAIT_MS)
    texts = [window.choices.item(row).text() for row in range(window.choices.count())]
    assert texts[0] == "Custom..."
    assert texts[-1] == "Default layout"
    assert texts[1] == window.backup_text(backups[0])
    assert texts[1].startswith("Backup of ")
    assert "(2." in texts[1]

    window.select(ChoiceKind.BACKUP, 0)
    qtbot.waitUntil(lambda: "Watchlist rows:" in window.preview.text(), timeout=WAIT_MS)
    expected = alice.open_backup(backups[0])
    assert f"Workspaces: {len(expected.workstation.workspaces)}:" in window.preview.text()
    assert window.ok_button.isEnabled()
    button(qtbot, window.ok_button)
    assert window.page == RecoveryDialog.CONFIRM
    assert window.confirm_preview.heading.text() == window.backup_text(backups[0])
    with qtbot.waitSignal(window.layoutChosen, timeout=WAIT_MS) as chosen:
        button(qtbot, window.open_button)
    assert chosen.args == [expected]


def test_no_backups_yet_says_so(dialog: RecoveryDialog) -> None:
    texts = [dialog.choices.item(row).text() for row in range(dialog.choices.count())]
    assert texts == ["Custom...", "No backups yet", "Default layout"]


def test_the_default_layout_applies_with_the_keyboard_alone(
    qtbot: QtBot, dialog: RecoveryDialog
) -> None:
    dialog.choices.setFocus()
    qtbot.keyClick(dialog.choices, Qt.Key.Key_End)
    assert dialog.selected() == (ChoiceKind.DEFAULT, None)
    assert "Panels: 6:" in dialog.preview.text()
    qtbot.keyClick(dialog.choices, Qt.Key.Key_Return)  # OK is the default button
    assert dialog.page == RecoveryDialog.CONFIRM
    with qtbot.waitSignal(dialog.layoutChosen, timeout=WAIT_MS) as chosen:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    (layout,) = chosen.args
    assert summarize(layout) == summarize(default_layout())


def test_back_returns_to_the_list_and_cancel_closes_without_a_layout(
    qtbot: QtBot, dialog: RecoveryDialog
) -> None:
    chosen: list[object] = []
    dialog.layoutChosen.connect(chosen.append)
    dialog.select(ChoiceKind.DEFAULT)
    button(qtbot, dialog.ok_button)
    button(qtbot, dialog.back_button)
    assert dialog.page == RecoveryDialog.CHOOSE
    button(qtbot, dialog.cancel_button)
    assert not dialog.isVisible()
    assert chosen == []


def import_from_file(
    qtbot: QtBot, dialog: RecoveryDialog, path: Path, parts: list[str], *, merge: bool
) -> tuple[Layout, Layout]:
    open_custom(qtbot, dialog, path)
    qtbot.waitUntil(lambda: dialog.page == RecoveryDialog.CONFIRM, timeout=WAIT_MS)
    button(qtbot, dialog.parts_button)
    assert dialog.page == RecoveryDialog.PARTS
    assert not dialog.import_button.isEnabled()  # nothing chosen yet
    for part, box in dialog.part_boxes.items():
        if part.value in parts:
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    radio = dialog.merge_radio if merge else dialog.replace_radio
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert dialog.merge_radio.isChecked() is merge
    assert {part.value for part in dialog.chosen_parts()} == set(parts)
    with (
        qtbot.waitSignal(dialog.partsImported, timeout=WAIT_MS) as imported,
        qtbot.waitSignal(dialog.layoutChosen, timeout=WAIT_MS) as chosen,
    ):
        button(qtbot, dialog.import_button)
    previous, result = imported.args
    assert chosen.args == [result]
    return previous, result


def names(layout: Layout) -> list[str]:
    return [space.name for space in layout.workstation.workspaces]


def test_import_workspaces_merged_then_undone(
    qtbot: QtBot, dialog: RecoveryDialog, bob: SettingsProfile, stick: Path
) -> None:
    bob.save_as(stick / "bob.xml", bobs_layout(), decrypted=True)
    current = dialog.current
    undo = ImportUndo()
    dialog.partsImported.connect(undo.record)
    status_button = undo.make_button()
    assert not undo.action.isEnabled()
    assert status_button.isHidden()

    previous, result = import_from_file(
        qtbot, dialog, stick / "bob.xml", ["workspaces"], merge=True
    )
    assert previous is current
    assert names(result) == ["Alice's desk", "Bob's futures", "Bob's notes"]
    assert result.global_config.display.font_size == current.global_config.display.font_size
    assert names(current) == ["Alice's desk"]  # the current layout itself is untouched

    assert undo.action.isEnabled()
    assert undo.action.text() == "Undo Import"
    assert not status_button.isHidden()
    with qtbot.waitSignal(undo.undone, timeout=WAIT_MS) as undone:
        undo.action.trigger()
    assert undone.args == [current]
    assert not undo.action.isEnabled()
    assert status_button.isHidden()


def test_import_replacing_workspaces_and_global_configuration(
    qtbot: QtBot, dialog: RecoveryDialog, bob: SettingsProfile, stick: Path
) -> None:
    bob.save_as(stick / "bob.xml", bobs_layout(), decrypted=True)
    previous, result = import_from_file(
        qtbot, dialog, stick / "bob.xml", ["workspaces", "global_config"], merge=False
    )
    assert names(result) == ["Bob's futures", "Bob's notes"]
    assert result.global_config.display.font_size == 14
    assert result.workstation.mode is previous.workstation.mode  # the mode stays


def test_merging_watchlists_adds_the_new_symbols(
    qtbot: QtBot, dialog: RecoveryDialog, bob: SettingsProfile, stick: Path
) -> None:
    bob.save_as(stick / "bob.xml", bobs_layout(), decrypted=True)
    _previous, result = import_from_file(
        qtbot, dialog, stick / "bob.xml", ["watchlists"], merge=True
    )
    state = result.watchlists()[0].state
    assert isinstance(state, Watchlist)
    symbols = [row.symbol for row in state.rows]
    assert symbols[:8] == [row.symbol for row in alices_watchlist_rows()]
    assert symbols[8:] == ["ES", "NQ"]  # AAPL was there already
    assert names(result) == ["Alice's desk"]


def alices_watchlist_rows() -> list[WatchlistRow]:
    state = alices_layout().watchlists()[0].state
    assert isinstance(state, Watchlist)
    return state.rows


def test_undo_forgets_after_another_recovery() -> None:
    undo = ImportUndo()
    undo.record(alices_layout(), bobs_layout())
    assert undo.available
    undo.forget()
    assert not undo.available
    assert not undo.action.isEnabled()


def test_names_from_a_file_are_shown_as_plain_text(
    qtbot: QtBot, dialog: RecoveryDialog, bob: SettingsProfile, stick: Path
) -> None:
    layout = bobs_layout()
    layout.workstation.workspaces[0].name = "<b>bold</b>\u202eevil"
    bob.save_as(stick / "odd.xml", layout, decrypted=True)
    open_custom(qtbot, dialog, stick / "odd.xml")
    qtbot.waitUntil(lambda: dialog.page == RecoveryDialog.CONFIRM, timeout=WAIT_MS)
    value = dialog.confirm_preview.values["workspaces"]
    assert value.textFormat() is Qt.TextFormat.PlainText
    assert "<b>bold</b> evil (shown)" in value.text()


class Shouting(QTranslator):
    """A "language" that writes every text of this app in capitals."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if not context.startswith(("RecoveryDialog", "LayoutPreview")):
            return ""
        # capitals everywhere but in the {placeholders}
        return re.sub(r"[^{}]+(?=\{|$)", lambda found: found.group().upper(), source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def test_a_language_change_rewrites_every_text(qtbot: QtBot, dialog: RecoveryDialog) -> None:
    dialog.select(ChoiceKind.DEFAULT)
    translator = Shouting()
    QApplication.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: dialog.windowTitle() == "LAYOUT/SETTINGS RECOVERY")
        texts = [dialog.choices.item(row).text() for row in range(dialog.choices.count())]
        assert texts == ["CUSTOM...", "NO BACKUPS YET", "DEFAULT LAYOUT"]
        assert dialog.cancel_button.text() == "CANCEL"
        assert dialog.open_button.text() == "&OPEN WITHOUT REPORTING PROBLEM"
        assert dialog.preview.heading.text() == "THE DEFAULT LAYOUT"
        assert "WATCHLIST ROWS: 8" in dialog.preview.text()
    finally:
        QApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Layout/Settings Recovery")
