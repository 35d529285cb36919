"""The watchlist panel: rows of symbols with the price columns the trader chooses.

A :class:`QTableView` over :class:`WatchlistModel` (no widget per row: a 20,000-row watchlist
opens at once). Symbols are edited in place (upper-cased, checked), added with the "Add symbol"
field, removed with the Delete key or the context menu, and moved with Alt+Up / Alt+Down. The
simulated prices of the rows on screen refresh once a second while the panel is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    Slot,
)
from PySide6.QtGui import QAction, QBrush, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
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
    SymbolEdit,
    copy_extra,
    format_change,
    format_number,
    format_percent,
    format_volume,
)
from tws_companion.gui.panels.labels import watchlist_column_label
from tws_companion.gui.panels.prices import SimulatedMarket, default_market
from tws_companion.gui.panels.symbols import normalize_symbol
from tws_companion.layout.model import WATCHLIST_COLUMNS, Watchlist, WatchlistRow

__all__ = ["WatchlistModel", "WatchlistPanel"]


_Index = QModelIndex | QPersistentModelIndex


def _copy_row(row: WatchlistRow) -> WatchlistRow:
    return WatchlistRow(row.symbol, row.exchange, copy_extra(row.extra))


class WatchlistModel(ColumnsTableModel):
    """The rows of a watchlist: column 0 the symbol (editable), then the chosen price columns.

    ``edited()`` is emitted for every change the layout saves (not for price refreshes).
    """

    def __init__(
        self,
        rows: Sequence[WatchlistRow],
        columns: Sequence[str],
        market: SimulatedMarket,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(columns, WATCHLIST_COLUMNS, watchlist_column_label, parent)
        self._rows = [_copy_row(row) for row in rows]
        self._market = market
        self._tick = market.tick()

    # --- what the view reads ---------------------------------------------------------------

    def rows(self) -> list[WatchlistRow]:
        """Copies of the rows, in order."""
        return [_copy_row(row) for row in self._rows]

    def symbol(self, row: int) -> str:
        return self._rows[row].symbol

    def find(self, symbol: str) -> int:
        """The first row holding ``symbol``, or -1."""
        for position, row in enumerate(self._rows):
            if row.symbol == symbol:
                return position
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if index.column() == 0:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return row.symbol
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("{symbol} on {exchange}").format(
                    symbol=row.symbol, exchange=row.exchange
                )
            return None
        column = self._columns[index.column() - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole):
            return None
        value = self._market.quote(row.symbol, self._tick).value(column)
        if value is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in ("change", "change_pct") and value:
                return QBrush(UP if value > 0 else DOWN)
            return None
        if column == "volume":
            return format_volume(int(value))
        if column == "change":
            return format_change(value)
        if column == "change_pct":
            return format_percent(value)
        return format_number(value)

    # --- edits -------------------------------------------------------------------------------

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Change a row's symbol; refused (``False``) unless ``value`` is a valid symbol."""
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.EditRole:
            return False
        symbol = normalize_symbol(value) if isinstance(value, str) else None
        if symbol is None:
            return False
        old = self._rows[index.row()]
        if symbol != old.symbol:
            self._rows[index.row()] = WatchlistRow(symbol, old.exchange, old.extra)
            last = self.index(index.row(), self.columnCount() - 1)
            self.dataChanged.emit(self.index(index.row(), 0), last)
            self.edited.emit()
        return True

    def add(self, symbol: str, position: int | None = None) -> int:
        """Insert a row for ``symbol`` (at the end unless ``position``); returns its row."""
        checked = normalize_symbol(symbol)
        if checked is None:
            raise ValueError(f"not a symbol: {symbol!r}")
        at = len(self._rows) if position is None else max(0, min(position, len(self._rows)))
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, WatchlistRow(checked))
        self.endInsertRows()
        self.edited.emit()
        return at

    def remove(self, rows: Sequence[int]) -> None:
        """Remove ``rows`` (any order, duplicates ignored)."""
        chosen = sorted({row for row in rows if 0 <= row < len(self._rows)}, reverse=True)
        if not chosen:
            return
        # Contiguous runs, from the bottom, so earlier rows keep their numbers.
        start = end = chosen[0]
        for row in [*chosen[1:], None]:
            if row is not None and row == start - 1:
                start = row
                continue
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._rows[start : end + 1]
            self.endRemoveRows()
            if row is not None:
                start = end = row
        self.edited.emit()

    def move(self, row: int, delta: int) -> int:
        """Move ``row`` up (-1) or down (+1); returns where it is now."""
        target = row + delta
        if (
            delta not in (-1, 1)
            or not 0 <= row < len(self._rows)
            or not 0 <= target < len(self._rows)
        ):
            return row
        # Qt's destination is the row the moved one goes before, counted before the move.
        destination = target if delta < 0 else target + 1
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self._rows.insert(target, self._rows.pop(row))
        self.endMoveRows()
        self.edited.emit()
        return target

    # --- prices ------------------------------------------------------------------------------

    def refresh(self, first_row: int, last_row: int) -> None:
        """Take the market's prices now, and repaint the price cells of these rows."""
        self._tick = self._market.tick()
        if not self._columns or first_row > last_row or not self._rows:
            return
        self.dataChanged.emit(
            self.index(first_row, 1),
            self.index(last_row, len(self._columns)),
            [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole],
        )


class _SymbolDelegate(QStyledItemDelegate):
    """Edits a symbol cell with a :class:`SymbolEdit` (only valid characters, upper-case)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = SymbolEdit(parent)
        editor.setFrame(False)
        return editor


class WatchlistPanel(PanelWidget):
    def __init__(
        self,
        state: Watchlist,
        parent: QWidget | None = None,
        *,
        market: SimulatedMarket | None = None,
    ) -> None:
        super().__init__(parent)
        self._extra = copy_extra(state.extra)
        self._following = False
        self.model = WatchlistModel(state.rows, state.columns, market or default_market(), self)

        self.add_label = QLabel()
        self.add_edit = SymbolEdit()
        self.add_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("MMMMMM") + 12)
        self.add_label.setBuddy(self.add_edit)
        self.add_button = QPushButton()
        self.add_button.setEnabled(False)
        self.columns_button = QToolButton()
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(0, _SymbolDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setTabKeyNavigation(False)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("0000") + 8)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self.remove_action = self._table_action(QKeySequence(QKeySequence.StandardKey.Delete))
        self.move_up_action = self._table_action(QKeySequence("Alt+Up"))
        self.move_down_action = self._table_action(QKeySequence("Alt+Down"))

        top = QHBoxLayout()
        top.addWidget(self.add_label)
        top.addWidget(self.add_edit, 1)
        top.addWidget(self.add_button)
        top.addSpacing(8)
        top.addWidget(self.columns_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.add_edit, self.add_button)
        self.setTabOrder(self.add_button, self.columns_button)
        self.setTabOrder(self.columns_button, self.table)
        self.columns_menu = ColumnMenu(WATCHLIST_COLUMNS, watchlist_column_label, self)
        self.columns_menu.set_shown(state.columns)
        self.columns_button.setMenu(self.columns_menu)

        self.timer = RefreshTimer(self)
        self.timer.timeout.connect(self.refresh_prices)

        self.model.edited.connect(self.changed)
        self.model.modelReset.connect(self._size_columns)
        self.add_edit.textChanged.connect(self._update_add_button)
        self.add_edit.returnPressed.connect(self.add_symbol)
        self.add_button.clicked.connect(self.add_symbol)
        self.columns_menu.columnToggled.connect(self.model.toggle_column)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.remove_action.triggered.connect(self.remove_selected)
        self.move_up_action.triggered.connect(self.move_up)
        self.move_down_action.triggered.connect(self.move_down)
        self._size_columns()
        self.retranslate()

    def _table_action(self, shortcut: QKeySequence) -> QAction:
        action = QAction(self.table)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(action)
        return action

    def retranslate(self) -> None:
        self.add_label.setText(self.tr("&Add symbol:"))
        self.add_edit.setPlaceholderText(self.tr("e.g. AAPL"))
        self.add_edit.setAccessibleName(self.tr("Symbol to add"))
        self.add_edit.setToolTip(
            self.tr("Up to 12 letters, digits, '.', '-' or spaces; press Enter to add")
        )
        self.add_button.setText(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add symbol"))
        self.columns_button.setText(self.tr("&Columns"))
        self.columns_button.setAccessibleName(self.tr("Choose columns"))
        self.columns_button.setToolTip(self.tr("Choose the columns the watchlist shows"))
        self.columns_menu.setTitle(self.tr("&Columns"))
        self.columns_menu.retranslate()
        self.table.setAccessibleName(self.tr("Watchlist"))
        self.table.setAccessibleDescription(
            self.tr(
                "Double-click or press F2 to change a symbol; Delete removes the selected rows; "
                "Alt+Up and Alt+Down move a row"
            )
        )
        self.remove_action.setText(self.tr("&Remove"))
        self.move_up_action.setText(self.tr("Move &Up"))
        self.move_down_action.setText(self.tr("Move &Down"))
        self.model.retranslate()

    # --- state -------------------------------------------------------------------------------

    def state(self) -> Watchlist:
        return Watchlist(
            columns=self.model.columns, rows=self.model.rows(), extra=copy_extra(self._extra)
        )

    def show_symbol(self, symbol: str) -> None:
        """Select the first row of ``symbol`` if the watchlist has one."""
        row = self.model.find(symbol)
        if row < 0:
            return
        self._following = True
        try:
            self._select_row(row)
        finally:
            self._following = False

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(QSize(0, 160))

    @Slot()
    def _size_columns(self) -> None:
        """Each column as wide as its widest likely value."""
        metrics = self.fontMetrics()
        samples = {"change_pct": "+00.00%", "volume": "000,000,000", "change": "+0,000.00"}
        header = self.table.horizontalHeader()
        header.resizeSection(0, metrics.horizontalAdvance("BRK BBB") + 16)
        for section, column in enumerate(self.model.columns, start=1):
            text = samples.get(column, "00,000.00")
            label = self.model.headerData(section, Qt.Orientation.Horizontal)
            width = max(metrics.horizontalAdvance(text), metrics.horizontalAdvance(str(label)))
            header.resizeSection(section, width + 18)

    # --- edits -------------------------------------------------------------------------------

    @Slot()
    def add_symbol(self) -> None:
        """Add the symbol typed in the "Add symbol" field as the last row, and select it."""
        symbol = self.add_edit.symbol()
        if not symbol:
            return
        row = self.model.add(symbol)
        self.add_edit.clear()
        self._select_row(row)

    @Slot()
    def remove_selected(self) -> None:
        rows = [index.row() for index in self.table.selectionModel().selectedRows()]
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        if not rows:
            return
        next_row = min(rows)
        self.model.remove(rows)
        if self.model.rowCount():
            self._select_row(min(next_row, self.model.rowCount() - 1))

    @Slot()
    def move_up(self) -> None:
        self._move(-1)

    @Slot()
    def move_down(self) -> None:
        self._move(1)

    def _move(self, delta: int) -> None:
        current = self.table.currentIndex()
        if not current.isValid():
            return
        row = self.model.move(current.row(), delta)
        self._select_row(row)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        flags |= QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def set_columns(self, columns: Sequence[str]) -> None:
        """Show these price columns (ids of ``WATCHLIST_COLUMNS``), as the menu would."""
        self.model.set_columns(columns)
        self.columns_menu.set_shown(columns)

    # --- the trader picks a symbol ---------------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def _current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid() and not self._following:
            self.symbolChosen.emit(self.model.symbol(current.row()))

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.symbolChosen.emit(self.model.symbol(index.row()))

    @Slot(str)
    def _update_add_button(self, text: str) -> None:
        self.add_button.setEnabled(normalize_symbol(text) is not None)

    # --- menus -------------------------------------------------------------------------------

    @Slot(QPoint)
    def _header_menu(self, position: QPoint) -> None:
        self.columns_menu.popup(self.table.horizontalHeader().mapToGlobal(position))

    def row_menu(self) -> QMenu:
        """The context menu of the rows: Remove, Move Up, Move Down, and the columns."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions([self.remove_action, self.move_up_action, self.move_down_action])
        menu.addSeparator()
        menu.addMenu(self.columns_menu)
        return menu

    @Slot(QPoint)
    def _row_menu(self, position: QPoint) -> None:
        self.row_menu().popup(self.table.viewport().mapToGlobal(position))

    # --- prices ------------------------------------------------------------------------------

    @Slot()
    def refresh_prices(self) -> None:
        """Repaint the prices of the rows on screen (only those: the rest are read when seen)."""
        rows = self.visible_rows()
        if rows:
            self.model.refresh(rows.start, rows.stop - 1)

    def visible_rows(self) -> range:
        """The rows on screen now."""
        first = self.table.rowAt(0)
        if first < 0:
            return range(0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        return range(first, (self.model.rowCount() - 1 if last < 0 else last) + 1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start_in_phase()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)
