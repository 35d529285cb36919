"""The settings conflict, driven as a user would: another computer saved the settings to the
server in between; the user keeps this computer's, uses the server's, compares them side by side,
or cancels (nothing changes)."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QLocale, Qt, QTime, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QPushButton
from pytestqt.qtbot import QtBot

from tws_companion.gui.conflict_dialog import ConflictChoice, SettingsConflictDialog
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import (
    Chart,
    DockArea,
    Layout,
    Mode,
    Notes,
    Panel,
    Watchlist,
    WatchlistRow,
    Workspace,
)

pytestmark = pytest.mark.gui

SAVED_AT = datetime(2024, 5, 12, 14, 3, tzinfo=UTC)


def this_computers() -> Layout:
    layout = default_layout()
    layout.workstation.workspaces[0].name = "Trading"
    watchlist = layout.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows += [WatchlistRow("GOOG"), WatchlistRow("META")]
    layout.workstation.workspaces[0].panels.append(Panel(Notes("earnings"), title="Earnings"))
    return layout


def servers(local: Layout) -> Layout:
    """What another computer saved: from the same settings, changed otherwise."""
    layout = copy.deepcopy(local)
    space = layout.workstation.workspaces[0]
    space.panels = [panel for panel in space.panels if panel.title != "Earnings"]
    watchlist = layout.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows = [row for row in watchlist.rows if row.symbol not in ("GOOG", "META", "TSLA")]
    watchlist.rows.append(WatchlistRow("ES", "CME"))
    chart = next(panel for panel in layout.panels() if panel.title == "Chart")
    assert isinstance(chart.state, Chart)
    chart.state.symbol = "MSFT"
    next(panel for panel in layout.panels() if panel.title == "Portfolio").area = DockArea.RIGHT
    layout.workstation.workspaces.append(
        Workspace(
            "Futures",
            [
                Panel(Watchlist(rows=[WatchlistRow("NQ", "CME")]), title="Futures"),
                Panel(Chart("NQ"), title="NQ chart"),
            ],
        )
    )
    layout.workstation.mode = Mode.CLASSIC
    layout.global_config.lock_and_exit.autosave_minutes = None
    return layout


def open_dialog(
    qtbot: QtBot,
    local: Layout,
    server: Layout,
    *,
    saved_at: datetime = SAVED_AT,
    machine: str = "OFFICE-PC",
) -> SettingsConflictDialog:
    dialog = SettingsConflictDialog(local, server, server_saved_at=saved_at, server_machine=machine)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsConflictDialog:
    local = this_computers()
    return open_dialog(qtbot, local, servers(local))


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible(), button.text()
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_it_says_which_computer_saved_when_and_offers_the_choices(
    dialog: SettingsConflictDialog,
) -> None:
    assert dialog.windowTitle() == "Settings on the Server"
    assert dialog.isModal()
    local = SAVED_AT.astimezone()  # the machine's local time
    time = QLocale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)
    text = dialog.message.text()
    assert "Another computer (OFFICE-PC) saved your settings to the server on " in text
    assert f" at {time}, after this computer last saved or took them." in text
    assert [
        button.text()
        for button in (
            dialog.keep_button,
            dialog.take_button,
            dialog.compare_button,
            dialog.cancel_button,
        )
    ] == ["&Keep this computer's settings", "&Use the server's settings", "&Compare...", "Cancel"]
    assert dialog.summary.text() == (
        "1 workspace, 6 panels, 5 watchlist rows and 2 settings differ."
    )
    assert not dialog.tree.isVisible()
    assert dialog.choice is None


def test_a_save_of_a_few_minutes_ago_is_today(qtbot: QtBot) -> None:
    local = this_computers()
    recently = datetime.now(UTC) - timedelta(minutes=1)
    if recently.astimezone().date() != datetime.now().astimezone().date():
        recently = datetime.now(UTC)  # just after midnight: "a minute ago" was yesterday
    dialog = open_dialog(qtbot, local, servers(local), saved_at=recently, machine="laptop")
    assert "Another computer (laptop) saved your settings to the server today at " in (
        dialog.message.text()
    )


def test_keep_this_computers_settings(qtbot: QtBot, dialog: SettingsConflictDialog) -> None:
    with qtbot.waitSignal(dialog.finished) as finished:
        click(qtbot, dialog.keep_button)
    assert finished.args == [QDialog.DialogCode.Accepted.value]
    assert dialog.choice is ConflictChoice.KEEP_THIS_COMPUTER
    assert not dialog.isVisible()


def test_use_the_servers_settings(qtbot: QtBot, dialog: SettingsConflictDialog) -> None:
    with qtbot.waitSignal(dialog.finished) as finished:
        click(qtbot, dialog.take_button)
    assert finished.args == [QDialog.DialogCode.Accepted.value]
    assert dialog.choice is ConflictChoice.TAKE_SERVER


def test_cancel_decides_nothing(qtbot: QtBot, dialog: SettingsConflictDialog) -> None:
    with qtbot.waitSignal(dialog.finished) as finished:
        click(qtbot, dialog.cancel_button)
    assert finished.args == [QDialog.DialogCode.Rejected.value]
    assert dialog.choice is None


def test_escape_cancels_and_return_chooses_nothing(
    qtbot: QtBot, dialog: SettingsConflictDialog
) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.compare_button, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.choice is None
    with qtbot.waitSignal(dialog.finished) as finished:
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert finished.args == [QDialog.DialogCode.Rejected.value]
    assert dialog.choice is None


def test_every_choice_is_reachable_with_the_keyboard(
    qtbot: QtBot, dialog: SettingsConflictDialog
) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(dialog.compare_button.hasFocus)
    reached = []
    for _ in range(4):
        reached.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert reached == [
        dialog.compare_button,
        dialog.keep_button,
        dialog.take_button,
        dialog.cancel_button,
    ]
    # Space on the focused button opens the comparison, whose tree is next in the tab order.
    dialog.compare_button.setFocus()
    qtbot.keyClick(dialog.compare_button, Qt.Key.Key_Space)
    qtbot.waitUntil(dialog.tree.isVisible)
    assert dialog.tree.hasFocus()
    # Alt+U (the underlined letter) uses the server's settings.
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert dialog.choice is ConflictChoice.TAKE_SERVER


def test_compare_shows_the_differences_side_by_side(
    qtbot: QtBot, dialog: SettingsConflictDialog
) -> None:
    compact = dialog.size()
    click(qtbot, dialog.compare_button)
    qtbot.waitUntil(dialog.tree.isVisible)
    assert dialog.compare_button.text() == "Hide &Comparison"
    assert dialog.height() > compact.height()
    screen = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().width() <= screen.width()
    assert dialog.frameGeometry().height() <= screen.height()
    header = dialog.tree.headerItem()
    assert [header.text(column) for column in range(3)] == [
        "Difference",
        "This computer",
        "Server",
    ]
    assert dialog.tree.lines() == [
        "Mode | Mosaic | Classic",
        "Workspaces |  | ",
        "  Trading | 7 panels | 6 panels",
        "    Watchlist: Rows |  | ",
        "      Rows | 10 rows | 8 rows",
        "    Chart: Symbol |  | ",
        "      Symbol | AAPL | MSFT",
        "    Portfolio: moved |  | ",
        "      Docked at | Bottom | Right",
        "    Earnings (Notes) | only here | —",
        "  Futures | — | 2 panels",
        "    Futures (Watchlist) | — | only here",
        "    NQ chart (Chart) | — | only here",
        "Watchlist rows |  | ",
        "  Trading › Watchlist | 10 rows | 8 rows",
        "    TSLA | only here | —",
        "    GOOG | only here | —",
        "    META | only here | —",
        "    ES (CME) | — | only here",
        "  Futures › Futures | — | 1 row",
        "    NQ (CME) | — | only here",
        "Global Configuration |  | ",
        "  Auto-save settings | every 10 min | never",
    ]
    # Closing the comparison gives the compact dialog back; the choice is still the user's.
    click(qtbot, dialog.compare_button)
    qtbot.waitUntil(lambda: not dialog.tree.isVisible())
    assert dialog.compare_button.text() == "&Compare..."
    assert dialog.choice is None


def test_as_many_rows_on_both_sides_but_not_the_same_ones_says_so(qtbot: QtBot) -> None:
    local = this_computers()
    server = copy.deepcopy(local)
    watchlist = server.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows[0] = WatchlistRow("NFLX")
    dialog = open_dialog(qtbot, local, server)
    click(qtbot, dialog.compare_button)
    qtbot.waitUntil(dialog.tree.isVisible)
    count = len(watchlist.rows)
    assert (
        f"      Rows | {count} rows, not the same | {count} rows, not the same"
        in dialog.tree.lines()
    )


def test_a_layout_compared_with_itself_shows_no_differences(qtbot: QtBot) -> None:
    local = this_computers()
    dialog = open_dialog(qtbot, local, copy.deepcopy(local))
    assert dialog.summary.text() == "No differences: both copies hold the same settings."
    click(qtbot, dialog.compare_button)
    qtbot.waitUntil(dialog.tree.isVisible)
    assert dialog.tree.lines() == ["No differences: both copies hold the same settings. |  | "]


def test_long_watchlists_are_counted_not_listed(qtbot: QtBot) -> None:
    local = this_computers()
    server = copy.deepcopy(local)
    watchlist = server.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows += [WatchlistRow(f"S{number}") for number in range(120)]
    dialog = open_dialog(qtbot, local, server)
    assert dialog.summary.text() == "1 panel and 120 watchlist rows differ."
    click(qtbot, dialog.compare_button)
    lines = dialog.tree.lines()
    assert "    S0 | — | only here" in lines
    assert "    S49 | — | only here" in lines
    assert "    S50 | — | only here" not in lines
    assert "    … and 70 more |  | " in lines


def test_a_large_layout_lists_a_thousand_rows_and_counts_the_rest(qtbot: QtBot) -> None:
    local = this_computers()
    server = copy.deepcopy(local)
    for number in range(30):  # 30 watchlists of 50 rows on the server only: 1,500 rows
        rows = [WatchlistRow(f"W{number}S{row}") for row in range(50)]
        server.workstation.workspaces.append(
            Workspace(f"Desk {number}", [Panel(Watchlist(rows=rows), title=f"List {number}")])
        )
    dialog = open_dialog(qtbot, local, server)
    rows_text = QLocale().toString(1500)  # "1,500" in English, "1500" in the C locale
    assert (
        dialog.summary.text() == f"30 workspaces, 30 panels and {rows_text} watchlist rows differ."
    )
    click(qtbot, dialog.compare_button)
    lines = dialog.tree.lines()
    assert sum(1 for line in lines if line.endswith(" | — | only here")) == 1000 + 30
    assert "  Desk 19 › List 19 | — | 50 rows" in lines
    assert "    W19S49 | — | only here" in lines
    assert "  Desk 20 › List 20 | — | 50 rows" in lines
    assert "    W20S0 | — | only here" not in lines
    assert lines[lines.index("  Desk 20 › List 20 | — | 50 rows") + 1] == (
        "    … and 50 more |  | "
    )


def test_names_from_the_files_are_plain_text_on_one_line(qtbot: QtBot) -> None:
    local = this_computers()
    server = copy.deepcopy(local)
    server.workstation.workspaces.append(Workspace("<b>bold</b>\nnext\u202eline"))
    dialog = open_dialog(qtbot, local, server, machine="<i>PC</i>\u202e\nexe")
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert "Another computer (<i>PC</i> exe) saved" in dialog.message.text()
    click(qtbot, dialog.compare_button)
    assert "  <b>bold</b> next line | — | 0 panels" in dialog.tree.lines()


class Shouting(QTranslator):
    """A "language" that writes every text of this dialog in capitals."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if context not in ("SettingsConflictDialog", "ComparisonTree"):
            # None, not "": Qt then uses the source text (tr() looks in the base classes'
            # contexts for a text whose translation is the same, such as "{items}, {item}").
            return None
        # capitals everywhere but in the {placeholders}
        return re.sub(r"[^{}]+(?=\{|$)", lambda found: found.group().upper(), source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def test_a_language_change_rewrites_every_text(
    qtbot: QtBot, dialog: SettingsConflictDialog
) -> None:
    click(qtbot, dialog.compare_button)
    translator = Shouting()
    QApplication.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: dialog.windowTitle() == "SETTINGS ON THE SERVER")
        assert dialog.heading.text() == "YOUR SETTINGS WERE SAVED ON ANOTHER COMPUTER"
        assert dialog.message.text().startswith("ANOTHER COMPUTER (OFFICE-PC) SAVED")
        assert dialog.keep_button.text() == "&KEEP THIS COMPUTER'S SETTINGS"
        assert dialog.take_button.text() == "&USE THE SERVER'S SETTINGS"
        assert dialog.compare_button.text() == "HIDE &COMPARISON"
        assert dialog.cancel_button.text() == "CANCEL"
        assert dialog.summary.text() == (
            "1 WORKSPACE, 6 PANELS, 5 WATCHLIST ROWS AND 2 SETTINGS DIFFER."
        )
        header = dialog.tree.headerItem()
        assert header.text(1) == "THIS COMPUTER"
        assert "  Futures | — | 2 PANELS" in dialog.tree.lines()
        assert "    TSLA | ONLY HERE | —" in dialog.tree.lines()
    finally:
        QApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Settings on the Server")
    assert "    TSLA | only here | —" in dialog.tree.lines()
