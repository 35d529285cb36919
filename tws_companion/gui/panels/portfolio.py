"""The portfolio panel: the simulated account's positions, with the columns the trader chooses.

Positions come from :func:`tws_companion.gui.panels.prices.simulated_positions`, valued at the
simulated prices once a second while the panel is shown. Positions closed today (zero) show only
when "Show zero positions" is ticked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.common import (
    DOWN,
    UP,
    ColumnMenu,
    ColumnsTableModel,
    RefreshTimer,
    copy_extra,
    format_change,
    format_number,
)
from tws_companion.gui.panels.labels import portfolio_column_label
from tws_companion.gui.panels.prices import (
    Position,
    SimulatedMarket,
    default_market,
    simulated_positions,
)
from tws_companion.layout.model import PORTFOLIO_COLUMNS, Portfolio

__all__ = ["PortfolioModel", "PortfolioPanel"]


_Index = QModelIndex | QPersistentModelIndex


class PortfolioModel(ColumnsTableModel):
    """Positions (column 0 the symbol, then the chosen columns); read-only."""

    def __init__(
        self,
        columns: Sequence[str],
        show_zero: bool,
        market: SimulatedMarket,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(columns, PORTFOLIO_COLUMNS, portfolio_column_label, parent)
        self._show_zero = show_zero
        self._market = market
        self._all: list[Position] = simulated_positions(market)

    @property
    def show_zero(self) -> bool:
        return self._show_zero

    def positions(self) -> list[Position]:
        """The positions shown, in order."""
        return [item for item in self._all if self._show_zero or item.position]

    def all_positions(self) -> list[Position]:
        """Every position, zero ones included."""
        return list(self._all)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.positions())

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.positions()[index.row()]
        if index.column() == 0:
            return item.symbol if role == Qt.ItemDataRole.DisplayRole else None
        column = self._columns[index.column() - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        value = item.value(column)
        if value is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in ("unrealized_pnl", "realized_pnl") and value:
                return QBrush(UP if value > 0 else DOWN)
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == "position":
            return f"{int(value):,}"
        if column in ("unrealized_pnl", "realized_pnl"):
            return format_change(value) if value else format_number(0)
        return format_number(value)

    def set_show_zero(self, shown: bool) -> None:
        if shown == self._show_zero:
            return
        self.beginResetModel()
        self._show_zero = shown
        self.endResetModel()
        self.edited.emit()

    def refresh(self) -> None:
        """Value the positions at the market's prices now."""
        self._all = simulated_positions(self._market)
        if self.rowCount() and self._columns:
            self.dataChanged.emit(
                self.index(0, 1), self.index(self.rowCount() - 1, len(self._columns))
            )


class PortfolioPanel(PanelWidget):
    def __init__(
        self,
        state: Portfolio,
        parent: QWidget | None = None,
        *,
        market: SimulatedMarket | None = None,
    ) -> None:
        super().__init__(parent)
        self._extra = copy_extra(state.extra)
        self.model = PortfolioModel(
            state.columns, state.show_zero_positions, market or default_market(), self
        )
        self.zero_check = QCheckBox()
        self.zero_check.setChecked(state.show_zero_positions)
        self.columns_button = QToolButton()
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultSectionSize(self.fontMetrics().horizontalAdvance("-000,000.00") + 16)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(self.zero_check)
        top.addStretch(1)
        top.addWidget(self.columns_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        self.setTabOrder(self.zero_check, self.columns_button)
        self.setTabOrder(self.columns_button, self.table)
        self.columns_menu = ColumnMenu(PORTFOLIO_COLUMNS, portfolio_column_label, self)
        self.columns_menu.set_shown(state.columns)
        self.columns_button.setMenu(self.columns_menu)

        self.timer = RefreshTimer(self)
        self.timer.timeout.connect(self.refresh_prices)
        self.model.edited.connect(self.changed)
        self.zero_check.toggled.connect(self.model.set_show_zero)
        self.columns_menu.columnToggled.connect(self.model.toggle_column)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.doubleClicked.connect(self._pick)
        self.model.modelReset.connect(self._size_columns)
        self.retranslate()

    def retranslate(self) -> None:
        self.zero_check.setText(self.tr("Show &zero positions"))
        self.zero_check.setAccessibleName(self.tr("Show zero positions"))
        self.columns_button.setText(self.tr("&Columns"))
        self.columns_button.setAccessibleName(self.tr("Choose columns"))
        self.columns_button.setToolTip(self.tr("Choose the columns the portfolio shows"))
        self.columns_menu.setTitle(self.tr("&Columns"))
        self.columns_menu.retranslate()
        self.table.setAccessibleName(self.tr("Positions"))
        self.model.retranslate()
        self._size_columns()
        self._update_totals()

    @Slot()
    def _size_columns(self) -> None:
        """Each column wide enough for its values and its heading ("Unrealized P&L")."""
        metrics = self.fontMetrics()
        header = self.table.horizontalHeader()
        values = metrics.horizontalAdvance("-000,000.00") + 16
        for section in range(self.model.columnCount()):
            label = str(self.model.headerData(section, Qt.Orientation.Horizontal))
            header.resizeSection(section, max(values, metrics.horizontalAdvance(label) + 24))

    def state(self) -> Portfolio:
        return Portfolio(
            columns=self.model.columns,
            show_zero_positions=self.zero_check.isChecked(),
            extra=copy_extra(self._extra),
        )

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(QSize(220, 140))

    def set_columns(self, columns: Sequence[str]) -> None:
        """Show these columns (ids of ``PORTFOLIO_COLUMNS``), as the menu would."""
        self.model.set_columns(columns)
        self.columns_menu.set_shown(columns)

    @Slot(QPoint)
    def _header_menu(self, position: QPoint) -> None:
        self.columns_menu.popup(self.table.horizontalHeader().mapToGlobal(position))

    @Slot(QModelIndex, QModelIndex)
    def _current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._pick(current)

    @Slot(QModelIndex)
    def _pick(self, index: QModelIndex) -> None:
        if index.isValid():
            self.symbolChosen.emit(self.model.positions()[index.row()].symbol)

    @Slot()
    def refresh_prices(self) -> None:
        self.model.refresh()
        self._update_totals()

    def _update_totals(self) -> None:
        positions = self.model.all_positions()
        value = sum(item.market_value for item in positions)
        unrealized = sum(item.unrealized_pnl for item in positions)
        realized = sum(item.realized_pnl for item in positions)
        self.totals.setText(
            self.tr(
                "Market value {value} · Unrealized P&L {unrealized} · Realized P&L {realized}"
            ).format(
                value=format_number(value),
                unrealized=format_change(unrealized),
                realized=format_change(realized),
            )
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start_in_phase()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)
