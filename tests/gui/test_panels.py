"""The workstation's panels: each shows its state, gives it back, and takes the trader's edits."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QModelRoleData,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tws_companion.gui.panels import PANELS, create_panel
from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.chart import ChartPanel, nice_step
from tws_companion.gui.panels.common import (
    DOWN,
    REFRESH_MS,
    UP,
    RefreshTimer,
    SymbolEdit,
    with_column,
)
from tws_companion.gui.panels.headlines import simulated_headlines
from tws_companion.gui.panels.labels import kind_label
from tws_companion.gui.panels.news import NewsPanel
from tws_companion.gui.panels.notes import NotesPanel
from tws_companion.gui.panels.order_entry import OrderEntryPanel
from tws_companion.gui.panels.portfolio import PortfolioPanel
from tws_companion.gui.panels.prices import (
    BAR_MINUTES,
    MAX_WALKS,
    SimulatedMarket,
    simulated_positions,
    stable_seed,
)
from tws_companion.gui.panels.symbols import normalize_symbol
from tws_companion.gui.panels.watchlist import WatchlistModel, WatchlistPanel
from tws_companion.layout.model import (
    BAR_SIZES,
    NEWS_SOURCES,
    WATCHLIST_COLUMNS,
    Chart,
    Extra,
    News,
    Notes,
    OrderAction,
    OrderEntry,
    OrderType,
    PanelKind,
    PanelState,
    Portfolio,
    TimeInForce,
    Watchlist,
    WatchlistRow,
)

pytestmark = pytest.mark.gui

START = datetime(2024, 3, 5, 14, 30)


class FakeClock:
    """Monotonic seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def market(clock: FakeClock) -> SimulatedMarket:
    return SimulatedMarket(clock=clock, start=START)


def extra(tag: str) -> Extra:
    return Extra({"from-a-newer-version": tag}, [f"<future tag='{tag}'/>"])


NON_DEFAULT_STATES: dict[PanelKind, PanelState] = {
    PanelKind.WATCHLIST: Watchlist(
        columns=["volume", "last", "bid"],
        rows=[
            WatchlistRow("AAPL", "NASDAQ", extra("row")),
            WatchlistRow("BRK B"),
            WatchlistRow("ES-MINI", "CME"),
        ],
        extra=extra("watchlist"),
    ),
    PanelKind.ORDER_ENTRY: OrderEntry(
        symbol="MSFT",
        action=OrderAction.SELL,
        order_type=OrderType.STOP_LIMIT,
        quantity=2500,
        time_in_force=TimeInForce.GTC,
        outside_rth=True,
        extra=extra("order"),
    ),
    PanelKind.CHART: Chart(symbol="QQQ", bar_size="1 hour", extra=extra("chart")),
    PanelKind.PORTFOLIO: Portfolio(
        columns=["market_value", "position"], show_zero_positions=True, extra=extra("portfolio")
    ),
    PanelKind.NEWS: News(sources=["reuters", "briefing"], keyword="buyback", extra=extra("news")),
    PanelKind.NOTES: Notes(text="Earnings Thursday\r\n\tTrim TSLA > 250\n", extra=extra("notes")),
}


def make(qtbot: QtBot, state: PanelState) -> PanelWidget:
    widget = create_panel(state)
    qtbot.addWidget(widget)
    return widget


def shown(qtbot: QtBot, widget: QWidget, width: int = 520, height: int = 360) -> None:
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)


# --- the registry and the state round trip ------------------------------------------------------


def test_every_panel_kind_has_a_widget() -> None:
    assert set(PANELS) == set(PanelKind)
    for kind in PanelKind:
        assert kind_label(kind)


@pytest.mark.parametrize("kind", list(PanelKind))
def test_default_state_round_trip(qtbot: QtBot, kind: PanelKind) -> None:
    state = type(NON_DEFAULT_STATES[kind])()
    widget = make(qtbot, state)
    assert isinstance(widget, PANELS[kind])
    assert widget.state() == state


@pytest.mark.parametrize("kind", list(PanelKind))
def test_state_round_trip_keeps_values_and_unknown_parts(qtbot: QtBot, kind: PanelKind) -> None:
    state = NON_DEFAULT_STATES[kind]
    widget = make(qtbot, state)
    result = widget.state()
    assert result == state
    assert result is not state
    assert result.extra is not state.extra  # a new object: the panel's copy stays its own
    assert result.extra == state.extra


def test_values_from_a_newer_version_survive(qtbot: QtBot) -> None:
    watchlist = Watchlist(columns=["last", "implied_vol"], rows=[WatchlistRow("IBM")])
    chart = Chart(symbol="IBM", bar_size="30 mins")
    news = News(sources=["bloomberg", "reuters"])
    for state in (watchlist, chart, news):
        assert make(qtbot, state).state() == state


# --- watchlist ---------------------------------------------------------------------------------


def watchlist(qtbot: QtBot, market: SimulatedMarket, *symbols: str) -> WatchlistPanel:
    panel = WatchlistPanel(Watchlist(rows=[WatchlistRow(s) for s in symbols]), market=market)
    qtbot.addWidget(panel)
    return panel


def symbols_of(panel: WatchlistPanel) -> list[str]:
    return [row.symbol for row in panel.state().rows]


def test_watchlist_adds_a_typed_symbol_upper_case(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL")
    assert not panel.add_button.isEnabled()
    qtbot.keyClicks(panel.add_edit, "brk b")
    assert panel.add_edit.text() == "BRK B"
    assert panel.add_button.isEnabled()
    with (
        qtbot.waitSignal(panel.changed),
        qtbot.waitSignal(panel.symbolChosen) as chosen,
    ):
        qtbot.keyClick(panel.add_edit, Qt.Key.Key_Return)
    assert symbols_of(panel) == ["AAPL", "BRK B"]
    assert chosen.args == ["BRK B"]
    assert panel.add_edit.text() == ""
    assert panel.table.currentIndex().row() == 1


def test_watchlist_add_field_refuses_what_cannot_be_a_symbol(
    qtbot: QtBot, market: SimulatedMarket
) -> None:
    panel = watchlist(qtbot, market)
    qtbot.keyClicks(panel.add_edit, "a$b%c/defghijklmnop")
    assert panel.add_edit.text() == "ABCDEFGHIJKL"  # only valid characters, 12 at most
    panel.add_edit.clear()
    with qtbot.assertNotEmitted(panel.changed):
        panel.add_button.click()
        qtbot.keyClick(panel.add_edit, Qt.Key.Key_Return)
    assert symbols_of(panel) == []


def test_watchlist_edits_a_symbol_in_place(qtbot: QtBot, market: SimulatedMarket) -> None:
    state = Watchlist(rows=[WatchlistRow("AAPL", "NASDAQ", extra("row")), WatchlistRow("SPY")])
    panel = WatchlistPanel(state, market=market)
    qtbot.addWidget(panel)
    shown(qtbot, panel)
    index = panel.model.index(0, 0)
    panel.table.setCurrentIndex(index)
    panel.table.edit(index)
    editors = panel.table.viewport().findChildren(SymbolEdit)
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, "ibm$")
    assert editor.text() == "IBM"
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    rows = panel.state().rows
    assert [row.symbol for row in rows] == ["IBM", "SPY"]
    assert rows[0].exchange == "NASDAQ"
    assert rows[0].extra == extra("row")


@pytest.mark.parametrize("bad", ["", "   ", "TOOLONGSYMBOL", "A$B", "AB/C", "ÄPFEL", 42])
def test_watchlist_refuses_an_invalid_symbol(
    qtbot: QtBot, market: SimulatedMarket, bad: object
) -> None:
    panel = watchlist(qtbot, market, "AAPL")
    with qtbot.assertNotEmitted(panel.changed):
        assert not panel.model.setData(panel.model.index(0, 0), bad)
    assert symbols_of(panel) == ["AAPL"]


def test_watchlist_symbol_is_trimmed_and_upper_cased(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL")
    assert panel.model.setData(panel.model.index(0, 0), "  bf.b ")
    assert symbols_of(panel) == ["BF.B"]


def test_price_cells_are_read_only(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL")
    price = panel.model.index(0, 1)
    assert not panel.model.flags(price) & Qt.ItemFlag.ItemIsEditable
    assert not panel.model.setData(price, "1.00")
    assert panel.model.flags(panel.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def select_rows(panel: WatchlistPanel, *rows: int) -> None:
    selection = panel.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    panel.table.setCurrentIndex(panel.model.index(rows[0], 0))
    for row in rows:
        selection.select(panel.model.index(row, 0), flags)


def test_delete_key_removes_the_selected_rows(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL", "MSFT", "SPY", "QQQ", "IBM")
    shown(qtbot, panel)
    panel.activateWindow()
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    select_rows(panel, 1, 3, 4)
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert symbols_of(panel) == ["AAPL", "SPY"]


def test_context_menu_removes_and_moves_rows(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL", "MSFT", "SPY")
    menu = panel.row_menu()
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert texts[:3] == ["&Remove", "Move &Up", "Move &Down"]
    assert menu.actions()[-1].menu() is panel.columns_menu
    select_rows(panel, 2)
    with qtbot.waitSignal(panel.changed):
        panel.move_up_action.trigger()
    assert symbols_of(panel) == ["AAPL", "SPY", "MSFT"]
    assert panel.table.currentIndex().row() == 1
    panel.move_up_action.trigger()
    panel.move_up_action.trigger()  # already first: stays
    assert symbols_of(panel) == ["SPY", "AAPL", "MSFT"]
    panel.move_down_action.trigger()
    assert symbols_of(panel) == ["AAPL", "SPY", "MSFT"]
    select_rows(panel, 0)
    with qtbot.waitSignal(panel.changed):
        menu.actions()[0].trigger()
    assert symbols_of(panel) == ["SPY", "MSFT"]
    menu.close()


def test_columns_are_chosen_from_the_menu(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL")
    assert panel.state().columns == ["last", "change", "change_pct", "bid"]
    actions = panel.columns_menu.column_actions
    assert [actions[c].isChecked() for c in WATCHLIST_COLUMNS] == [True] * 4 + [False] * 2
    assert actions["change_pct"].text() == "Change %"
    with qtbot.waitSignal(panel.changed):
        actions["ask"].trigger()
    assert panel.state().columns == ["last", "change", "change_pct", "bid", "ask"]
    with qtbot.waitSignal(panel.changed):
        actions["change"].trigger()
    assert panel.state().columns == ["last", "change_pct", "bid", "ask"]
    actions["change"].trigger()  # back in its place, not at the end
    assert panel.state().columns == ["last", "change", "change_pct", "bid", "ask"]
    model = panel.model
    headers = [
        model.headerData(section, Qt.Orientation.Horizontal)
        for section in range(model.columnCount())
    ]
    assert headers == ["Symbol", "Last", "Change", "Change %", "Bid", "Ask"]


def test_with_column_puts_a_column_in_its_place() -> None:
    assert with_column(["volume", "last"], "bid", WATCHLIST_COLUMNS) == ["bid", "volume", "last"]
    assert with_column(["last"], "volume", WATCHLIST_COLUMNS) == ["last", "volume"]
    assert with_column(["last"], "last", WATCHLIST_COLUMNS) == ["last"]


def test_selecting_a_row_chooses_its_symbol(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL", "MSFT")
    shown(qtbot, panel)
    rect = panel.table.visualRect(panel.model.index(1, 2))
    with qtbot.waitSignal(panel.symbolChosen) as chosen:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == ["MSFT"]
    rect = panel.table.visualRect(panel.model.index(0, 1))
    with qtbot.waitSignal(panel.symbolChosen) as chosen:
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == ["AAPL"]


def test_watchlist_follows_its_color_group(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = watchlist(qtbot, market, "AAPL", "MSFT", "SPY")
    with qtbot.assertNotEmitted(panel.symbolChosen), qtbot.assertNotEmitted(panel.changed):
        panel.show_symbol("SPY")
    assert panel.table.currentIndex().row() == 2
    assert [index.row() for index in panel.table.selectionModel().selectedRows()] == [2]
    panel.show_symbol("NOT THERE")
    assert panel.table.currentIndex().row() == 2


def test_a_20000_row_watchlist(qtbot: QtBot, market: SimulatedMarket) -> None:
    rows = [WatchlistRow(f"S{number}", "SMART") for number in range(20_000)]
    state = Watchlist(columns=list(WATCHLIST_COLUMNS), rows=rows)
    panel = WatchlistPanel(state, market=market)
    qtbot.addWidget(panel)
    shown(qtbot, panel, 520, 400)
    assert panel.model.rowCount() == 20_000
    assert panel.state() == state
    visible = panel.visible_rows()
    assert 5 < len(visible) < 40
    with qtbot.waitSignal(panel.model.dataChanged) as refreshed:
        panel.refresh_prices()
    top_left, bottom_right = refreshed.args[0], refreshed.args[1]
    assert (top_left.row(), bottom_right.row()) == (visible.start, visible.stop - 1)
    assert (top_left.column(), bottom_right.column()) == (1, len(WATCHLIST_COLUMNS))
    panel.show_symbol("S19999")
    assert panel.table.currentIndex().row() == 19_999
    assert 19_999 in panel.visible_rows()


def test_watchlist_prices_come_from_the_market_and_move(
    qtbot: QtBot, market: SimulatedMarket, clock: FakeClock
) -> None:
    panel = watchlist(qtbot, market, "AAPL")
    shown(qtbot, panel)
    last = panel.model.index(0, 1)

    def shown_last() -> str:
        return str(panel.model.data(last))

    assert shown_last() == f"{market.quote('AAPL', 0).last:,.2f}"
    clock.now += 3600
    panel.refresh_prices()
    assert shown_last() == f"{market.quote('AAPL', 3600).last:,.2f}"
    assert panel.timer.isActive()
    assert panel.timer.interval() >= 1000
    panel.hide()
    assert not panel.timer.isActive()


def test_a_cell_painted_is_read_with_all_its_roles_at_once(
    qtbot: QtBot, market: SimulatedMarket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view reads every role of a cell in one call into Python (``multiData``), each as
    ``data`` gives it: rises in green, figures right-aligned, as before."""
    painting: list[bool] = []
    read: list[str] = []  # who asked data() for a role, while the table is painted
    data = WatchlistModel.data

    def watched(self: WatchlistModel, index: QModelIndex, role: int = 0) -> object:
        if painting:
            read.append(sys._getframe(1).f_code.co_name)
        return data(self, index, role)

    monkeypatch.setattr(WatchlistModel, "data", watched)  # before Qt first asks the model
    panel = watchlist(qtbot, market, "AAPL", "MSFT", "QQQ")
    model = panel.model
    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
    ]
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in roles:
                asked = QModelRoleData(role)
                model.multiData(index, asked)
                assert asked.data() == model.data(index, role)

    shown(qtbot, panel)
    painting.append(True)
    panel.table.viewport().grab()
    painting.clear()
    assert read  # the cells were read...
    assert set(read) == {"multiData"}  # ... never one role at a time by Qt itself


# --- order entry -------------------------------------------------------------------------------


def order_entry(qtbot: QtBot, state: OrderEntry | None = None) -> OrderEntryPanel:
    panel = OrderEntryPanel(state or OrderEntry())
    qtbot.addWidget(panel)
    return panel


def test_order_entry_edits(qtbot: QtBot) -> None:
    panel = order_entry(qtbot)
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClicks(panel.symbol_edit, "tsla")
    assert panel.symbol_edit.text() == "TSLA"
    with qtbot.waitSignal(panel.changed):
        panel.action_combo.setCurrentIndex(panel.action_combo.findData("SELL"))
    with qtbot.waitSignal(panel.changed):
        panel.order_type_combo.setCurrentIndex(panel.order_type_combo.findData("MKT"))
    panel.quantity_spin.selectAll()
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClicks(panel.quantity_spin, "750")
    with qtbot.waitSignal(panel.changed):
        panel.time_in_force_combo.setCurrentIndex(panel.time_in_force_combo.findData("IOC"))
    with qtbot.waitSignal(panel.changed):
        panel.outside_rth_check.click()
    assert panel.state() == OrderEntry(
        symbol="TSLA",
        action=OrderAction.SELL,
        order_type=OrderType.MARKET,
        quantity=750,
        time_in_force=TimeInForce.IOC,
        outside_rth=True,
    )


def test_order_entry_shows_labels_but_keeps_identifiers(qtbot: QtBot) -> None:
    panel = order_entry(qtbot, OrderEntry(action=OrderAction.SELL, order_type=OrderType.STOP))
    assert panel.action_combo.currentText() == "Sell"
    assert panel.order_type_combo.currentText() == "Stop (STP)"
    assert panel.state().action is OrderAction.SELL
    assert panel.state().order_type is OrderType.STOP


def test_order_entry_quantity_range_and_no_transmit(qtbot: QtBot) -> None:
    panel = order_entry(qtbot)
    assert (panel.quantity_spin.minimum(), panel.quantity_spin.maximum()) == (1, 1_000_000)
    panel.quantity_spin.setValue(5_000_000)
    assert panel.state().quantity == 1_000_000
    assert panel.findChildren(QPushButton) == []  # it keeps defaults, it never sends an order
    assert "defaults" in panel.heading.text().lower()


def test_order_entry_symbol_is_chosen_on_enter_and_follows_the_group(qtbot: QtBot) -> None:
    panel = order_entry(qtbot, OrderEntry(symbol="AAPL"))
    panel.symbol_edit.selectAll()
    qtbot.keyClicks(panel.symbol_edit, "nvda")
    with qtbot.waitSignal(panel.symbolChosen) as chosen:
        qtbot.keyClick(panel.symbol_edit, Qt.Key.Key_Return)
    assert chosen.args == ["NVDA"]
    with qtbot.assertNotEmitted(panel.symbolChosen):
        panel.show_symbol("IBM")
        qtbot.keyClick(panel.symbol_edit, Qt.Key.Key_Return)  # the group's own symbol
    assert panel.state().symbol == "IBM"


def focus_chain(panel: QWidget) -> list[QWidget]:
    """The widgets Tab reaches inside ``panel``, in order."""
    chain: list[QWidget] = []
    widget = panel.nextInFocusChain()
    while widget is not None and widget is not panel and widget not in chain:
        if (
            panel.isAncestorOf(widget)
            and widget.isEnabled()
            and widget.focusProxy() is None  # e.g. a spin box's own line edit
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_order_entry_tab_order_and_buddies(qtbot: QtBot) -> None:
    panel = order_entry(qtbot)
    assert focus_chain(panel) == [
        panel.symbol_edit,
        panel.action_combo,
        panel.order_type_combo,
        panel.quantity_spin,
        panel.time_in_force_combo,
        panel.outside_rth_check,
    ]
    assert panel.symbol_label.buddy() is panel.symbol_edit
    assert panel.quantity_label.buddy() is panel.quantity_spin


@pytest.mark.parametrize("kind", list(PanelKind))
def test_controls_have_accessible_names_and_labels_have_buddies(
    qtbot: QtBot, kind: PanelKind
) -> None:
    widget = make(qtbot, NON_DEFAULT_STATES[kind])
    chain = focus_chain(widget)
    assert chain
    for control in chain:
        named = control.accessibleName() or (
            isinstance(control, QAbstractButton) and control.text()
        )
        assert named, f"{kind}: {type(control).__name__} has no accessible name"
    for label in widget.findChildren(QLabel):
        if "&" in label.text() and label.text().endswith(":"):  # a field's label
            assert label.buddy() is not None, f"{kind}: {label.text()!r} has no buddy"


@pytest.mark.parametrize("kind", list(PanelKind))
def test_tab_goes_through_a_docked_panel_and_out_again(qtbot: QtBot, kind: PanelKind) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QLineEdit()
    window.setCentralWidget(central)
    dock = QDockWidget()
    panel = create_panel(NON_DEFAULT_STATES[kind])
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.resize(900, 500)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    central.setFocus()
    qtbot.waitUntil(central.hasFocus)
    reached: list[QWidget] = []
    for _ in range(40):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if focused is central:
            break
        assert focused is not None
        reached.append(focused)
    else:
        pytest.fail(f"Tab never left the {kind} panel: {reached[-5:]}")
    assert focus_chain(panel) == [widget for widget in reached if panel.isAncestorOf(widget)]


# --- chart -------------------------------------------------------------------------------------


def chart(qtbot: QtBot, market: SimulatedMarket, state: Chart | None = None) -> ChartPanel:
    panel = ChartPanel(state or Chart(symbol="SPY"), market=market)
    qtbot.addWidget(panel)
    return panel


def test_chart_symbol_and_bar_size(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = chart(qtbot, market)
    panel.symbol_edit.selectAll()
    qtbot.keyClicks(panel.symbol_edit, "aapl")
    with qtbot.waitSignal(panel.changed), qtbot.waitSignal(panel.symbolChosen) as chosen:
        qtbot.keyClick(panel.symbol_edit, Qt.Key.Key_Return)
    assert chosen.args == ["AAPL"]
    combo = panel.bar_size_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(BAR_SIZES)
    with qtbot.waitSignal(panel.changed):
        combo.setCurrentIndex(combo.findData("1 day"))
    assert combo.currentText() == "1 day"
    assert panel.state() == Chart(symbol="AAPL", bar_size="1 day")


def test_chart_keeps_its_symbol_when_the_field_is_cleared(
    qtbot: QtBot, market: SimulatedMarket
) -> None:
    panel = chart(qtbot, market)
    panel.symbol_edit.clear()
    with qtbot.assertNotEmitted(panel.changed):
        qtbot.keyClick(panel.symbol_edit, Qt.Key.Key_Return)
    assert panel.symbol_edit.text() == "SPY"
    assert panel.state().symbol == "SPY"


def test_chart_follows_its_color_group(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = chart(qtbot, market)
    with qtbot.waitSignal(panel.changed), qtbot.assertNotEmitted(panel.symbolChosen):
        panel.show_symbol("MSFT")
    assert panel.symbol_edit.text() == "MSFT"
    assert panel.view.symbol == "MSFT"
    assert panel.state().symbol == "MSFT"


def colored_pixels(widget: QWidget, color: QColor) -> int:
    image = widget.grab().toImage()
    return sum(
        image.pixelColor(x, y) == color for x in range(image.width()) for y in range(image.height())
    )


def test_chart_paints_candles_that_fit_and_end_at_the_last_price(
    qtbot: QtBot, market: SimulatedMarket, clock: FakeClock
) -> None:
    clock.now += 90 * 60
    panel = chart(qtbot, market, Chart(symbol="SPY", bar_size="5 mins"))
    shown(qtbot, panel, 560, 340)
    panel.view.refresh()
    bars = panel.view.bars()
    assert len(bars) == panel.view.candle_count() > 30
    assert bars[-1].close == market.quote("SPY").last
    assert colored_pixels(panel.view, UP) > 50
    assert colored_pixels(panel.view, DOWN) > 50
    narrow = panel.view.candle_count()
    panel.resize(300, 200)
    qtbot.waitUntil(lambda: panel.view.candle_count() < narrow)


def test_chart_without_a_symbol_paints_a_hint(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = chart(qtbot, market, Chart(symbol=""))
    shown(qtbot, panel)
    assert panel.view.bars() == []
    assert "symbol" in panel.view.empty_text
    assert colored_pixels(panel.view, UP) == 0


def test_nice_step() -> None:
    assert nice_step(10.0, 5) == 2.0
    assert nice_step(1.0, 4) == 0.25
    assert nice_step(0.07, 7) == 0.01
    assert nice_step(0.0, 5) == 1.0


# --- portfolio ---------------------------------------------------------------------------------


def portfolio(qtbot: QtBot, market: SimulatedMarket, state: Portfolio) -> PortfolioPanel:
    panel = PortfolioPanel(state, market=market)
    qtbot.addWidget(panel)
    return panel


def shown_symbols(panel: PortfolioPanel) -> list[str]:
    model = panel.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def test_portfolio_zero_positions(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = portfolio(qtbot, market, Portfolio())
    positions = simulated_positions(market)
    open_ = [p.symbol for p in positions if p.position]
    closed = [p.symbol for p in positions if not p.position]
    assert open_
    assert closed
    assert shown_symbols(panel) == open_
    with qtbot.waitSignal(panel.changed):
        panel.zero_check.click()
    assert shown_symbols(panel) == [p.symbol for p in positions]
    assert panel.state().show_zero_positions


def test_portfolio_columns_and_values(qtbot: QtBot, market: SimulatedMarket) -> None:
    panel = portfolio(qtbot, market, Portfolio(columns=["position"]))
    with qtbot.waitSignal(panel.changed):
        panel.columns_menu.column_actions["market_value"].trigger()
    assert panel.state().columns == ["position", "market_value"]
    model = panel.model
    headers = [model.headerData(s, Qt.Orientation.Horizontal) for s in range(3)]
    assert headers == ["Symbol", "Position", "Market Value"]
    first = simulated_positions(market)[0]
    assert model.data(model.index(0, 1)) == f"{first.position:,}"
    assert model.data(model.index(0, 2)) == f"{first.market_value:,.2f}"
    assert first.market_value == pytest.approx(first.position * market.quote(first.symbol).last)


def test_portfolio_headings_are_not_cut(qtbot: QtBot, market: SimulatedMarket) -> None:
    """Every heading fits its column ("Unrealized P&L" was cut to "nrealized P&L")."""
    panel = portfolio(qtbot, market, Portfolio())
    panel.resize(900, 300)
    header = panel.table.horizontalHeader()
    metrics = header.fontMetrics()
    for section in range(panel.model.columnCount() - 1):  # the last one stretches
        label = str(panel.model.headerData(section, Qt.Orientation.Horizontal))
        assert header.sectionSize(section) >= metrics.horizontalAdvance(label) + 8, label


def test_portfolio_row_chooses_a_symbol_and_ignores_the_group(
    qtbot: QtBot, market: SimulatedMarket
) -> None:
    panel = portfolio(qtbot, market, Portfolio())
    shown(qtbot, panel)
    rect = panel.table.visualRect(panel.model.index(1, 1))
    with qtbot.waitSignal(panel.symbolChosen) as chosen:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == [shown_symbols(panel)[1]]
    with qtbot.assertNotEmitted(panel.changed):
        panel.show_symbol("AAPL")
    assert panel.state() == Portfolio()


# --- news --------------------------------------------------------------------------------------


def news(qtbot: QtBot, state: News) -> NewsPanel:
    panel = NewsPanel(state, now=START)
    qtbot.addWidget(panel)
    return panel


def test_news_filters_by_source_and_keyword(qtbot: QtBot) -> None:
    panel = news(qtbot, News(sources=list(NEWS_SOURCES)))
    assert len(panel.shown_headlines()) == len(panel.headlines)
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClicks(panel.keyword_edit, "BuyBack")
    found = panel.shown_headlines()
    assert found
    assert all("buyback" in headline.text.lower() for headline in found)
    assert len(found) == sum("buyback" in h.text.lower() for h in panel.headlines)
    with qtbot.waitSignal(panel.changed):
        panel.source_checks["reuters"].click()
    assert all(h.source != "reuters" for h in panel.shown_headlines())
    assert panel.state() == News(
        sources=["briefing", "dow_jones", "fly_on_the_wall"], keyword="BuyBack"
    )
    assert panel.count_label.text() == f"{len(panel.shown_headlines())} of 60 headlines"


def test_news_without_sources_says_so(qtbot: QtBot) -> None:
    panel = news(qtbot, News(sources=["briefing"]))
    panel.source_checks["briefing"].click()
    assert panel.shown_headlines() == []
    assert panel.state().sources == []
    assert "source" in panel.count_label.text()


def test_news_headline_chooses_its_symbol(qtbot: QtBot) -> None:
    panel = news(qtbot, News(sources=list(NEWS_SOURCES)))
    with qtbot.waitSignal(panel.symbolChosen) as chosen:
        panel.list.setCurrentItem(panel.items[3])
    assert chosen.args == [panel.headlines[3].symbol]
    with qtbot.assertNotEmitted(panel.changed):
        panel.show_symbol("AAPL")


def test_headlines_are_the_same_every_run() -> None:
    assert simulated_headlines(START) == simulated_headlines(START)
    headlines = simulated_headlines(START)
    assert {h.source for h in headlines} == set(NEWS_SOURCES)
    assert [h.time for h in headlines] == sorted((h.time for h in headlines), reverse=True)


# --- notes -------------------------------------------------------------------------------------


def test_notes_edit(qtbot: QtBot) -> None:
    panel = NotesPanel(Notes(text="Buy "))
    qtbot.addWidget(panel)
    panel.editor.moveCursor(panel.editor.textCursor().MoveOperation.End)
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClicks(panel.editor, "low")
    assert panel.state() == Notes(text="Buy low")


# --- simulated prices --------------------------------------------------------------------------


def test_prices_are_deterministic_per_symbol() -> None:
    one = SimulatedMarket(clock=FakeClock(), start=START)
    other = SimulatedMarket(clock=FakeClock(), start=START)
    for tick in (0, 1, 59, 60, 3601, 7 * 3600):
        assert one.quote("AAPL", tick) == other.quote("AAPL", tick)
    assert one.quote("AAPL", 100) != one.quote("MSFT", 100)
    for size in BAR_SIZES:
        assert one.bars("AAPL", size, 50, 5000) == other.bars("AAPL", size, 50, 5000)
    # Reached in another order, the same prices.
    late_first = SimulatedMarket(clock=FakeClock(), start=START)
    assert late_first.quote("AAPL", 7 * 3600) == one.quote("AAPL", 7 * 3600)
    assert late_first.quote("AAPL", 1) == one.quote("AAPL", 1)
    # Seeds do not depend on Python's per-process hash randomisation.
    assert stable_seed("AAPL") == 7731272579566005236


def test_memory_stays_bounded_and_prices_survive_it() -> None:
    market = SimulatedMarket(clock=FakeClock(), start=START)
    before = market.quote("AAPL", 5000)
    for number in range(MAX_WALKS + 500):
        market.quote(f"S{number}", 5000)
    assert market.symbols_kept == MAX_WALKS
    assert market.quote("AAPL", 5000) == before


def test_seed_is_the_same_in_another_process() -> None:
    code = "from tws_companion.gui.panels.prices import stable_seed; print(stable_seed('AAPL'))"
    output = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONHASHSEED": "12345", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    ).stdout
    assert int(output) == stable_seed("AAPL")


def test_quotes_and_bars_are_consistent() -> None:
    market = SimulatedMarket(clock=FakeClock(), start=START)
    previous_volume = 0
    for tick in range(0, 4 * 3600, 97):
        quote = market.quote("SPY", tick)
        assert quote.bid < quote.last < quote.ask
        assert quote.volume >= previous_volume
        previous_volume = quote.volume
        previous_close = quote.last - quote.change
        assert quote.change_pct == pytest.approx(100 * quote.change / previous_close, abs=0.06)
    for size in BAR_SIZES:
        bars = market.bars("SPY", size, 80, 4 * 3600)
        assert len(bars) == 80
        assert bars[-1].close == market.quote("SPY", 4 * 3600).last
        starts = [bar.start for bar in bars]
        assert starts == sorted(set(starts))
        for bar in bars:
            assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
    with pytest.raises(ValueError, match="bar size"):
        market.bars("SPY", "2 mins", 10)
    assert set(BAR_MINUTES) == set(BAR_SIZES)


def test_market_ticks_follow_its_clock(clock: FakeClock, market: SimulatedMarket) -> None:
    assert market.tick() == 0
    clock.now += 61.7
    assert market.tick() == 61
    assert market.quote("AAPL") == market.quote("AAPL", 61)


def test_normalize_symbol() -> None:
    assert normalize_symbol(" brk b ") == "BRK B"
    assert normalize_symbol("bf.b") == "BF.B"
    assert normalize_symbol("ES-MINI") == "ES-MINI"
    assert normalize_symbol("ABCDEFGHIJKL") == "ABCDEFGHIJKL"
    for bad in ("", "  ", "ABCDEFGHIJKLM", "A$", "A/B", "ÄB", "A\tB"):
        assert normalize_symbol(bad) is None


# --- language ----------------------------------------------------------------------------------


TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="fr">
<context><name>PanelLabels</name>
<message><source>Last</source><translation>Dernier</translation></message>
<message><source>Sell</source><translation>Vendre</translation></message>
</context>
<context><name>WatchlistPanel</name>
<message><source>Add</source><translation>Ajouter</translation></message>
</context>
</TS>
"""


def test_panels_retranslate_but_keep_identifiers(
    qtbot: QtBot, market: SimulatedMarket, tmp_path: Path
) -> None:
    panel = watchlist(qtbot, market, "AAPL")
    order = order_entry(qtbot, OrderEntry(action=OrderAction.SELL))
    ts = tmp_path / "panels_fr.ts"
    ts.write_text(TS, encoding="utf-8")
    qm = tmp_path / "panels_fr.qm"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: panel.add_button.text() == "Ajouter")
        assert panel.model.headerData(1, Qt.Orientation.Horizontal) == "Dernier"
        assert panel.columns_menu.column_actions["last"].text() == "Dernier"
        qtbot.waitUntil(lambda: order.action_combo.currentText() == "Vendre")
        assert panel.state().columns[0] == "last"
        assert order.state().action is OrderAction.SELL
    finally:
        QCoreApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: panel.add_button.text() == "Add")


# --- refreshes ---------------------------------------------------------------------------------


def test_panels_shown_together_refresh_at_moments_of_their_own(qtbot: QtBot) -> None:
    # A page of many panels is shown in one go: their refreshes (and the repaints they cause)
    # must not all land in the same turn of the event loop every second.
    owner = QWidget()
    qtbot.addWidget(owner)
    timers = [RefreshTimer(owner) for _ in range(5)]
    for timer in timers:
        timer.start_in_phase()
    assert all(timer.isActive() for timer in timers)
    firsts = [timer.interval() for timer in timers]
    assert len(set(firsts)) == len(timers)
    assert all(REFRESH_MS <= first < 2 * REFRESH_MS for first in firsts)
    with qtbot.waitSignal(timers[0].timeout, timeout=3 * REFRESH_MS):
        pass
    assert timers[0].interval() == REFRESH_MS  # then once a second, in step with that phase
    assert timers[0].isActive()
