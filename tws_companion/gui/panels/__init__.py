"""The workstation's panel widgets, and the registry the window creates them through.

Each panel kind of :class:`~tws_companion.layout.model.PanelKind` has a
:class:`~tws_companion.gui.panels.base.PanelWidget` class built from its state dataclass::

    widget = create_panel(panel.state, parent)
    widget.changed.connect(...)          # save the layout soon
    widget.symbolChosen.connect(...)     # tell the panel's color group
    panel.state = widget.state()         # a new state, unknown parts (extra) kept
    widget.show_symbol("AAPL")           # the color group's symbol
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.chart import ChartPanel
from tws_companion.gui.panels.labels import kind_label
from tws_companion.gui.panels.news import NewsPanel
from tws_companion.gui.panels.notes import NotesPanel
from tws_companion.gui.panels.order_entry import OrderEntryPanel
from tws_companion.gui.panels.portfolio import PortfolioPanel
from tws_companion.gui.panels.watchlist import WatchlistPanel
from tws_companion.layout.model import PanelKind, PanelState

__all__ = [
    "PANELS",
    "ChartPanel",
    "NewsPanel",
    "NotesPanel",
    "OrderEntryPanel",
    "PanelWidget",
    "PortfolioPanel",
    "WatchlistPanel",
    "create_panel",
    "kind_label",
]

#: The widget class of each panel kind; each is built as ``cls(state, parent)``.
PANELS: dict[PanelKind, type[PanelWidget]] = {
    PanelKind.WATCHLIST: WatchlistPanel,
    PanelKind.ORDER_ENTRY: OrderEntryPanel,
    PanelKind.CHART: ChartPanel,
    PanelKind.PORTFOLIO: PortfolioPanel,
    PanelKind.NEWS: NewsPanel,
    PanelKind.NOTES: NotesPanel,
}


def create_panel(state: PanelState, parent: QWidget | None = None) -> PanelWidget:
    """The widget for ``state``'s kind, showing ``state``."""
    factory: Callable[[PanelState, QWidget | None], PanelWidget] = PANELS[state.kind]
    return factory(state, parent)
