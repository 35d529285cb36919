"""Translated labels for what the layout stores as English identifiers.

Column ids, bar sizes, news sources and order fields are stored as in the model
(:mod:`tws_companion.layout.model`); the panels show these labels instead, in the user's language.
An identifier this version does not know (written by a newer one) is shown as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from tws_companion.layout.model import OrderAction, OrderType, PanelKind, TimeInForce

__all__ = [
    "action_label",
    "bar_size_label",
    "color_group_label",
    "kind_label",
    "news_source_label",
    "order_type_label",
    "portfolio_column_label",
    "time_in_force_label",
    "watchlist_column_label",
]


def kind_label(kind: PanelKind) -> str:
    """A panel kind's name, e.g. for a default panel title or a "New panel" menu."""
    labels = {
        PanelKind.WATCHLIST: QCoreApplication.translate("PanelLabels", "Watchlist"),
        PanelKind.ORDER_ENTRY: QCoreApplication.translate("PanelLabels", "Order Defaults"),
        PanelKind.CHART: QCoreApplication.translate("PanelLabels", "Chart"),
        PanelKind.PORTFOLIO: QCoreApplication.translate("PanelLabels", "Portfolio"),
        PanelKind.NEWS: QCoreApplication.translate("PanelLabels", "News"),
        PanelKind.NOTES: QCoreApplication.translate("PanelLabels", "Notes"),
    }
    return labels[kind]


def color_group_label(name: str) -> str:
    """A color group's name: the default groups' in the user's language, others as named."""
    labels = {
        "Red": QCoreApplication.translate("PanelLabels", "Red"),
        "Green": QCoreApplication.translate("PanelLabels", "Green"),
        "Blue": QCoreApplication.translate("PanelLabels", "Blue"),
    }
    return labels.get(name, name)


def watchlist_column_label(column: str) -> str:
    labels = {
        "symbol": QCoreApplication.translate("PanelLabels", "Symbol"),
        "last": QCoreApplication.translate("PanelLabels", "Last"),
        "change": QCoreApplication.translate("PanelLabels", "Change"),
        "change_pct": QCoreApplication.translate("PanelLabels", "Change %"),
        "bid": QCoreApplication.translate("PanelLabels", "Bid"),
        "ask": QCoreApplication.translate("PanelLabels", "Ask"),
        "volume": QCoreApplication.translate("PanelLabels", "Volume"),
    }
    return labels.get(column, column)


def portfolio_column_label(column: str) -> str:
    labels = {
        "symbol": QCoreApplication.translate("PanelLabels", "Symbol"),
        "position": QCoreApplication.translate("PanelLabels", "Position"),
        "avg_price": QCoreApplication.translate("PanelLabels", "Avg Price"),
        "market_value": QCoreApplication.translate("PanelLabels", "Market Value"),
        "unrealized_pnl": QCoreApplication.translate("PanelLabels", "Unrealized P&L"),
        "realized_pnl": QCoreApplication.translate("PanelLabels", "Realized P&L"),
    }
    return labels.get(column, column)


def bar_size_label(bar_size: str) -> str:
    labels = {
        "1 min": QCoreApplication.translate("PanelLabels", "1 min"),
        "5 mins": QCoreApplication.translate("PanelLabels", "5 mins"),
        "15 mins": QCoreApplication.translate("PanelLabels", "15 mins"),
        "1 hour": QCoreApplication.translate("PanelLabels", "1 hour"),
        "1 day": QCoreApplication.translate("PanelLabels", "1 day"),
        "1 week": QCoreApplication.translate("PanelLabels", "1 week"),
    }
    return labels.get(bar_size, bar_size)


def news_source_label(source: str) -> str:
    labels = {
        "briefing": QCoreApplication.translate("PanelLabels", "Briefing.com"),
        "dow_jones": QCoreApplication.translate("PanelLabels", "Dow Jones"),
        "reuters": QCoreApplication.translate("PanelLabels", "Reuters"),
        "fly_on_the_wall": QCoreApplication.translate("PanelLabels", "The Fly"),
    }
    return labels.get(source, source)


def action_label(action: OrderAction) -> str:
    labels = {
        OrderAction.BUY: QCoreApplication.translate("PanelLabels", "Buy"),
        OrderAction.SELL: QCoreApplication.translate("PanelLabels", "Sell"),
    }
    return labels[action]


def order_type_label(order_type: OrderType) -> str:
    labels = {
        OrderType.LIMIT: QCoreApplication.translate("PanelLabels", "Limit (LMT)"),
        OrderType.MARKET: QCoreApplication.translate("PanelLabels", "Market (MKT)"),
        OrderType.STOP: QCoreApplication.translate("PanelLabels", "Stop (STP)"),
        OrderType.STOP_LIMIT: QCoreApplication.translate("PanelLabels", "Stop Limit (STP LMT)"),
    }
    return labels[order_type]


def time_in_force_label(time_in_force: TimeInForce) -> str:
    labels = {
        TimeInForce.DAY: QCoreApplication.translate("PanelLabels", "Day (DAY)"),
        TimeInForce.GTC: QCoreApplication.translate("PanelLabels", "Good 'til Canceled (GTC)"),
        TimeInForce.IOC: QCoreApplication.translate("PanelLabels", "Immediate or Cancel (IOC)"),
    }
    return labels[time_in_force]
