"""The layout settings as typed data: Global Configuration and the workstation (no Qt here).

A :class:`Layout` is what roams between machines and users: the Global Configuration (Lock and
Exit, Display) and the workstation (Mosaic or Classic mode, workspaces, their panels, color
groups). Where each window sits on the screen is machine-specific and lives apart, in
:mod:`tws_companion.layout.geometry`; a panel here only says where it docks (an area, or
floating) and carries a stable ``id`` that the geometry is filed under.

Every node keeps what a newer version wrote and this version does not know (``extra``): unknown
attributes and child elements survive a read and a write unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "BAR_SIZES",
    "NEWS_SOURCES",
    "PORTFOLIO_COLUMNS",
    "WATCHLIST_COLUMNS",
    "Chart",
    "ColorGroup",
    "Display",
    "DockArea",
    "Extra",
    "GlobalConfig",
    "Layout",
    "LockAndExit",
    "Mode",
    "News",
    "Notes",
    "OrderAction",
    "OrderEntry",
    "OrderType",
    "Panel",
    "PanelKind",
    "PanelState",
    "Portfolio",
    "Theme",
    "TimeInForce",
    "Watchlist",
    "WatchlistRow",
    "Workspace",
    "Workstation",
    "new_id",
    "new_state",
    "plain_rows",
]


def new_id() -> str:
    """A fresh, stable identifier for a panel, a workspace or a color group."""
    return uuid.uuid4().hex[:12]


@dataclass(slots=True)
class Extra:
    """What this version does not know of a node: kept as read, written back unchanged.

    ``attributes`` are unknown XML attributes; ``children`` are unknown child elements, each as
    the XML text it was read from (already parsed once with defusedxml). Slotted, as
    :class:`WatchlistRow` is: a large layout holds some 21,000 of them.
    """

    attributes: dict[str, str] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.attributes or self.children)


# --- Global Configuration --------------------------------------------------------------------


class Theme(StrEnum):
    LIGHT = "light"
    DARK = "dark"


@dataclass
class LockAndExit:
    """Global Configuration > Lock and Exit."""

    #: Daily auto log-off time, "HH:MM" in the machine's local time.
    auto_logoff_time: str = "23:45"
    #: Minutes before the auto log-off when the user is warned (and may postpone it).
    logoff_warning_minutes: int = 5
    #: Lock the workstation after this many idle minutes; ``None`` for never.
    lock_after_idle_minutes: int | None = None
    #: Save the settings every this many minutes; ``None`` for never.
    autosave_minutes: int | None = 10
    save_on_exit: bool = True
    use_server_settings: bool = False
    extra: Extra = field(default_factory=Extra)


@dataclass
class Display:
    """Global Configuration > Display."""

    theme: Theme = Theme.LIGHT
    font_size: int = 10
    #: A language code of the app ("en", "zh_CN").
    language: str = "en"
    extra: Extra = field(default_factory=Extra)


@dataclass
class GlobalConfig:
    lock_and_exit: LockAndExit = field(default_factory=LockAndExit)
    display: Display = field(default_factory=Display)
    extra: Extra = field(default_factory=Extra)


# --- Panels ----------------------------------------------------------------------------------

#: Columns a watchlist can show, in their default order.
WATCHLIST_COLUMNS = ("last", "change", "change_pct", "bid", "ask", "volume")
#: Columns of the portfolio panel.
PORTFOLIO_COLUMNS = ("position", "avg_price", "market_value", "unrealized_pnl", "realized_pnl")
#: Bar sizes a chart offers.
BAR_SIZES = ("1 min", "5 mins", "15 mins", "1 hour", "1 day", "1 week")
#: News sources the news panel can follow.
NEWS_SOURCES = ("briefing", "dow_jones", "reuters", "fly_on_the_wall")


class PanelKind(StrEnum):
    WATCHLIST = "watchlist"
    ORDER_ENTRY = "order_entry"
    CHART = "chart"
    PORTFOLIO = "portfolio"
    NEWS = "news"
    NOTES = "notes"


class DockArea(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    TOP = "top"
    BOTTOM = "bottom"
    #: A window of its own; where it sits is machine-specific geometry.
    FLOATING = "floating"


@dataclass(slots=True)
class WatchlistRow:
    """One symbol of a watchlist. Slotted (no ``__dict__``): a large layout holds 20,000 rows,
    and slotted ones cost less to make, to read and to free."""

    symbol: str
    exchange: str = "SMART"
    extra: Extra = field(default_factory=Extra)


def plain_rows(symbols: Iterable[str], exchanges: Iterable[str]) -> list[WatchlistRow]:
    """``[WatchlistRow(symbol, exchange) for ...]``, equal to it, at less than half the CPU.

    For the tens of thousands of rows a large layout reads: each row and its empty
    :class:`Extra` are made with ``__new__`` and their fields stored directly, without a call of
    the class and its ``__init__`` (and the default factories') per row. Every field of both
    classes is set here; ``test_plain_rows_are_the_rows_the_class_makes`` checks that.
    """
    new_row, new_extra = WatchlistRow.__new__, Extra.__new__
    rows: list[WatchlistRow] = []
    append = rows.append
    for symbol, exchange in zip(symbols, exchanges, strict=True):
        extra = new_extra(Extra)
        extra.attributes = {}
        extra.children = []
        row = new_row(WatchlistRow)
        row.symbol = symbol
        row.exchange = exchange
        row.extra = extra
        append(row)
    return rows


@dataclass
class Watchlist:
    columns: list[str] = field(default_factory=lambda: list(WATCHLIST_COLUMNS[:4]))
    rows: list[WatchlistRow] = field(default_factory=list)
    extra: Extra = field(default_factory=Extra)
    kind: PanelKind = field(default=PanelKind.WATCHLIST, init=False)


class OrderAction(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LMT"
    MARKET = "MKT"
    STOP = "STP"
    STOP_LIMIT = "STP LMT"


class TimeInForce(StrEnum):
    DAY = "DAY"
    GTC = "GTC"
    IOC = "IOC"


@dataclass
class OrderEntry:
    """Order entry defaults (the panel never sends an order)."""

    symbol: str = ""
    action: OrderAction = OrderAction.BUY
    order_type: OrderType = OrderType.LIMIT
    quantity: int = 100
    time_in_force: TimeInForce = TimeInForce.DAY
    outside_rth: bool = False
    extra: Extra = field(default_factory=Extra)
    kind: PanelKind = field(default=PanelKind.ORDER_ENTRY, init=False)


@dataclass
class Chart:
    symbol: str = "SPY"
    bar_size: str = "5 mins"
    extra: Extra = field(default_factory=Extra)
    kind: PanelKind = field(default=PanelKind.CHART, init=False)


@dataclass
class Portfolio:
    columns: list[str] = field(default_factory=lambda: list(PORTFOLIO_COLUMNS))
    show_zero_positions: bool = False
    extra: Extra = field(default_factory=Extra)
    kind: PanelKind = field(default=PanelKind.PORTFOLIO, init=False)


@dataclass
class News:
    sources: list[str] = field(default_factory=lambda: list(NEWS_SOURCES[:2]))
    #: Only headlines containing this text (empty: all).
    keyword: str = ""
    extra: Extra = field(default_factory=Extra)
    kind: PanelKind = field(default=PanelKind.NEWS, init=False)


@dataclass
class Notes:
    text: str = ""
    extra: Extra = field(default_factory=Extra)
    kind: PanelKind = field(default=PanelKind.NOTES, init=False)


PanelState = Watchlist | OrderEntry | Chart | Portfolio | News | Notes

_NEW_STATES: dict[PanelKind, Callable[[], PanelState]] = {
    PanelKind.WATCHLIST: Watchlist,
    PanelKind.ORDER_ENTRY: OrderEntry,
    PanelKind.CHART: Chart,
    PanelKind.PORTFOLIO: Portfolio,
    PanelKind.NEWS: News,
    PanelKind.NOTES: Notes,
}


def new_state(kind: PanelKind) -> PanelState:
    """The state of a new panel of ``kind``, every setting at its default."""
    return _NEW_STATES[kind]()


@dataclass
class Panel:
    """One window of a workspace: a title, where it docks, its color group and its state."""

    state: PanelState
    title: str = ""
    id: str = field(default_factory=new_id)
    area: DockArea = DockArea.LEFT
    #: The id of a :class:`ColorGroup` linking this panel to others, or ``None``.
    color_group: str | None = None
    extra: Extra = field(default_factory=Extra)

    @property
    def kind(self) -> PanelKind:
        return self.state.kind


# --- Workstation -----------------------------------------------------------------------------


class Mode(StrEnum):
    MOSAIC = "mosaic"
    CLASSIC = "classic"


@dataclass
class ColorGroup:
    """Panels in one color group follow the same symbol."""

    name: str
    color: str  # "#rrggbb"
    id: str = field(default_factory=new_id)
    symbol: str = ""
    extra: Extra = field(default_factory=Extra)


@dataclass
class Workspace:
    name: str
    panels: list[Panel] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    extra: Extra = field(default_factory=Extra)


@dataclass
class Workstation:
    mode: Mode = Mode.MOSAIC
    workspaces: list[Workspace] = field(default_factory=list)
    #: Index into ``workspaces`` of the tab shown.
    active_workspace: int = 0
    color_groups: list[ColorGroup] = field(default_factory=list)
    extra: Extra = field(default_factory=Extra)


@dataclass
class Layout:
    """Everything the layout settings hold (what roams between machines and users)."""

    global_config: GlobalConfig = field(default_factory=GlobalConfig)
    workstation: Workstation = field(default_factory=Workstation)
    extra: Extra = field(default_factory=Extra)

    def panels(self) -> list[Panel]:
        """Every panel of every workspace, in order."""
        return [panel for space in self.workstation.workspaces for panel in space.panels]

    def watchlists(self) -> list[Panel]:
        return [panel for panel in self.panels() if isinstance(panel.state, Watchlist)]
