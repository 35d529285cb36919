"""The default layout: what a new user sees, and what Layout/Settings Recovery can go back to."""

from __future__ import annotations

from tws_companion.layout.model import (
    Chart,
    ColorGroup,
    DockArea,
    Layout,
    Mode,
    News,
    Notes,
    OrderEntry,
    Panel,
    Portfolio,
    Watchlist,
    WatchlistRow,
    Workspace,
    Workstation,
)

__all__ = ["DEFAULT_COLOR_GROUPS", "DEFAULT_SYMBOLS", "default_layout"]

DEFAULT_SYMBOLS = ("AAPL", "MSFT", "IBKR", "SPY", "QQQ", "TSLA", "NVDA", "AMZN")
#: (name, color) of the color groups every layout starts with.
DEFAULT_COLOR_GROUPS = (("Red", "#d9534f"), ("Green", "#5cb85c"), ("Blue", "#428bca"))


def default_layout(mode: Mode = Mode.MOSAIC) -> Layout:
    """A fresh layout: one workspace with a panel of each kind, linked through color groups."""
    groups = [ColorGroup(name=name, color=color) for name, color in DEFAULT_COLOR_GROUPS]
    groups[0].symbol = "AAPL"
    red = groups[0].id
    panels = [
        Panel(
            Watchlist(rows=[WatchlistRow(symbol) for symbol in DEFAULT_SYMBOLS]),
            title="Watchlist",
            area=DockArea.LEFT,
            color_group=red,
        ),
        Panel(Chart(symbol="AAPL"), title="Chart", area=DockArea.RIGHT, color_group=red),
        Panel(OrderEntry(symbol="AAPL"), title="Order Entry", area=DockArea.LEFT, color_group=red),
        Panel(Portfolio(), title="Portfolio", area=DockArea.BOTTOM),
        Panel(News(), title="News", area=DockArea.RIGHT),
        Panel(Notes(), title="Notes", area=DockArea.BOTTOM),
    ]
    return Layout(
        workstation=Workstation(
            mode=mode,
            workspaces=[Workspace(name="Mosaic", panels=panels)],
            color_groups=groups,
        )
    )
